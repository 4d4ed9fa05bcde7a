import type { FreightOption } from '../freight-options/freight-options';

/** What went wrong (the first two are NEW symbols of lading.orchestration.ExceptionType; BOOKING_FAILED exists). */
export type ShipmentExceptionType = 'PROMISE_AT_RISK' | 'NO_CARRIER' | 'BOOKING_FAILED';
export type ShipmentExceptionSeverity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type ShipmentExceptionOwner = 'CARRIER' | 'SHIPPER' | 'CONSIGNEE' | 'WAREHOUSE';

/**
 * Who must act and how urgently. PROMISE_AT_RISK and NO_CARRIER are the shipper's to act on
 * (change the promise, the packaging or the rate cards); BOOKING_FAILED means the carriers kept
 * refusing or not answering.
 */
export const SHIPMENT_EXCEPTIONS: Readonly<Record<ShipmentExceptionType, { severity: ShipmentExceptionSeverity; owner: ShipmentExceptionOwner }>> = {
  PROMISE_AT_RISK: { severity: 'MEDIUM', owner: 'SHIPPER' },
  NO_CARRIER: { severity: 'HIGH', owner: 'SHIPPER' },
  BOOKING_FAILED: { severity: 'HIGH', owner: 'CARRIER' },
};

/**
 * The exception's id: one per shipment, type and plan (the episode). A redelivered input cannot
 * raise it again (the decider ignores it), and if an exception is ever re-emitted it keeps its id,
 * so the exception stream deduplicates it. A re-plan (amended packages) is a new episode.
 */
export function shipmentExceptionId(shipmentId: string, type: ShipmentExceptionType, planNumber: number): string {
  return `${shipmentId}/${type}/plan-${planNumber}`;
}

const MAX_LISTED = 3;

function listed(items: string[]): string {
  return items.length <= MAX_LISTED ? items.join('; ') : `${items.slice(0, MAX_LISTED).join('; ')}; +${items.length - MAX_LISTED} more`;
}

function label(option: Pick<FreightOption, 'carrierId' | 'serviceLevel'>): string {
  return `${option.carrierId} ${option.serviceLevel}`;
}

export function promiseAtRiskSummary(shipmentId: string, orderId: string, option: FreightOption, promiseDate: string): string {
  return `Shipment ${shipmentId} (order ${orderId}) will miss its promise: the best option left, ${label(option)}, delivers ${option.estimatedDeliveryDate}, promised ${promiseDate}`;
}

export function noCarrierSummary(shipmentId: string, orderId: string, options: readonly FreightOption[]): string {
  if (options.length === 0) return `No carrier can take shipment ${shipmentId} (order ${orderId}): no rate card in force`;
  const reasons = options.map((option) => `${label(option)}: ${option.ineligibility.map((reason) => reason.code).join(', ')}`);
  return `No carrier can take shipment ${shipmentId} (order ${orderId}): none of ${options.length} option(s) is eligible (${listed(reasons)})`;
}

export function bookingFailedSummary(shipmentId: string, orderId: string, attempts: readonly { attempt: number; carrierId: string; serviceLevel: string; status: string; reason?: string }[]): string {
  const outcomes = attempts.map((a) => `#${a.attempt} ${label(a)} ${a.status.toLowerCase().replace(/_/g, ' ')}${a.reason ? `: ${a.reason}` : ''}`);
  return `No carrier booked shipment ${shipmentId} (order ${orderId}): every option was refused or unanswered (${listed(outcomes)})`;
}
