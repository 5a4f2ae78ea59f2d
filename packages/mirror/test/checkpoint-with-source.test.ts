import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StandaloneHandle } from '@tributary/runtime';
import { waitFor } from '@tributary/testkit';
import { type Checkpoint, decodeCheckpoint } from '../src/internal-records.js';
import {
  type Clusters,
  checkpointProps,
  committedOffset,
  consumeAndCommit,
  consumeToEnd,
  createTopic,
  produce,
  readAll,
  startClusters,
  startMirrorWorker,
  unique,
} from './checkpoint-harness.js';

const valuesOf = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `${prefix}-${from + i}`);

describe('checkpoints with the mirror source connector replicating A -> B', () => {
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

  it('a group that consumed part of a topic on A reads exactly the rest on B, also across transactions', async () => {
    const topic = unique('orders');
    const remote = `A.${topic}`;
    const group = unique('g-e2e');
    await createTopic(clusters.adminA, topic);
    // Upstream offsets with gaps: 30 plain records, then 3 committed transactions of 10
    // (each leaves a commit marker), then 30 plain records again.
    const plain1 = valuesOf(`${topic}-p`, 0, 30);
    await produce(clusters.kafkaA, topic, 0, plain1);
    const transactional: string[] = [];
    const producer = clusters.kafkaA.producer({
      transactionalId: unique('txn'),
      maxInFlightRequests: 1,
      idempotent: true,
    });
    await producer.connect();
    for (let t = 0; t < 3; t++) {
      const values = valuesOf(`${topic}-t${t}`, 0, 10);
      const txn = await producer.transaction();
      await txn.send({ topic, messages: values.map((value) => ({ partition: 0, value })) });
      await txn.commit();
      transactional.push(...values);
    }
    await producer.disconnect();
    const plain2 = valuesOf(`${topic}-q`, 0, 30);
    await produce(clusters.kafkaA, topic, 0, plain2);
    const all = [...plain1, ...transactional, ...plain2];

    // The group stops in the middle of the second transaction (upstream offset 30 + 11 + 4).
    const commitAt = 30 + 11 + 4;
    const consumed = await consumeAndCommit(clusters.kafkaA, group, topic, 0, commitAt);
    assert.deepEqual(consumed, all.slice(0, 44));

    await worker.herder.putConnectorConfig(
      unique('source'),
      {
        'connector.class': 'org.apache.kafka.connect.mirror.MirrorSourceConnector',
        'source.cluster.alias': 'A',
        'target.cluster.alias': 'B',
        'source.cluster.bootstrap.servers': clusters.a.bootstrap,
        'target.cluster.bootstrap.servers': clusters.b.bootstrap,
        topics: topic,
        'replication.factor': '1',
        'offset-syncs.topic.replication.factor': '1',
        'refresh.topics.interval.seconds': '1',
      },
      { allowReplace: false },
    );
    const checkpointer = unique('checkpoint');
    await worker.herder.putConnectorConfig(checkpointer, checkpointProps(clusters, { groups: group }), {
      allowReplace: false,
    });

    let seen: Checkpoint[] = [];
    const checkpoint = await waitFor(
      `the checkpoint of ${group} at upstream ${commitAt}`,
      async () => {
        seen = (await readAll(clusters.b.bootstrap, 'A.checkpoints.internal', decodeCheckpoint)).filter(
          (c) => c.group === group,
        );
        return seen.find((c) => c.topic === remote && c.upstreamOffset === commitAt && c.downstreamOffset === 44);
      },
      { timeoutMs: 60_000, intervalMs: 250, describe: () => JSON.stringify(seen) },
    );
    assert.equal(checkpoint.partition, 0);
    await waitFor('the group offset on B', async () =>
      (await committedOffset(clusters.adminB, group, remote, 0)) === 44 ? true : undefined,
    );
    await worker.herder.deleteConnector(checkpointer);

    const rest = await consumeToEnd(clusters.kafkaB, group, remote, 0);
    assert.deepEqual(rest, all.slice(44));
  });
});
