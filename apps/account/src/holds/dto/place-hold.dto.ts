import { IsIn } from 'class-validator';
import type { LockMode, PlaceHoldRequest } from '@bankshop/contracts';
import { IsMoneyAmount, IsUuid } from '@bankshop/platform';

export const LOCK_MODES: LockMode[] = ['pessimistic', 'optimistic'];

export class PlaceHoldDto implements PlaceHoldRequest {
  @IsUuid()
  transferId!: string;

  @IsUuid()
  fromAccountId!: string;

  @IsUuid()
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
