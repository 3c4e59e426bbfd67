import { InvalidEventError, type TransferOutcomeV1 } from '@bankshop/contracts';
import { Money } from '@bankshop/money';
import { isUuid } from '@bankshop/platform';

/** The part of a `transfer.completed.v1` payload the profiles use, checked. */
export interface CompletedTransfer {
  fromAccountId: string;
  amount: Money;
}

/**
 * Checks a `transfer.completed.v1` payload read off Kafka: a message is a boundary like an HTTP
 * body, so it is validated once, here. Fields the profiles do not use are not required, so the
 * producer can evolve them compatibly.
 *
 * @throws InvalidEventError naming the first field that is wrong.
 */
export function parseCompletedTransfer(payload: unknown): CompletedTransfer {
  if (typeof payload !== 'object' || payload === null) {
    throw new InvalidEventError('payload is not a JSON object');
  }
  const { fromAccountId, amount } = payload as Partial<Record<keyof TransferOutcomeV1, unknown>>;
  if (!isUuid(fromAccountId)) {
    throw new InvalidEventError('payload field "fromAccountId" must be a UUID');
  }
  const problem = Money.validate(amount);
  if (problem !== null) {
    throw new InvalidEventError(`payload field "amount" ${problem}`);
  }
  return { fromAccountId: fromAccountId.toLowerCase(), amount: Money.parse(amount) };
}
