import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money } from './money.ts';
import { moneyTransformer } from './money.transformer.ts';

// Integer cents held in a bigint are the reference model: exact by construction, and independent
// of decimal.js, so agreement between the two is meaningful.
function centsToString(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const magnitude = cents < 0n ? -cents : cents;
  return `${sign}${magnitude / 100n}.${(magnitude % 100n).toString().padStart(2, '0')}`;
}

const NUMERIC_20_2_MAX_CENTS = 10n ** 20n - 1n;
const WIRE_MAX_CENTS = 10n ** 17n - 1n;

// Mixing magnitudes makes small values (where zero and sign bugs live) as likely as huge ones.
const cents = fc.oneof(
  fc.bigInt({ min: -10_000n, max: 10_000n }),
  fc.bigInt({ min: -NUMERIC_20_2_MAX_CENTS, max: NUMERIC_20_2_MAX_CENTS }),
  fc.bigInt({ min: -(10n ** 37n), max: 10n ** 37n }),
);
const wireCents = fc.oneof(fc.bigInt({ min: 1n, max: 10_000n }), fc.bigInt({ min: 1n, max: WIRE_MAX_CENTS }));
const money = cents.map((c) => Money.of(centsToString(c)));

describe('Money against a bigint cents model', () => {
  it('round-trips every amount through its string form', () => {
    fc.assert(
      fc.property(cents, (c) => {
        expect(Money.of(centsToString(c)).toString()).toBe(centsToString(c));
      }),
    );
  });

  it('parses every valid client amount to the same value Money.of gives', () => {
    fc.assert(
      fc.property(wireCents, (c) => {
        const text = centsToString(c);
        expect(Money.validate(text)).toBeNull();
        expect(Money.parse(text)).toEqual(Money.of(text));
      }),
    );
  });

  it('adds and subtracts exactly as integer cents do', () => {
    fc.assert(
      fc.property(cents, cents, (a, b) => {
        expect(Money.of(centsToString(a)).plus(Money.of(centsToString(b))).toString()).toBe(centsToString(a + b));
        expect(Money.of(centsToString(a)).minus(Money.of(centsToString(b))).toString()).toBe(centsToString(a - b));
      }),
    );
  });

  it('gets back exactly to a after adding and then subtracting b', () => {
    fc.assert(
      fc.property(money, money, (a, b) => {
        expect(a.plus(b).minus(b).eq(a)).toBe(true);
        expect(a.plus(b).minus(b)).toEqual(a);
      }),
    );
  });

  it('does not drift over a long run of deposits and withdrawals', () => {
    const operation = fc.record({
      kind: fc.constantFrom('plus', 'minus'),
      cents: fc.oneof(fc.bigInt({ min: 1n, max: 100n }), fc.bigInt({ min: 1n, max: NUMERIC_20_2_MAX_CENTS })),
    });
    fc.assert(
      fc.property(fc.array(operation, { minLength: 100, maxLength: 1000 }), (operations) => {
        let expected = 0n;
        let balance = Money.zero();
        for (const op of operations) {
          const amount = Money.of(centsToString(op.cents));
          if (op.kind === 'plus') {
            expected += op.cents;
            balance = balance.plus(amount);
          } else {
            expected -= op.cents;
            balance = balance.minus(amount);
          }
        }
        expect(balance.toString()).toBe(centsToString(expected));
      }),
      { numRuns: 50 },
    );
  });

  it('sums a list exactly as integer cents do', () => {
    fc.assert(
      fc.property(fc.array(cents, { maxLength: 200 }), (list) => {
        const expected = list.reduce((total, c) => total + c, 0n);
        expect(Money.sum(list.map((c) => Money.of(centsToString(c)))).toString()).toBe(centsToString(expected));
      }),
    );
  });

  it('adds commutatively', () => {
    fc.assert(
      fc.property(money, money, (a, b) => {
        expect(a.plus(b)).toEqual(b.plus(a));
      }),
    );
  });

  it('adds associatively', () => {
    fc.assert(
      fc.property(money, money, money, (a, b, c) => {
        expect(a.plus(b).plus(c)).toEqual(a.plus(b.plus(c)));
      }),
    );
  });

  it('has zero as the identity and negation as the inverse of addition', () => {
    fc.assert(
      fc.property(money, (a) => {
        expect(a.plus(Money.zero())).toEqual(a);
        expect(a.plus(a.negated())).toEqual(Money.zero());
        expect(a.negated().negated()).toEqual(a);
      }),
    );
  });

  it('multiplies by a quantity exactly as integer cents do', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -NUMERIC_20_2_MAX_CENTS, max: NUMERIC_20_2_MAX_CENTS }),
        fc.nat({ max: 1_000_000 }),
        (c, quantity) => {
          expect(Money.of(centsToString(c)).times(quantity).toString()).toBe(centsToString(c * BigInt(quantity)));
        },
      ),
    );
  });

  it('compares exactly as integer cents do', () => {
    fc.assert(
      fc.property(cents, cents, (a, b) => {
        const expected = a < b ? -1 : a > b ? 1 : 0;
        const x = Money.of(centsToString(a));
        const y = Money.of(centsToString(b));
        expect(x.cmp(y)).toBe(expected);
        expect(x.eq(y)).toBe(a === b);
        expect(x.lt(y)).toBe(a < b);
        expect(x.lte(y)).toBe(a <= b);
        expect(x.gt(y)).toBe(a > b);
        expect(x.gte(y)).toBe(a >= b);
      }),
    );
  });

  it('classifies the sign as integer cents do', () => {
    fc.assert(
      fc.property(cents, (c) => {
        const amount = Money.of(centsToString(c));
        expect(amount.isZero()).toBe(c === 0n);
        expect(amount.isNegative()).toBe(c < 0n);
        expect(amount.isPositive()).toBe(c > 0n);
        expect(amount.abs().toString()).toBe(centsToString(c < 0n ? -c : c));
      }),
    );
  });
});

describe('parse and validate on arbitrary input', () => {
  it('agree: parse throws exactly when validate returns a message', () => {
    const input = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', '+', 'e', ' ') }),
      fc.anything(),
    );
    fc.assert(
      fc.property(input, (value) => {
        const problem = Money.validate(value);
        if (problem === null) {
          expect(() => Money.parse(value)).not.toThrow();
        } else {
          expect(() => Money.parse(value)).toThrow(problem);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('accepts only strictly positive amounts that render back to the padded input', () => {
    const input = fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '.', '-'), maxLength: 20 });
    fc.assert(
      fc.property(input, (value) => {
        if (Money.validate(value) !== null) return;
        const amount = Money.parse(value);
        expect(amount.isPositive()).toBe(true);
        const [integer = '', fraction = ''] = value.split('.');
        expect(amount.toString()).toBe(`${integer}.${fraction.padEnd(2, '0')}`);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('moneyTransformer round trip', () => {
  it('reads back exactly what it wrote', () => {
    fc.assert(
      fc.property(money, (amount) => {
        expect(moneyTransformer.from(moneyTransformer.to(amount))).toEqual(amount);
      }),
    );
  });

  it('writes back exactly the numeric(20,2) string it read', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -NUMERIC_20_2_MAX_CENTS, max: NUMERIC_20_2_MAX_CENTS }), (c) => {
        const column = centsToString(c);
        expect(moneyTransformer.to(moneyTransformer.from(column))).toBe(column);
      }),
    );
  });
});
