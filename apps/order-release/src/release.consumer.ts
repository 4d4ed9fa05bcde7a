import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ErpCreditV1Record, ErpOrdersV1Record, WmsFulfilmentV1Record, WmsInventoryV1Record, WmsSitesV1Record } from '@lading/contracts';
import { MessageController, type MessageContext } from '@lading/messaging';
import { releaseFactFrom, warehouseProgressFrom } from './order-release.mapper';
import { decisionInputFrom, type ReleaseInput } from './release-orders';
import type { GroupCommitUnit } from '@lading/event-store';

/**
 * Kafka → the order-release workflow. Handlers only hand their record to the transport's unit
 * of work (a group-committed unit, see main.ts): the records of the unit, and of every other
 * unit waiting, are decided together in one transaction when it commits; the offsets are
 * resolved only after that commit.
 */
// MessageController keeps errors typed, so retriable vs dead letter is decided by their kind.
@MessageController()
export class ReleaseConsumer {
  @EventPattern('lading.erp.OrderPlaced')
  orderPlaced(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    this.erpOrder(value, ctx);
  }

  @EventPattern('lading.erp.OrderAmended')
  orderAmended(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    this.erpOrder(value, ctx);
  }

  @EventPattern('lading.erp.OrderCancelled')
  orderCancelled(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    this.erpOrder(value, ctx);
  }

  @EventPattern('lading.erp.CreditHoldPlaced')
  creditHoldPlaced(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    this.releaseFact(value, ctx);
  }

  @EventPattern('lading.erp.CreditHoldReleased')
  creditHoldReleased(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    this.releaseFact(value, ctx);
  }

  @EventPattern('lading.wms.InventoryLevelChanged')
  inventoryLevelChanged(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    this.releaseFact(value, ctx);
  }

  @EventPattern('lading.wms.WarehouseStatusChanged')
  warehouseStatusChanged(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    this.releaseFact(value, ctx);
  }

  @EventPattern('lading.wms.WarehouseOrderAccepted')
  warehouseOrderAccepted(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    this.warehouseProgress(value, ctx);
  }

  @EventPattern('lading.wms.WarehouseOrderCancelled')
  warehouseOrderCancelled(@Payload() value: unknown, @Ctx() ctx: MessageContext) {
    this.warehouseProgress(value, ctx);
  }

  private warehouseProgress(value: unknown, ctx: MessageContext) {
    const record = { recordType: ctx.recordType, value } as WmsFulfilmentV1Record;
    warehouseProgressFrom(record);
    this.unit(ctx).add({ kind: 'warehouse-progress', record });
  }

  private erpOrder(value: unknown, ctx: MessageContext) {
    const record = { recordType: ctx.recordType, value } as ErpOrdersV1Record;
    decisionInputFrom(record, ctx.traceparent);
    this.unit(ctx).add({ kind: 'erp-order', record, traceparent: ctx.traceparent });
  }

  private releaseFact(value: unknown, ctx: MessageContext) {
    const record = { recordType: ctx.recordType, value } as ErpCreditV1Record | WmsInventoryV1Record | WmsSitesV1Record;
    releaseFactFrom(record);
    this.unit(ctx).add({ kind: 'fact', record, traceparent: ctx.traceparent });
  }

  // Each record is mapped in its handler (and mapped again when the unit commits: cheap and pure)
  // so that one that cannot be mapped fails its own handler, not the whole unit.
  private unit(ctx: MessageContext) {
    return ctx.unitOfWorkAs<GroupCommitUnit<ReleaseInput>>();
  }
}
