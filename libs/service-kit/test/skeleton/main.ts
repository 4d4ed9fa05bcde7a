import { runService, type ServiceDefinition } from '../../src';
import { AcknowledgementController } from './acknowledgement.controller';
import { orderAcknowledgement } from './order-acknowledgement';
import { acknowledgementInputs } from './order-acknowledgement.mapper';

/**
 * A whole service built from the kit alone (docs/service-kit.md): it consumes erp.orders.v1,
 * acknowledges each tenant's orders once, and answers GET /v1/orders/:orderId/acknowledgement.
 * Decode, tenant-scoped inbox, stream locks, fold, decide, append, group commit, offsets,
 * health, readiness, metrics, migrations, logging and SIGTERM are the kit's.
 */
export const orderAcknowledgementService: ServiceDefinition = {
  name: 'order-acknowledgement',
  httpPort: 3199,
  sourceSystem: 'UNKNOWN',
  eventIdNamespace: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
  topics: ['erp.orders.v1'],
  build: () => ({
    workflows: [{ streamType: 'order-acknowledgement', decider: orderAcknowledgement }],
    handlers: { 'erp.orders.v1': acknowledgementInputs },
    http: { controllers: [AcknowledgementController] },
  }),
};

if (require.main === module) runService(orderAcknowledgementService);
