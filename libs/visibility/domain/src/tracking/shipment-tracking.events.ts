import type { ExceptionOwner, ExceptionSeverity, ExceptionType, NotificationKind } from '@lading/contracts';
import type { SourceCode, UnmappedCode } from '../code-sets/code-set';
import type { TrackingMilestone } from '../code-sets/milestones';
import type { ScanTime, TimeBasis, TimeProblem } from '../code-sets/scan-time';
import type { ClearReason, ExceptionCondition } from '../exceptions/exception-conditions';

/** Where a scan happened: the contract's Location plus the IANA zone the app resolved for it. */
export interface ScanLocation {
  facility?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  countryCode?: string;
  /** Resolved by the app (facility table, postal code); needed for local times without a zone. */
  timeZone?: string;
}

/**
 * What a scan did to the shipment's status: BECAME_CURRENT (the newest word on the journey),
 * HISTORY (kept, but older than or behind the current milestone, or after a terminal one),
 * NO_MILESTONE (an estimate, a damage report, an unmapped code) or UNPLACED (its time could not
 * be placed, e.g. unzoned).
 */
export type StatusEffect = 'BECAME_CURRENT' | 'HISTORY' | 'NO_MILESTONE' | 'UNPLACED';

export type TrackingStarted = {
  type: 'TrackingStarted';
  data: { shipmentId: string; orderId: string; carrierId: string; plannedPickupAt?: string; startedAt: string; silenceCheckAt?: string };
};

/** The promise (from shipment-planning) as first seen or changed; the app arms a timer at `promiseCheckAt`. */
export type PromiseRecorded = {
  type: 'PromiseRecorded';
  data: { shipmentId: string; orderId: string; promisedDeliveryAt: string; previousPromisedDeliveryAt?: string; promiseCheckAt: string; recordedAt: string };
};

export type ScanRecorded = {
  type: 'ScanRecorded';
  data: {
    shipmentId: string;
    orderId: string;
    /** The scan's identity: an exact duplicate has the same id and is dropped. */
    scanId: string;
    carrierId: string;
    trackingNumber: string;
    codeSet: string;
    /** The table version that mapped it; null for an unknown code set. */
    codeSetVersion: string | null;
    statusCode: string;
    reasonCode?: string;
    description?: string;
    /** UNKNOWN: unmapped status code; null: a known code with no milestone. */
    milestone: TrackingMilestone | 'UNKNOWN' | null;
    /** Codes the tables do not know, for the app's metric and list. */
    unmapped: UnmappedCode[];
    location?: ScanLocation;
    /** The status time as the carrier sent it. */
    reportedTime: ScanTime;
    /** When the carrier or TMS sent the message. */
    reportedAt: string;
    /** Carrier event time (UTC); null when it could not be placed. */
    eventAt: string | null;
    timeBasis?: TimeBasis;
    timeProblem?: { problem: TimeProblem; message: string };
    carrierEstimateAt?: string;
    /** Lading ingest time. */
    ingestedAt: string;
    statusEffect: StatusEffect;
    signedBy?: string;
    /** Present when the silence timer moved: the app (re)arms its wake-up here. */
    silenceCheckAt?: string;
  };
};

/** The current milestone changed; published as `milestone.recorded`. */
export type MilestoneRecorded = {
  type: 'MilestoneRecorded';
  data: {
    shipmentId: string;
    orderId: string;
    milestone: TrackingMilestone;
    previousMilestone?: TrackingMilestone;
    milestoneAt: string;
    location?: ScanLocation;
    codeSet: string;
    codeSetVersion: string | null;
    statusCode: string;
    /** The scan, or `pod` for a proof of delivery. */
    scanId: string;
    recordedAt: string;
  };
};

export type EtaBasis = 'CARRIER' | 'PLAN';

/** Published as `eta.updated`. */
export type EtaUpdated = {
  type: 'EtaUpdated';
  data: {
    shipmentId: string;
    orderId: string;
    estimatedDeliveryAt: string;
    basis: EtaBasis;
    previousEstimatedDeliveryAt?: string;
    promisedDeliveryAt?: string;
    late: boolean;
    updatedAt: string;
  };
};

export type ProofOfDeliveryRecorded = {
  type: 'ProofOfDeliveryRecorded';
  data: { shipmentId: string; orderId: string; carrierId: string; deliveredAt: string; signedBy?: string; location?: ScanLocation; documentUrl?: string; recordedAt: string };
};

/** Published as `delivery.confirmed`; the ERP closes and invoices the order. Once per shipment. */
export type DeliveryConfirmed = {
  type: 'DeliveryConfirmed';
  data: { shipmentId: string; orderId: string; deliveredAt: string; signedBy?: string; evidence: 'SCAN' | 'PROOF_OF_DELIVERY'; confirmedAt: string };
};

/** An exception episode opened; the app raises it on the exception stream (`RaiseException`). */
export type ExceptionDetected = {
  type: 'ExceptionDetected';
  data: {
    exceptionId: string;
    condition: ExceptionCondition;
    episode: number;
    shipmentId: string;
    orderId: string;
    exceptionType: ExceptionType;
    severity: ExceptionSeverity;
    owner: ExceptionOwner;
    summary: string;
    /** The raw code it came from; null for what Lading detected itself (silence, lateness). */
    source: SourceCode | null;
    scanId?: string;
    detectedAt: string;
  };
};

/** The condition cleared; the app resolves the exception (`ResolveException`, automatic). */
export type ExceptionCleared = {
  type: 'ExceptionCleared';
  data: { exceptionId: string; condition: ExceptionCondition; shipmentId: string; orderId: string; reason: ClearReason; resolution: string; clearedAt: string };
};

/** The service desk resolved an episode this stream still had open; the next report opens a new one. */
export type ExceptionEpisodeEnded = {
  type: 'ExceptionEpisodeEnded';
  data: { exceptionId: string; condition: ExceptionCondition; shipmentId: string; resolvedBy: string; endedAt: string };
};

/** The silence threshold or calendar changed since the timer was armed: the app re-arms it. */
export type SilenceCheckRescheduled = { type: 'SilenceCheckRescheduled'; data: { shipmentId: string; silenceCheckAt: string; rescheduledAt: string } };

export type CustomerNotificationRequested = {
  type: 'CustomerNotificationRequested';
  data: {
    /** `<shipmentId>:<kind>:<n>`: the CRM sends each id once. */
    notificationId: string;
    shipmentId: string;
    orderId: string;
    customerId?: string;
    kind: NotificationKind;
    templateId: string;
    brandId: string;
    templateData: Record<string, string>;
    requestedAt: string;
  };
};

export type ShipmentTrackingEvent =
  | TrackingStarted
  | PromiseRecorded
  | ScanRecorded
  | MilestoneRecorded
  | EtaUpdated
  | ProofOfDeliveryRecorded
  | DeliveryConfirmed
  | ExceptionDetected
  | ExceptionCleared
  | ExceptionEpisodeEnded
  | SilenceCheckRescheduled
  | CustomerNotificationRequested;
