import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@bankshop/contracts';
import { KafkaProbe, TestIdentityProvider, type TestService } from '@bankshop/testing';
import { AccountDriver, startAccountService } from './support.ts';

describe('account events on Kafka (topic account.events, key = account id), from the real account service', () => {
  const identity = new TestIdentityProvider();
  const probe = new KafkaProbe();
  let service: TestService;
  let bank: AccountDriver;
  const aliceId = randomUUID();
  const adminId = randomUUID();
  let alice: string;
  let admin: string;

  beforeAll(async () => {
    await identity.start();
    [service] = await Promise.all([startAccountService(identity), probe.start(['account.events'])]);
    bank = new AccountDriver(service);
    alice = await identity.mint({ sub: aliceId, roles: ['customer'] });
    admin = await identity.mint({ sub: adminId, roles: ['admin'] });
  });

  afterAll(async () => {
    await probe.stop();
    await service?.stop();
    await identity.stop();
  });

  /** The events published for one account so far, in the order they were read. */
  function eventsOf(accountId: string): EventEnvelope[] {
    return probe.withKey(accountId).map((message) => message.value as EventEnvelope);
  }

  /** Waits until an event of `type` for `accountId` has been published, and returns the latest such event. */
  async function published(accountId: string, type: string): Promise<EventEnvelope> {
    await probe.waitFor(() => eventsOf(accountId).some((event) => event.type === type));
    const event = eventsOf(accountId).findLast((candidate) => candidate.type === type)!;
    expect(event).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type,
      aggregateId: accountId,
      occurredAt: expect.any(String),
      payload: expect.any(Object),
    });
    expect(Number.isNaN(Date.parse(event.occurredAt))).toBe(false);
    return event;
  }

  it('publishes account.opened.v1 with the owner and the currency', async () => {
    const account = await bank.open(alice, 'CNY');

    const event = await published(account.id, 'account.opened.v1');

    expect(event.payload).toEqual({ accountId: account.id, ownerId: aliceId, currency: 'CNY' });
    const [message] = probe.withKey(account.id);
    expect(message!.topic).toBe('account.events');
  });

  it('publishes account.deposited.v1 and account.withdrew.v1 with the amount, the balance after and the ledger entry', async () => {
    const account = await bank.open(alice, 'EUR');
    const deposit = await bank.deposit(alice, account.id, '100.5');
    const withdrawal = await bank.withdraw(alice, account.id, '30.25');
    expect([deposit.status, withdrawal.status]).toEqual([201, 201]);

    const deposited = await published(account.id, 'account.deposited.v1');
    const withdrew = await published(account.id, 'account.withdrew.v1');

    expect(deposited.payload).toEqual({
      accountId: account.id,
      ownerId: aliceId,
      entryId: deposit.body.id,
      amount: '100.50',
      balance: '100.50',
      currency: 'EUR',
    });
    expect(withdrew.payload).toEqual({
      accountId: account.id,
      ownerId: aliceId,
      entryId: withdrawal.body.id,
      amount: '30.25',
      balance: '70.25',
      currency: 'EUR',
    });
  });

  it('publishes account.frozen.v1 with the reason and account.unfrozen.v1, both naming the administrator', async () => {
    const account = await bank.open(alice);
    expect((await bank.api.post(`/api/admin/accounts/${account.id}/freeze`, { token: admin, body: { reason: 'KYC review' } })).status).toBe(200);
    expect((await bank.api.post(`/api/admin/accounts/${account.id}/unfreeze`, { token: admin })).status).toBe(200);

    const frozen = await published(account.id, 'account.frozen.v1');
    const unfrozen = await published(account.id, 'account.unfrozen.v1');

    expect(frozen.payload).toEqual({ accountId: account.id, status: 'FROZEN', reason: 'KYC review', by: adminId });
    expect(unfrozen.payload).toEqual({ accountId: account.id, status: 'ACTIVE', by: adminId });
  });

  it('publishes account.debited.v1 on the source and account.credited.v1 on the destination of a captured transfer', async () => {
    const source = await bank.funded(alice, '100.00');
    const destination = await bank.open(alice);
    const hold = await bank.placeHold({ fromAccountId: source.id, toAccountId: destination.id, amount: '20.00' });
    expect((await bank.capture(hold.body.id)).status).toBe(200);
    const entryOf = async (accountId: string) =>
      (await bank.wholeLedger(alice, accountId)).find((entry) => entry.transferId === hold.body.transferId)!.id;

    const debited = await published(source.id, 'account.debited.v1');
    const credited = await published(destination.id, 'account.credited.v1');

    expect(debited.payload).toEqual({
      accountId: source.id,
      transferId: hold.body.transferId,
      entryId: await entryOf(source.id),
      amount: '-20.00',
      balance: '80.00',
      currency: 'EUR',
    });
    expect(credited.payload).toEqual({
      accountId: destination.id,
      transferId: hold.body.transferId,
      entryId: await entryOf(destination.id),
      amount: '20.00',
      balance: '20.00',
      currency: 'EUR',
    });
  });

  it("publishes exactly the account's acknowledged changes, in order: nothing for refusals, replays, holds or voids", async () => {
    const account = await bank.open(alice);
    const other = await bank.open(alice);
    const key = randomUUID();
    expect((await bank.deposit(alice, account.id, '50.00', key)).status).toBe(201);
    expect((await bank.deposit(alice, account.id, '50.00', key)).headers['idempotent-replayed']).toBe('true');
    expect((await bank.withdraw(alice, account.id, '60.00')).status).toBe(422);
    expect((await bank.withdraw(alice, account.id, '0.001')).status).toBe(400);
    const hold = await bank.placeHold({ fromAccountId: account.id, toAccountId: other.id, amount: '5.00' });
    expect((await bank.void(hold.body.id)).status).toBe(200);
    expect((await bank.withdraw(alice, account.id, '20.00')).status).toBe(201);
    expect((await bank.deposit(alice, account.id, '1.00')).status).toBe(201);

    await probe.waitFor(() => eventsOf(account.id).filter((event) => event.type === 'account.deposited.v1').length >= 2);

    expect(eventsOf(account.id).map((event) => [event.type, (event.payload as { balance?: string }).balance])).toEqual([
      ['account.opened.v1', undefined],
      ['account.deposited.v1', '50.00'],
      ['account.withdrew.v1', '30.00'],
      ['account.deposited.v1', '31.00'],
    ]);
  });
});
