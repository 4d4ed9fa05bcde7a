import type { ExceptionType, NotificationKind } from '@lading/contracts';
import { assertNever } from '@lading/decider';
import { showsMovement, type TrackingMilestone } from '../code-sets/milestones';
import type { ExceptionCondition } from '../exceptions/exception-conditions';
import type { EtaBasis, ScanRecorded, ShipmentTrackingEvent, StatusEffect } from './shipment-tracking.events';

/**
 * One stream per shipment: `visibility-shipment:<shipmentId>` (the kit prefixes the tenant). It
 * keeps every carrier scan (bitemporal: carrier event time and Lading ingest time), the current
 * milestone, the ETA, the exception episodes it detected and the notifications it requested.
 */
export const SHIPMENT_TRACKING_STREAM_TYPE = 'visibility-shipment';

export function shipmentTrackingStreamId(shipmentId: string): string {
  return `${SHIPMENT_TRACKING_STREAM_TYPE}:${shipmentId}`;
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export interface CurrentMilestone {
  milestone: TrackingMilestone;
  eventAt: string;
  scanId: string;
}

/** A placed scan on the time line (by carrier event time, then ingest order). */
export interface HistoryEntry {
  scanId: string;
  eventAt: string;
  milestone: TrackingMilestone | 'UNKNOWN' | null;
  statusEffect: StatusEffect;
}

export interface OpenException {
  exceptionId: string;
  exceptionType: ExceptionType;
  detectedAt: string;
}

export interface ConditionEpisodes {
  /** Episodes opened so far; the next one is `episodes + 1`. */
  episodes: number;
  open?: OpenException;
}

/**
 * One record rather than a union by status: a shipment accumulates history, exceptions and
 * notifications the same way in every phase; its phase is `current.milestone`.
 */
export interface ShipmentTrackingState {
  started?: { startedAt: string; plannedPickupAt?: string };
  promisedDeliveryAt?: string;
  current?: CurrentMilestone;
  /** Earliest event time of a placed scan showing movement (picked up or later). */
  firstMovementAt?: string;
  /** Latest carrier event time of any placed scan: silence is measured from it. */
  lastScanAt?: string;
  silenceCheckAt?: string;
  /** The carrier's newest estimate (by the event time of the scan that carried it). */
  carrierEstimate?: { at: string; reportedAt: string };
  /** The last published ETA: the threshold is measured from it. */
  lastEta?: { at: string; basis: EtaBasis; late: boolean };
  scans: Readonly<Record<string, 'PLACED' | 'UNPLACED'>>;
  history: readonly HistoryEntry[];
  /** Scans whose time could not be placed (unzoned, unknown time code, malformed). */
  unplacedScans: number;
  /** Scans with at least one unmapped code. */
  unmappedScans: number;
  delivered?: { deliveredAt: string; evidence: 'SCAN' | 'PROOF_OF_DELIVERY' };
  proofOfDelivery: boolean;
  exceptions: Readonly<Partial<Record<ExceptionCondition, ConditionEpisodes>>>;
  notifications: Readonly<Partial<Record<NotificationKind, { count: number; lastAt: string }>>>;
}

/** The conditions with their episodes, typed (Object.entries widens keys to string). */
export function episodesByCondition(state: ShipmentTrackingState): [ExceptionCondition, ConditionEpisodes][] {
  return Object.entries(state.exceptions) as [ExceptionCondition, ConditionEpisodes][];
}

export function initialState(): ShipmentTrackingState {
  return { scans: {}, history: [], unplacedScans: 0, unmappedScans: 0, proofOfDelivery: false, exceptions: {}, notifications: {} };
}

const earlier = (a: string | undefined, b: string): string => (a === undefined || Date.parse(b) < Date.parse(a) ? b : a);
const later = (a: string | undefined, b: string): string => (a === undefined || Date.parse(b) > Date.parse(a) ? b : a);

/** Inserts by carrier event time; scans with equal event times keep their ingest order. */
function placeInHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const at = Date.parse(entry.eventAt);
  const index = history.findIndex((existing) => Date.parse(existing.eventAt) > at);
  const kept = history.filter((existing) => existing.scanId !== entry.scanId);
  return index === -1 ? [...kept, entry] : [...kept.slice(0, index), entry, ...kept.slice(index)];
}

function recordScan(state: ShipmentTrackingState, scan: ScanRecorded['data']): ShipmentTrackingState {
  const seenBefore = state.scans[scan.scanId] !== undefined;
  const unmappedScans = state.unmappedScans + (!seenBefore && scan.unmapped.length > 0 ? 1 : 0);
  const silenceCheckAt = scan.silenceCheckAt ?? state.silenceCheckAt;
  if (scan.eventAt === null) {
    return { ...state, scans: { ...state.scans, [scan.scanId]: 'UNPLACED' }, unplacedScans: state.unplacedScans + 1, unmappedScans, silenceCheckAt };
  }
  const eventAt = scan.eventAt;
  const { milestone } = scan;
  const placedMilestone = milestone !== null && milestone !== 'UNKNOWN' ? milestone : undefined;
  const newerEstimate = scan.carrierEstimateAt !== undefined && (!state.carrierEstimate || Date.parse(eventAt) >= Date.parse(state.carrierEstimate.reportedAt));
  return {
    ...state,
    scans: { ...state.scans, [scan.scanId]: 'PLACED' },
    history: placeInHistory(state.history, { scanId: scan.scanId, eventAt, milestone, statusEffect: scan.statusEffect }),
    // A scan placed on a second delivery (now with its zone) no longer counts as unplaced.
    unplacedScans: state.scans[scan.scanId] === 'UNPLACED' ? state.unplacedScans - 1 : state.unplacedScans,
    unmappedScans,
    current: scan.statusEffect === 'BECAME_CURRENT' && placedMilestone ? { milestone: placedMilestone, eventAt, scanId: scan.scanId } : state.current,
    firstMovementAt: placedMilestone && showsMovement(placedMilestone) ? earlier(state.firstMovementAt, eventAt) : state.firstMovementAt,
    lastScanAt: later(state.lastScanAt, eventAt),
    carrierEstimate: newerEstimate ? { at: scan.carrierEstimateAt!, reportedAt: eventAt } : state.carrierEstimate,
    silenceCheckAt,
  };
}

function withException(state: ShipmentTrackingState, condition: ExceptionCondition, change: (episodes: ConditionEpisodes) => ConditionEpisodes): ShipmentTrackingState {
  return { ...state, exceptions: { ...state.exceptions, [condition]: change(state.exceptions[condition] ?? { episodes: 0 }) } };
}

function closeEpisode(exceptionId: string): (episodes: ConditionEpisodes) => ConditionEpisodes {
  return (episodes) => (episodes.open?.exceptionId === exceptionId ? { episodes: episodes.episodes } : episodes);
}

export function evolve(state: ShipmentTrackingState, event: ShipmentTrackingEvent): ShipmentTrackingState {
  switch (event.type) {
    case 'TrackingStarted': {
      const { startedAt, plannedPickupAt, silenceCheckAt } = event.data;
      return { ...state, started: { startedAt, ...(plannedPickupAt ? { plannedPickupAt } : {}) }, silenceCheckAt: silenceCheckAt ?? state.silenceCheckAt };
    }
    case 'PromiseRecorded':
      return { ...state, promisedDeliveryAt: event.data.promisedDeliveryAt };
    case 'ScanRecorded':
      return recordScan(state, event.data);
    case 'MilestoneRecorded': {
      const { milestone, milestoneAt, scanId } = event.data;
      return { ...state, current: { milestone, eventAt: milestoneAt, scanId } };
    }
    case 'EtaUpdated': {
      const { estimatedDeliveryAt, basis, late } = event.data;
      return { ...state, lastEta: { at: estimatedDeliveryAt, basis, late } };
    }
    case 'ProofOfDeliveryRecorded':
      return { ...state, proofOfDelivery: true };
    case 'DeliveryConfirmed':
      return { ...state, delivered: { deliveredAt: event.data.deliveredAt, evidence: event.data.evidence } };
    case 'ExceptionDetected': {
      const { condition, episode, exceptionId, exceptionType, detectedAt } = event.data;
      return withException(state, condition, () => ({ episodes: episode, open: { exceptionId, exceptionType, detectedAt } }));
    }
    case 'ExceptionCleared':
    case 'ExceptionEpisodeEnded':
      return withException(state, event.data.condition, closeEpisode(event.data.exceptionId));
    case 'SilenceCheckRescheduled':
      return { ...state, silenceCheckAt: event.data.silenceCheckAt };
    case 'CustomerNotificationRequested': {
      const { kind, requestedAt } = event.data;
      const count = (state.notifications[kind]?.count ?? 0) + 1;
      return { ...state, notifications: { ...state.notifications, [kind]: { count, lastAt: requestedAt } } };
    }
    default:
      return assertNever(event, 'shipment-tracking event');
  }
}
