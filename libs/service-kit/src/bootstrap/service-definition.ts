import type { Provider, Type } from '@nestjs/common';
import type { RecordTypeName, SourceSystem, TopicName, TopicRecords } from '@lading/contracts';
import type { EventStore } from '@lading/event-store';
import type { JsonLogger, ReadinessCheck } from '@lading/messaging';
import type { Registry } from 'prom-client';
import type { MigrationInterface } from 'typeorm';
import type { ServiceConfig } from '../config/service-config';
import type { OutgoingRecord, PublishedStoredEvent, RecordNaming } from '../publishing/published-records';
import type { Cause, WorkflowInput } from '../workflow/inputs';
import type { DecisionWorkflow, FactHandler, WorkflowTransaction } from '../workflow/workflow';
import type { WorkflowRuntime } from '../workflow/workflow-runtime';

/** What a topic handler is told about the record besides its value. */
export interface Inbound {
  tenantId: string;
  /** From the record's meta and the trace header: what decisions taken for it record as their cause. */
  cause: Cause;
}

/**
 * One typed handler per consumed topic: the record (already decoded, discriminated by its
 * recordType) → the service's inputs (decisions, facts; none to ignore it). Mapping errors are
 * non-retriable: the record goes to the dead-letter topic with the reason. Mapped once: the
 * inputs, not the record, wait in the unit of work.
 */
export type TopicHandlers = { [T in TopicName]?: (record: TopicRecords[T], inbound: Inbound) => readonly WorkflowInput[] };

/** A periodic job in a transaction of its own (an anti-entropy sweep); returns how much it did. */
export interface Sweep {
  name: string;
  everyMs: number;
  run(tx: WorkflowTransaction, now: Date): Promise<number>;
}

/** What the kit hands a service's `build`. */
export interface ServiceKitContext<Settings> {
  config: ServiceConfig;
  settings: Settings;
  store: EventStore;
  registry: Registry;
  logger: JsonLogger;
  naming: RecordNaming;
  now: () => Date;
}

/** The parts a service is made of; everything else is the kit's (DESIGN §8). */
export interface ServiceParts {
  /** Migrations of the service's read-model schema (`config.readModelSchema`), in order. */
  migrations?: readonly (new () => MigrationInterface)[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  workflows: readonly DecisionWorkflow<any, any, any>[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  facts?: FactHandler<any>;
  handlers: TopicHandlers;
  /** The relay: which stored events are published, and as which records. */
  publish?: { eventTypes: readonly string[]; recordsFor(stored: PublishedStoredEvent): readonly OutgoingRecord<RecordTypeName>[] };
  sweeps?: readonly Sweep[];
  /** Labels a decision's event adds to `lading_decision_details_total` (e.g. hold reasons). */
  decisionDetails?(event: { type: string }): readonly string[];
  http?: { controllers?: readonly Type[]; providers?: readonly Provider[] };
  readiness?: readonly ReadinessCheck[];
}

/** A Lading service: its name, port, identity on the wire, settings and parts. */
export interface ServiceDefinition<Settings = Record<string, never>> {
  name: string;
  httpPort: number;
  sourceSystem: SourceSystem;
  /** Namespace (a UUID) of the v5 ids of the records it publishes. */
  eventIdNamespace: string;
  /** The service's own variables, parsed and validated once (throw ConfigError naming the variable). */
  settings?(env: Readonly<Record<string, string | undefined>>, config: ServiceConfig): Settings;
  /** Topics consumed (default: every catalog topic that names this service among its consumers). */
  topics?: readonly TopicName[];
  build(kit: ServiceKitContext<Settings>): ServiceParts | Promise<ServiceParts>;
}

/** A running instance, as tests and the launcher see it. */
export interface RunningService<Settings = unknown> {
  name: string;
  url: string;
  config: ServiceConfig;
  settings: Settings;
  store: EventStore;
  runtime: WorkflowRuntime;
  transport: { isReady(): boolean };
  stop(): Promise<void>;
}
