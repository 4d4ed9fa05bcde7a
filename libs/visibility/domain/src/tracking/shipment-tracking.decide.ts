import { assertNever, type Decider, type DecisionContext } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import type { CodeMapping } from '../code-sets/code-set';
import { becomesCurrent, isTerminal, type TrackingMilestone } from '../code-sets/milestones';
import { LADING_CONDITION_CLASSIFICATION } from '../exceptions/exception-conditions';
import { clearException, clearOnMilestone, detectException, evaluateLateness, raiseCarrierException } from '../exceptions/episodes';
import { silenceCheckAtFor, silenceSince } from '../exceptions/silence';
import { notificationKindForMilestone } from '../notifications/notifications';
import { interpretScan, type CarrierScan } from './carrier-scan';
import { episodesByCondition, evolve, initialState, type ShipmentTrackingState } from './shipment-tracking';
import type { ScanLocation, ScanRecorded, ShipmentTrackingEvent, StatusEffect, TrackingStarted } from './shipment-tracking.events';
import { assertTrackingContext, type TrackingContext } from './tracking-context';
import { finish, requestNotification, syncPromise, TrackingDecision, updateEta } from './tracking-decision';

/** A proof of delivery as the TMS reported it (`ProofOfDelivery`). */
export interface ProofOfDelivery {
  carrierId: string;
  deliveredAt: string;
  signedBy?: string;
  location?: ScanLocation;
  documentUrl?: string;
}

/** The carrier booked the shipment (from `ShipmentBooked`): start the silence clock at the planned pickup. */
export type StartTracking = { type: 'StartTracking'; data: { shipmentId: string; context: TrackingContext } };
/** A carrier scan (from `CarrierTrackingEvent`). */
export type RecordCarrierScan = { type: 'RecordCarrierScan'; data: { shipmentId: string; scan: CarrierScan; context: TrackingContext } };
/** A proof of delivery (from `ProofOfDelivery`). */
export type RecordProofOfDelivery = { type: 'RecordProofOfDelivery'; data: { shipmentId: string; proof: ProofOfDelivery; context: TrackingContext } };
/** The silence timer fired (armed at a `silenceCheckAt`). Harmless when nothing is due. */
export type CheckSilence = { type: 'CheckSilence'; data: { shipmentId: string; context: TrackingContext } };
/** The promise timer fired (armed at a `promiseCheckAt`). Harmless when nothing is due. */
export type CheckPromise = { type: 'CheckPromise'; data: { shipmentId: string; context: TrackingContext } };
/** The service desk resolved an exception (from the exception stream's `ExceptionResolved`). */
export type NoteExceptionResolved = { type: 'NoteExceptionResolved'; data: { shipmentId: string; exceptionId: string; resolvedBy: string } };

export type ShipmentTrackingCommand = StartTracking | RecordCarrierScan | RecordProofOfDelivery | CheckSilence | CheckPromise | NoteExceptionResolved;

interface MilestoneOrigin {
  codeSet: string;
  codeSetVersion: string | null;
  statusCode: string;
  scanId: string;
  location?: ScanLocation;
  signedBy?: string;
  evidence: 'SCAN' | 'PROOF_OF_DELIVERY';
}

/** The current milestone changed: record it, confirm a delivery once, tell the customer, end what it ends. */
function milestoneReached(
  d: TrackingDecision,
  previous: TrackingMilestone | undefined,
  milestone: TrackingMilestone,
  milestoneAt: string,
  origin: MilestoneOrigin,
  trackingNumber?: string,
): void {
  const { codeSet, codeSetVersion, statusCode, scanId, location, signedBy, evidence } = origin;
  d.emit({
    type: 'MilestoneRecorded',
    data: {
      shipmentId: d.shipmentId,
      orderId: d.orderId,
      milestone,
      ...(previous ? { previousMilestone: previous } : {}),
      milestoneAt,
      ...(location ? { location } : {}),
      codeSet,
      codeSetVersion,
      statusCode,
      scanId,
      recordedAt: d.nowIso,
    },
  });
  if (milestone === 'DELIVERED' && !d.state.delivered) {
    d.emit({
      type: 'DeliveryConfirmed',
      data: { shipmentId: d.shipmentId, orderId: d.orderId, deliveredAt: milestoneAt, ...(signedBy ? { signedBy } : {}), evidence, confirmedAt: d.nowIso },
    });
  }
  const kind = notificationKindForMilestone(milestone);
  if (kind) requestNotification(d, kind, { milestone, milestoneAt, trackingNumber, carrierId: d.context.shipment.carrierId });
  clearOnMilestone(d, milestone, milestoneAt);
}

function summaryOf(scan: CarrierScan, mapping: CodeMapping): string {
  const status = mapping.statusDescription ?? `unmapped status ${mapping.statusCode}`;
  const reason = mapping.reasonCode === undefined ? '' : ` (${mapping.reasonDescription ?? `unmapped reason ${mapping.reasonCode}`})`;
  const where = [scan.location?.facility, scan.location?.city].filter(Boolean).join(', ');
  return `${scan.carrierId}: ${status}${reason}${where ? ` at ${where}` : ''} [${mapping.codeSet} ${mapping.statusCode}${mapping.reasonCode ? `/${mapping.reasonCode}` : ''}]`;
}

export function startTracking(command: StartTracking, state: ShipmentTrackingState, { now }: DecisionContext): ShipmentTrackingEvent[] {
  const { shipmentId, context } = command.data;
  assertTrackingContext(shipmentId, context);
  if (state.started) return [];
  const d = new TrackingDecision(state, context, now);
  const { carrierId, orderId } = context.shipment;
  const plannedPickupAt = context.plan?.plannedPickupAt;
  const started: TrackingStarted = { type: 'TrackingStarted', data: { shipmentId, orderId, carrierId, ...(plannedPickupAt ? { plannedPickupAt } : {}), startedAt: d.nowIso } };
  const silenceCheckAt = silenceCheckAtFor(evolve(state, started), context);
  if (silenceCheckAt) started.data.silenceCheckAt = silenceCheckAt;
  d.emit(started);
  syncPromise(d);
  evaluateLateness(d, updateEta(d));
  return finish(d);
}

export function recordCarrierScan(command: RecordCarrierScan, state: ShipmentTrackingState, { now }: DecisionContext): ShipmentTrackingEvent[] {
  const { shipmentId, scan, context } = command.data;
  assertTrackingContext(shipmentId, context);
  const interpreted = interpretScan(scan, now);
  const { scanId, mapping, eventAt } = interpreted;
  // Exact duplicates are dropped; an unplaced scan delivered again with its zone is placed now.
  const seen = state.scans[scanId];
  if (seen === 'PLACED' || (seen === 'UNPLACED' && eventAt === null)) return [];

  const d = new TrackingDecision(state, context, now);
  syncPromise(d);
  const milestone = mapping.milestone;
  const placed = eventAt !== null && milestone !== null && milestone !== 'UNKNOWN' ? { milestone, eventAt } : undefined;
  const statusEffect: StatusEffect = eventAt === null ? 'UNPLACED' : !placed ? 'NO_MILESTONE' : becomesCurrent(d.state.current, placed) ? 'BECAME_CURRENT' : 'HISTORY';
  const previous = d.state.current?.milestone;
  const recorded: ScanRecorded = {
    type: 'ScanRecorded',
    data: {
      shipmentId,
      orderId: d.orderId,
      scanId,
      carrierId: scan.carrierId,
      trackingNumber: scan.trackingNumber,
      codeSet: mapping.codeSet,
      codeSetVersion: mapping.codeSetVersion,
      statusCode: mapping.statusCode,
      ...(mapping.reasonCode ? { reasonCode: mapping.reasonCode } : {}),
      ...(scan.description ? { description: scan.description } : {}),
      milestone,
      unmapped: mapping.unmapped,
      ...(scan.location ? { location: scan.location } : {}),
      reportedTime: scan.time,
      reportedAt: scan.reportedAt,
      eventAt,
      ...(interpreted.timeBasis ? { timeBasis: interpreted.timeBasis } : {}),
      ...(interpreted.timeProblem ? { timeProblem: interpreted.timeProblem } : {}),
      ...(interpreted.carrierEstimateAt ? { carrierEstimateAt: interpreted.carrierEstimateAt } : {}),
      ingestedAt: d.nowIso,
      statusEffect,
      ...(scan.signedBy ? { signedBy: scan.signedBy } : {}),
    },
  };
  const silenceCheckAt = silenceCheckAtFor(evolve(d.state, recorded), context);
  if (silenceCheckAt && silenceCheckAt !== d.state.silenceCheckAt) recorded.data.silenceCheckAt = silenceCheckAt;
  d.emit(recorded);

  if (statusEffect === 'BECAME_CURRENT' && placed && placed.milestone !== previous) {
    const origin: MilestoneOrigin = { codeSet: mapping.codeSet, codeSetVersion: mapping.codeSetVersion, statusCode: mapping.statusCode, scanId, location: scan.location, signedBy: scan.signedBy, evidence: 'SCAN' };
    milestoneReached(d, previous, placed.milestone, placed.eventAt, origin, scan.trackingNumber);
  }
  // Tracking resumed: the carrier has spoken within the silence window again.
  if (d.state.exceptions.TRACKING_SILENCE?.open) {
    const due = silenceCheckAtFor(d.state, context);
    if (due && Date.parse(due) > now.getTime()) clearException(d, 'TRACKING_SILENCE', 'TRACKING_RESUMED', `tracking resumed: scan at ${d.state.lastScanAt}`);
  }
  if (mapping.exception) raiseCarrierException(d, mapping.exception, summaryOf(scan, mapping), scanId, eventAt);
  evaluateLateness(d, updateEta(d));
  return finish(d);
}

export function recordProofOfDelivery(command: RecordProofOfDelivery, state: ShipmentTrackingState, { now }: DecisionContext): ShipmentTrackingEvent[] {
  const { shipmentId, proof, context } = command.data;
  assertTrackingContext(shipmentId, context);
  const at = Date.parse(proof.deliveredAt);
  if (!Number.isFinite(at)) throw new NonRetriableError(`proof of delivery for ${shipmentId}: deliveredAt is not an instant: ${proof.deliveredAt}`, 'INVALID_PROOF_OF_DELIVERY');
  if (state.proofOfDelivery) return [];
  const d = new TrackingDecision(state, context, now);
  syncPromise(d);
  const deliveredAt = new Date(at).toISOString();
  const { carrierId, signedBy, location, documentUrl } = proof;
  d.emit({
    type: 'ProofOfDeliveryRecorded',
    data: { shipmentId, orderId: d.orderId, carrierId, deliveredAt, ...(signedBy ? { signedBy } : {}), ...(location ? { location } : {}), ...(documentUrl ? { documentUrl } : {}), recordedAt: d.nowIso },
  });
  // After a terminal milestone (a delivery scan, a return) the proof is kept, but the first terminal milestone stands.
  const current = d.state.current;
  if (!current || !isTerminal(current.milestone)) {
    milestoneReached(d, current?.milestone, 'DELIVERED', deliveredAt, { codeSet: 'POD', codeSetVersion: null, statusCode: 'POD', scanId: 'pod', location, signedBy, evidence: 'PROOF_OF_DELIVERY' });
  }
  return finish(d);
}

export function checkSilence(command: CheckSilence, state: ShipmentTrackingState, { now }: DecisionContext): ShipmentTrackingEvent[] {
  const { shipmentId, context } = command.data;
  assertTrackingContext(shipmentId, context);
  const d = new TrackingDecision(state, context, now);
  syncPromise(d);
  const due = silenceCheckAtFor(d.state, context);
  if (due && Date.parse(due) > now.getTime()) {
    // Woken early (the threshold or calendar changed since the timer was armed): re-arm.
    if (due !== d.state.silenceCheckAt) d.emit({ type: 'SilenceCheckRescheduled', data: { shipmentId, silenceCheckAt: due, rescheduledAt: d.nowIso } });
  } else if (due) {
    const summary = `no carrier scan since ${silenceSince(d.state, context)} (${context.settings.silenceBusinessHours} business hours of ${context.shipment.carrierId}'s calendar)`;
    detectException(d, 'TRACKING_SILENCE', LADING_CONDITION_CLASSIFICATION.TRACKING_SILENCE, summary, null);
  }
  evaluateLateness(d, updateEta(d));
  return finish(d);
}

export function checkPromise(command: CheckPromise, state: ShipmentTrackingState, { now }: DecisionContext): ShipmentTrackingEvent[] {
  const { shipmentId, context } = command.data;
  assertTrackingContext(shipmentId, context);
  const d = new TrackingDecision(state, context, now);
  syncPromise(d);
  evaluateLateness(d, updateEta(d));
  return finish(d);
}

export function noteExceptionResolved(command: NoteExceptionResolved, state: ShipmentTrackingState, { now }: DecisionContext): ShipmentTrackingEvent[] {
  const { shipmentId, exceptionId, resolvedBy } = command.data;
  const entry = episodesByCondition(state).find(([, episodes]) => episodes.open?.exceptionId === exceptionId);
  // Already closed here (Lading cleared it itself, or a redelivery): nothing to do.
  if (!entry) return [];
  return [{ type: 'ExceptionEpisodeEnded', data: { exceptionId, condition: entry[0], shipmentId, resolvedBy, endedAt: now.toISOString() } }];
}

export function decide(command: ShipmentTrackingCommand, state: ShipmentTrackingState, context: DecisionContext): ShipmentTrackingEvent[] {
  switch (command.type) {
    case 'StartTracking':
      return startTracking(command, state, context);
    case 'RecordCarrierScan':
      return recordCarrierScan(command, state, context);
    case 'RecordProofOfDelivery':
      return recordProofOfDelivery(command, state, context);
    case 'CheckSilence':
      return checkSilence(command, state, context);
    case 'CheckPromise':
      return checkPromise(command, state, context);
    case 'NoteExceptionResolved':
      return noteExceptionResolved(command, state, context);
    default:
      return assertNever(command, 'shipment-tracking command');
  }
}

/** The shipment-tracking decider; stream `visibility-shipment:<shipmentId>`. */
export const shipmentTracking: Decider<ShipmentTrackingCommand, ShipmentTrackingEvent, ShipmentTrackingState> = { initialState, decide, evolve };
