import { metadataOf, parseStreamId, streamIdOf } from './inputs';

describe('tenant stream ids', () => {
  it('given two tenants with the same order number, then they are two streams, and each id names its tenant', () => {
    const a = streamIdOf('acme', 'order-release', 'SO-1');
    const b = streamIdOf('globex', 'order-release', 'SO-1');
    expect([a, b]).toEqual(['acme/order-release:SO-1', 'globex/order-release:SO-1']);
    expect(parseStreamId(a)).toEqual({ tenantId: 'acme', streamType: 'order-release', key: 'SO-1' });
    // keys may contain the separators themselves
    expect(parseStreamId(streamIdOf('acme', 'shipment', 'SH:1/2'))).toEqual({ tenantId: 'acme', streamType: 'shipment', key: 'SH:1/2' });
  });

  it('given a tenant id that could forge another stream id, then it is refused as poison (non-retriable)', () => {
    for (const tenantId of ['', 'acme/order-release:SO-1', 'a b', '../x']) {
      expect(() => streamIdOf(tenantId, 'order-release', 'SO-1')).toThrow(expect.objectContaining({ code: 'INVALID_TENANT', retriable: false }));
    }
    expect(() => streamIdOf('acme', 'order-release', '')).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });

  it('given a cause, then every appended event records its journey, its cause, its source clock and its trace', () => {
    expect(metadataOf({ eventId: 'e-1', correlationId: 'SO-1', occurredAt: Date.parse('2026-01-15T10:00:00Z'), traceparent: 't' })).toEqual({
      correlationId: 'SO-1',
      causationId: 'e-1',
      occurredAt: '2026-01-15T10:00:00.000Z',
      traceparent: 't',
    });
  });
});
