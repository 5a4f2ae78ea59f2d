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
  writeSyncs,
} from './checkpoint-harness.js';

// Offset syncs of flow A->B live on A (offset-syncs.topic.location=source), checkpoints on B.
const SYNCS_TOPIC = 'mm2-offset-syncs.B.internal';
const CHECKPOINTS_TOPIC = 'A.checkpoints.internal';

const valuesOf = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `${prefix}-${from + i}`);

describe('MirrorCheckpointConnector (A -> B, replication simulated with hand-written offset syncs)', () => {
  let clusters: Clusters;
  let worker: StandaloneHandle;

  before(async () => {
    clusters = await startClusters();
    await createTopic(clusters.adminA, SYNCS_TOPIC);
    worker = await startMirrorWorker(clusters);
  });

  after(async () => {
    await worker?.stop();
    await clusters?.close();
  });

  async function checkpointsOf(group: string): Promise<Checkpoint[]> {
    const all = await readAll(clusters.b.bootstrap, CHECKPOINTS_TOPIC, decodeCheckpoint);
    return all.filter((c) => c.group === group);
  }

  async function waitForCheckpoint(
    group: string,
    topic: string,
    partition: number,
    upstreamOffset: number,
  ): Promise<Checkpoint> {
    let seen: Checkpoint[] = [];
    return waitFor(
      `a checkpoint of ${group} ${topic}-${partition} at upstream ${upstreamOffset}`,
      async () => {
        seen = await checkpointsOf(group);
        return seen.find((c) => c.topic === topic && c.partition === partition && c.upstreamOffset === upstreamOffset);
      },
      { timeoutMs: 30_000, intervalMs: 200, describe: () => JSON.stringify(seen) },
    );
  }

  async function waitForTargetOffset(group: string, topic: string, partition: number, offset: number): Promise<void> {
    let seen: number | null = null;
    await waitFor(
      `group ${group} on B at ${offset} on ${topic}-${partition}`,
      async () => {
        seen = await committedOffset(clusters.adminB, group, topic, partition);
        return seen === offset ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, describe: () => String(seen) },
    );
  }

  it('a group switched to B reads exactly the rest: no record missing, none repeated', async () => {
    const topic = unique('orders');
    const remote = `A.${topic}`;
    const group = unique('g-switch');
    const values = valuesOf(topic, 0, 100);
    await createTopic(clusters.adminA, topic);
    await produce(clusters.kafkaA, topic, 0, values);
    const consumedOnA = await consumeAndCommit(clusters.kafkaA, group, topic, 0, 40);
    assert.deepEqual(consumedOnA, values.slice(0, 40));

    // B already holds 5 other records, so downstream offsets are upstream + 5.
    await createTopic(clusters.adminB, remote);
    await produce(clusters.kafkaB, remote, 0, ['x0', 'x1', 'x2', 'x3', 'x4']);
    await produce(clusters.kafkaB, remote, 0, values);
    await writeSyncs(clusters.kafkaA, SYNCS_TOPIC, [
      { topic, partition: 0, upstreamOffset: 0, downstreamOffset: 5 },
      { topic, partition: 0, upstreamOffset: 99, downstreamOffset: 104 },
    ]);

    const name = unique('checkpoint');
    await worker.herder.putConnectorConfig(name, checkpointProps(clusters, { groups: group }), { allowReplace: false });
    const checkpoint = await waitForCheckpoint(group, remote, 0, 40);
    assert.equal(checkpoint.downstreamOffset, 45);
    await waitForTargetOffset(group, remote, 0, 45);
    await worker.herder.deleteConnector(name);

    const readOnB = await consumeToEnd(clusters.kafkaB, group, remote, 0);
    assert.deepEqual(readOnB, values.slice(40));
  });

  it('never writes offsets of a group that is active on B', async () => {
    const topic = unique('payments');
    const remote = `A.${topic}`;
    const active = unique('g-active');
    // Sorts after `active`: when its offsets arrive on B, `active` was handled in that round.
    const witness = `${active}-witness`;
    const values = valuesOf(topic, 0, 100);
    await createTopic(clusters.adminA, topic);
    await produce(clusters.kafkaA, topic, 0, values);
    await consumeAndCommit(clusters.kafkaA, active, topic, 0, 30);
    await consumeAndCommit(clusters.kafkaA, witness, topic, 0, 50);
    await createTopic(clusters.adminB, remote);
    await produce(clusters.kafkaB, remote, 0, values);
    await writeSyncs(clusters.kafkaA, SYNCS_TOPIC, [
      { topic, partition: 0, upstreamOffset: 0, downstreamOffset: 0 },
      { topic, partition: 0, upstreamOffset: 99, downstreamOffset: 99 },
    ]);

    // A member of `active` on B that committed 10 and stays in the group.
    const member = clusters.kafkaB.consumer({ groupId: active, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await member.connect();
    try {
      await member.subscribe({ topic: remote, fromBeginning: true });
      let committed = false;
      await member.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          if (Number(message.offset) === 9 && !committed) {
            committed = true;
            await member.commitOffsets([{ topic: remote, partition: 0, offset: '10' }]);
            member.pause([{ topic: remote }]);
          }
        },
      });
      await waitForTargetOffset(active, remote, 0, 10);

      const name = unique('checkpoint');
      await worker.herder.putConnectorConfig(name, checkpointProps(clusters, { groups: `${active}.*` }), {
        allowReplace: false,
      });
      const checkpoint = await waitForCheckpoint(active, remote, 0, 30);
      assert.equal(checkpoint.downstreamOffset, 30);
      await waitForTargetOffset(witness, remote, 0, 50);
      assert.equal(await committedOffset(clusters.adminB, active, remote, 0), 10);
      await worker.herder.deleteConnector(name);
    } finally {
      await member.disconnect();
    }
    assert.equal(await committedOffset(clusters.adminB, active, remote, 0), 10);
  });

  it('never lets checkpoints go backwards, also across a restart', async () => {
    const topic = unique('events');
    const remote = `A.${topic}`;
    const group = unique('g-monotonic');
    await createTopic(clusters.adminA, topic, 2);
    await createTopic(clusters.adminB, remote, 2);
    for (const p of [0, 1]) {
      const values = valuesOf(`${topic}-${p}`, 0, 100);
      await produce(clusters.kafkaA, topic, p, values);
      await produce(clusters.kafkaB, remote, p, values);
    }
    await writeSyncs(clusters.kafkaA, SYNCS_TOPIC, [
      { topic, partition: 0, upstreamOffset: 0, downstreamOffset: 0 },
      { topic, partition: 0, upstreamOffset: 99, downstreamOffset: 99 },
      { topic, partition: 1, upstreamOffset: 0, downstreamOffset: 0 },
      { topic, partition: 1, upstreamOffset: 99, downstreamOffset: 99 },
    ]);
    await consumeAndCommit(clusters.kafkaA, group, topic, 0, 50);
    await consumeAndCommit(clusters.kafkaA, group, topic, 1, 20);

    const name = unique('checkpoint');
    const props = checkpointProps(clusters, { groups: group, 'sync.group.offsets.enabled': 'false' });
    await worker.herder.putConnectorConfig(name, props, { allowReplace: false });
    assert.equal((await waitForCheckpoint(group, remote, 0, 50)).downstreamOffset, 50);
    assert.equal((await waitForCheckpoint(group, remote, 1, 20)).downstreamOffset, 20);

    // Partition 0 is replicated again from upstream 60 into downstream 20 (a target that lost
    // data, say): translating the group's next commit (70) gives 21, behind checkpoint 50.
    await writeSyncs(clusters.kafkaA, SYNCS_TOPIC, [{ topic, partition: 0, upstreamOffset: 60, downstreamOffset: 20 }]);
    await consumeAndCommit(clusters.kafkaA, group, topic, 0, 70);
    // Partition 1 moves on: its checkpoint shows that a round saw partition 0 at 70.
    await consumeAndCommit(clusters.kafkaA, group, topic, 1, 30);
    assert.equal((await waitForCheckpoint(group, remote, 1, 30)).downstreamOffset, 30);

    // A new task must not forget the last checkpoint: it reads them back at start.
    await worker.herder.deleteConnector(name);
    await worker.herder.putConnectorConfig(name, props, { allowReplace: false });
    await consumeAndCommit(clusters.kafkaA, group, topic, 1, 40);
    assert.equal((await waitForCheckpoint(group, remote, 1, 40)).downstreamOffset, 40);
    await worker.herder.deleteConnector(name);

    const p0 = (await checkpointsOf(group)).filter((c) => c.partition === 0).map((c) => c.downstreamOffset);
    assert.deepEqual(p0, [50]);
  });

  it('assigns the groups the filters accept that committed on replicated topics, and picks up new ones', async () => {
    const prefix = unique('g-list');
    const replicated = unique('kept');
    const excludedTopic = unique('dropped');
    await createTopic(clusters.adminA, replicated);
    await createTopic(clusters.adminA, excludedTopic);
    await produce(clusters.kafkaA, replicated, 0, valuesOf(replicated, 0, 10));
    await produce(clusters.kafkaA, excludedTopic, 0, valuesOf(excludedTopic, 0, 10));
    await consumeAndCommit(clusters.kafkaA, `${prefix}-a`, replicated, 0, 5);
    await consumeAndCommit(clusters.kafkaA, `${prefix}-b`, excludedTopic, 0, 5);
    await consumeAndCommit(clusters.kafkaA, `${prefix}-c`, replicated, 0, 5);
    await consumeAndCommit(clusters.kafkaA, `${prefix}-e`, replicated, 0, 5);

    const name = unique('checkpoint');
    await worker.herder.putConnectorConfig(
      name,
      checkpointProps(clusters, {
        'tasks.max': '3',
        groups: `${prefix}.*`,
        'groups.exclude': `${prefix}-c`,
        'topics.exclude': excludedTopic,
      }),
      { allowReplace: false },
    );
    const assigned = (): string[][] =>
      worker.herder.taskConfigs(name).map((t) => JSON.parse(t.config['task.assigned.groups'] ?? '[]') as string[]);
    assert.deepEqual(assigned(), [[`${prefix}-a`], [`${prefix}-e`]]);

    await consumeAndCommit(clusters.kafkaA, `${prefix}-d`, replicated, 0, 5);
    await waitFor('the new group to be assigned', () => (assigned().flat().length === 3 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 200,
      describe: () => JSON.stringify(assigned()),
    });
    assert.deepEqual(assigned(), [[`${prefix}-a`], [`${prefix}-d`], [`${prefix}-e`]]);
    await worker.herder.deleteConnector(name);
  });
});
