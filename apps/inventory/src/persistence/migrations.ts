import { MessagingTables1763942400000 } from '@bankshop/messaging';
import { InventorySchema1763943500000 } from './inventory-schema.migration.ts';

/** Every migration of the inventory database, oldest first. */
export const MIGRATIONS = [MessagingTables1763942400000, InventorySchema1763943500000];
