import { Decimal } from 'decimal.js';
import { InvalidMoneyError } from './invalid-money.error.ts';

// Our own Decimal constructor, so `Decimal.set(...)` anywhere else in the process (a dependency, a test)
// cannot change how money is computed. `defaults: true` pins every setting not named here.
// Forty significant digits keep every amount below MAX_EXCLUSIVE exact (38 integer + 2 fraction),
// and banker's rounding is the least biased mode should a ratio ever be rounded.
const D = Decimal.clone({ defaults: true, precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

// With 2 fraction digits, any value below 10^38 fits in 40 significant digits, so plus, minus and
// times never round below this bound. A result at or above it may have been rounded and is refused.
const MAX_EXCLUSIVE = new D('1e38');

const FRACTION_DIGITS = 2;
const MAX_INTEGER_DIGITS = 15;

// Wire grammar (see Money.WIRE_PATTERN). The lookahead excludes zero; the alternation allows a
// single "0" before the point but no other leading zero. API.md is silent on "007.50"; it is more
// likely a client bug (a zero-padding or octal-minded encoder) than an intended 7.50, and a
// rejection can later be relaxed compatibly while an acceptance could never be withdrawn.
const WIRE_PATTERN = /^(?!0(?:\.0{1,2})?$)(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,2})?$/;

// Trusted grammar for Money.of: any sign, any integer length (bounded by MAX_EXCLUSIVE), and
// fraction digits beyond the second only when they are zeros, as Postgres renders numeric
// results of wider scale ("12.5000"). Anything else would need rounding, which is never silent.
const TRUSTED_PATTERN = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]{1,2}0*)?$/;

const LOOSE_DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

const MESSAGES = {
  format: `must be a decimal string with at most ${FRACTION_DIGITS} fraction digits, like "12.50"`,
  notPositive: 'must be greater than 0',
  fractionDigits: `must have at most ${FRACTION_DIGITS} fraction digits`,
  integerDigits: `must have at most ${MAX_INTEGER_DIGITS} integer digits`,
  leadingZeros: 'must not have leading zeros',
} as const;

/**
 * An exact amount of money with cent precision, immutable.
 *
 * Deliberately carries no currency: entities keep the currency in a column of its own, and the
 * column transformer that builds a `Money` from a `numeric` cannot know it. Callers check that the
 * currencies of two amounts match before combining them.
 *
 * Backed by decimal.js and never converted through a JS `number`. Every instance has at most two
 * fraction digits, so `plus`, `minus`, `negated`, `abs` and `times` are exact; an operation whose
 * result would reach 10^38 throws a `RangeError` rather than lose a cent.
 *
 * Build one with {@link Money.parse} from client input, {@link Money.of} from trusted values
 * (database, constants), or {@link Money.zero}.
 */
export class Money {
  /** Fraction digits of every amount, and of every rendering by {@link Money.toString}. */
  static readonly FRACTION_DIGITS = FRACTION_DIGITS;

  /** Most integer digits {@link Money.parse} accepts from a client (API.md). */
  static readonly MAX_INTEGER_DIGITS = MAX_INTEGER_DIGITS;

  /**
   * The exact grammar of an amount sent by a client, for {@link Money.parse} and for API docs
   * (an OpenAPI `pattern` can use `Money.WIRE_PATTERN.source`):
   *
   * ```
   * /^(?!0(?:\.0{1,2})?$)(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,2})?$/
   * ```
   *
   * ASCII digits only; no sign, exponent, spaces, or leading zeros (a single `0` before the point
   * is fine: `"0.50"`); 1–15 integer digits; optionally a point and 1–2 fraction digits; not zero.
   */
  static readonly WIRE_PATTERN = WIRE_PATTERN;

  private static readonly ZERO = new Money(new D(0));

  // A TypeScript-private property rather than a `#field` on purpose: test matchers such as
  // `expect(a).toEqual(b)` compare own properties, and would call any two amounts equal if the
  // value were hidden in a `#field`. decimal.js keeps equal values in one normalised form.
  private constructor(private readonly amount: Decimal) {
    Object.freeze(this);
  }

  /**
   * Parses an amount sent by a client, per the Money rules of API.md.
   *
   * Accepts only a string matching {@link Money.WIRE_PATTERN}: strictly positive, at most
   * 15 integer and 2 fraction digits, like `"12.50"`, `"12.5"`, `"0.01"`. JSON numbers are refused
   * outright because they have already passed through a float by the time they reach us.
   *
   * @throws {@link InvalidMoneyError} with a message fit to show the client.
   */
  static parse(input: unknown): Money {
    if (typeof input === 'string' && WIRE_PATTERN.test(input)) return new Money(new D(input));
    throw new InvalidMoneyError(explain(input));
  }

  /**
   * Checks an amount sent by a client by the same rules as {@link Money.parse}, without throwing.
   * Meant for validation decorators, which prefix the field name to the message.
   *
   * @returns `null` when valid, otherwise a client-facing message such as `must be greater than 0`.
   */
  static validate(input: unknown): string | null {
    if (typeof input === 'string' && WIRE_PATTERN.test(input)) return null;
    return explain(input);
  }

  /**
   * Builds an amount from a trusted value: a `numeric` read from the database, a constant, a
   * configured limit. Unlike {@link Money.parse} it accepts zero and negative amounts, any number
   * of integer digits, and extra fraction digits when they are all zeros (`"12.5000"`), since
   * Postgres renders aggregates that way. A `Money` is returned as it is.
   *
   * Never rounds: `"0.005"` throws. Grammar: `/^-?(?:0|[1-9][0-9]*)(?:\.[0-9]{1,2}0*)?$/`.
   *
   * @throws TypeError if `value` is neither a string nor a `Money` (a JS number would already be a
   *   float). RangeError if the string breaks the grammar or the amount reaches 10^38. These are
   *   programming or data errors, not client errors; never feed client input here.
   */
  static of(value: string | Money): Money {
    if (value instanceof Money) return value;
    if (typeof value !== 'string') {
      throw new TypeError(`Money.of expects a string or a Money, got ${typeof value}`);
    }
    if (!TRUSTED_PATTERN.test(value)) {
      throw new RangeError(
        `Money.of expects a plain decimal string with at most ${FRACTION_DIGITS} significant fraction digits, got ${JSON.stringify(value)}`,
      );
    }
    return Money.ofDecimal(new D(value));
  }

  /** The amount zero. */
  static zero(): Money {
    return Money.ZERO;
  }

  /** The exact total of `items`; zero when there are none. */
  static sum(items: Iterable<Money>): Money {
    let total = Money.ZERO;
    for (const item of items) total = total.plus(item);
    return total;
  }

  /** The largest of the given amounts (the first of equals). */
  static max(first: Money, ...rest: Money[]): Money {
    return rest.reduce((best, item) => (item.gt(best) ? item : best), first);
  }

  /** The smallest of the given amounts (the first of equals). */
  static min(first: Money, ...rest: Money[]): Money {
    return rest.reduce((best, item) => (item.lt(best) ? item : best), first);
  }

  // Every result funnels through here, so the invariants hold for every instance: finite, at most
  // two fraction digits, below the exactness bound, and no negative zero (which would otherwise
  // make equal amounts unequal to test matchers).
  private static ofDecimal(value: Decimal): Money {
    if (!value.isFinite() || value.decimalPlaces() > FRACTION_DIGITS || value.abs().gte(MAX_EXCLUSIVE)) {
      throw new RangeError('Money amount out of range: it cannot be represented exactly');
    }
    return value.isZero() ? Money.ZERO : new Money(value);
  }

  /** `this + other`. */
  plus(other: Money): Money {
    return Money.ofDecimal(this.amount.plus(other.amount));
  }

  /** `this - other`. */
  minus(other: Money): Money {
    return Money.ofDecimal(this.amount.minus(other.amount));
  }

  /** `-this`. */
  negated(): Money {
    return Money.ofDecimal(this.amount.negated());
  }

  /** `|this|`. */
  abs(): Money {
    return Money.ofDecimal(this.amount.abs());
  }

  /**
   * `this × quantity`, for line totals.
   *
   * @param quantity a count of units: a safe, non-negative integer. Fractions are refused because
   *   they would need rounding, which belongs to an explicit business rule, not to this type.
   * @throws RangeError otherwise.
   */
  times(quantity: number): Money {
    if (!Number.isSafeInteger(quantity) || quantity < 0) {
      throw new RangeError(`Money.times expects a safe non-negative integer quantity, got ${String(quantity)}`);
    }
    return Money.ofDecimal(this.amount.times(quantity));
  }

  /**
   * `this / other` as a plain `number`, for risk scoring only. A float is acceptable there because
   * the result is a score, not an amount; never turn it back into money.
   *
   * @throws RangeError if `other` is zero.
   */
  ratio(other: Money): number {
    if (other.isZero()) throw new RangeError('Money.ratio: division by zero');
    return this.amount.div(other.amount).toNumber();
  }

  /** -1, 0 or 1 as `this` is less than, equal to or greater than `other`; fits `Array.sort`. */
  cmp(other: Money): -1 | 0 | 1 {
    // decimal.js returns exactly -1, 0 or 1 for finite values (NaN only for NaN, never held here).
    return this.amount.cmp(other.amount) as -1 | 0 | 1;
  }

  /** Whether both amounts are equal (`"12.5"` equals `"12.50"`). */
  eq(other: Money): boolean {
    return this.amount.eq(other.amount);
  }

  /** `this > other`. */
  gt(other: Money): boolean {
    return this.amount.gt(other.amount);
  }

  /** `this >= other`. */
  gte(other: Money): boolean {
    return this.amount.gte(other.amount);
  }

  /** `this < other`. */
  lt(other: Money): boolean {
    return this.amount.lt(other.amount);
  }

  /** `this <= other`. */
  lte(other: Money): boolean {
    return this.amount.lte(other.amount);
  }

  /** `this == 0`. */
  isZero(): boolean {
    return this.amount.isZero();
  }

  /** `this < 0`. */
  isNegative(): boolean {
    return this.amount.lt(0);
  }

  /** `this > 0`. */
  isPositive(): boolean {
    return this.amount.gt(0);
  }

  /**
   * The canonical rendering: optional `-`, integer digits, a point and exactly two fraction digits;
   * never an exponent. `"1000000.00"`, `"0.01"`, `"-5.00"`. Also what goes to the database.
   */
  toString(): string {
    // decimal.js's toFixed, unlike Number's, never switches to exponent notation.
    return this.amount.toFixed(FRACTION_DIGITS);
  }

  /** Same as {@link Money.toString}, so `JSON.stringify` renders amounts as API.md requires. */
  toJSON(): string {
    return this.toString();
  }

  /**
   * Allows `${amount}` and `String(amount)`, refuses `amount + x`, `amount > x` and `Number(amount)`.
   * Without this, `a > b` would silently compare the strings ("9.00" > "10.00") and `a + b` would
   * concatenate them.
   */
  [Symbol.toPrimitive](hint: 'string' | 'number' | 'default'): string {
    if (hint === 'string') return this.toString();
    throw new TypeError('Money is not a number: use plus/minus/cmp, or toString() for text');
  }
}

// WIRE_PATTERN alone decides validity; this only picks the most specific message for a rejection.
function explain(input: unknown): string {
  const match = typeof input === 'string' ? LOOSE_DECIMAL.exec(input) : null;
  if (match === null) return MESSAGES.format;
  const [, sign = '', integer = '', fraction = ''] = match;
  if (sign === '-') return MESSAGES.notPositive;
  if (fraction.length > FRACTION_DIGITS) return MESSAGES.fractionDigits;
  if (integer.length > 1 && integer.startsWith('0')) return MESSAGES.leadingZeros;
  if (integer.length > MAX_INTEGER_DIGITS) return MESSAGES.integerDigits;
  if (/^0*$/.test(integer + fraction)) return MESSAGES.notPositive;
  return MESSAGES.format;
}
