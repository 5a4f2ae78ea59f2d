import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Logger } from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { ensureCompactedTopic, replicationFactorFor } from '../src/topic-creation.js';

/** Collects warnings; the rest is dropped. */
function warningLogger(warnings: string[]): Logger {
  const ignore = () => {};
  const logger: Logger = {
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn: (...args: unknown[]) => warnings.push(String(args.at(-1))),
    error: ignore,
    child: () => logger,
  };
  return logger;
}

describe('topic creation on a single-broker cluster', () => {
  let broker: RunningBroker;
  let admin: Admin;

  before(async () => {
    broker = await startBroker({ port: 0 });
    admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  after(async () => {
    await admin.disconnect();
    await broker.stop();
  });

  it('asks for replication factor 1 instead of MM2 defaults the cluster cannot meet, with a warning naming the topics', async () => {
    const warnings: string[] = [];
    assert.equal(await replicationFactorFor(admin, 3, ['t1', 't2'], warningLogger(warnings)), 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /single broker.*t1, t2.*replication factor 1 instead of 3/);
    assert.equal(await replicationFactorFor(admin, 1, ['t3'], warningLogger(warnings)), 1);
    assert.equal(warnings.length, 1, 'no warning when nothing changes');
  });

  it('creates a compacted one-partition internal topic with the default replication factor 3, once', async () => {
    const topic = `mm2-offset-syncs.${randomUUID()}.internal`;
    const warnings: string[] = [];
    await ensureCompactedTopic(admin, topic, 3, warningLogger(warnings));
    await ensureCompactedTopic(admin, topic, 3, warningLogger(warnings));
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(metadata.topics[0]?.partitions.length, 1);
    const described = await admin.describeConfigs({
      resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }],
      includeSynonyms: false,
    });
    assert.equal(described.resources[0]?.configEntries[0]?.configValue, 'compact');
    assert.equal(warnings.length, 1, 'the second call finds the topic and creates nothing');
  });
});
