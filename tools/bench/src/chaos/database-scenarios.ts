import { sleep, type ChaosScenario } from './context';
import { decisionsBetween, inputsBetween } from './ledger';

export const postgresRestart: ChaosScenario = {
  name: 'postgres-restart',
  description: 'PostgreSQL restarted the hard way (pg_ctl restart -m immediate): every connection dies at once, the server runs crash recovery',
  async fault(ctx) {
    const startedAt = Date.now();
    await ctx.postgres.restart();
    return { startedAt, endedAt: Date.now() };
  },
};

export const postgresHang: ChaosScenario = {
  name: 'postgres-hang',
  description: "every connection to PostgreSQL hangs (open, but nothing comes back) — and new ones get no answer — for the fault's duration",
  async fault(ctx) {
    const startedAt = Date.now();
    ctx.proxy.freeze();
    await sleep(ctx.profile.faultSeconds * 1_000);
    ctx.proxy.thaw();
    return { startedAt, endedAt: Date.now() };
  },
};

/**
 * An analyst's forgotten psql session: a write transaction left open in another database of
 * the same server. Publication must not wait for it (the relay's cut-off is the event store's
 * own writers, not the cluster-wide xmin).
 */
export const openTransactionElsewhere: ChaosScenario = {
  name: 'open-transaction-other-database',
  description: 'a write transaction held open in database `postgres` of the same server while orders flow',
  async fault(ctx) {
    const client = await ctx.postgresAdmin();
    try {
      await client.query('create table if not exists chaos_forgotten_session (at timestamptz)');
      await client.query('begin');
      await client.query('insert into chaos_forgotten_session values (now())');
      const { rows } = await client.query('select pg_current_xact_id()::text as xid');
      const startedAt = Date.now();
      ctx.progress(`transaction ${rows[0].xid} open in database postgres for ${ctx.profile.openTransactionSeconds} s`);
      await sleep(ctx.profile.openTransactionSeconds * 1_000);
      const endedAt = Date.now();
      await client.query('commit');
      // decided while it was open, of the orders that came in meanwhile (leaving the last 5 s: in flight)
      const inputs = inputsBetween(ctx.ledger, ctx.tenantPrefix, startedAt, endedAt - 5_000);
      const decided = decisionsBetween(ctx.ledger, ctx.tenantPrefix, startedAt, endedAt);
      const failures = inputs > 0 && decided < inputs * 0.5 ? [`publication was held back: ${decided} decisions published while ${inputs} orders came in`] : [];
      return { startedAt, endedAt, notes: { ordersArrivedWhileOpen: inputs, decisionsPublishedWhileOpen: decided }, failures };
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};
