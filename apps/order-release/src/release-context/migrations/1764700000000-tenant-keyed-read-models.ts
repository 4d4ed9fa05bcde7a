import type { MigrationInterface, QueryRunner } from 'typeorm';
import { releaseTablesOf } from '../schema';

/**
 * The tenant becomes part of every read-model key (DESIGN §9): two tenants' orders with the
 * same number are two held orders and two sets of reservations. A site is shared by the
 * tenants it serves and owned by its operator: its status row has no tenant any more, only who
 * reported it. Existing rows keep their tenant, so nothing is lost on upgrade.
 */
export function tenantKeyedReadModelsMigration(schema: string): new () => MigrationInterface {
  const t = releaseTablesOf(schema);
  return class TenantKeyedReadModels1764700000000 implements MigrationInterface {
    name = 'TenantKeyedReadModels1764700000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`alter table ${t.reservations} drop constraint reservations_pkey`);
      await queryRunner.query(`alter table ${t.reservations} add primary key (tenant_id, warehouse_order_id, sku)`);
      await queryRunner.query(`drop index ${t.schema}.reservations_by_order`);
      await queryRunner.query(`create index reservations_by_order on ${t.reservations} (tenant_id, order_id)`);
      await queryRunner.query(`alter table ${t.heldOrders} drop constraint held_orders_pkey`);
      await queryRunner.query(`alter table ${t.heldOrders} add primary key (tenant_id, order_id)`);
      await queryRunner.query(`drop index ${t.schema}.held_orders_by_site`);
      await queryRunner.query(`create index held_orders_by_site on ${t.heldOrders} (site_id, tenant_id, queued_since, order_id)`);
      await queryRunner.query(`alter table ${t.siteReadiness} add column reported_by text not null default ''`);
      await queryRunner.query(`update ${t.siteReadiness} set reported_by = tenant_id`);
      await queryRunner.query(`alter table ${t.siteReadiness} drop column tenant_id`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`alter table ${t.siteReadiness} add column tenant_id text not null default ''`);
      await queryRunner.query(`update ${t.siteReadiness} set tenant_id = reported_by`);
      await queryRunner.query(`alter table ${t.siteReadiness} drop column reported_by`);
      await queryRunner.query(`drop index ${t.schema}.held_orders_by_site`);
      await queryRunner.query(`create index held_orders_by_site on ${t.heldOrders} (site_id, queued_since, order_id)`);
      await queryRunner.query(`alter table ${t.heldOrders} drop constraint held_orders_pkey`);
      await queryRunner.query(`alter table ${t.heldOrders} add primary key (order_id)`);
      await queryRunner.query(`drop index ${t.schema}.reservations_by_order`);
      await queryRunner.query(`create index reservations_by_order on ${t.reservations} (order_id)`);
      await queryRunner.query(`alter table ${t.reservations} drop constraint reservations_pkey`);
      await queryRunner.query(`alter table ${t.reservations} add primary key (warehouse_order_id, sku)`);
    }
  };
}
