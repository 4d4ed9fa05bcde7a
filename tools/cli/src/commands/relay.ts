import { DEFAULT_EVENT_STORE_SCHEMA, listParkedEvents, requeueParkedEvents, type ParkedEvent, type RequeueSelector } from '@lading/event-store';
import { Pool } from 'pg';
import type { CommandGroup } from '../main';
import { flag, option } from './options';

const usage = `usage: npm run lading -- relay <parked|republish> [options]

  parked                    events an outbox relay could not publish (with the cause), and the
                            later events of their streams held behind them (held-behind=<position>)
      [--relay <name>] [--stream <id>] [--tenant <id>] [--limit <n>, default 100]
  republish (--stream <id> | --event <id> | --all) [--relay <name>]
                            requeue parked events, e.g. once a fix is deployed: the leading relay
                            (in the service) publishes them within about a second, in order per
                            stream, and releases the stream; an event that fails again stays
                            parked with its new cause. --event takes the events held behind it too.

options:
  --schema <name>           event-store schema (default ${DEFAULT_EVENT_STORE_SCHEMA}, env EVENT_STORE_SCHEMA)
env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lading)
A relay is named after its service (one per service). Metric: lading_outbox_parked_events{relay}.`;

function summary(p: ParkedEvent): string {
  return [
    p.relay,
    `position=${p.position}`,
    p.parkedAt.toISOString(),
    p.streamId,
    `tenant=${p.tenantId}`,
    p.eventType,
    `event=${p.eventId}`,
    p.heldBehind === undefined ? `${p.errorClass ?? '?'}/${p.errorCode ?? '-'}` : `held-behind=${p.heldBehind}`,
    `attempts=${p.attempts}`,
    ...(p.requeuedAt ? [`requeued ${p.requeuedAt.toISOString()}`] : []),
    ...(p.heldBehind === undefined ? [JSON.stringify(p.errorMessage ?? '')] : []),
  ].join('  ');
}

function selectorOf(args: string[]): RequeueSelector {
  const relay = option(args, '--relay');
  const streamId = option(args, '--stream');
  const eventId = option(args, '--event');
  const all = flag(args, '--all');
  if ([streamId, eventId, all || undefined].filter((v) => v !== undefined).length !== 1) throw new Error('republish needs exactly one of --stream <id>, --event <id>, --all');
  return streamId !== undefined ? { relay, streamId } : eventId !== undefined ? { relay, eventId } : { relay, all: true };
}

/**
 * `relay parked|republish`: the operator's side of the outbox relay's parking. The CLI has no
 * mapper, so it cannot publish: `republish` marks events requeued and the leading relay in the
 * service publishes them.
 */
export const relayCommands: CommandGroup = {
  name: 'relay',
  summary: 'list the events the outbox relay parked; requeue them for re-publication',
  usage,
  async run(argv, out) {
    const args = [...argv];
    const schema = option(args, '--schema') ?? process.env.EVENT_STORE_SCHEMA ?? DEFAULT_EVENT_STORE_SCHEMA;
    const command = args.shift();
    if (command !== 'parked' && command !== 'republish') {
      out(usage);
      return command ? 2 : 0;
    }
    const filter = command === 'parked' ? { relay: option(args, '--relay'), streamId: option(args, '--stream'), tenantId: option(args, '--tenant'), limit: Number(option(args, '--limit') ?? 100) } : undefined;
    if (filter && !(Number.isInteger(filter.limit) && filter.limit > 0)) throw new Error('--limit needs a positive whole number');
    const selector = command === 'republish' ? selectorOf(args) : undefined;
    if (args.length > 0) throw new Error(`unknown argument ${args[0]}`);
    const pool = new Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lading', max: 1 });
    try {
      if (filter) {
        const parked = await listParkedEvents(pool, schema, { ...filter, limit: filter.limit + 1 });
        out(`${Math.min(parked.length, filter.limit)}${parked.length > filter.limit ? '+' : ''} parked event(s) in ${schema}`);
        for (const p of parked.slice(0, filter.limit)) out(summary(p));
        return 0;
      }
      const requeued = await requeueParkedEvents(pool, schema, selector!);
      if (requeued.length === 0) {
        out(`no parked event matches in ${schema}`);
        return 1;
      }
      for (const r of requeued) {
        out(`${r.relay}  ${r.streamId}: ${r.requeued} parked event(s) requeued; the leading relay publishes them within about a second`);
        if (r.waitingBefore > 0) out(`  note: ${r.waitingBefore} earlier parked event(s) of ${r.streamId} are not requeued, and go first: requeue them too (--stream ${r.streamId})`);
      }
      return 0;
    } finally {
      await pool.end();
    }
  },
};
