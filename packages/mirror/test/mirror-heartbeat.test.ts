import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StandaloneHandle } from '@tributary/runtime';
import { waitFor } from '@tributary/testkit';
import { decodeHeartbeat, type Heartbeat } from '../src/internal-records.js';
import { MirrorHeartbeatConnector } from '../src/mirror-heartbeat-connector.js';
import { type Clusters, readAll, startClusters, startMirrorWorker, unique } from './checkpoint-harness.js';

describe('MirrorHeartbeatConnector', () => {
  let clusters: Clusters;
  let worker: StandaloneHandle;

  before(async () => {
    clusters = await startClusters();
    worker = await startMirrorWorker(clusters);
  });

  after(async () => {
    await worker?.stop();
    await clusters?.close();
  });

  it('writes decodable heartbeats into `heartbeats` on the target, one partition, compacted', async () => {
    const name = unique('heartbeat');
    await worker.herder.putConnectorConfig(
      name,
      {
        'connector.class': 'org.apache.kafka.connect.mirror.MirrorHeartbeatConnector',
        'source.cluster.alias': 'A',
        'target.cluster.alias': 'B',
        'emit.heartbeats.interval.seconds': '1',
        'heartbeats.topic.replication.factor': '1',
      },
      { allowReplace: false },
    );
    let seen: Heartbeat[] = [];
    await waitFor(
      'three heartbeats on B',
      async () => {
        seen = await readAll(clusters.b.bootstrap, 'heartbeats', decodeHeartbeat);
        return seen.length >= 3 ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, describe: () => JSON.stringify(seen) },
    );
    await worker.herder.deleteConnector(name);
    for (const h of seen) {
      assert.equal(h.sourceClusterAlias, 'A');
      assert.equal(h.targetClusterAlias, 'B');
    }
    const times = seen.map((h) => h.timestamp);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    const topics = await clusters.adminB.fetchTopicMetadata({ topics: ['heartbeats'] });
    assert.equal(topics.topics[0]?.partitions.length, 1);
    const configs = await clusters.adminB.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: 'heartbeats', configNames: ['cleanup.policy'] }],
    });
    assert.equal(configs.resources[0]?.configEntries[0]?.configValue, 'compact');
  });

  it('runs one task, none when disabled', async () => {
    const props = {
      'connector.class': 'MirrorHeartbeatConnector',
      'source.cluster.alias': 'A',
      'target.cluster.alias': 'B',
      'tasks.max': '4',
      'heartbeats.topic.replication.factor': '1',
    };
    const on = unique('heartbeat');
    await worker.herder.putConnectorConfig(on, props, { allowReplace: false });
    assert.equal(worker.herder.taskConfigs(on).length, 1);
    await worker.herder.deleteConnector(on);
    const off = unique('heartbeat');
    await worker.herder.putConnectorConfig(
      off,
      { ...props, 'emit.heartbeats.enabled': 'false' },
      { allowReplace: false },
    );
    assert.equal(worker.herder.taskConfigs(off).length, 0);
    await worker.herder.deleteConnector(off);
  });

  it('accepts only MM2 offsets {offset: 0} for {sourceClusterAlias, targetClusterAlias}', () => {
    const connector = new MirrorHeartbeatConnector();
    const partition = { sourceClusterAlias: 'A', targetClusterAlias: 'B' };
    connector.alterOffsets({}, new Map([[partition, { offset: 0 }]]));
    connector.alterOffsets({}, new Map([[partition, null]]));
    assert.throws(() => connector.alterOffsets({}, new Map([[partition, { offset: 5 }]])), /\{"offset": 0\}/);
    assert.throws(
      () => connector.alterOffsets({}, new Map([[{ sourceClusterAlias: 'A' }, { offset: 0 }]])),
      /targetClusterAlias/,
    );
  });
});
