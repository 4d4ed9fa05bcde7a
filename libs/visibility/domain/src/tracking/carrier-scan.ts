import type { CodeMapping } from '../code-sets/code-set';
import { mapScanCodes } from '../code-sets/registry';
import { rawScanTime, resolveScanTime, type ResolvedTime, type ScanTime, type TimeBasis, type TimeProblem } from '../code-sets/scan-time';
import type { ScanLocation } from './shipment-tracking.events';

/** A carrier scan as the TMS reported it (`CarrierTrackingEvent`), mapped by the app 1:1. */
export interface CarrierScan {
  carrierId: string;
  trackingNumber: string;
  codeSet: string;
  /** X12 214: element 1650; parcel JSON: `status`. */
  statusCode: string;
  /** X12 214: element 1651; parcel JSON: `subStatus`. */
  reasonCode?: string;
  description?: string;
  location?: ScanLocation;
  /** The status date/time as sent. */
  time: ScanTime;
  /** An estimated delivery carried beside the status (parcel APIs). */
  estimatedDelivery?: ScanTime;
  /** When the carrier or TMS sent the message (meta.occurredAt), ISO-8601. */
  reportedAt: string;
  /** Who signed, when the carrier reports it with a delivery. */
  signedBy?: string;
}

/** A scan read through the code sets and placed in time, before it meets the shipment's state. */
export interface InterpretedScan {
  scanId: string;
  mapping: CodeMapping;
  eventAt: string | null;
  timeBasis?: TimeBasis;
  timeProblem?: { problem: TimeProblem; message: string };
  carrierEstimateAt?: string;
}

const upper = (value: string | undefined): string => value?.trim().toUpperCase() ?? '';

/** How far ahead of Lading's clock a carrier event time may be before it is taken for a wrong zone. */
export const MAX_CLOCK_SKEW_MS = 60 * 60_000;

/**
 * A scan's identity: what the carrier said, about which package, when and where (as sent, not as
 * resolved, so a re-delivery that now carries the location's zone is still the same scan). The
 * description is left out: carriers reword it between re-sends.
 */
export function scanIdOf(scan: CarrierScan): string {
  const where = [scan.location?.facility, scan.location?.city, scan.location?.postalCode, scan.location?.countryCode].map(upper).join(',');
  const estimate = scan.estimatedDelivery ? rawScanTime(scan.estimatedDelivery) : '';
  return [scan.trackingNumber.trim(), upper(scan.codeSet), upper(scan.statusCode), upper(scan.reasonCode), rawScanTime(scan.time), where, estimate].join('|');
}

/**
 * Maps the codes and places the scan in time. For a status whose time is an estimate (X12 AG,
 * X2), the event time is when the message was sent and the status time is the estimate. An event
 * time more than {@link MAX_CLOCK_SKEW_MS} after `ingestedAt` is not placed (IN_THE_FUTURE).
 * `timeProblem` names the first time that could not be resolved (the event time, then the estimate).
 */
export function interpretScan(scan: CarrierScan, ingestedAt: Date): InterpretedScan {
  const mapping = mapScanCodes(scan.codeSet, scan.statusCode, scan.reasonCode);
  const zone = scan.location?.timeZone;
  const statusTime = resolveScanTime(scan.time, zone);
  const resolvedEventTime = mapping.statusTimeIsEstimate ? resolveScanTime({ kind: 'INSTANT', at: scan.reportedAt }) : statusTime;
  const eventTime: ResolvedTime =
    resolvedEventTime.ok && Date.parse(resolvedEventTime.at) > ingestedAt.getTime() + MAX_CLOCK_SKEW_MS
      ? { ok: false, problem: 'IN_THE_FUTURE', message: `event time ${resolvedEventTime.at} is after ingest ${ingestedAt.toISOString()}: wrong zone or time code?` }
      : resolvedEventTime;
  const estimateTime = mapping.statusTimeIsEstimate ? statusTime : scan.estimatedDelivery ? resolveScanTime(scan.estimatedDelivery, zone) : undefined;
  const problem = [eventTime, statusTime, estimateTime].find((resolved) => resolved !== undefined && !resolved.ok);
  return {
    scanId: scanIdOf(scan),
    mapping,
    eventAt: eventTime.ok ? eventTime.at : null,
    ...(eventTime.ok ? { timeBasis: eventTime.basis } : {}),
    ...(problem && !problem.ok ? { timeProblem: { problem: problem.problem, message: problem.message } } : {}),
    ...(estimateTime?.ok ? { carrierEstimateAt: estimateTime.at } : {}),
  };
}
