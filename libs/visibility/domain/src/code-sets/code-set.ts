import { UNKNOWN_EXCEPTION, type ExceptionClassification } from '@lading/contracts';
import type { TrackingMilestone } from './milestones';

/** What one status code of a carrier code set means for Lading. */
export interface StatusEntry {
  description: string;
  /** The milestone it reports; null for a known code that moves no milestone (an estimate, a damage report, a delay). */
  milestone: TrackingMilestone | null;
  /** The exception the status itself reports (refused, damaged, delayed), used unless the reason code names one. */
  exception: ExceptionClassification | null;
  /** The status date/time is the carrier's estimated delivery, not when the scan happened (X12 AG, X2). */
  timeIsEstimate?: boolean;
}

/** What one status reason code (a sub-reason) means for Lading. */
export interface ReasonEntry {
  description: string;
  /** null for a reason that reports normal progress (X12 NS). */
  exception: ExceptionClassification | null;
  /** The milestone the reason implies when the status code has none (a parcel "delivery exception: recipient unavailable" is an attempt). */
  milestone?: TrackingMilestone;
}

/**
 * A versioned code-set table. The version is recorded on every scan mapped with it, so a scan
 * can always be explained by the table that mapped it; change a mapping → bump the version.
 */
export interface CodeSetTable {
  /** As carriers name it in `CarrierTrackingEvent.codeSet`, upper case: `X12_214`, `PARCEL_JSON`. */
  codeSet: string;
  version: string;
  statuses: Readonly<Record<string, StatusEntry>>;
  reasons: Readonly<Record<string, ReasonEntry>>;
}

/** Which element of the code set a code came from (X12: 1650 status, 1651 reason; the two share symbols such as CA and AF). */
export type CodeElement = 'STATUS' | 'REASON';

/** The raw code an exception was derived from, kept for audit. */
export interface SourceCode {
  codeSet: string;
  element: CodeElement;
  code: string;
}

export interface UnmappedCode {
  element: CodeElement;
  code: string;
}

export type MappedException = ExceptionClassification & { source: SourceCode };

/** What a scan's codes mean: its milestone, the exception it reports, and what was not understood. */
export interface CodeMapping {
  codeSet: string;
  /** null when the code set itself is unknown. */
  codeSetVersion: string | null;
  statusCode: string;
  reasonCode?: string;
  statusDescription?: string;
  reasonDescription?: string;
  /** UNKNOWN: the status code is not in the table (recorded and counted, never guessed); null: known, but no milestone. */
  milestone: TrackingMilestone | 'UNKNOWN' | null;
  exception: MappedException | null;
  statusTimeIsEstimate: boolean;
  unmapped: UnmappedCode[];
}

function normalised(code: string | null | undefined): string | undefined {
  const trimmed = code?.trim().toUpperCase();
  return trimmed ? trimmed : undefined;
}

/**
 * Maps a scan's status and reason codes through the code set's table.
 *
 * - An unknown status code gives milestone UNKNOWN and is listed in `unmapped`.
 * - A reason code that names an exception decides the exception (it is the more specific of the
 *   two: AH "attempted delivery" with A2 "incorrect address" is an address problem); a normal
 *   reason (NS) leaves the status's own exception, if any.
 * - An unknown reason code is listed in `unmapped`; the exception is the status's own or, when
 *   the status reports none, UNKNOWN on every axis with the raw reason as its source: a reason
 *   code says something happened, and the service desk must see what, not a guess.
 */
export function mapCarrierCodes(tables: Readonly<Record<string, CodeSetTable>>, codeSetName: string, statusCode: string, reasonCode?: string | null): CodeMapping {
  const codeSet = normalised(codeSetName) ?? '';
  const status = normalised(statusCode) ?? '';
  const reason = normalised(reasonCode);
  const table: CodeSetTable | undefined = tables[codeSet];
  const statusEntry = table?.statuses[status];
  const reasonEntry = reason === undefined ? undefined : table?.reasons[reason];
  const unmapped: UnmappedCode[] = [];
  if (!statusEntry) unmapped.push({ element: 'STATUS', code: status });
  if (reason !== undefined && !reasonEntry) unmapped.push({ element: 'REASON', code: reason });

  const fromStatus: MappedException | null = statusEntry?.exception ? { ...statusEntry.exception, source: { codeSet, element: 'STATUS', code: status } } : null;
  let exception = fromStatus;
  if (reason !== undefined) {
    const source: SourceCode = { codeSet, element: 'REASON', code: reason };
    if (reasonEntry?.exception) exception = { ...reasonEntry.exception, source };
    else if (!reasonEntry) exception = fromStatus ?? { ...UNKNOWN_EXCEPTION, source };
  }

  const milestone = statusEntry ? (statusEntry.milestone ?? reasonEntry?.milestone ?? null) : 'UNKNOWN';
  return {
    codeSet,
    codeSetVersion: table?.version ?? null,
    statusCode: status,
    ...(reason === undefined ? {} : { reasonCode: reason }),
    ...(statusEntry ? { statusDescription: statusEntry.description } : {}),
    ...(reasonEntry ? { reasonDescription: reasonEntry.description } : {}),
    milestone,
    exception,
    statusTimeIsEstimate: statusEntry?.timeIsEstimate === true,
    unmapped,
  };
}
