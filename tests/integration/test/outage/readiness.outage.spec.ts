import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  freePort,
  serviceEnv,
  ServiceProcess,
  TestIdentityProvider,
  type TestDatabase,
} from '@bankshop/testing';
import { startKafka, startPostgres, stopKafka, stopPostgres } from '../../../../scripts/infra/up.ts';

/**
 * Stops the real Kafka broker and PostgreSQL server, so it runs alone, after every other suite
 * (`npm run test:outage`), never in parallel with them.
 */
describe('readiness follows the real dependencies', () => {
  const identity = new TestIdentityProvider();
  let database: TestDatabase;
  let account: ServiceProcess;

  beforeAll(async () => {
    await identity.start();
    database = await createTestDatabase('outage');
    account = await ServiceProcess.start({
      app: 'account',
      port: await freePort(),
      env: serviceEnv({ database: database.name, jwksUrl: identity.jwksUrl }),
    });
  });

  afterAll(async () => {
    await startKafka();
    await startPostgres();
    await account?.stop();
    await database?.drop();
    await identity.stop();
  });

  it('turns not ready while Kafka is down, and ready again once it is back', async () => {
    expect(await stopKafka()).toBe(true);
    await waitForStatus(account, 503, 'kafka');
    expect(await account.probe('live')).toBe(200);

    await startKafka();
    await waitForStatus(account, 200);
  }, 120_000);

  it('turns not ready while PostgreSQL is down, and ready again once it is back', async () => {
    expect(await stopPostgres()).toBe(true);
    await waitForStatus(account, 503, 'postgres');
    expect(await account.probe('live')).toBe(200);

    await startPostgres();
    await waitForStatus(account, 200);
  }, 120_000);
});

async function waitForStatus(service: ServiceProcess, status: number, down?: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last: { status: number; body: unknown } = { status: 0, body: undefined };
  while (Date.now() < deadline) {
    const response = await fetch(`${service.url}/health/ready`).catch(() => undefined);
    if (response) {
      last = { status: response.status, body: await response.json() };
      const details = (last.body as { details?: Record<string, { status: string }> }).details ?? {};
      if (last.status === status && (!down || details[down]?.status === 'down')) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`readiness never became ${status}; last answer: ${JSON.stringify(last)}`);
}
