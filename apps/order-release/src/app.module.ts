import { DynamicModule, Module } from '@nestjs/common';
import type { EventStore } from '@lading/event-store';
import { OperationsModule, type ReadinessCheck } from '@lading/messaging';
import { TENANT_API_KEYS, TenantGuard, type TenantApiKeys } from '@lading/tenancy';
import type { Registry } from 'prom-client';
import { CLOCK, RELEASE_ORDERS, ReleaseConsumer } from './release.consumer';
import { EVENT_STORE, ReleaseController } from './release.controller';
import type { ReleaseOrders } from './release-orders';

export interface OrderReleaseModuleOptions {
  store: EventStore;
  releaseOrders: ReleaseOrders;
  apiKeys: TenantApiKeys;
  registry: Registry;
  readiness: ReadinessCheck[];
  now: () => Date;
}

/** Composition only: the workflow, the store and the transports are built in main.ts. */
@Module({})
export class OrderReleaseModule {
  static register(options: OrderReleaseModuleOptions): DynamicModule {
    return {
      module: OrderReleaseModule,
      imports: [OperationsModule.forRoot({ registry: options.registry, readiness: options.readiness })],
      controllers: [ReleaseConsumer, ReleaseController],
      providers: [
        { provide: RELEASE_ORDERS, useValue: options.releaseOrders },
        { provide: EVENT_STORE, useValue: options.store },
        { provide: TENANT_API_KEYS, useValue: options.apiKeys },
        { provide: CLOCK, useValue: options.now },
        TenantGuard,
      ],
    };
  }
}
