import { createJsonLogger } from './index';

describe('createJsonLogger', () => {
  it('given a warn threshold, writes warn and error lines only, as one JSON object per line with the bindings', () => {
    const lines: string[] = [];
    const log = createJsonLogger({ level: 'warn', bindings: { service: 'order-release' }, write: (l) => lines.push(l) });
    log.info('not written');
    log.warn('order held', { orderId: 'SO-1' });
    log.child({ correlationId: 'c-1' }).error('failed', { error: new Error('boom') });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: 'warn', service: 'order-release', message: 'order held', orderId: 'SO-1' }),
      expect.objectContaining({ level: 'error', service: 'order-release', correlationId: 'c-1', error: expect.objectContaining({ name: 'Error', message: 'boom' }) }),
    ]);
    expect(log.enabled('info')).toBe(false);
    expect(log.enabled('error')).toBe(true);
  });
});
