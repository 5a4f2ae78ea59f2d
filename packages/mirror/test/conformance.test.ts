/**
 * The source conformance suite applied to the mirror: the "source system" is a topic on the
 * suite's broker, replicated onto the suite's topic of the same broker with Replicator's
 * `topic.rename.format` (a fixed remote name).
 */

import { runSourceConnectorConformance } from '@tributary/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { mirrorSource } from '../src/index.js';

const sourceTopic = (id: string) => `src-${id}`;

function kafkaFor(bootstrap: string): Kafka {
  return new Kafka({ clientId: 'mirror-conformance', brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

runSourceConnectorConformance({
  plugin: mirrorSource,
  pluginModule: { module: new URL('../src/index.ts', import.meta.url).href, exportName: 'mirrorSource' },
  workerProps: {
    'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
  },
  baseConfig: async (ctx) => {
    const admin = kafkaFor(ctx.bootstrap).admin();
    await admin.connect();
    try {
      const existing = await admin.listTopics();
      if (!existing.includes(sourceTopic(ctx.id))) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic: sourceTopic(ctx.id), numPartitions: 1, replicationFactor: 1 }],
        });
      }
    } finally {
      await admin.disconnect();
    }
    return {
      'source.cluster.bootstrap.servers': ctx.bootstrap,
      topics: sourceTopic(ctx.id),
      'topic.rename.format': ctx.topic,
      'tasks.max': '1',
      'replication.factor': '1',
      'offset-syncs.topic.replication.factor': '1',
    };
  },
  produceSourceData: async (ctx, ids) => {
    const producer = kafkaFor(ctx.bootstrap).producer();
    await producer.connect();
    try {
      await producer.send({ topic: sourceTopic(ctx.id), messages: ids.map((id) => ({ value: JSON.stringify(id) })) });
    } finally {
      await producer.disconnect();
    }
  },
});
