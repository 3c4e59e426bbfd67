/**
 * A small client of the public API (through the gateway) for the seed and the traffic generator.
 * Plain `fetch`, no dependencies: both scripts also run in the `ops` image, outside the workspace.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  /** The problem's stable code (API.md), when the answer is an error. */
  code: string | undefined;
  /** The trace id of the gateway's server span: open it in Jaeger. */
  traceId: string | undefined;
  /** Seconds, from the Retry-After header of a 429 or 503. */
  retryAfter: number | undefined;
  ms: number;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  idempotencyKey?: string;
  timeoutMs?: number;
}

export interface Account {
  id: string;
  number: string;
  currency: string;
  balance: string;
  available: string;
  status: string;
}

export interface Product {
  id: string;
  sku: string;
  name: string;
  price: string;
  currency: string;
  stock: number;
}

export type NewProduct = Omit<Product, 'id'> & { description?: string };

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

export interface Order {
  id: string;
  status: OrderStatus;
  total: string;
  currency: string;
  failureReason?: string;
  payment: { id: string; method: string; status: string } | null;
}

export type PaymentSource = { method: 'card'; token: string } | { method: 'bank'; accountId: string };

export class GatewayClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async call<T = Record<string, unknown>>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const started = performance.now();
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    const text = await response.text();
    const body = (text ? JSON.parse(text) : {}) as T;
    const traceparent = response.headers.get('traceparent');
    return {
      status: response.status,
      body,
      code: response.ok ? undefined : ((body as { code?: string }).code ?? undefined),
      traceId: traceparent?.split('-')[1],
      retryAfter: Number(response.headers.get('retry-after')) || undefined,
      ms: performance.now() - started,
    };
  }

  /** Waits until the gateway answers /api/health (it reports the other services as it sees them). */
  async waitUntilUp(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      try {
        const health = await this.call<{ status?: string }>('GET', '/api/health', { timeoutMs: 3_000 });
        if (health.status === 200) return;
        last = `status ${health.status}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(1_000);
    }
    throw new Error(`the gateway at ${this.baseUrl} did not answer /api/health within ${timeoutMs / 1000} s (${last})`);
  }

  /**
   * Login and register share a per-IP budget (AUTH_RATE_LIMIT_PER_MIN); a 429 is waited out
   * (Retry-After) rather than failing the script.
   */
  async login(email: string, password: string): Promise<string> {
    const answer = await this.patiently(() => this.call<{ accessToken: string }>('POST', '/api/auth/login', { body: { email, password } }));
    if (answer.status !== 200) throw new Error(`login as ${email} answered ${answer.status} ${answer.code ?? ''}`);
    return answer.body.accessToken;
  }

  /** Registers the user unless the email is taken (a previous seed), then logs in. */
  async ensureUser(user: { email: string; password: string; name: string }): Promise<string> {
    const registered = await this.patiently(() => this.call('POST', '/api/auth/register', { body: user }));
    if (registered.status !== 201 && registered.code !== 'EMAIL_TAKEN') {
      throw new Error(`registering ${user.email} answered ${registered.status} ${registered.code ?? ''}`);
    }
    return this.login(user.email, user.password);
  }

  async accounts(token: string): Promise<Account[]> {
    const answer = await this.call<{ items: Account[] }>('GET', '/api/accounts', { token });
    if (answer.status !== 200) throw new Error(`listing accounts answered ${answer.status} ${answer.code ?? ''}`);
    return answer.body.items;
  }

  /** The caller's first account in `currency`, opened if there is none. */
  async ensureAccount(token: string, currency: string): Promise<Account> {
    const existing = (await this.accounts(token)).find((account) => account.currency === currency);
    if (existing) return existing;
    const opened = await this.call<Account>('POST', '/api/accounts', { token, body: { currency } });
    if (opened.status !== 201) throw new Error(`opening an account answered ${opened.status} ${opened.code ?? ''}`);
    return opened.body;
  }

  deposit(token: string, accountId: string, amount: string, idempotencyKey: string = randomUUID()): Promise<Answer> {
    return this.call('POST', `/api/accounts/${accountId}/deposits`, { token, body: { amount }, idempotencyKey });
  }

  /** The whole catalogue (public), page by page. */
  async products(): Promise<Product[]> {
    const products: Product[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await this.call<{ items: Product[]; nextCursor: string | null }>('GET', `/api/products?limit=100${query}`);
      if (page.status !== 200) throw new Error(`listing products answered ${page.status} ${page.code ?? ''}`);
      products.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return products;
  }

  /** Adds the product as an administrator unless its SKU is taken (a previous seed). */
  async ensureProduct(adminToken: string, product: NewProduct): Promise<'added' | 'present'> {
    const answer = await this.call('POST', '/api/admin/products', { token: adminToken, body: product });
    if (answer.status === 201) return 'added';
    if (answer.code === 'SKU_TAKEN') return 'present';
    throw new Error(`adding product ${product.sku} answered ${answer.status} ${answer.code ?? ''}`);
  }

  /** Sets a product's stock as an administrator. */
  restock(adminToken: string, productId: string, stock: number): Promise<Answer> {
    return this.call('PATCH', `/api/admin/products/${productId}`, { token: adminToken, body: { stock } });
  }

  /**
   * Places an order and, when the checkout is still running (202), polls it until it is
   * CONFIRMED or CANCELLED. `answer` is the placing request (its trace id is the checkout's).
   */
  async checkout(
    token: string,
    items: { productId: string; quantity: number }[],
    payment: PaymentSource,
    idempotencyKey: string = randomUUID(),
    timeoutMs = 30_000,
  ): Promise<{ answer: Answer<Order>; order: Order | undefined }> {
    const answer = await this.call<Order>('POST', '/api/orders', { token, body: { items, payment }, idempotencyKey });
    if (answer.status !== 201 && answer.status !== 202) return { answer, order: undefined };
    let order = answer.body;
    const deadline = Date.now() + timeoutMs;
    while (order.status === 'PENDING' && Date.now() < deadline) {
      await sleep(250);
      const polled = await this.call<Order>('GET', `/api/orders/${order.id}`, { token });
      if (polled.status === 200) order = polled.body;
    }
    return { answer, order };
  }

  private async patiently<T>(call: () => Promise<Answer<T>>): Promise<Answer<T>> {
    for (let attempt = 1; ; attempt++) {
      const answer = await call();
      if (answer.status !== 429 || attempt >= 5) return answer;
      await sleep(Math.min(answer.retryAfter ?? 10, 60) * 1000);
    }
  }
}
