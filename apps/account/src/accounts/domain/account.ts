import type { AccountStatus, Currency } from '@bankshop/contracts';
import type { Money } from '@bankshop/money';
import { AccountFrozenError, InsufficientFundsError } from './account-errors.ts';

export interface AccountState {
  id: string;
  number: string;
  ownerId: string;
  currency: Currency;
  balance: Money;
  /** Reserved by open holds (prepared transfers); not spendable, still owned. */
  held: Money;
  status: AccountStatus;
  frozenReason: string | null;
  version: number;
  createdAt: Date;
}

/**
 * An account and its money rules. Every change goes through a method here, which refuses what
 * must never happen (spending held or missing money, moving money on a frozen account) before
 * anything is written.
 */
export class Account {
  private changed = false;

  constructor(private state: AccountState) {}

  get id(): string {
    return this.state.id;
  }

  get ownerId(): string {
    return this.state.ownerId;
  }

  get currency(): Currency {
    return this.state.currency;
  }

  get balance(): Money {
    return this.state.balance;
  }

  get held(): Money {
    return this.state.held;
  }

  /** What can be spent now: the balance minus what open holds reserve. */
  get available(): Money {
    return this.state.balance.minus(this.state.held);
  }

  get status(): AccountStatus {
    return this.state.status;
  }

  get version(): number {
    return this.state.version;
  }

  /** Whether a method changed this account since it was loaded (only changed accounts are written). */
  get isChanged(): boolean {
    return this.changed;
  }

  snapshot(): Readonly<AccountState> {
    return { ...this.state };
  }

  isOwnedBy(userId: string): boolean {
    return this.state.ownerId === userId;
  }

  deposit(amount: Money): void {
    this.assertActive();
    this.apply({ balance: this.state.balance.plus(amount) });
  }

  withdraw(amount: Money): void {
    this.assertActive();
    this.assertAvailable(amount);
    this.apply({ balance: this.state.balance.minus(amount) });
  }

  /** Prepare: reserve `amount` for a transfer. The balance stays; it is no longer available. */
  hold(amount: Money): void {
    this.assertActive();
    this.assertAvailable(amount);
    this.apply({ held: this.state.held.plus(amount) });
  }

  /** Commit the debit side: the reserved amount leaves the account. */
  captureHold(amount: Money): void {
    this.assertActive();
    this.apply({ held: this.state.held.minus(amount), balance: this.state.balance.minus(amount) });
  }

  /** Release a reservation (void or expiry). Allowed even when frozen: it only gives money back. */
  releaseHold(amount: Money): void {
    this.apply({ held: this.state.held.minus(amount) });
  }

  /** Commit the credit side of a transfer. */
  credit(amount: Money): void {
    this.assertActive();
    this.apply({ balance: this.state.balance.plus(amount) });
  }

  /** Returns false when the account was already frozen (nothing changes, nothing to announce). */
  freeze(reason: string): boolean {
    if (this.state.status === 'FROZEN') return false;
    this.apply({ status: 'FROZEN', frozenReason: reason });
    return true;
  }

  /** Returns false when the account was not frozen. */
  unfreeze(): boolean {
    if (this.state.status !== 'FROZEN') return false;
    this.apply({ status: 'ACTIVE', frozenReason: null });
    return true;
  }

  assertActive(): void {
    if (this.state.status !== 'ACTIVE') throw new AccountFrozenError(this.state.id);
  }

  private assertAvailable(amount: Money): void {
    if (this.available.lt(amount)) throw new InsufficientFundsError();
  }

  private apply(change: Partial<AccountState>): void {
    this.state = { ...this.state, ...change };
    this.changed = true;
  }
}
