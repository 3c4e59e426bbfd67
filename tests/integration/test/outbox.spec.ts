import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import {
  createKafkaClient,
  IdempotentConsumer,
  KafkaProducer,
  MessagingTables1763942400000,
  Outbox,
  OutboxRelay,
} from '@bankshop/messaging';
import { createTestDatabase, KafkaProbe, localInfra, REPO_ROOT, SERVICE_NODE_FLAGS, type TestDatabase } from '@bankshop/testing';

describe('transactional outbox (real PostgreSQL and Kafka)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let producer: KafkaProducer;
  let relay: OutboxRelay;
  let probe: KafkaProbe;
  const outbox = new Outbox();

  beforeAll(async () => {
    database = await createTestDatabase('outbox');
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [MessagingTables1763942400000],
      extra: { max: 6 },
    }).initialize();
    await dataSource.runMigrations();
    producer = new KafkaProducer(createKafkaClient(localInfra.kafkaBrokers, 'outbox-spec'));
    relay = new OutboxRelay(dataSource, producer);
    probe = await new KafkaProbe().start(['audit.events']);
  });

  afterAll(async () => {
    await probe?.stop();
    await producer?.onApplicationShutdown();
    await dataSource?.destroy();
    await database?.drop();
  });

  const newEvent = (aggregateId: string) => ({ type: 'audit.recorded.v1' as const, aggregateId, payload: { aggregateId } });

  async function unpublishedCount(): Promise<number> {
    const [row] = (await dataSource.query(`SELECT count(*)::int AS count FROM outbox WHERE published_at IS NULL`)) as {
      count: number;
    }[];
    return row!.count;
  }

  it('publishes a committed event with its id, type and aggregate key, then marks it published', async () => {
    const aggregateId = randomUUID();
    const [event] = await dataSource.transaction((manager) => outbox.append(manager, newEvent(aggregateId)));

    expect(await relay.publishPending()).toBe(1);
    await probe.waitFor(() => probe.withKey(aggregateId).length === 1);

    const [message] = probe.withKey(aggregateId);
    expect(message?.topic).toBe('audit.events');
    expect(message?.value).toMatchObject({ eventId: event!.eventId, type: 'audit.recorded.v1', aggregateId, payload: { aggregateId } });
    expect(message?.headers['event-id']).toBe(event!.eventId);
    expect(await unpublishedCount()).toBe(0);
  });

  it('refuses to write an event outside a transaction', async () => {
    await expect(outbox.append(dataSource.manager, newEvent(randomUUID()))).rejects.toThrow(/open transaction/);
  });

  it('publishes nothing from a transaction that rolled back', async () => {
    const rolledBack = randomUUID();
    const marker = randomUUID();
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.append(manager, newEvent(rolledBack));
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    await dataSource.transaction((manager) => outbox.append(manager, newEvent(marker)));

    await relay.publishPending();
    await probe.waitFor(() => probe.withKey(marker).length === 1);

    // The relay publishes in id order, so once the later marker is on Kafka nothing older is pending.
    expect(probe.withKey(rolledBack)).toEqual([]);
    expect(await unpublishedCount()).toBe(0);
  });

  it('publishes every row even when a smaller id commits after a larger one', async () => {
    const early = randomUUID();
    const late = randomUUID();
    const slow = dataSource.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    // `early` takes the smaller id but stays uncommitted while `late` commits and is relayed.
    await outbox.append(slow.manager, newEvent(early));
    await dataSource.transaction((manager) => outbox.append(manager, newEvent(late)));

    await relay.publishPending();
    await probe.waitFor(() => probe.withKey(late).length === 1);
    expect(probe.withKey(early)).toEqual([]);

    await slow.commitTransaction();
    await slow.release();
    await relay.publishPending();
    await probe.waitFor(() => probe.withKey(early).length === 1);
    expect(await unpublishedCount()).toBe(0);
  });

  it('survives a relay killed between publish and mark without a double effect', async () => {
    const aggregateId = randomUUID();
    const [event] = await dataSource.transaction((manager) => outbox.append(manager, newEvent(aggregateId)));

    const crash = await runRelayOnce(database.url, { CRASH_AFTER_PUBLISH: '1' });
    expect(crash.signal).toBe('SIGKILL');
    await probe.waitFor(() => probe.withKey(aggregateId).length === 1);
    expect(await unpublishedCount()).toBe(1);

    // The killed relay's database session lives on until PostgreSQL notices the closed socket,
    // holding the relay lock and the row meanwhile; another relay then publishes the row again.
    await expect.poll(() => relay.publishPending(), { timeout: 10_000 }).toBe(1);
    await probe.waitFor(() => probe.withKey(aggregateId).length === 2);
    expect(await unpublishedCount()).toBe(0);

    // At-least-once delivery: the same event arrived twice; the idempotent consumer applies it once.
    await dataSource.query(`CREATE TABLE IF NOT EXISTS effects (event_id uuid NOT NULL)`);
    const consumer = new IdempotentConsumer(dataSource);
    const outcomes: boolean[] = [];
    for (const message of probe.withKey(aggregateId)) {
      const delivered = message.value as { eventId: string };
      outcomes.push(
        await consumer.handleOnce('outbox-spec', delivered, async (manager) => {
          await manager.query(`INSERT INTO effects (event_id) VALUES ($1)`, [delivered.eventId]);
        }),
      );
    }
    expect(outcomes).toEqual([true, false]);
    const effects = (await dataSource.query(`SELECT event_id FROM effects WHERE event_id = $1`, [event!.eventId])) as unknown[];
    expect(effects).toHaveLength(1);
  });

  it('applies an event once when duplicates are handled concurrently', async () => {
    await dataSource.query(`CREATE TABLE IF NOT EXISTS concurrent_effects (event_id uuid NOT NULL)`);
    const consumer = new IdempotentConsumer(dataSource);
    const event = { eventId: randomUUID() };
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () =>
        consumer.handleOnce('concurrent-spec', event, async (manager) => {
          await manager.query(`INSERT INTO concurrent_effects (event_id) VALUES ($1)`, [event.eventId]);
        }),
      ),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const effects = (await dataSource.query(`SELECT 1 FROM concurrent_effects WHERE event_id = $1`, [event.eventId])) as unknown[];
    expect(effects).toHaveLength(1);
  });

  it('records nothing when the effect fails, so a redelivery applies it', async () => {
    const consumer = new IdempotentConsumer(dataSource);
    const event = { eventId: randomUUID() };
    await expect(
      consumer.handleOnce('failing-spec', event, async () => {
        throw new Error('effect failed');
      }),
    ).rejects.toThrow('effect failed');
    expect(await consumer.handleOnce('failing-spec', event, async () => undefined)).toBe(true);
  });
});

function runRelayOnce(databaseUrl: string, env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, `${REPO_ROOT}tests/integration/dist/relay-once.js`], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, KAFKA_BROKERS: localInfra.kafkaBrokers.join(','), ...env },
    stdio: 'inherit',
  });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
