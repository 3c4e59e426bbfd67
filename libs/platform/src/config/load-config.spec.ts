import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidConfigError, loadConfig } from './load-config.ts';
import { ServiceConfig } from './service-config.ts';

/** A service's configuration as services declare it: the base plus its own default port. */
class AccountConfig extends ServiceConfig {
  override PORT = 3001;
}

const REQUIRED = ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'INTERNAL_API_TOKEN', 'JWT_JWKS_URL'] as const;

function validEnv(): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: 'postgres://account:secret@localhost:5432/account',
    REDIS_URL: 'redis://localhost:6379',
    KAFKA_BROKERS: 'localhost:9092, kafka-2.internal:19092',
    INTERNAL_API_TOKEN: 'internal-token-0123456789abcdef',
    JWT_JWKS_URL: 'http://localhost:3000/.well-known/jwks.json',
  };
}

/** The problems `loadConfig` reports for `env`; fails the test when it loads instead. */
function problemsWith(env: NodeJS.ProcessEnv, schema: new () => ServiceConfig = AccountConfig): string[] {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('loadConfig with a valid environment', () => {
  it('loads an instance of the service config, filling in the defaults', () => {
    const config = loadConfig(AccountConfig, validEnv());

    expect(config).toBeInstanceOf(AccountConfig);
    expect({ ...config }).toEqual({
      PORT: 3001,
      DATABASE_URL: 'postgres://account:secret@localhost:5432/account',
      REDIS_URL: 'redis://localhost:6379',
      KAFKA_BROKERS: ['localhost:9092', 'kafka-2.internal:19092'],
      INTERNAL_API_TOKEN: 'internal-token-0123456789abcdef',
      JWT_JWKS_URL: 'http://localhost:3000/.well-known/jwks.json',
      JWT_ISSUER: 'bankshop-gateway',
      JWT_AUDIENCE: 'bankshop',
      LOG_LEVEL: 'info',
      DB_MIGRATE_ON_BOOT: false,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      DB_POOL_SIZE: 10,
      IDEMPOTENCY_KEY_TTL_HOURS: 24,
      IDEMPOTENCY_LEASE_MS: 60_000,
    });
  });

  it('splits KAFKA_BROKERS on commas, trimming blanks and dropping empty entries', () => {
    const config = loadConfig(AccountConfig, { ...validEnv(), KAFKA_BROKERS: ' a:1 ,, b:2 , ' });

    expect(config.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });

  it('converts numbers and booleans from their string form', () => {
    const config = loadConfig(AccountConfig, {
      ...validEnv(),
      PORT: '4001',
      DB_MIGRATE_ON_BOOT: 'true',
      SHUTDOWN_TIMEOUT_MS: '0',
      DB_POOL_SIZE: '3',
      LOG_LEVEL: 'debug',
    });

    expect(config).toMatchObject({
      PORT: 4001,
      DB_MIGRATE_ON_BOOT: true,
      SHUTDOWN_TIMEOUT_MS: 0,
      DB_POOL_SIZE: 3,
      LOG_LEVEL: 'debug',
    });
  });

  it('accepts postgresql:// and rediss:// URLs too', () => {
    const config = loadConfig(AccountConfig, {
      ...validEnv(),
      DATABASE_URL: 'postgresql://db.internal/account',
      REDIS_URL: 'rediss://cache.internal:6380',
    });

    expect(config).toMatchObject({ DATABASE_URL: 'postgresql://db.internal/account', REDIS_URL: 'rediss://cache.internal:6380' });
  });

  it('ignores variables it does not declare', () => {
    const config = loadConfig(AccountConfig, { ...validEnv(), HOME: '/root', AWS_SECRET_ACCESS_KEY: 'shh', PATH: '/usr/bin' });

    expect(config).not.toHaveProperty('HOME');
    expect(config).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(config).not.toHaveProperty('PATH');
  });

  it('returns a frozen object that nothing can change at run time', () => {
    const config = loadConfig(AccountConfig, validEnv());

    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { PORT: number }).PORT = 1;
    }).toThrow(TypeError);
  });

  it('reads process.env by default, once per process', () => {
    class RiskConfig extends ServiceConfig {
      override PORT = 3003;
    }
    for (const [name, value] of Object.entries(validEnv())) vi.stubEnv(name, value);

    const first = loadConfig(RiskConfig);
    vi.stubEnv('LOG_LEVEL', 'debug');

    expect(first.LOG_LEVEL).toBe('info');
    expect(loadConfig(RiskConfig)).toBe(first);
  });
});

describe('loadConfig with an invalid environment', () => {
  it.each(REQUIRED)('names the missing variable %s', (name) => {
    const env = validEnv();
    delete env[name];

    expect(problemsWith(env)).toContain(`${name} is required`);
  });

  it.each(REQUIRED)('treats an empty %s as missing', (name) => {
    expect(problemsWith({ ...validEnv(), [name]: '' })).toContain(`${name} is required`);
  });

  it('reports every missing variable at once, so a deployment is fixed in one go', () => {
    const problems = problemsWith({});

    for (const name of REQUIRED) expect(problems).toContain(`${name} is required`);
  });

  it('throws an InvalidConfigError whose message lists each problem on its own line', () => {
    const env = validEnv();
    delete env.REDIS_URL;

    expect(() => loadConfig(AccountConfig, { ...env, PORT: 'abc' })).toThrow(
      /^Invalid configuration:\n {2}- .*\n {2}- /,
    );
    expect(() => loadConfig(AccountConfig, { ...env, PORT: 'abc' })).toThrow(/\n {2}- REDIS_URL is required/);
    expect(() => loadConfig(AccountConfig, { ...env, PORT: 'abc' })).toThrow(/\n {2}- PORT must be an integer from 1 to 65535/);
  });

  it.each([
    { name: 'DATABASE_URL', value: 'mysql://localhost/account', problem: 'DATABASE_URL must be a URL starting with postgres:// or postgresql://' },
    { name: 'DATABASE_URL', value: 'not a url', problem: 'DATABASE_URL must be a URL starting with postgres:// or postgresql://' },
    { name: 'REDIS_URL', value: 'http://localhost:6379', problem: 'REDIS_URL must be a URL starting with redis:// or rediss://' },
    { name: 'JWT_JWKS_URL', value: 'ftp://gateway/jwks', problem: 'JWT_JWKS_URL must be a URL starting with http:// or https://' },
    { name: 'PORT', value: 'abc', problem: 'PORT must be an integer from 1 to 65535' },
    { name: 'PORT', value: '3000.5', problem: 'PORT must be an integer from 1 to 65535' },
    { name: 'KAFKA_BROKERS', value: 'nohostport', problem: 'KAFKA_BROKERS must be a comma-separated list of host:port' },
    { name: 'KAFKA_BROKERS', value: 'localhost:9092,broken', problem: 'KAFKA_BROKERS must be a comma-separated list of host:port' },
    { name: 'INTERNAL_API_TOKEN', value: 'too-short', problem: 'INTERNAL_API_TOKEN must be at least 16 characters' },
    { name: 'LOG_LEVEL', value: 'verbose', problem: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' },
    { name: 'DB_MIGRATE_ON_BOOT', value: 'yes', problem: 'DB_MIGRATE_ON_BOOT must be true or false' },
  ])('reports a malformed $name ("$value")', ({ name, value, problem }) => {
    expect(problemsWith({ ...validEnv(), [name]: value })).toContain(problem);
  });

  it.each(['0', '65536', '-1'])('reports PORT %s as out of range', (port) => {
    const problems = problemsWith({ ...validEnv(), PORT: port });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe('PORT must be an integer from 1 to 65535');
  });

  it.each([
    { name: 'DB_POOL_SIZE', value: '0' },
    { name: 'SHUTDOWN_TIMEOUT_MS', value: '-1' },
    { name: 'DB_POOL_SIZE', value: 'ten' },
  ])('reports $name "$value"', ({ name, value }) => {
    const problems = problemsWith({ ...validEnv(), [name]: value });

    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((problem) => problem.startsWith(`${name} `))).toBe(true);
  });

  it('requires PORT when the service config does not set a default', () => {
    expect(problemsWith(validEnv(), ServiceConfig)).toContain('PORT must be an integer from 1 to 65535');
  });

  it('never echoes a secret value in its problems', () => {
    const problems = problemsWith({ ...validEnv(), INTERNAL_API_TOKEN: 'hunter2', DATABASE_URL: 'mysql://root:s3cret@db/x' });

    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems.join('\n')).not.toContain('s3cret');
  });
});
