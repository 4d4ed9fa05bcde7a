import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tablesOf } from '../schema';

/**
 * The tenant becomes part of the inbox key (DESIGN §9): two tenants' messages never dedup each
 * other, even if an adapter reused an event id across tenants. Rows recorded before carry the
 * tenant '' — see the event-store README on upgrading a running system.
 */
export function tenantScopedInboxMigration(schema: string): new () => MigrationInterface {
  const t = tablesOf(schema);
  return class TenantScopedInbox1764600000000 implements MigrationInterface {
    name = 'TenantScopedInbox1764600000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`alter table ${t.inbox} add column tenant_id text not null default ''`);
      await queryRunner.query(`alter table ${t.inbox} alter column tenant_id drop default`);
      await queryRunner.query(`alter table ${t.inbox} drop constraint inbox_pkey`);
      await queryRunner.query(`alter table ${t.inbox} add primary key (consumer, tenant_id, event_id)`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`alter table ${t.inbox} drop constraint inbox_pkey`);
      await queryRunner.query(`alter table ${t.inbox} add primary key (consumer, event_id)`);
      await queryRunner.query(`alter table ${t.inbox} drop column tenant_id`);
    }
  };
}
