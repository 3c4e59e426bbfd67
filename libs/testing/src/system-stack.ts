import { randomUUID } from 'node:crypto';
import type { ServiceName } from '@bankshop/contracts';
import { ApiClient } from './api-client.ts';
import { TestIdentityProvider } from './identity-provider.ts';
import { startTestService, type TestService } from './test-service.ts';

/** A service of the system other than the gateway. */
export type BackendName = Exclude<ServiceName, 'gateway'>;

export interface SystemStackOptions {
  /** The services to start (the gateway is added by `viaGateway`). */
  services: BackendName[];
  /** Extra environment per service. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  otlpEndpoint?: string;
  /** Talk to the services through a gateway, as real clients do, instead of directly. */
  viaGateway?: boolean;
}

export interface StackCustomer {
  id: string;
  token: string;
}

/** Where a service that was not started is looked for: nothing listens there. */
const NOT_STARTED = 'http://127.0.0.1:9';

/** Who calls whom (the `<NAME>_SERVICE_URL` variables each service reads), in start order. */
const CALLS: Record<BackendName, BackendName[]> = {
  account: [],
  risk: [],
  inventory: [],
  transaction: ['account', 'risk'],
  payment: ['account', 'transaction'],
  order: ['inventory', 'payment'],
};

/** Start order: a service starts after those it calls, so it is ready when they are. */
const WAVES: BackendName[][] = [['account', 'risk', 'inventory'], ['transaction'], ['payment'], ['order']];

const serviceUrlVariable = (name: ServiceName) => `${name.toUpperCase()}_SERVICE_URL`;

/**
 * Any part of the system as real processes, each on a fresh database, wired to each other, with a
 * stand-in for the gateway's token issuing: the unit of the end-to-end suites that span services.
 */
export class SystemStack {
  readonly identity = new TestIdentityProvider();
  readonly services = new Map<ServiceName, TestService>();
  api!: ApiClient;
  adminToken!: string;

  static async start(options: SystemStackOptions): Promise<SystemStack> {
    const stack = new SystemStack();
    await stack.identity.start();
    try {
      await stack.boot(options);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** A started service; throws for one this stack did not start. */
  service(name: ServiceName): TestService {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not part of this stack`);
    return service;
  }

  url(name: ServiceName): string {
    return this.services.get(name)?.url ?? NOT_STARTED;
  }

  /**
   * The error and fatal lines every service of the stack has logged so far, each prefixed with
   * its service: when a request failed with a 500, its cause is here, not in the answer.
   */
  errorLog(): string {
    return [...this.services]
      .flatMap(([name, { service }]) =>
        service
          .output()
          .split('\n')
          .filter((line) => /"level":"(error|fatal)"/.test(line))
          .map((line) => `${name}: ${line}`),
      )
      .join('\n');
  }

  /**
   * Registers a hook (pass Vitest's `afterEach`) that prints `errorLog()` after every failed test of
   * the file: a 500's cause is in the service's log, not in the answer the test saw.
   */
  static showServiceErrorsOnFailure(
    afterEach: (hook: (context: { task: { result?: { state?: string } } }) => void) => void,
    stack: () => SystemStack | undefined,
  ): void {
    afterEach((context) => {
      const errors = context.task.result?.state === 'fail' ? stack()?.errorLog() : undefined;
      if (errors) console.error(`what the services logged as errors:\n${errors}`);
    });
  }

  async stop(): Promise<void> {
    await this.services.get('gateway')?.stop();
    await Promise.all([...this.services].filter(([name]) => name !== 'gateway').map(([, service]) => service.stop()));
    await this.identity.stop();
  }

  async customer(): Promise<StackCustomer> {
    const id = randomUUID();
    return { id, token: await this.identity.mint({ sub: id, roles: ['customer'] }) };
  }

  /** Opens an account for `owner`, funded with `deposit` if given; returns its id. */
  async openAccount(owner: StackCustomer, currency = 'USD', deposit?: string): Promise<string> {
    const opened = await this.api.post('/api/accounts', { token: owner.token, body: { currency } });
    if (opened.status !== 201) throw new Error(`could not open an account: ${opened.text}`);
    const id = opened.body.id as string;
    if (deposit) await this.deposit(owner, id, deposit);
    return id;
  }

  async deposit(owner: StackCustomer, accountId: string, amount: string): Promise<void> {
    const deposited = await this.api.post(`/api/accounts/${accountId}/deposits`, {
      token: owner.token,
      idempotencyKey: randomUUID(),
      body: { amount },
    });
    if (deposited.status !== 201) throw new Error(`could not deposit: ${deposited.text}`);
  }

  async balance(owner: StackCustomer, accountId: string): Promise<string> {
    return (await this.api.get(`/api/accounts/${accountId}`, { token: owner.token })).body.balance as string;
  }

  private async boot(options: SystemStackOptions): Promise<void> {
    const common = { jwksUrl: this.identity.jwksUrl, otlpEndpoint: options.otlpEndpoint };
    const wanted = new Set(options.services);
    for (const wave of WAVES) {
      const starting = wave.filter((name) => wanted.has(name));
      const started = await Promise.all(
        starting.map((name) =>
          startTestService({
            app: name,
            ...common,
            env: {
              ...Object.fromEntries(CALLS[name].map((callee) => [serviceUrlVariable(callee), this.url(callee)])),
              ...(name === 'risk' ? { RISK_MAX_TRANSFERS_PER_MIN: '100000' } : {}),
              ...options.env?.[name],
            },
          }),
        ),
      );
      starting.forEach((name, index) => this.services.set(name, started[index]!));
    }
    if (options.viaGateway) {
      const gateway = await startTestService({
        app: 'gateway',
        ...common,
        env: {
          // The gateway signs with the test identity's key, so tokens minted by the test are its own.
          JWT_PRIVATE_KEY: this.identity.privateKeyPem,
          ...Object.fromEntries(Object.keys(CALLS).map((name) => [serviceUrlVariable(name as BackendName), this.url(name as BackendName)])),
          // These suites are not about rate limiting: the buckets are made too big to matter.
          RATE_LIMIT_CAPACITY: '1000000',
          RATE_LIMIT_REFILL_PER_SEC: '1000000',
          AUTH_RATE_LIMIT_PER_MIN: '1000000',
          ...options.env?.gateway,
        },
      });
      this.services.set('gateway', gateway);
      this.api = ApiClient.gateway(gateway.url);
    } else {
      this.api = ApiClient.direct(Object.fromEntries([...this.services].map(([name, service]) => [name, service.url])));
    }
    this.adminToken = await this.identity.mint({ roles: ['admin'] });
  }
}
