import { MessagingTables1763942400000 } from '@bankshop/messaging';
import { GatewaySchema1763943300000 } from './gateway-schema.migration.ts';

/** Every migration of the gateway database, oldest first. */
export const MIGRATIONS = [MessagingTables1763942400000, GatewaySchema1763943300000];
