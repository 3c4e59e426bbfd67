import { IsOptional, IsString, Length, Matches } from 'class-validator';
import type { Currency } from '@bankshop/contracts';
import { IsCurrencyCode, IsMoneyAmount } from '@bankshop/platform';
import type { SimulatedChargeRecord, SimulatedChargeStatus } from '../persistence/simulated-charge.record.ts';

/** Provider-side keys and ids: printable ASCII, as the Idempotency-Key header allows. */
const PRINTABLE = /^[\x20-\x7e]{1,255}$/;

/** `POST /simulator/card-provider/charges`, with header `Idempotency-Key`. */
export class CreateChargeDto {
  @IsString()
  @Matches(PRINTABLE, { message: 'must be 1 to 255 printable ASCII characters' })
  token!: string;

  @IsMoneyAmount()
  amount!: string;

  @IsCurrencyCode()
  currency!: Currency;

  @IsOptional()
  @IsString()
  @Length(1, 500)
  description?: string;
}

/** `POST /simulator/card-provider/charges/cancel` and `GET /simulator/card-provider/charges?key=`. */
export class ChargeKeyDto {
  @IsString()
  @Matches(PRINTABLE, { message: 'must be 1 to 255 printable ASCII characters' })
  key!: string;
}

/** `POST /simulator/card-provider/refunds`, with header `Idempotency-Key`: a full refund of a charge. */
export class CreateRefundDto {
  @IsString()
  @Matches(/^ch_[0-9a-f]{24}$/, { message: 'must be a charge id (ch_...)' })
  charge!: string;
}

/** A charge as the simulated provider describes it. */
export interface SimulatedChargeView {
  id: string;
  key: string;
  amount: string | null;
  currency: Currency | null;
  description: string | null;
  status: SimulatedChargeStatus;
  refunded: boolean;
  createdAt: string;
}

export interface SimulatedRefundView {
  id: string;
  charge: string;
  amount: string;
  currency: Currency;
  status: 'succeeded';
  createdAt: string;
}

export function toChargeView(record: SimulatedChargeRecord): SimulatedChargeView {
  return {
    id: record.id,
    key: record.key,
    amount: record.amount?.toString() ?? null,
    currency: record.currency,
    description: record.description,
    status: record.status,
    refunded: record.refundId !== null,
    createdAt: record.createdAt.toISOString(),
  };
}

export function toRefundView(record: SimulatedChargeRecord): SimulatedRefundView {
  return {
    id: record.refundId!,
    charge: record.id,
    amount: record.amount!.toString(),
    currency: record.currency!,
    status: 'succeeded',
    createdAt: record.refundedAt!.toISOString(),
  };
}
