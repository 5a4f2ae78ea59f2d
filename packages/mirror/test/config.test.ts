import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import {
  configPropertiesExclude,
  mirrorCheckpointConfig,
  mirrorHeartbeatConfig,
  mirrorSourceConfig,
  resolveMirrorSettings,
  resolveSourceSettings,
} from '../src/config.js';
import { DefaultTopicFilter } from '../src/filters.js';
import {
  IdentityReplicationPolicy,
  RenameFormatReplicationPolicy,
  TOPIC_PLACEHOLDER,
} from '../src/replication-policy.js';

const worker = { workerBootstrapServers: ['127.0.0.1:9092'], isSourceRequired: true };

function resolve(props: Record<string, string>) {
  const config = mirrorSourceConfig.parse(props);
  return { config, ...resolveMirrorSettings(config, props, worker) };
}

describe('mirror config', () => {
  it("has MM2's defaults, with 30 s refresh intervals", () => {
    const source = mirrorSourceConfig.parse({ 'source.cluster.bootstrap.servers': 'a:1' });
    assert.equal(source['source.cluster.alias'], 'source');
    assert.equal(source['target.cluster.alias'], 'target');
    assert.equal(source['replication.factor'], 2);
    assert.equal(source['refresh.topics.interval.seconds'], 30);
    assert.equal(source['sync.topic.configs.interval.seconds'], 600);
    assert.equal(source['offset.lag.max'], 100);
    assert.equal(source['offset-syncs.topic.location'], 'source');
    assert.deepEqual(source.topics, ['.*']);
    assert.deepEqual(source['topics.exclude'], ['.*[\\-\\.]internal', '.*\\.replica', '__.*']);
    assert.equal(source['source.consumer.isolation.level'], 'read_committed');
    const checkpoint = mirrorCheckpointConfig.parse({ 'source.cluster.bootstrap.servers': 'a:1' });
    assert.equal(checkpoint['refresh.groups.interval.seconds'], 30);
    assert.equal(checkpoint['sync.group.offsets.enabled'], false);
    assert.equal(checkpoint['emit.checkpoints.interval.seconds'], 60);
    assert.deepEqual(checkpoint['groups.exclude'], ['console-consumer-.*', 'connect-.*', '__.*']);
    const heartbeat = mirrorHeartbeatConfig.parse({});
    assert.equal(heartbeat['emit.heartbeats.interval.seconds'], 1);
    assert.equal(heartbeat['heartbeats.topic.replication.factor'], 3);
  });

  it('reports every bad key at once', () => {
    try {
      mirrorSourceConfig.parse({
        'replication.policy.class': 'com.example.Mine',
        topics: '(oops',
        'replication.factor': '0',
        'offset-syncs.topic.location': 'elsewhere',
        'source.cluster.bootstrap.servers': 'a:1',
      });
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems.map((p) => p.key).sort(), [
        'offset-syncs.topic.location',
        'replication.factor',
        'replication.policy.class',
        'topics',
      ]);
    }
  });

  it('resolves clusters: the target defaults to the worker, prefixed client keys per kind', () => {
    const { settings, problems } = resolve({
      'source.cluster.alias': 'A',
      'target.cluster.alias': 'B',
      'source.cluster.bootstrap.servers': 'a:9092',
      'source.cluster.client.id': 'mm',
      'source.consumer.max.poll.records': '10',
      'target.producer.linger.ms': '5',
      'replication.policy.class': 'IdentityReplicationPolicy',
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.source.bootstrapServers, ['a:9092']);
    assert.deepEqual(settings.target.bootstrapServers, ['127.0.0.1:9092']);
    assert.deepEqual(settings.source.consumer, { 'client.id': 'mm', 'max.poll.records': '10' });
    assert.deepEqual(settings.target.producer, { 'linger.ms': '5' });
    assert.ok(settings.policy instanceof IdentityReplicationPolicy);
    assert.equal(settings.policy.topicSource('x'), 'A');
  });

  it('requires the source cluster, also under its Replicator name', () => {
    assert.throws(
      () => mirrorSourceConfig.parse({}),
      (err: unknown) =>
        err instanceof ConfigError && err.problems.some((p) => p.key === 'source.cluster.bootstrap.servers'),
    );
    assert.deepEqual(
      mirrorSourceConfig.parse({ 'src.kafka.bootstrap.servers': 'a:1' })['source.cluster.bootstrap.servers'],
      ['a:1'],
    );
    assert.deepEqual(
      mirrorSourceConfig.unknownKeys({ 'src.kafka.bootstrap.servers': 'a:1', 'topics.blacklist': 'x' }),
      [],
    );
    assert.equal(mirrorHeartbeatConfig.parse({})['source.cluster.bootstrap.servers'], null);
  });

  it('accepts the Replicator connector JSON from shared/compat', () => {
    const path = new URL('../../../../shared/compat/replicator-connector.json', import.meta.url);
    const body = JSON.parse(readFileSync(path, 'utf8')) as { config: Record<string, string> };
    const props = { ...body.config, 'topic.whitelist': 'orders', 'topic.rename.format': `${TOPIC_PLACEHOLDER}.copy` };
    const { config, settings, problems } = resolve(props);
    assert.deepEqual(problems, []);
    assert.equal(settings.source.bootstrapServers.length, 1);
    assert.equal(settings.source.consumer['max.poll.records'], '300');
    assert.ok(settings.policy instanceof RenameFormatReplicationPolicy);
    assert.equal(settings.policy.formatRemoteTopic('source', 'orders'), 'orders.copy');
    const filter = new DefaultTopicFilter(settings.topicsInclude, settings.topicsExclude);
    assert.ok(filter.shouldReplicateTopic('orders'));
    assert.ok(!filter.shouldReplicateTopic('orders2'));
    assert.equal(settings.warnings.filter((w) => w.includes('zookeeper')).length, 2);
    assert.equal(resolveSourceSettings(config).refreshTopicsIntervalMs, 30_000);
  });

  it('keeps names for a Replicator class without a rename format', () => {
    const { settings } = resolve({
      'connector.class': 'io.confluent.connect.replicator.ReplicatorSourceConnector',
      'src.kafka.bootstrap.servers': 'a:1',
    });
    assert.equal(settings.policy.formatRemoteTopic('source', 'orders'), 'orders');
  });

  it('refuses a MM2 key together with its Replicator alias', () => {
    const { problems } = resolve({ 'source.cluster.bootstrap.servers': 'a:1', topics: 'x', 'topic.whitelist': 'y' });
    assert.deepEqual(
      problems.map((p) => p.key),
      ['topic.whitelist'],
    );
  });

  it('reads deprecated exclude names when the new ones are not set', () => {
    const { settings } = resolve({ 'source.cluster.bootstrap.servers': 'a:1', 'topics.blacklist': 'secret.*' });
    assert.deepEqual(settings.topicsExclude, ['secret.*']);
    const props = { 'source.cluster.bootstrap.servers': 'a:1', 'config.properties.blacklist': 'retention\\.ms' };
    assert.deepEqual(configPropertiesExclude(mirrorSourceConfig.parse(props), props), ['retention\\.ms']);
  });
});
