import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import type { ArgumentMetadata } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ValidationFailedError, type FieldError } from '@bankshop/contracts';
import { IsOmittable } from './omittable.validators.ts';
import { StrictValidationPipe } from './validation.pipe.ts';

class OrderItemDto {
  @IsString()
  productId!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

class PlaceOrderDto {
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];
}

const body: ArgumentMetadata = { type: 'body', metatype: PlaceOrderDto };

class RenameDto {
  @IsOmittable()
  @IsString()
  @Length(1, 20)
  name?: string;

  @IsOptional()
  @IsString()
  note?: string;
}

async function fieldErrors(value: unknown, metadata: ArgumentMetadata = body): Promise<readonly FieldError[]> {
  const error: unknown = await new StrictValidationPipe().transform(value, metadata).then(
    () => new Error('expected the value to be rejected'),
    (reason: unknown) => reason,
  );
  if (!(error instanceof ValidationFailedError)) throw error;
  return error.errors;
}

describe('StrictValidationPipe', () => {
  it('turns a valid body into an instance of its DTO', async () => {
    const order = await new StrictValidationPipe().transform({ items: [{ productId: 'p-1', quantity: 2 }] }, body);

    expect(order).toBeInstanceOf(PlaceOrderDto);
    expect((order as PlaceOrderDto).items[0]).toBeInstanceOf(OrderItemDto);
  });

  it('names a nested field by its path', async () => {
    const errors = await fieldErrors({ items: [{ productId: 'p-1', quantity: 1 }, { productId: 'p-2', quantity: 0 }] });

    expect(errors).toEqual([{ field: 'items.1.quantity', message: 'must not be less than 1' }]);
  });

  it('rejects an unknown field inside a nested object', async () => {
    const errors = await fieldErrors({ items: [{ productId: 'p-1', quantity: 1, price: '0.01' }] });

    expect(errors).toEqual([{ field: 'items.0.price', message: 'property price should not exist' }]);
  });

  it('reports every broken rule of a field', async () => {
    const errors = await fieldErrors({ items: [{ productId: 'p-1', quantity: 'two' }] });

    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'items.0.quantity', message: 'must be an integer number' },
        { field: 'items.0.quantity', message: 'must not be less than 1' },
      ]),
    );
  });

  it.each([
    { what: 'an array', value: [] },
    { what: 'a string', value: 'items' },
    { what: 'null', value: null },
    { what: 'nothing', value: undefined },
  ])('rejects $what where the DTO expects an object', async ({ value }) => {
    await expect(fieldErrors(value)).resolves.toEqual([{ field: 'body', message: 'must be a JSON object' }]);
  });

  it('leaves primitive route parameters alone', async () => {
    await expect(new StrictValidationPipe().transform('42', { type: 'param', metatype: String, data: 'id' })).resolves.toBe('42');
  });

  describe('optional fields', () => {
    const rename: ArgumentMetadata = { type: 'body', metatype: RenameDto };

    it('@IsOmittable: may be left out, but null is refused like any other invalid value', async () => {
      await expect(new StrictValidationPipe().transform({}, rename)).resolves.toBeInstanceOf(RenameDto);
      expect(await fieldErrors({ name: null }, rename)).toEqual(
        expect.arrayContaining([{ field: 'name', message: 'must be a string' }]),
      );
    });

    it("@IsOptional (what IsOmittable is for): class-validator lets null through unchecked", async () => {
      await expect(new StrictValidationPipe().transform({ note: null }, rename)).resolves.toMatchObject({ note: null });
    });
  });

  it('refuses the NUL character anywhere in a body or a query, naming the field (PostgreSQL text cannot hold it)', async () => {
    expect(await fieldErrors({ items: [{ productId: 'p-\u00001', quantity: 1 }] })).toEqual([
      { field: 'items.0.productId', message: 'must not contain the NUL character' },
    ]);
    expect(await fieldErrors({ action: 'x\u0000' }, { type: 'query', metatype: Object })).toEqual([
      { field: 'action', message: 'must not contain the NUL character' },
    ]);
  });
});

