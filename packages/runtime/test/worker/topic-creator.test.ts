import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import kafkajs, { type Admin, Kafka, logLevel } from 'kafkajs';
import { createRootLogger } from '../../src/logging/root-logger.js';
import {
  createTopicCreator,
  parseTopicCreationSettings,
  topicCreationGroupFor,
} from '../../src/worker/topic-creator.js';

let broker: RunningBroker;
let admin: Admin;

before(async () => {
  broker = await startBroker({ port: 0, numPartitions: 2 });
  const kafka = new Kafka({ clientId: 'topic-creator-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  await admin.disconnect();
  await broker.stop();
});

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const logger = createRootLogger({ level: 'silent' });

async function partitionCount(topic: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0]?.partitions.length ?? 0;
}

async function topicConfig(topic: string, name: string): Promise<string | undefined> {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }],
    includeSynonyms: false,
  });
  return resources[0]?.configEntries.find((e) => e.configName === name)?.configValue;
}

describe('parseTopicCreationSettings', () => {
  it('is off without topic.creation.default.* keys or when the worker disables it', () => {
    assert.equal(parseTopicCreationSettings({ 'topic.creation.groups': 'a' }), null);
    assert.equal(
      parseTopicCreationSettings(
        { 'topic.creation.default.partitions': '1', 'topic.creation.default.replication.factor': '1' },
        false,
      ),
      null,
    );
  });

  it('matches the first group that includes and does not exclude a topic, else default', () => {
    const settings = parseTopicCreationSettings({
      'topic.creation.groups': 'compacted, hot',
      'topic.creation.default.replication.factor': '-1',
      'topic.creation.default.partitions': '1',
      'topic.creation.default.compression.type': 'lz4',
      'topic.creation.compacted.include': 'state-.*, .*-changelog',
      'topic.creation.compacted.exclude': 'state-tmp',
      'topic.creation.compacted.cleanup.policy': 'compact',
      'topic.creation.hot.include': '.*',
      'topic.creation.hot.partitions': '12',
    });
    assert.ok(settings !== null);
    const compacted = topicCreationGroupFor(settings, 'state-users');
    assert.equal(compacted.name, 'compacted');
    assert.deepEqual(compacted.topicConfigs, { 'cleanup.policy': 'compact' });
    // Inherited from default.
    assert.equal(compacted.partitions, 1);
    assert.equal(compacted.replicationFactor, -1);
    assert.equal(topicCreationGroupFor(settings, 'orders-changelog').name, 'compacted');
    // Patterns match whole names.
    assert.equal(topicCreationGroupFor(settings, 'xstate-users').name, 'hot');
    const excluded = topicCreationGroupFor(settings, 'state-tmp');
    assert.equal(excluded.name, 'hot');
    assert.equal(excluded.partitions, 12);
    const onlyDefault = parseTopicCreationSettings({
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '3',
    });
    assert.ok(onlyDefault !== null);
    assert.equal(topicCreationGroupFor(onlyDefault, 'anything').name, 'default');
  });

  it('reports every bad key by name', () => {
    assert.throws(
      () =>
        parseTopicCreationSettings({
          'topic.creation.groups': 'g, h',
          'topic.creation.default.partitions': '0',
          'topic.creation.g.include': '(unclosed',
          'topic.creation.h.replication.factor': 'three',
        }),
      (err: ConfigError) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems.map((p) => p.key).sort(), [
          'topic.creation.default.partitions',
          'topic.creation.default.replication.factor',
          'topic.creation.g.include',
          'topic.creation.h.include',
          'topic.creation.h.replication.factor',
        ]);
        return true;
      },
    );
  });
});

describe('createTopicCreator', () => {
  it("creates a missing topic once with its group's partitions and topic configs", async () => {
    const topic = unique('state');
    const settings = parseTopicCreationSettings({
      'topic.creation.groups': 'compacted',
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '1',
      'topic.creation.compacted.include': 'state-.*',
      'topic.creation.compacted.partitions': '3',
      'topic.creation.compacted.cleanup.policy': 'compact',
    });
    assert.ok(settings !== null);
    const creator = createTopicCreator({ admin, settings, logger });
    await Promise.all([creator.ensureTopic(topic), creator.ensureTopic(topic)]);
    await creator.ensureTopic(topic);
    assert.equal(await partitionCount(topic), 3);
    assert.equal(await topicConfig(topic, 'cleanup.policy'), 'compact');
  });

  it('uses the broker defaults for -1', async () => {
    const topic = unique('plain');
    const settings = parseTopicCreationSettings({
      'topic.creation.default.replication.factor': '-1',
      'topic.creation.default.partitions': '-1',
    });
    assert.ok(settings !== null);
    await createTopicCreator({ admin, settings, logger }).ensureTopic(topic);
    // The broker was started with num.partitions=2.
    assert.equal(await partitionCount(topic), 2);
  });

  it('leaves an existing topic as it is', async () => {
    const topic = unique('existing');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const settings = parseTopicCreationSettings({
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '6',
    });
    assert.ok(settings !== null);
    await createTopicCreator({ admin, settings, logger }).ensureTopic(topic);
    assert.equal(await partitionCount(topic), 1);
  });

  it('fails naming the topic when the broker refuses to create it', async () => {
    const topic = unique('too-replicated');
    const settings = parseTopicCreationSettings({
      'topic.creation.default.replication.factor': '3',
      'topic.creation.default.partitions': '1',
    });
    assert.ok(settings !== null);
    await assert.rejects(
      createTopicCreator({ admin, settings, logger }).ensureTopic(topic),
      new RegExp(`Failed to create topic '${topic}'`),
    );
  });
});
