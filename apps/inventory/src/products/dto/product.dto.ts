import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import type { Currency } from '@bankshop/contracts';
import { ApiCurrency, ApiMoney, IsCurrencyCode, IsMoneyAmount, IsOmittable } from '@bankshop/platform';

export class CreateProductDto {
  @ApiProperty({ example: 'MUG-001', description: 'Unique stock-keeping unit: letters, digits and dashes.' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, { message: 'must be 1 to 64 letters, digits or dashes' })
  sku!: string;

  @ApiProperty({ example: 'Enamel mug' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'Keeps coffee warm for exactly as long as it takes to drink it.' })
  @IsOmittable()
  @IsString()
  @Length(1, 2000)
  description?: string;

  @IsMoneyAmount()
  price!: string;

  @IsCurrencyCode()
  currency!: Currency;

  @ApiProperty({ example: 25, minimum: 0, maximum: 1_000_000, description: 'Units available for sale.' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  stock!: number;
}

/** Every field optional; what is given is changed. */
export class UpdateProductDto {
  // Above `IsMoneyAmount`, which documents the field as required: this one is not.
  @ApiPropertyOptional()
  @IsOmittable()
  @IsMoneyAmount()
  price?: string;

  @ApiPropertyOptional({ example: 40, minimum: 0, maximum: 1_000_000 })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  stock?: number;

  @ApiPropertyOptional({ example: 'Enamel mug, blue' })
  @IsOmittable()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsString()
  @Length(1, 2000)
  description?: string;
}

/** `Product` of API.md. */
@ApiSchema({ name: 'Product' })
export class ProductView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'MUG-001' })
  sku!: string;

  @ApiProperty({ example: 'Enamel mug' })
  name!: string;

  @ApiProperty({ type: 'string', nullable: true })
  description!: string | null;

  @ApiMoney({ example: '12.50' })
  price!: string;

  @ApiCurrency()
  currency!: Currency;

  @ApiProperty({ example: 25, description: 'Units available for sale now.' })
  stock!: number;
}
