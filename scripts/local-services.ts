import { SERVICES } from '../libs/contracts/src/services.ts';
import { loadConfig, RUNTIME_ROLES } from './infra/config.ts';

/** The shared secret of `/internal/*` routes on a developer machine; never used anywhere else. */
const DEV_INTERNAL_API_TOKEN = 'dev-internal-token-change-me';

/**
 * The environment each service gets when run natively (`npm run dev`, `npm run db:migrate`),
 * pointing at the infrastructure `npm run infra:up` provides. The shared settings
 * (INTERNAL_API_TOKEN, JWT_JWKS_URL, OTEL_EXPORTER_OTLP_ENDPOINT) can be overridden from the shell.
 */
export function localServiceEnv(service: (typeof SERVICES)[number]): Record<string, string> {
  const infra = loadConfig();
  const { host, port, user, password } = infra.postgres;
  const url = (login: { user: string; password: string }) =>
    `postgresql://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@${host}:${port}/${service.database}`;
  // A service with a runtime role of its own runs as that role; the owner only migrates.
  const runtime = RUNTIME_ROLES.find((role) => role.name === `bankshop_${service.name}`);
  return {
    PORT: String(service.port),
    DATABASE_URL: url(runtime ? { user: runtime.name, password: runtime.password } : { user, password }),
    MIGRATION_DATABASE_URL: url({ user, password }),
    REDIS_URL: infra.redis.url,
    KAFKA_BROKERS: infra.kafka.brokers.join(','),
    INTERNAL_API_TOKEN: process.env.INTERNAL_API_TOKEN ?? DEV_INTERNAL_API_TOKEN,
    JWT_JWKS_URL: process.env.JWT_JWKS_URL ?? 'http://127.0.0.1:3000/.well-known/jwks.json',
    OTEL_SERVICE_NAME: service.name,
    // Where each service finds the others (only the variables a service declares are read).
    ...Object.fromEntries(SERVICES.map((other) => [`${other.name.toUpperCase()}_SERVICE_URL`, `http://127.0.0.1:${other.port}`])),
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? { OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
  };
}

export { SERVICES };
