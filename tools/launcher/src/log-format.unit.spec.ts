import { readableLogLine } from './log-format';

describe('readableLogLine', () => {
  it('given a JSON log line, shows clock, level, message and the context fields', () => {
    const line = JSON.stringify({
      time: '2026-11-27T21:07:01.123Z',
      level: 'warn',
      msg: 'order held',
      service: 'order-release',
      orderId: 'SO-1',
      correlationId: 'c-1',
    });
    expect(readableLogLine('order-release', line, false)).toBe('[order-release] 21:07:01 WARN  order held orderId=SO-1 correlationId=c-1');
  });

  it('given a line that is not JSON, passes it through with the source label', () => {
    expect(readableLogLine('kafka', 'Exception in thread "main"', false)).toBe('[kafka] Exception in thread "main"');
  });
});
