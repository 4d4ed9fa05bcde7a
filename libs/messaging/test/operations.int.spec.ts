import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OperationsModule } from '../src';
import { waitUntil } from '@lading/testing';
import { startScanService, type ScanService } from './scan-service';
import { topicFixture, type TopicFixture } from './harness';

jest.setTimeout(60_000);

describe('operations endpoints', () => {
  let fixture: TopicFixture;
  let service: ScanService | undefined;
  let http: INestApplication | undefined;

  afterEach(async () => {
    await http?.close();
    await service?.close().catch(() => undefined);
    await fixture?.close();
  });

  it('serves /metrics from the app registry, /health, and /ready while joined', async () => {
    fixture = await topicFixture(2);
    const handled: string[] = [];
    service = await startScanService({ kafka: fixture.kafka, serde: fixture.serde, groupId: fixture.groupId, topics: [fixture.topic], handle: (s) => void handled.push(s.meta.eventId) });
    const transport = service.transport;
    http = await NestFactory.create(OperationsModule.forRoot({ registry: service.metrics.registry, readiness: [{ name: 'kafka', isReady: () => transport.isReady() }] }), { logger: false });
    await http.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(http.getHttpServer().address() as AddressInfo).port}`;

    await fixture.publishScans(10);
    await waitUntil('handled', () => handled.length === 10);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`lading_messages_consumed_total\\{topic="${fixture.topic}",record_type="com.lading.test.v1.ShipmentScanned"\\} 10`));
    for (const name of ['lading_handler_duration_seconds_bucket', 'lading_consumer_batch_size_bucket', 'lading_consumer_lag', 'lading_consumer_rebalances_total', 'lading_messages_in_flight']) {
      expect(metrics).toContain(name);
    }
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: [{ name: 'kafka', ready: true }] });

    await service.close();
    service = undefined;
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});
