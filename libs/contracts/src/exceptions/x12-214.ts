import type { ExceptionOwner, ExceptionSeverity, ExceptionType } from '../generated/types';

/** The canonical classification of an exception: what, how urgent, and whose to fix. */
export interface ExceptionClassification {
  type: ExceptionType;
  severity: ExceptionSeverity;
  owner: ExceptionOwner;
}

/** What an X12 214 status reason code (element 1651) means for Lading. */
export interface X12StatusReason {
  code: string;
  description: string;
  /** null for codes that report normal progress (NS, appointments): not an exception. */
  exception: ExceptionClassification | null;
}

/** Codes the table does not know classify as UNKNOWN on every axis: never a guess. */
export const UNKNOWN_EXCEPTION: ExceptionClassification = Object.freeze({ type: 'UNKNOWN', severity: 'UNKNOWN', owner: 'UNKNOWN' });

const exception = (type: ExceptionType, severity: ExceptionSeverity, owner: ExceptionOwner): ExceptionClassification => ({ type, severity, owner });

/**
 * X12 214 shipment status reason codes (element 1651) Lading maps to its taxonomy. Only codes
 * whose meaning decides type and owner unambiguously are listed; "other", "previous stop",
 * "cartage agent" and the like are left out on purpose and classify as UNKNOWN.
 */
export const x12StatusReasonCodes: Readonly<Record<string, X12StatusReason>> = Object.freeze(
  Object.fromEntries(
    (
      [
        ['NS', 'Normal Status', null],
        ['NA', 'Normal Appointment', null],
        ['BK', 'Prearranged Appointment', null],
        ['A1', 'Missed Delivery', exception('DELIVERY_ATTEMPT_FAILED', 'MEDIUM', 'CARRIER')],
        ['A2', 'Incorrect Address', exception('ADDRESS_PROBLEM', 'HIGH', 'SHIPPER')],
        ['A3', 'Indirect Delivery', exception('DELIVERY_ATTEMPT_FAILED', 'LOW', 'CONSIGNEE')],
        ['A5', 'Unable to Locate', exception('ADDRESS_PROBLEM', 'HIGH', 'CONSIGNEE')],
        ['A6', 'Address Corrected - Delivery Attempted', exception('ADDRESS_PROBLEM', 'MEDIUM', 'SHIPPER')],
        ['AA', 'Mis-sort', exception('CARRIER_DELAY', 'MEDIUM', 'CARRIER')],
        ['AD', 'Customer Requested Future Delivery', exception('CONSIGNEE_UNAVAILABLE', 'LOW', 'CONSIGNEE')],
        ['AF', 'Accident', exception('CARRIER_DELAY', 'HIGH', 'CARRIER')],
        ['AG', 'Consignee Related', exception('CONSIGNEE_UNAVAILABLE', 'MEDIUM', 'CONSIGNEE')],
        ['AH', 'Driver Related', exception('CARRIER_DELAY', 'MEDIUM', 'CARRIER')],
        ['AI', 'Mechanical Breakdown', exception('CARRIER_DELAY', 'MEDIUM', 'CARRIER')],
        ['AJ', 'Other Carrier Related', exception('CARRIER_DELAY', 'MEDIUM', 'CARRIER')],
        ['AK', 'Damaged, Rewrapped in Hub', exception('DAMAGED', 'HIGH', 'CARRIER')],
        ['AM', 'Shipper Related', exception('HELD_BY_SHIPPER', 'MEDIUM', 'SHIPPER')],
        ['AN', 'Holiday - Closed', exception('CONSIGNEE_UNAVAILABLE', 'LOW', 'CONSIGNEE')],
        ['AO', 'Weather or Natural Disaster Related', exception('WEATHER_OR_DISASTER', 'MEDIUM', 'CARRIER')],
        ['AQ', 'Recipient Unavailable - Delivery Delayed', exception('CONSIGNEE_UNAVAILABLE', 'MEDIUM', 'CONSIGNEE')],
        ['AR', 'Improper International Paperwork', exception('CUSTOMS_OR_DOCUMENTATION', 'HIGH', 'SHIPPER')],
        ['AS', 'Hold Due to Customs Documentation Problems', exception('CUSTOMS_OR_DOCUMENTATION', 'HIGH', 'SHIPPER')],
        ['AW', 'Past Cut-off Time', exception('MISSED_PICKUP', 'MEDIUM', 'SHIPPER')],
        ['AX', 'Insufficient Pickup Time', exception('MISSED_PICKUP', 'MEDIUM', 'CARRIER')],
        ['AY', 'Missed Pickup', exception('MISSED_PICKUP', 'HIGH', 'CARRIER')],
        ['B1', 'Consignee Closed', exception('CONSIGNEE_UNAVAILABLE', 'MEDIUM', 'CONSIGNEE')],
        ['B4', 'Held for Payment', exception('PAYMENT_HOLD', 'HIGH', 'CONSIGNEE')],
        ['BB', 'Held per Shipper', exception('HELD_BY_SHIPPER', 'MEDIUM', 'SHIPPER')],
        ['BC', 'Missing Documents', exception('CUSTOMS_OR_DOCUMENTATION', 'HIGH', 'SHIPPER')],
        ['BD', 'Border Clearance', exception('CUSTOMS_OR_DOCUMENTATION', 'MEDIUM', 'CARRIER')],
        ['BE', 'Road Conditions', exception('WEATHER_OR_DISASTER', 'MEDIUM', 'CARRIER')],
        ['BH', 'Insufficient Time to Complete Delivery', exception('CARRIER_DELAY', 'MEDIUM', 'CARRIER')],
        ['BP', 'Load Shifted', exception('DAMAGED', 'HIGH', 'CARRIER')],
        ['BS', 'Refused by Customer', exception('REFUSED_BY_CONSIGNEE', 'HIGH', 'CONSIGNEE')],
        ['BT', 'Returned to Shipper', exception('RETURNED_TO_SHIPPER', 'HIGH', 'SHIPPER')],
        ['C2', 'Credit Hold', exception('PAYMENT_HOLD', 'HIGH', 'SHIPPER')],
        ['C4', 'Customer Vacation', exception('CONSIGNEE_UNAVAILABLE', 'LOW', 'CONSIGNEE')],
        ['C8', 'Collect on Delivery Required', exception('PAYMENT_HOLD', 'MEDIUM', 'CONSIGNEE')],
        ['C9', 'Cash Not Available From Consignee', exception('PAYMENT_HOLD', 'MEDIUM', 'CONSIGNEE')],
        ['CA', 'Customs (Import or Export)', exception('CUSTOMS_OR_DOCUMENTATION', 'MEDIUM', 'CARRIER')],
        ['D1', 'Carrier Dispatch Error', exception('CARRIER_DELAY', 'MEDIUM', 'CARRIER')],
        ['D2', 'Driver Not Available', exception('CARRIER_DELAY', 'MEDIUM', 'CARRIER')],
        ['P1', 'Processing Delay', exception('WAREHOUSE_DELAY', 'MEDIUM', 'WAREHOUSE')],
        ['S1', 'Delivery Shortage', exception('SHORT_SHIPMENT', 'HIGH', 'CARRIER')],
        ['T7', 'Insufficient Delivery Time', exception('CARRIER_DELAY', 'MEDIUM', 'CARRIER')],
      ] as const
    ).map(([code, description, classification]) => [code, Object.freeze({ code, description, exception: classification })]),
  ),
);

/**
 * Classifies an X12 214 status reason code (element 1651). Normal-status codes return null
 * (no exception); codes not in {@link x12StatusReasonCodes} return {@link UNKNOWN_EXCEPTION}.
 */
export function exceptionForX12StatusReason(code: string): ExceptionClassification | null {
  const entry = x12StatusReasonCodes[code.trim().toUpperCase()];
  if (!entry) return UNKNOWN_EXCEPTION;
  return entry.exception;
}
