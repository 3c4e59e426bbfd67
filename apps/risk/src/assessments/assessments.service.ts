import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { RiskAssessedV1 } from '@bankshop/contracts';
import { Outbox } from '@bankshop/messaging';
import { Money } from '@bankshop/money';
import { decodeCursor, isUniqueViolation, isUuid, toPage, type Page } from '@bankshop/platform';
import { meter, withSpan } from '@bankshop/telemetry';
import { RiskConfig, riskSettingsOf } from '../config/risk.config.ts';
import { AccountProfilesService } from '../profiles/account-profiles.service.ts';
import { VelocityCounter } from '../velocity/velocity-counter.ts';
import { AssessmentConflictError } from './domain/assessment-conflict.error.ts';
import { assessRisk } from './domain/risk-engine.ts';
import type { RiskFacts, RiskSettings } from './domain/risk-rules.ts';
import { AssessmentRequestDto } from './dto/assessment-request.dto.ts';
import { toAssessmentView, type AssessmentView } from './dto/assessment.view.ts';
import { ListAssessmentsQuery } from './dto/list-assessments.query.ts';
import { Assessment } from './persistence/assessment.entity.ts';

/** Where the next page of the admin list starts: after this row, newest first. */
type Position = { createdAt: string; id: string };

const isPosition = (position: Record<string, unknown>): position is Position =>
  typeof position.createdAt === 'string' && !Number.isNaN(Date.parse(position.createdAt)) && isUuid(position.id);

/** Assesses transfers (once each), records the outcome with its event, and lists assessments. */
@Injectable()
export class AssessmentsService {
  private readonly logger = new Logger(AssessmentsService.name);
  private readonly settings: RiskSettings;
  private readonly assessmentsMade = meter().createCounter('bankshop.risk.assessments', {
    unit: '{assessment}',
    description: 'Transfers assessed, by decision',
  });
  private readonly ruleHits = meter().createCounter('bankshop.risk.rule_hits', {
    unit: '{hit}',
    description: 'Rules that fired, by reason code',
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly velocity: VelocityCounter,
    private readonly profiles: AccountProfilesService,
    @InjectRepository(Assessment) private readonly assessments: Repository<Assessment>,
    config: RiskConfig,
  ) {
    this.settings = riskSettingsOf(config);
  }

  /**
   * The assessment of a transfer: the stored one if the transfer was assessed before (the rules
   * do not run twice, so a retry can never turn a REJECT into an APPROVE), otherwise a new one.
   */
  assess(request: AssessmentRequestDto): Promise<Assessment> {
    return withSpan('risk.assess', async (span) => {
      const stored = await this.storedFor(request);
      const assessment = stored ?? (await this.assessNew(request));
      // Decision and score only: span attributes never carry account numbers or amounts.
      span.setAttributes({
        'risk.decision': assessment.decision,
        'risk.score': assessment.score,
        'risk.replayed': stored !== null,
      });
      return assessment;
    });
  }

  /** Assessments newest first, optionally of one source account, a page at a time. */
  async list(query: ListAssessmentsQuery): Promise<Page<AssessmentView>> {
    const rows = this.assessments
      .createQueryBuilder('assessment')
      .orderBy('assessment.createdAt', 'DESC')
      .addOrderBy('assessment.id', 'DESC')
      .limit(query.limit + 1);
    if (query.accountId) {
      rows.andWhere('assessment.fromAccountId = :accountId', { accountId: query.accountId });
    }
    if (query.cursor) {
      const after = decodeCursor(query.cursor, isPosition);
      rows.andWhere('(assessment.createdAt, assessment.id) < (:createdAt, :id)', {
        createdAt: new Date(after.createdAt),
        id: after.id,
      });
    }
    return toPage(await rows.getMany(), query.limit, toAssessmentView, (assessment) => ({
      createdAt: assessment.createdAt.toISOString(),
      id: assessment.id,
    }));
  }

  private async assessNew(request: AssessmentRequestDto): Promise<Assessment> {
    const assessment = await this.evaluate(request);
    try {
      await this.record(assessment);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent request for the same transfer stored its assessment first; answer that one,
      // so both callers get the same decision and only one event is published.
      const stored = await this.storedFor(request);
      if (!stored) throw error;
      return stored;
    }
    this.assessmentsMade.add(1, { decision: assessment.decision });
    for (const reason of assessment.reasons) this.ruleHits.add(1, { reason });
    return assessment;
  }

  /** Gathers the facts, runs the rules, and returns the (not yet stored) assessment. */
  private async evaluate(request: AssessmentRequestDto): Promise<Assessment> {
    const now = new Date();
    const [recentTransfers, history] = await Promise.all([
      this.countRecentTransfers(request, now),
      this.profiles.historyOf(request.fromAccount.id),
    ]);
    const facts: RiskFacts = {
      amount: Money.parse(request.amount),
      currency: request.currency,
      fromAccount: {
        id: request.fromAccount.id,
        status: request.fromAccount.status,
        createdAt: new Date(request.fromAccount.createdAt),
      },
      toAccount: { id: request.toAccount.id, status: request.toAccount.status },
      recentTransfers,
      history,
      now,
    };
    const outcome = assessRisk(facts, this.settings);
    return {
      id: randomUUID(),
      transferId: request.transferId,
      fromAccountId: request.fromAccount.id,
      toAccountId: request.toAccount.id,
      amount: facts.amount,
      currency: request.currency,
      decision: outcome.decision,
      score: outcome.score,
      reasons: outcome.reasons,
      createdAt: now,
    };
  }

  /** Stores the assessment and its `risk.assessed.v1` event: both commit, or neither (the outbox). */
  private async record(assessment: Assessment): Promise<void> {
    const payload: RiskAssessedV1 = {
      assessmentId: assessment.id,
      transferId: assessment.transferId,
      accountId: assessment.fromAccountId,
      decision: assessment.decision,
      score: assessment.score,
      reasons: assessment.reasons,
    };
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Assessment, assessment);
      await this.outbox.append(manager, { type: 'risk.assessed.v1', aggregateId: assessment.fromAccountId, payload });
    });
  }

  /**
   * How many transfers the source account made in the last minute, or `null` when Redis cannot
   * say. The rules then reject the transfer (VELOCITY_UNAVAILABLE): money safety comes before
   * availability, as in the transaction service, which fails closed when this service is down.
   */
  private async countRecentTransfers(request: AssessmentRequestDto, now: Date): Promise<number | null> {
    try {
      return await this.velocity.count(request.fromAccount.id, request.transferId, now);
    } catch (error) {
      this.logger.error({ err: error }, 'velocity counter unavailable; rejecting the transfer (fail closed)');
      return null;
    }
  }

  /** The stored assessment of this transfer, if any; refused if it was about different money. */
  private async storedFor(request: AssessmentRequestDto): Promise<Assessment | null> {
    const stored = await this.assessments.findOneBy({ transferId: request.transferId });
    if (!stored) return null;
    const sameTransfer =
      stored.fromAccountId === request.fromAccount.id &&
      stored.toAccountId === request.toAccount.id &&
      stored.amount.eq(Money.parse(request.amount)) &&
      stored.currency === request.currency;
    if (!sameTransfer) throw new AssessmentConflictError(request.transferId);
    return stored;
  }
}

