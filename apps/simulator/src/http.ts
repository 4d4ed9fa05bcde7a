import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';
import type { SimulatedWms } from './wms';

export interface SimulatorHttpServer {
  /** The bound port (the configured one, or the one picked for port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * /health (the process is up), /ready (everything configured has started), /metrics, and the
 * WMS's own view for checking an end-to-end run: GET /wms/orders and /wms/stock, both
 * filterable by ?tenantId=.
 */
export async function startHttpServer(options: { port: number; registry: Registry; ready: () => boolean; wms: () => SimulatedWms | undefined; logger: Logger }): Promise<SimulatorHttpServer> {
  const { registry, ready, wms, logger } = options;
  const json = (status: number, body: unknown) => ({ status, type: 'application/json', body: JSON.stringify(body) });
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const tenantId = url.searchParams.get('tenantId') ?? undefined;
    const reply = async () => {
      if (request.method !== 'GET') return json(405, { error: 'method not allowed' });
      switch (url.pathname) {
        case '/health':
          return json(200, { status: 'ok' });
        case '/ready':
          return ready() ? json(200, { status: 'ready' }) : json(503, { status: 'starting' });
        case '/metrics':
          return { status: 200, type: registry.contentType, body: await registry.metrics() };
        case '/wms/orders':
        case '/wms/stock': {
          const simulated = wms();
          if (!simulated) return json(404, { error: 'the WMS is not simulated here (SIMULATOR_SYSTEMS)' });
          return json(200, url.pathname === '/wms/orders' ? simulated.warehouseOrders(tenantId) : simulated.stock(tenantId));
        }
        default:
          return json(404, { error: `no route ${url.pathname}` });
      }
    };
    reply().then(
      ({ status, type, body }) => response.writeHead(status, { 'content-type': type }).end(body),
      (error: unknown) => {
        logger.error('http request failed', { path: url.pathname, error });
        response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'internal error' }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
