import type { OrderHeld } from '@lading/order-release-domain';
import { setting, runService, type ServiceDefinition } from '@lading/service-kit';
import { outgoingRecordsFor, PUBLISHED_ORDER_RELEASE_EVENTS, creditFactInputs, erpOrderInputs, inventoryFactInputs, siteFactInputs, warehouseProgressInputs } from './order-release.mapper';
import { orderReleaseMigrations } from './release-context';
import { ReleaseController } from './release.controller';
import { heldOrderSweep, releaseFacts, releaseWorkflow } from './release-workflow';

export interface OrderReleaseSettings {
  /** How often the held orders a reason may have cleared for are looked at again (anti-entropy), seconds. */
  sweepSeconds: number;
}

/**
 * order-release (DESIGN §4.1): releases an ERP order to its warehouse when credit, lines,
 * address, stock, the site's window and capacity allow, else holds it with every reason, and
 * decides held orders again when what they wait for changes. The kit does the rest (DESIGN §8).
 */
/** Namespace of the v5 ids of order-release's published records (fixed: ids must not change across releases). */
export const ORDER_RELEASE_EVENT_ID_NAMESPACE = '4dd9fff7-a78b-4eab-aed0-514843cdd881';

export const orderReleaseService: ServiceDefinition<OrderReleaseSettings> = {
  name: 'order-release',
  httpPort: 3101,
  sourceSystem: 'ORDER_RELEASE',
  eventIdNamespace: ORDER_RELEASE_EVENT_ID_NAMESPACE,
  settings: (env) => ({ sweepSeconds: setting.integer(env, 'ORDER_RELEASE_SWEEP_SECONDS', 60, 1, 86_400) }),
  build: ({ config, settings, naming }) => ({
    migrations: orderReleaseMigrations(config.readModelSchema),
    workflows: [releaseWorkflow(config.readModelSchema, config.sites)],
    facts: releaseFacts(config.readModelSchema),
    handlers: {
      'erp.orders.v1': erpOrderInputs,
      'erp.credit.v1': creditFactInputs,
      'wms.inventory.v1': inventoryFactInputs, // deprecated: read while adapters move to v2
      'wms.inventory.v2': inventoryFactInputs,
      'wms.sites.v1': (record, inbound) => siteFactInputs(record, inbound, config.sites),
      'wms.fulfilment.v1': warehouseProgressInputs,
    },
    publish: { eventTypes: PUBLISHED_ORDER_RELEASE_EVENTS, recordsFor: (stored) => outgoingRecordsFor(naming, stored as never) },
    sweeps: [heldOrderSweep(config.readModelSchema, config.sites, settings.sweepSeconds * 1000)],
    // the hold reasons of each OrderHeld, as lading_decision_details_total{detail}
    decisionDetails: (event) => (event.type === 'OrderHeld' ? (event as OrderHeld).data.reasons.map((r) => r.code) : []),
    http: { controllers: [ReleaseController] },
  }),
};

if (require.main === module) runService(orderReleaseService);
