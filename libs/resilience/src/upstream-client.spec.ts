import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitOpenError, UpstreamClient, type UpstreamOptions } from './upstream-client.ts';
import { UpstreamTimeoutError, UpstreamUnavailableError } from './upstream-errors.ts';

/**
 * A real HTTP upstream on a free local port. Each test scripts its answers and counts the
 * requests that actually reached it, which is how "retried", "not retried" and "failed fast"
 * are told apart.
 */
interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Answer {
  status: number;
  body?: unknown;
  /** Never answer: hold the request until the client gives up. */
  hang?: boolean;
}

const hits: Hit[] = [];
let answers: Answer[] = [];
let server: Server;
let baseUrl: string;
let clients = 0;

/** Answers the next requests with these, in order; the last one repeats. */
function upstreamAnswers(...sequence: Answer[]): void {
  answers = sequence;
}

function answer(response: ServerResponse, next: Answer): void {
  if (next.hang) {
    // Answer much later, unless the client hangs up first (which is what a timeout does).
    const late = setTimeout(() => response.writeHead(200).end(), 5_000);
    response.on('close', () => clearTimeout(late));
    return;
  }
  if (next.body === undefined) {
    response.writeHead(next.status).end();
  } else if (typeof next.body === 'string') {
    response.writeHead(next.status, { 'content-type': 'text/plain' }).end(next.body);
  } else {
    response.writeHead(next.status, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
  }
}

function client(overrides: Partial<UpstreamOptions> = {}): UpstreamClient {
  clients += 1;
  return new UpstreamClient({
    name: `upstream-${clients}`,
    baseUrl,
    timeoutMs: 2_000,
    backoff: { baseMs: 1, maxMs: 5 },
    ...overrides,
  });
}

/** A port nothing listens on: bound a moment ago by us, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hits.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answer(response, answers[Math.min(hits.length - 1, answers.length - 1)] ?? { status: 200 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  hits.length = 0;
  answers = [{ status: 200, body: { ok: true } }];
});

describe('UpstreamClient responses', () => {
  it('returns a 200 JSON answer parsed, with its status and headers', async () => {
    upstreamAnswers({ status: 200, body: { id: 'a-1', balance: '10.00' } });

    const response = await client().request({ method: 'GET', path: '/accounts/a-1' });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: 'a-1', balance: '10.00' });
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('sends the method, path, JSON body and headers to the upstream', async () => {
    await client().request({
      method: 'POST',
      path: '/internal/transfers?dryRun=false',
      body: { amount: '12.50' },
      headers: { 'x-internal-token': 'secret-secret-secret', 'idempotency-key': 'k-1' },
    });

    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      method: 'POST',
      url: '/internal/transfers?dryRun=false',
      body: '{"amount":"12.50"}',
      headers: expect.objectContaining({
        accept: 'application/json',
        'content-type': 'application/json',
        'x-internal-token': 'secret-secret-secret',
        'idempotency-key': 'k-1',
      }) as unknown,
    });
  });

  it('sends no body and no content type when there is no body', async () => {
    await client().request({ method: 'GET', path: '/health' });

    expect(hits[0]?.body).toBe('');
    expect(hits[0]?.headers['content-type']).toBeUndefined();
  });

  it('returns an empty answer with an undefined body', async () => {
    upstreamAnswers({ status: 204 });

    const response = await client().request({ method: 'DELETE', path: '/cart' });

    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
  });

  it('returns a body that is not JSON as text', async () => {
    upstreamAnswers({ status: 200, body: 'pong' });

    await expect(client().request({ method: 'GET', path: '/ping' })).resolves.toMatchObject({ body: 'pong' });
  });

  it('returns a 4xx answer instead of throwing, and does not retry it', async () => {
    upstreamAnswers({ status: 404, body: { code: 'ACCOUNT_NOT_FOUND' } });

    const response = await client().request({ method: 'GET', path: '/accounts/missing' });

    expect(response.status).toBe(404);
    expect(response.body).toEqual({ code: 'ACCOUNT_NOT_FOUND' });
    expect(hits).toHaveLength(1);
  });
});

describe('UpstreamClient retries', () => {
  it('retries a GET that failed with 503 and returns the answer that finally succeeded', async () => {
    upstreamAnswers({ status: 503 }, { status: 503 }, { status: 200, body: { ok: true } });

    const response = await client().request({ method: 'GET', path: '/risk' });

    expect(response).toMatchObject({ status: 200, body: { ok: true } });
    expect(hits).toHaveLength(3);
  });

  it('makes at most retries + 1 attempts, then hands back the last 5xx as the answer', async () => {
    upstreamAnswers({ status: 502, body: { error: 'bad gateway' } });

    const response = await client({ retries: 3 }).request({ method: 'GET', path: '/risk' });

    expect(response).toMatchObject({ status: 502, body: { error: 'bad gateway' } });
    expect(hits).toHaveLength(4);
  });

  it('makes three attempts by default', async () => {
    upstreamAnswers({ status: 500 });

    await client().request({ method: 'GET', path: '/risk' });

    expect(hits).toHaveLength(3);
  });

  it('does not retry a POST, which may not be safe to send twice', async () => {
    upstreamAnswers({ status: 503 }, { status: 200 });

    const response = await client().request({ method: 'POST', path: '/transfers', body: { amount: '1.00' } });

    expect(response.status).toBe(503);
    expect(hits).toHaveLength(1);
  });

  it('retries a POST marked idempotent', async () => {
    upstreamAnswers({ status: 503 }, { status: 503 }, { status: 201, body: { id: 't-1' } });

    const response = await client().request({ method: 'POST', path: '/transfers', body: {}, idempotent: true });

    expect(response).toMatchObject({ status: 201, body: { id: 't-1' } });
    expect(hits).toHaveLength(3);
  });

  it('does not retry a GET explicitly marked not idempotent', async () => {
    upstreamAnswers({ status: 503 }, { status: 200 });

    const response = await client().request({ method: 'GET', path: '/tokens/next', idempotent: false });

    expect(response.status).toBe(503);
    expect(hits).toHaveLength(1);
  });
});

describe('UpstreamClient failures', () => {
  it('throws UpstreamTimeoutError when the upstream answers later than timeoutMs', async () => {
    upstreamAnswers({ status: 200, hang: true });

    const call = client({ timeoutMs: 50 }).request({ method: 'POST', path: '/slow', body: {} });

    await expect(call).rejects.toBeInstanceOf(UpstreamTimeoutError);
    await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', upstream: expect.stringMatching(/^upstream-/) as unknown });
  });

  it('retries a GET that timed out, then throws UpstreamTimeoutError', async () => {
    upstreamAnswers({ status: 200, hang: true });

    await expect(client({ timeoutMs: 50, retries: 1 }).request({ method: 'GET', path: '/slow' })).rejects.toThrow(
      UpstreamTimeoutError,
    );
    expect(hits).toHaveLength(2);
  });

  it('throws UpstreamUnavailableError when the connection is refused', async () => {
    const port = await closedPort();

    const call = client({ baseUrl: `http://127.0.0.1:${port}`, name: 'risk', retries: 0 }).request({
      method: 'GET',
      path: '/risk',
    });

    await expect(call).rejects.toBeInstanceOf(UpstreamUnavailableError);
    await expect(call).rejects.not.toBeInstanceOf(CircuitOpenError);
    await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'risk' });
  });
});

describe('UpstreamClient circuit breaker', () => {
  const breaker = { errorThresholdPercentage: 50, volumeThreshold: 2, rollingWindowMs: 10_000, resetTimeoutMs: 200 };

  /** Two failed calls: enough, at volumeThreshold 2 and 50 %, to open the circuit. */
  async function openCircuit(upstream: UpstreamClient): Promise<void> {
    upstreamAnswers({ status: 503 });
    for (let call = 0; call < 2; call += 1) {
      await upstream.request({ method: 'POST', path: '/risk', body: {} });
    }
  }

  it('starts closed', () => {
    expect(client({ breaker }).circuit).toBe('closed');
  });

  it('stays closed below the volume threshold', async () => {
    upstreamAnswers({ status: 503 });
    const upstream = client({ breaker });

    await upstream.request({ method: 'POST', path: '/risk', body: {} });

    expect(upstream.circuit).toBe('closed');
  });

  it('opens after enough failures and then fails fast without reaching the upstream', async () => {
    const upstream = client({ breaker, name: 'risk' });
    await openCircuit(upstream);
    expect(hits).toHaveLength(2);

    const call = upstream.request({ method: 'POST', path: '/risk', body: {} });

    await expect(call).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(call).rejects.toBeInstanceOf(UpstreamUnavailableError);
    await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'risk', retryAfterSeconds: 1 });
    expect(upstream.circuit).toBe('open');
    expect(hits).toHaveLength(2);
  });

  it('does not retry an idempotent call while the circuit is open', async () => {
    const upstream = client({ breaker, retries: 5 });
    await openCircuit(upstream);

    await expect(upstream.request({ method: 'GET', path: '/risk' })).rejects.toThrow(CircuitOpenError);
    expect(hits).toHaveLength(2);
  });

  it('suggests retrying after the reset timeout, rounded up to whole seconds', async () => {
    const upstream = client({ breaker: { ...breaker, resetTimeoutMs: 2_500 } });
    await openCircuit(upstream);

    await expect(upstream.request({ method: 'POST', path: '/risk', body: {} })).rejects.toMatchObject({
      retryAfterSeconds: 3,
    });
  });

  it('counts refused connections against the breaker', async () => {
    const upstream = client({ breaker, baseUrl: `http://127.0.0.1:${await closedPort()}`, retries: 0 });

    for (let call = 0; call < 2; call += 1) {
      await expect(upstream.request({ method: 'GET', path: '/risk' })).rejects.toThrow(UpstreamUnavailableError);
    }

    expect(upstream.circuit).toBe('open');
  });

  it('counts timeouts against the breaker', async () => {
    upstreamAnswers({ status: 200, hang: true });
    const upstream = client({ breaker, timeoutMs: 50 });

    for (let call = 0; call < 2; call += 1) {
      await expect(upstream.request({ method: 'POST', path: '/slow', body: {} })).rejects.toThrow(UpstreamTimeoutError);
    }

    expect(upstream.circuit).toBe('open');
  });

  it('does not count 4xx answers against the breaker', async () => {
    upstreamAnswers({ status: 422, body: { code: 'RISK_REJECTED' } });
    const upstream = client({ breaker });

    for (let call = 0; call < 4; call += 1) {
      await expect(upstream.request({ method: 'POST', path: '/risk', body: {} })).resolves.toMatchObject({ status: 422 });
    }

    expect(upstream.circuit).toBe('closed');
    expect(hits).toHaveLength(4);
  });

  it('lets one probe through after resetTimeoutMs and closes again when it succeeds', async () => {
    const upstream = client({ breaker });
    await openCircuit(upstream);

    await vi.waitFor(() => expect(upstream.circuit).toBe('halfOpen'), { timeout: 2_000, interval: 20 });
    upstreamAnswers({ status: 200, body: { decision: 'APPROVE' } });
    hits.length = 0;

    await expect(upstream.request({ method: 'POST', path: '/risk', body: {} })).resolves.toMatchObject({
      status: 200,
      body: { decision: 'APPROVE' },
    });
    expect(upstream.circuit).toBe('closed');
    expect(hits).toHaveLength(1);

    await expect(upstream.request({ method: 'POST', path: '/risk', body: {} })).resolves.toMatchObject({ status: 200 });
    expect(hits).toHaveLength(2);
  });

  it('opens again when the probe fails', async () => {
    const upstream = client({ breaker });
    await openCircuit(upstream);

    await vi.waitFor(() => expect(upstream.circuit).toBe('halfOpen'), { timeout: 2_000, interval: 20 });
    await expect(upstream.request({ method: 'POST', path: '/risk', body: {} })).resolves.toMatchObject({ status: 503 });

    expect(upstream.circuit).toBe('open');
    await expect(upstream.request({ method: 'POST', path: '/risk', body: {} })).rejects.toThrow(CircuitOpenError);
    expect(hits).toHaveLength(3);
  });
});
