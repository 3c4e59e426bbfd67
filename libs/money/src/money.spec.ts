import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { InvalidMoneyError } from './invalid-money.error.ts';
import { Money } from './money.ts';

const FORMAT = 'must be a decimal string with at most 2 fraction digits, like "12.50"';
const NOT_POSITIVE = 'must be greater than 0';
const FRACTION_DIGITS = 'must have at most 2 fraction digits';
const INTEGER_DIGITS = 'must have at most 15 integer digits';
const LEADING_ZEROS = 'must not have leading zeros';

const m = (value: string): Money => Money.of(value);

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the function to throw');
}

describe('Money.parse', () => {
  it.each([
    { what: 'the smallest amount, one cent', input: '0.01', rendered: '0.01' },
    { what: 'an amount with two fraction digits', input: '12.50', rendered: '12.50' },
    { what: 'an amount with one fraction digit', input: '12.5', rendered: '12.50' },
    { what: 'an amount without a fraction', input: '12', rendered: '12.00' },
    { what: 'a single zero before the point', input: '0.5', rendered: '0.50' },
    { what: 'a zero in the second fraction digit only', input: '10.10', rendered: '10.10' },
    { what: 'the deposit limit of API.md', input: '1000000.00', rendered: '1000000.00' },
    { what: 'fifteen integer digits', input: '100000000000000', rendered: '100000000000000.00' },
    { what: 'the largest amount, fifteen nines and 99 cents', input: '999999999999999.99', rendered: '999999999999999.99' },
  ])('accepts $what', ({ input, rendered }) => {
    expect(Money.parse(input).toString()).toBe(rendered);
  });

  it.each([
    // The rejections API.md lists.
    { what: 'a negative amount', input: '-1', message: NOT_POSITIVE },
    { what: 'zero', input: '0', message: NOT_POSITIVE },
    { what: 'an amount with three fraction digits', input: '0.001', message: FRACTION_DIGITS },
    { what: 'exponent form', input: '1e3', message: FORMAT },
    { what: 'a JSON number', input: 12.5, message: FORMAT },
    { what: 'sixteen integer digits', input: '1000000000000000', message: INTEGER_DIGITS },
    { what: 'non-numeric text', input: 'abc', message: FORMAT },
    { what: 'a missing amount', input: undefined, message: FORMAT },
    // Zero and sign.
    { what: 'zero with two fraction digits', input: '0.00', message: NOT_POSITIVE },
    { what: 'zero with one fraction digit', input: '0.0', message: NOT_POSITIVE },
    { what: 'negative zero', input: '-0', message: NOT_POSITIVE },
    { what: 'a negative cent', input: '-0.01', message: NOT_POSITIVE },
    { what: 'an explicit plus sign', input: '+1', message: FORMAT },
    { what: 'a unicode minus sign', input: '\u22121', message: FORMAT },
    { what: 'a doubled minus sign', input: '--1', message: FORMAT },
    // Digits.
    { what: 'three fraction digits even when the last is zero', input: '12.500', message: FRACTION_DIGITS },
    { what: 'many fraction digits', input: '0.123456789', message: FRACTION_DIGITS },
    { what: 'sixteen integer digits with cents', input: '9999999999999999.99', message: INTEGER_DIGITS },
    { what: 'leading zeros', input: '007.50', message: LEADING_ZEROS },
    { what: 'a leading zero before a whole amount', input: '01', message: LEADING_ZEROS },
    { what: 'a doubled zero before the point', input: '00.50', message: LEADING_ZEROS },
    { what: 'a zero JSON number', input: 0, message: FORMAT },
    { what: 'an exponent with a capital E', input: '1E3', message: FORMAT },
    { what: 'an exponent with a fraction', input: '1.5e2', message: FORMAT },
    { what: 'a hexadecimal literal', input: '0x10', message: FORMAT },
    { what: 'a binary literal', input: '0b1', message: FORMAT },
    { what: 'an octal literal', input: '0o7', message: FORMAT },
    { what: 'Infinity', input: 'Infinity', message: FORMAT },
    { what: 'NaN', input: 'NaN', message: FORMAT },
    { what: 'Arabic-Indic digits', input: '\u0661\u0662', message: FORMAT },
    { what: 'full-width digits', input: '\uff11\uff12', message: FORMAT },
    { what: 'a thousands separator', input: '1,000.00', message: FORMAT },
    { what: 'a decimal comma', input: '12,50', message: FORMAT },
    { what: 'a numeric separator', input: '1_000', message: FORMAT },
    { what: 'a currency symbol', input: '$12.50', message: FORMAT },
    { what: 'a currency code', input: '12.50 USD', message: FORMAT },
    { what: 'two points', input: '1.2.3', message: FORMAT },
    // Shape.
    { what: 'an empty string', input: '', message: FORMAT },
    { what: 'a lone point', input: '.', message: FORMAT },
    { what: 'a leading space', input: ' 1', message: FORMAT },
    { what: 'a trailing space', input: '1 ', message: FORMAT },
    { what: 'a trailing newline', input: '1\n', message: FORMAT },
    { what: 'a leading tab', input: '\t1', message: FORMAT },
    { what: 'a non-breaking space', input: '1\u00a0', message: FORMAT },
    { what: 'a trailing NUL character', input: '1\u0000', message: FORMAT },
    { what: 'a trailing point', input: '1.', message: FORMAT },
    { what: 'a missing integer part', input: '.5', message: FORMAT },
    // Not a string at all.
    { what: 'null', input: null, message: FORMAT },
    { what: 'true', input: true, message: FORMAT },
    { what: 'false', input: false, message: FORMAT },
    { what: 'a bigint', input: 10n, message: FORMAT },
    { what: 'a plain object', input: { amount: '12.50' }, message: FORMAT },
    { what: 'an empty object', input: {}, message: FORMAT },
    { what: 'an array holding an amount', input: ['12.50'], message: FORMAT },
    { what: 'an empty array', input: [], message: FORMAT },
    { what: 'a boxed string', input: new String('12.50'), message: FORMAT },
    { what: 'an already parsed Money', input: Money.of('12.50'), message: FORMAT },
    { what: 'a JSON number with an integer value', input: 12, message: FORMAT },
    { what: 'NaN as a number', input: Number.NaN, message: FORMAT },
    { what: 'Infinity as a number', input: Number.POSITIVE_INFINITY, message: FORMAT },
  ])('rejects $what', ({ input, message }) => {
    expect(() => Money.parse(input)).toThrow(new InvalidMoneyError(message));
  });

  it('throws an InvalidMoneyError with the stable code INVALID_MONEY', () => {
    const caught = thrownBy(() => Money.parse('0.001'));
    expect(caught).toBeInstanceOf(InvalidMoneyError);
    expect(caught).toBeInstanceOf(Error);
    expect(caught).toMatchObject({
      code: 'INVALID_MONEY',
      name: 'InvalidMoneyError',
      message: FRACTION_DIGITS,
    });
  });

  it('never echoes the rejected input in the message', () => {
    const caught = thrownBy(() => Money.parse('<script>alert(1)</script>'));
    expect(caught).toBeInstanceOf(InvalidMoneyError);
    expect((caught as InvalidMoneyError).message).toBe(FORMAT);
  });
});

describe('Money.validate', () => {
  it('returns null for a valid amount', () => {
    expect(Money.validate('12.50')).toBeNull();
  });

  it.each([
    { input: '0', message: NOT_POSITIVE },
    { input: '-1', message: NOT_POSITIVE },
    { input: '0.001', message: FRACTION_DIGITS },
    { input: '1000000000000000', message: INTEGER_DIGITS },
    { input: '007', message: LEADING_ZEROS },
    { input: 12.5, message: FORMAT },
    { input: undefined, message: FORMAT },
  ])('returns the same message parse would throw for $input', ({ input, message }) => {
    expect(Money.validate(input)).toBe(message);
    expect(() => Money.parse(input)).toThrow(message);
  });
});

describe('Money.WIRE_PATTERN', () => {
  it('states the exact grammar documented for clients', () => {
    expect(Money.WIRE_PATTERN.source).toBe(String.raw`^(?!0(?:\.0{1,2})?$)(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,2})?$`);
  });

  it('is not global, so repeated tests cannot depend on lastIndex', () => {
    expect(Money.WIRE_PATTERN.global).toBe(false);
    expect(Money.WIRE_PATTERN.sticky).toBe(false);
  });

  it('exposes the limits it encodes as constants', () => {
    expect(Money.MAX_INTEGER_DIGITS).toBe(15);
    expect(Money.FRACTION_DIGITS).toBe(2);
  });
});

describe('Money.of', () => {
  it.each([
    { what: 'zero', input: '0', rendered: '0.00' },
    { what: 'zero with cents', input: '0.00', rendered: '0.00' },
    { what: 'negative zero, as zero', input: '-0', rendered: '0.00' },
    { what: 'negative zero with cents, as zero', input: '-0.00', rendered: '0.00' },
    { what: 'a negative amount', input: '-5', rendered: '-5.00' },
    { what: 'a negative cent', input: '-0.01', rendered: '-0.01' },
    { what: 'a positive amount', input: '12.5', rendered: '12.50' },
    { what: 'a numeric(20,2) value', input: '123456789012345678.90', rendered: '123456789012345678.90' },
    { what: 'more than fifteen integer digits', input: '1234567890123456789012', rendered: '1234567890123456789012.00' },
    { what: 'the largest representable amount', input: '99999999999999999999999999999999999999.99', rendered: '99999999999999999999999999999999999999.99' },
    { what: 'trailing zeros beyond the cent', input: '12.5000', rendered: '12.50' },
    { what: 'a negative with trailing zeros beyond the cent', input: '-12.3400000000', rendered: '-12.34' },
    { what: 'a single fraction digit followed by zeros', input: '1.000', rendered: '1.00' },
  ])('accepts $what', ({ input, rendered }) => {
    expect(Money.of(input).toString()).toBe(rendered);
  });

  it.each([
    { what: 'a significant third fraction digit', input: '0.005' },
    { what: 'a significant digit far beyond the cent', input: '12.5000001' },
    { what: 'exponent form', input: '1e3' },
    { what: 'an explicit plus sign', input: '+1' },
    { what: 'leading zeros', input: '007' },
    { what: 'a trailing point', input: '1.' },
    { what: 'a missing integer part', input: '.5' },
    { what: 'an empty string', input: '' },
    { what: 'surrounding spaces', input: ' 1 ' },
    { what: 'a hexadecimal literal', input: '0x10' },
    { what: 'NaN', input: 'NaN' },
    { what: 'Infinity', input: 'Infinity' },
    { what: 'non-numeric text', input: 'abc' },
    { what: 'a doubled minus sign', input: '--1' },
    { what: 'an amount of 10^38, too large to stay exact', input: '100000000000000000000000000000000000000' },
    { what: 'a negative amount of 10^38', input: '-100000000000000000000000000000000000000.00' },
  ])('rejects $what with a RangeError', ({ input }) => {
    expect(() => Money.of(input)).toThrow(RangeError);
  });

  it.each([
    { what: 'a JS number', input: 12.5 },
    { what: 'null', input: null },
    { what: 'undefined', input: undefined },
    { what: 'a bigint', input: 1250n },
  ])('rejects $what with a TypeError', ({ input }) => {
    expect(() => Money.of(input as unknown as string)).toThrow(TypeError);
  });

  it('does not throw a client-facing InvalidMoneyError, since its input is trusted', () => {
    const caught = thrownBy(() => Money.of('0.005'));
    expect(caught).toBeInstanceOf(RangeError);
    expect(caught).not.toBeInstanceOf(InvalidMoneyError);
  });

  it('returns a Money it is given unchanged', () => {
    const amount = m('3.20');
    expect(Money.of(amount)).toBe(amount);
  });
});

describe('Money.zero', () => {
  it('is zero', () => {
    expect(Money.zero().isZero()).toBe(true);
    expect(Money.zero().toString()).toBe('0.00');
  });
});

describe('formatting', () => {
  it.each([
    { input: '1000000', rendered: '1000000.00' },
    { input: '0.01', rendered: '0.01' },
    { input: '0.1', rendered: '0.10' },
    { input: '-5', rendered: '-5.00' },
    { input: '123456789012345.67', rendered: '123456789012345.67' },
    { input: '100000000000000000000', rendered: '100000000000000000000.00' },
    { input: '99999999999999999999999999999999999999.99', rendered: '99999999999999999999999999999999999999.99' },
    { input: '-99999999999999999999999999999999999999.99', rendered: '-99999999999999999999999999999999999999.99' },
  ])('renders $input as $rendered', ({ input, rendered }) => {
    expect(m(input).toString()).toBe(rendered);
  });

  it('never uses exponent notation, however large or small the amount', () => {
    const amounts = [m('0.01'), m('-0.01'), m('1'), m('1' + '0'.repeat(37))];
    for (const amount of amounts) {
      expect(amount.toString()).toMatch(/^-?[0-9]+\.[0-9]{2}$/);
    }
  });

  it('renders a computed zero without a minus sign', () => {
    expect(m('5').minus(m('5')).toString()).toBe('0.00');
    expect(m('0').negated().toString()).toBe('0.00');
    expect(m('-1.50').plus(m('1.5')).toString()).toBe('0.00');
    expect(m('3').times(0).negated().toString()).toBe('0.00');
  });

  it('serialises to the same string in JSON', () => {
    expect(m('12.5').toJSON()).toBe('12.50');
    expect(JSON.stringify({ amount: m('12.5'), balance: m('-0.1') })).toBe('{"amount":"12.50","balance":"-0.10"}');
  });

  it('interpolates into template strings as the canonical string', () => {
    expect(`${m('7')}`).toBe('7.00');
    expect(String(m('7'))).toBe('7.00');
  });
});

describe('arithmetic', () => {
  it('adds exactly where binary floats do not', () => {
    expect(m('0.1').plus(m('0.2')).toString()).toBe('0.30');
  });

  it('subtracts exactly', () => {
    expect(m('0.3').minus(m('0.1')).toString()).toBe('0.20');
    expect(m('1').minus(m('1.01')).toString()).toBe('-0.01');
  });

  it('adds at the top of the client range without losing a cent', () => {
    expect(m('999999999999999.99').plus(m('0.01')).toString()).toBe('1000000000000000.00');
  });

  it('negates', () => {
    expect(m('12.5').negated().toString()).toBe('-12.50');
    expect(m('-12.5').negated().toString()).toBe('12.50');
  });

  it('takes the absolute value', () => {
    expect(m('-12.5').abs().toString()).toBe('12.50');
    expect(m('12.5').abs().toString()).toBe('12.50');
    expect(m('0').abs().toString()).toBe('0.00');
  });

  it('multiplies by a quantity', () => {
    expect(m('19.99').times(3).toString()).toBe('59.97');
    expect(m('0.01').times(Number.MAX_SAFE_INTEGER).toString()).toBe('90071992547409.91');
    expect(m('-2.50').times(4).toString()).toBe('-10.00');
  });

  it('multiplies by zero to zero', () => {
    expect(m('19.99').times(0).isZero()).toBe(true);
  });

  it.each([
    { what: 'a fractional quantity', quantity: 1.5 },
    { what: 'a negative quantity', quantity: -1 },
    { what: 'NaN', quantity: Number.NaN },
    { what: 'Infinity', quantity: Number.POSITIVE_INFINITY },
    { what: 'an integer beyond the safe range', quantity: 2 ** 53 },
  ])('refuses to multiply by $what', ({ quantity }) => {
    expect(() => m('1').times(quantity)).toThrow(RangeError);
  });

  it('refuses a result that could no longer be exact', () => {
    const largest = m('99999999999999999999999999999999999999.99');
    expect(() => largest.plus(m('0.01'))).toThrow(RangeError);
    expect(() => largest.negated().minus(m('0.01'))).toThrow(RangeError);
    expect(() => largest.times(2)).toThrow(RangeError);
    expect(() => m('1000000000000000000000000').times(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
  });

  it('never changes the operands', () => {
    const a = m('10');
    const b = m('3');
    a.plus(b);
    a.minus(b);
    a.negated();
    a.times(7);
    expect(a.toString()).toBe('10.00');
    expect(b.toString()).toBe('3.00');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(m('1'))).toBe(true);
  });
});

describe('Money.sum', () => {
  it('is zero for no items', () => {
    expect(Money.sum([]).toString()).toBe('0.00');
  });

  it('adds every item exactly', () => {
    expect(Money.sum([m('0.1'), m('0.2'), m('-0.05')]).toString()).toBe('0.25');
  });

  it('accepts any iterable, such as a generator', () => {
    function* cents(): Generator<Money> {
      for (let i = 0; i < 1000; i++) yield m('0.01');
    }
    expect(Money.sum(cents()).toString()).toBe('10.00');
  });
});

describe('Money.max and Money.min', () => {
  it('pick the largest and the smallest amount', () => {
    const amounts = [m('3'), m('-7'), m('12.01'), m('12')] as const;
    expect(Money.max(...amounts).toString()).toBe('12.01');
    expect(Money.min(...amounts).toString()).toBe('-7.00');
  });

  it('return the only amount given', () => {
    const only = m('5');
    expect(Money.max(only)).toBe(only);
    expect(Money.min(only)).toBe(only);
  });
});

describe('comparisons', () => {
  it.each([
    { a: '1', b: '2', cmp: -1 },
    { a: '2', b: '1', cmp: 1 },
    { a: '12.5', b: '12.50', cmp: 0 },
    { a: '-1', b: '0', cmp: -1 },
    { a: '9', b: '10', cmp: -1 },
    { a: '0.01', b: '0.1', cmp: -1 },
    { a: '-0.01', b: '-0.1', cmp: 1 },
  ])('orders $a against $b as $cmp', ({ a, b, cmp }) => {
    const x = m(a);
    const y = m(b);
    expect(x.cmp(y)).toBe(cmp);
    expect(x.eq(y)).toBe(cmp === 0);
    expect(x.gt(y)).toBe(cmp > 0);
    expect(x.gte(y)).toBe(cmp >= 0);
    expect(x.lt(y)).toBe(cmp < 0);
    expect(x.lte(y)).toBe(cmp <= 0);
  });

  it('sorts with cmp', () => {
    const sorted = [m('10'), m('-1'), m('9.99'), m('0')].sort((a, b) => a.cmp(b));
    expect(sorted.map(String)).toEqual(['-1.00', '0.00', '9.99', '10.00']);
  });

  it.each([
    { value: '0', zero: true, negative: false, positive: false },
    { value: '-0', zero: true, negative: false, positive: false },
    { value: '0.01', zero: false, negative: false, positive: true },
    { value: '-0.01', zero: false, negative: true, positive: false },
  ])('classifies $value by sign', ({ value, zero, negative, positive }) => {
    expect(m(value).isZero()).toBe(zero);
    expect(m(value).isNegative()).toBe(negative);
    expect(m(value).isPositive()).toBe(positive);
  });
});

describe('ratio', () => {
  it('divides into a plain number, for risk scores', () => {
    expect(m('250000').ratio(m('1000000'))).toBe(0.25);
    expect(m('1').ratio(m('3'))).toBeCloseTo(1 / 3, 15);
    expect(m('-5').ratio(m('2'))).toBe(-2.5);
  });

  it('refuses to divide by zero', () => {
    expect(() => m('1').ratio(Money.zero())).toThrow(RangeError);
  });
});

describe('use as a value', () => {
  it('deep-equals an equal amount however it was written or computed', () => {
    expect(m('12.5')).toEqual(m('12.50'));
    expect(m('12.5000')).toEqual(Money.parse('12.5'));
    expect(m('5').minus(m('5'))).toEqual(Money.zero());
    expect(m('0').negated()).toEqual(Money.zero());
    expect(m('-0')).toEqual(Money.zero());
  });

  it('does not deep-equal a different amount', () => {
    expect(m('1')).not.toEqual(m('2'));
    expect(m('1')).not.toEqual(m('-1'));
    expect(m('0.01')).not.toEqual(Money.zero());
  });

  it('refuses to be used as a number, so a > b cannot silently compare strings', () => {
    const a = m('9');
    const b = m('10');
    expect(() => (a as unknown as number) > (b as unknown as number)).toThrow(TypeError);
    expect(() => Number(a)).toThrow(TypeError);
    expect(() => +a).toThrow(TypeError);
  });

  it('refuses string concatenation with +, which would hide a missing plus()', () => {
    const a = m('1');
    expect(() => (a as unknown as string) + (a as unknown as string)).toThrow(TypeError);
  });

  it('is unaffected by the global decimal.js configuration', () => {
    Decimal.set({ precision: 1, rounding: Decimal.ROUND_DOWN, toExpPos: 0, toExpNeg: 0 });
    try {
      expect(m('123456789.99').plus(m('0.01')).toString()).toBe('123456790.00');
      expect(m('0.05').times(3).toString()).toBe('0.15');
      expect(m('2').ratio(m('8'))).toBe(0.25);
    } finally {
      Decimal.set({ defaults: true });
    }
  });
});
