import { registerDecorator, type ValidationArguments } from 'class-validator';
import { CURRENCIES, isCurrency, Money } from '@bankshop/money';

/** A money amount exactly as API.md allows it: a string, at most 2 fraction digits, above 0. */
export function IsMoneyAmount(options: { max?: string } = {}) {
  const max = options.max === undefined ? undefined : Money.of(options.max);
  const problemWith = (value: unknown): string | null =>
    Money.validate(value) ?? (max && Money.parse(value).gt(max) ? `must be at most ${max.toString()}` : null);
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isMoneyAmount',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => problemWith(value) === null,
        defaultMessage: (args?: ValidationArguments) => problemWith(args?.value) ?? 'is invalid',
      },
    });
}

/** One of the supported ISO 4217 codes: CNY, USD, EUR. */
export function IsCurrencyCode() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCurrencyCode',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => isCurrency(value),
        defaultMessage: () => `must be one of ${CURRENCIES.join(', ')}`,
      },
    });
}
