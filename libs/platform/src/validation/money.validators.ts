import { ApiProperty } from '@nestjs/swagger';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { CURRENCIES, isCurrency, Money } from '@bankshop/money';

/**
 * A money amount exactly as API.md allows it: a string, at most 2 fraction digits, above 0.
 * Documents itself in OpenAPI with the same grammar (`Money.WIRE_PATTERN`).
 */
export function IsMoneyAmount(options: { max?: string } = {}) {
  const max = options.max === undefined ? undefined : Money.of(options.max);
  const problemWith = (value: unknown): string | null =>
    Money.validate(value) ?? (max && Money.parse(value).gt(max) ? `must be at most ${max.toString()}` : null);
  const documentation = ApiProperty({
    type: 'string',
    pattern: Money.WIRE_PATTERN.source,
    example: '12.50',
    description:
      'A decimal string above zero with at most 2 fraction digits and 15 integer digits; never a JSON number' +
      (max ? `. At most ${max.toString()}.` : '.'),
  });
  return (target: object, propertyName: string) => {
    documentation(target, propertyName);
    registerDecorator({
      name: 'isMoneyAmount',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => problemWith(value) === null,
        defaultMessage: (args?: ValidationArguments) => problemWith(args?.value) ?? 'is invalid',
      },
    });
  };
}

/** One of the supported ISO 4217 codes: CNY, USD, EUR. Documents itself as the `Currency` enum. */
export function IsCurrencyCode() {
  const documentation = ApiProperty({ enum: [...CURRENCIES], enumName: 'Currency', example: 'USD' });
  return (target: object, propertyName: string) => {
    documentation(target, propertyName);
    registerDecorator({
      name: 'isCurrencyCode',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => isCurrency(value),
        defaultMessage: () => `must be one of ${CURRENCIES.join(', ')}`,
      },
    });
  };
}
