import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { UpstreamUnavailableError, type InternalTransferRequest } from '@bankshop/contracts';
import { backoffDelay, UpstreamClient, UpstreamTimeoutError, type UpstreamResponse } from '@bankshop/resilience';
import { PaymentConfig } from '../config/payment.config.ts';

/** What became of a transfer, when the transaction service said so. */
export type TransferResult =
  | { kind: 'completed'; transferId: string }
  /** A business refusal: nothing moved (INSUFFICIENT_FUNDS, ACCOUNT_FROZEN, RISK_REJECTED, ...). */
  | { kind: 'refused'; code: string; transferId: string | null }
  /** The transfer definitely failed (risk could not answer, or the request was refused outright): nothing moved. */
  | { kind: 'failed'; code: string };

/** The refusals of `POST /api/transfers` (API.md "Banking"), which `POST /internal/transfers` shares. */
const REFUSALS = new Set(['INSUFFICIENT_FUNDS', 'ACCOUNT_NOT_FOUND', 'ACCOUNT_FROZEN', 'CURRENCY_MISMATCH', 'SAME_ACCOUNT', 'RISK_REJECTED']);

/**
 * 4xx answers that say nothing about the transfer: another call with the key is still running,
 * or (a bug) the key names a transfer with other details.
 */
const NOT_YET = new Set(['IDEMPOTENCY_IN_PROGRESS', 'IDEMPOTENCY_KEY_REUSED']);

interface TransferAnswer {
  id?: unknown;
  status?: unknown;
  code?: unknown;
  transferStatus?: unknown;
  transferId?: unknown;
}

/**
 * Transfers made through the transaction service (`POST /internal/transfers`) on a customer's or
 * the merchant's behalf. Each carries an idempotency key derived from the payment, so it can be
 * sent again any number of times: the transaction service replays the first answer and moves the
 * money at most once. Whenever the answer does not say what happened (a timeout, a refused
 * connection, a 5xx other than a definite failure, another call with the key still running), the
 * same transfer is sent again with backoff, a bounded number of times; after that the outcome is
 * unknown and an `UpstreamUnavailableError` is thrown.
 */
@Injectable()
export class BankTransfers {
  private readonly logger = new Logger(BankTransfers.name);
  private readonly upstream: UpstreamClient;
  private readonly headers: Record<string, string>;

  constructor(private readonly config: PaymentConfig) {
    this.upstream = new UpstreamClient({
      name: 'transaction',
      baseUrl: config.TRANSACTION_SERVICE_URL,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    });
    this.headers = { 'x-internal-token': config.INTERNAL_API_TOKEN };
  }

  async transfer(key: string, request: InternalTransferRequest): Promise<TransferResult> {
    for (let attempt = 0; ; attempt += 1) {
      const result = await this.attempt(key, request);
      if (result) return result;
      if (attempt >= this.config.BANK_RETRIES) throw new UpstreamUnavailableError('transaction');
      await sleep(backoffDelay(attempt, { baseMs: 100, maxMs: 2_000 }));
    }
  }

  /** One call; null when its answer does not tell what became of the transfer. */
  private async attempt(key: string, request: InternalTransferRequest): Promise<TransferResult | null> {
    let response: UpstreamResponse<TransferAnswer | undefined>;
    try {
      response = await this.upstream.request<TransferAnswer | undefined>({
        method: 'POST',
        path: '/internal/transfers',
        body: request,
        headers: { ...this.headers, 'idempotency-key': key },
      });
    } catch (error) {
      // No answer (an open circuit among them): the transfer may or may not have been made.
      if (error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError) return null;
      throw error;
    }
    const answer = response.body ?? {};
    const code = typeof answer.code === 'string' ? answer.code : `HTTP_${response.status}`;
    if (response.status < 300) {
      return answer.status === 'COMPLETED' && typeof answer.id === 'string' ? { kind: 'completed', transferId: answer.id } : null;
    }
    if (response.status >= 500) {
      // A transfer that ended FAILED (risk could not answer) or REJECTED without a refusal code
      // moved nothing and never will. Any other 5xx (a transfer left PENDING, an outage) says
      // nothing yet.
      const ended = answer.transferStatus === 'FAILED' || answer.transferStatus === 'REJECTED';
      return ended ? { kind: 'failed', code } : null;
    }
    if (REFUSALS.has(code)) return { kind: 'refused', code, transferId: typeof answer.transferId === 'string' ? answer.transferId : null };
    if (NOT_YET.has(code)) {
      if (code === 'IDEMPOTENCY_KEY_REUSED') this.logger.error({ key }, 'the transaction service holds another transfer under this key');
      return null;
    }
    // Refused outright (a bad request, a missing route, a wrong token): no transfer was made.
    this.logger.error({ key, status: response.status, code }, 'the transaction service refused a payment transfer');
    return { kind: 'failed', code };
  }
}
