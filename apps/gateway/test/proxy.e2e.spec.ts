import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_INTERNAL_TOKEN } from '@bankshop/testing';
import { expectProblem, GatewayWithAccount, http, NO_RATE_LIMITS, registerAndLogIn, StandInUpstream, uniqueLoopbackAddress, type ServiceUnderTest } from './support.ts';

const UPSTREAM_TIMEOUT_MS = 300;

/**
 * The reverse proxy: what reaches a service, what comes back, and what never passes. Routing,
 * size limits and idempotent replays use the real account service; the mechanics no real service
 * can show (slow answers, dropped connections, the exact headers that arrive) use a stand-in,
 * reached through three upstreams that each have a breaker of their own:
 * payments echo, orders are slow, products drop the connection.
 */
describe('the reverse proxy', () => {
  const standIn = new StandInUpstream({
    '/api/payments/hop-by-hop-answer': (request, response) => {
      request.resume();
      response.writeHead(200, {
        'content-type': 'application/json',
        connection: 'keep-alive, x-upstream-hop',
        'x-upstream-hop': 'connection-scoped',
        'x-request-id': 'chosen-by-the-upstream',
      });
      response.end('{}');
    },
    '/api/payments/digest': (request, response) => {
      const hash = createHash('sha256');
      let bytes = 0;
      request.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash.update(chunk);
      });
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes, sha256: hash.digest('hex') })));
    },
    '/api/orders': (request, response) => {
      request.resume();
      const timer = setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"late":true}'), UPSTREAM_TIMEOUT_MS * 5);
      response.on('close', () => clearTimeout(timer));
    },
    '/api/products': (request) => request.socket.destroy(),
    '/api/admin/products': (request) => request.socket.destroy(),
  });
  const stack = new GatewayWithAccount();
  let gateway: ServiceUnderTest;
  let account: ServiceUnderTest;
  let token: string;

  beforeAll(async () => {
    const standInUrl = await standIn.start();
    await stack.start({
      upstreams: { payment: standInUrl, order: standInUrl, inventory: standInUrl },
      env: { UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS), ...NO_RATE_LIMITS },
    });
    gateway = stack.gateway!;
    account = stack.account!;
    token = await registerAndLogIn(gateway.url, '127.0.0.1');
  });

  afterAll(async () => {
    await stack.stop();
    await standIn.stop();
  });

  function json(body: unknown, headers: Record<string, string> = {}) {
    return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
  }

  describe('routing', () => {
    it('never lets /internal/* through, even with the internal token (the account service itself would answer HOLD_NOT_FOUND)', async () => {
      const path = `/internal/holds/${randomUUID()}`;
      const headers = { 'x-internal-token': TEST_INTERNAL_TOKEN, authorization: `Bearer ${token}` };

      const direct = await http(`${account.url}${path}`, { headers });
      const throughGateway = await http(`${gateway.url}${path}`, { headers });
      const underApi = await http(`${gateway.url}/api${path}`, { headers });
      const placed = await http(`${gateway.url}/internal/holds`, json({}, headers));

      expectProblem(direct, 404, 'HOLD_NOT_FOUND');
      expectProblem(throughGateway, 404, 'NOT_FOUND');
      expectProblem(underApi, 404, 'NOT_FOUND');
      expectProblem(placed, 404, 'NOT_FOUND');
    });

    it.each([
      '/api/accounts/../../internal/holds/HOLD',
      '/api/accounts/%2e%2e/%2e%2e/internal/holds/HOLD',
      '/api/accounts/..%2f..%2finternal/holds/HOLD',
    ])('does not reach an internal route through dot segments: %s', async (template) => {
      const headers = { 'x-internal-token': TEST_INTERNAL_TOKEN, authorization: `Bearer ${token}` };

      const answer = await http(`${gateway.url}${template.replace('HOLD', randomUUID())}`, { headers });

      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.body?.code).not.toBe('HOLD_NOT_FOUND');
    });

    it.each(['GET', 'POST', 'DELETE'])('answers %s on an unknown /api route with 404 problem+json', async (method) => {
      const answer = await http(`${gateway.url}/api/nope`, { method, headers: { authorization: `Bearer ${token}` } });

      expectProblem(answer, 404, 'NOT_FOUND');
    });
  });

  describe('bodies', () => {
    const oversized = JSON.stringify({ currency: 'EUR', padding: 'x'.repeat(101 * 1024) });

    it('refuses a body over 100 kB on a proxied route with 413 PAYLOAD_TOO_LARGE problem+json, and forwards nothing', async () => {
      const before = standIn.arrivals.length;

      const answer = await http(`${gateway.url}/api/payments/too-big`, json(JSON.parse(oversized), { authorization: `Bearer ${token}` }));

      expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE');
      expect(standIn.arrivals.length).toBe(before);
    });

    it('refuses a body over 100 kB to a real service with 413 PAYLOAD_TOO_LARGE problem+json', async () => {
      const answer = await http(`${gateway.url}/api/accounts`, { ...json({}), body: oversized, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });

      expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('refuses a body over 100 kB on its own routes with 413 PAYLOAD_TOO_LARGE problem+json', async () => {
      const answer = await http(`${gateway.url}/api/auth/register`, { ...json({}), body: oversized });

      expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('forwards a body just under the limit byte for byte', async () => {
      const body = JSON.stringify({ padding: randomBytes(45 * 1024).toString('hex') });

      const answer = await http(`${gateway.url}/api/payments/digest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ bytes: Buffer.byteLength(body), sha256: createHash('sha256').update(body).digest('hex') });
    });

    it('keeps Idempotent-Replayed: true when the real account service replays an answer', async () => {
      const headers = { authorization: `Bearer ${token}` };
      const opened = await http(`${gateway.url}/api/accounts`, json({ currency: 'USD' }, headers));
      const key = randomUUID();
      const deposit = () => http(`${gateway.url}/api/accounts/${opened.body.id}/deposits`, json({ amount: '25.00' }, { ...headers, 'idempotency-key': key }));

      const first = await deposit();
      const replay = await deposit();
      const balance = (await http(`${gateway.url}/api/accounts/${opened.body.id}`, { headers })).body.balance;

      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect(balance).toBe('25.00');
    });
  });

  describe('headers', () => {
    it('forwards end-to-end headers and X-Forwarded-For/Proto/Host, and no hop-by-hop header', async () => {
      const client = uniqueLoopbackAddress();
      const path = `/api/payments/headers-${randomUUID()}`;

      const answer = await http(`${gateway.url}${path}`, {
        localAddress: client,
        headers: {
          authorization: `Bearer ${token}`,
          'x-custom': 'kept',
          connection: 'keep-alive, x-secret',
          'x-secret': '1',
          'keep-alive': 'timeout=5',
          te: 'trailers',
          upgrade: 'h2c',
          'proxy-authorization': 'Basic c2VjcmV0OnNlY3JldA==',
          'proxy-connection': 'keep-alive',
          // A client cannot choose the IP the services see.
          'x-forwarded-for': '203.0.113.66',
        },
      });

      expect(answer.status).toBe(200);
      const [arrival] = standIn.arrivalsAt(path);
      expect(arrival).toBeDefined();
      const arrived = arrival!.headers;
      expect(arrived).toMatchObject({
        authorization: `Bearer ${token}`,
        'x-custom': 'kept',
        'x-forwarded-for': client,
        'x-forwarded-proto': 'http',
        'x-forwarded-host': new URL(gateway.url).host,
      });
      for (const hopByHop of ['x-secret', 'keep-alive', 'te', 'upgrade', 'proxy-authorization', 'proxy-connection']) {
        expect(arrived, hopByHop).not.toHaveProperty(hopByHop);
      }
      expect(String(arrived.connection ?? '')).not.toMatch(/x-secret/i);
    });

    it('does not pass back the headers an upstream named in its own Connection header', async () => {
      const answer = await http(`${gateway.url}/api/payments/hop-by-hop-answer`);

      expect(answer.status).toBe(200);
      expect(answer.headers).not.toHaveProperty('x-upstream-hop');
    });

    it('continues the client’s trace: same trace id in the answer and at the upstream, with the gateway’s own span as parent', async () => {
      const traceId = randomBytes(16).toString('hex');
      const clientSpanId = randomBytes(8).toString('hex');
      const path = `/api/payments/trace-${randomUUID()}`;

      const answer = await http(`${gateway.url}${path}`, { headers: { traceparent: `00-${traceId}-${clientSpanId}-01` } });

      expect(answer.status).toBe(200);
      expect(answer.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(answer.headers.traceparent).not.toContain(clientSpanId);
      const [arrival] = standIn.arrivalsAt(path);
      const sent = arrival!.rawHeaders.filter((_, index) => index % 2 === 0 && arrival!.rawHeaders[index]!.toLowerCase() === 'traceparent');
      expect(sent).toHaveLength(1);
      expect(arrival!.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(arrival!.headers.traceparent).not.toContain(clientSpanId);
    });

    it('answers every request with an X-Request-Id: its own on success, refusals and failures alike', async () => {
      const answers = await Promise.all([
        http(`${gateway.url}/api/payments/anything`),
        http(`${gateway.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } }),
        http(`${gateway.url}/api/nope`),
        http(`${gateway.url}/api/accounts`, { headers: { authorization: 'Bearer garbage' } }),
        http(`${gateway.url}/api/accounts`),
        http(`${gateway.url}/internal/holds`),
        http(`${gateway.url}/api/orders/slow`),
      ]);

      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 404, 401, 401, 404, 504]);
      for (const answer of answers) expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('keeps a sane incoming X-Request-Id, passes it to the upstream and lets it win over the upstream’s', async () => {
      const answer = await http(`${gateway.url}/api/payments/hop-by-hop-answer`, { headers: { 'x-request-id': 'client-42.retry:1' } });

      expect(answer.headers['x-request-id']).toBe('client-42.retry:1');
      expect(standIn.arrivalsAt('/api/payments/hop-by-hop-answer').at(-1)?.headers['x-request-id']).toBe('client-42.retry:1');
    });

    it('replaces an incoming X-Request-Id that is not sane', async () => {
      const answer = await http(`${gateway.url}/api/nope`, { headers: { 'x-request-id': 'spaces and <markup>' } });

      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('failing upstreams', () => {
    it(`answers 504 UPSTREAM_TIMEOUT when the upstream has not answered within UPSTREAM_TIMEOUT_MS (${UPSTREAM_TIMEOUT_MS} ms)`, async () => {
      const answer = await http(`${gateway.url}/api/orders/${randomUUID()}`, { headers: { authorization: `Bearer ${token}` } });

      expectProblem(answer, 504, 'UPSTREAM_TIMEOUT');
    });

    it('tries a GET three times when the connection drops without an answer, then answers 503 UPSTREAM_UNAVAILABLE', async () => {
      const path = `/api/products/${randomUUID()}`;

      const answer = await http(`${gateway.url}${path}`);

      expectProblem(answer, 503, 'UPSTREAM_UNAVAILABLE');
      expect(answer.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(standIn.arrivalsAt(path)).toHaveLength(3);
    });

    it('sends a POST exactly once when the connection drops: it may have been acted on', async () => {
      const path = `/api/admin/products/${randomUUID()}`;

      const answer = await http(`${gateway.url}${path}`, json({ sku: 'X-1' }, { authorization: `Bearer ${token}` }));

      expect(answer.status).toBe(503);
      expect(standIn.arrivalsAt(path)).toHaveLength(1);
    });
  });
});
