import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * What the telemetry SDK needs to start. It is read from the environment because telemetry
 * starts before the application (and its validated config) exists; these are the standard
 * OpenTelemetry variable names, so any OpenTelemetry-aware platform sets them the usual way.
 */
export interface TelemetrySettings {
  serviceName: string;
  serviceVersion: string;
  environment: string;
  /** Base OTLP/HTTP endpoint, e.g. `http://collector:4318`. Unset: nothing is exported. */
  otlpEndpoint: string | undefined;
  /** How often buffered spans and logs are sent; tests shorten it to see spans quickly. */
  exportDelayMillis: number;
  metricIntervalMillis: number;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): TelemetrySettings {
  const pkg = nearestPackageJson(process.argv[1]);
  return {
    serviceName: nonEmpty(env.OTEL_SERVICE_NAME) ?? serviceNameOf(pkg?.name) ?? 'unknown_service:node',
    serviceVersion: nonEmpty(env.SERVICE_VERSION) ?? pkg?.version ?? '0.0.0',
    environment: nonEmpty(env.DEPLOYMENT_ENVIRONMENT) ?? nonEmpty(env.NODE_ENV) ?? 'development',
    otlpEndpoint: nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT)?.replace(/\/+$/, ''),
    exportDelayMillis: positiveInt(env.OTEL_BSP_SCHEDULE_DELAY, 1000),
    metricIntervalMillis: positiveInt(env.OTEL_METRIC_EXPORT_INTERVAL, 15_000),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function positiveInt(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** `@bankshop/account` -> `account`: the service name shown in traces and dashboards. */
function serviceNameOf(packageName: string | undefined): string | undefined {
  return packageName?.replace(/^@[^/]+\//, '');
}

function nearestPackageJson(entry: string | undefined): { name?: string; version?: string } | undefined {
  if (!entry) return undefined;
  let dir = dirname(entry);
  for (;;) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }
}
