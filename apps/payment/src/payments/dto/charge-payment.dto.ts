import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, registerDecorator, type ValidationArguments } from 'class-validator';
import type { ChargePaymentRequest, Currency, PaymentMethod } from '@bankshop/contracts';
import { IsCurrencyCode, IsMoneyAmount, isUuid, IsUuid } from '@bankshop/platform';

const METHODS = ['card', 'bank'] as const satisfies readonly PaymentMethod[];

interface FieldRule {
  test: (value: unknown) => boolean;
  /** Said when the field is missing or malformed on a payment of its method. */
  message: string;
}

/**
 * A field that belongs to one payment method: required (and checked by `rule`) on a payment of
 * that method, refused on one of the other. Left alone when the method itself is invalid: that
 * is reported on `method`.
 */
function ForMethodOnly(method: PaymentMethod, rule: FieldRule) {
  const methodOf = (args?: ValidationArguments) => (args?.object as { method?: unknown } | undefined)?.method;
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'forMethodOnly',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const given = methodOf(args);
          if (given === method) return rule.test(value);
          return !METHODS.includes(given as PaymentMethod) || value === undefined;
        },
        defaultMessage: (args?: ValidationArguments) =>
          methodOf(args) === method ? rule.message : `must not be given for a ${String(methodOf(args))} payment`,
      },
    });
}

const PRINTABLE = /^[\x21-\x7e]{1,255}$/;

/** `POST /internal/payments` (`ChargePaymentRequest` of the contracts), with header `Idempotency-Key`. */
export class ChargePaymentDto implements ChargePaymentRequest {
  @IsUuid()
  orderId!: string;

  @ApiProperty({ format: 'uuid', description: 'The customer paying; must own `accountId` for a bank payment.' })
  @IsUuid()
  userId!: string;

  @IsMoneyAmount()
  amount!: string;

  @IsCurrencyCode()
  currency!: Currency;

  @ApiProperty({ enum: METHODS })
  @IsIn(METHODS, { message: `must be one of ${METHODS.join(', ')}` })
  method!: PaymentMethod;

  @ApiPropertyOptional({ example: 'tok_visa', description: 'Card payments: the card provider’s token.' })
  @ForMethodOnly('card', {
    test: (value) => typeof value === 'string' && PRINTABLE.test(value),
    message: 'must be the card provider’s token (1 to 255 printable characters) for a card payment',
  })
  token?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Bank payments: the customer’s account to pay from.' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @ForMethodOnly('bank', { test: isUuid, message: 'must be a UUID, the account to pay from, for a bank payment' })
  accountId?: string;
}
