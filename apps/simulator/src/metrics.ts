import { Counter, Gauge, Registry } from 'prom-client';

/** The simulator's metrics, on a registry of its own so two simulators in one process (tests) do not clash. */
export interface SimulatorMetrics {
  registry: Registry;
  factsPublished: Counter<'system' | 'record_type'>;
  commandsHandled: Counter<'record_type'>;
  commandsIgnored: Counter<'reason'>;
  unpublishableFacts: Counter<'fact_type'>;
  openWarehouseOrders: Gauge;
}

export function createSimulatorMetrics(): SimulatorMetrics {
  const registry = new Registry();
  return {
    registry,
    factsPublished: new Counter({ name: 'lading_simulator_facts_published_total', help: 'Facts the simulated ERP and WMS published, by record type', labelNames: ['system', 'record_type'], registers: [registry] }),
    commandsHandled: new Counter({ name: 'lading_simulator_commands_handled_total', help: 'Commands the simulated WMS took from wms.commands.v1, by record type', labelNames: ['record_type'], registers: [registry] }),
    commandsIgnored: new Counter({
      name: 'lading_simulator_commands_ignored_total',
      help: 'Commands the simulated WMS did not act on: another tenant, a redelivery, a warehouse order it already has, a cancel for an order or warehouse order it does not know, undecodable, not simulated',
      labelNames: ['reason'],
      registers: [registry],
    }),
    unpublishableFacts: new Counter({ name: 'lading_simulator_unpublishable_facts_total', help: 'WMS facts with no record type in the contracts (cancellation outcomes)', labelNames: ['fact_type'], registers: [registry] }),
    openWarehouseOrders: new Gauge({ name: 'lading_simulator_open_warehouse_orders', help: 'Warehouse orders received and not yet shipped, cancelled or found empty', registers: [registry] }),
  };
}
