import { Client } from 'pg';
import { databaseUrl, round, sleep } from './common';

export interface ActiveConnections {
  samples: number;
  mean: number;
  max: number;
  share_with_more_than_one: number;
  /** connection-samples by `state | wait event | query`, the most frequent first */
  top: Record<string, number>;
}

export interface ConnectionSampler {
  /** ends the sampling (also when the run failed: the loop would keep the process alive) */
  stop(): Promise<ActiveConnections>;
}

/**
 * How many of the app's PostgreSQL connections work at once while it drains the backlog: the
 * concurrency the pipeline really gets, whatever its pool size. Sampled every 100 ms.
 */
export async function sampleConnections(applicationNames: string[]): Promise<ConnectionSampler> {
  const activeSamples: number[] = [];
  const busyWith = new Map<string, number>();
  const client = new Client({ connectionString: databaseUrl() });
  await client.connect();
  let sampling = true;
  const loop = (async () => {
    while (sampling) {
      const r = await client.query(
        `select state, coalesce(wait_event_type || ':' || wait_event, '-') as wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) as query
           from pg_stat_activity where application_name = any($1::text[]) and state <> 'idle'`,
        [applicationNames],
      );
      activeSamples.push(r.rows.length);
      for (const row of r.rows as { state: string; wait: string; query: string }[]) {
        const what = `${row.state} | ${row.wait} | ${row.query}`;
        busyWith.set(what, (busyWith.get(what) ?? 0) + 1);
      }
      await sleep(100);
    }
  })();
  // a failed query ends the sampling; stop() reports it
  loop.catch(() => undefined);
  return {
    async stop() {
      sampling = false;
      try {
        await loop;
      } finally {
        await client.end().catch(() => undefined);
      }
      return {
        samples: activeSamples.length,
        mean: round(activeSamples.reduce((a, b) => a + b, 0) / Math.max(1, activeSamples.length), 2),
        max: Math.max(0, ...activeSamples),
        share_with_more_than_one: round(activeSamples.filter((n) => n > 1).length / Math.max(1, activeSamples.length), 3),
        top: Object.fromEntries([...busyWith.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)),
      };
    },
  };
}
