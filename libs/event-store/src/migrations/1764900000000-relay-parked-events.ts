import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tablesOf } from '../schema';

/**
 * Events an outbox relay could not publish (DESIGN §10): the head that failed, with its cause,
 * and the later events of its stream held behind it, until an operator requeues them
 * (`npm run lading -- relay republish`). One row per (relay, position); a relay writes them
 * before its checkpoint moves past them, so a re-read after a crash finds them there already.
 */
export function relayParkedEventsMigration(schema: string): new () => MigrationInterface {
  const t = tablesOf(schema);
  return class RelayParkedEvents1764900000000 implements MigrationInterface {
    name = 'RelayParkedEvents1764900000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`
        create table ${t.relayParkedEvents} (
          relay text not null,
          position bigint not null,
          transaction_id xid8 not null,
          event_id uuid not null,
          stream_id text not null,
          tenant_id text not null,
          event_type text not null,
          error_class text,
          error_code text,
          error_message text,
          held_behind bigint,
          attempts int not null default 1,
          parked_at timestamptz not null default now(),
          requeued_at timestamptz,
          primary key (relay, position)
        )`);
      await queryRunner.query(`create index relay_parked_events_stream on ${t.relayParkedEvents} (relay, stream_id, position)`);
      await queryRunner.query(`create index relay_parked_events_requeued on ${t.relayParkedEvents} (relay, stream_id) where requeued_at is not null`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`drop table if exists ${t.relayParkedEvents}`);
    }
  };
}
