import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, type SourceOffset, type SourcePartition } from '@tributary/api';
import { mirrorSourceConfig } from '../src/config.js';
import { assignPartitions, MirrorSourceConnector } from '../src/mirror-source-connector.js';
import { decodeTopicPartition, encodeTopicPartition } from '../src/mirror-source-task.js';
import { testLogger } from './harness.js';

const context = (workerBootstrapServers: string[] = ['127.0.0.1:1']) => ({
  logger: testLogger(),
  workerBootstrapServers,
  requestTaskReconfiguration: () => {},
  raiseError: () => {},
  offsetStorageReader: { offset: async () => null, offsets: async () => new Map<SourcePartition, SourceOffset>() },
});

describe('assignPartitions', () => {
  it('deals partitions round-robin by partition, then topic', () => {
    const tps = [
      { topic: 'b', partition: 0 },
      { topic: 'a', partition: 1 },
      { topic: 'a', partition: 0 },
      { topic: 'b', partition: 1 },
      { topic: 'c', partition: 0 },
    ];
    assert.deepEqual(assignPartitions(tps, 2), [
      [
        { topic: 'a', partition: 0 },
        { topic: 'c', partition: 0 },
        { topic: 'b', partition: 1 },
      ],
      [
        { topic: 'b', partition: 0 },
        { topic: 'a', partition: 1 },
      ],
    ]);
    assert.equal(assignPartitions(tps, 10).length, 5, 'no more tasks than partitions');
    assert.deepEqual(assignPartitions([], 3), []);
  });

  it('encodes task partitions as MM2 does', () => {
    assert.equal(encodeTopicPartition({ topic: 'my-topic', partition: 12 }), 'my-topic-12');
    assert.deepEqual(decodeTopicPartition('my-topic-12'), { topic: 'my-topic', partition: 12 });
    assert.throws(() => decodeTopicPartition('nopartition'), /task\.assigned\.partitions/);
  });
});

describe('MirrorSourceConnector', () => {
  it('refuses identity names onto the same cluster', async () => {
    const props = {
      'source.cluster.bootstrap.servers': '127.0.0.1:1',
      'replication.policy.class': 'IdentityReplicationPolicy',
    };
    await assert.rejects(
      new MirrorSourceConnector().start(mirrorSourceConfig.parse(props), props, context(['127.0.0.1:1'])),
      (err: unknown) =>
        err instanceof ConfigError && err.problems.some((p) => p.key === 'target.cluster.bootstrap.servers'),
    );
  });

  it('runs no tasks when enabled=false', async () => {
    const props = { 'source.cluster.bootstrap.servers': '127.0.0.1:1', enabled: 'false' };
    const connector = new MirrorSourceConnector();
    await connector.start(mirrorSourceConfig.parse(props), props, context());
    assert.deepEqual(connector.taskConfigs(4), []);
    await connector.stop();
    await connector.stop();
  });

  it('checks offsets written through the REST API as MM2 does', () => {
    const connector = new MirrorSourceConnector();
    const good = new Map<SourcePartition, SourceOffset | null>([
      [{ cluster: 'A', topic: 't', partition: 0 }, { offset: 5 }],
      [{ cluster: 'A', topic: 't', partition: 1 }, null],
    ]);
    connector.alterOffsets({}, good);
    const bad = new Map<SourcePartition, SourceOffset | null>([
      [{ cluster: 'A', topic: 't', partition: -1 }, { offset: 'x' }],
    ]);
    assert.throws(
      () => connector.alterOffsets({}, bad),
      (err: unknown) => err instanceof ConfigError && err.problems.length === 2,
    );
  });
});
