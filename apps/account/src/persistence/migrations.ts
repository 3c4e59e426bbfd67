import { MessagingTables1763942400000 } from '@bankshop/messaging';
import { IdempotencyKeys1763942600000 } from '@bankshop/platform';
import { AccountSchema1763943100000 } from './account-schema.migration.ts';

/** Every migration of the account database, oldest first. */
export const MIGRATIONS = [MessagingTables1763942400000, IdempotencyKeys1763942600000, AccountSchema1763943100000];
