import { describe, expect, it } from 'vitest';
import { maskAccountNumbers, redact, REDACTED } from './redaction.ts';

describe('maskAccountNumbers', () => {
  it('keeps the first and last four digits of a 16-digit number', () => {
    expect(maskAccountNumbers('from 1234567890123456 to 6543210987654321')).toBe('from 1234********3456 to 6543********4321');
  });

  it('leaves shorter and longer digit runs alone', () => {
    expect(maskAccountNumbers('123456789012345 and 12345678901234567')).toBe('123456789012345 and 12345678901234567');
  });
});

describe('redact', () => {
  it('removes secrets by key at any depth and masks account numbers in strings', () => {
    expect(
      redact({
        email: 'ada@example.com',
        password: 'hunter22',
        nested: { accessToken: 'eyJ...', note: 'account 1234567890123456' },
        list: [{ apiKey: 'k' }],
      }),
    ).toEqual({
      email: 'ada@example.com',
      password: REDACTED,
      nested: { accessToken: REDACTED, note: 'account 1234********3456' },
      list: [{ apiKey: REDACTED }],
    });
  });

  it('keeps numbers, booleans, nulls and dates as they are', () => {
    const at = new Date(0);
    expect(redact({ amount: 12, ok: true, none: null, at })).toEqual({ amount: 12, ok: true, none: null, at });
  });
});
