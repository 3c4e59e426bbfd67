import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestIdentityProvider } from '@bankshop/testing';
import type { TestService } from '@bankshop/testing';
import { startFixture } from './fixtures.ts';

describe('Idempotency-Key (API.md conventions) on a real service and database', () => {
  const identity = new TestIdentityProvider();
  let service: TestService;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    await identity.start();
    service = await startFixture('producer', { jwksUrl: identity.jwksUrl });
    alice = await identity.mint({ roles: ['customer'] });
    bob = await identity.mint({ roles: ['customer'] });
  });

  afterAll(async () => {
    await service?.stop();
    await identity.stop();
  });

  function post(body: unknown, options: { token?: string; key?: string | null } = {}) {
    return fetch(`${service.service.url}/effects`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${options.token ?? alice}`,
        ...(options.key === null ? {} : { 'idempotency-key': options.key ?? randomUUID() }),
      },
      body: JSON.stringify(body),
    });
  }

  async function effectsLabelled(label: string): Promise<number> {
    const [row] = await service.query<{ n: number }>(`SELECT count(*)::int AS n FROM effects WHERE label = $1`, [label]);
    return row!.n;
  }

  it('requires the header: 400 IDEMPOTENCY_KEY_REQUIRED and nothing happens', async () => {
    const label = randomUUID();
    const response = await post({ label }, { key: null });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REQUIRED' });
    expect(await effectsLabelled(label)).toBe(0);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['not printable ASCII', 'clé\tkey'],
  ])('rejects a key that is %s with a 400 naming the header', async (_what, key) => {
    const response = await post({ label: randomUUID() }, { key });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'Idempotency-Key' }] });
  });

  it('replays the first response byte for byte, marked Idempotent-Replayed, and applies once', async () => {
    const label = randomUUID();
    const key = randomUUID();
    const first = await post({ label }, { key });
    const firstBody = await first.text();
    const second = await post({ label }, { key });

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(firstBody);
    expect(await effectsLabelled(label)).toBe(1);
  });

  it('treats the same body with its keys in another order as the same request', async () => {
    const key = randomUUID();
    const label = randomUUID();
    await post({ label, outcome: 'slow' }, { key });
    const again = await post({ outcome: 'slow', label }, { key });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = randomUUID();
    await post({ label: randomUUID() }, { key });
    const reused = await post({ label: randomUUID() }, { key });
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('answers 409 IDEMPOTENCY_IN_PROGRESS while the first request still runs', async () => {
    const key = randomUUID();
    const label = randomUUID();
    const first = post({ label, outcome: 'slow' }, { key });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const concurrent = await post({ label, outcome: 'slow' }, { key });

    expect(concurrent.status).toBe(409);
    expect(await concurrent.json()).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS' });
    expect((await first).status).toBe(201);
    expect(await effectsLabelled(label)).toBe(1);
  });

  it('applies exactly once under 20 concurrent duplicates', async () => {
    const key = randomUUID();
    const label = randomUUID();
    const statuses = await Promise.all(Array.from({ length: 20 }, () => post({ label }, { key }).then((r) => r.status)));
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    expect(await effectsLabelled(label)).toBe(1);
  });

  it('scopes keys per user: the same key from another user is a new request', async () => {
    const key = randomUUID();
    const label = randomUUID();
    expect((await post({ label }, { key, token: alice })).status).toBe(201);
    const fromBob = await post({ label }, { key, token: bob });
    expect(fromBob.status).toBe(201);
    expect(fromBob.headers.get('idempotent-replayed')).toBeNull();
    expect(await effectsLabelled(label)).toBe(2);
  });

  it('replays a business failure as the same failure, including its trace id', async () => {
    const key = randomUUID();
    const label = randomUUID();
    const first = await post({ label, outcome: 'business' }, { key });
    const firstBody = await first.text();
    const second = await post({ label, outcome: 'business' }, { key });

    expect(first.status).toBe(422);
    expect(first.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.parse(firstBody)).toMatchObject({ code: 'INSUFFICIENT_FUNDS', effectId: expect.any(String) });
    expect(second.status).toBe(422);
    expect(second.headers.get('content-type')).toContain('application/problem+json');
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(firstBody);
  });

  it('does not store an unexpected error: the key is released and a retry runs again', async () => {
    const key = randomUUID();
    const label = randomUUID();
    const first = await post({ label, outcome: 'crash' }, { key });
    expect(first.status).toBe(500);
    expect(await first.text()).not.toContain('secret');

    const retry = await post({ label, outcome: 'crash' }, { key });
    expect(retry.status).toBe(500);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });
});
