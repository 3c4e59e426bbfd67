/**
 * The currencies the system supports, in the order API.md lists them.
 *
 * Kept as a readonly tuple so it can drive both the {@link Currency} type and runtime checks
 * (validation decorators, OpenAPI enums) from one source.
 */
export const CURRENCIES = ['CNY', 'USD', 'EUR'] as const;

/** An ISO 4217 code of a supported currency. */
export type Currency = (typeof CURRENCIES)[number];

/**
 * Whether `x` is one of the supported currency codes. Exact and case-sensitive: `"usd"` is not a
 * currency, so a client sending it gets a validation error instead of a silent upper-casing.
 */
export function isCurrency(x: unknown): x is Currency {
  // Widened to `readonly string[]` only so `includes` accepts an arbitrary string.
  return typeof x === 'string' && (CURRENCIES as readonly string[]).includes(x);
}
