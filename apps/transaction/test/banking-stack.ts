import { randomUUID } from 'node:crypto';
import { afterEach } from 'vitest';
import { SystemStack, type ApiClient, type ApiResponse, type StackCustomer, type SystemStackOptions, type TestService } from '@bankshop/testing';

export type Customer = StackCustomer;

export type BankingStackOptions = Omit<SystemStackOptions, 'services'>;

/**
 * The banking half of the system as real processes (account, risk and transaction services, and
 * a gateway when asked for), each on a fresh database: a `SystemStack` of those three, plus the
 * banking steps the suites repeat. Specs talk to it through `api` exactly as a client would.
 */
export class BankingStack {
  private constructor(readonly system: SystemStack) {}

  static async start(options: BankingStackOptions = {}): Promise<BankingStack> {
    return new BankingStack(await SystemStack.start({ ...options, services: ['account', 'risk', 'transaction'] }));
  }

  /** After a failed test of the file, prints what the services logged as errors (`SystemStack.errorLog`). */
  static showServiceErrorsOnFailure(stack: () => BankingStack | undefined): void {
    SystemStack.showServiceErrorsOnFailure(afterEach, () => stack()?.system);
  }

  get account(): TestService {
    return this.system.service('account');
  }

  get risk(): TestService {
    return this.system.service('risk');
  }

  get transaction(): TestService {
    return this.system.service('transaction');
  }

  get gateway(): TestService | undefined {
    return this.system.services.get('gateway');
  }

  get api(): ApiClient {
    return this.system.api;
  }

  get adminToken(): string {
    return this.system.adminToken;
  }

  get identity(): SystemStack['identity'] {
    return this.system.identity;
  }

  stop(): Promise<void> {
    return this.system.stop();
  }

  customer(): Promise<Customer> {
    return this.system.customer();
  }

  /** Opens an account for `owner`, funded with `deposit` if given; returns its id. */
  openAccount(owner: Customer, currency = 'USD', deposit?: string): Promise<string> {
    return this.system.openAccount(owner, currency, deposit);
  }

  balance(owner: Customer, accountId: string): Promise<string> {
    return this.system.balance(owner, accountId);
  }

  deposit(owner: Customer, accountId: string, amount: string): Promise<void> {
    return this.system.deposit(owner, accountId, amount);
  }

  transfer(
    owner: Customer,
    body: { fromAccountId: string; toAccountId: string; amount: unknown; lockMode?: string; description?: string },
    idempotencyKey: string = randomUUID(),
  ): Promise<ApiResponse> {
    return this.api.post('/api/transfers', { token: owner.token, idempotencyKey, body });
  }
}
