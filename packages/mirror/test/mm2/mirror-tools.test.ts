import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import type { KafkaWireClient } from '@tributary/protocol';
import { type Admin, type Consumer, Kafka, logLevel } from 'kafkajs';
import {
  formatInventoryReport,
  formatStatusReport,
  type MirrorMakerPlan,
  mirrorInventory,
  mirrorMakerPlan,
  mirrorStatus,
  mirrorVerify,
} from '../../src/index.js';
import { jsonRecord, produceRecords, waitFor, wireClient } from './e2e-helpers.js';

/** The tools on a source cluster that has not been mirrored yet. */
describe('mirror status and inventory', () => {
  let a: RunningBroker;
  let b: RunningBroker;
  let adminA: Admin;
  let source: KafkaWireClient;
  let member: Consumer;
  let plan: MirrorMakerPlan;
  let stateDir = '';
  const NOW = 1_700_000_100_000;

  before(async () => {
    a = await startBroker({ port: 0 });
    b = await startBroker({ port: 0 });
    stateDir = mkdtempSync(join(tmpdir(), 'mirror-tools-'));
    const kafka = new Kafka({ brokers: [a.bootstrap], logLevel: logLevel.NOTHING });
    adminA = kafka.admin();
    await adminA.connect();
    await adminA.createTopics({
      topics: [
        { topic: 'orders', numPartitions: 2 },
        { topic: 'audit', numPartitions: 1 },
        { topic: 'idle', numPartitions: 1 },
      ],
    });
    source = wireClient(a.bootstrap);
    await produceRecords(source, 'orders', 2, 40, (p, i) => jsonRecord('orders', p, i));
    await produceRecords(source, 'audit', 1, 5, (p, i) => jsonRecord('audit', p, i));
    // An empty group with commits, a group with a live member, a console consumer.
    await adminA.setOffsets({
      groupId: 'billing',
      topic: 'orders',
      partitions: [
        { partition: 0, offset: '10' },
        { partition: 1, offset: '40' },
      ],
    });
    await adminA.setOffsets({
      groupId: 'console-consumer-42',
      topic: 'audit',
      partitions: [{ partition: 0, offset: '2' }],
    });
    member = kafka.consumer({ groupId: 'search', maxWaitTimeInMs: 100 });
    await member.connect();
    await member.subscribe({ topic: 'audit', fromBeginning: true });
    let joined = false;
    member.on(member.events.GROUP_JOIN, () => {
      joined = true;
    });
    await member.run({ autoCommit: false, eachMessage: async () => {} });
    member.pause([{ topic: 'audit' }]);
    await waitFor('search joined', () => (joined ? true : undefined));
    plan = mirrorMakerPlan(
      {
        clusters: 'A, B',
        'A.bootstrap.servers': a.bootstrap,
        'B.bootstrap.servers': b.bootstrap,
        'A->B.enabled': 'true',
        'A->B.topics': 'orders, audit',
      },
      { stateDir },
    );
  });

  after(async () => {
    await member?.disconnect();
    await source?.close();
    await adminA?.disconnect();
    await a?.stop();
    await b?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('inventory lists topics with records and last produce time, and groups with state and lag', async () => {
    const report = await mirrorInventory(plan);
    const [cluster] = report.clusters;
    assert.ok(cluster);
    assert.equal(cluster.cluster, 'A');
    const topics = Object.fromEntries(cluster.topics.map((t) => [t.topic, t]));
    assert.deepEqual(topics['orders'], {
      topic: 'orders',
      partitions: 2,
      records: 80,
      lastProduceTimestamp: 1_700_000_000_039,
      isReplicated: true,
    });
    assert.deepEqual(topics['idle'], {
      topic: 'idle',
      partitions: 1,
      records: 0,
      lastProduceTimestamp: null,
      isReplicated: false,
    });
    const groups = Object.fromEntries(cluster.groups.map((g) => [g.group, g]));
    assert.deepEqual(groups['billing'], {
      group: 'billing',
      state: 'Empty',
      members: 0,
      topics: ['orders'],
      lag: 30,
      lastConsumedTimestamp: 1_700_000_000_039,
      isReplicated: true,
    });
    assert.equal(groups['search']?.state, 'Stable');
    assert.equal(groups['search']?.members, 1);
    assert.equal(groups['console-consumer-42']?.isReplicated, false);
    assert.match(formatInventoryReport(report), /^cluster A \(source of A->B\): 3 topics, 3 groups$/m);
  });

  it('status before any replication: everything behind, and why groups are not translated', async () => {
    const report = await mirrorStatus(plan, { now: () => NOW, timeoutMs: 5000 });
    const [flow] = report.flows;
    assert.ok(flow);
    assert.deepEqual(
      flow.partitions.map((p) => [
        p.sourceTopic,
        p.targetTopic,
        p.partition,
        p.sourceEnd,
        p.mirroredPosition,
        p.recordsBehind,
        p.targetRecords,
        p.latencyMs,
      ]),
      [
        ['audit', 'A.audit', 0, 5, null, 5, null, 100_000],
        ['orders', 'A.orders', 0, 40, null, 40, null, 100_000],
        ['orders', 'A.orders', 1, 40, null, 40, null, 100_000],
      ],
    );
    assert.equal(flow.recordsBehind, 85);
    const billing = flow.groups.find((g) => g.group === 'billing');
    assert.ok(billing);
    assert.equal(billing.partitions.length, 2);
    for (const p of billing.partitions) {
      assert.equal(p.translatedOffset, null);
      assert.equal(p.action, 'skip');
      assert.match(p.skipReason ?? '', /sync/);
    }
    const console = flow.groups.find((g) => g.group === 'console-consumer-42');
    assert.equal(console?.reason, 'left out by groups / groups.exclude');
    const text = formatStatusReport(report);
    assert.match(text, /^flow A->B: 3 partitions, 85 records behind, max latency 100\.0 s$/m);
  });

  it('status reads the flow offsets file for the mirrored position', async () => {
    writeFileSync(
      join(stateDir, 'mm2-offsets.A->B.json'),
      JSON.stringify([[['MirrorSourceConnector', { cluster: 'A', topic: 'orders', partition: 1 }], { offset: 29 }]]),
    );
    const report = await mirrorStatus(plan, { now: () => NOW, timeoutMs: 5000 });
    const p = report.flows[0]?.partitions.find((x) => x.sourceTopic === 'orders' && x.partition === 1);
    assert.deepEqual(
      [p?.mirroredPosition, p?.positionFrom, p?.recordsBehind, p?.latencyMs],
      [30, 'offsets-file', 10, NOW - 1_700_000_000_030],
    );
  });

  it('the tools refuse a flow that does not replicate, naming --flow', async () => {
    await assert.rejects(
      mirrorVerify(plan, { flows: ['B->A'] }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === '--flow',
    );
  });
});
