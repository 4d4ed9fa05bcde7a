import { DynamicModule, Module } from '@nestjs/common';
import type { EventStore } from '@lading/event-store';
import { OperationsModule, type ReadinessCheck } from '@lading/messaging';
import { TENANT_API_KEYS, TenantGuard, type TenantApiKeys } from '@lading/tenancy';
import type { Registry } from 'prom-client';
import { ReleaseConsumer } from './release.consumer';
import { EVENT_STORE, ReleaseController } from './release.controller';

export interface OrderReleaseModuleOptions {
  store: EventStore;
  apiKeys: TenantApiKeys;
  registry: Registry;
  readiness: ReadinessCheck[];
}

/** Composition only: the workflow, the store and the transports are built in main.ts (the workflow reaches the consumer through its unit of work). */
@Module({})
export class OrderReleaseModule {
  static register(options: OrderReleaseModuleOptions): DynamicModule {
    return {
      module: OrderReleaseModule,
      imports: [OperationsModule.forRoot({ registry: options.registry, readiness: options.readiness })],
      controllers: [ReleaseConsumer, ReleaseController],
      providers: [
        { provide: EVENT_STORE, useValue: options.store },
        { provide: TENANT_API_KEYS, useValue: options.apiKeys },
        TenantGuard,
      ],
    };
  }
}
