import { describe, expect, it } from 'vitest';
import { SERVICES } from '@bankshop/contracts';
import { freePort, ServiceProcess } from '@bankshop/testing';

const VALID_ENV = {
  DATABASE_URL: 'postgresql://bankshop:bankshop@127.0.0.1:5432/account',
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092',
  INTERNAL_API_TOKEN: 'a-long-enough-internal-token',
  JWT_JWKS_URL: 'http://127.0.0.1:3000/.well-known/jwks.json',
  // Services that call others need to know where they are.
  ...Object.fromEntries(SERVICES.map((service) => [`${service.name.toUpperCase()}_SERVICE_URL`, `http://127.0.0.1:${service.port}`])),
};

async function startWith(app: (typeof SERVICES)[number]['name'], env: Record<string, string>) {
  const service = new ServiceProcess({ app, port: await freePort(), env, waitFor: 'nothing' });
  await service.start();
  // Loading the telemetry hook and the app on a loaded 2-core host can alone take over 15 s.
  const status = await service.waitForExit(45_000);
  return { status, output: service.output() };
}

// The seven services start at once (`it.concurrent`): on two cores each takes several seconds to load.
describe('a service with bad configuration refuses to start and names the variable', { timeout: 60_000 }, () => {
  it.concurrent.each(SERVICES.map((service) => service.name))('%s exits non-zero without DATABASE_URL', async (app) => {
    const { DATABASE_URL: _omitted, ...env } = VALID_ENV;
    const { status, output } = await startWith(app, env);
    expect(status.code).toBe(1);
    expect(output).toMatch(/Invalid configuration:\n\s+- DATABASE_URL is required\n/);
  });

  it('reports every malformed variable at once', async () => {
    const { status, output } = await startWith('account', {
      ...VALID_ENV,
      DATABASE_URL: 'mysql://somewhere/db',
      KAFKA_BROKERS: 'not a broker',
      INTERNAL_API_TOKEN: 'short',
      LOG_LEVEL: 'loud',
    });
    expect(status.code).toBe(1);
    expect(output).toContain('DATABASE_URL must be a URL starting with postgres:// or postgresql://');
    expect(output).toContain('KAFKA_BROKERS must be a comma-separated list of host:port');
    expect(output).toContain('INTERNAL_API_TOKEN must be at least 16 characters');
    expect(output).toContain('LOG_LEVEL must be one of');
  });
});
