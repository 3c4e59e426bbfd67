import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { IsCurrencyCode, IsMoneyAmount } from './money.validators.ts';

const FORMAT = 'must be a decimal string with at most 2 fraction digits, like "12.50"';

class DepositDto {
  @IsMoneyAmount({ max: '1000000.00' })
  amount!: unknown;
}

class PriceDto {
  @IsMoneyAmount()
  price!: unknown;
}

class OpenAccountDto {
  @IsCurrencyCode()
  currency!: unknown;
}

function problemWith<T extends object>(dto: new () => T, values: Partial<Record<keyof T, unknown>>): string | undefined {
  const errors = validateSync(Object.assign(new dto(), values));
  if (errors.length > 1) throw new Error(`expected at most one field problem, got ${errors.length}`);
  const constraints = Object.values(errors[0]?.constraints ?? {});
  return constraints.length === 0 ? undefined : constraints.join('; ');
}

describe('IsMoneyAmount', () => {
  it.each(['0.01', '12.5', '12.50', '1000000', '1000000.00'])('accepts %s', (amount) => {
    expect(problemWith(DepositDto, { amount })).toBeUndefined();
  });

  it.each([
    { amount: '-1', problem: 'must be greater than 0' },
    { amount: '0', problem: 'must be greater than 0' },
    { amount: '0.00', problem: 'must be greater than 0' },
    { amount: '0.001', problem: 'must have at most 2 fraction digits' },
    { amount: '1e3', problem: FORMAT },
    { amount: 12.5, problem: FORMAT },
    { amount: '1234567890123456', problem: 'must have at most 15 integer digits' },
    { amount: '007.50', problem: 'must not have leading zeros' },
    { amount: 'abc', problem: FORMAT },
    { amount: ' 1.00', problem: FORMAT },
    { amount: undefined, problem: FORMAT },
    { amount: null, problem: FORMAT },
  ])('rejects $amount, saying why', ({ amount, problem }) => {
    expect(problemWith(DepositDto, { amount })).toBe(problem);
  });

  it('rejects an amount above the maximum it was given', () => {
    expect(problemWith(DepositDto, { amount: '1000000.01' })).toBe('must be at most 1000000.00');
  });

  it('has no maximum unless given one, beyond the 15 integer digits of API.md', () => {
    expect(problemWith(PriceDto, { price: '999999999999999.99' })).toBeUndefined();
  });

  it('refuses a maximum that is not an amount when the DTO is declared, not on the first request', () => {
    expect(() => IsMoneyAmount({ max: 'a lot' })).toThrow(RangeError);
  });
});

describe('IsCurrencyCode', () => {
  it.each(['CNY', 'USD', 'EUR'])('accepts %s', (currency) => {
    expect(problemWith(OpenAccountDto, { currency })).toBeUndefined();
  });

  it.each(['usd', 'GBP', '', 840, undefined])('rejects %s, listing the supported codes', (currency) => {
    expect(problemWith(OpenAccountDto, { currency })).toBe('must be one of CNY, USD, EUR');
  });
});
