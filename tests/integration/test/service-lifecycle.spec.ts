import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '@bankshop/contracts';
import {
  createTestDatabase,
  freePort,
  serviceEnv,
  ServiceProcess,
  TestIdentityProvider,
  type TestDatabase,
} from '@bankshop/testing';
import type { TestService } from '@bankshop/testing';
import { startFixture } from './fixtures.ts';

describe('every service boots and reports itself ready against real PostgreSQL, Redis and Kafka', () => {
  const identity = new TestIdentityProvider();
  const running: { service: ServiceProcess; database: TestDatabase }[] = [];

  beforeAll(async () => {
    await identity.start();
    for (const { name } of SERVICES) {
      const database = await createTestDatabase(name);
      const service = new ServiceProcess({
        app: name,
        port: await freePort(),
        env: serviceEnv({
          database: database.name,
          jwksUrl: identity.jwksUrl,
          // Services that call others need their URLs to start; readiness does not call them.
          extra: Object.fromEntries(SERVICES.map((other) => [`${other.name.toUpperCase()}_SERVICE_URL`, 'http://127.0.0.1:9'])),
        }),
        waitFor: 'nothing',
      });
      running.push({ service, database });
    }
    await Promise.all(running.map(({ service }) => service.start()));
  });

  afterAll(async () => {
    await Promise.all(running.map(({ service }) => service.stop()));
    await Promise.all(running.map(({ database }) => database.drop()));
    await identity.stop();
  });

  it.each(SERVICES.map((service, index) => [service.name, index] as const))(
    '%s answers /health/live and /health/ready with every dependency up',
    async (_name, index) => {
      const { service } = running[index]!;
      await service.waitUntil('ready', 80_000);
      const live = await fetch(`${service.url}/health/live`);
      expect(live.status).toBe(200);
      const ready = await fetch(`${service.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ok',
        details: { postgres: { status: 'up' }, redis: { status: 'up' }, kafka: { status: 'up' } },
      });
    },
    // Seven services boot at once, often beside another suite's system on two cores.
    90_000,
  );

  it('answers an unknown route with problem+json and a request id', async () => {
    const { service } = running[0]!;
    const response = await fetch(`${service.url}/no/such/route`, { headers: { 'x-request-id': 'spec-request-1' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('x-request-id')).toBe('spec-request-1');
    expect(await response.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('graceful shutdown', () => {
  const identity = new TestIdentityProvider();
  let producer: TestService;

  beforeAll(async () => {
    await identity.start();
    producer = await startFixture('producer', { jwksUrl: identity.jwksUrl });
  });

  afterAll(async () => {
    await producer?.stop();
    await identity.stop();
  });

  it('finishes the request in flight, stops taking new ones, and exits 0 on SIGTERM', async () => {
    const inFlight = fetch(`${producer.service.url}/things/slow?ms=1500`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = producer.service.stop();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ waited: 1500 });
    expect((await exited).code).toBe(0);
    await expect(fetch(`${producer.service.url}/health/live`)).rejects.toThrow();
  });
});
