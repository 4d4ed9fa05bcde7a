import { Controller, Get, Inject, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { foldEvents } from '@lading/decider';
import type { EventStore } from '@lading/event-store';
import { Tenant, TenantGuard } from '@lading/tenancy';
import { EVENT_STORE, streamIdOf } from '../../src';
import { orderAcknowledgement, type AcknowledgementEvent } from './order-acknowledgement';

/** The skeleton's HTTP API: the caller's tenant's acknowledgement of an order (another tenant's is 404). */
@Controller('v1/orders')
@UseGuards(TenantGuard)
export class AcknowledgementController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get(':orderId/acknowledgement')
  async acknowledgement(@Tenant() tenantId: string, @Param('orderId') orderId: string) {
    const events = await this.store.readStream<AcknowledgementEvent>(streamIdOf(tenantId, 'order-acknowledgement', orderId));
    if (events.length === 0) throw new NotFoundException({ field: 'orderId', message: `no order ${orderId} for this tenant` });
    return { orderId, ...foldEvents(orderAcknowledgement, events.map((e) => e.payload)) };
  }
}
