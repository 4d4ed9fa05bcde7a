import { foldEvents } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import type { AppendRequest, StoredEvent } from '@lading/event-store';
import { metadataOf, streamIdOf, type DecisionInput } from './inputs';
import type { Decided, DecisionContextView, DecisionWorkflow, WorkflowTransaction } from './workflow';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyWorkflow = DecisionWorkflow<any, any, any>;

/**
 * Decides `inputs` in arrival order, all in `tx`, in a fixed number of statements however many
 * there are:
 *
 * 1. every stream the inputs name is read and locked, in stream-id order, created empty when
 *    new — a timer's decision and an inbound message for the same stream, or two instances
 *    deciding a new order, wait for each other instead of conflicting;
 * 2. each workflow loads (and locks) the context its decisions may read, in workflow order;
 * 3. each input is decided against its stream's state and the context as the decisions before
 *    it left it — so a unit decides exactly as its inputs would one transaction each;
 * 4. one append per round (the n-th decision of each stream in round n), with the expected
 *    version, each decision's events carrying its own cause;
 * 5. each workflow's `afterDecisions` writes its read models and wakes streams up.
 */
export async function decideAll(
  tx: WorkflowTransaction,
  workflows: ReadonlyMap<string, AnyWorkflow>,
  inputs: readonly DecisionInput[],
  now: Date,
  options: { locked?: boolean } = {},
): Promise<Decided[]> {
  if (inputs.length === 0) return [];
  const streamIds = inputs.map((input) => streamIdOf(input.tenantId, input.streamType, input.key));
  for (const input of inputs) if (!workflows.has(input.streamType)) throw new NonRetriableError(`no workflow decides ${input.streamType} streams`, 'UNKNOWN_STREAM_TYPE');

  // Created empty when missing, so that a brand-new stream is locked too (two instances deciding
  // the first message of an order wait for each other instead of one failing on no_stream).
  const create = [...new Map(inputs.map((input, index) => [streamIds[index], { streamId: streamIds[index], streamType: input.streamType, tenantId: input.tenantId }])).values()];
  const stored = await tx.readStreams([...new Set(streamIds)].sort(), options.locked ? {} : { forUpdate: true, create });
  const states = new Map<string, unknown>();
  const versions = new Map<string, number>();
  for (const [index, input] of inputs.entries()) {
    const streamId = streamIds[index];
    if (states.has(streamId)) continue;
    const events = stored.get(streamId) ?? [];
    refuseForeignEvents(streamId, input.tenantId, events);
    states.set(streamId, foldEvents(workflows.get(input.streamType)!.decider, events.map((e) => e.payload)));
    versions.set(streamId, events.length > 0 ? events[events.length - 1].streamVersion : 0);
  }

  const views = new Map<string, DecisionContextView<unknown, unknown, unknown>>();
  for (const workflow of workflows.values()) {
    if (!workflow.context) continue;
    const pending = inputs.flatMap((input, index) => (input.streamType === workflow.streamType ? [{ input, state: states.get(streamIds[index]) }] : []));
    if (pending.length > 0) views.set(workflow.streamType, await workflow.context.load(tx, pending, now));
  }

  const decided: Decided[] = [];
  const rounds = new Map<string, { events: readonly { type: string }[]; metadata: Record<string, string> }[]>();
  for (const [index, input] of inputs.entries()) {
    const streamId = streamIds[index];
    const workflow = workflows.get(input.streamType)!;
    const view = views.get(input.streamType);
    const before = states.get(streamId);
    const command = view ? view.provide(input, input.command, before, now) : input.command;
    const events = workflow.decider.decide(command, before, { now });
    if (events.length === 0) continue;
    const after = events.reduce((state: unknown, event: unknown) => workflow.decider.evolve(state, event), before);
    states.set(streamId, after);
    view?.apply(input, events);
    decided.push({ input, streamId, before, after, events });
    const list = rounds.get(streamId) ?? [];
    list.push({ events, metadata: metadataOf(input.cause) });
    rounds.set(streamId, list);
  }

  const tenantOf = new Map(inputs.map((input, index) => [streamIds[index], { tenantId: input.tenantId, streamType: input.streamType }]));
  const roundCount = Math.max(0, ...[...rounds.values()].map((list) => list.length));
  for (let round = 0; round < roundCount; round++) {
    const requests: AppendRequest[] = [];
    for (const [streamId, list] of rounds) {
      if (list.length <= round) continue;
      const version = versions.get(streamId) ?? 0;
      const { tenantId, streamType } = tenantOf.get(streamId)!;
      requests.push({ streamId, streamType, tenantId, expectedVersion: version === 0 ? 'no_stream' : version, events: list[round].events, metadata: list[round].metadata });
    }
    for (const result of await tx.appendMany(requests)) versions.set(result.streamId, result.nextExpectedVersion);
  }

  for (const workflow of workflows.values()) {
    const mine = decided.filter((d) => d.input.streamType === workflow.streamType);
    if (workflow.afterDecisions && mine.length > 0) await workflow.afterDecisions(tx, mine, now);
  }
  return decided;
}

/** A stream id names its tenant; events of another tenant in it mean a bug or tampering: refuse, never apply. */
function refuseForeignEvents(streamId: string, tenantId: string, events: readonly StoredEvent[]): void {
  const foreign = events.find((e) => e.tenantId !== tenantId);
  if (foreign) throw new NonRetriableError(`stream ${streamId} holds events of tenant ${foreign.tenantId}, the input is tenant ${tenantId}'s`, 'TENANT_MISMATCH');
}
