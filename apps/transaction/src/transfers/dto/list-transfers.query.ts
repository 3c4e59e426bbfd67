import { IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '@bankshop/platform';

export class ListTransfersQuery extends PageQuery {
  /** Only transfers from or to this account. */
  @IsOptional()
  @IsUUID()
  accountId?: string;
}
