import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HoldStatus, HoldView } from '@bankshop/contracts';
import { TestIdentityProvider, type TestService } from '@bankshop/testing';
import { AccountDriver, expectProblem, startAccountService, type AccountView } from './support.ts';

describe('hold expiry: reservations of transfers that never finish are released', () => {
  const identity = new TestIdentityProvider();
  let service: TestService;
  let bank: AccountDriver;
  let alice: string;

  beforeAll(async () => {
    await identity.start();
    // One-second holds, checked five times a second.
    service = await startAccountService(identity, { HOLD_TTL_SECONDS: '1', HOLD_EXPIRY_INTERVAL_MS: '200' });
    bank = new AccountDriver(service);
    alice = await identity.mint({ roles: ['customer'] });
  });

  afterAll(async () => {
    await service?.stop();
    await identity.stop();
  });

  async function pair(): Promise<{ source: AccountView; destination: AccountView }> {
    return { source: await bank.funded(alice, '100.00'), destination: await bank.open(alice) };
  }

  async function placed(source: AccountView, destination: AccountView, amount: string): Promise<HoldView> {
    const response = await bank.placeHold({ fromAccountId: source.id, toAccountId: destination.id, amount });
    expect(response.status, response.text).toBe(201);
    return response.body;
  }

  /** Polls the hold until it reaches `status`; fails after `timeoutMs`. */
  async function eventually(holdId: string, status: HoldStatus, timeoutMs = 10_000): Promise<HoldView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await bank.hold(holdId);
      expect(response.status).toBe(200);
      if (response.body.status === status) return response.body;
      if (Date.now() > deadline) throw new Error(`hold ${holdId} is still ${response.body.status}, not ${status}, after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  it('expires an open hold after its time and makes the amount available again, moving nothing', async () => {
    const { source, destination } = await pair();
    const hold = await placed(source, destination, '35.00');
    expect(Date.parse(hold.expiresAt) - Date.now()).toBeLessThanOrEqual(1_000);
    expect((await bank.account(alice, source.id)).available).toBe('65.00');

    const expired = await eventually(hold.id, 'EXPIRED');

    expect(expired).toEqual({ ...hold, status: 'EXPIRED' });
    expect(await bank.account(alice, source.id)).toMatchObject({ balance: '100.00', available: '100.00' });
    expect(await bank.stored(source.id)).toMatchObject({ held: '0.00', entries: 1 });
    expect(await bank.stored(destination.id)).toMatchObject({ balance: '0.00', entries: 0 });
  });

  it('refuses to capture an expired hold with 409 HOLD_NOT_OPEN', async () => {
    const { source, destination } = await pair();
    const hold = await placed(source, destination, '10.00');
    await eventually(hold.id, 'EXPIRED');

    expectProblem(await bank.capture(hold.id), 409, 'HOLD_NOT_OPEN');
    expect(await bank.stored(source.id)).toMatchObject({ balance: '100.00', held: '0.00' });
  });

  it('answers a void of an expired hold with the hold as it is, releasing nothing twice', async () => {
    const { source, destination } = await pair();
    const hold = await placed(source, destination, '10.00');
    await eventually(hold.id, 'EXPIRED');

    const voided = await bank.void(hold.id);

    expect(voided.status).toBe(200);
    expect(voided.body.status).toBe('EXPIRED');
    expect(await bank.stored(source.id)).toMatchObject({ balance: '100.00', held: '0.00' });
  });

  it('never expires a captured hold', async () => {
    const { source, destination } = await pair();
    const hold = await placed(source, destination, '10.00');
    expect((await bank.capture(hold.id)).status).toBe(200);
    const later = await placed(source, destination, '1.00');

    await eventually(later.id, 'EXPIRED');

    expect((await bank.hold(hold.id)).body.status).toBe('CAPTURED');
    expect(await bank.stored(source.id)).toMatchObject({ balance: '90.00', held: '0.00', ledgerSum: '90.00' });
    expect(await bank.stored(destination.id)).toMatchObject({ balance: '10.00', ledgerSum: '10.00' });
  });

  it('expires every one of many open holds on one account, releasing each exactly once', async () => {
    const { source, destination } = await pair();
    const holds = await Promise.all(Array.from({ length: 8 }, () => placed(source, destination, '12.50')));
    expect((await bank.account(alice, source.id)).available).toBe('0.00');

    for (const hold of holds) await eventually(hold.id, 'EXPIRED');

    expect(await bank.account(alice, source.id)).toMatchObject({ balance: '100.00', available: '100.00' });
    expect(await bank.stored(source.id)).toMatchObject({ held: '0.00' });
  });
});
