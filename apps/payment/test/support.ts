import { randomUUID } from 'node:crypto';
import { TEST_INTERNAL_TOKEN, type TestService } from '@bankshop/testing';

/** What the internal routes answer: a payment, or a problem document. */
export interface Answer {
  status: number;
  headers: Headers;
  body: {
    id: string;
    orderId: string | null;
    userId: string | null;
    method: string | null;
    amount: string | null;
    currency: string | null;
    status: string;
    providerRef: string | null;
    failureReason: string | null;
    createdAt: string;
    code?: string;
    errors?: { field: string; message: string }[];
    paymentStatus?: string;
  };
}

export interface ChargeBody {
  orderId: string;
  userId: string;
  amount: string;
  currency: string;
  method: 'card' | 'bank';
  token?: string;
  accountId?: string;
}

/** The payment service's internal routes, as the order service calls them. */
export class PaymentsApi {
  constructor(private readonly service: Pick<TestService, 'url'>) {}

  charge(key: string | undefined, body: unknown): Promise<Answer> {
    return this.call('POST', '/internal/payments', body, key);
  }

  refund(key: string | undefined, chargeKey: string): Promise<Answer> {
    return this.call('POST', '/internal/payments/refunds', { chargeKey }, key);
  }

  lookup(chargeKey: string): Promise<Answer> {
    return this.call('GET', `/internal/payments?${new URLSearchParams({ chargeKey })}`);
  }

  /**
   * Charges with `key` until the answer is an outcome, as the order service does: meanwhile the
   * payment service answers 409 or 503 ("not decided yet, ask again with the same key"), which a
   * busy machine makes happen for slow upstreams.
   */
  chargeUntilDecided(key: string, body: unknown, timeoutMs = 45_000): Promise<Answer> {
    return untilDecided(() => this.charge(key, body), key, timeoutMs);
  }

  /** Refunds with `key` until the answer is an outcome (see `chargeUntilDecided`). */
  refundUntilDecided(key: string, chargeKey: string, timeoutMs = 45_000): Promise<Answer> {
    return untilDecided(() => this.refund(key, chargeKey), key, timeoutMs);
  }

  /** The simulated card provider's record of the charge of a payment (null: it never heard of it). */
  async providerCharge(paymentId: string): Promise<{ id: string; status: string; refunded: boolean } | null> {
    const response = await fetch(`${this.service.url}/simulator/card-provider/charges?${new URLSearchParams({ key: `payment:${paymentId}:charge` })}`);
    return response.status === 404 ? null : ((await response.json()) as { id: string; status: string; refunded: boolean });
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown, key?: string): Promise<Answer> {
    const response = await fetch(`${this.service.url}${path}`, {
      method,
      headers: {
        'x-internal-token': TEST_INTERNAL_TOKEN,
        'content-type': 'application/json',
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
  }
}

async function untilDecided(call: () => Promise<Answer>, key: string, timeoutMs: number): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await call().catch(() => undefined);
    if (answer && answer.status !== 409 && answer.status < 500) return answer;
    if (Date.now() > deadline) throw new Error(`no outcome for ${key} within ${timeoutMs} ms (last: ${answer?.status})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A charge key as the checkout saga makes them. */
export const chargeKey = () => `${randomUUID()}:CHARGE_PAYMENT`;
export const refundKey = () => `${randomUUID()}:REFUND_PAYMENT`;

export function cardCharge(change: Partial<ChargeBody> = {}): ChargeBody {
  return { orderId: randomUUID(), userId: randomUUID(), amount: '25.00', currency: 'USD', method: 'card', token: 'tok_visa', ...change };
}

/** Successful charges the simulated provider made for an order (it describes each as `Order <id>`). */
export async function chargesTakenFor(payment: Pick<TestService, 'query'>, orderId: string): Promise<number> {
  const [row] = await payment.query<{ count: string }>(
    `SELECT count(*) FROM card_provider_charges WHERE description = $1 AND status = 'succeeded'`,
    [`Order ${orderId}`],
  );
  return Number(row!.count);
}

/**
 * Decided charges of a payment method as the payments table has them, by the outcome the
 * `bankshop.payments` metric names them: a refunded payment was a success when it was charged.
 */
export async function outcomesRecorded(
  payment: Pick<TestService, 'query'>,
  method: 'card' | 'bank',
): Promise<{ succeeded: number; declined: number; failed: number }> {
  const [row] = await payment.query<{ succeeded: string; declined: string; failed: string }>(
    `SELECT count(*) FILTER (WHERE status IN ('CAPTURED', 'REFUNDED')) AS succeeded,
            count(*) FILTER (WHERE status = 'DECLINED') AS declined,
            count(*) FILTER (WHERE status = 'FAILED') AS failed
       FROM payments WHERE method = $1`,
    [method],
  );
  return { succeeded: Number(row!.succeeded), declined: Number(row!.declined), failed: Number(row!.failed) };
}
