import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@tributary/api';
import { readPropertiesFile } from '@tributary/runtime';
import { type MirrorFlow, mirrorMakerPlan } from '../../src/mm2/mm2-config.js';

const compatFile = fileURLToPath(
  new URL('../../../../../shared/compat/connect-mirror-maker.properties', import.meta.url),
);

const options = { stateDir: '/tmp/state' };

function flow(flows: readonly MirrorFlow[], name: string): MirrorFlow {
  const found = flows.find((f) => f.name === name);
  assert.ok(found, `flow ${name} in ${flows.map((f) => f.name).join(', ')}`);
  return found;
}

function connector(f: MirrorFlow, name: string): Readonly<Record<string, string>> {
  const found = f.connectors.find((c) => c.name === name);
  assert.ok(found, `${name} in ${f.name}`);
  return found.config;
}

describe('mirrorMakerPlan', () => {
  it('maps the compat MM2 file: A->B replicates, B->A only emits heartbeats', () => {
    const props = readPropertiesFile(compatFile);
    const plan = mirrorMakerPlan(props, options);
    assert.deepEqual(plan.clusters, ['A', 'B']);
    assert.deepEqual(
      plan.flows.map((f) => [f.name, f.isReplicationEnabled, f.connectors.map((c) => c.name)]),
      [
        ['A->B', true, ['MirrorSourceConnector', 'MirrorCheckpointConnector', 'MirrorHeartbeatConnector']],
        ['B->A', false, ['MirrorHeartbeatConnector']],
      ],
    );
    const ab = flow(plan.flows, 'A->B');
    assert.equal(ab.workerProps['bootstrap.servers'], 'B_host1:B_port, B_host2:B_port, B_host3:B_port');
    assert.equal(ab.workerProps['key.converter'], 'org.apache.kafka.connect.converters.ByteArrayConverter');
    assert.equal(ab.workerProps['value.converter'], 'org.apache.kafka.connect.converters.ByteArrayConverter');
    assert.equal(ab.workerProps['client.id'], 'A->B');
    assert.equal(ab.workerProps['offset.storage.file.filename'], '/tmp/state/mm2-offsets.A->B.json');
    assert.equal(ab.offsetsFile, '/tmp/state/mm2-offsets.A->B.json');
    assert.equal(ab.workerProps['offset.storage.replication.factor'], undefined);

    const source = connector(ab, 'MirrorSourceConnector');
    assert.equal(source['connector.class'], 'org.apache.kafka.connect.mirror.MirrorSourceConnector');
    assert.equal(source['source.cluster.alias'], 'A');
    assert.equal(source['target.cluster.alias'], 'B');
    assert.equal(source['source.cluster.bootstrap.servers'], 'A_host1:A_port, A_host2:A_port, A_host3:A_port');
    assert.equal(source['source.consumer.bootstrap.servers'], undefined, 'clients take it from the cluster key');
    assert.equal(source['target.cluster.bootstrap.servers'], 'B_host1:B_port, B_host2:B_port, B_host3:B_port');
    assert.equal(source['enabled'], 'true');
    assert.equal(source['topics'], '.*');
    assert.equal(source['replication.factor'], '3');
    assert.equal(source['sync.group.offsets.enabled'], 'true');
    assert.equal(source['offset.storage.replication.factor'], undefined);

    const ba = flow(plan.flows, 'B->A');
    assert.equal(ba.workerProps['bootstrap.servers'], 'A_host1:A_port, A_host2:A_port, A_host3:A_port');
    const heartbeat = connector(ba, 'MirrorHeartbeatConnector');
    assert.equal(heartbeat['enabled'], undefined, 'heartbeats run although B->A does not replicate');
    assert.equal(heartbeat['source.cluster.alias'], 'B');
    assert.equal(heartbeat['sync.group.offsets.enabled'], undefined, 'A->B overrides stay in A->B');

    assert.deepEqual(plan.warnings, [
      'offset.storage.replication.factor, status.storage.replication.factor, config.storage.replication.factor: ignored; each flow keeps its source offsets in a file under the state directory (--state-dir), not in internal topics',
    ]);
  });

  it('--clusters keeps the flows whose target is the given cluster', () => {
    const props = readPropertiesFile(compatFile);
    assert.deepEqual(
      mirrorMakerPlan(props, { ...options, targetClusters: ['A'] }).flows.map((f) => f.name),
      ['B->A'],
    );
  });

  it('with heartbeats off, runs only the enabled flows, without heartbeat connectors', () => {
    const plan = mirrorMakerPlan(
      {
        clusters: 'A, B',
        'A.bootstrap.servers': 'a:9092',
        'B.bootstrap.servers': 'b:9092',
        'emit.heartbeats.enabled': 'false',
        'A->B.enabled': 'true',
      },
      options,
    );
    assert.deepEqual(
      plan.flows.map((f) => [f.name, f.connectors.map((c) => c.name)]),
      [['A->B', ['MirrorSourceConnector', 'MirrorCheckpointConnector']]],
    );
  });

  it('copies cluster client keys and client prefixes to the right side', () => {
    const plan = mirrorMakerPlan(
      {
        clusters: 'us-west, us-east',
        'us-west.bootstrap.servers': 'w:9092',
        'us-east.bootstrap.servers': 'e:9092',
        'us-west.consumer.isolation.level': 'read_committed',
        'us-west.security.protocol': 'PLAINTEXT',
        'us-east.producer.linger.ms': '5',
        'us-east.offset.flush.interval.ms': '1000',
        'us-west->us-east.enabled': 'true',
        'us-west->us-east.topics': 'orders.*',
        topics: '.*',
        'emit.heartbeats.enabled': 'false',
        'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
        'tasks.max': '4',
      },
      options,
    );
    const f = flow(plan.flows, 'us-west->us-east');
    const source = connector(f, 'MirrorSourceConnector');
    assert.equal(source['source.consumer.isolation.level'], 'read_committed');
    assert.equal(source['source.cluster.security.protocol'], 'PLAINTEXT');
    assert.equal(source['source.admin.security.protocol'], 'PLAINTEXT');
    assert.equal(source['target.producer.linger.ms'], '5');
    assert.equal(source['topics'], 'orders.*', 'the flow override wins over the top-level key');
    assert.equal(source['tasks.max'], '4');
    assert.equal(f.workerProps['producer.linger.ms'], '5');
    assert.equal(f.workerProps['offset.flush.interval.ms'], '1000');
    assert.equal(f.workerProps['tasks.max'], undefined);
    assert.deepEqual(plan.warnings, []);
  });

  it('warns about unknown keys and flows naming unknown clusters', () => {
    const plan = mirrorMakerPlan(
      {
        clusters: 'A, B',
        'A.bootstrap.servers': 'a:9092',
        'B.bootstrap.servers': 'b:9092',
        'A->B.enabled': 'true',
        'A->B.topicz': 'x',
        'A->C.enabled': 'true',
        'some.thing': '1',
        listeners: 'http://0.0.0.0:8080',
        'bootstrap.servers': 'x:9092',
      },
      options,
    );
    assert.deepEqual(plan.warnings, [
      'A->C.enabled: C is not in clusters (A, B); ignored',
      'bootstrap.servers: ignored; each cluster has its own <alias>.bootstrap.servers',
      'listeners: ignored; connect-mirror-maker runs every flow in one process without a REST API',
      'A->B.topicz: unknown key, ignored',
      'some.thing: unknown key, ignored',
    ]);
  });

  it('fails naming clusters and every missing bootstrap.servers', () => {
    assert.throws(
      () => mirrorMakerPlan({ 'A.bootstrap.servers': 'a:9092' }, options),
      (err: unknown) => err instanceof ConfigError && err.problems.map((p) => p.key).join() === 'clusters',
    );
    assert.throws(
      () => mirrorMakerPlan({ clusters: 'A, B, C', 'B.bootstrap.servers': 'b:9092' }, options),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.map((p) => p.key).join() === 'A.bootstrap.servers,C.bootstrap.servers' &&
        err.message.includes('A.bootstrap.servers'),
    );
    assert.throws(
      () =>
        mirrorMakerPlan(
          { clusters: 'A, B', 'A.bootstrap.servers': 'a', 'B.bootstrap.servers': 'b' },
          { ...options, targetClusters: ['X'] },
        ),
      /--clusters/,
    );
  });
});
