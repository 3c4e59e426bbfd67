import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamUnavailableError } from '@bankshop/contracts';
import { Money } from '@bankshop/money';
import { CardProviderRefusal, type CardChargeRequest } from './card-provider.ts';
import { HttpCardProvider } from './http-card-provider.ts';

/** A request the stand-in provider received. */
interface Received {
  method: string;
  path: string;
  key: string | undefined;
  body: unknown;
}

type Route = (request: Received, response: ServerResponse) => void;

/** A tiny provider whose answers each test scripts, recording every request. */
class StandInProvider {
  readonly received: Received[] = [];
  routes: Record<string, Route> = {};
  private server: Server | undefined;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/provider/`;
  }

  calls(route: string): Received[] {
    return this.received.filter((request) => `${request.method} ${request.path}` === route);
  }

  async start(): Promise<void> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        const received: Received = {
          method: request.method ?? 'GET',
          path: url.pathname.replace('/provider/', ''),
          key: (request.headers['idempotency-key'] as string | undefined) ?? url.searchParams.get('key') ?? undefined,
          body: text ? (JSON.parse(text) as unknown) : undefined,
        };
        this.received.push(received);
        const route = this.routes[`${received.method} ${received.path}`];
        if (route) route(received, response);
        else json(response, 404, { error: 'no_route' });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const charge = (id: string, status: string) => ({ id, key: 'k', status, amount: '25.00', currency: 'USD' });

const REQUEST: CardChargeRequest = {
  key: 'payment:1:charge',
  token: 'tok_visa',
  amount: Money.of('25.5'),
  currency: 'USD',
  description: 'Order 1',
};

describe('HttpCardProvider', () => {
  const provider = new StandInProvider();
  let client: HttpCardProvider;

  beforeAll(async () => {
    await provider.start();
  });

  afterAll(async () => {
    await provider.stop();
  });

  beforeEach(() => {
    provider.received.length = 0;
    provider.routes = {};
    client = new HttpCardProvider({ baseUrl: provider.url, timeoutMs: 300, retries: 2, backoff: { baseMs: 1, maxMs: 5 } });
  });

  it('charges once with the idempotency key, the amount as a string, and answers the charge id', async () => {
    provider.routes['POST charges'] = (_, response) => json(response, 201, charge('ch_1', 'succeeded'));

    await expect(client.charge(REQUEST)).resolves.toEqual({ status: 'succeeded', ref: 'ch_1' });
    expect(provider.received).toEqual([
      { method: 'POST', path: 'charges', key: 'payment:1:charge', body: { token: 'tok_visa', amount: '25.50', currency: 'USD', description: 'Order 1' } },
    ]);
  });

  it('reports a decline (402) as declined, without retrying', async () => {
    provider.routes['POST charges'] = (_, response) => json(response, 402, charge('ch_2', 'declined'));

    await expect(client.charge(REQUEST)).resolves.toEqual({ status: 'declined', ref: 'ch_2' });
    expect(provider.calls('POST charges')).toHaveLength(1);
  });

  it('retries a 5xx with the same key, and takes the answer of a later attempt', async () => {
    let attempts = 0;
    provider.routes['POST charges'] = (_, response) =>
      (attempts += 1) < 2 ? json(response, 503, { error: 'unavailable' }) : json(response, 201, charge('ch_3', 'succeeded'));

    await expect(client.charge(REQUEST)).resolves.toEqual({ status: 'succeeded', ref: 'ch_3' });
    expect(provider.calls('POST charges').map((call) => call.key)).toEqual(['payment:1:charge', 'payment:1:charge']);
  });

  it('after 1 + retries answers of 5xx, cancels the charge by its key and reports what that says', async () => {
    provider.routes['POST charges'] = (_, response) => json(response, 500, { error: 'processing_error' });
    provider.routes['POST charges/cancel'] = (_, response) => json(response, 200, { id: 'ch_4', status: 'canceled' });

    await expect(client.charge(REQUEST)).resolves.toEqual({ status: 'canceled' });
    expect(provider.calls('POST charges')).toHaveLength(3);
    expect(provider.calls('POST charges/cancel').map((call) => call.body)).toEqual([{ key: 'payment:1:charge' }]);
  });

  it('does not retry a timeout: it asks at once, by cancelling, and learns the charge was never made', async () => {
    provider.routes['POST charges'] = () => undefined;
    provider.routes['POST charges/cancel'] = (_, response) => json(response, 200, { id: 'ch_5', status: 'canceled' });

    const started = Date.now();
    await expect(client.charge(REQUEST)).resolves.toEqual({ status: 'canceled' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(provider.calls('POST charges')).toHaveLength(1);
  });

  it('after a timeout, reports a charge that did go through as succeeded', async () => {
    provider.routes['POST charges'] = () => undefined;
    provider.routes['POST charges/cancel'] = (_, response) => json(response, 200, charge('ch_6', 'succeeded'));

    await expect(client.charge(REQUEST)).resolves.toEqual({ status: 'succeeded', ref: 'ch_6' });
  });

  it('settles a charge refused outright (a key reused) by cancelling its key', async () => {
    provider.routes['POST charges'] = (_, response) => json(response, 422, { error: 'idempotency_key_reused' });
    provider.routes['POST charges/cancel'] = (_, response) => json(response, 200, charge('ch_7', 'succeeded'));

    await expect(client.charge(REQUEST)).resolves.toEqual({ status: 'succeeded', ref: 'ch_7' });
    expect(provider.calls('POST charges')).toHaveLength(1);
  });

  it('reports the outcome as unknown when even the cancellation gets no answer', async () => {
    provider.routes['POST charges'] = () => undefined;
    provider.routes['POST charges/cancel'] = (_, response) => json(response, 503, { error: 'unavailable' });

    await expect(client.charge(REQUEST)).rejects.toBeInstanceOf(UpstreamUnavailableError);
    // The cancellation is idempotent, so the client's own retries apply to it.
    expect(provider.calls('POST charges/cancel')).toHaveLength(3);
  });

  it('reports the outcome as unknown when the provider cannot be reached at all', async () => {
    const unreachable = new HttpCardProvider({ baseUrl: 'http://127.0.0.1:9/', timeoutMs: 300, retries: 1, backoff: { baseMs: 1, maxMs: 5 } });

    await expect(unreachable.charge(REQUEST)).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('finds a charge by key, or nothing', async () => {
    provider.routes['GET charges'] = (request, response) =>
      request.key === 'payment:1:charge' ? json(response, 200, charge('ch_8', 'succeeded')) : json(response, 404, { error: 'no_such_charge' });

    await expect(client.find('payment:1:charge')).resolves.toEqual({ status: 'succeeded', ref: 'ch_8' });
    await expect(client.find('payment:2:charge')).resolves.toBeNull();
  });

  it('refunds with its own idempotency key, and says when the provider refuses', async () => {
    provider.routes['POST refunds'] = (request, response) =>
      (request.body as { charge: string }).charge === 'ch_9'
        ? json(response, 201, { id: 're_1', charge: 'ch_9', status: 'succeeded' })
        : json(response, 409, { error: 'charge_not_refundable' });

    await expect(client.refund({ key: 'payment:1:refund', chargeRef: 'ch_9' })).resolves.toBe('re_1');
    expect(provider.calls('POST refunds')[0]?.key).toBe('payment:1:refund');
    await expect(client.refund({ key: 'payment:2:refund', chargeRef: 'ch_0' })).rejects.toThrow(CardProviderRefusal);
  });
});
