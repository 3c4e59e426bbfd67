import { DomainError } from '@bankshop/contracts';

export class EmailTakenError extends DomainError {
  readonly code = 'EMAIL_TAKEN';

  constructor() {
    super('An account with this email already exists.');
  }
}

/** Deliberately the same for an unknown email and a wrong password. */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';

  constructor() {
    super('The email or password is not correct.');
  }
}
