export * from './registry-serde';
export * from './shipment-scanned';
export * from './topics';
