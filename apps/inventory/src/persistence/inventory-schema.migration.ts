import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Products with their stock, and the reservations checkouts hold on them. */
export class InventorySchema1763943500000 implements MigrationInterface {
  name = 'InventorySchema1763943500000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE products (
        id          uuid PRIMARY KEY,
        sku         text NOT NULL UNIQUE,
        name        text NOT NULL,
        description text,
        price       numeric(20, 2) NOT NULL CHECK (price > 0),
        currency    char(3) NOT NULL CHECK (currency IN ('CNY', 'USD', 'EUR')),
        -- Units available for sale; never negative, whatever the code does.
        stock       integer NOT NULL CHECK (stock >= 0),
        version     integer NOT NULL DEFAULT 1,
        created_at  timestamptz(3) NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX products_listing ON products (created_at DESC, id)`);
    await runner.query(`
      CREATE TABLE reservations (
        id         uuid PRIMARY KEY,
        -- The caller's idempotency key (the checkout saga's "<sagaId>:RESERVE_STOCK").
        key        text NOT NULL UNIQUE,
        order_id   uuid NOT NULL,
        status     text NOT NULL CHECK (status IN ('RESERVED', 'CONFIRMED', 'RELEASED', 'EXPIRED')),
        items      jsonb NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX reservations_active_by_expiry ON reservations (expires_at) WHERE status = 'RESERVED'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE reservations`);
    await runner.query(`DROP TABLE products`);
  }
}
