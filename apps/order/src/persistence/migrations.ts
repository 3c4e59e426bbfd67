import { MessagingTables1763942400000 } from '@bankshop/messaging';
import { IdempotencyKeys1763942600000 } from '@bankshop/platform';
import { OrderSchema1763944000000 } from './order-schema.migration.ts';

/** Every migration of the order database, oldest first. */
export const MIGRATIONS = [MessagingTables1763942400000, IdempotencyKeys1763942600000, OrderSchema1763944000000];
