import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsUuid, PageQuery } from '@bankshop/platform';

export class ListTransfersQuery extends PageQuery {
  /** Only transfers from or to this account. */
  @ApiPropertyOptional({ description: 'Only transfers from or to this account.' })
  @IsOptional()
  @IsUuid()
  accountId?: string;
}
