import { createWorld, siteDirectoryOf, type SimulatedWorld } from '@lading/simulator-core';
import type { SimulatorConfig } from './config';

/** The world a configuration simulates: tenants, catalogues, customers and sites. */
export function worldOf(config: SimulatorConfig): SimulatedWorld {
  return createWorld({
    seed: config.seed,
    tenants: config.tenants,
    tenantIdPrefix: config.tenantPrefix,
    siteOperator: config.siteOperator,
    capacityScale: config.capacityScale,
    roundTheClock: config.roundTheClock,
  });
}

/**
 * `LADING_SITES` for the services that run against this simulator: every site, its operator
 * (`<tenant prefix><site operator>`, whose status reports they must accept) and every simulated
 * tenant as served. Tenant ids, sites and the operator do not depend on the seed, so a launcher
 * may compute it from the same settings (`loadConfig`) before the simulator starts.
 */
export function ladingSitesFor(config: SimulatorConfig): string {
  return JSON.stringify(siteDirectoryOf(worldOf(config)));
}
