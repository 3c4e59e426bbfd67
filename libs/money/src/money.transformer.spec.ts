import { describe, expect, it } from 'vitest';
import { Money } from './money.ts';
import { moneyTransformer } from './money.transformer.ts';

describe('moneyTransformer.to', () => {
  it('writes the canonical two-digit string', () => {
    expect(moneyTransformer.to(Money.of('12.5'))).toBe('12.50');
    expect(moneyTransformer.to(Money.of('-3'))).toBe('-3.00');
    expect(moneyTransformer.to(Money.zero())).toBe('0.00');
  });

  it('writes the largest numeric(20,2) value without an exponent', () => {
    expect(moneyTransformer.to(Money.of('999999999999999999.99'))).toBe('999999999999999999.99');
  });

  it('passes null through, so the column is set to NULL', () => {
    expect(moneyTransformer.to(null)).toBeNull();
  });

  it('passes undefined through, so the column is left out of the statement', () => {
    expect(moneyTransformer.to(undefined)).toBeUndefined();
  });

  it.each([
    { what: 'a JS number', value: 12.5 },
    { what: 'an unchecked string', value: '12.50' },
    { what: 'a plain object', value: { amount: '12.50' } },
  ])('refuses $what', ({ value }) => {
    expect(() => moneyTransformer.to(value as unknown as Money)).toThrow(TypeError);
  });
});

describe('moneyTransformer.from', () => {
  it('reads a numeric(20,2) string exactly', () => {
    expect(moneyTransformer.from('12.50')?.toString()).toBe('12.50');
    expect(moneyTransformer.from('-0.01')?.toString()).toBe('-0.01');
    expect(moneyTransformer.from('999999999999999999.99')?.toString()).toBe('999999999999999999.99');
  });

  it('reads a wider-scale aggregate whose extra digits are zeros', () => {
    expect(moneyTransformer.from('12.5000000000000000')?.toString()).toBe('12.50');
  });

  it('refuses a value with a significant digit beyond the cent instead of rounding it', () => {
    expect(() => moneyTransformer.from('12.505')).toThrow(RangeError);
  });

  it.each(['NaN', 'Infinity', '-Infinity'])('refuses the numeric special value %s', (value) => {
    expect(() => moneyTransformer.from(value)).toThrow(RangeError);
  });

  it('refuses a JS number, which a misconfigured pg type parser would produce', () => {
    expect(() => moneyTransformer.from(12.5 as unknown as string)).toThrow(TypeError);
  });

  it('passes null through', () => {
    expect(moneyTransformer.from(null)).toBeNull();
  });

  it('passes undefined through', () => {
    expect(moneyTransformer.from(undefined)).toBeUndefined();
  });

  it('returns a value that equals the written one', () => {
    const written = moneyTransformer.to(Money.of('42.1'));
    expect(written).toBe('42.10');
    expect(moneyTransformer.from(written)).toEqual(Money.of('42.10'));
  });
});
