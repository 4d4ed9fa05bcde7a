import type { Consumer, Kafka } from 'kafkajs';
import type { AvroSerde } from '@lading/schema-registry';

/**
 * What the chaos run counts, read from the topics themselves (never from the engine's own
 * metrics): an input is acknowledged when it is in the log — the producer had its acks=all —
 * and decided when order-release published a decision for it. Keyed by tenant and order: the
 * simulated tenants share order numbers.
 */
export interface OrderLedger {
  /** tenant \0 order → when the OrderPlaced was acknowledged (its record timestamp) */
  inputs: Map<string, number>;
  /** tenant \0 order → when this process first saw a decision (OrderReleased or OrderHeld) */
  decided: Map<string, number>;
  /**
   * tenant \0 order \0 record type \0 causation id → distinct event ids of the releases
   * (OrderReleased, ReleaseOrderToWarehouse) that cause led to. An order may be released more
   * than once (a backorder released later), but one cause releasing it twice is a duplicated
   * effect: the inbox exists to prevent exactly that. The same event published twice (one id)
   * is not: consumers' inboxes absorb it.
   */
  releases: Map<string, Set<string>>;
  /** records that could not be decoded (the DLQ scenario's poison is one), by topic */
  undecodable: Map<string, number>;
  /** Whether every record now in the three topics has been read (for a count that is final). */
  caughtUp(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface LedgerCount {
  inputs: number;
  decided: number;
  lost: number;
  duplicated: number;
  /** the lost orders (at most 20), to look up in the logs */
  lostOrders: string[];
}

const key = (tenantId: string, orderId: string) => `${tenantId}\0${orderId}`;

export async function startLedger(kafka: Kafka, serde: AvroSerde, groupId: string): Promise<OrderLedger> {
  const topics = ['erp.orders.v1', 'orchestration.order-release.v1', 'wms.commands.v1'];
  const read = new Map<string, number>();
  const ledger: Omit<OrderLedger, 'stop' | 'caughtUp'> = { inputs: new Map(), decided: new Map(), releases: new Map(), undecodable: new Map() };
  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  await consumer.connect();
  // From the beginning: a group started "at the end" resolves that end per partition at its first
  // fetch, after the join — records produced in between would be missed (they were, in the first
  // runs). Earlier runs' records are read too and left out by the tenant prefix.
  await consumer.subscribe({ topics, fromBeginning: true });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const message of batch.messages) {
        const at = `${batch.topic}:${batch.partition}`;
        read.set(at, Math.max(read.get(at) ?? 0, Number(message.offset) + 1));
        if (!message.value) continue;
        let decoded: { recordType: string; value: unknown };
        try {
          decoded = await serde.decode(batch.topic, message.value);
        } catch {
          ledger.undecodable.set(batch.topic, (ledger.undecodable.get(batch.topic) ?? 0) + 1);
          resolveOffset(message.offset);
          continue;
        }
        const value = decoded.value as { orderId?: string; meta: { tenantId: string; eventId: string; causationId: string | null } };
        if (!value.orderId) continue;
        const k = key(value.meta.tenantId, value.orderId);
        switch (decoded.recordType) {
          case 'lading.erp.OrderPlaced':
            if (!ledger.inputs.has(k)) ledger.inputs.set(k, Number(message.timestamp));
            break;
          case 'lading.orchestration.OrderReleased':
            add(ledger.releases, `${k}\0${decoded.recordType}\0${value.meta.causationId}`, value.meta.eventId);
            if (!ledger.decided.has(k)) ledger.decided.set(k, Date.now());
            break;
          case 'lading.orchestration.OrderHeld':
            if (!ledger.decided.has(k)) ledger.decided.set(k, Date.now());
            break;
          case 'lading.commands.ReleaseOrderToWarehouse':
            add(ledger.releases, `${k}\0${decoded.recordType}\0${value.meta.causationId}`, value.meta.eventId);
            break;
        }
        resolveOffset(message.offset);
      }
      await heartbeat();
    },
  });
  const until = Date.now() + 60_000;
  while (!joined) {
    if (Date.now() > until) throw new Error('the chaos ledger did not join its group within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const admin = kafka.admin();
  await admin.connect();
  return {
    ...ledger,
    async caughtUp() {
      // brokers moving leaders answer NOT_LEADER for a moment: not caught up yet, ask again
      try {
        return await readToTheEnd();
      } catch {
        return false;
      }
    },
    async stop() {
      await consumer.disconnect();
      await admin.disconnect();
    },
  };
  async function readToTheEnd(): Promise<boolean> {
    for (const topic of topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (Number(high) > Number(low) && (read.get(`${topic}:${partition}`) ?? Number(low)) < Number(high)) return false;
      }
    }
    return true;
  }
}

function add(map: Map<string, Set<string>>, k: string, eventId: string): void {
  const ids = map.get(k) ?? new Set<string>();
  ids.add(eventId);
  map.set(k, ids);
}

/** The orders of the tenants starting with `tenantPrefix`. */
export function countFor(ledger: OrderLedger, tenantPrefix: string): LedgerCount {
  const ours = (k: string) => k.startsWith(tenantPrefix);
  const inputs = [...ledger.inputs.keys()].filter(ours);
  const lost = inputs.filter((k) => !ledger.decided.has(k));
  // one cause releasing an order twice (two different events, not one published twice)
  const doubled = [...ledger.releases].filter(([k, ids]) => ours(k) && ids.size > 1).reduce((n, [, ids]) => n + ids.size - 1, 0);
  return {
    inputs: inputs.length,
    decided: inputs.length - lost.length,
    lost: lost.length,
    duplicated: doubled,
    lostOrders: lost.slice(0, 20).map((k) => k.replace('\0', '/')),
  };
}

/**
 * How long after `faultEndedAt` the engine had decided every order acknowledged up to then:
 * the backlog the fault left, worked off. 0 when nothing was behind.
 */
export function recoveredMs(ledger: OrderLedger, tenantPrefix: string, faultEndedAt: number): number | null {
  let latest = faultEndedAt;
  for (const [k, at] of ledger.inputs) {
    if (!k.startsWith(tenantPrefix) || at > faultEndedAt) continue;
    const decidedAt = ledger.decided.get(k);
    if (decidedAt === undefined) return null;
    latest = Math.max(latest, decidedAt);
  }
  return latest - faultEndedAt;
}

/** Orders of the tenants starting with `tenantPrefix` acknowledged in [from, to). */
export function inputsBetween(ledger: OrderLedger, tenantPrefix: string, from: number, to: number): number {
  let n = 0;
  for (const [k, at] of ledger.inputs) if (k.startsWith(tenantPrefix) && at >= from && at < to) n++;
  return n;
}

/** Decisions for those tenants first seen in [from, to). */
export function decisionsBetween(ledger: OrderLedger, tenantPrefix: string, from: number, to: number): number {
  let n = 0;
  for (const [k, at] of ledger.decided) if (k.startsWith(tenantPrefix) && at >= from && at < to) n++;
  return n;
}
