import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { instrumentations } from './instrumentations.ts';
import type { TelemetrySettings } from './settings.ts';

/** Not yet in the stable semantic-conventions entry point. */
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

/** Exports must never hold up a request or a shutdown for long. */
const EXPORT_TIMEOUT_MILLIS = 5_000;

let sdk: NodeSDK | undefined;

/**
 * Starts tracing, metrics and logs for this process. Instrumentation is always on, even without
 * a collector, so trace context still flows between services and every response and log line
 * still carries a trace id; only exporting is skipped when no endpoint is configured.
 */
export function startTelemetry(settings: TelemetrySettings): void {
  if (sdk) return;
  diag.setLogger(onceEachLogger(), DiagLogLevel.WARN);

  const endpoint = settings.otlpEndpoint;
  sdk = new NodeSDK({
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: settings.serviceName,
        [ATTR_SERVICE_VERSION]: settings.serviceVersion,
        [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: settings.environment,
      }),
    ),
    // Host and process detectors add little here and cost start-up time.
    autoDetectResources: false,
    instrumentations: instrumentations(),
    spanProcessors: endpoint
      ? [
          new BatchSpanProcessor({
            exporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, timeoutMillis: EXPORT_TIMEOUT_MILLIS }),
            scheduledDelayMillis: settings.exportDelayMillis,
          }),
        ]
      : // The SDK installs no tracer at all without a processor; spans are still needed for context.
        [new NoopSpanProcessor()],
    metricReaders: endpoint
      ? [
          new PeriodicExportingMetricReader({
            exporter: new OTLPMetricExporter({ url: `${endpoint}/v1/metrics`, timeoutMillis: EXPORT_TIMEOUT_MILLIS }),
            exportIntervalMillis: settings.metricIntervalMillis,
            exportTimeoutMillis: Math.min(EXPORT_TIMEOUT_MILLIS, settings.metricIntervalMillis),
          }),
        ]
      : [],
    logRecordProcessors: endpoint
      ? [
          new BatchLogRecordProcessor({
            exporter: new OTLPLogExporter({ url: `${endpoint}/v1/logs`, timeoutMillis: EXPORT_TIMEOUT_MILLIS }),
            scheduledDelayMillis: settings.exportDelayMillis,
          }),
        ]
      : [],
  });
  sdk.start();
}

/**
 * Flushes what is buffered and stops exporting. Called last during graceful shutdown, after the
 * HTTP server and consumers have stopped, so the spans of the final requests are not lost.
 */
export async function shutdownTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown().catch(() => undefined);
}

/**
 * An unreachable collector must not flood the logs: each distinct diagnostic message is printed
 * once per process, as one JSON line on stderr like every other log line.
 */
function onceEachLogger(): DiagLogger {
  const seen = new Set<string>();
  const write = (level: string) => (message: string) => {
    if (seen.has(message) || seen.size > 100) return;
    seen.add(message);
    process.stderr.write(`${JSON.stringify({ level, time: Date.now(), msg: `opentelemetry: ${message}` })}\n`);
  };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: () => {}, verbose: () => {} };
}
