import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import type { Currency } from '@bankshop/contracts';
import { ApiMoney } from '@bankshop/platform';

/** `PUT /api/cart/items/:productId`. */
export class SetCartItemDto {
  @ApiProperty({ minimum: 0, maximum: 1_000, example: 2, description: 'How many; 0 removes the product from the cart.' })
  @IsInt()
  @Min(0)
  @Max(1_000)
  quantity!: number;
}

export class CartItemView {
  @ApiProperty({ format: 'uuid' })
  productId!: string;

  @ApiProperty({ minimum: 1, maximum: 1_000 })
  quantity!: number;
}

export class CartView {
  @ApiProperty({ type: [CartItemView] })
  items!: CartItemView[];

  @ApiMoney({ description: 'What the cart costs at today’s prices ("0.00" when empty).' })
  total!: string;

  @ApiPropertyOptional({ enum: ['CNY', 'USD', 'EUR'], nullable: true, description: 'The currency of `total`; null for an empty cart.' })
  currency!: Currency | null;
}
