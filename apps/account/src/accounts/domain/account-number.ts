/**
 * A 16-digit account number: 15 digits from a database sequence plus a Luhn check digit, so a
 * mistyped digit is caught before any lookup (the same scheme as card numbers).
 */
export function accountNumber(sequenceValue: bigint | string): string {
  const body = String(sequenceValue);
  if (!/^[1-9]\d{14}$/.test(body)) throw new RangeError('an account number needs a 15-digit sequence value');
  return body + luhnCheckDigit(body);
}

export function isValidAccountNumber(number: string): boolean {
  return /^\d{16}$/.test(number) && luhnCheckDigit(number.slice(0, 15)) === number.slice(15);
}

/** Masks all but the first and last four digits: `1234********5678` (logs, audit, spans). */
export function maskAccountNumber(number: string): string {
  return `${number.slice(0, 4)}${'*'.repeat(Math.max(number.length - 8, 0))}${number.slice(-4)}`;
}

function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let index = 0; index < body.length; index += 1) {
    let digit = Number(body[body.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}
