import { IsIn, IsUUID } from 'class-validator';
import type { LockMode, PlaceHoldRequest } from '@bankshop/contracts';
import { IsMoneyAmount } from '@bankshop/platform';

export const LOCK_MODES: LockMode[] = ['pessimistic', 'optimistic'];

export class PlaceHoldDto implements PlaceHoldRequest {
  @IsUUID()
  transferId!: string;

  @IsUUID()
  fromAccountId!: string;

  @IsUUID()
  toAccountId!: string;

  @IsMoneyAmount()
  amount!: string;

  @IsIn(LOCK_MODES)
  lockMode!: LockMode;
}

export class CaptureHoldDto {
  @IsIn(LOCK_MODES)
  lockMode!: LockMode;
}
