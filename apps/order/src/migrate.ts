import { migrate } from '@bankshop/platform';
import { MIGRATIONS } from './persistence/migrations.ts';

await migrate({ serviceName: 'order', entities: [], migrations: MIGRATIONS });
