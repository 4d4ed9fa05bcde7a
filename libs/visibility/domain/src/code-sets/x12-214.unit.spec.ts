import { mapScanCodes } from './registry';

describe('X12 214 code set', () => {
  describe('given a shipment status code (1650) with a normal reason', () => {
    it.each([
      ['X3', null],
      ['AF', 'PICKED_UP'],
      ['CP', 'PICKED_UP'],
      ['X6', 'IN_TRANSIT'],
      ['P1', 'IN_TRANSIT'],
      ['X4', 'AT_TERMINAL'],
      ['X1', 'OUT_FOR_DELIVERY'],
      ['AG', null],
      ['X2', null],
      ['D1', 'DELIVERED'],
      ['AH', 'DELIVERY_ATTEMPTED'],
      ['A7', 'DELIVERY_ATTEMPTED'],
      ['A9', null],
      ['SD', null],
      ['A3', 'RETURNED_TO_SHIPPER'],
      ['CA', 'CANCELLED'],
    ])('then %s maps to milestone %s', (status, milestone) => {
      const mapping = mapScanCodes('X12_214', status, 'NS');
      expect(mapping.milestone).toBe(milestone);
      expect(mapping.codeSetVersion).toBe('X12_214/1');
      expect(mapping.unmapped).toEqual([]);
    });
  });

  it('then AG and X2 say their status time is an estimate, and nothing else does', () => {
    expect(mapScanCodes('X12_214', 'AG').statusTimeIsEstimate).toBe(true);
    expect(mapScanCodes('X12_214', 'X2').statusTimeIsEstimate).toBe(true);
    expect(mapScanCodes('X12_214', 'D1').statusTimeIsEstimate).toBe(false);
  });

  it('when a status reports an exception and the reason is normal, then the status names it', () => {
    expect(mapScanCodes('X12_214', 'A9', 'NS').exception).toEqual({ type: 'DAMAGED', severity: 'HIGH', owner: 'CARRIER', source: { codeSet: 'X12_214', element: 'STATUS', code: 'A9' } });
    expect(mapScanCodes('X12_214', 'A7').exception).toEqual({ type: 'REFUSED_BY_CONSIGNEE', severity: 'HIGH', owner: 'CONSIGNEE', source: { codeSet: 'X12_214', element: 'STATUS', code: 'A7' } });
  });

  it('when the reason code (1651) names an exception, then the contracts taxonomy classifies it, whatever the status', () => {
    expect(mapScanCodes('X12_214', 'SD', 'AF').exception).toEqual({ type: 'CARRIER_DELAY', severity: 'HIGH', owner: 'CARRIER', source: { codeSet: 'X12_214', element: 'REASON', code: 'AF' } });
    expect(mapScanCodes('X12_214', 'AH', 'A2').exception).toEqual({ type: 'ADDRESS_PROBLEM', severity: 'HIGH', owner: 'SHIPPER', source: { codeSet: 'X12_214', element: 'REASON', code: 'A2' } });
    const inTransitDelayedByWeather = mapScanCodes('X12_214', 'X6', 'AO');
    expect(inTransitDelayedByWeather.milestone).toBe('IN_TRANSIT');
    expect(inTransitDelayedByWeather.exception?.type).toBe('WEATHER_OR_DISASTER');
    expect(inTransitDelayedByWeather.reasonDescription).toBe('Weather or Natural Disaster Related');
  });

  it('when nothing is wrong, then there is no exception', () => {
    expect(mapScanCodes('X12_214', 'X6', 'NS').exception).toBeNull();
    expect(mapScanCodes('X12_214', 'D1').exception).toBeNull();
  });

  it('when the status code is unknown, then the milestone is UNKNOWN with the raw code listed, never a guess', () => {
    const mapping = mapScanCodes('X12_214', 'ZZ', 'NS');
    expect(mapping.milestone).toBe('UNKNOWN');
    expect(mapping.unmapped).toEqual([{ element: 'STATUS', code: 'ZZ' }]);
    expect(mapping.exception).toBeNull();
  });

  it('when the reason code is unknown, then it is listed and the exception is the status own, else UNKNOWN', () => {
    const damaged = mapScanCodes('X12_214', 'A9', 'Q7');
    expect(damaged.unmapped).toEqual([{ element: 'REASON', code: 'Q7' }]);
    expect(damaged.exception?.type).toBe('DAMAGED');
    const inTransit = mapScanCodes('X12_214', 'X6', 'Q7');
    expect(inTransit.exception).toEqual({ type: 'UNKNOWN', severity: 'UNKNOWN', owner: 'UNKNOWN', source: { codeSet: 'X12_214', element: 'REASON', code: 'Q7' } });
  });

  it('when codes come in lower case or padded, then they are read as the same codes', () => {
    const mapping = mapScanCodes(' x12_214 ', ' d1 ', ' ns');
    expect(mapping).toMatchObject({ codeSet: 'X12_214', statusCode: 'D1', reasonCode: 'NS', milestone: 'DELIVERED' });
  });

  it('when the code set is unknown, then every code is unmapped and no version is recorded', () => {
    const mapping = mapScanCodes('ACME_EDI', 'D1');
    expect(mapping).toMatchObject({ codeSet: 'ACME_EDI', codeSetVersion: null, milestone: 'UNKNOWN', unmapped: [{ element: 'STATUS', code: 'D1' }] });
  });
});
