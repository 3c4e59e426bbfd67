import { Injectable } from '@nestjs/common';
import type { ChargePaymentRequest, PaymentView } from '@bankshop/contracts';
import { bodyOrRefusal, UpstreamClient } from '@bankshop/resilience';
import { OrderConfig } from '../config/order.config.ts';

/**
 * The payment service's internal API. Both calls carry the saga's idempotency key, so repeating
 * them (after a timeout, a crash, a redelivery) never charges or refunds twice.
 */
@Injectable()
export class PaymentClient {
  private readonly upstream: UpstreamClient;
  private readonly headers: Record<string, string>;

  constructor(config: OrderConfig) {
    // A charge may wait on a card provider or a bank transfer: a patient timeout, one quick retry;
    // the saga itself retries for longer.
    this.upstream = new UpstreamClient({ name: 'payment', baseUrl: config.PAYMENT_SERVICE_URL, timeoutMs: config.PAYMENT_TIMEOUT_MS, retries: 1 });
    this.headers = { 'x-internal-token': config.INTERNAL_API_TOKEN };
  }

  /** CHARGE_PAYMENT: answers the payment whatever its outcome (captured, declined, failed). */
  async charge(key: string, request: ChargePaymentRequest): Promise<PaymentView> {
    return bodyOrRefusal(
      'payment',
      await this.upstream.request<PaymentView>({
        method: 'POST',
        path: '/internal/payments',
        body: request,
        headers: { ...this.headers, 'idempotency-key': key },
        idempotent: true,
      }),
    );
  }

  /** REFUND_PAYMENT: gives back whatever the charge made with `chargeKey` took, if anything. */
  async refund(key: string, chargeKey: string): Promise<PaymentView> {
    return bodyOrRefusal(
      'payment',
      await this.upstream.request<PaymentView>({
        method: 'POST',
        path: '/internal/payments/refunds',
        body: { chargeKey },
        headers: { ...this.headers, 'idempotency-key': key },
        idempotent: true,
      }),
    );
  }
}
