import { MessagingTables1763942400000 } from '@bankshop/messaging';

/** Every migration of the order database, oldest first. */
export const MIGRATIONS = [MessagingTables1763942400000];
