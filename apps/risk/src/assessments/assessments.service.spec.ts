import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent, Outbox } from '@bankshop/messaging';
import { Money } from '@bankshop/money';
import { RiskConfig } from '../config/risk.config.ts';
import type { AccountProfilesService } from '../profiles/account-profiles.service.ts';
import type { VelocityCounter } from '../velocity/velocity-counter.ts';
import { AssessmentsService } from './assessments.service.ts';
import { AssessmentConflictError } from './domain/assessment-conflict.error.ts';
import type { AssessmentRequestDto } from './dto/assessment-request.dto.ts';
import type { Assessment } from './persistence/assessment.entity.ts';

const request: AssessmentRequestDto = {
  transferId: '3f2b8c1e-6d4a-4b9e-8f1c-2a3b4c5d6e7f',
  fromAccount: { id: '6f1c2a9e-1b7d-4c1e-9f0a-0a1b2c3d4e5f', status: 'ACTIVE', createdAt: '2024-06-01T00:00:00.000Z' },
  toAccount: { id: '0c9d8e7f-6a5b-4c3d-8e1f-2a3b4c5d6e7f', status: 'ACTIVE' },
  amount: '25.00',
  currency: 'EUR',
};

/**
 * The service over hand-made fakes: an in-memory table of assessments, an outbox that keeps what
 * it is given, an account never seen before, and the velocity counter under test.
 */
function serviceWith(velocity: Pick<VelocityCounter, 'count'>, stored: Assessment[] = []) {
  const events: NewEvent[] = [];
  const manager = {
    insert: async (_entity: unknown, row: Assessment) => {
      stored.push(row);
    },
  };
  const dataSource = { transaction: <T>(work: (manager: EntityManager) => Promise<T>) => work(manager as unknown as EntityManager) };
  const outbox = {
    append: async (_manager: EntityManager, ...appended: NewEvent[]) => {
      events.push(...appended);
      return [];
    },
  };
  const profiles = { historyOf: async () => ({ completedTransfers: 0, totalAmount: Money.zero() }) };
  const assessments = {
    findOneBy: async ({ transferId }: { transferId: string }) => stored.find((row) => row.transferId === transferId) ?? null,
  };
  const service = new AssessmentsService(
    dataSource as unknown as DataSource,
    outbox as unknown as Outbox,
    velocity as VelocityCounter,
    profiles as unknown as AccountProfilesService,
    assessments as unknown as Repository<Assessment>,
    new RiskConfig(),
  );
  return { service, stored, events };
}

/** A counter that answers, counting how often it was asked. */
function countingVelocity() {
  const velocity = { calls: 0, count: async () => ++velocity.calls };
  return velocity;
}

const unreachableRedis = {
  count: () => Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
};

beforeAll(() => {
  // The fail-closed path logs an error on purpose; keep it out of the test output.
  Logger.overrideLogger(false);
});

describe('AssessmentsService when Redis cannot count recent transfers', () => {
  it('fails closed: REJECT with VELOCITY_UNAVAILABLE and the full score', async () => {
    const { service } = serviceWith(unreachableRedis);

    const assessment = await service.assess(request);

    expect(assessment).toMatchObject({ decision: 'REJECT', score: 1, reasons: ['VELOCITY_UNAVAILABLE'] });
  });

  it('still records the rejection and publishes it, so admins see why the transfer was refused', async () => {
    const { service, stored, events } = serviceWith(unreachableRedis);

    const assessment = await service.assess(request);

    expect(stored).toEqual([assessment]);
    expect(events).toEqual([
      {
        type: 'risk.assessed.v1',
        aggregateId: request.fromAccount.id,
        payload: {
          assessmentId: assessment.id,
          transferId: request.transferId,
          accountId: request.fromAccount.id,
          decision: 'REJECT',
          score: 1,
          reasons: ['VELOCITY_UNAVAILABLE'],
        },
      },
    ]);
  });

  it('approves the same transfer when the counter answers', async () => {
    const { service } = serviceWith(countingVelocity());

    await expect(service.assess(request)).resolves.toMatchObject({ decision: 'APPROVE', score: 0, reasons: [] });
  });
});

describe('AssessmentsService for a transfer assessed before', () => {
  it('answers the stored assessment without counting it again or running the rules', async () => {
    const velocity = countingVelocity();
    const { service, stored, events } = serviceWith(velocity);
    const first = await service.assess(request);

    const again = await service.assess(request);

    expect(again).toBe(first);
    expect(velocity.calls).toBe(1);
    expect(stored).toHaveLength(1);
    expect(events).toHaveLength(1);
  });

  it('refuses the transfer id with different money, rather than reuse a decision about other money', async () => {
    const { service } = serviceWith(countingVelocity());
    await service.assess(request);

    await expect(service.assess({ ...request, amount: '2500.00' })).rejects.toBeInstanceOf(AssessmentConflictError);
  });
});
