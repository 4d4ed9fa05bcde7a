import type { MigrationInterface, QueryRunner } from 'typeorm';
import { releaseTablesOf } from '../schema';

/**
 * The read models order-release decides from. Built per schema (a class per call) because the
 * schema name is configuration: production uses `order_release`, tests one each.
 */
export function orderReleaseReadModelsMigration(schema: string): new () => MigrationInterface {
  const t = releaseTablesOf(schema);
  return class OrderReleaseReadModels1764400000000 implements MigrationInterface {
    name = 'OrderReleaseReadModels1764400000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`create schema if not exists ${t.schema}`);
      // One row per credit hold, placed or released: a release that overtakes its placement
      // must still win, so the row remembers the newest event (as_of) rather than disappearing.
      await queryRunner.query(`
        create table ${t.creditHolds} (
          tenant_id text not null,
          customer_id text not null,
          hold_id text not null,
          order_id text,
          in_force boolean not null,
          reason text,
          as_of timestamptz not null,
          primary key (tenant_id, customer_id, hold_id)
        )`);
      await queryRunner.query(`create index credit_holds_in_force on ${t.creditHolds} (tenant_id, customer_id, order_id) where in_force`);
      // Absolute levels from the WMS; as_of is the occurredAt of the level applied, and an older
      // level never overwrites a newer one. These rows are what concurrent deciders lock.
      await queryRunner.query(`
        create table ${t.stockLevels} (
          tenant_id text not null,
          site_id text not null,
          sku text not null,
          on_hand numeric not null,
          allocated numeric not null,
          unit_of_measure text not null,
          change_reason text,
          as_of timestamptz not null,
          primary key (tenant_id, site_id, sku)
        )`);
      await queryRunner.query(`
        create table ${t.siteReadiness} (
          site_id text primary key,
          tenant_id text not null,
          status text not null,
          time_zone text not null,
          opens_at text not null,
          cut_off text not null,
          daily_capacity integer not null,
          orders_accepted_today integer not null,
          as_of timestamptz not null
        )`);
      // Counted by order-release itself (the WMS's own count lags): one row per site and
      // operating day, locked by deciders so two instances cannot both take the last slot.
      await queryRunner.query(`
        create table ${t.siteDayReleases} (
          site_id text not null,
          operating_day date not null,
          released_orders integer not null default 0,
          primary key (site_id, operating_day)
        )`);
      // What order-release took out of availability. handed_over_at is the WMS's occurredAt of
      // WarehouseOrderAccepted: from a stock level as of then on, the WMS's allocated includes it.
      await queryRunner.query(`
        create table ${t.reservations} (
          warehouse_order_id text not null,
          sku text not null,
          tenant_id text not null,
          order_id text not null,
          site_id text not null,
          quantity numeric not null check (quantity > 0),
          unit_of_measure text not null,
          reserved_at timestamptz not null,
          handed_over_at timestamptz,
          primary key (warehouse_order_id, sku)
        )`);
      await queryRunner.query(`create index reservations_by_stock on ${t.reservations} (tenant_id, site_id, sku)`);
      await queryRunner.query(`create index reservations_by_order on ${t.reservations} (order_id)`);
      // The queue of held orders (and backordered rests), one row per order: @lading/order-release-domain's HeldOrder.
      await queryRunner.query(`
        create table ${t.heldOrders} (
          order_id text primary key,
          tenant_id text not null,
          customer_id text not null,
          site_id text not null,
          queued_since timestamptz not null,
          reasons text[] not null,
          waiting_for jsonb not null,
          backorder boolean not null,
          held_at timestamptz not null
        )`);
      await queryRunner.query(`create index held_orders_by_site on ${t.heldOrders} (site_id, queued_since, order_id)`);
      await queryRunner.query(`create index held_orders_by_customer on ${t.heldOrders} (tenant_id, customer_id)`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const table of [t.heldOrders, t.reservations, t.siteDayReleases, t.siteReadiness, t.stockLevels, t.creditHolds]) {
        await queryRunner.query(`drop table if exists ${table}`);
      }
    }
  };
}
