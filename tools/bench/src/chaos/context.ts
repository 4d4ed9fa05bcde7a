import type { Admin, Kafka } from 'kafkajs';
import type { Client } from 'pg';
import type { AvroSerde } from '@lading/schema-registry';
import type { EngineProcess } from './engine';
import type { HangingProxy } from './hanging-proxy';
import type { OrderLedger } from './ledger';
import type { PrivatePostgres } from './private-postgres';

/** Durations of a profile: `full` is what the issue asks for, `short` a quick look. */
export interface ChaosProfile {
  name: 'full' | 'short';
  /** how long a timed fault lasts (min ISR not met, DLQ gone, relay frozen, hang): seconds */
  faultSeconds: number;
  /** the open transaction in another database: seconds */
  openTransactionSeconds: number;
  leaderBounces: number;
  ordersPerSecond: number;
}

export const profiles: Record<ChaosProfile['name'], ChaosProfile> = {
  full: { name: 'full', faultSeconds: 30, openTransactionSeconds: 60, leaderBounces: 5, ordersPerSecond: 15 },
  short: { name: 'short', faultSeconds: 10, openTransactionSeconds: 15, leaderBounces: 2, ordersPerSecond: 10 },
};

/** What a scenario's fault can reach. */
export interface ChaosContext {
  profile: ChaosProfile;
  kafka: Kafka;
  admin: Admin;
  serde: AvroSerde;
  postgres: PrivatePostgres;
  /** the engine's database connections go through it */
  proxy: HangingProxy;
  /** a connection straight to the chaos PostgreSQL (not through the proxy), database `postgres` */
  postgresAdmin: () => Promise<Client>;
  /** the running order-release instances (two) */
  instances: EngineProcess[];
  /** replaces a killed instance by a new one */
  replaceInstance(old: EngineProcess): Promise<EngineProcess>;
  ledger: OrderLedger;
  tenantPrefix: string;
  /** ORDER_RELEASE_RELAY_LEASE_MS of the instances */
  relayLeaseMs: number;
  progress(line: string): void;
}

/** When the fault ran, and what the scenario saw that the counts do not say. */
export interface FaultReport {
  startedAt: number;
  endedAt: number;
  notes?: Record<string, unknown>;
  /** what the scenario itself found wrong (besides lost or duplicated orders) */
  failures?: string[];
  /** checks to run once every order has settled; what they find wrong */
  check?: () => Promise<string[]>;
}

export interface ChaosScenario {
  name: string;
  description: string;
  /** runs the fault with the simulator's traffic flowing; resolves when the fault is over */
  fault(ctx: ChaosContext): Promise<FaultReport>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
