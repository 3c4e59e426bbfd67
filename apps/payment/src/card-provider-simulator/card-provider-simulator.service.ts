import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Money } from '@bankshop/money';
import type { CreateChargeDto } from './dto/simulator.dto.ts';
import { SimulatedChargeRecord, type SimulatedChargeStatus } from './persistence/simulated-charge.record.ts';

/** How the simulator treats each test token (API.md "Simulated card provider tokens"). */
export const TEST_TOKENS = {
  /** Approves. */
  visa: 'tok_visa',
  /** Declines: nothing is charged. */
  declined: 'tok_chargeDeclined',
  /** Fails with a 5xx every time, charging nothing. */
  processingError: 'tok_processingError',
  /** Never answers and never charges. */
  timeout: 'tok_timeout',
  /**
   * Charges, then never answers: the provider took the money but its answer is lost, so the
   * client times out without knowing. Only asking by the key (or cancelling by it) tells.
   */
  timeoutAfterCharge: 'tok_timeoutAfterCharge',
} as const;

/** What the simulator does with a charge request. */
export type ChargeAnswer =
  | { kind: 'charge'; charge: SimulatedChargeRecord }
  | { kind: 'keyReused' }
  | { kind: 'processingError' }
  | { kind: 'noAnswer' };

export type RefundAnswer =
  | { kind: 'refund'; charge: SimulatedChargeRecord }
  | { kind: 'noSuchCharge' }
  | { kind: 'notRefundable' };

/**
 * A card provider that behaves like a real one where it matters to the payment service: it is
 * idempotent by key (a repeated key answers the first charge; the same key with another request
 * is refused), it declines, fails and hangs on demand (by token), and a charge can be cancelled by
 * its key, after which that key never charges. Unknown tokens are declined.
 *
 * Which of a charge and a cancellation with one key came first is decided by the key's unique
 * row: a charge made before the cancellation stands (the cancellation answers it), and one that
 * comes after it finds the cancellation and takes nothing.
 */
@Injectable()
export class CardProviderSimulatorService {
  constructor(private readonly dataSource: DataSource) {}

  async charge(key: string, request: CreateChargeDto): Promise<ChargeAnswer> {
    const requestHash = hashOf(request);
    const earlier = await this.find(key);
    if (earlier) return this.replay(earlier, requestHash);

    let status: SimulatedChargeStatus;
    switch (request.token) {
      case TEST_TOKENS.processingError:
        return { kind: 'processingError' };
      case TEST_TOKENS.timeout:
        return { kind: 'noAnswer' };
      case TEST_TOKENS.visa:
      case TEST_TOKENS.timeoutAfterCharge:
        status = 'succeeded';
        break;
      default:
        status = 'declined';
    }
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SimulatedChargeRecord)
      .values({
        id: newId('ch'),
        key,
        requestHash,
        amount: Money.parse(request.amount),
        currency: request.currency,
        description: request.description ?? null,
        status,
      })
      .orIgnore()
      .execute();
    // Whoever won a race for the key (another request, or a cancellation) decides the answer.
    const answer = this.replay((await this.find(key))!, requestHash);
    return request.token === TEST_TOKENS.timeoutAfterCharge && answer.kind === 'charge' ? { kind: 'noAnswer' } : answer;
  }

  find(key: string): Promise<SimulatedChargeRecord | null> {
    return this.dataSource.getRepository(SimulatedChargeRecord).findOneBy({ key });
  }

  /** The charge made with `key`, or, if there is none, a cancellation that stops it ever happening. */
  async cancel(key: string): Promise<SimulatedChargeRecord> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SimulatedChargeRecord)
      .values({ id: newId('ch'), key, status: 'canceled' })
      .orIgnore()
      .execute();
    return (await this.find(key))!;
  }

  /** A full refund, at most one per charge: asking again answers the first. */
  async refund(chargeId: string): Promise<RefundAnswer> {
    const charges = this.dataSource.getRepository(SimulatedChargeRecord);
    const charge = await charges.findOneBy({ id: chargeId });
    if (!charge) return { kind: 'noSuchCharge' };
    if (charge.status !== 'succeeded') return { kind: 'notRefundable' };
    if (charge.refundId === null) {
      await this.dataSource.query(`UPDATE card_provider_charges SET refund_id = $2, refunded_at = now() WHERE id = $1 AND refund_id IS NULL`, [
        chargeId,
        newId('re'),
      ]);
    }
    return { kind: 'refund', charge: (await charges.findOneBy({ id: chargeId }))! };
  }

  private replay(charge: SimulatedChargeRecord, requestHash: string): ChargeAnswer {
    // A cancelled key answers every later request with the cancellation.
    if (charge.requestHash !== null && charge.requestHash !== requestHash) return { kind: 'keyReused' };
    return { kind: 'charge', charge };
  }
}

function newId(prefix: 'ch' | 're'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

function hashOf(request: CreateChargeDto): string {
  const { token, amount, currency, description } = request;
  return createHash('sha256')
    .update(JSON.stringify([token, Money.parse(amount).toString(), currency, description ?? null]))
    .digest('hex');
}
