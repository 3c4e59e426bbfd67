import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A span as received over OTLP, flattened for assertions. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  links: { traceId: string; spanId: string }[];
}

export interface ReceivedMetricPoint {
  service: string;
  name: string;
  attributes: Record<string, unknown>;
  value: number;
}

export interface ReceivedLogRecord {
  service: string;
  body: unknown;
  traceId: string | undefined;
  severity: string | undefined;
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

/**
 * A minimal OTLP/HTTP (JSON) receiver for tests: point services' `OTEL_EXPORTER_OTLP_ENDPOINT` at
 * it and assert on the spans, metrics and logs they export. The real collector is exercised
 * separately; this keeps trace assertions fast and in-process.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly metrics: ReceivedMetricPoint[] = [];
  readonly logs: ReceivedLogRecord[] = [];
  private server: Server | undefined;

  /** Starts listening on a free port; returns the endpoint for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void readBody(request).then(
        (body) => {
          try {
            this.accept(request.url ?? '', JSON.parse(body) as OtlpDocument);
            response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
          } catch {
            response.writeHead(400).end();
          }
        },
        () => response.writeHead(400).end(),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    this.spans.length = 0;
    this.metrics.length = 0;
    this.logs.length = 0;
  }

  /** All spans of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  /** Waits until `predicate` holds for the spans received so far, or fails after `timeoutMs`. */
  async waitForSpans(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs = 15_000): Promise<ReceivedSpan[]> {
    return waitFor(() => (predicate(this.spans) ? this.spans : undefined), timeoutMs, () => this.describe());
  }

  /** The latest value of a metric (summed over points with matching attributes), when it appears. */
  async waitForMetric(
    name: string,
    predicate: (points: ReceivedMetricPoint[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<ReceivedMetricPoint[]> {
    return waitFor(
      () => {
        const points = this.metrics.filter((point) => point.name === name);
        return points.length > 0 && predicate(points) ? points : undefined;
      },
      timeoutMs,
      () => `metric ${name}: ${JSON.stringify(this.metrics.filter((point) => point.name === name).slice(-5))}`,
    );
  }

  private describe(): string {
    return this.spans.map((span) => `${span.service} ${span.name} ${span.traceId}/${span.spanId}<-${span.parentSpanId ?? '-'}`).join('\n');
  }

  private accept(path: string, document: OtlpDocument): void {
    if (path.startsWith('/v1/traces')) {
      for (const resourceSpans of document.resourceSpans ?? []) {
        const service = serviceOf(resourceSpans.resource);
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            this.spans.push({
              traceId: hexId(span.traceId),
              spanId: hexId(span.spanId),
              parentSpanId: span.parentSpanId ? hexId(span.parentSpanId) : undefined,
              name: span.name,
              kind: span.kind ?? 0,
              service,
              attributes: attributesOf(span.attributes),
              statusCode: span.status?.code ?? 0,
              links: (span.links ?? []).map((link) => ({ traceId: hexId(link.traceId), spanId: hexId(link.spanId) })),
            });
          }
        }
      }
    } else if (path.startsWith('/v1/metrics')) {
      for (const resourceMetrics of document.resourceMetrics ?? []) {
        const service = serviceOf(resourceMetrics.resource);
        for (const scope of resourceMetrics.scopeMetrics ?? []) {
          for (const metric of scope.metrics ?? []) {
            const points = metric.sum?.dataPoints ?? metric.gauge?.dataPoints ?? metric.histogram?.dataPoints ?? [];
            for (const point of points) {
              this.metrics.push({
                service,
                name: metric.name,
                attributes: attributesOf(point.attributes),
                value: Number(point.asInt ?? point.asDouble ?? point.count ?? 0),
              });
            }
          }
        }
      }
    } else if (path.startsWith('/v1/logs')) {
      for (const resourceLogs of document.resourceLogs ?? []) {
        const service = serviceOf(resourceLogs.resource);
        for (const scope of resourceLogs.scopeLogs ?? []) {
          for (const record of scope.logRecords ?? []) {
            this.logs.push({
              service,
              body: anyValue(record.body),
              traceId: record.traceId ? hexId(record.traceId) : undefined,
              severity: record.severityText,
            });
          }
        }
      }
    }
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = probe();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; received:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}

/** OTLP JSON carries ids as hex; older encoders used base64. Accept both. */
function hexId(id: string): string {
  return /^[0-9a-f]+$/i.test(id) && (id.length === 32 || id.length === 16)
    ? id.toLowerCase()
    : Buffer.from(id, 'base64').toString('hex');
}

function serviceOf(resource: { attributes?: OtlpAttribute[] } | undefined): string {
  return String(attributesOf(resource?.attributes)['service.name'] ?? 'unknown');
}

function attributesOf(attributes: OtlpAttribute[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map((attribute) => [attribute.key, anyValue(attribute.value)]));
}

function anyValue(value: OtlpAnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue) return attributesOf(value.kvlistValue.values);
  return undefined;
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpAttribute[] };
}

interface OtlpAttribute {
  key: string;
  value?: OtlpAnyValue;
}

interface OtlpDataPoint {
  attributes?: OtlpAttribute[];
  asInt?: number | string;
  asDouble?: number;
  count?: number | string;
}

interface OtlpDocument {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        attributes?: OtlpAttribute[];
        status?: { code?: number };
        links?: { traceId: string; spanId: string }[];
      }[];
    }[];
  }[];
  resourceMetrics?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeMetrics?: {
      metrics?: {
        name: string;
        sum?: { dataPoints?: OtlpDataPoint[] };
        gauge?: { dataPoints?: OtlpDataPoint[] };
        histogram?: { dataPoints?: OtlpDataPoint[] };
      }[];
    }[];
  }[];
  resourceLogs?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeLogs?: {
      logRecords?: { body?: OtlpAnyValue; traceId?: string; severityText?: string }[];
    }[];
  }[];
}
