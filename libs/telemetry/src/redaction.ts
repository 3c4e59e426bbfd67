/**
 * Masking of sensitive data, in one place: audit records, log lines and span attributes all go
 * through these functions (or through pino's redaction, configured from the same key list), so a
 * rule changes once and applies everywhere.
 */

/** Keys whose values are never written anywhere, whatever they hold. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|private.?key|api.?key|card.?number|cvc|cvv/i;

/** Sixteen digits in a row: an account (or card) number. */
const FULL_ACCOUNT_NUMBER = /\b(\d{4})\d{8}(\d{4})\b/g;

export const REDACTED = '[redacted]';

/** `1234567890123456` -> `1234********3456`; anything else is returned unchanged. */
export function maskAccountNumbers(text: string): string {
  return text.replace(FULL_ACCOUNT_NUMBER, (_match, first: string, last: string) => `${first}********${last}`);
}

/**
 * A copy of `value` safe to record: secrets removed by key, account numbers masked in every
 * string, at any depth. Cycles and very deep structures are cut rather than followed.
 */
export function redact<T>(value: T, depth = 0): T {
  if (depth > 8) return REDACTED as T;
  if (typeof value === 'string') return maskAccountNumbers(value) as T;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1)]),
    ) as T;
  }
  return value;
}
