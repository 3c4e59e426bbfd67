import { Module } from '@nestjs/common';
import { cardProviderUrl, PaymentConfig } from '../config/payment.config.ts';
import { CARD_PROVIDER } from './card-provider.ts';
import { HttpCardProvider } from './http-card-provider.ts';

/** The card provider in use: the one at `CARD_PROVIDER_URL`, by default this service's own simulator. */
@Module({
  providers: [
    {
      provide: CARD_PROVIDER,
      inject: [PaymentConfig],
      useFactory: (config: PaymentConfig) =>
        new HttpCardProvider({
          baseUrl: cardProviderUrl(config),
          timeoutMs: config.CARD_PROVIDER_TIMEOUT_MS,
          retries: config.CARD_PROVIDER_RETRIES,
        }),
    },
  ],
  exports: [CARD_PROVIDER],
})
export class CardProviderModule {}
