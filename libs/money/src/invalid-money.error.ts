/**
 * A client sent an amount that breaks the Money rules of API.md.
 *
 * Thrown only by {@link Money.parse}, i.e. for untrusted input, so its `message` is written for the
 * client and never contains internals. The error filter maps `code` to a 400.
 */
export class InvalidMoneyError extends Error {
  /** Stable machine-readable code; clients may branch on it, so never change it. */
  readonly code = 'INVALID_MONEY';

  override readonly name = 'InvalidMoneyError';

  /** @param message what is wrong with the amount, phrased for the client (`must be ...`). */
  constructor(message: string) {
    super(message);
  }
}
