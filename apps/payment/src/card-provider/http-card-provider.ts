import { setTimeout as sleep } from 'node:timers/promises';
import {
  backoffDelay,
  CircuitOpenError,
  UpstreamClient,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type BackoffOptions,
  type BreakerOptions,
  type UpstreamResponse,
} from '@bankshop/resilience';
import { CardProviderRefusal, type CardCharge, type CardChargeRequest, type CardProvider, type CardRefundRequest } from './card-provider.ts';

export interface HttpCardProviderOptions {
  /** Ends with `/`: the routes below are relative to it. */
  baseUrl: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after a 5xx or a refused connection. */
  retries: number;
  backoff?: BackoffOptions;
  breaker?: BreakerOptions;
}

/**
 * One declined or failing card costs up to `1 + retries` failed calls, so the circuit needs more
 * calls in its window than the platform default before it judges the provider as a whole: a
 * couple of bad cards must not stop everyone's payments.
 */
export const CARD_PROVIDER_BREAKER: BreakerOptions = {
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  rollingWindowMs: 10_000,
  resetTimeoutMs: 5_000,
};

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 1_000 };

/** A charge as the provider describes it (the simulator's wire format, Stripe-like). */
interface ChargeBody {
  id?: unknown;
  status?: unknown;
}

/**
 * The card provider over HTTP (by default this service's own simulator), through an
 * `UpstreamClient` of its own: a timeout per attempt and a circuit breaker that only card calls
 * trip.
 *
 * A charge is retried, with the same idempotency key and capped exponential backoff, when the
 * provider answers 5xx or refuses the connection. A timeout is not retried: the charge may be in
 * progress, and asking is quicker than waiting for another timeout. Whenever the answer is not a
 * definite outcome, the provider is asked to cancel the charge by its key, which settles it
 * either way: it answers the charge if one was made, or makes sure none ever will be. Only when
 * even that cannot be asked is the outcome unknown (an upstream error is thrown).
 */
export class HttpCardProvider implements CardProvider {
  private readonly upstream: UpstreamClient;
  private readonly backoff: BackoffOptions;

  constructor(private readonly options: HttpCardProviderOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.upstream = new UpstreamClient({
      name: 'card-provider',
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      backoff: this.backoff,
      breaker: options.breaker ?? CARD_PROVIDER_BREAKER,
    });
  }

  async charge(request: CardChargeRequest): Promise<CardCharge> {
    const body = { token: request.token, amount: request.amount.toString(), currency: request.currency, description: request.description };
    for (let attempt = 0; ; attempt += 1) {
      let response: UpstreamResponse<ChargeBody>;
      try {
        // Not `idempotent: true`: which failures are retried is decided here, not by the client.
        response = await this.upstream.request<ChargeBody>({
          method: 'POST',
          path: 'charges',
          body,
          headers: { 'idempotency-key': request.key },
        });
      } catch (error) {
        // An open circuit: the provider is failing as a whole, and asking it now would fail too.
        if (error instanceof CircuitOpenError) throw error;
        if (error instanceof UpstreamTimeoutError) return this.cancel(request.key);
        if (!(error instanceof UpstreamUnavailableError)) throw error;
        if (attempt >= this.options.retries) return this.cancel(request.key);
        await this.pause(attempt);
        continue;
      }
      if (response.status >= 500) {
        if (attempt >= this.options.retries) return this.cancel(request.key);
        await this.pause(attempt);
        continue;
      }
      // 201 succeeded, 402 declined, 409 cancelled earlier: the charge object says which.
      if (response.status === 201 || response.status === 402 || response.status === 409) return chargeOf(response);
      // Refused outright (a malformed request, a key reused with another body): whatever that
      // key did or did not charge, cancelling it by its key tells.
      return this.cancel(request.key);
    }
  }

  async find(key: string): Promise<CardCharge | null> {
    const response = await this.upstream.request<ChargeBody>({ method: 'GET', path: `charges?${new URLSearchParams({ key })}` });
    if (response.status === 404) return null;
    if (response.status !== 200) throw failureOf(response);
    return chargeOf(response);
  }

  async cancel(key: string): Promise<CardCharge> {
    const response = await this.upstream.request<ChargeBody>({
      method: 'POST',
      path: 'charges/cancel',
      body: { key },
      idempotent: true,
    });
    if (response.status !== 200) throw failureOf(response);
    return chargeOf(response);
  }

  async refund(request: CardRefundRequest): Promise<string> {
    const response = await this.upstream.request<{ id?: unknown }>({
      method: 'POST',
      path: 'refunds',
      body: { charge: request.chargeRef },
      headers: { 'idempotency-key': request.key },
      idempotent: true,
    });
    if (response.status !== 201 && response.status !== 200) throw failureOf(response);
    if (typeof response.body?.id !== 'string') throw new Error('the card provider answered a refund without an id');
    return response.body.id;
  }

  private async pause(attempt: number): Promise<void> {
    await sleep(backoffDelay(attempt, this.backoff));
  }
}

function chargeOf(response: UpstreamResponse<ChargeBody>): CardCharge {
  const { id, status } = response.body ?? {};
  if (status === 'canceled') return { status };
  if (typeof id === 'string' && (status === 'succeeded' || status === 'declined')) return { status, ref: id };
  throw new Error(`the card provider answered ${response.status} with an unexpected charge`);
}

/** A 4xx is the provider refusing the request; a 5xx (after the client's own retries) is an outage. */
function failureOf(response: UpstreamResponse): Error {
  if (response.status >= 500) return new UpstreamUnavailableError('card-provider');
  const error = (response.body as { error?: unknown } | undefined)?.error;
  return new CardProviderRefusal(response.status, typeof error === 'string' ? error : `HTTP ${response.status}`);
}
