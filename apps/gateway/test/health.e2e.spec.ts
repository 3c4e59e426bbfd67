import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@bankshop/testing';
import { createGateway, createService, eventually, http, jwksUrlOf, type ServiceUnderTest, type UpstreamName } from './support.ts';

const UPSTREAMS: UpstreamName[] = ['account', 'transaction', 'risk', 'order', 'inventory', 'payment'];

/** API.md "Health": `GET /api/health` tells, from the gateway, whether every service is ready. */
describe('GET /api/health with the whole system running (every service a real process)', () => {
  let gateway: ServiceUnderTest | undefined;
  const services: Partial<Record<UpstreamName, ServiceUnderTest>> = {};

  beforeAll(async () => {
    const jwksUrl = jwksUrlOf(await freePort());
    // Each service is created after those it calls, whose URLs it is given.
    const url = (name: UpstreamName) => services[name]!.url;
    const callees: Record<UpstreamName, () => Record<string, string>> = {
      account: () => ({}),
      risk: () => ({}),
      inventory: () => ({}),
      transaction: () => ({ ACCOUNT_SERVICE_URL: url('account'), RISK_SERVICE_URL: url('risk') }),
      payment: () => ({ ACCOUNT_SERVICE_URL: url('account'), TRANSACTION_SERVICE_URL: url('transaction') }),
      order: () => ({ INVENTORY_SERVICE_URL: url('inventory'), PAYMENT_SERVICE_URL: url('payment') }),
    };
    for (const name of ['account', 'risk', 'inventory', 'transaction', 'payment', 'order'] as const) {
      services[name] = await createService({ app: name, jwksUrl, env: callees[name]() });
    }
    gateway = await createGateway({
      port: Number(new URL(jwksUrl).port),
      upstreams: Object.fromEntries(UPSTREAMS.map((name) => [name, services[name]!.url])),
    });
    // In waves: seven Nest processes booting at once would starve a small machine.
    await Promise.all([gateway.service.start(), services.account!.service.start(), services.risk!.service.start()]);
    await Promise.all([services.transaction!.service.start(), services.order!.service.start()]);
    await Promise.all([services.inventory!.service.start(), services.payment!.service.start()]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), ...Object.values(services).map((service) => service.stop())]);
  });

  it('answers ok, with every service up and every breaker closed, when everything runs', async () => {
    const answer = await http(`${gateway!.url}/api/health`);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: 'ok',
      services: { gateway: 'up', account: 'up', transaction: 'up', risk: 'up', order: 'up', inventory: 'up', payment: 'up' },
      breakers: { account: 'closed', transaction: 'closed', risk: 'closed', order: 'closed', inventory: 'closed', payment: 'closed' },
    });
  });

  it('answers degraded, naming the one service that cannot be reached, and still 200', async () => {
    await services.payment!.service.stop();

    let answer = await http(`${gateway!.url}/api/health`);
    await eventually(async () => {
      answer = await http(`${gateway!.url}/api/health`);
      return answer.body?.status === 'degraded';
    }, 5_000);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'degraded',
      services: { gateway: 'up', account: 'up', transaction: 'up', risk: 'up', order: 'up', inventory: 'up', payment: 'down' },
    });
  });
});
