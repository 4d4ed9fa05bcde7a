import type { ExceptionClassification } from '@lading/contracts';
import type { MappedException, SourceCode } from '../code-sets/code-set';
import { isTerminal, showsMovement, type TrackingMilestone } from '../code-sets/milestones';
import type { EtaEstimate } from '../eta/eta';
import { notificationKindForException } from '../notifications/notifications';
import { episodesByCondition, type ShipmentTrackingState } from '../tracking/shipment-tracking';
import { requestNotification, type TrackingDecision } from '../tracking/tracking-decision';
import {
  autoResolutionOf,
  carrierCondition,
  carrierTypeOf,
  exceptionIdFor,
  LADING_CONDITION_CLASSIFICATION,
  type AutoResolution,
  type ClearReason,
  type ExceptionCondition,
} from './exception-conditions';

/**
 * Opens an episode of `condition` unless one is open; the exception id is derived from the
 * shipment, the condition and the episode number. Asks for the customer notification its type
 * calls for. Returns whether it opened one.
 */
export function detectException(
  d: TrackingDecision,
  condition: ExceptionCondition,
  classification: ExceptionClassification,
  summary: string,
  source: SourceCode | null,
  scanId?: string,
): boolean {
  const episodes = d.state.exceptions[condition];
  if (episodes?.open) return false;
  const episode = (episodes?.episodes ?? 0) + 1;
  d.emit({
    type: 'ExceptionDetected',
    data: {
      exceptionId: exceptionIdFor(d.shipmentId, condition, episode),
      condition,
      episode,
      shipmentId: d.shipmentId,
      orderId: d.orderId,
      exceptionType: classification.type,
      severity: classification.severity,
      owner: classification.owner,
      summary,
      source,
      ...(scanId ? { scanId } : {}),
      detectedAt: d.nowIso,
    },
  });
  const kind = notificationKindForException(classification.type);
  if (kind) requestNotification(d, kind, { exceptionType: classification.type, reason: summary });
  return true;
}

/** Closes the open episode of `condition`, if any, as resolved by Lading. */
export function clearException(d: TrackingDecision, condition: ExceptionCondition, reason: ClearReason, resolution: string): void {
  const open = d.state.exceptions[condition]?.open;
  if (!open) return;
  d.emit({ type: 'ExceptionCleared', data: { exceptionId: open.exceptionId, condition, shipmentId: d.shipmentId, orderId: d.orderId, reason, resolution, clearedAt: d.nowIso } });
}

/** How a condition ends: lateness by the lateness rule, the rest by their type's rule. */
function autoResolutionOfCondition(condition: ExceptionCondition): AutoResolution | 'LATENESS' {
  if (condition === 'ETA_AFTER_PROMISE' || condition === 'PROMISE_MISSED') return 'LATENESS';
  if (condition === 'TRACKING_SILENCE') return 'ON_SCAN';
  return autoResolutionOf(carrierTypeOf(condition));
}

/**
 * The exceptions a new current milestone ends: delivery ends everything but what the service
 * desk owns; a return or cancel ends silence and lateness (nothing left to chase; the
 * return itself is an exception for the desk); movement ends a missed pickup; going out for
 * delivery again ends a failed attempt.
 */
export function clearOnMilestone(d: TrackingDecision, milestone: TrackingMilestone, milestoneAt: string): void {
  for (const [condition] of episodesByCondition(d.state)) {
    const rule = autoResolutionOfCondition(condition);
    if (rule === 'SERVICE_DESK') continue;
    if (milestone === 'DELIVERED') clearException(d, condition, 'DELIVERED', `delivered at ${milestoneAt}`);
    else if (isTerminal(milestone)) {
      if (rule === 'LATENESS' || rule === 'ON_SCAN') clearException(d, condition, 'JOURNEY_ENDED', `journey ended: ${milestone} at ${milestoneAt}`);
    } else if (rule === 'ON_PICKUP' && showsMovement(milestone)) clearException(d, condition, 'PICKED_UP', `shipment moving: ${milestone} at ${milestoneAt}`);
    else if (rule === 'ON_NEXT_DELIVERY_RUN' && milestone === 'OUT_FOR_DELIVERY') clearException(d, condition, 'OUT_FOR_DELIVERY_AGAIN', `out for delivery again at ${milestoneAt}`);
  }
}

/** Whatever would end an exception of this kind has already happened: raising it now would be noise. */
function alreadyOver(rule: AutoResolution, state: ShipmentTrackingState, eventAt: string | null): boolean {
  const current = state.current;
  if (!current || rule === 'SERVICE_DESK') return false;
  if (isTerminal(current.milestone)) return true;
  if (rule === 'ON_PICKUP') return showsMovement(current.milestone);
  if (rule === 'ON_NEXT_DELIVERY_RUN') return current.milestone === 'OUT_FOR_DELIVERY' && eventAt !== null && Date.parse(current.eventAt) > Date.parse(eventAt);
  return false;
}

/** Opens the exception a carrier scan reports, unless its condition is already open or already over. */
export function raiseCarrierException(d: TrackingDecision, exception: MappedException, summary: string, scanId: string, eventAt: string | null): void {
  if (alreadyOver(autoResolutionOf(exception.type), d.state, eventAt)) return;
  const { type, severity, owner, source } = exception;
  detectException(d, carrierCondition(type), { type, severity, owner }, summary, source, scanId);
}

/**
 * Lateness against the promise, evaluated on every decision with the current estimate:
 * - promise passed, not delivered: PROMISE_MISSED (HIGH), which supersedes ETA_AFTER_PROMISE;
 * - else an estimate after the promise: ETA_AFTER_PROMISE (MEDIUM);
 * - an estimate back within the promise clears ETA_AFTER_PROMISE; a promise moved into the
 *   future clears PROMISE_MISSED.
 * Terminal milestones clear both (see `clearOnMilestone`); here they do nothing.
 */
export function evaluateLateness(d: TrackingDecision, eta: EtaEstimate | undefined): void {
  const promise = d.state.promisedDeliveryAt;
  const current = d.state.current;
  if (!promise || (current && isTerminal(current.milestone))) return;
  if (d.now.getTime() >= Date.parse(promise)) {
    clearException(d, 'ETA_AFTER_PROMISE', 'PROMISE_PASSED', `superseded: the promise ${promise} passed undelivered`);
    const status = current ? `last milestone ${current.milestone} at ${current.eventAt}` : 'no milestone yet';
    detectException(d, 'PROMISE_MISSED', LADING_CONDITION_CLASSIFICATION.PROMISE_MISSED, `promised by ${promise}, not delivered (${status})`, null);
    return;
  }
  clearException(d, 'PROMISE_MISSED', 'PROMISE_MOVED', `the promise moved to ${promise}`);
  if (eta?.late) {
    detectException(d, 'ETA_AFTER_PROMISE', LADING_CONDITION_CLASSIFICATION.ETA_AFTER_PROMISE, `estimated delivery ${eta.at} (${eta.basis}) is after the promise ${promise}`, null);
  } else if (eta) clearException(d, 'ETA_AFTER_PROMISE', 'ETA_WITHIN_PROMISE', `estimated delivery ${eta.at} is within the promise ${promise}`);
}
