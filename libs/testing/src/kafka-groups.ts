import { createKafkaClient } from '@bankshop/messaging';
import { localInfra } from './local-infra.ts';

/**
 * Commits, for a consumer group nobody uses yet, the current end of every topic. Services consume
 * a new group from the beginning (so that in production nothing published before their first
 * start is skipped); the test broker, though, keeps the events of every earlier run, and a service
 * under test would otherwise work through all of them before it reached its own test's. Called
 * before the service starts, so nothing its test publishes can fall in between.
 *
 * One short-lived member joins the group, commits every partition's end at once and leaves.
 * (kafkajs' `admin.setOffsets` does the same one topic at a time and waits out a whole fetch for
 * each: 5 s per topic, which was most of the time every test service took to boot.)
 */
export async function startGroupAtEnd(groupId: string): Promise<void> {
  const kafka = createKafkaClient(localInfra.kafkaBrokers, 'test-groups');
  const admin = kafka.admin();
  await admin.connect();
  let ends: { topic: string; partition: number; offset: string }[];
  try {
    const topics = (await admin.listTopics()).filter((topic) => !topic.startsWith('__'));
    ends = (await Promise.all(topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ topic, partition, offset: high }))))).flat();
  } finally {
    await admin.disconnect();
  }
  if (ends.length === 0) return;

  const topics = [...new Set(ends.map((end) => end.topic))];
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    // Nothing is processed: the member only exists to commit.
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    consumer.pause(topics.map((topic) => ({ topic })));
    await joined;
    await consumer.commitOffsets(ends);
  } finally {
    await consumer.disconnect();
  }
}
