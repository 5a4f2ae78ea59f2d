import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { createWireClient, type KafkaWireClient } from '@tributary/protocol';
import { waitFor } from '@tributary/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { decodeOffsetSync, type OffsetSync } from '../src/internal-records.js';
import { OffsetSyncWriter } from '../src/offset-sync-writer.js';
import { testLogger } from './harness.js';

let broker: RunningBroker;
let wire: KafkaWireClient;
let kafka: Kafka;

before(async () => {
  broker = await startBroker({ port: 0 });
  wire = createWireClient({ bootstrapServers: [broker.bootstrap] });
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
});

after(async () => {
  await wire?.close();
  await broker?.stop();
});

async function newWriter(offsetLagMax = 100): Promise<{ writer: OffsetSyncWriter; topic: string }> {
  const topic = `syncs-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
  await admin.disconnect();
  return { writer: new OffsetSyncWriter({ producer: wire, topic, offsetLagMax, logger: testLogger() }), topic };
}

async function readSyncs(topic: string, count: number): Promise<OffsetSync[]> {
  const consumer = kafka.consumer({ groupId: `r-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const out: OffsetSync[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        assert.equal(partition, 0);
        out.push(decodeOffsetSync(message.key, message.value));
      },
    });
    await waitFor(`${count} syncs in ${topic}`, () => (out.length >= count ? true : undefined), { timeoutMs: 30_000 });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

const pairs = (syncs: readonly OffsetSync[]) => syncs.map((s) => [s.upstreamOffset, s.downstreamOffset]);

describe('OffsetSyncWriter', () => {
  it('syncs the first record, both sides of every gap, and the latest record at commit', async () => {
    const { writer, topic } = await newWriter();
    // (a) first record: 0→10
    writer.replicated('orders', 0, [{ upstreamOffset: 0, downstreamOffset: 10, count: 5 }]);
    // continuous: no sync
    writer.replicated('orders', 0, [{ upstreamOffset: 5, downstreamOffset: 15, count: 5 }]);
    // (b) upstream gap (a transaction marker at 10): run end 9→19, run start 11→20
    writer.replicated('orders', 0, [{ upstreamOffset: 11, downstreamOffset: 20, count: 3 }]);
    // (b) downstream gap (someone else wrote to the target): run end 13→22, run start 14→30
    writer.replicated('orders', 0, [{ upstreamOffset: 14, downstreamOffset: 30, count: 2 }]);
    // (d) commit: latest 15→31
    writer.commit();
    writer.commit(); // nothing new: no second sync
    assert.ok(await writer.flush(30_000));
    const syncs = await readSyncs(topic, 6);
    assert.deepEqual(pairs(syncs), [
      [0, 10],
      [9, 19],
      [11, 20],
      [13, 22],
      [14, 30],
      [15, 31],
    ]);
    assert.ok(syncs.every((s) => s.topic === 'orders' && s.partition === 0));
    await writer.close(1000);
  });

  it('syncs the last record of a batch once offset.lag.max records passed the last sync', async () => {
    const { writer, topic } = await newWriter(10);
    writer.replicated('t', 3, [{ upstreamOffset: 100, downstreamOffset: 0, count: 4 }]); // (a) 100→0
    writer.replicated('t', 3, [{ upstreamOffset: 104, downstreamOffset: 4, count: 4 }]); // d=7: lag 7 < 10
    writer.replicated('t', 3, [{ upstreamOffset: 108, downstreamOffset: 8, count: 4 }]); // d=11: lag 11 ≥ 10 → 111→11
    writer.replicated('t', 3, [{ upstreamOffset: 112, downstreamOffset: 12, count: 1 }]); // lag 1
    assert.ok(await writer.flush(30_000));
    assert.deepEqual(pairs(await readSyncs(topic, 2)), [
      [100, 0],
      [111, 11],
    ]);
    await writer.close(1000);
  });

  it('keeps partitions apart and treats runs inside one batch like separate batches', async () => {
    const { writer, topic } = await newWriter();
    writer.replicated('a', 0, [
      { upstreamOffset: 0, downstreamOffset: 0, count: 2 },
      { upstreamOffset: 3, downstreamOffset: 2, count: 2 }, // aborted record at 2
    ]);
    writer.replicated('a', 1, [{ upstreamOffset: 7, downstreamOffset: 0, count: 1 }]);
    assert.ok(await writer.flush(30_000));
    const syncs = await readSyncs(topic, 4);
    assert.deepEqual(
      syncs.map((s) => [s.partition, s.upstreamOffset, s.downstreamOffset]),
      [
        [0, 0, 0],
        [0, 1, 1],
        [0, 3, 2],
        [1, 7, 0],
      ],
    );
    await writer.close(1000);
  });
});
