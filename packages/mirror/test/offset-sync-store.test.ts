import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Logger } from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { createWireClient, type KafkaWireClient } from '@tributary/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { encodeOffsetSync } from '../src/internal-records.js';
import { OffsetSyncReader, OffsetSyncStore, type Translation } from '../src/offset-sync-store.js';

const T = 'orders';

function storeOf(pairs: readonly (readonly [number, number])[], partition = 0): OffsetSyncStore {
  const store = new OffsetSyncStore();
  for (const [u, d] of pairs) store.add({ topic: T, partition, upstreamOffset: u, downstreamOffset: d });
  store.markReadToEnd();
  return store;
}

function offsetOf(t: Translation): number | null {
  return t.offset;
}

describe('OffsetSyncStore.translate', () => {
  it('translates nothing before the syncs topic was read to its end', () => {
    const store = new OffsetSyncStore();
    store.add({ topic: T, partition: 0, upstreamOffset: 0, downstreamOffset: 0 });
    const t = store.translate(T, 0, 0);
    assert.equal(t.offset, null);
    assert.match(t.offset === null ? t.reason : '', /not read to its end/);
  });

  it('has nothing before the first sync, with a reason', () => {
    const store = storeOf([[100, 0]]);
    const t = store.translate(T, 0, 99);
    assert.equal(t.offset, null);
    assert.equal(t.offset === null ? t.reason : '', 'no offset sync at or before 99 yet (the oldest kept is at 100)');
    const other = store.translate(T, 1, 5);
    assert.equal(other.offset === null ? other.reason : '', 'no offset sync at or before 5 yet');
  });

  it('is exact at a sync and inside a run', () => {
    // One run: upstream 0..999 copied to downstream 0..999, synced every 100 and at the end.
    const store = storeOf([
      [0, 0],
      [100, 100],
      [200, 200],
      [999, 999],
    ]);
    assert.deepEqual(
      [0, 1, 57, 100, 150, 998, 999].map((g) => offsetOf(store.translate(T, 0, g))),
      [0, 1, 57, 100, 150, 998, 999],
    );
    const inside = store.translate(T, 0, 150);
    assert.equal(inside.offset === null ? null : inside.rule, 'inside-run');
  });

  it('uses MM2 rule s.d + 1 after the last sync (exact when the last sync ends the run)', () => {
    const store = storeOf([
      [0, 0],
      [49, 49],
    ]);
    // Group consumed everything replicated: position 50 → downstream 50.
    const t = store.translate(T, 0, 50);
    assert.equal(t.offset, 50);
    assert.equal(t.offset === null ? null : t.rule, 'after-sync');
    // Group ahead of the mirror: conservative, never past the true position.
    assert.equal(offsetOf(store.translate(T, 0, 80)), 50);
  });

  it('handles upstream gaps from transactions: run end and run start around the marker', () => {
    // Upstream: records 0..9, commit marker at 10, records 11..20, marker at 21.
    // Downstream (no markers): 0..9, 10..19. Syncs at first record and both sides of each gap.
    const store = storeOf([
      [0, 0],
      [9, 9],
      [11, 10],
      [20, 19],
    ]);
    const cases: [number, number][] = [
      [5, 5], // inside the first run
      [9, 9], // at the run end
      [10, 10], // the marker: next record is 11 → downstream 10
      [11, 10], // at the run start
      [15, 14], // inside the second run
      [20, 19],
      [21, 20], // position after the last record and its marker
      [22, 20],
    ];
    for (const [g, d] of cases) assert.equal(offsetOf(store.translate(T, 0, g)), d, `upstream ${g}`);
  });

  it('handles a downstream gap (another writer on the target) the same way', () => {
    const store = storeOf([
      [0, 0],
      [9, 9],
      [10, 15],
      [19, 24],
    ]);
    assert.equal(offsetOf(store.translate(T, 0, 5)), 5);
    assert.equal(offsetOf(store.translate(T, 0, 10)), 15);
    assert.equal(offsetOf(store.translate(T, 0, 12)), 17);
  });

  it('after a restart that re-replicates, drops the superseded syncs (rewind) and keeps the run before', () => {
    // First life: 0..99 → 0..99 (syncs at 0 and 99). The task crashed having committed 49,
    // restarted at 50 and copied 50..99 again to 100..149.
    const store = storeOf([
      [0, 0],
      [99, 99],
      [50, 100],
      [99, 149],
    ]);
    assert.deepEqual(
      store.syncs(T, 0).map((s) => [s.upstreamOffset, s.downstreamOffset]),
      [
        [0, 0],
        [49, 49],
        [50, 100],
        [99, 149],
      ],
    );
    // Before the restart point the first copies are still one run.
    assert.equal(offsetOf(store.translate(T, 0, 0)), 0);
    assert.equal(offsetOf(store.translate(T, 0, 30)), 30);
    assert.equal(offsetOf(store.translate(T, 0, 49)), 49);
    // At and after the restart point the newest copies count.
    assert.equal(offsetOf(store.translate(T, 0, 50)), 100);
    assert.equal(offsetOf(store.translate(T, 0, 70)), 120);
    assert.equal(offsetOf(store.translate(T, 0, 100)), 150);
  });

  it('after a rewind into a gap, falls back to MM2 rule for the part no sync describes', () => {
    // 0..9 → 0..9, marker at 10, 11..20 → 10..19; then re-replicated from 15 to 30..
    const store = storeOf([
      [0, 0],
      [9, 9],
      [11, 10],
      [20, 19],
      [15, 30],
    ]);
    assert.deepEqual(
      store.syncs(T, 0).map((s) => [s.upstreamOffset, s.downstreamOffset]),
      [
        [0, 0],
        [9, 9],
        [11, 10],
        [14, 13],
        [15, 30],
      ],
    );
    assert.equal(offsetOf(store.translate(T, 0, 12)), 11);
    assert.equal(offsetOf(store.translate(T, 0, 15)), 30);
    assert.equal(offsetOf(store.translate(T, 0, 16)), 31);
  });

  it('keeps only the runs the dropped syncs proved', () => {
    const store = storeOf([
      [0, 0],
      [9, 9],
      [11, 10],
      [5, 40],
    ]);
    assert.deepEqual(
      store.syncs(T, 0).map((s) => [s.upstreamOffset, s.downstreamOffset]),
      [
        [0, 0],
        [4, 4],
        [5, 40],
      ],
    );
    const store2 = storeOf([
      [0, 0],
      [9, 9],
      [11, 10],
      [10, 40],
    ]);
    assert.deepEqual(
      store2.syncs(T, 0).map((s) => [s.upstreamOffset, s.downstreamOffset]),
      [
        [0, 0],
        [9, 9],
        [10, 40],
      ],
    );
  });

  it('keeps partitions and topics apart', () => {
    const store = new OffsetSyncStore();
    store.add({ topic: T, partition: 0, upstreamOffset: 0, downstreamOffset: 0 });
    store.add({ topic: T, partition: 1, upstreamOffset: 0, downstreamOffset: 7 });
    store.add({ topic: 'other', partition: 0, upstreamOffset: 0, downstreamOffset: 3 });
    store.markReadToEnd();
    assert.equal(offsetOf(store.translate(T, 0, 0)), 0);
    assert.equal(offsetOf(store.translate(T, 1, 0)), 7);
    assert.equal(offsetOf(store.translate('other', 0, 0)), 3);
    assert.equal(store.latest(T, 1)?.downstreamOffset, 7);
  });

  it('drops syncs inside a run without changing any translation', () => {
    const pairs: [number, number][] = [];
    for (let u = 0; u <= 10_000; u += 100) pairs.push([u, u + 5]);
    const store = storeOf(pairs);
    assert.equal(store.syncs(T, 0).length, 2);
    for (const g of [0, 1, 99, 100, 5_000, 9_999, 10_000]) assert.equal(offsetOf(store.translate(T, 0, g)), g + 5);
    assert.equal(offsetOf(store.translate(T, 0, 10_001)), 10_006);
  });

  it('drops the oldest syncs beyond maxSyncsPerPartition', () => {
    const store = new OffsetSyncStore({ maxSyncsPerPartition: 4 });
    // Every sync is a run boundary (each transaction leaves a gap of 1).
    for (let i = 0; i < 10; i++) store.add({ topic: T, partition: 0, upstreamOffset: i * 2, downstreamOffset: i });
    store.markReadToEnd();
    assert.equal(store.syncs(T, 0).length, 4);
    assert.equal(store.translate(T, 0, 2).offset, null);
    assert.equal(offsetOf(store.translate(T, 0, 18)), 9);
  });
});

describe('OffsetSyncReader (embedded broker)', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let client: KafkaWireClient;

  before(async () => {
    broker = await startBroker({ port: 0 });
    kafka = new Kafka({ clientId: 'sync-reader-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    client = createWireClient({ bootstrapServers: [broker.bootstrap] });
  });

  after(async () => {
    await client?.close();
    await broker?.stop();
  });

  async function write(topic: string, syncs: readonly [number, number][]): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: syncs.map(([u, d]) => ({
        partition: 0,
        ...encodeOffsetSync({ topic: 'orders', partition: 0, upstreamOffset: u, downstreamOffset: d }),
      })),
    });
    await producer.disconnect();
  }

  it('reads real sync records, follows new ones, and treats a missing topic as empty', async () => {
    const topic = `mm2-offset-syncs.${randomUUID().slice(0, 8)}.internal`;
    const store = new OffsetSyncStore();
    const reader = new OffsetSyncReader({ client, topic, store, logger: silentLogger, retryIntervalMs: 100 });
    reader.start();
    try {
      assert.equal(await reader.catchUp(30_000), true);
      assert.equal(store.isReadToEnd, true);
      const none = store.translate('orders', 0, 5);
      assert.equal(none.offset === null ? none.reason : '', 'no offset sync at or before 5 yet');

      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
      await admin.disconnect();
      await write(topic, [
        [0, 0],
        [9, 9],
        [11, 10],
        [20, 19],
      ]);
      assert.equal(await reader.catchUp(30_000), true);
      assert.equal(store.translate('orders', 0, 15).offset, 14);
      assert.equal(store.translate('orders', 0, 10).offset, 10);

      // A restart re-replicated from upstream 15.
      await write(topic, [[15, 40]]);
      assert.equal(await reader.catchUp(30_000), true);
      assert.equal(store.translate('orders', 0, 16).offset, 41);
      assert.equal(store.translate('orders', 0, 14).offset, 13);
    } finally {
      await reader.close();
    }
  });

  it('a new reader rebuilds the same store from the topic', async () => {
    const topic = `mm2-offset-syncs.${randomUUID().slice(0, 8)}.internal`;
    await write(topic, [
      [0, 100],
      [500, 600],
    ]);
    const store = new OffsetSyncStore();
    const reader = new OffsetSyncReader({ client, topic, store, logger: silentLogger });
    reader.start();
    try {
      assert.equal(await reader.catchUp(30_000), true);
      assert.equal(store.translate('orders', 0, 250).offset, 350);
      assert.equal(store.translate('orders', 0, 501).offset, 601);
    } finally {
      await reader.close();
    }
  });
});

const noop = (): void => {};
const silentLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
