import { describe, expect, it } from 'vitest';
import { CURRENCIES, isCurrency } from './currency.ts';

describe('CURRENCIES', () => {
  it('lists exactly the currencies API.md supports', () => {
    expect(CURRENCIES).toEqual(['CNY', 'USD', 'EUR']);
  });
});

describe('isCurrency', () => {
  it.each(CURRENCIES)('accepts %s', (code) => {
    expect(isCurrency(code)).toBe(true);
  });

  it.each([
    { what: 'a lower-case code', input: 'usd' },
    { what: 'an unsupported ISO code', input: 'GBP' },
    { what: 'a code with surrounding spaces', input: ' USD ' },
    { what: 'an empty string', input: '' },
    { what: 'a number', input: 840 },
    { what: 'null', input: null },
    { what: 'undefined', input: undefined },
    { what: 'an array holding a code', input: ['USD'] },
    { what: 'a boxed string', input: new String('USD') },
    { what: 'a name inherited from Array.prototype', input: 'length' },
  ])('rejects $what', ({ input }) => {
    expect(isCurrency(input)).toBe(false);
  });
});
