/**
 * Proof (issue 6): a consumer group that consumed part of a topic on A is switched to B
 * (`A->B.sync.group.offsets.enabled = true`, short intervals) and reads exactly the rest
 * there — no record missing, none repeated. `mirror status` shows the group's source,
 * translated and target offsets.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import type { KafkaWireClient } from '@tributary/protocol';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { formatStatusReport, mirrorStatus } from '../src/index.js';
import {
  compatFileFor,
  jsonRecord,
  planOf,
  produceRecords,
  startMirrorMaker,
  stopMirrorMaker,
  waitFor,
  wireClient,
  writeFile,
} from './mm2/e2e-helpers.js';

const PARTITIONS = 3;
const PER_PARTITION = 1000;
/** How many records of each partition the group consumes on A (different per partition). */
const CONSUMED = [400, 1, 999];
const GROUP = 'billing';

/** Consumes `limits[p]` records of each partition with `group` and commits exactly there. */
async function consumePart(kafka: Kafka, topic: string, group: string, limits: readonly number[]): Promise<void> {
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = limits.map(() => 0);
  const done = new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const p = batch.partition;
          for (const message of batch.messages) {
            if ((seen[p] ?? 0) >= (limits[p] ?? 0)) break;
            seen[p] = (seen[p] ?? 0) + 1;
            if (seen[p] === limits[p]) {
              await consumer.commitOffsets([{ topic, partition: p, offset: String(Number(message.offset) + 1) }]);
            }
          }
          if (seen.every((n, i) => n >= (limits[i] ?? 0))) resolve();
        },
      })
      .catch(reject);
  });
  await done;
  await consumer.disconnect();
}

describe('a consumer group switched from A to B', () => {
  let a: RunningBroker;
  let b: RunningBroker;
  let dir = '';
  let adminB: Admin;
  let source: KafkaWireClient;
  let values: string[][] = [];

  before(async () => {
    a = await startBroker({ port: 0 });
    b = await startBroker({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'mm2-switch-'));
    const kafkaA = new Kafka({ brokers: [a.bootstrap], logLevel: logLevel.NOTHING });
    const adminA = kafkaA.admin();
    await adminA.connect();
    await adminA.createTopics({ topics: [{ topic: 'invoices', numPartitions: PARTITIONS }] });
    await adminA.disconnect();
    source = wireClient(a.bootstrap);
    const produced = await produceRecords(source, 'invoices', PARTITIONS, PER_PARTITION, (p, i) =>
      jsonRecord('invoices', p, i),
    );
    values = produced.map((records) => records.map((r) => r.value?.toString() ?? ''));
    await consumePart(kafkaA, 'invoices', GROUP, CONSUMED);
    adminB = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await adminB.connect();
  });

  after(async () => {
    await adminB?.disconnect();
    await source?.close();
    await a?.stop();
    await b?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes on B at the first record it had not consumed on A', async () => {
    const file = writeFile(
      dir,
      'mm2.properties',
      compatFileFor(a.bootstrap, b.bootstrap, [
        'A->B.emit.checkpoints.interval.seconds = 1',
        'A->B.sync.group.offsets.interval.seconds = 1',
        'A->B.refresh.groups.interval.seconds = 1',
        'B.offset.flush.interval.ms = 1000',
      ]),
    );
    const stateDir = join(dir, 'state');
    const mm = startMirrorMaker([file, '--state-dir', stateDir]);
    try {
      await mm.running;
      const translated = await waitFor(
        `${GROUP} committed on B for every partition of A.invoices`,
        async () => {
          const fetched = await adminB.fetchOffsets({ groupId: GROUP, topics: ['A.invoices'] });
          const offsets = (fetched[0]?.partitions ?? [])
            .sort((x, y) => x.partition - y.partition)
            .map((p) => Number(p.offset));
          return offsets.length === PARTITIONS && offsets.every((o) => o >= 0) ? offsets : undefined;
        },
        90_000,
      );
      // The mirror copied every record in order from offset 0, so positions match exactly.
      assert.deepEqual(translated, CONSUMED);

      // Group offset sync commits without joining: the group has no member on B.
      const described = await adminB.describeGroups([GROUP]);
      assert.equal(described.groups[0]?.members.length, 0);
      assert.equal(described.groups[0]?.state, 'Empty');
      const status = await mirrorStatus(planOf(file, stateDir));
      const text = formatStatusReport(status);
      const group = status.flows[0]?.groups.find((g) => g.group === GROUP);
      assert.ok(group, text);
      assert.deepEqual(
        group.partitions.map((p) => [
          p.upstreamTopic,
          p.partition,
          p.upstreamOffset,
          p.translatedOffset,
          p.targetOffset,
        ]),
        CONSUMED.map((n, p) => ['invoices', p, n, n, n]),
        text,
      );
      assert.match(text, /billing \(target: Empty\)/);
    } finally {
      const exit = await stopMirrorMaker(mm);
      assert.equal(exit.code, 0, exit.stderr);
    }

    // The switched consumer reads exactly the rest on B.
    const consumer = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).consumer({
      groupId: GROUP,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'A.invoices', fromBeginning: true });
      const received: string[][] = values.map(() => []);
      const expected = values.map((v, p) => v.slice(CONSUMED[p]));
      const total = expected.reduce((sum, v) => sum + v.length, 0);
      let count = 0;
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          received[partition]?.push(message.value?.toString() ?? '');
          count++;
        },
      });
      await waitFor(`${total} records on B`, () => (count >= total ? true : undefined), 60_000);
      for (let p = 0; p < PARTITIONS; p++) {
        assert.equal(received[p]?.length, expected[p]?.length, `partition ${p}: count`);
        assert.deepEqual(received[p], expected[p], `partition ${p}: the rest, in order, nothing repeated`);
      }
    } finally {
      await consumer.disconnect();
    }
  });
});
