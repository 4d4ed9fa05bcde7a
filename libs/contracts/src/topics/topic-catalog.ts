import type { RecordTypeName } from '../generated/types';

/** The services and external systems that produce or consume Lading topics. */
export type LadingParty =
  | 'order-release'
  | 'shipment-planning'
  | 'visibility'
  | 'returns'
  | 'analytics'
  | 'erp'
  | 'wms'
  | 'tms'
  | 'crm';

/**
 * One Kafka topic of the Lading bus. Topics are created from this catalog (never by broker
 * auto-create), and the serde refuses record types a topic does not list.
 */
export interface TopicSpec {
  name: string;
  /**
   * Dotted path into the value whose text is the message key, e.g. `orderId`. A composite
   * key joins several paths with `@` (`sku@siteId` → `A-100@DC-1`).
   */
  keyField: string;
  /** What the key is, in domain words. */
  keyDescription: string;
  /** Default 12. Never lowered or raised automatically: that would move keys between partitions. */
  partitions: number;
  cleanupPolicy: 'delete' | 'compact';
  /** -1 keeps messages forever (compacted state topics). */
  retentionMs: number;
  /** Avro full names of the records allowed on the topic. */
  recordTypes: readonly string[];
  /** The service or system that owns the topic and produces most of it. */
  producedBy: string;
  /** Other services that produce some of its record types (command topics have several writers). */
  alsoProducedBy: readonly string[];
  consumedBy: readonly string[];
  /**
   * The topic that replaces this one (a key or partitioning change is a new topic version, never
   * an edit): still created and read during the migration, no longer produced to by Lading.
   */
  deprecatedBy?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const FACT_RETENTION_MS = 30 * DAY_MS;
const COMMAND_RETENTION_MS = 7 * DAY_MS;

function topic(spec: {
  name: string;
  keyField: string;
  keyDescription: string;
  recordTypes: readonly RecordTypeName[];
  producedBy: LadingParty;
  alsoProducedBy?: readonly LadingParty[];
  consumedBy: readonly LadingParty[];
  cleanupPolicy?: 'delete' | 'compact';
  retentionMs?: number;
  partitions?: number;
  deprecatedBy?: string;
}): TopicSpec {
  const cleanupPolicy = spec.cleanupPolicy ?? 'delete';
  return {
    name: spec.name,
    keyField: spec.keyField,
    keyDescription: spec.keyDescription,
    partitions: spec.partitions ?? 12,
    cleanupPolicy,
    retentionMs: spec.retentionMs ?? (cleanupPolicy === 'compact' ? -1 : FACT_RETENTION_MS),
    recordTypes: spec.recordTypes,
    producedBy: spec.producedBy,
    alsoProducedBy: spec.alsoProducedBy ?? [],
    consumedBy: spec.consumedBy,
    ...(spec.deprecatedBy ? { deprecatedBy: spec.deprecatedBy } : {}),
  };
}

/**
 * Every topic of the Lading bus. Each is keyed by its business key so one partition owns one
 * key's ordering; several record types share a topic (TopicRecordNameStrategy subjects) exactly
 * when their relative order per key matters, e.g. OrderPlaced before OrderCancelled.
 * Command topics are keyed by the order they serve, so a system never sees a cancel overtake
 * the release it cancels.
 */
export const topicCatalog: readonly TopicSpec[] = [
  topic({
    name: 'erp.orders.v1',
    keyField: 'orderId',
    keyDescription: 'ERP order id',
    recordTypes: ['lading.erp.OrderPlaced', 'lading.erp.OrderAmended', 'lading.erp.OrderCancelled'],
    producedBy: 'erp',
    consumedBy: ['order-release', 'visibility', 'returns', 'analytics'],
  }),
  topic({
    name: 'erp.credit.v1',
    keyField: 'customerId',
    keyDescription: 'ERP customer (sold-to account) id',
    recordTypes: ['lading.erp.CreditHoldPlaced', 'lading.erp.CreditHoldReleased'],
    producedBy: 'erp',
    consumedBy: ['order-release', 'analytics'],
  }),
  topic({
    name: 'wms.inventory.v1',
    keyField: 'sku@siteId',
    keyDescription: 'sku@site, e.g. A-100@DC-1 — no tenant: compaction deletes one tenant\'s level in favour of another\'s',
    recordTypes: ['lading.wms.InventoryLevelChanged'],
    producedBy: 'wms',
    // still read while adapters move to v2 (values carry their tenant; only compaction is unsafe)
    consumedBy: ['order-release', 'analytics'],
    cleanupPolicy: 'compact',
    deprecatedBy: 'wms.inventory.v2',
  }),
  topic({
    name: 'wms.inventory.v2',
    keyField: 'meta.tenantId@sku@siteId',
    keyDescription: 'tenant@sku@site, e.g. acme@A-100@DC-1 (two tenants stock the same SKU at one shared site)',
    recordTypes: ['lading.wms.InventoryLevelChanged'],
    producedBy: 'wms',
    consumedBy: ['order-release', 'analytics'],
    // absolute levels: the latest per tenant, sku and site is the state, older ones may be compacted away
    cleanupPolicy: 'compact',
  }),
  topic({
    name: 'wms.sites.v1',
    keyField: 'siteId',
    // A site is a physical resource shared by the tenants it serves and owned by its operator:
    // one status per site, whoever reported it (see SiteDirectory) — not tenant data.
    keyDescription: 'warehouse site id (a site is shared by tenants: one status per site)',
    recordTypes: ['lading.wms.WarehouseStatusChanged'],
    producedBy: 'wms',
    consumedBy: ['order-release', 'analytics'],
    cleanupPolicy: 'compact',
  }),
  topic({
    name: 'wms.fulfilment.v1',
    keyField: 'orderId',
    keyDescription: 'ERP order id',
    recordTypes: ['lading.wms.WarehouseOrderAccepted', 'lading.wms.WarehouseOrderCancelled', 'lading.wms.OrderPicked', 'lading.wms.OrderPacked', 'lading.wms.OrderShipped'],
    producedBy: 'wms',
    consumedBy: ['order-release', 'shipment-planning', 'visibility', 'analytics'],
  }),
  topic({
    name: 'wms.returns.v1',
    keyField: 'rmaId',
    keyDescription: 'return (RMA) id',
    recordTypes: ['lading.wms.ReturnReceived', 'lading.wms.ReturnInspected'],
    producedBy: 'wms',
    consumedBy: ['returns', 'analytics'],
  }),
  topic({
    name: 'tms.bookings.v1',
    keyField: 'shipmentId',
    keyDescription: 'Lading shipment id',
    recordTypes: ['lading.tms.CarrierBooked', 'lading.tms.BookingRejected'],
    producedBy: 'tms',
    consumedBy: ['shipment-planning', 'analytics'],
  }),
  topic({
    name: 'tms.tracking.v1',
    keyField: 'shipmentId',
    keyDescription: 'Lading shipment id',
    recordTypes: ['lading.tms.CarrierTrackingEvent', 'lading.tms.ProofOfDelivery'],
    producedBy: 'tms',
    consumedBy: ['visibility', 'analytics'],
  }),
  topic({
    name: 'crm.returns.v1',
    keyField: 'rmaId',
    keyDescription: 'return (RMA) id',
    recordTypes: ['lading.crm.ReturnRequested'],
    producedBy: 'crm',
    consumedBy: ['returns', 'analytics'],
  }),
  topic({
    name: 'crm.cases.v1',
    keyField: 'caseId',
    keyDescription: 'CRM case id',
    recordTypes: ['lading.crm.CaseOpened'],
    producedBy: 'crm',
    consumedBy: ['visibility', 'analytics'],
  }),
  topic({
    name: 'orchestration.order-release.v1',
    keyField: 'orderId',
    keyDescription: 'ERP order id',
    recordTypes: ['lading.orchestration.OrderReleased', 'lading.orchestration.OrderHeld'],
    producedBy: 'order-release',
    consumedBy: ['visibility', 'analytics'],
  }),
  topic({
    name: 'orchestration.shipments.v1',
    keyField: 'shipmentId',
    keyDescription: 'Lading shipment id',
    recordTypes: ['lading.orchestration.ShipmentPlanned', 'lading.orchestration.ShipmentBooked', 'lading.orchestration.ShipmentCancelled'],
    producedBy: 'shipment-planning',
    consumedBy: ['visibility', 'analytics'],
  }),
  topic({
    name: 'orchestration.visibility.v1',
    keyField: 'shipmentId',
    keyDescription: 'Lading shipment id',
    recordTypes: [
      'lading.orchestration.MilestoneRecorded',
      'lading.orchestration.EtaUpdated',
      'lading.orchestration.DeliveryConfirmed',
    ],
    producedBy: 'visibility',
    consumedBy: ['returns', 'analytics', 'erp', 'crm'],
  }),
  topic({
    name: 'orchestration.exceptions.v1',
    keyField: 'exceptionId',
    keyDescription: 'exception id (raised, acknowledged and resolved stay in order)',
    recordTypes: [
      'lading.orchestration.ExceptionRaised',
      'lading.orchestration.ExceptionAcknowledged',
      'lading.orchestration.ExceptionResolved',
    ],
    producedBy: 'visibility',
    alsoProducedBy: ['shipment-planning', 'crm'],
    consumedBy: ['crm', 'returns', 'analytics'],
  }),
  topic({
    name: 'orchestration.returns.v1',
    keyField: 'rmaId',
    keyDescription: 'return (RMA) id',
    recordTypes: [
      'lading.orchestration.ReturnAuthorized',
      'lading.orchestration.ReturnRejected',
      'lading.orchestration.RefundRequested',
      'lading.orchestration.ClaimFiled',
    ],
    producedBy: 'returns',
    consumedBy: ['crm', 'analytics'],
  }),
  topic({
    name: 'orchestration.sla.v1',
    keyField: 'orderId',
    keyDescription: 'ERP order id',
    recordTypes: ['lading.orchestration.SlaBreached'],
    producedBy: 'analytics',
    consumedBy: ['visibility', 'crm'],
  }),
  topic({
    name: 'crm.notifications.v1',
    keyField: 'orderId',
    keyDescription: 'ERP order id',
    recordTypes: ['lading.orchestration.CustomerNotificationRequested'],
    producedBy: 'visibility',
    alsoProducedBy: ['returns'],
    consumedBy: ['crm', 'analytics'],
  }),
  topic({
    name: 'wms.commands.v1',
    keyField: 'orderId',
    keyDescription: 'ERP order id (returns too: ExpectReturn carries the original order id)',
    recordTypes: ['lading.commands.ReleaseOrderToWarehouse', 'lading.commands.CancelWarehouseOrder', 'lading.commands.ExpectReturn'],
    producedBy: 'order-release',
    alsoProducedBy: ['returns'],
    consumedBy: ['wms', 'analytics'],
    retentionMs: COMMAND_RETENTION_MS,
  }),
  topic({
    name: 'tms.commands.v1',
    keyField: 'orderId',
    keyDescription: 'ERP order id',
    recordTypes: ['lading.commands.BookCarrier', 'lading.commands.CancelCarrierBooking', 'lading.commands.CreateReturnLabel'],
    producedBy: 'shipment-planning',
    alsoProducedBy: ['returns'],
    consumedBy: ['tms', 'analytics'],
    retentionMs: COMMAND_RETENTION_MS,
  }),
  topic({
    name: 'erp.commands.v1',
    keyField: 'orderId',
    keyDescription: 'ERP order id',
    recordTypes: ['lading.commands.PostFreightCost', 'lading.commands.IssueCreditMemo'],
    producedBy: 'shipment-planning',
    alsoProducedBy: ['returns'],
    consumedBy: ['erp', 'analytics'],
    retentionMs: COMMAND_RETENTION_MS,
  }),
];

const byName = new Map(topicCatalog.map((t) => [t.name, t]));
// a record type is published on its current topic, never on one a newer version replaces
const byRecordType = new Map(topicCatalog.filter((t) => !t.deprecatedBy).flatMap((t) => t.recordTypes.map((r) => [r, t] as const)));

/** The spec of a catalog topic; throws on a topic the catalog does not know. */
export function topicSpec(topic: string): TopicSpec {
  const spec = byName.get(topic);
  if (!spec) throw new Error(`unknown topic '${topic}': not in the topic catalog`);
  return spec;
}

/** The one topic a record type (Avro full name) is published on; throws on an unknown type. */
export function topicForRecordType(recordType: string): TopicSpec {
  const spec = byRecordType.get(recordType);
  if (!spec) throw new Error(`unknown record type '${recordType}': no topic in the catalog carries it`);
  return spec;
}

/** Whether the catalog allows `recordType` on `topic` (false for unknown topics). */
export function isRecordTypeAllowed(topic: string, recordType: string): boolean {
  return byName.get(topic)?.recordTypes.includes(recordType) ?? false;
}

/**
 * The message key of `value` on `topic`, read from the topic's keyField. Throws when the key
 * is missing or empty: an unkeyed message would land on a random partition and lose its order.
 */
export function keyOf(topic: string, value: unknown): string {
  const spec = topicSpec(topic);
  return spec.keyField
    .split('@')
    .map((path) => {
      const part = path.split('.').reduce<unknown>((node, step) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[step] : undefined), value);
      if ((typeof part !== 'string' && typeof part !== 'number') || part === '') {
        throw new Error(`no key for topic '${topic}': value has no '${path}' (key field '${spec.keyField}')`);
      }
      return String(part);
    })
    .join('@');
}
