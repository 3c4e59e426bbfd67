import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import type { ReservationItemRequest, ReserveStockRequest } from '@bankshop/contracts';
import { IsUuid } from '@bankshop/platform';

export class ReservationItemDto implements ReservationItemRequest {
  @IsUuid()
  productId!: string;

  @IsInt()
  @Min(1)
  @Max(1_000)
  quantity!: number;
}

export class ReserveStockDto implements ReserveStockRequest {
  @IsString()
  @Length(1, 255)
  key!: string;

  @IsUuid()
  orderId!: string;

  @ValidateNested({ each: true })
  @Type(() => ReservationItemDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  items!: ReservationItemDto[];
}
