import { isConnectionLost, isOutage, NonRetriableError, OutageError, RetriableError } from './index';

describe('an outage is not poison', () => {
  it.each([
    ['our own OutageError', new OutageError('database unavailable')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['PostgreSQL shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a statement timeout (57014)', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
    ['node-postgres losing the connection', new Error('Connection terminated unexpectedly')],
    ['node-postgres query timeout', new Error('Query read timeout')],
    ['min.insync.replicas not met', Object.assign(new Error('Messages are rejected since there are fewer in-sync replicas than required'), { name: 'KafkaJSProtocolError', type: 'NOT_ENOUGH_REPLICAS' })],
    ['a missing dead-letter topic', Object.assign(new Error('This server does not host this topic-partition'), { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' })],
    ['kafkajs giving up after retries on a connection error', Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', cause: Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' }) })],
    ['an unreachable schema registry', Object.assign(new RetriableError('registry unreachable', 'REGISTRY_UNAVAILABLE'))],
    ['a transaction rolled back because its connection failed', new NonRetriableError('transaction must be rolled back', 'TRANSACTION_ABORTED', { cause: Object.assign(new Error('x'), { code: '08006' }) })],
  ])('given %s, then it is an outage', (_what, error) => {
    expect(isOutage(error)).toBe(true);
  });

  it.each([
    ['a handler bug', new TypeError("Cannot read properties of undefined (reading 'lines')")],
    ['bad data', new NonRetriableError('scan for an unknown shipment', 'UNKNOWN_SHIPMENT')],
    ['a unique violation', Object.assign(new Error('duplicate key value'), { code: '23505' })],
    ['a stream conflict', new RetriableError('append conflict', 'STREAM_CONFLICT')],
    ['nothing', undefined],
  ])('given %s, then it is not', (_what, error) => {
    expect(isOutage(error)).toBe(false);
  });
});

describe('isConnectionLost', () => {
  it.each([
    ['a client-side query timeout (a hung server)', new Error('Query read timeout')],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    ['a reset socket', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['an admin shutdown', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
  ])('given %s, then the connection is not reused', (_, error) => {
    expect(isConnectionLost(error)).toBe(true);
  });

  it.each([
    ['a statement timeout (the server answered)', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
  ])('given %s, then the connection can be rolled back and reused', (_, error) => {
    expect(isConnectionLost(error)).toBe(false);
  });
});
