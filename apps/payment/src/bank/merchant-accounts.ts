import { Injectable } from '@nestjs/common';
import { UpstreamUnavailableError, type AccountFacts, type Currency, type SystemAccountRequest } from '@bankshop/contracts';
import { UpstreamClient } from '@bankshop/resilience';
import { PaymentConfig } from '../config/payment.config.ts';

/**
 * The merchant's account in each currency, which bank payments are paid into: found, or opened on
 * first use, by the account service (`POST /internal/accounts`, idempotent), then remembered for
 * the life of the process. Each payment also records the account it paid into, so a retried
 * transfer never depends on this cache.
 */
@Injectable()
export class MerchantAccounts {
  private readonly upstream: UpstreamClient;
  private readonly headers: Record<string, string>;
  private readonly known = new Map<Currency, string>();

  constructor(private readonly config: PaymentConfig) {
    this.upstream = new UpstreamClient({ name: 'account', baseUrl: config.ACCOUNT_SERVICE_URL, timeoutMs: config.UPSTREAM_TIMEOUT_MS });
    this.headers = { 'x-internal-token': config.INTERNAL_API_TOKEN };
  }

  /** The merchant's account id in `currency`; an `UpstreamUnavailableError` if it cannot be learnt now. */
  async accountIn(currency: Currency): Promise<string> {
    const known = this.known.get(currency);
    if (known) return known;
    const body: SystemAccountRequest = { ownerId: this.config.MERCHANT_USER_ID, currency };
    const response = await this.upstream.request<AccountFacts>({
      method: 'POST',
      path: '/internal/accounts',
      body,
      headers: this.headers,
      idempotent: true,
    });
    if (response.status !== 200 && response.status !== 201) throw new UpstreamUnavailableError('account');
    this.known.set(currency, response.body.id);
    return response.body.id;
  }
}
