export const PARTITIONS = 12;

export const databaseUrl = () => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lading';
export const brokers = () => (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const registryUrl = () => process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round = (n: number, digits = 0) => Number(n.toFixed(digits));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
