import type { ClientBase } from 'pg';
import type { StoredEvent } from '../types';
import type { Projection } from './projection';

/**
 * One row per stream: its type, tenant, current version, last event and when it changed —
 * the "where is this order/shipment, and when did it last move" read model every service
 * needs, whatever its stream type. Idempotent by stream version: an older or repeated event
 * never moves a row backwards.
 */
export function streamSummaryProjection(options: { name?: string; mode?: 'inline' | 'async'; streamTypes?: readonly string[] } = {}): Projection {
  return {
    name: options.name ?? 'stream_summary',
    mode: options.mode ?? 'async',
    streamTypes: options.streamTypes,
    description: 'per stream: type, tenant, version, last event type and time',
    async createTable(client: ClientBase, table: string) {
      await client.query(`
        create table if not exists ${table} (
          stream_id text primary key,
          stream_type text not null,
          tenant_id text not null,
          version bigint not null,
          last_event_type text not null,
          last_event_id uuid not null,
          last_position bigint not null,
          first_recorded_at timestamptz not null,
          last_recorded_at timestamptz not null
        )`);
    },
    async apply(client: ClientBase, events: readonly StoredEvent[], target: string) {
      if (events.length === 0) return;
      // Only the newest event per stream matters; folding here keeps one row per stream in
      // the statement (ON CONFLICT cannot touch a row twice).
      const latest = new Map<string, StoredEvent>();
      const first = new Map<string, StoredEvent>();
      for (const e of events) {
        if (!first.has(e.streamId)) first.set(e.streamId, e);
        const seen = latest.get(e.streamId);
        if (!seen || seen.streamVersion < e.streamVersion) latest.set(e.streamId, e);
      }
      const rows = [...latest.values()].map((e) => ({
        stream_id: e.streamId,
        stream_type: e.streamType,
        tenant_id: e.tenantId,
        version: e.streamVersion,
        last_event_type: e.eventType,
        last_event_id: e.eventId,
        last_position: e.position,
        first_recorded_at: first.get(e.streamId)!.recordedAt,
        last_recorded_at: e.recordedAt,
      }));
      await client.query(
        `insert into ${target} as s (stream_id, stream_type, tenant_id, version, last_event_type, last_event_id, last_position, first_recorded_at, last_recorded_at)
         select * from jsonb_to_recordset($1::jsonb) as r(stream_id text, stream_type text, tenant_id text, version bigint,
           last_event_type text, last_event_id uuid, last_position bigint, first_recorded_at timestamptz, last_recorded_at timestamptz)
         on conflict (stream_id) do update set
           version = excluded.version, last_event_type = excluded.last_event_type, last_event_id = excluded.last_event_id,
           last_position = excluded.last_position, last_recorded_at = excluded.last_recorded_at
         where s.version < excluded.version`,
        [JSON.stringify(rows)],
      );
    },
  };
}
