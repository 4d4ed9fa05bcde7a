import { UNKNOWN_EXCEPTION, type ExceptionClassification } from '@lading/contracts';
import type { CodeSetTable, ReasonEntry, StatusEntry } from './code-set';

const delay = (severity: ExceptionClassification['severity'] = 'MEDIUM'): ExceptionClassification => ({ type: 'CARRIER_DELAY', severity, owner: 'CARRIER' });

/**
 * `PARCEL_JSON`, version 1: the status/sub-reason pair of a typical parcel carrier's JSON
 * tracking API (`{"status": "delivery_exception", "subStatus": "recipient_unavailable", ...}`),
 * codes compared upper case. A parcel API sends instants with an offset and often an
 * `estimatedDelivery`; both arrive on the scan as they are.
 *
 * DELIVERY_EXCEPTION is a bucket: its sub-reason decides both the exception and whether it was
 * a delivery attempt. Without a (known) sub-reason the exception is UNKNOWN, never a guess.
 * RETURN_TO_SENDER ends the delivery journey (RETURNED_TO_SHIPPER) when the return starts: the
 * parcel will not reach the customer, and the carrier's later "delivered" scan is the delivery
 * back to the shipper. Not mapped: AVAILABLE_FOR_PICKUP (an access-point service or a failed
 * attempt; the API does not say which).
 */
const statuses: Record<string, StatusEntry> = {
  LABEL_CREATED: { description: 'Label created', milestone: 'BOOKED', exception: null },
  PICKED_UP: { description: 'Picked up', milestone: 'PICKED_UP', exception: null },
  IN_TRANSIT: { description: 'In transit', milestone: 'IN_TRANSIT', exception: null },
  ARRIVED_AT_FACILITY: { description: 'Arrived at carrier facility', milestone: 'AT_TERMINAL', exception: null },
  DEPARTED_FACILITY: { description: 'Departed carrier facility', milestone: 'IN_TRANSIT', exception: null },
  OUT_FOR_DELIVERY: { description: 'Out for delivery', milestone: 'OUT_FOR_DELIVERY', exception: null },
  DELIVERED: { description: 'Delivered', milestone: 'DELIVERED', exception: null },
  DELIVERY_EXCEPTION: { description: 'Delivery exception', milestone: null, exception: UNKNOWN_EXCEPTION },
  DELAYED: { description: 'Delayed', milestone: null, exception: delay() },
  RETURN_TO_SENDER: { description: 'Returning to sender', milestone: 'RETURNED_TO_SHIPPER', exception: { type: 'RETURNED_TO_SHIPPER', severity: 'HIGH', owner: 'SHIPPER' } },
  CANCELLED: { description: 'Shipment cancelled', milestone: 'CANCELLED', exception: null },
};

const reasons: Record<string, ReasonEntry> = {
  RECIPIENT_UNAVAILABLE: { description: 'Recipient not available', milestone: 'DELIVERY_ATTEMPTED', exception: { type: 'CONSIGNEE_UNAVAILABLE', severity: 'MEDIUM', owner: 'CONSIGNEE' } },
  BUSINESS_CLOSED: { description: 'Business closed', milestone: 'DELIVERY_ATTEMPTED', exception: { type: 'CONSIGNEE_UNAVAILABLE', severity: 'MEDIUM', owner: 'CONSIGNEE' } },
  ADDRESS_INCORRECT: { description: 'Incorrect or incomplete address', milestone: 'DELIVERY_ATTEMPTED', exception: { type: 'ADDRESS_PROBLEM', severity: 'HIGH', owner: 'SHIPPER' } },
  REFUSED: { description: 'Refused by recipient', milestone: 'DELIVERY_ATTEMPTED', exception: { type: 'REFUSED_BY_CONSIGNEE', severity: 'HIGH', owner: 'CONSIGNEE' } },
  UNCLAIMED: { description: 'Not collected by recipient', exception: { type: 'CONSIGNEE_UNAVAILABLE', severity: 'LOW', owner: 'CONSIGNEE' } },
  DAMAGED: { description: 'Package damaged', exception: { type: 'DAMAGED', severity: 'HIGH', owner: 'CARRIER' } },
  LOST: { description: 'Package lost', exception: { type: 'LOST', severity: 'CRITICAL', owner: 'CARRIER' } },
  WEATHER: { description: 'Weather delay', exception: { type: 'WEATHER_OR_DISASTER', severity: 'MEDIUM', owner: 'CARRIER' } },
  CUSTOMS_HOLD: { description: 'Held in customs', exception: { type: 'CUSTOMS_OR_DOCUMENTATION', severity: 'MEDIUM', owner: 'CARRIER' } },
  MISSORT: { description: 'Missorted', exception: delay() },
  MECHANICAL: { description: 'Vehicle breakdown', exception: delay() },
  VOLUME: { description: 'High volume', exception: delay('LOW') },
};

export const PARCEL_JSON_CODE_SET: CodeSetTable = Object.freeze({
  codeSet: 'PARCEL_JSON',
  version: 'PARCEL_JSON/1',
  statuses: Object.freeze(statuses),
  reasons: Object.freeze(reasons),
});
