import { Module } from '@nestjs/common';
import { BankTransfers } from '../bank/bank-transfers.ts';
import { MerchantAccounts } from '../bank/merchant-accounts.ts';
import { CardProviderModule } from '../card-provider/card-provider.module.ts';
import { InternalPaymentsController } from './internal-payments.controller.ts';
import { PaymentStore } from './persistence/payment.store.ts';
import { PaymentsController } from './payments.controller.ts';
import { PaymentsService } from './payments.service.ts';
import { BankRail } from './rails/bank-rail.ts';
import { CardRail } from './rails/card-rail.ts';
import { PaymentCoordinator } from './use-cases/charge-and-refund/payment-coordinator.ts';
import { PaymentRecoveryJob } from './use-cases/charge-and-refund/payment-recovery.job.ts';

@Module({
  imports: [CardProviderModule],
  controllers: [InternalPaymentsController, PaymentsController],
  providers: [PaymentCoordinator, PaymentRecoveryJob, PaymentsService, PaymentStore, CardRail, BankRail, BankTransfers, MerchantAccounts],
})
export class PaymentsModule {}
