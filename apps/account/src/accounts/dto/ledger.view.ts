import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ApiCurrency, ApiMoney } from '@bankshop/platform';
import type { LedgerEntryRecord, LedgerEntryType } from '../persistence/ledger-entry.record.ts';

const LEDGER_ENTRY_TYPES = ['DEPOSIT', 'WITHDRAWAL', 'TRANSFER_DEBIT', 'TRANSFER_CREDIT'] as const satisfies readonly LedgerEntryType[];

/** `LedgerEntry` of API.md; `amount` is signed (debits negative). */
@ApiSchema({ name: 'LedgerEntry' })
export class LedgerEntryView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  accountId!: string;

  @ApiProperty({ enum: LEDGER_ENTRY_TYPES, enumName: 'LedgerEntryType' })
  type!: LedgerEntryType;

  @ApiMoney({ signed: true, example: '-12.50', description: 'Credits positive, debits negative.' })
  amount!: string;

  @ApiMoney({ example: '137.50', description: 'The balance of the account right after this entry.' })
  balanceAfter!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The transfer that wrote this entry, for transfer legs.' })
  transferId?: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export function toLedgerEntryView(entry: LedgerEntryRecord): LedgerEntryView {
  return {
    id: entry.id,
    accountId: entry.accountId,
    type: entry.type,
    amount: entry.amount.toString(),
    balanceAfter: entry.balanceAfter.toString(),
    ...(entry.transferId ? { transferId: entry.transferId } : {}),
    createdAt: entry.createdAt.toISOString(),
  };
}

/** Bank-wide sums for one currency, read in one snapshot: `balance == deposits - withdrawals`. */
@ApiSchema({ name: 'CurrencyTotals' })
export class CurrencyTotalsView {
  @ApiCurrency()
  currency!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many accounts hold this currency.' })
  accounts!: number;

  @ApiMoney({ example: '1500.00', description: 'The sum of all balances.' })
  balance!: string;

  @ApiMoney({ example: '20.00', description: 'Funds held by transfers in progress.' })
  held!: string;

  @ApiMoney({ example: '2000.00', description: 'Everything ever deposited.' })
  deposits!: string;

  @ApiMoney({ example: '500.00', description: 'Everything ever withdrawn.' })
  withdrawals!: string;
}
