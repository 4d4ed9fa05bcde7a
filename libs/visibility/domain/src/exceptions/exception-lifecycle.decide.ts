import { assertNever, type Decider, type DecisionContext } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import { evolveException, initialExceptionState, type ExceptionDetails, type ExceptionLifecycleEvent, type ExceptionLifecycleState } from './exception-lifecycle';

/** Open the exception (from the tracking stream's `ExceptionDetected`). A repeat changes nothing. */
export type RaiseException = { type: 'RaiseException'; data: { exception: ExceptionDetails } };
/** The service desk takes it (API). */
export type AcknowledgeException = { type: 'AcknowledgeException'; data: { exceptionId: string; acknowledgedBy: string; note?: string } };
/**
 * The service desk resolves it (API, `automatic: false`), or Lading does because its condition
 * cleared (the tracking stream's `ExceptionCleared`, `automatic: true`).
 */
export type ResolveException = { type: 'ResolveException'; data: { exceptionId: string; resolvedBy: string; resolution: string; automatic: boolean } };

export type ExceptionLifecycleCommand = RaiseException | AcknowledgeException | ResolveException;

/**
 * Why a service-desk request cannot be applied. The API answers NOT_FOUND with 404 and the
 * others with 409 Conflict; on a message path it is poison (non-retriable).
 */
export type ExceptionTransitionProblem = 'NOT_FOUND' | 'ALREADY_ACKNOWLEDGED' | 'ALREADY_RESOLVED';

export class ExceptionTransitionError extends NonRetriableError {
  constructor(
    readonly problem: ExceptionTransitionProblem,
    readonly exceptionId: string,
    message: string,
  ) {
    super(message, `EXCEPTION_${problem}`);
  }
}

function required(value: string, field: string): void {
  if (typeof value !== 'string' || value.trim().length === 0) throw new NonRetriableError(`${field}: required`, 'INVALID_EXCEPTION_REQUEST');
}

export function raiseException(command: RaiseException, state: ExceptionLifecycleState, { now }: DecisionContext): ExceptionLifecycleEvent[] {
  const { exception } = command.data;
  required(exception.exceptionId, 'exceptionId');
  required(exception.orderId, 'orderId');
  if (state.status !== 'NotRaised') return [];
  return [{ type: 'ExceptionRaised', data: { ...exception, raisedAt: now.toISOString() } }];
}

/**
 * Raised → Acknowledged. Acknowledging again by the same person is a harmless repeat; by someone
 * else it is a conflict (the exception already has an owner); after resolution it is a conflict.
 */
export function acknowledgeException(command: AcknowledgeException, state: ExceptionLifecycleState, { now }: DecisionContext): ExceptionLifecycleEvent[] {
  const { exceptionId, acknowledgedBy, note } = command.data;
  required(acknowledgedBy, 'acknowledgedBy');
  switch (state.status) {
    case 'NotRaised':
      throw new ExceptionTransitionError('NOT_FOUND', exceptionId, `exception ${exceptionId} does not exist`);
    case 'Raised':
      return [{ type: 'ExceptionAcknowledged', data: { exceptionId, orderId: state.exception.orderId, acknowledgedBy, ...(note ? { note } : {}), acknowledgedAt: now.toISOString() } }];
    case 'Acknowledged':
      if (state.acknowledgedBy === acknowledgedBy) return [];
      throw new ExceptionTransitionError('ALREADY_ACKNOWLEDGED', exceptionId, `exception ${exceptionId} was acknowledged by ${state.acknowledgedBy} at ${state.acknowledgedAt}`);
    case 'Resolved':
      throw new ExceptionTransitionError('ALREADY_RESOLVED', exceptionId, `exception ${exceptionId} was resolved by ${state.resolvedBy} at ${state.resolvedAt}`);
    default:
      return assertNever(state, 'exception state');
  }
}

/**
 * Raised or Acknowledged → Resolved (acknowledging first is not required: Lading resolves what
 * nobody has looked at yet). Once resolved: Lading's automatic resolution and an identical
 * repeat change nothing; a different resolution is a conflict.
 */
export function resolveException(command: ResolveException, state: ExceptionLifecycleState, { now }: DecisionContext): ExceptionLifecycleEvent[] {
  const { exceptionId, resolvedBy, resolution, automatic } = command.data;
  required(resolvedBy, 'resolvedBy');
  required(resolution, 'resolution');
  switch (state.status) {
    case 'NotRaised':
      throw new ExceptionTransitionError('NOT_FOUND', exceptionId, `exception ${exceptionId} does not exist`);
    case 'Raised':
    case 'Acknowledged':
      return [{ type: 'ExceptionResolved', data: { exceptionId, orderId: state.exception.orderId, resolvedBy, resolution, automatic, resolvedAt: now.toISOString() } }];
    case 'Resolved':
      if (automatic || (state.resolvedBy === resolvedBy && state.resolution === resolution)) return [];
      throw new ExceptionTransitionError('ALREADY_RESOLVED', exceptionId, `exception ${exceptionId} was resolved by ${state.resolvedBy} at ${state.resolvedAt}: ${state.resolution}`);
    default:
      return assertNever(state, 'exception state');
  }
}

export function decideException(command: ExceptionLifecycleCommand, state: ExceptionLifecycleState, context: DecisionContext): ExceptionLifecycleEvent[] {
  switch (command.type) {
    case 'RaiseException':
      return raiseException(command, state, context);
    case 'AcknowledgeException':
      return acknowledgeException(command, state, context);
    case 'ResolveException':
      return resolveException(command, state, context);
    default:
      return assertNever(command, 'exception command');
  }
}

/** The exception-lifecycle decider; stream `visibility-exception:<exceptionId>`. */
export const exceptionLifecycle: Decider<ExceptionLifecycleCommand, ExceptionLifecycleEvent, ExceptionLifecycleState> = {
  initialState: initialExceptionState,
  decide: decideException,
  evolve: evolveException,
};
