import { Money } from '@bankshop/money';
import type { RiskFacts, RiskSettings } from '../src/assessments/domain/risk-rules.ts';

/** The defaults of the `RISK_*` variables (README), as the domain takes them. */
export const DEFAULT_SETTINGS: RiskSettings = {
  maxAmount: Money.of('1000000.00'),
  maxTransfersPerMinute: 600,
  newAccountHours: 24,
  newAccountLargeAmount: Money.of('10000.00'),
  unusualAmountMultiplier: 10,
  unusualMinHistory: 3,
  rejectScore: 0.8,
};

export const NOW = new Date('2025-06-01T12:00:00.000Z');

/**
 * A transfer no rule objects to: a modest amount between two active, year-old accounts with an
 * ordinary history. Each spec changes only the facts its rule looks at.
 */
export function safeFacts(overrides: Partial<RiskFacts> = {}): RiskFacts {
  return {
    amount: Money.of('100.00'),
    currency: 'EUR',
    fromAccount: { id: '6f1c2a9e-1b7d-4c1e-9f0a-0a1b2c3d4e5f', status: 'ACTIVE', createdAt: new Date('2024-06-01T00:00:00.000Z') },
    toAccount: { id: '0c9d8e7f-6a5b-4c3d-8e1f-2a3b4c5d6e7f', status: 'ACTIVE' },
    recentTransfers: 1,
    history: { completedTransfers: 10, totalAmount: Money.of('1000.00') },
    now: NOW,
    ...overrides,
  };
}

/** `hours` before `NOW`, shifted by `ms` milliseconds. */
export function hoursBeforeNow(hours: number, ms = 0): Date {
  return new Date(NOW.getTime() - hours * 3_600_000 + ms);
}
