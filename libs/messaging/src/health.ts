import { Controller, Get, Header, HttpStatus, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import type { Registry } from 'prom-client';

/** Something whose readiness `/ready` reports, e.g. a KafkaTransport (`isReady()`). */
export interface ReadinessCheck {
  name: string;
  isReady(): boolean;
  /** What an operator needs to know when it is not ready (e.g. which partitions are paused for an outage, since when). */
  detail?(): unknown;
}

export interface OperationsModuleOptions {
  registry: Registry;
  readiness: ReadinessCheck[];
}

export const OPERATIONS_OPTIONS = Symbol('OPERATIONS_OPTIONS');

// The slice of express's Response used here (platform-express is the HTTP adapter).
interface Reply {
  status(code: number): Reply;
  type(contentType: string): Reply;
  json(body: unknown): void;
  send(body: string): void;
}

/** `/metrics` (Prometheus text), `/health` (the process is alive), `/ready` (connected and joined). */
@Controller()
export class OperationsController {
  constructor(@Inject(OPERATIONS_OPTIONS) private readonly options: OperationsModuleOptions) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() res: Reply): Promise<void> {
    res.type(this.options.registry.contentType).send(await this.options.registry.metrics());
  }

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  ready(@Res() res: Reply): void {
    const checks = this.options.readiness.map((c) => {
      const ready = c.isReady();
      const detail = ready ? undefined : c.detail?.();
      return detail === undefined ? { name: c.name, ready } : { name: c.name, ready, detail };
    });
    const ready = checks.every((c) => c.ready);
    res.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({ status: ready ? 'ready' : 'not-ready', checks });
  }
}

/**
 * Operations endpoints for any Lading app: `imports: [OperationsModule.forRoot({ registry,
 * readiness: [transport] })]`. The registry is the app's own, shared with the transport's
 * and producer's metrics.
 */
@Module({})
export class OperationsModule {
  static forRoot(options: OperationsModuleOptions): DynamicModule {
    return {
      module: OperationsModule,
      controllers: [OperationsController],
      providers: [{ provide: OPERATIONS_OPTIONS, useValue: options }],
    };
  }
}
