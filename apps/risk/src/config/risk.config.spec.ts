import { describe, expect, it } from 'vitest';
import { Money } from '@bankshop/money';
import { InvalidConfigError, loadConfig } from '@bankshop/platform';
import { DEFAULT_SETTINGS } from '../../test/risk-facts.ts';
import { RiskConfig, riskSettingsOf } from './risk.config.ts';

const SHARED = {
  DATABASE_URL: 'postgres://risk:secret@localhost:5432/risk',
  REDIS_URL: 'redis://localhost:6379',
  KAFKA_BROKERS: 'localhost:9092',
  INTERNAL_API_TOKEN: 'internal-token-0123456789abcdef',
  JWT_JWKS_URL: 'http://localhost:3000/.well-known/jwks.json',
};

function problemsWith(env: Record<string, string>): string[] {
  try {
    loadConfig(RiskConfig, { ...SHARED, ...env });
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('RiskConfig', () => {
  it('listens on 3003 and defaults every rule setting as the README documents', () => {
    const config = loadConfig(RiskConfig, SHARED);

    expect(config.PORT).toBe(3003);
    expect(riskSettingsOf(config)).toEqual(DEFAULT_SETTINGS);
  });

  it('reads every rule setting from its variable', () => {
    const config = loadConfig(RiskConfig, {
      ...SHARED,
      RISK_MAX_AMOUNT: '5000.00',
      RISK_MAX_TRANSFERS_PER_MIN: '5',
      RISK_NEW_ACCOUNT_HOURS: '48',
      RISK_NEW_ACCOUNT_LARGE_AMOUNT: '250.5',
      RISK_UNUSUAL_AMOUNT_MULTIPLIER: '3',
      RISK_UNUSUAL_MIN_HISTORY: '5',
      RISK_REJECT_SCORE: '0.5',
    });

    expect(riskSettingsOf(config)).toEqual({
      maxAmount: Money.of('5000.00'),
      maxTransfersPerMinute: 5,
      newAccountHours: 48,
      newAccountLargeAmount: Money.of('250.50'),
      unusualAmountMultiplier: 3,
      unusualMinHistory: 5,
      rejectScore: 0.5,
    });
  });

  it.each([
    { name: 'RISK_MAX_AMOUNT', value: '1e6', problem: 'RISK_MAX_AMOUNT must be a decimal string with at most 2 fraction digits, like "12.50"' },
    { name: 'RISK_MAX_AMOUNT', value: '0', problem: 'RISK_MAX_AMOUNT must be greater than 0' },
    { name: 'RISK_NEW_ACCOUNT_LARGE_AMOUNT', value: '10.001', problem: 'RISK_NEW_ACCOUNT_LARGE_AMOUNT must have at most 2 fraction digits' },
    { name: 'RISK_MAX_TRANSFERS_PER_MIN', value: 'many', problem: 'RISK_MAX_TRANSFERS_PER_MIN must be an integer of at least 1' },
    { name: 'RISK_MAX_TRANSFERS_PER_MIN', value: '0', problem: 'RISK_MAX_TRANSFERS_PER_MIN must be an integer of at least 1' },
    { name: 'RISK_NEW_ACCOUNT_HOURS', value: '1.5', problem: 'RISK_NEW_ACCOUNT_HOURS must be an integer of at least 1' },
    { name: 'RISK_UNUSUAL_AMOUNT_MULTIPLIER', value: '1', problem: 'RISK_UNUSUAL_AMOUNT_MULTIPLIER must be an integer of at least 2' },
    { name: 'RISK_UNUSUAL_MIN_HISTORY', value: '0', problem: 'RISK_UNUSUAL_MIN_HISTORY must be an integer of at least 1' },
    { name: 'RISK_REJECT_SCORE', value: '0', problem: 'RISK_REJECT_SCORE must be a number from 0.01 to 1' },
    { name: 'RISK_REJECT_SCORE', value: '1.5', problem: 'RISK_REJECT_SCORE must be a number from 0.01 to 1' },
    { name: 'RISK_REJECT_SCORE', value: 'high', problem: 'RISK_REJECT_SCORE must be a number from 0.01 to 1' },
  ])('refuses $name="$value", naming the variable', ({ name, value, problem }) => {
    expect(problemsWith({ [name]: value })).toEqual([problem]);
  });
});
