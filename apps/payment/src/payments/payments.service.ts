import { Injectable } from '@nestjs/common';
import { isAdmin, type AuthenticatedUser } from '@bankshop/auth';
import type { Payment } from './domain/payment.ts';
import { PaymentNotFoundError } from './domain/payment-errors.ts';
import { PaymentStore } from './persistence/payment.store.ts';

/** Reading payments: the customer who paid sees a payment, administrators see all. */
@Injectable()
export class PaymentsService {
  constructor(private readonly store: PaymentStore) {}

  /** Someone else's payment answers exactly like a missing one. A tombstone belongs to no order: not shown. */
  async get(user: AuthenticatedUser, id: string): Promise<Payment> {
    const payment = await this.store.find(id);
    if (!payment || payment.isTombstone || !(isAdmin(user) || payment.isVisibleTo(user.id))) throw new PaymentNotFoundError();
    return payment;
  }

  async getByChargeKey(chargeKey: string): Promise<Payment> {
    const payment = await this.store.findByChargeKey(chargeKey);
    if (!payment) throw new PaymentNotFoundError();
    return payment;
  }
}
