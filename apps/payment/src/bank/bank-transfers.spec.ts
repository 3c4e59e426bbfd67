import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamUnavailableError, type InternalTransferRequest } from '@bankshop/contracts';
import type { PaymentConfig } from '../config/payment.config.ts';
import { BankTransfers } from './bank-transfers.ts';

/** A request the stand-in transaction service received. */
interface Received {
  key: string | undefined;
  token: string | undefined;
  body: unknown;
}

/** What the stand-in answers: a status and a body, or nothing at all (`undefined`). */
type Answer = { status: number; body: unknown } | undefined;

/** A stand-in for the transaction service's `POST /internal/transfers`, answering as each test scripts. */
class StandInTransactionService {
  readonly received: Received[] = [];
  answers: Answer[] = [];
  private server: Server | undefined;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        this.received.push({
          key: request.headers['idempotency-key'] as string | undefined,
          token: request.headers['x-internal-token'] as string | undefined,
          body: text ? (JSON.parse(text) as unknown) : undefined,
        });
        // The last scripted answer repeats for every further call.
        const answer = this.answers.length > 1 ? this.answers.shift() : this.answers[0];
        if (answer) response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const REQUEST: InternalTransferRequest = {
  initiatedBy: '5d0c1a6e-2f4b-4c8e-9a1d-3b7e5f9c2a40',
  fromAccountId: '7a3e9c10-64d2-4b5f-8e1a-0c9d2b4f6a81',
  toAccountId: '0c9d2b4f-6a81-4b5f-8e1a-7a3e9c1064d2',
  amount: '30.00',
  currency: 'USD',
};

const KEY = 'payment:1:charge';

const problem = (status: number, code: string, extensions: Record<string, unknown> = {}) => ({
  status,
  body: { type: 'about:blank', title: code, status, code, ...extensions },
});

describe('BankTransfers', () => {
  const transactions = new StandInTransactionService();
  let transfers: BankTransfers;

  beforeAll(async () => {
    await transactions.start();
  });

  afterAll(async () => {
    await transactions.stop();
  });

  beforeEach(() => {
    transactions.received.length = 0;
    transactions.answers = [];
    // A client (and circuit breaker) of its own per test, so no test trips another's breaker.
    transfers = new BankTransfers({
      TRANSACTION_SERVICE_URL: transactions.url,
      UPSTREAM_TIMEOUT_MS: 300,
      BANK_RETRIES: 2,
      INTERNAL_API_TOKEN: 'internal-token',
    } as PaymentConfig);
  });

  it('sends the transfer with its idempotency key and the internal token, and reports it completed', async () => {
    transactions.answers = [{ status: 201, body: { id: 'tr-1', status: 'COMPLETED' } }];

    await expect(transfers.transfer(KEY, REQUEST)).resolves.toEqual({ kind: 'completed', transferId: 'tr-1' });
    expect(transactions.received).toEqual([{ key: KEY, token: 'internal-token', body: REQUEST }]);
  });

  it.each(['INSUFFICIENT_FUNDS', 'ACCOUNT_NOT_FOUND', 'ACCOUNT_FROZEN', 'CURRENCY_MISMATCH', 'RISK_REJECTED'])(
    'reports %s as a refusal, with the transfer that recorded it, without retrying',
    async (code) => {
      transactions.answers = [problem(code === 'ACCOUNT_NOT_FOUND' ? 404 : 422, code, { transferId: 'tr-2' })];

      await expect(transfers.transfer(KEY, REQUEST)).resolves.toEqual({ kind: 'refused', code, transferId: 'tr-2' });
      expect(transactions.received).toHaveLength(1);
    },
  );

  it.each(['FAILED', 'REJECTED'])('reports a 5xx for a transfer that ended %s as failed, without retrying', async (transferStatus) => {
    transactions.answers = [problem(503, 'UPSTREAM_UNAVAILABLE', { transferId: 'tr-3', transferStatus })];

    await expect(transfers.transfer(KEY, REQUEST)).resolves.toEqual({ kind: 'failed', code: 'UPSTREAM_UNAVAILABLE' });
    expect(transactions.received).toHaveLength(1);
  });

  it('sends a transfer left PENDING again with the same key, and takes the later answer', async () => {
    transactions.answers = [
      problem(503, 'UPSTREAM_UNAVAILABLE', { transferId: 'tr-4', transferStatus: 'PENDING' }),
      problem(409, 'IDEMPOTENCY_IN_PROGRESS'),
      { status: 201, body: { id: 'tr-4', status: 'COMPLETED' } },
    ];

    await expect(transfers.transfer(KEY, REQUEST)).resolves.toEqual({ kind: 'completed', transferId: 'tr-4' });
    expect(transactions.received.map((call) => call.key)).toEqual([KEY, KEY, KEY]);
  });

  it('sends a transfer that got no answer in time again, with the same key', async () => {
    transactions.answers = [undefined, { status: 201, body: { id: 'tr-5', status: 'COMPLETED' } }];

    await expect(transfers.transfer(KEY, REQUEST)).resolves.toEqual({ kind: 'completed', transferId: 'tr-5' });
    expect(transactions.received).toHaveLength(2);
  });

  it('reports the outcome as unknown after 1 + BANK_RETRIES answers that do not tell', async () => {
    transactions.answers = [problem(503, 'UPSTREAM_UNAVAILABLE', { transferId: 'tr-6', transferStatus: 'PENDING' })];

    await expect(transfers.transfer(KEY, REQUEST)).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(transactions.received).toHaveLength(3);
  });

  it('reports a request refused outright (400) as failed: no transfer was made', async () => {
    transactions.answers = [problem(400, 'VALIDATION_FAILED')];

    await expect(transfers.transfer(KEY, REQUEST)).resolves.toEqual({ kind: 'failed', code: 'VALIDATION_FAILED' });
    expect(transactions.received).toHaveLength(1);
  });
});
