import { mapScanCodes } from './registry';

describe('PARCEL_JSON code set', () => {
  it.each([
    ['label_created', 'BOOKED'],
    ['picked_up', 'PICKED_UP'],
    ['in_transit', 'IN_TRANSIT'],
    ['arrived_at_facility', 'AT_TERMINAL'],
    ['departed_facility', 'IN_TRANSIT'],
    ['out_for_delivery', 'OUT_FOR_DELIVERY'],
    ['delivered', 'DELIVERED'],
    ['return_to_sender', 'RETURNED_TO_SHIPPER'],
    ['cancelled', 'CANCELLED'],
  ])('given status %s, then the milestone is %s', (status, milestone) => {
    const mapping = mapScanCodes('PARCEL_JSON', status);
    expect(mapping.milestone).toBe(milestone);
    expect(mapping.codeSetVersion).toBe('PARCEL_JSON/1');
  });

  it('given a delivery exception, then the sub-reason decides the attempt and the exception', () => {
    expect(mapScanCodes('PARCEL_JSON', 'delivery_exception', 'recipient_unavailable')).toMatchObject({
      milestone: 'DELIVERY_ATTEMPTED',
      exception: { type: 'CONSIGNEE_UNAVAILABLE', severity: 'MEDIUM', owner: 'CONSIGNEE', source: { codeSet: 'PARCEL_JSON', element: 'REASON', code: 'RECIPIENT_UNAVAILABLE' } },
    });
    expect(mapScanCodes('PARCEL_JSON', 'delivery_exception', 'address_incorrect')).toMatchObject({ milestone: 'DELIVERY_ATTEMPTED', exception: { type: 'ADDRESS_PROBLEM', owner: 'SHIPPER' } });
    expect(mapScanCodes('PARCEL_JSON', 'delivery_exception', 'refused')).toMatchObject({ milestone: 'DELIVERY_ATTEMPTED', exception: { type: 'REFUSED_BY_CONSIGNEE' } });
    expect(mapScanCodes('PARCEL_JSON', 'delivery_exception', 'damaged')).toMatchObject({ milestone: null, exception: { type: 'DAMAGED', severity: 'HIGH' } });
    expect(mapScanCodes('PARCEL_JSON', 'delivery_exception', 'lost')).toMatchObject({ milestone: null, exception: { type: 'LOST', severity: 'CRITICAL' } });
  });

  it('given a delivery exception without a sub-reason, then the exception is UNKNOWN, not a guessed type', () => {
    expect(mapScanCodes('PARCEL_JSON', 'delivery_exception').exception).toEqual({
      type: 'UNKNOWN',
      severity: 'UNKNOWN',
      owner: 'UNKNOWN',
      source: { codeSet: 'PARCEL_JSON', element: 'STATUS', code: 'DELIVERY_EXCEPTION' },
    });
  });

  it('given a delay with or without a reason, then the reason refines the delay', () => {
    expect(mapScanCodes('PARCEL_JSON', 'delayed').exception).toMatchObject({ type: 'CARRIER_DELAY', severity: 'MEDIUM', owner: 'CARRIER' });
    expect(mapScanCodes('PARCEL_JSON', 'delayed', 'weather').exception).toMatchObject({ type: 'WEATHER_OR_DISASTER' });
    expect(mapScanCodes('PARCEL_JSON', 'delayed', 'volume').exception).toMatchObject({ type: 'CARRIER_DELAY', severity: 'LOW' });
  });

  it('given a status the API added after this version, then it is UNKNOWN and listed', () => {
    expect(mapScanCodes('PARCEL_JSON', 'available_for_pickup')).toMatchObject({ milestone: 'UNKNOWN', unmapped: [{ element: 'STATUS', code: 'AVAILABLE_FOR_PICKUP' }] });
  });
});
