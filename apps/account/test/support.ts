import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { AccountStatus, Currency, HoldView, LockMode, PlaceHoldRequest } from '@bankshop/contracts';
import { Money } from '@bankshop/money';
import pg from 'pg';
import {
  ApiClient,
  startTestService,
  TEST_INTERNAL_TOKEN,
  type ApiResponse,
  type TestIdentityProvider,
  type TestService,
} from '@bankshop/testing';

/** `Account` of API.md, as the service answers it. */
export interface AccountView {
  id: string;
  number: string;
  ownerId: string;
  currency: Currency;
  balance: string;
  available: string;
  status: AccountStatus;
  version: number;
  createdAt: string;
}

/** The answer to a deposit or a withdrawal. */
export interface CashMovementView {
  id: string;
  accountId: string;
  amount: string;
  balance: string;
}

/** `LedgerEntry` of API.md. */
export interface LedgerEntryView {
  id: string;
  accountId: string;
  type: 'DEPOSIT' | 'WITHDRAWAL' | 'TRANSFER_DEBIT' | 'TRANSFER_CREDIT';
  amount: string;
  balanceAfter: string;
  transferId?: string;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** An RFC 9457 problem document as API.md specifies it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  traceId: string;
  errors?: { field: string; message: string }[];
}

/** The account service as a real process on a database of its own. */
export function startAccountService(identity: TestIdentityProvider, env: Record<string, string> = {}): Promise<TestService> {
  return startTestService({ app: 'account', jwksUrl: identity.jwksUrl, env });
}

/**
 * Asserts that `response` is the problem document of API.md for `code`: the status, the
 * `application/problem+json` type, every standard member, and for a 400 the field it names.
 */
export function expectProblem(response: ApiResponse, status: number, code: string, field?: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
    traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
  });
  if (field !== undefined) {
    expect((response.body as Problem).errors).toContainEqual({ field, message: expect.any(String) });
  }
}

/** The Luhn check over a whole number, written independently of the service's own. */
export function passesLuhn(number: string): boolean {
  let sum = 0;
  for (let index = 0; index < number.length; index += 1) {
    let digit = Number(number[number.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The exact total of decimal strings, rendered as the API renders money. */
export function total(amounts: Iterable<string>): string {
  return Money.sum([...amounts].map((amount) => Money.of(amount))).toString();
}

/**
 * Drives one account service the way its callers do: customers and administrators through the
 * public API, the transaction service through `/internal/*` with the internal token.
 */
export class AccountDriver {
  readonly api: ApiClient;

  constructor(readonly service: TestService) {
    this.api = ApiClient.direct({ account: service.url });
  }

  async open(token: string, currency: Currency = 'EUR'): Promise<AccountView> {
    const response = await this.api.post<AccountView>('/api/accounts', { token, body: { currency } });
    expect(response.status, response.text).toBe(201);
    return response.body;
  }

  /** A new account holding `amount` (one deposit). */
  async funded(token: string, amount: string, currency: Currency = 'EUR'): Promise<AccountView> {
    const account = await this.open(token, currency);
    const deposit = await this.deposit(token, account.id, amount);
    expect(deposit.status, deposit.text).toBe(201);
    return this.account(token, account.id);
  }

  deposit(token: string, accountId: string, amount: unknown, idempotencyKey: string = randomUUID()): Promise<ApiResponse<CashMovementView>> {
    return this.api.post(`/api/accounts/${accountId}/deposits`, { token, body: { amount }, idempotencyKey });
  }

  withdraw(token: string, accountId: string, amount: unknown, idempotencyKey: string = randomUUID()): Promise<ApiResponse<CashMovementView>> {
    return this.api.post(`/api/accounts/${accountId}/withdrawals`, { token, body: { amount }, idempotencyKey });
  }

  async account(token: string, accountId: string): Promise<AccountView> {
    const response = await this.api.get<AccountView>(`/api/accounts/${accountId}`, { token });
    expect(response.status, response.text).toBe(200);
    return response.body;
  }

  ledger(token: string, accountId: string, query = ''): Promise<ApiResponse<Page<LedgerEntryView>>> {
    return this.api.get(`/api/accounts/${accountId}/ledger${query}`, { token });
  }

  /** Every ledger entry of an account, newest first, following the cursors. */
  async wholeLedger(token: string, accountId: string): Promise<LedgerEntryView[]> {
    const entries: LedgerEntryView[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await this.ledger(token, accountId, query);
      expect(response.status, response.text).toBe(200);
      entries.push(...response.body.items);
      cursor = response.body.nextCursor;
    } while (cursor);
    return entries;
  }

  /**
   * Runs SQL against the service's own database, for assertions.
   *
   * Not `TestService.query`: its pool is ended without waiting for its connections to close, and
   * `stop()` then drops the database WITH (FORCE); a connection still closing receives the
   * server's termination as an 'error' no one listens to, which fails the test file now and then.
   * A client per call, ended and awaited, leaves nothing open for the drop to kill.
   */
  async query<T = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.service.database.url });
    await client.connect();
    try {
      return (await client.query(sql, parameters)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** The account row as stored, and the sum of its ledger, read straight from the database. */
  async stored(accountId: string): Promise<{ balance: string; held: string; status: string; ledgerSum: string; entries: number }> {
    const [row] = await this.query<{ balance: string; held: string; status: string; ledger_sum: string; entries: number }>(
      `SELECT a.balance::text, a.held::text, a.status,
              COALESCE((SELECT sum(e.amount) FROM ledger_entries e WHERE e.account_id = a.id), 0)::text AS ledger_sum,
              (SELECT count(*) FROM ledger_entries e WHERE e.account_id = a.id)::int AS entries
         FROM accounts a WHERE a.id = $1`,
      [accountId],
    );
    expect(row, `account ${accountId} is stored`).toBeDefined();
    return {
      balance: Money.of(row!.balance).toString(),
      held: Money.of(row!.held).toString(),
      status: row!.status,
      ledgerSum: Money.of(row!.ledger_sum).toString(),
      entries: row!.entries,
    };
  }

  /** A call to `/internal/*`, with the internal token unless `headers` says otherwise. */
  async internal<T = unknown>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = { 'x-internal-token': TEST_INTERNAL_TOKEN },
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.service.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      headers: Object.fromEntries(response.headers.entries()),
      text,
    };
  }

  placeHold(request: Partial<PlaceHoldRequest> & Pick<PlaceHoldRequest, 'fromAccountId' | 'toAccountId'>): Promise<ApiResponse<HoldView>> {
    return this.internal<HoldView>('POST', '/internal/holds', {
      transferId: randomUUID(),
      amount: '10.00',
      lockMode: 'pessimistic',
      ...request,
    });
  }

  capture(holdId: string, lockMode: LockMode = 'pessimistic'): Promise<ApiResponse<HoldView>> {
    return this.internal<HoldView>('POST', `/internal/holds/${holdId}/capture`, { lockMode });
  }

  void(holdId: string): Promise<ApiResponse<HoldView>> {
    return this.internal<HoldView>('POST', `/internal/holds/${holdId}/void`);
  }

  hold(holdId: string): Promise<ApiResponse<HoldView>> {
    return this.internal<HoldView>('GET', `/internal/holds/${holdId}`);
  }
}
