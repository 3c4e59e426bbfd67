import { Inject, Injectable } from '@nestjs/common';
import { CARD_PROVIDER, CardProviderRefusal, type CardCharge, type CardProvider } from '../../card-provider/card-provider.ts';
import type { ChargeOutcome, Payment } from '../domain/payment.ts';
import { RefundRefused, type IfNothingCharged, type PaymentRail } from './payment-rail.ts';

/** Card payments, through the card provider. */
@Injectable()
export class CardRail implements PaymentRail {
  readonly upstream = 'card-provider';

  constructor(@Inject(CARD_PROVIDER) private readonly provider: CardProvider) {}

  async charge(payment: Payment): Promise<ChargeOutcome> {
    const { cardToken, amount, currency, orderId } = payment.details;
    return outcomeOf(
      await this.provider.charge({ key: payment.providerKey('charge'), token: cardToken!, amount, currency, description: `Order ${orderId}` }),
    );
  }

  async resume(payment: Payment, ifNothingCharged: IfNothingCharged): Promise<ChargeOutcome> {
    const key = payment.providerKey('charge');
    const found = await this.provider.find(key);
    if (found) return outcomeOf(found);
    return ifNothingCharged === 'charge' ? this.charge(payment) : outcomeOf(await this.provider.cancel(key));
  }

  async refund(payment: Payment): Promise<string> {
    const { providerRef } = payment.snapshot();
    try {
      return await this.provider.refund({ key: payment.providerKey('refund'), chargeRef: providerRef! });
    } catch (error) {
      if (error instanceof CardProviderRefusal) throw new RefundRefused(error.reason);
      throw error;
    }
  }
}

function outcomeOf(charge: CardCharge): ChargeOutcome {
  switch (charge.status) {
    case 'succeeded':
      return { kind: 'captured', providerRef: charge.ref };
    case 'declined':
      return { kind: 'declined', providerRef: charge.ref };
    case 'canceled':
      return { kind: 'failed' };
  }
}
