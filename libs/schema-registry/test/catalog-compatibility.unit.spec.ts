import { topicCatalog, type TopicSpec } from '@lading/contracts';
import { catalogViolations, publishedTopicsOf } from '../src/catalog-compatibility';
import { generateAsyncApi } from '../src/codegen/asyncapi';
import { loadSchemaSet } from '../src/schema-set';
import { join } from 'node:path';

const current = () => publishedTopicsOf(generateAsyncApi(loadSchemaSet(join(__dirname, '..', '..', '..', 'schemas')), topicCatalog));

describe('topic catalog compatibility', () => {
  it('given the catalog against its own published form, then nothing breaks', () => {
    expect(catalogViolations(topicCatalog, [{ label: 'HEAD', topics: current() }])).toEqual([]);
  });

  it('given a topic whose key changes in place (sku@site → tenant@sku@site), then it is refused: a new key is a new topic version', () => {
    const rekeyed: TopicSpec[] = topicCatalog.map((t) => (t.name === 'wms.inventory.v1' ? { ...t, keyField: 'meta.tenantId@sku@siteId' } : t));
    expect(catalogViolations(rekeyed, [{ label: 'old', topics: current() }])).toEqual([
      expect.objectContaining({ topic: 'wms.inventory.v1', rule: 'KEY_CHANGED', detail: 'key sku@siteId → meta.tenantId@sku@siteId: a new key is a new topic version' }),
    ]);
  });

  it('given repartitioning, a new cleanup policy, a record type or a topic dropped, then each is refused', () => {
    const changed = topicCatalog
      .filter((t) => t.name !== 'crm.cases.v1')
      .map((t) => (t.name === 'erp.orders.v1' ? { ...t, partitions: 24, recordTypes: t.recordTypes.filter((r) => r !== 'lading.erp.OrderAmended') } : t.name === 'wms.sites.v1' ? { ...t, cleanupPolicy: 'delete' as const } : t));
    expect(catalogViolations(changed, [{ label: 'old', topics: current() }]).map((v) => `${v.topic}:${v.rule}`).sort()).toEqual([
      'crm.cases.v1:TOPIC_REMOVED',
      'erp.orders.v1:PARTITIONS_CHANGED',
      'erp.orders.v1:RECORD_TYPE_REMOVED',
      'wms.sites.v1:CLEANUP_POLICY_CHANGED',
    ]);
  });

  it('given an older published form without the key extension, then the key is read from its description', () => {
    const old = `channels:\n  x:\n    address: wms.inventory.v1\n    description: "Keyed by sku@site (value field \`sku@siteId\`)."\n    bindings:\n      kafka:\n        partitions: 12\n        topicConfiguration:\n          cleanup.policy: [compact]\n`;
    expect(publishedTopicsOf(old)).toEqual([{ name: 'wms.inventory.v1', keyField: 'sku@siteId', partitions: 12, cleanupPolicy: 'compact', recordTypes: [] }]);
  });
});
