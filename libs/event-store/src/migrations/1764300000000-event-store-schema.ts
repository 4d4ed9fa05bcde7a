import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tablesOf } from '../schema';

/**
 * The event store's tables. Migrations are built per schema (a class per call) because the
 * schema name is configuration: production uses one `event_store` schema, tests one each.
 */
export function eventStoreSchemaMigration(schema: string): new () => MigrationInterface {
  const t = tablesOf(schema);
  return class EventStoreSchema1764300000000 implements MigrationInterface {
    name = 'EventStoreSchema1764300000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`create schema if not exists ${t.schema}`);
      // One row per stream: the row lock serialises writers of one stream, and
      // last_transaction_id lets an append refuse to put a version behind an older xid
      // (see append.ts: it keeps the relay's (xid, position) order per-stream correct).
      await queryRunner.query(`
        create table ${t.streams} (
          stream_id text primary key,
          stream_type text not null,
          tenant_id text not null,
          version bigint not null,
          last_transaction_id xid8 not null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        )`);
      // The events table is also the outbox: the relay reads it by (transaction_id, position).
      await queryRunner.query(`
        create table ${t.events} (
          position bigint generated always as identity primary key,
          transaction_id xid8 not null default pg_current_xact_id(),
          stream_id text not null,
          stream_type text not null,
          stream_version bigint not null,
          event_id uuid not null unique,
          event_type text not null,
          tenant_id text not null,
          payload jsonb not null,
          metadata jsonb not null default '{}'::jsonb,
          recorded_at timestamptz not null default now(),
          unique (stream_id, stream_version)
        )`);
      await queryRunner.query(`create index events_commit_order on ${t.events} (transaction_id, position)`);
      await queryRunner.query(`create index events_stream_type on ${t.events} (stream_type, position)`);
      await queryRunner.query(`
        create table ${t.inbox} (
          consumer text not null,
          event_id text not null,
          recorded_at timestamptz not null default now(),
          primary key (consumer, event_id)
        )`);
      // Gap-free cursors of relays, keyed by relay name.
      await queryRunner.query(`
        create table ${t.checkpoints} (
          name text primary key,
          transaction_id xid8 not null default '0'::xid8,
          position bigint not null default 0,
          updated_at timestamptz not null default now()
        )`);
      // Projections: which table version is live and (async ones) how far they have read.
      await queryRunner.query(`
        create table ${t.projections} (
          name text primary key,
          mode text not null,
          version int not null,
          transaction_id xid8 not null default '0'::xid8,
          position bigint not null default 0,
          rebuilt_at timestamptz,
          updated_at timestamptz not null default now()
        )`);
      await queryRunner.query(`
        create table ${t.snapshots} (
          stream_id text not null,
          snapshot_name text not null,
          version bigint not null,
          state jsonb not null,
          updated_at timestamptz not null default now(),
          primary key (stream_id, snapshot_name)
        )`);
      await queryRunner.query(`
        create table ${t.timers} (
          timer_id text primary key,
          tenant_id text not null,
          stream_id text,
          due_at timestamptz not null,
          command jsonb not null,
          attempts int not null default 0,
          last_error text,
          created_at timestamptz not null default now()
        )`);
      await queryRunner.query(`create index timers_due_at on ${t.timers} (due_at)`);
      // An append running in autocommit (one statement, no transaction around it) must not
      // keep its inbox row when a stream refuses the append: raising rolls the statement back.
      await queryRunner.query(`
        create function ${t.schema}.append_refused(strict boolean, refused bigint) returns bigint
        language plpgsql volatile as $$
        begin
          if strict and refused > 0 then
            raise exception 'append refused for % stream(s)', refused using errcode = 'LA001';
          end if;
          return refused;
        end $$`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`drop function if exists ${t.schema}.append_refused(boolean, bigint)`);
      for (const table of [t.timers, t.snapshots, t.projections, t.checkpoints, t.inbox, t.events, t.streams]) {
        await queryRunner.query(`drop table if exists ${table}`);
      }
    }
  };
}
