import { x12StatusReasonCodes, type ExceptionClassification } from '@lading/contracts';
import type { CodeSetTable, ReasonEntry, StatusEntry } from './code-set';
import type { TrackingMilestone } from './milestones';

const status = (description: string, milestone: TrackingMilestone | null, exception: ExceptionClassification | null = null, timeIsEstimate = false): StatusEntry =>
  timeIsEstimate ? { description, milestone, exception, timeIsEstimate } : { description, milestone, exception };

/**
 * X12 214 shipment status codes (AT7-01, element 1650), version 1.
 *
 * Only codes whose meaning is settled are mapped; anything else is UNKNOWN with its raw code.
 * Choices worth knowing:
 * - X3/X8 (arrived at pick-up) move no milestone: the carrier is at the dock, nothing is
 *   picked up yet. They still count as a sign of life for the silence alarm.
 * - X1/X5 (arrived at delivery location) are the final mile, like out for delivery.
 * - X6 (en route to delivery location) is line haul here; some parcel carriers send it for
 *   "out for delivery": such a carrier needs its own code set, not a different X6.
 * - D1 (completed unloading at delivery location) and CD (carrier departed delivery location)
 *   are delivery, as LTL carriers use them.
 * - AG/X2 carry an estimate: AT7-05/06 is the estimated delivery, not the scan time.
 * - A3 (returned to shipper) is read as the return having started or finished; either way the
 *   delivery journey is over.
 * Not mapped (meaning not certain enough): AV available for delivery, AJ tendered for delivery,
 * AI reconsigned, K1/PR customs, AM loaded on truck, OD.
 */
const statuses: Record<string, StatusEntry> = {
  X3: status('Arrived at Pick-up Location', null),
  X8: status('Arrived at Pick-up Location Loading Dock', null),
  CP: status('Completed Loading at Pick-up Location', 'PICKED_UP'),
  AF: status('Carrier Departed Pick-up Location with Shipment', 'PICKED_UP'),
  X6: status('En Route to Delivery Location', 'IN_TRANSIT'),
  P1: status('Departed Terminal Location', 'IN_TRANSIT'),
  OA: status('Out-Gate', 'IN_TRANSIT'),
  R1: status('Received from Prior Carrier', 'IN_TRANSIT'),
  J1: status('Delivered to Connecting Line', 'IN_TRANSIT'),
  X4: status('Arrived at Terminal Location', 'AT_TERMINAL'),
  I1: status('In-Gate', 'AT_TERMINAL'),
  X1: status('Arrived at Delivery Location', 'OUT_FOR_DELIVERY'),
  X5: status('Arrived at Delivery Location Loading Dock', 'OUT_FOR_DELIVERY'),
  AG: status('Estimated Delivery', null, null, true),
  X2: status("Estimated Date and/or Time of Arrival at Consignee's Location", null, null, true),
  D1: status('Completed Unloading at Delivery Location', 'DELIVERED'),
  CD: status('Carrier Departed Delivery Location', 'DELIVERED'),
  AH: status('Attempted Delivery', 'DELIVERY_ATTEMPTED', { type: 'DELIVERY_ATTEMPT_FAILED', severity: 'MEDIUM', owner: 'CARRIER' }),
  AP: status('Delivery Not Completed', 'DELIVERY_ATTEMPTED', { type: 'DELIVERY_ATTEMPT_FAILED', severity: 'MEDIUM', owner: 'CARRIER' }),
  A7: status('Refused by Consignee', 'DELIVERY_ATTEMPTED', { type: 'REFUSED_BY_CONSIGNEE', severity: 'HIGH', owner: 'CONSIGNEE' }),
  A9: status('Shipment Damaged', null, { type: 'DAMAGED', severity: 'HIGH', owner: 'CARRIER' }),
  SD: status('Shipment Delayed', null, { type: 'CARRIER_DELAY', severity: 'MEDIUM', owner: 'CARRIER' }),
  A3: status('Shipment Returned to Shipper', 'RETURNED_TO_SHIPPER', { type: 'RETURNED_TO_SHIPPER', severity: 'HIGH', owner: 'SHIPPER' }),
  CA: status('Shipment Cancelled', 'CANCELLED'),
};

/** Reason codes (element 1651) are contracts' exception taxonomy, unchanged. */
const reasons: Record<string, ReasonEntry> = Object.fromEntries(
  Object.values(x12StatusReasonCodes).map((entry): [string, ReasonEntry] => [entry.code, { description: entry.description, exception: entry.exception }]),
);

export const X12_214_CODE_SET: CodeSetTable = Object.freeze({
  codeSet: 'X12_214',
  version: 'X12_214/1',
  statuses: Object.freeze(statuses),
  reasons: Object.freeze(reasons),
});
