import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsDefined, IsIn, IsInt, IsString, Length, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import type { PaymentMethod } from '@bankshop/contracts';
import { IsOmittable, IsUuid } from '@bankshop/platform';

export class OrderItemDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  productId!: string;

  @ApiProperty({ minimum: 1, maximum: 1_000, example: 1 })
  @IsInt()
  @Min(1)
  @Max(1_000)
  quantity!: number;
}

/** `{method: "card", token}` or `{method: "bank", accountId}`. */
export class PaymentSourceDto {
  @ApiProperty({ enum: ['card', 'bank'] })
  @IsIn(['card', 'bank'])
  method!: PaymentMethod;

  @ApiPropertyOptional({
    example: 'tok_visa',
    description: 'Card payments: the card provider’s token. The simulator knows `tok_visa`, `tok_chargeDeclined`, `tok_processingError`, `tok_timeout`, `tok_timeoutAfterCharge`.',
  })
  @ValidateIf((payment: PaymentSourceDto) => payment.method === 'card')
  @IsString()
  @Length(1, 200)
  token?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Bank payments: your account to pay from, in the order’s currency.' })
  @ValidateIf((payment: PaymentSourceDto) => payment.method === 'bank')
  @IsUuid()
  accountId?: string;
}

/** `POST /api/orders`: the items, or (without them) the cart, and how to pay. */
export class PlaceOrderDto {
  @ApiPropertyOptional({ type: [OrderItemDto], description: 'What to buy; without it, the cart is checked out.' })
  @IsOmittable()
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  items?: OrderItemDto[];

  @ApiProperty({ type: PaymentSourceDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => PaymentSourceDto)
  payment!: PaymentSourceDto;
}
