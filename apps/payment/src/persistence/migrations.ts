import { MessagingTables1763942400000 } from '@bankshop/messaging';
import { CardProviderSimulatorSchema1763943700000 } from '../card-provider-simulator/persistence/card-provider-simulator-schema.migration.ts';
import { PaymentSchema1763943600000 } from './payment-schema.migration.ts';

/** Every migration of the payment database, oldest first. */
export const MIGRATIONS = [MessagingTables1763942400000, PaymentSchema1763943600000, CardProviderSimulatorSchema1763943700000];
