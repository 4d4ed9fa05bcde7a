export * from './wait';
export * from './kafka';
export * from './postgres';
export * from './fake-admin';
