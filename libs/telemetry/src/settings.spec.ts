import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { settingsFromEnv } from './settings.ts';

/**
 * The service name and version come from the package.json nearest to the entry script
 * (`process.argv[1]`), so each test points argv[1] into a throwaway package of its own.
 */
let root: string;
let originalArgv: string[];

function fakePackage(name: string, manifest: Record<string, unknown>): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'telemetry-settings-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  originalArgv = [...process.argv];
  const service = fakePackage('account', { name: '@bankshop/account', version: '1.4.2' });
  process.argv[1] = join(service, 'dist', 'main.js');
});

afterEach(() => {
  process.argv.splice(0, process.argv.length, ...originalArgv);
  vi.unstubAllEnvs();
});

describe('settingsFromEnv', () => {
  it('falls back to sensible defaults when nothing is configured', () => {
    expect(settingsFromEnv({})).toEqual({
      serviceName: 'account',
      serviceVersion: '1.4.2',
      environment: 'development',
      otlpEndpoint: undefined,
      exportDelayMillis: 1000,
      metricIntervalMillis: 15_000,
    });
  });

  it('names the service after the nearest package.json of the entry script, without its npm scope', () => {
    expect(settingsFromEnv({}).serviceName).toBe('account');
  });

  it('walks up from the entry script until it finds a package.json', () => {
    const service = fakePackage('transaction', { name: '@bankshop/transaction', version: '2.0.0' });
    process.argv[1] = join(service, 'dist', 'deeply', 'nested', 'main.js');

    expect(settingsFromEnv({})).toMatchObject({ serviceName: 'transaction', serviceVersion: '2.0.0' });
  });

  it('keeps an unscoped package name as it is', () => {
    const service = fakePackage('plain', { name: 'plain-service' });
    process.argv[1] = join(service, 'main.js');

    expect(settingsFromEnv({}).serviceName).toBe('plain-service');
  });

  it('uses version 0.0.0 when the package.json has none', () => {
    const service = fakePackage('unversioned', { name: '@bankshop/risk' });
    process.argv[1] = join(service, 'main.js');

    expect(settingsFromEnv({}).serviceVersion).toBe('0.0.0');
  });

  it('uses the OpenTelemetry unknown-service name when there is no entry script', () => {
    process.argv.splice(1);

    expect(settingsFromEnv({})).toMatchObject({ serviceName: 'unknown_service:node', serviceVersion: '0.0.0' });
  });

  it('prefers OTEL_SERVICE_NAME and SERVICE_VERSION over the package.json, trimmed', () => {
    const settings = settingsFromEnv({ OTEL_SERVICE_NAME: '  gateway ', SERVICE_VERSION: ' 9.9.9' });

    expect(settings).toMatchObject({ serviceName: 'gateway', serviceVersion: '9.9.9' });
  });

  it('ignores blank variables as if they were unset', () => {
    const settings = settingsFromEnv({
      OTEL_SERVICE_NAME: '   ',
      SERVICE_VERSION: '',
      DEPLOYMENT_ENVIRONMENT: ' ',
      OTEL_EXPORTER_OTLP_ENDPOINT: '  ',
    });

    expect(settings).toMatchObject({
      serviceName: 'account',
      serviceVersion: '1.4.2',
      environment: 'development',
      otlpEndpoint: undefined,
    });
  });

  it('takes the environment from DEPLOYMENT_ENVIRONMENT before NODE_ENV', () => {
    expect(settingsFromEnv({ DEPLOYMENT_ENVIRONMENT: 'staging', NODE_ENV: 'production' }).environment).toBe('staging');
    expect(settingsFromEnv({ NODE_ENV: 'production' }).environment).toBe('production');
  });

  it('keeps the OTLP endpoint as given when it has no trailing slash', () => {
    expect(settingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).otlpEndpoint).toBe(
      'http://collector:4318',
    );
  });

  it.each(['http://collector:4318/', 'http://collector:4318///'])(
    'strips trailing slashes from the OTLP endpoint %s, so signal paths can be appended',
    (endpoint) => {
      expect(settingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }).otlpEndpoint).toBe('http://collector:4318');
    },
  );

  it('reads positive integer export intervals', () => {
    const settings = settingsFromEnv({ OTEL_BSP_SCHEDULE_DELAY: '250', OTEL_METRIC_EXPORT_INTERVAL: '5000' });

    expect(settings).toMatchObject({ exportDelayMillis: 250, metricIntervalMillis: 5000 });
  });

  it.each(['abc', '0', '-5', '1.5', '', '10ms'])('falls back to the default interval for the invalid number "%s"', (value) => {
    const settings = settingsFromEnv({ OTEL_BSP_SCHEDULE_DELAY: value, OTEL_METRIC_EXPORT_INTERVAL: value });

    expect(settings).toMatchObject({ exportDelayMillis: 1000, metricIntervalMillis: 15_000 });
  });

  it('reads process.env when no environment is passed', () => {
    vi.stubEnv('OTEL_SERVICE_NAME', 'from-process-env');

    expect(settingsFromEnv().serviceName).toBe('from-process-env');
  });
});
