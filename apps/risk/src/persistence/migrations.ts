import { MessagingTables1763942400000 } from '@bankshop/messaging';
import { RiskSchema1763943000000 } from './risk-schema.migration.ts';

/** Every migration of the risk database, oldest first. */
export const MIGRATIONS = [MessagingTables1763942400000, RiskSchema1763943000000];
