import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { OperationsModule, type ReadinessCheck } from '@lading/messaging';
import { TENANT_API_KEYS, TenantGuard, type TenantApiKeys } from '@lading/tenancy';
import type { Registry } from 'prom-client';

/** Nest tokens of what the kit provides to a service's controllers. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_SETTINGS = Symbol('SERVICE_SETTINGS');
export const WORKFLOW_RUNTIME = Symbol('WORKFLOW_RUNTIME');

export interface ServiceHttpOptions {
  registry: Registry;
  readiness: readonly ReadinessCheck[];
  apiKeys: TenantApiKeys;
  controllers: readonly Type[];
  providers: readonly Provider[];
}

/** Composition only: /health, /ready, /metrics, the tenant guard, the service's controllers. */
@Module({})
export class ServiceHttpModule {
  static register(options: ServiceHttpOptions): DynamicModule {
    return {
      module: ServiceHttpModule,
      imports: [OperationsModule.forRoot({ registry: options.registry, readiness: [...options.readiness] })],
      controllers: [...options.controllers],
      providers: [{ provide: TENANT_API_KEYS, useValue: options.apiKeys }, TenantGuard, ...options.providers],
    };
  }
}
