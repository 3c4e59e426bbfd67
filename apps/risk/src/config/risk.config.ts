import { Transform } from 'class-transformer';
import { IsNumber, Max, Min } from 'class-validator';
import { Money } from '@bankshop/money';
import { EnvInt, IsMoneyAmount, ServiceConfig } from '@bankshop/platform';
import type { RiskSettings } from '../assessments/domain/risk-rules.ts';

// The environment holds strings; anything that is not a plain decimal number is left as it is, so
// the validator reports it instead of a silent NaN.
const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;

const SCORE_RANGE = 'must be a number from 0.01 to 1';

/**
 * Environment of the risk service; see `ServiceConfig` for the variables every service shares.
 * The `RISK_*` variables tune the rules (see the rules table in the service's README).
 */
export class RiskConfig extends ServiceConfig {
  override PORT = 3003;

  /** A single transfer above this is always rejected (API.md). */
  @IsMoneyAmount()
  RISK_MAX_AMOUNT = '1000000.00';

  /** More transfers than this from one account within 60 seconds are rejected (API.md). */
  @EnvInt(1)
  RISK_MAX_TRANSFERS_PER_MIN = 600;

  /** An account younger than this many hours is "new". */
  @EnvInt(1)
  RISK_NEW_ACCOUNT_HOURS = 24;

  /** A first transfer of at least this much from a new account is suspicious. */
  @IsMoneyAmount()
  RISK_NEW_ACCOUNT_LARGE_AMOUNT = '10000.00';

  /**
   * A transfer more than this many times the account's average is "far above usual". An integer,
   * so the comparison stays exact money arithmetic (Money multiplies by whole numbers only).
   */
  @EnvInt(2)
  RISK_UNUSUAL_AMOUNT_MULTIPLIER = 10;

  /** Completed transfers needed before an account has a "usual" amount at all. */
  @EnvInt(1)
  RISK_UNUSUAL_MIN_HISTORY = 3;

  /** Combined scores at or above this are rejected. */
  @Transform(toNumber)
  @IsNumber({}, { message: SCORE_RANGE })
  @Min(0.01, { message: SCORE_RANGE })
  @Max(1, { message: SCORE_RANGE })
  RISK_REJECT_SCORE = 0.8;
}

/** The rule thresholds as the domain takes them: amounts as `Money`, never as strings. */
export function riskSettingsOf(config: RiskConfig): RiskSettings {
  return {
    maxAmount: Money.of(config.RISK_MAX_AMOUNT),
    maxTransfersPerMinute: config.RISK_MAX_TRANSFERS_PER_MIN,
    newAccountHours: config.RISK_NEW_ACCOUNT_HOURS,
    newAccountLargeAmount: Money.of(config.RISK_NEW_ACCOUNT_LARGE_AMOUNT),
    unusualAmountMultiplier: config.RISK_UNUSUAL_AMOUNT_MULTIPLIER,
    unusualMinHistory: config.RISK_UNUSUAL_MIN_HISTORY,
    rejectScore: config.RISK_REJECT_SCORE,
  };
}
