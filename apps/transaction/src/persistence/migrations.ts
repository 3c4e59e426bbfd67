import { MessagingTables1763942400000 } from '@bankshop/messaging';
import { IdempotencyKeys1763942600000 } from '@bankshop/platform';
import { ComplianceSchema1763943400000 } from './compliance-schema.migration.ts';
import { ReconciliationDiscrepancyCount1763943500000 } from './reconciliation-discrepancy-count.migration.ts';
import { TransactionRuntimeRole1763943350000 } from './runtime-role.migration.ts';
import { TransactionSchema1763943200000 } from './transaction-schema.migration.ts';

/** Every migration of the transaction database, oldest first. */
export const MIGRATIONS = [
  MessagingTables1763942400000,
  IdempotencyKeys1763942600000,
  TransactionSchema1763943200000,
  TransactionRuntimeRole1763943350000,
  ComplianceSchema1763943400000,
  ReconciliationDiscrepancyCount1763943500000,
];
