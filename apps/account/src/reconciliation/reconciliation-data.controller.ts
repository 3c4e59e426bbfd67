import { Controller, Get, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { BalanceCheck, TransferLegPage } from '@bankshop/contracts';
import { Internal } from '@bankshop/auth';
import { IsUuid } from '@bankshop/platform';
import { ReconciliationDataService } from './reconciliation-data.service.ts';

class TransferLegsQuery {
  @IsOptional()
  @IsUuid()
  after?: string;

  @Type(() => Date)
  @IsDate()
  before!: Date;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit: number = 2_000;
}

/** For the transaction service's reconciliation only. */
@Internal()
@Controller('internal/reconciliation')
export class ReconciliationDataController {
  constructor(private readonly data: ReconciliationDataService) {}

  @Get('balances')
  balances(): Promise<BalanceCheck> {
    return this.data.balances();
  }

  @Get('transfer-legs')
  transferLegs(@Query() query: TransferLegsQuery): Promise<TransferLegPage> {
    return this.data.transferLegs(query.after, query.before, query.limit);
  }
}
