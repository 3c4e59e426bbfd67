import { Kafka, logLevel } from 'kafkajs';
import { localInfra } from './local-infra.ts';

/**
 * Commits, for a consumer group nobody uses yet, the current end of every topic. Services consume
 * a new group from the beginning (so that in production nothing published before their first
 * start is skipped); the test broker, though, keeps the events of every earlier run, and a service
 * under test would otherwise work through all of them before it reached its own test's. Called
 * before the service starts, so nothing its test publishes can fall in between.
 */
export async function startGroupAtEnd(groupId: string): Promise<void> {
  const admin = new Kafka({ clientId: 'test-groups', brokers: localInfra.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => !topic.startsWith('__'));
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: offsets.map(({ partition, high }) => ({ partition, offset: high })) });
    }
  } finally {
    await admin.disconnect();
  }
}
