import { DomainError } from '@bankshop/contracts';

/** Unknown, or not yours: the same answer either way, so that ids reveal nothing (API.md). */
export class AccountNotFoundError extends DomainError {
  readonly code = 'ACCOUNT_NOT_FOUND';

  constructor() {
    super('No such account.');
  }
}

export class AccountFrozenError extends DomainError {
  readonly code = 'ACCOUNT_FROZEN';

  constructor(accountId: string) {
    super('The account is frozen; no money can move in or out of it.', { accountId });
  }
}

export class InsufficientFundsError extends DomainError {
  readonly code = 'INSUFFICIENT_FUNDS';

  constructor() {
    super('The available balance is too low for this amount.');
  }
}

export class CurrencyMismatchError extends DomainError {
  readonly code = 'CURRENCY_MISMATCH';

  constructor() {
    super('Both accounts must hold the same currency.');
  }
}

export class SameAccountError extends DomainError {
  readonly code = 'SAME_ACCOUNT';

  constructor() {
    super('The source and destination accounts must differ.');
  }
}

export class HoldNotFoundError extends DomainError {
  readonly code = 'HOLD_NOT_FOUND';

  constructor() {
    super('No such hold.');
  }
}

/** The hold was voided or has expired: its funds are no longer reserved. */
export class HoldNotOpenError extends DomainError {
  readonly code = 'HOLD_NOT_OPEN';

  constructor(status: string) {
    super(`The hold is ${status.toLowerCase()}.`, { holdStatus: status });
  }
}

/** Optimistic locking gave up after its retries: too many writers on the same accounts. */
export class ConcurrentUpdateError extends DomainError {
  readonly code = 'CONCURRENT_UPDATE';

  constructor() {
    super('The account is being updated by too many requests at once. Retry shortly.');
  }
}
