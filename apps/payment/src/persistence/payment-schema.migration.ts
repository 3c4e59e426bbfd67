import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payments: one per charge key, with the refund asked for and made on it. */
export class PaymentSchema1763943600000 implements MigrationInterface {
  name = 'PaymentSchema1763943600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE payments (
        id                  uuid PRIMARY KEY,
        -- The caller's idempotency key (the checkout saga's "<sagaId>:CHARGE_PAYMENT"): a key
        -- charges at most once, whatever happens, because it can name only one row.
        charge_key          text NOT NULL UNIQUE,
        request_hash        text,
        order_id            uuid,
        user_id             uuid,
        method              text CHECK (method IN ('card', 'bank')),
        amount              numeric(20, 2) CHECK (amount > 0),
        currency            char(3) CHECK (currency IN ('CNY', 'USD', 'EUR')),
        card_token          text,
        account_id          uuid,
        merchant_account_id uuid,
        status              text NOT NULL CHECK (status IN ('PENDING', 'CAPTURED', 'DECLINED', 'FAILED', 'REFUNDED', 'CANCELLED')),
        failure_reason      text CHECK (failure_reason IN ('PAYMENT_DECLINED', 'PAYMENT_FAILED')),
        provider_ref        text,
        refund_key          text UNIQUE,
        refund_requested_at timestamptz,
        refund_ref          text,
        -- Whoever drives an unsettled payment holds it until then; after that anyone may take it over.
        lease_until         timestamptz NOT NULL,
        created_at          timestamptz(3) NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        -- Only a tombstone (a refund before any charge) lacks the details of the charge.
        CONSTRAINT payments_charge_details CHECK (
          status = 'CANCELLED'
          OR (request_hash IS NOT NULL AND order_id IS NOT NULL AND user_id IS NOT NULL AND method IS NOT NULL
              AND amount IS NOT NULL AND currency IS NOT NULL)),
        CONSTRAINT payments_card_or_bank CHECK (
          method IS NULL
          OR (method = 'card' AND card_token IS NOT NULL AND account_id IS NULL)
          OR (method = 'bank' AND account_id IS NOT NULL AND card_token IS NULL)),
        CONSTRAINT payments_captured_has_ref CHECK (status NOT IN ('CAPTURED', 'REFUNDED') OR provider_ref IS NOT NULL),
        CONSTRAINT payments_refunded_has_ref CHECK (status <> 'REFUNDED' OR refund_ref IS NOT NULL),
        CONSTRAINT payments_failure_reason CHECK ((status IN ('DECLINED', 'FAILED')) = (failure_reason IS NOT NULL))
      )`);
    // What the recovery sweeper looks for: charges not known yet, refunds asked for but not made.
    await runner.query(`
      CREATE INDEX payments_unsettled ON payments (lease_until)
        WHERE status = 'PENDING' OR (status = 'CAPTURED' AND refund_requested_at IS NOT NULL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE payments`);
  }
}
