import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OtlpReceiver, SPAN_KIND } from './otlp-receiver.ts';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const ROOT_SPAN_ID = 'eee19b7ec3c1b174';
const CHILD_SPAN_ID = 'eee19b7ec3c1b173';
const LINKED_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const LINKED_SPAN_ID = 'b7ad6b7169203331';

const base64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

function resource(service: string) {
  return { attributes: [{ key: 'service.name', value: { stringValue: service } }] };
}

/** Two spans of one trace as the OTLP/JSON exporter writes them: hex ids, int64 as strings. */
function tracesDocument(ids: (hex: string) => string = (hex) => hex) {
  return {
    resourceSpans: [
      {
        resource: resource('account'),
        scopeSpans: [
          {
            spans: [
              {
                traceId: ids(TRACE_ID),
                spanId: ids(ROOT_SPAN_ID),
                parentSpanId: '',
                name: 'POST /accounts/:id/deposits',
                kind: SPAN_KIND.server,
                attributes: [
                  { key: 'http.request.method', value: { stringValue: 'POST' } },
                  { key: 'http.response.status_code', value: { intValue: '201' } },
                  { key: 'bankshop.retry', value: { boolValue: false } },
                  { key: 'bankshop.ratio', value: { doubleValue: 0.25 } },
                  { key: 'bankshop.tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } } },
                  {
                    key: 'bankshop.limits',
                    value: { kvlistValue: { values: [{ key: 'max', value: { stringValue: '1000000.00' } }] } },
                  },
                ],
                status: { code: 1 },
              },
              {
                traceId: ids(TRACE_ID),
                spanId: ids(CHILD_SPAN_ID),
                parentSpanId: ids(ROOT_SPAN_ID),
                name: 'transfer.debit',
                kind: SPAN_KIND.internal,
                status: { code: 2 },
                links: [{ traceId: ids(LINKED_TRACE_ID), spanId: ids(LINKED_SPAN_ID) }],
              },
            ],
          },
        ],
      },
    ],
  };
}

const receiver = new OtlpReceiver();
let endpoint: string;

async function post(path: string, document: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof document === 'string' || document instanceof Uint8Array ? document : JSON.stringify(document),
  });
}

beforeAll(async () => {
  endpoint = await receiver.start();
});

afterAll(async () => {
  await receiver.stop();
});

beforeEach(() => {
  receiver.reset();
});

describe('OtlpReceiver', () => {
  it('listens on a free local port and returns its base endpoint', () => {
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers an export with 200', async () => {
    const response = await post('/v1/traces', tracesDocument());

    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({});
  });

  it('flattens the spans of an OTLP/JSON traces document with hex ids', async () => {
    await post('/v1/traces', tracesDocument());

    expect(receiver.spans).toEqual([
      {
        traceId: TRACE_ID,
        spanId: ROOT_SPAN_ID,
        parentSpanId: undefined,
        name: 'POST /accounts/:id/deposits',
        kind: SPAN_KIND.server,
        service: 'account',
        attributes: {
          'http.request.method': 'POST',
          'http.response.status_code': 201,
          'bankshop.retry': false,
          'bankshop.ratio': 0.25,
          'bankshop.tags': ['a', 2],
          'bankshop.limits': { max: '1000000.00' },
        },
        statusCode: 1,
        links: [],
      },
      {
        traceId: TRACE_ID,
        spanId: CHILD_SPAN_ID,
        parentSpanId: ROOT_SPAN_ID,
        name: 'transfer.debit',
        kind: SPAN_KIND.internal,
        service: 'account',
        attributes: {},
        statusCode: 2,
        links: [{ traceId: LINKED_TRACE_ID, spanId: LINKED_SPAN_ID }],
      },
    ]);
  });

  it('reads base64 ids, as older encoders send them, as the same hex ids', async () => {
    await post('/v1/traces', tracesDocument(base64));

    expect(receiver.spans.map(({ traceId, spanId, parentSpanId, links }) => ({ traceId, spanId, parentSpanId, links }))).toEqual([
      { traceId: TRACE_ID, spanId: ROOT_SPAN_ID, parentSpanId: undefined, links: [] },
      {
        traceId: TRACE_ID,
        spanId: CHILD_SPAN_ID,
        parentSpanId: ROOT_SPAN_ID,
        links: [{ traceId: LINKED_TRACE_ID, spanId: LINKED_SPAN_ID }],
      },
    ]);
  });

  it('lower-cases upper-case hex ids', async () => {
    await post('/v1/traces', tracesDocument((hex) => hex.toUpperCase()));

    expect(receiver.spans.map((span) => span.spanId)).toEqual([ROOT_SPAN_ID, CHILD_SPAN_ID]);
  });

  it('defaults what a span leaves out: kind and status unset, service unknown', async () => {
    await post('/v1/traces', { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: ROOT_SPAN_ID, name: 'bare' }] }] }] });

    expect(receiver.spans).toEqual([
      expect.objectContaining({ name: 'bare', kind: 0, statusCode: 0, service: 'unknown', attributes: {}, links: [] }),
    ]);
  });

  it('accepts a gzip-compressed export', async () => {
    await post('/v1/traces', gzipSync(JSON.stringify(tracesDocument())), { 'content-encoding': 'gzip' });

    expect(receiver.spans).toHaveLength(2);
  });

  it('finds the spans of one trace', async () => {
    await post('/v1/traces', tracesDocument());
    await post('/v1/traces', {
      resourceSpans: [
        { resource: resource('gateway'), scopeSpans: [{ spans: [{ traceId: LINKED_TRACE_ID, spanId: LINKED_SPAN_ID, name: 'other' }] }] },
      ],
    });

    expect(receiver.trace(TRACE_ID).map((span) => span.name)).toEqual(['POST /accounts/:id/deposits', 'transfer.debit']);
    expect(receiver.trace(LINKED_TRACE_ID).map((span) => span.service)).toEqual(['gateway']);
  });

  it('flattens the data points of sums, gauges and histograms', async () => {
    await post('/v1/metrics', {
      resourceMetrics: [
        {
          resource: resource('transaction'),
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'bankshop.transfers',
                  sum: {
                    dataPoints: [
                      { attributes: [{ key: 'outcome', value: { stringValue: 'completed' } }], asInt: '5' },
                      { attributes: [{ key: 'outcome', value: { stringValue: 'rejected' } }], asInt: 2 },
                    ],
                  },
                },
                { name: 'bankshop.circuit.state', gauge: { dataPoints: [{ asDouble: 2 }] } },
                { name: 'http.server.request.duration', histogram: { dataPoints: [{ count: '3' }] } },
              ],
            },
          ],
        },
      ],
    });

    expect(receiver.metrics).toEqual([
      { service: 'transaction', name: 'bankshop.transfers', attributes: { outcome: 'completed' }, value: 5 },
      { service: 'transaction', name: 'bankshop.transfers', attributes: { outcome: 'rejected' }, value: 2 },
      { service: 'transaction', name: 'bankshop.circuit.state', attributes: {}, value: 2 },
      { service: 'transaction', name: 'http.server.request.duration', attributes: {}, value: 3 },
    ]);
  });

  it('flattens log records with their trace id', async () => {
    await post('/v1/logs', {
      resourceLogs: [
        {
          resource: resource('order'),
          scopeLogs: [
            {
              logRecords: [
                { body: { stringValue: 'order confirmed' }, traceId: base64(TRACE_ID), severityText: 'info' },
                { body: { kvlistValue: { values: [{ key: 'msg', value: { stringValue: 'no trace' } }] } } },
              ],
            },
          ],
        },
      ],
    });

    expect(receiver.logs).toEqual([
      { service: 'order', body: 'order confirmed', traceId: TRACE_ID, severity: 'info' },
      { service: 'order', body: { msg: 'no trace' }, traceId: undefined, severity: undefined },
    ]);
  });

  it('answers 400 to a body that is not JSON and records nothing', async () => {
    const response = await post('/v1/traces', '{"resourceSpans": [');

    expect(response.status).toBe(400);
    expect(receiver.spans).toEqual([]);
  });

  it('forgets everything on reset', async () => {
    await post('/v1/traces', tracesDocument());

    receiver.reset();

    expect(receiver.spans).toEqual([]);
    expect(receiver.metrics).toEqual([]);
    expect(receiver.logs).toEqual([]);
  });
});

describe('OtlpReceiver.waitForSpans', () => {
  it('resolves with the spans once they satisfy the predicate', async () => {
    const waiting = receiver.waitForSpans((spans) => spans.some((span) => span.name === 'transfer.debit'), 5_000);
    await post('/v1/traces', tracesDocument());

    const spans = await waiting;

    expect(spans.map((span) => span.name)).toContain('transfer.debit');
  });

  it('times out with an error that lists what was received', async () => {
    await post('/v1/traces', tracesDocument());

    await expect(receiver.waitForSpans((spans) => spans.some((span) => span.name === 'never'), 200)).rejects.toThrow(
      `timed out after 200 ms; received:\naccount POST /accounts/:id/deposits ${TRACE_ID}/${ROOT_SPAN_ID}<--\n` +
        `account transfer.debit ${TRACE_ID}/${CHILD_SPAN_ID}<-${ROOT_SPAN_ID}`,
    );
  });
});

describe('OtlpReceiver.waitForMetric', () => {
  const transfers = (value: number | string) => ({
    resourceMetrics: [
      { resource: resource('transaction'), scopeMetrics: [{ metrics: [{ name: 'bankshop.transfers', sum: { dataPoints: [{ asInt: value }] } }] }] },
    ],
  });

  it('resolves with the points of the metric once they satisfy the predicate', async () => {
    await post('/v1/metrics', transfers('1'));
    const waiting = receiver.waitForMetric('bankshop.transfers', (points) => points.some((point) => point.value >= 3), 5_000);
    await post('/v1/metrics', transfers('3'));

    const points = await waiting;

    expect(points.map((point) => point.value)).toEqual([1, 3]);
  });

  it('times out naming the metric and its latest points', async () => {
    await post('/v1/metrics', transfers('1'));

    await expect(receiver.waitForMetric('bankshop.transfers', () => false, 200)).rejects.toThrow(
      /^timed out after 200 ms; received:\nmetric bankshop\.transfers: .*"value":1/,
    );
  });
});

describe('OtlpReceiver.stop', () => {
  it('stops listening', async () => {
    const other = new OtlpReceiver();
    const url = await other.start();

    await other.stop();

    await expect(fetch(`${url}/v1/traces`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('does nothing when it was never started', async () => {
    await expect(new OtlpReceiver().stop()).resolves.toBeUndefined();
  });
});
