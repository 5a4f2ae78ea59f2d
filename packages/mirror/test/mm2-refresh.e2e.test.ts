/**
 * Proof (issue 6): a topic created on A, and partitions added to a replicated topic, show
 * up on B within the refresh interval (`refresh.topics.interval.seconds`, default 30 s;
 * 2 s here), with the same partition count, and their records land in the same partition.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import type { KafkaWireClient } from '@tributary/protocol';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { formatVerifyReport, mirrorVerify } from '../src/index.js';
import {
  compatFileFor,
  jsonRecord,
  type MirrorMakerProcess,
  planOf,
  produceRecords,
  startMirrorMaker,
  stopMirrorMaker,
  waitFor,
  wireClient,
  writeFile,
} from './mm2/e2e-helpers.js';

const REFRESH_SECONDS = 2;

describe('connect-mirror-maker picks up new topics and partitions', () => {
  let a: RunningBroker;
  let b: RunningBroker;
  let dir = '';
  let adminA: Admin;
  let adminB: Admin;
  let source: KafkaWireClient;
  let mm: MirrorMakerProcess;
  let file = '';
  let stateDir = '';

  before(async () => {
    a = await startBroker({ port: 0 });
    b = await startBroker({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'mm2-refresh-'));
    adminA = new Kafka({ brokers: [a.bootstrap], logLevel: logLevel.NOTHING }).admin();
    adminB = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await adminA.connect();
    await adminB.connect();
    source = wireClient(a.bootstrap);
    await adminA.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
    await produceRecords(source, 'orders', 2, 50, (p, i) => jsonRecord('orders', p, i));
    file = writeFile(
      dir,
      'mm2.properties',
      compatFileFor(a.bootstrap, b.bootstrap, [`A->B.refresh.topics.interval.seconds = ${REFRESH_SECONDS}`]),
    );
    stateDir = join(dir, 'state');
    mm = startMirrorMaker([file, '--state-dir', stateDir]);
    await mm.running;
  });

  after(async () => {
    if (mm !== undefined) await stopMirrorMaker(mm);
    await source?.close();
    await adminA?.disconnect();
    await adminB?.disconnect();
    await a?.stop();
    await b?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function partitionsOnB(topic: string): Promise<number | undefined> {
    const metadata = await adminB.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    return metadata?.topics[0]?.partitions.length;
  }

  it('replicates the existing topic first', async () => {
    await waitFor('A.orders on B with 2 partitions', async () =>
      (await partitionsOnB('A.orders')) === 2 ? true : undefined,
    );
  });

  it('creates a topic made on A after the start, with its partitions and records', async () => {
    await adminA.createTopics({ topics: [{ topic: 'payments', numPartitions: 3 }] });
    await produceRecords(source, 'payments', 3, 20, (p, i) => jsonRecord('payments', p, i));
    // The deadline is MM2-compatible's default interval (30 s), 15 of the configured ones.
    await waitFor(
      'A.payments on B',
      async () => ((await partitionsOnB('A.payments')) === 3 ? true : undefined),
      30_000,
    );
    const report = await mirrorVerify(planOf(file, stateDir), { topics: /payments/, waitMs: 60_000 });
    assert.ok(report.isEqual, formatVerifyReport(report));
    assert.equal(report.flows[0]?.partitions.length, 3);
  });

  it('adds partitions added on A, and their records land in the same partition', async () => {
    await adminA.createPartitions({ topicPartitions: [{ topic: 'orders', count: 4 }] });
    await waitFor(
      'A.orders on B with 4 partitions',
      async () => ((await partitionsOnB('A.orders')) === 4 ? true : undefined),
      30_000,
    );
    // 10 more records in every partition, old and new.
    await produceRecords(source, 'orders', 4, 10, (p, i) => jsonRecord('orders', p, 1000 + i));
    const report = await mirrorVerify(planOf(file, stateDir), { topics: /orders/, waitMs: 60_000 });
    const text = formatVerifyReport(report);
    assert.ok(report.isEqual, text);
    const partitions = report.flows[0]?.partitions ?? [];
    assert.deepEqual(
      partitions.map((p) => [p.partition, p.verdict, p.source.count]),
      [
        [0, 'equal', 60],
        [1, 'equal', 60],
        [2, 'equal', 10],
        [3, 'equal', 10],
      ],
      text,
    );
  });
});
