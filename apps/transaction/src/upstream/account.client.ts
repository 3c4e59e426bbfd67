import { Injectable } from '@nestjs/common';
import type { AccountFacts, BalanceCheck, HoldView, LockMode, PlaceHoldRequest, TransferLegPage } from '@bankshop/contracts';
import { bodyOrRefusal, UpstreamClient } from '@bankshop/resilience';
import { TransactionConfig } from '../config/transaction.config.ts';

/**
 * The account service's internal API. Every call has a timeout and goes through the account
 * circuit breaker; hold calls are idempotent (keyed by transfer or hold id), so they are retried
 * on timeouts and outages too.
 */
@Injectable()
export class AccountClient {
  private readonly upstream: UpstreamClient;
  /** Reconciliation reads in bulk: its own, patient client, so it never trips the transfers' breaker. */
  private readonly bulk: UpstreamClient;
  private readonly headers: Record<string, string>;

  constructor(config: TransactionConfig) {
    this.upstream = new UpstreamClient({ name: 'account', baseUrl: config.ACCOUNT_SERVICE_URL, timeoutMs: config.UPSTREAM_TIMEOUT_MS });
    this.bulk = new UpstreamClient({ name: 'account-reconciliation', baseUrl: config.ACCOUNT_SERVICE_URL, timeoutMs: 60_000 });
    this.headers = { 'x-internal-token': config.INTERNAL_API_TOKEN };
  }

  /** Every balance against its ledger, checked by the account service in one snapshot. */
  async balanceCheck(): Promise<BalanceCheck> {
    return bodyOrRefusal('account',
      await this.bulk.request<BalanceCheck>({ method: 'GET', path: '/internal/reconciliation/balances', headers: this.headers }),
    );
  }

  /** One page of transfer legs written before `before`, after transfer id `after`. */
  async transferLegs(after: string | null, before: Date, limit: number): Promise<TransferLegPage> {
    const query = new URLSearchParams({ before: before.toISOString(), limit: String(limit), ...(after ? { after } : {}) });
    return bodyOrRefusal('account',
      await this.bulk.request<TransferLegPage>({
        method: 'GET',
        path: `/internal/reconciliation/transfer-legs?${query}`,
        headers: this.headers,
      }),
    );
  }

  /** The account's owner, currency and status; null if there is no such account. */
  async facts(accountId: string): Promise<AccountFacts | null> {
    const response = await this.upstream.request<AccountFacts>({
      method: 'GET',
      path: `/internal/accounts/${accountId}`,
      headers: this.headers,
    });
    if (response.status === 404) return null;
    return bodyOrRefusal('account', response);
  }

  /** Prepare: reserve the amount on the source account. */
  async placeHold(request: PlaceHoldRequest): Promise<HoldView> {
    return bodyOrRefusal('account',
      await this.upstream.request<HoldView>({
        method: 'POST',
        path: '/internal/holds',
        body: request,
        headers: this.headers,
        idempotent: true,
      }),
    );
  }

  /** Commit: debit, credit and close the hold in one transaction of the account service. */
  async capture(holdId: string, lockMode: LockMode): Promise<HoldView> {
    return bodyOrRefusal('account',
      await this.upstream.request<HoldView>({
        method: 'POST',
        path: `/internal/holds/${holdId}/capture`,
        body: { lockMode },
        headers: this.headers,
        idempotent: true,
      }),
    );
  }

  /** Abort: release the hold. */
  async void(holdId: string): Promise<HoldView> {
    return bodyOrRefusal('account',
      await this.upstream.request<HoldView>({
        method: 'POST',
        path: `/internal/holds/${holdId}/void`,
        headers: this.headers,
        idempotent: true,
      }),
    );
  }

  /** The hold placed for a transfer, if any (recovery does not know whether a prepare got through). */
  async holdOfTransfer(transferId: string): Promise<HoldView | null> {
    const response = await this.upstream.request<HoldView>({
      method: 'GET',
      path: `/internal/holds?transferId=${transferId}`,
      headers: this.headers,
    });
    if (response.status === 404) return null;
    return bodyOrRefusal('account', response);
  }
}
