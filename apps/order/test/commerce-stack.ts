import { randomUUID } from 'node:crypto';
import { afterEach, expect } from 'vitest';
import { SystemStack, TEST_INTERNAL_TOKEN, until, type ApiResponse, type StackCustomer, type SystemStackOptions } from '@bankshop/testing';

/** An order as `GET /api/orders/:id` answers it (the fields these suites look at). */
export interface OrderBody {
  id: string;
  userId: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  items: { productId: string; sku: string; name: string; unitPrice: string; quantity: number; lineTotal: string }[];
  total: string;
  currency: string;
  payment: { id: string; method: string; status: string } | null;
  failureReason?: string | null;
  saga: { steps: { name: string; status: string; at: string }[] };
}

export type Payment = { method: 'card'; token: string } | { method: 'bank'; accountId: string };

/** Quick sagas: short leases and retries, so recovery and compensation happen within a test. */
export const FAST_SAGAS = {
  SAGA_LEASE_MS: '2000',
  SAGA_RECOVERY_INTERVAL_MS: '250',
  SAGA_RETRY_BASE_MS: '50',
  SAGA_RETRY_MAX_MS: '500',
  PAYMENT_TIMEOUT_MS: '10000',
  // A request killed with its process frees its Idempotency-Key for a retry this soon.
  IDEMPOTENCY_LEASE_MS: '3000',
};

/**
 * The whole shop as real processes (order, inventory, payment, and the banking services bank
 * payments go through) behind a gateway, with the merchant's account owned by a customer of the
 * test, so its balance can be read like anyone's.
 */
export class CommerceStack {
  private constructor(
    readonly system: SystemStack,
    readonly merchant: StackCustomer,
  ) {}

  static async start(env: SystemStackOptions['env'] = {}, otlpEndpoint?: string): Promise<CommerceStack> {
    const merchantId = randomUUID();
    const system = await SystemStack.start({
      services: ['account', 'risk', 'transaction', 'inventory', 'payment', 'order'],
      viaGateway: true,
      otlpEndpoint,
      env: {
        ...env,
        // The simulated provider answers within 3 s even under a burst of checkouts; tok_timeout waits it out.
        payment: { MERCHANT_USER_ID: merchantId, CARD_PROVIDER_TIMEOUT_MS: '3000', ...env.payment },
        order: { ...FAST_SAGAS, ...env.order },
      },
    });
    const merchant = { id: merchantId, token: await system.identity.mint({ sub: merchantId, roles: ['customer'] }) };
    return new CommerceStack(system, merchant);
  }

  get api() {
    return this.system.api;
  }

  stop(): Promise<void> {
    return this.system.stop();
  }

  customer(): Promise<StackCustomer> {
    return this.system.customer();
  }

  /** A new product in the catalogue; returns its id. */
  async product(stock: number, price = '10.00', currency = 'USD'): Promise<string> {
    const created = await this.api.post('/api/admin/products', {
      token: this.system.adminToken,
      body: { sku: `SKU-${randomUUID().slice(0, 8)}`, name: 'Enamel mug', price, currency, stock },
    });
    expect(created.status, created.text).toBe(201);
    return created.body.id as string;
  }

  async stock(productId: string): Promise<number> {
    const [row] = await this.system.service('inventory').query<{ stock: number }>(`SELECT stock FROM products WHERE id = $1`, [productId]);
    return Number(row!.stock);
  }

  place(buyer: StackCustomer, payment: Payment, items?: { productId: string; quantity: number }[], key = randomUUID()) {
    return this.api.post('/api/orders', { token: buyer.token, idempotencyKey: key, body: { ...(items ? { items } : {}), payment } });
  }

  /**
   * Polls the order until it is CONFIRMED or CANCELLED, or until it has `status` (a confirmed
   * order being cancelled stays CONFIRMED until its refund and restock are done).
   */
  async settled(buyer: StackCustomer, orderId: string, timeoutMs = 30_000, status?: OrderBody['status']): Promise<OrderBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const read = await this.api.get(`/api/orders/${orderId}`, { token: buyer.token });
      if (read.status === 200 && (status ? read.body.status === status : read.body.status !== 'PENDING')) return read.body as OrderBody;
      if (Date.now() > deadline) throw new Error(`order ${orderId} still ${read.status} ${read.text} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Places an order and waits for it to come to rest. */
  async checkout(buyer: StackCustomer, payment: Payment, items: { productId: string; quantity: number }[]): Promise<OrderBody> {
    const placed = await this.place(buyer, payment, items);
    expect([201, 202], placed.text).toContain(placed.status);
    return this.settled(buyer, placed.body.id as string);
  }

  /** The merchant's balance in `currency` ("0.00" before the first bank payment opened the account). */
  async merchantBalance(currency = 'USD'): Promise<string> {
    const accounts = await this.api.get('/api/accounts', { token: this.merchant.token });
    const account = (accounts.body.items as { currency: string; balance: string }[]).find((item) => item.currency === currency);
    return account?.balance ?? '0.00';
  }

  /** Calls an internal route of a service directly, as the order service does. */
  async internal(service: 'inventory' | 'payment', method: 'GET' | 'POST', path: string, body?: unknown, key?: string): Promise<ApiResponse> {
    const response = await fetch(`${this.system.service(service).url}${path}`, {
      method,
      headers: {
        'x-internal-token': TEST_INTERNAL_TOKEN,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: Object.fromEntries(response.headers), text, body: text ? JSON.parse(text) : undefined };
  }

  /**
   * Waits until the buyer's latest order has its charge in flight: the payment service has
   * recorded it PENDING and is waiting on the card provider. Answers the order's id.
   */
  async chargeInFlight(buyer: StackCustomer): Promise<string> {
    const [order] = await until(
      () => this.system.service('order').query<{ id: string }>(`SELECT id FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1`, [buyer.id]),
      async ([latest]) => latest !== undefined && (await this.paymentStatuses(latest.id))[0] === 'PENDING',
      `a charge of ${buyer.id} in flight`,
    );
    return order!.id;
  }

  /** The statuses of an order's payments, as the payment service has them. */
  async paymentStatuses(orderId: string): Promise<string[]> {
    const rows = await this.system.service('payment').query<{ status: string }>(`SELECT status FROM payments WHERE order_id = $1`, [orderId]);
    return rows.map((row) => row.status);
  }

  /** What the simulated card provider holds for the charges of an order's payments, by their keys. */
  providerCharges(orderId: string): Promise<{ status: string; refunded: boolean }[]> {
    return this.system.service('payment').query<{ status: string; refunded: boolean }>(
      `SELECT c.status, c.refund_id IS NOT NULL AS refunded
         FROM payments p JOIN card_provider_charges c ON c.key = 'payment:' || p.id || ':charge'
        WHERE p.order_id = $1`,
      [orderId],
    );
  }

  /** How many events of `type` a service wrote for one aggregate (its outbox keeps them all). */
  async eventCount(service: 'order' | 'payment', aggregateId: string, type: string): Promise<number> {
    const [row] = await this.system
      .service(service)
      .query<{ count: string }>(`SELECT count(*) FROM outbox WHERE message_key = $1 AND type = $2`, [aggregateId, type]);
    return Number(row!.count);
  }

  /** The saga row of an order. */
  async saga(orderId: string): Promise<{ id: string; state: string; steps: { name: string; status: string }[] }> {
    const [row] = await this.system
      .service('order')
      .query<{ id: string; state: string; steps: { name: string; status: string }[] }>(`SELECT id, state, steps FROM saga_instances WHERE order_id = $1`, [orderId]);
    if (!row) throw new Error(`no saga for order ${orderId}`);
    return row;
  }
}

/** After a failed test of the file, prints what the services logged as errors (`SystemStack.errorLog`). */
export function showServiceErrorsOnFailure(shop: () => CommerceStack | undefined): void {
  SystemStack.showServiceErrorsOnFailure(afterEach, () => shop()?.system);
}


/** The names of the steps a saga ran, in order. */
export const stepNames = (order: OrderBody) => order.saga.steps.map((step) => `${step.name}:${step.status}`);
