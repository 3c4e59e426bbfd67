import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Orders, and the checkout sagas that drive them. */
export class OrderSchema1763944000000 implements MigrationInterface {
  name = 'OrderSchema1763944000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE orders (
        id              uuid PRIMARY KEY,
        user_id         uuid NOT NULL,
        status          text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED')),
        -- [{productId, sku, name, unitPrice, quantity, lineTotal}], money as strings.
        lines           jsonb NOT NULL,
        total           numeric(20, 2) NOT NULL CHECK (total > 0),
        currency        char(3) NOT NULL CHECK (currency IN ('CNY', 'USD', 'EUR')),
        -- {method: "card", token} or {method: "bank", accountId}: never shown, kept to retry the charge.
        payment_source  jsonb NOT NULL,
        -- {id, method, status} once the payment service answered.
        payment         jsonb,
        reservation_id  uuid,
        failure_reason  text CHECK (failure_reason IN ('OUT_OF_STOCK', 'PAYMENT_DECLINED', 'PAYMENT_FAILED')),
        from_cart       boolean NOT NULL,
        created_at      timestamptz(3) NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX orders_of_user ON orders (user_id, created_at DESC, id DESC)`);
    await runner.query(`CREATE INDEX orders_listing ON orders (created_at DESC, id DESC)`);
    await runner.query(`
      CREATE TABLE saga_instances (
        id               uuid PRIMARY KEY,
        order_id         uuid NOT NULL UNIQUE REFERENCES orders (id),
        state            text NOT NULL CHECK (state IN ('RUNNING', 'COMPENSATING', 'CONFIRMED', 'CANCELLED')),
        step             text NOT NULL,
        compensations    jsonb NOT NULL,
        -- The step log: [{name, status, at, reason?}], appended after every step.
        steps            jsonb NOT NULL,
        failure_reason   text,
        cancel_requested boolean NOT NULL,
        charge_deadline  timestamptz,
        -- Fencing: every write is a compare-and-set on version, by the lease holder.
        version          integer NOT NULL,
        lease_owner      uuid,
        lease_until      timestamptz NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    // The recovery worker's question: which unfinished sagas has nobody driven lately?
    await runner.query(`CREATE INDEX saga_instances_unfinished ON saga_instances (lease_until) WHERE state IN ('RUNNING', 'COMPENSATING')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE saga_instances`);
    await runner.query(`DROP TABLE orders`);
  }
}
