import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { Decider } from '@lading/decider';
import { createEventStore, migrateEventStore, type DueTimer, type EventStore } from '@lading/event-store';
import { createTestSchema, testDatabaseUrl } from '@lading/testing';
import { streamIdOf, type DecisionInput, type WakeUp } from './inputs';
import { createWorkflowRuntime, type UnitEntry, type WorkflowRuntime } from './workflow-runtime';
import type { DecisionWorkflow } from './workflow';

// The kit's unit of work on real PostgreSQL with a small dock-booking domain: a dock (stream)
// takes bookings of pallet slots while its capacity (context, from a table the workflow locks)
// lasts; a booking asks to be reminded (a wake-up) when its slot starts.

jest.setTimeout(60_000);

type Book = { type: 'Book'; bookingId: string; slots: number; capacity?: number };
/** `notBefore`: a reminder decided earlier than that is too early and does nothing (a window not open yet). */
type Remind = { type: 'Remind'; bookingId: string; notBefore?: string };
type DockCommand = Book | Remind;
type DockEvent = { type: 'Booked'; bookingId: string; slots: number } | { type: 'Refused'; bookingId: string } | { type: 'Reminded'; bookingId: string };
interface Dock {
  booked: number;
  bookings: string[];
}

const dock: Decider<DockCommand, DockEvent, Dock> = {
  initialState: () => ({ booked: 0, bookings: [] }),
  decide: (command, state, { now }) => {
    if (command.type === 'Remind') {
      const tooEarly = command.notBefore !== undefined && now.getTime() < Date.parse(command.notBefore);
      return state.bookings.includes(command.bookingId) && !tooEarly ? [{ type: 'Reminded', bookingId: command.bookingId }] : [];
    }
    if (state.bookings.includes(command.bookingId)) return [];
    const capacity = command.capacity ?? 50;
    return state.booked + command.slots <= capacity ? [{ type: 'Booked', bookingId: command.bookingId, slots: command.slots }] : [{ type: 'Refused', bookingId: command.bookingId }];
  },
  evolve: (state, event) => (event.type === 'Booked' ? { booked: state.booked + event.slots, bookings: [...state.bookings, event.bookingId] } : state),
};

const pool = new Pool({ connectionString: testDatabaseUrl(), max: 14 });
let store: EventStore;
let schema: string;
let runtime: WorkflowRuntime;
const drops: (() => Promise<void>)[] = [];
const NOW = new Date('2026-03-02T08:00:00.000Z');
const remindAt = new Date('2026-03-02T09:00:00.000Z');
let loads: number[] = [];

/** The workflow under test: capacity from a per-dock table (locked), a reminder per booking. */
function dockWorkflow(capacityTable: string | undefined): DecisionWorkflow<DockCommand, DockEvent, Dock> {
  return {
    streamType: 'dock',
    decider: dock,
    context: capacityTable
      ? {
          async load(tx, pending) {
            loads.push(pending.length);
            const keys = [...new Set(pending.map((p) => p.input.key))].sort();
            const { rows } = await tx.client.query(`select dock_id, capacity from ${capacityTable} where dock_id = any($1::text[]) order by dock_id for update`, [keys]);
            const capacity = new Map(rows.map((r) => [r.dock_id as string, r.capacity as number]));
            return {
              provide: (input, command) => (command.type === 'Book' ? { ...command, capacity: capacity.get(input.key) ?? 0 } : command),
              apply: () => undefined,
            };
          },
        }
      : undefined,
    async afterDecisions(tx, decided) {
      const wakeUps: WakeUp[] = decided.flatMap(({ input, events }) =>
        events.flatMap((e) =>
          e.type === 'Booked'
            ? [{ tenantId: input.tenantId, streamType: 'dock', key: input.key, command: { type: 'Remind', bookingId: e.bookingId }, dueAt: remindAt, reason: `remind:${e.bookingId}`, correlationId: e.bookingId, causationId: input.cause.eventId }]
            : [],
        ),
      );
      await tx.wake(wakeUps);
    },
  };
}

beforeEach(async () => {
  const es = await createTestSchema('es_kit');
  drops.push(es.drop);
  schema = es.schema;
  await migrateEventStore({ pool, schema });
  await pool.query(`create table "${schema}".dock_capacity (dock_id text primary key, capacity int not null)`);
  await pool.query(`insert into "${schema}".dock_capacity values ('D1', 5), ('D2', 1)`);
  store = createEventStore({ pool, schema, now: () => NOW });
  runtime = createWorkflowRuntime({ service: 'docks', store, workflows: [dockWorkflow(`"${schema}".dock_capacity`)] });
  loads = [];
});

afterEach(async () => {
  for (const drop of drops.splice(0)) await drop();
});

afterAll(() => pool.end());

const book = (tenantId: string, dockId: string, bookingId: string, slots: number, eventId = randomUUID()): UnitEntry => ({
  tenantId,
  eventId,
  inputs: [{ kind: 'decision', tenantId, streamType: 'dock', key: dockId, command: { type: 'Book', bookingId, slots }, cause: { eventId, correlationId: bookingId, occurredAt: NOW.getTime() } }],
});
const run = (entries: UnitEntry[], on = runtime) => on.runUnit(entries, () => NOW);
const eventsOf = async (tenantId: string, dockId: string) => (await store.readStream<DockEvent>(streamIdOf(tenantId, 'dock', dockId))).map((e) => `${e.payload.type}:${e.payload.bookingId}@${e.streamVersion}`);

describe('the service kit: one unit of work in one transaction', () => {
  it('given a unit of bookings, then they are decided in arrival order against the context as the ones before them left it, the context loaded once', async () => {
    const outcome = await run([book('acme', 'D1', 'B1', 2), book('acme', 'D1', 'B2', 2), book('acme', 'D1', 'B3', 2)]);

    expect(outcome.handled).toBe(3);
    expect(loads).toEqual([3]);
    // one stream decided three times in one unit: three rounds, versions in order
    expect(await eventsOf('acme', 'D1')).toEqual(['Booked:B1@1', 'Booked:B2@2', 'Refused:B3@3']);
    const [first] = await store.readStream(streamIdOf('acme', 'dock', 'D1'));
    expect(first.metadata).toMatchObject({ correlationId: 'B1', causationId: outcome.decided[0].input.cause.eventId, occurredAt: NOW.toISOString() });
  });

  it('given two tenants with the same dock and booking ids and even the same event id, then each is its own stream and its own inbox entry', async () => {
    const eventId = randomUUID();
    const outcome = await run([book('acme', 'D1', 'B1', 1, eventId), book('globex', 'D1', 'B1', 1, eventId)]);
    const again = await run([book('acme', 'D1', 'B1', 1, eventId)]);

    expect([outcome.handled, outcome.duplicates]).toEqual([2, 0]);
    expect([again.handled, again.duplicates]).toEqual([0, 1]);
    expect(await eventsOf('acme', 'D1')).toEqual(['Booked:B1@1']);
    expect(await eventsOf('globex', 'D1')).toEqual(['Booked:B1@1']);
  });

  it('given a booking, then its reminder is a durable wake-up of its own stream that decides when fired, once', async () => {
    await run([book('acme', 'D1', 'B1', 1)]);
    const { rows } = await pool.query(`select timer_id, tenant_id, stream_id, due_at, command, attempts from "${schema}".timers`);
    expect(rows.map((r) => [r.timer_id, r.stream_id, r.due_at.toISOString()])).toEqual([['docks.acme/dock:D1#remind:B1', 'acme/dock:D1', remindAt.toISOString()]]);

    const due = rows.map((r): DueTimer<unknown> => ({ timerId: r.timer_id, tenantId: r.tenant_id, streamId: r.stream_id, dueAt: r.due_at, command: r.command, attempts: r.attempts }));
    const decided = await store.transaction((tx) => runtime.fire(tx, due, remindAt));

    expect(decided.map((d) => d.input.cause)).toEqual([{ eventId: rows[0].command.causationId, correlationId: 'B1', occurredAt: remindAt.getTime() }]);
    expect(await eventsOf('acme', 'D1')).toEqual(['Booked:B1@1', 'Reminded:B1@2']);
  });

  it('given the app clock 2 minutes behind the database clock, when wake-ups fall due by the database clock, then each is decided at a time no earlier than its due time, and none is dropped as too early', async () => {
    await run([book('acme', 'D1', 'B1', 1), book('acme', 'D2', 'B2', 1)]);
    const dbNow: Date = (await pool.query('select now() as now')).rows[0].now;
    const appNow = () => new Date(Date.now() - 2 * 60_000);
    // due by the database clock (the poller claims with its now()), not yet by the app's
    const remind = (dockId: string, bookingId: string, dueAt: Date): WakeUp => ({
      tenantId: 'acme', streamType: 'dock', key: dockId, command: { type: 'Remind', bookingId, notBefore: dueAt.toISOString() }, dueAt, reason: `remind:${bookingId}`, correlationId: bookingId, causationId: bookingId,
    });
    await store.transaction((tx) => runtime.workflowTransaction(tx).wake([remind('D1', 'B1', new Date(dbNow.getTime() - 90_000)), remind('D2', 'B2', new Date(dbNow.getTime() - 1_000))]));
    // the kit's poller, as startService runs it: claimed by the database clock, decided by the app's
    expect(await runtime.wakeUpPoller({ now: appNow }).pollOnce()).toBe(2);
    expect(await eventsOf('acme', 'D1')).toEqual(['Booked:B1@1', 'Reminded:B1@2']);
    expect(await eventsOf('acme', 'D2')).toEqual(['Booked:B2@1', 'Reminded:B2@2']);
  });

  it('given a wake-up pending for a stream, when another asks unless one is pending, then nothing more is scheduled', async () => {
    const wake = (reason: string, unlessPending: boolean): WakeUp => ({ tenantId: 'acme', streamType: 'dock', key: 'D9', command: { type: 'Remind', bookingId: 'X' }, dueAt: NOW, reason, unlessPending, correlationId: 'X', causationId: reason });
    await store.transaction((tx) => runtime.workflowTransaction(tx).wake([wake('first', true), wake('second', true)]));
    await store.transaction((tx) => runtime.workflowTransaction(tx).wake([wake('third', true)]));
    await store.transaction((tx) => runtime.workflowTransaction(tx).wake([wake('window', false)]));

    const { rows } = await pool.query(`select timer_id from "${schema}".timers order by timer_id`);
    expect(rows.map((r) => r.timer_id)).toEqual(['docks.acme/dock:D9#first', 'docks.acme/dock:D9#window']);
  });

  it('given a wake-up pending for a stream tomorrow, when another asks for now unless one is pending, then it is scheduled: only one due no later covers it', async () => {
    const tomorrow = new Date(NOW.getTime() + 24 * 3_600_000);
    const wake = (reason: string, dueAt: Date, unlessPending: boolean): WakeUp => ({ tenantId: 'acme', streamType: 'dock', key: 'D9', command: { type: 'Remind', bookingId: 'X' }, dueAt, reason, unlessPending, correlationId: 'X', causationId: reason });
    await store.transaction((tx) => runtime.workflowTransaction(tx).wake([wake('window', tomorrow, false)]));
    await store.transaction((tx) => runtime.workflowTransaction(tx).wake([wake('stock', NOW, true)]));
    await store.transaction((tx) => runtime.workflowTransaction(tx).wake([wake('credit', NOW, true)]));

    const { rows } = await pool.query(`select timer_id, due_at from "${schema}".timers order by due_at, timer_id`);
    expect(rows.map((r) => [r.timer_id, r.due_at.toISOString()])).toEqual([
      ['docks.acme/dock:D9#stock', NOW.toISOString()],
      ['docks.acme/dock:D9#window', tomorrow.toISOString()],
    ]);
  });

  it("given a stream holding another tenant's event (tampered), when a decision reads it, then it is refused as TENANT_MISMATCH and nothing is applied", async () => {
    await pool.query(
      `insert into "${schema}".events (stream_id, stream_type, stream_version, event_id, event_type, tenant_id, payload)
       values ('acme/dock:D1', 'dock', 1, gen_random_uuid(), 'Booked', 'globex', '{"type":"Booked","bookingId":"X","slots":1}')`,
    );
    await expect(run([book('acme', 'D1', 'B1', 1)])).rejects.toMatchObject({ code: 'TENANT_MISMATCH', retriable: false });
    expect((await pool.query(`select count(*)::int as n from "${schema}".inbox`)).rows[0].n).toBe(0);
  });

  it('given twelve instances booking 5 slots of one dock at the same moment, then exactly ten are booked, none over capacity, and no transaction fails on a conflict', async () => {
    const plain = createWorkflowRuntime({ service: 'docks', store, workflows: [dockWorkflow(undefined)] });
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => run([book('acme', 'D5', `B${i}`, 5)], plain)));

    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const events = await eventsOf('acme', 'D5');
    expect(events.filter((e) => e.startsWith('Booked'))).toHaveLength(10);
    expect(events.filter((e) => e.startsWith('Refused'))).toHaveLength(2);
  });
});

// The group committer the transport feeds: the units of every lane waiting commit together.
describe('the service kit: group commit', () => {
  it('given units submitted while a transaction runs, then the next transaction takes them together; decisions and facts never share one', async () => {
    const committer = runtime.groupCommitter(() => NOW);
    const inputs: DecisionInput[] = [];
    const units = Array.from({ length: 5 }, (_, i) => book('acme', 'D1', `G${i}`, 1));
    for (const unit of units) inputs.push(...(unit.inputs as DecisionInput[]));
    await Promise.all(units.map((unit) => committer.submit([unit])));

    expect(await eventsOf('acme', 'D1')).toEqual(['Booked:G0@1', 'Booked:G1@2', 'Booked:G2@3', 'Booked:G3@4', 'Booked:G4@5']);
    // the first unit ran alone (nothing was waiting), the other four waited for it and ran together
    expect(loads).toEqual([1, 4]);
  });
});
