import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ErpCreditV1Record, ErpOrdersV1Record, WmsFulfilmentV1Record, WmsInventoryV1Record, WmsSitesV1Record } from '@lading/contracts';
import type { TransactionalUnitOfWork } from '@lading/event-store';
import { MessageController, type MessageContext } from '@lading/messaging';
import type { ReleaseOrders } from './release-orders';

export const RELEASE_ORDERS = Symbol('RELEASE_ORDERS');
export const CLOCK = Symbol('CLOCK');

/**
 * Kafka → the order-release workflow. Every handler runs inside the transport's unit of work
 * (one PostgreSQL transaction, possibly shared with the next messages of the same partition);
 * the offset is resolved only after it commits.
 */
// MessageController keeps errors typed, so retriable vs dead letter is decided by their kind.
@MessageController()
export class ReleaseConsumer {
  constructor(
    @Inject(RELEASE_ORDERS) private readonly release: ReleaseOrders,
    @Inject(CLOCK) private readonly now: () => Date,
  ) {}

  @EventPattern('lading.erp.OrderPlaced')
  orderPlaced(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    return this.erpOrder(value, ctx);
  }

  @EventPattern('lading.erp.OrderAmended')
  orderAmended(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    return this.erpOrder(value, ctx);
  }

  @EventPattern('lading.erp.OrderCancelled')
  orderCancelled(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    return this.erpOrder(value, ctx);
  }

  @EventPattern('lading.erp.CreditHoldPlaced')
  creditHoldPlaced(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    return this.releaseFact(value, ctx);
  }

  @EventPattern('lading.erp.CreditHoldReleased')
  creditHoldReleased(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    return this.releaseFact(value, ctx);
  }

  @EventPattern('lading.wms.InventoryLevelChanged')
  inventoryLevelChanged(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    return this.releaseFact(value, ctx);
  }

  @EventPattern('lading.wms.WarehouseStatusChanged')
  warehouseStatusChanged(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    return this.releaseFact(value, ctx);
  }

  @EventPattern('lading.wms.WarehouseOrderAccepted')
  warehouseOrderAccepted(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    return this.release.onWarehouseProgress(this.tx(ctx), { recordType: ctx.recordType, value } as WmsFulfilmentV1Record);
  }

  private erpOrder(value: unknown, ctx: MessageContext) {
    return this.release.onErpOrder(this.tx(ctx), { recordType: ctx.recordType, value } as ErpOrdersV1Record, ctx.traceparent, this.now());
  }

  private releaseFact(value: unknown, ctx: MessageContext) {
    const record = { recordType: ctx.recordType, value } as ErpCreditV1Record | WmsInventoryV1Record | WmsSitesV1Record;
    return this.release.onReleaseFact(this.tx(ctx), record, ctx.traceparent, this.now());
  }

  private tx(ctx: MessageContext) {
    return ctx.unitOfWorkAs<TransactionalUnitOfWork>().tx;
  }
}
