/**
 * Topic creation shared by the mirror's connectors: MM2's one-partition compacted internal
 * topics, and the replication factor to ask for.
 */
import { type Logger, RetriableError } from '@tributary/api';
import type { Admin } from 'kafkajs';

/**
 * `requested`, except on a single-broker cluster (a development cluster such as
 * `tributary broker`), where any factor above 1 cannot be met: there it is 1, with a
 * warning. Clusters with more brokers get what was configured, and refuse it if they must.
 */
export async function replicationFactorFor(
  admin: Admin,
  requested: number,
  topics: readonly string[],
  logger: Logger,
): Promise<number> {
  if (requested <= 1) return requested;
  const { brokers } = await admin.describeCluster();
  if (brokers.length !== 1) return requested;
  logger.warn(
    { topics, requested },
    `The cluster has a single broker: creating ${topics.join(', ')} with replication factor 1 instead of ${requested}`,
  );
  return 1;
}

/** Creates a one-partition compacted topic unless it exists (MM2's internal topics). */
export async function ensureCompactedTopic(
  admin: Admin,
  topic: string,
  replicationFactor: number,
  logger: Logger,
  timeoutMs?: number,
): Promise<void> {
  if ((await admin.listTopics()).includes(topic)) return;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: await replicationFactorFor(admin, replicationFactor, [topic], logger),
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
    });
    logger.info(`Created internal topic ${topic}`);
  } catch (error) {
    // Another task or worker may have created it meanwhile.
    if ((await admin.listTopics()).includes(topic)) return;
    throw new RetriableError(`Cannot create topic ${topic} (replication factor ${replicationFactor})`, {
      cause: error,
    });
  }
}
