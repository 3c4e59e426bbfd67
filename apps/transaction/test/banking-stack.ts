import { randomUUID } from 'node:crypto';
import {
  ApiClient,
  startTestService,
  TestIdentityProvider,
  type ApiResponse,
  type TestService,
} from '@bankshop/testing';

export interface Customer {
  id: string;
  token: string;
}

export interface BankingStackOptions {
  env?: {
    account?: Record<string, string>;
    risk?: Record<string, string>;
    transaction?: Record<string, string>;
    gateway?: Record<string, string>;
  };
  otlpEndpoint?: string;
  /** Talk to the services through a gateway, as real clients do, instead of directly. */
  viaGateway?: boolean;
}

/** The services a banking stack does not start: the gateway finds nothing there (503). */
const NOT_STARTED = 'http://127.0.0.1:9';

/**
 * The banking half of the system as real processes: account, risk and transaction services,
 * each on a fresh database, with a stand-in for the gateway's token issuing. Specs talk to it
 * through `api` exactly as a client would.
 */
export class BankingStack {
  readonly identity = new TestIdentityProvider();
  account!: TestService;
  risk!: TestService;
  transaction!: TestService;
  gateway: TestService | undefined;
  api!: ApiClient;
  adminToken!: string;

  static async start(options: BankingStackOptions = {}): Promise<BankingStack> {
    const stack = new BankingStack();
    await stack.identity.start();
    const common = { jwksUrl: stack.identity.jwksUrl, otlpEndpoint: options.otlpEndpoint };
    [stack.account, stack.risk] = await Promise.all([
      startTestService({ app: 'account', ...common, env: options.env?.account }),
      startTestService({ app: 'risk', ...common, env: { RISK_MAX_TRANSFERS_PER_MIN: '100000', ...options.env?.risk } }),
    ]);
    stack.transaction = await startTestService({
      app: 'transaction',
      ...common,
      env: { ACCOUNT_SERVICE_URL: stack.account.url, RISK_SERVICE_URL: stack.risk.url, ...options.env?.transaction },
    });
    if (options.viaGateway) {
      stack.gateway = await startTestService({
        app: 'gateway',
        ...common,
        env: {
          // The gateway signs with the test identity's key, so tokens minted by the test are its own.
          JWT_PRIVATE_KEY: stack.identity.privateKeyPem,
          ACCOUNT_SERVICE_URL: stack.account.url,
          TRANSACTION_SERVICE_URL: stack.transaction.url,
          RISK_SERVICE_URL: stack.risk.url,
          ORDER_SERVICE_URL: NOT_STARTED,
          INVENTORY_SERVICE_URL: NOT_STARTED,
          PAYMENT_SERVICE_URL: NOT_STARTED,
          // These suites test banking, not rate limiting: the buckets are made too big to matter.
          RATE_LIMIT_CAPACITY: '1000000',
          RATE_LIMIT_REFILL_PER_SEC: '1000000',
          AUTH_RATE_LIMIT_PER_MIN: '1000000',
          ...options.env?.gateway,
        },
      });
      stack.api = ApiClient.gateway(stack.gateway.url);
    } else {
      stack.api = ApiClient.direct({ account: stack.account.url, risk: stack.risk.url, transaction: stack.transaction.url });
    }
    stack.adminToken = await stack.identity.mint({ roles: ['admin'] });
    return stack;
  }

  async stop(): Promise<void> {
    await this.gateway?.stop();
    await Promise.all([this.transaction?.stop(), this.account?.stop(), this.risk?.stop()]);
    await this.identity.stop();
  }

  async customer(): Promise<Customer> {
    const id = randomUUID();
    return { id, token: await this.identity.mint({ sub: id, roles: ['customer'] }) };
  }

  /** Opens an account for `owner`, funded with `deposit` if given; returns its id. */
  async openAccount(owner: Customer, currency = 'USD', deposit?: string): Promise<string> {
    const opened = await this.api.post('/api/accounts', { token: owner.token, body: { currency } });
    if (opened.status !== 201) throw new Error(`could not open an account: ${opened.text}`);
    if (deposit) await this.deposit(owner, opened.body.id, deposit);
    return opened.body.id as string;
  }

  async deposit(owner: Customer, accountId: string, amount: string): Promise<void> {
    const response = await this.api.post(`/api/accounts/${accountId}/deposits`, {
      token: owner.token,
      idempotencyKey: randomUUID(),
      body: { amount },
    });
    if (response.status !== 201) throw new Error(`could not deposit: ${response.text}`);
  }

  async balance(owner: Customer, accountId: string): Promise<string> {
    return (await this.api.get(`/api/accounts/${accountId}`, { token: owner.token })).body.balance as string;
  }

  transfer(
    owner: Customer,
    body: { fromAccountId: string; toAccountId: string; amount: unknown; lockMode?: string; description?: string },
    idempotencyKey: string = randomUUID(),
  ): Promise<ApiResponse> {
    return this.api.post('/api/transfers', { token: owner.token, idempotencyKey, body });
  }
}
