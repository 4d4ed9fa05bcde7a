import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tablesOf } from '../schema';

/**
 * The relay leader's heartbeat, by the database clock: a follower that cannot get the lock
 * replaces a leader whose heartbeat is older than its lease (see relay-lease.ts). Null for a
 * leader of a version without leases: such a leader is never replaced.
 */
export function relayLeaseMigration(schema: string): new () => MigrationInterface {
  const t = tablesOf(schema);
  return class RelayLease1764900000100 implements MigrationInterface {
    name = 'RelayLease1764900000100';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`alter table ${t.checkpoints} add column heartbeat_at timestamptz`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`alter table ${t.checkpoints} drop column heartbeat_at`);
    }
  };
}
