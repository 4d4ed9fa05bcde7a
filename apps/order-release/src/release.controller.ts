import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, UseGuards } from '@nestjs/common';
import type { EventStore } from '@lading/event-store';
import { EVENT_STORE } from '@lading/service-kit';
import { Tenant, TenantGuard } from '@lading/tenancy';
import { releaseStatusOf, type ReleaseStatusView } from './release-status.query';

const ORDER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

@Controller('v1/orders')
@UseGuards(TenantGuard)
export class ReleaseController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The release state of one order of the caller's tenant, with every hold reason. */
  @Get(':orderId/release')
  async release(@Tenant() tenantId: string, @Param('orderId') orderId: string): Promise<ReleaseStatusView> {
    if (!ORDER_ID.test(orderId)) throw new BadRequestException({ field: 'orderId', message: 'orderId must be 1-128 characters of A-Z a-z 0-9 . _ : @ -' });
    const view = await releaseStatusOf(this.store, tenantId, orderId);
    if (!view) throw new NotFoundException({ field: 'orderId', message: `no order ${orderId} for this tenant` });
    return view;
  }
}
