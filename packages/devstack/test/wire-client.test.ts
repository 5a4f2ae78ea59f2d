/**
 * @tributary/protocol's wire client against real brokers: records written by kafkajs are
 * fetched as batches and forwarded to a second broker, then read back by kafkajs (and
 * librdkafka through kcat), which must see the same records.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type BatchFetcher,
  crc32c,
  createWireClient,
  type FetchedPartition,
  KafkaError,
  type KafkaWireClient,
  readBatchHeader,
  readBatchRecords,
  splitRecordSet,
} from '@tributary/protocol';
import { CompressionTypes, type IHeaders, type Kafka } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';
import { kafkaFor, kcat, uniqueName } from './fixtures.js';

interface Seen {
  partition: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: number;
}

function headersOf(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
  return out;
}

const sortSeen = (a: Seen, b: Seen): number =>
  a.partition - b.partition || a.timestamp - b.timestamp || String(a.value).localeCompare(String(b.value));

async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Every record of the topic as kafkajs reads it (read_committed), waiting for `count`. */
async function consumeWithKafkajs(kafka: Kafka, topic: string, count: number): Promise<Seen[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('check'), maxWaitTimeInMs: 100 });
  const seen: Seen[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({
          partition,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: headersOf(message.headers),
          timestamp: Number(message.timestamp),
        });
        if (seen.length >= count) resolveDone();
      },
    });
    await Promise.race([
      done,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`kafkajs saw ${seen.length} of ${count} records in ${topic}`)), 30_000),
      ),
    ]);
  } finally {
    await consumer.disconnect();
  }
  return seen.sort(sortSeen);
}

/** Calls next() until `isDone` holds for everything received so far (30 s deadline). */
async function fetchUntil(
  fetcher: BatchFetcher,
  isDone: (all: FetchedPartition[]) => boolean,
): Promise<FetchedPartition[]> {
  const all: FetchedPartition[] = [];
  const deadline = Date.now() + 30_000;
  while (!isDone(all)) {
    if (Date.now() > deadline) throw new Error(`fetcher did not finish in 30 s; got ${JSON.stringify(summary(all))}`);
    all.push(...(await fetcher.next(500)));
  }
  return all;
}

function summary(all: FetchedPartition[]): unknown {
  return all.map((p) => ({
    tp: `${p.topic}-${p.partition}`,
    err: p.errorCode,
    batches: p.batches.length,
    next: p.nextOffset,
  }));
}

function recordCount(all: FetchedPartition[]): number {
  let n = 0;
  for (const p of all) for (const b of p.batches) n += b.recordCount;
  return n;
}

/** Checks what a ForwardBatch promises about its bytes. */
function assertForwardable(data: Buffer, recordCountExpected: number): void {
  const h = readBatchHeader(data);
  assert.equal(h.size, data.length);
  assert.equal(data.readBigInt64BE(0), 0n);
  assert.equal(data.readInt32BE(12), -1);
  assert.equal(h.producerId, -1);
  assert.equal(h.producerEpoch, -1);
  assert.equal(h.baseSequence, -1);
  assert.equal(h.attributes & 0x38, 0, 'not transactional, not control, CreateTime');
  assert.equal(h.recordCount, recordCountExpected);
  assert.equal(h.lastOffsetDelta, recordCountExpected - 1);
  assert.equal(h.crc, crc32c(data.subarray(21)), 'CRC');
}

describe('wire client (@tributary/protocol) against the embedded broker', () => {
  let a: RunningBroker;
  let b: RunningBroker;
  let kafkaA: Kafka;
  let kafkaB: Kafka;
  let clientA: KafkaWireClient;
  let clientB: KafkaWireClient;

  before(async () => {
    a = await startBroker({ port: 0 });
    b = await startBroker({ port: 0, autoCreateTopics: false });
    kafkaA = kafkaFor(a);
    kafkaB = kafkaFor(b);
    clientA = createWireClient({ bootstrapServers: [a.bootstrap] });
    clientB = createWireClient({ bootstrapServers: [b.bootstrap], retryTimeoutMs: 1500 });
  });

  after(async () => {
    await clientA?.close();
    await clientB?.close();
    await a?.stop();
    await b?.stop();
  });

  it('forwards kafkajs records (plain and gzip, keys, null keys, headers, timestamps) to a second broker unchanged', async () => {
    const topic = uniqueName('forward');
    await createTopic(kafkaA, topic, 3);
    await createTopic(kafkaB, topic, 3);
    const producer = kafkaA.producer();
    await producer.connect();
    const expected: Seen[] = [];
    for (let round = 0; round < 4; round++) {
      const messages = Array.from({ length: 30 }, (_, i) => {
        const n = round * 30 + i;
        const partition = n % 3;
        const headers = n % 2 === 0 ? { h: `hv-${n}`, other: 'x' } : {};
        const key = n % 5 === 0 ? null : `key-${n}`;
        const timestamp = 1_700_000_000_000 + n * 1000;
        expected.push({ partition, key, value: `value-${n}`, headers, timestamp });
        return { partition, key, value: `value-${n}`, headers, timestamp: String(timestamp) };
      });
      await producer.send({
        topic,
        messages,
        compression: round % 2 === 1 ? CompressionTypes.GZIP : CompressionTypes.None,
      });
    }
    await producer.disconnect();

    const fetcher = clientA.fetcher();
    fetcher.assign([0, 1, 2].map((partition) => ({ topic, partition, offset: 0 })));
    const fetched = await fetchUntil(fetcher, (all) => recordCount(all) >= expected.length);
    await fetcher.close();
    assert.equal(recordCount(fetched), expected.length);
    const inputs = fetched.flatMap((p) => {
      assert.equal(p.errorCode, 0);
      return p.batches.map((batch) => {
        assertForwardable(batch.data, batch.recordCount);
        return { topic, partition: p.partition, data: batch.data };
      });
    });
    const results = await clientB.produce(inputs);
    assert.equal(results.length, inputs.length);
    assert.ok(results.every((r) => r.baseOffset >= 0));

    const seen = await consumeWithKafkajs(kafkaB, topic, expected.length);
    assert.deepEqual(seen, expected.sort(sortSeen));
  });

  it('forwards what produce wrote so that librdkafka (kcat) reads it', async () => {
    const topic = uniqueName('kcat-reads');
    await createTopic(kafkaB, topic, 1);
    const producer = kafkaA.producer();
    await producer.connect();
    const source = uniqueName('kcat-src');
    await producer.send({
      topic: source,
      messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, headers: { n: String(i) } })),
      compression: CompressionTypes.GZIP,
    });
    await producer.disconnect();
    const fetcher = clientA.fetcher();
    fetcher.assign([{ topic: source, partition: 0, offset: 0 }]);
    const fetched = await fetchUntil(fetcher, (all) => recordCount(all) >= 20);
    await fetcher.close();
    await clientB.produce(fetched.flatMap((p) => p.batches.map((x) => ({ topic, partition: 0, data: x.data }))));
    const res = await kcat(['-b', b.bootstrap, '-C', '-t', topic, '-e', '-f', '%o %k %s %h\\n']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(
      res.stdout.trim().split('\n'),
      Array.from({ length: 20 }, (_, i) => `${i} k${i} v${i} n=${i}`),
    );
  });

  it('returns only committed transactional records with read_committed, and no control records', async () => {
    const topic = uniqueName('txn');
    await createTopic(kafkaA, topic, 1);
    const plain = kafkaA.producer();
    const txProducer = kafkaA.producer({ transactionalId: uniqueName('tx'), maxInFlightRequests: 1, idempotent: true });
    await plain.connect();
    await txProducer.connect();
    const send = async (values: string[], outcome: 'commit' | 'abort'): Promise<void> => {
      const tx = await txProducer.transaction();
      await tx.send({ topic, messages: values.map((value) => ({ value })) });
      if (outcome === 'commit') await tx.commit();
      else await tx.abort();
    };
    await send(['c1', 'c2'], 'commit');
    await send(['a1', 'a2', 'a3'], 'abort');
    await plain.send({ topic, messages: [{ value: 'p1' }] });
    await send(['c3'], 'commit');
    await send(['a4'], 'abort');
    await plain.send({ topic, messages: [{ value: 'p2' }] });
    await plain.disconnect();
    await txProducer.disconnect();

    const [end] = await clientA.listOffsets([{ topic, partition: 0 }], 'latest');
    assert.ok(end);
    const committed = clientA.fetcher();
    committed.assign([{ topic, partition: 0, offset: 0 }]);
    const fetched = await fetchUntil(committed, (all) => (all[all.length - 1]?.nextOffset ?? 0) >= end.offset);
    await committed.close();
    const values = fetched.flatMap((p) =>
      p.batches.flatMap((x) => {
        assertForwardable(x.data, x.recordCount);
        return readBatchRecords(x.data).map((r) => r.value?.toString());
      }),
    );
    assert.deepEqual(values, ['c1', 'c2', 'p1', 'c3', 'p2']);

    const uncommitted = clientA.fetcher({ isolation: 'read_uncommitted' });
    uncommitted.assign([{ topic, partition: 0, offset: 0 }]);
    const all = await fetchUntil(uncommitted, (x) => (x[x.length - 1]?.nextOffset ?? 0) >= end.offset);
    await uncommitted.close();
    assert.deepEqual(
      all.flatMap((p) => p.batches.flatMap((x) => readBatchRecords(x.data).map((r) => r.value?.toString()))),
      ['c1', 'c2', 'a1', 'a2', 'a3', 'p1', 'c3', 'a4', 'p2'],
    );
  });

  it('trims a batch fetched from its middle to the requested offset', async () => {
    const topic = uniqueName('mid-batch');
    const producer = kafkaA.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.send({ topic, messages: [{ value: 'v10' }] });
    await producer.disconnect();
    const fetcher = clientA.fetcher();
    fetcher.assign([{ topic, partition: 0, offset: 4 }]);
    const fetched = await fetchUntil(fetcher, (all) => recordCount(all) >= 7);
    await fetcher.close();
    const batches = fetched.flatMap((p) => p.batches);
    assert.equal(batches[0]?.baseOffset, 4);
    assert.equal(batches[0]?.recordCount, 6);
    assert.equal(batches[1]?.baseOffset, 10);
    for (const x of batches) assertForwardable(x.data, x.recordCount);
    assert.deepEqual(
      batches.flatMap((x) => readBatchRecords(x.data).map((r) => r.value?.toString())),
      ['v4', 'v5', 'v6', 'v7', 'v8', 'v9', 'v10'],
    );
    assert.equal(fetched[fetched.length - 1]?.nextOffset, 11);
  });

  it('forwards idempotent-producer batches with the producer id cleared and a valid CRC', async () => {
    const topic = uniqueName('idempotent');
    await createTopic(kafkaB, topic, 1);
    const producer = kafkaA.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 3; i++) {
      await producer.send({ topic, messages: [{ key: `k${i}`, value: `v${i}`, timestamp: String(1_000 + i) }] });
    }
    await producer.disconnect();
    const fetcher = clientA.fetcher();
    fetcher.assign([{ topic, partition: 0, offset: 0 }]);
    const fetched = await fetchUntil(fetcher, (all) => recordCount(all) >= 3);
    await fetcher.close();
    const batches = fetched.flatMap((p) => p.batches);
    for (const x of batches) assertForwardable(x.data, x.recordCount);
    // The target broker checks every CRC.
    const results = await clientB.produce(batches.map((x) => ({ topic, partition: 0, data: x.data })));
    assert.deepEqual(
      results.map((r) => r.baseOffset),
      [0, 1, 2],
    );
    const seen = await consumeWithKafkajs(kafkaB, topic, 3);
    assert.deepEqual(
      seen.map((s) => [s.key, s.value, s.timestamp]),
      [
        ['k0', 'v0', 1000],
        ['k1', 'v1', 1001],
        ['k2', 'v2', 1002],
      ],
    );
  });

  it('produces several batches per partition in one call, in order', async () => {
    const topic = uniqueName('multi');
    await createTopic(kafkaB, topic, 2);
    const { encodeRecordBatch } = await import('@tributary/protocol');
    const batch = (v: string): Buffer => encodeRecordBatch([{ key: null, value: Buffer.from(v), timestamp: 5 }]);
    const results = await clientB.produce([
      { topic, partition: 0, data: Buffer.concat([batch('a'), batch('b'), batch('c')]) },
      { topic, partition: 1, data: batch('x') },
      { topic, partition: 0, data: batch('d') },
    ]);
    assert.deepEqual(
      results.map((r) => [r.partition, r.baseOffset, r.batchBaseOffsets]),
      [
        [0, 0, [0, 1, 2]],
        [1, 0, [0]],
        [0, 3, [3]],
      ],
    );
    const fetcher = clientB.fetcher();
    fetcher.assign([{ topic, partition: 0, offset: 0 }]);
    const fetched = await fetchUntil(fetcher, (all) => recordCount(all) >= 4);
    await fetcher.close();
    assert.deepEqual(
      fetched
        .flatMap((p) => p.batches.flatMap((x) => splitRecordSet(x.data).flatMap(readBatchRecords)))
        .map((r) => r.value?.toString()),
      ['a', 'b', 'c', 'd'],
    );
  });

  it('lists earliest, latest and by-timestamp offsets', async () => {
    const topic = uniqueName('offsets');
    await createTopic(kafkaA, topic, 2);
    const producer = kafkaA.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [1, 2, 3, 4, 5].map((i) => ({ partition: 0, value: `v${i}`, timestamp: String(i * 1000) })),
    });
    await producer.disconnect();
    const tps = [
      { topic, partition: 0 },
      { topic, partition: 1 },
    ];
    assert.deepEqual(await clientA.listOffsets(tps, 'earliest'), [
      { topic, partition: 0, offset: 0 },
      { topic, partition: 1, offset: 0 },
    ]);
    assert.deepEqual(await clientA.listOffsets(tps, 'latest'), [
      { topic, partition: 0, offset: 5 },
      { topic, partition: 1, offset: 0 },
    ]);
    assert.deepEqual(await clientA.listOffsets(tps, { timestamp: 2500 }, 'read_uncommitted'), [
      { topic, partition: 0, offset: 2 },
      { topic, partition: 1, offset: -1 },
    ]);
  });

  it('reports OFFSET_OUT_OF_RANGE for the partition and fetches again after seek', async () => {
    const topic = uniqueName('out-of-range');
    const producer = kafkaA.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.disconnect();
    const fetcher = clientA.fetcher();
    fetcher.assign([{ topic, partition: 0, offset: 1000 }]);
    const failed = await fetchUntil(fetcher, (all) => all.some((p) => p.errorCode !== 0));
    const error = failed.find((p) => p.errorCode !== 0);
    assert.equal(error?.errorCode, 1);
    assert.equal(error?.highWatermark, 2);
    assert.equal(error?.nextOffset, 1000);
    assert.match(String(error?.errorMessage), new RegExp(`${topic}-0 at offset 1000 failed with OFFSET_OUT_OF_RANGE`));
    fetcher.seek({ topic, partition: 0, offset: 1 });
    const fetched = await fetchUntil(fetcher, (all) => recordCount(all) >= 1);
    await fetcher.close();
    assert.ok(fetched.every((p) => p.errorCode === 0));
    assert.deepEqual(
      fetched.flatMap((p) => p.batches.flatMap((x) => readBatchRecords(x.data).map((r) => r.value?.toString()))),
      ['b'],
    );
  });

  it('fails to produce to an unknown topic when auto-creation is off, with a KafkaError naming the topic', async () => {
    const topic = uniqueName('missing');
    const { encodeRecordBatch } = await import('@tributary/protocol');
    const data = encodeRecordBatch([{ key: null, value: Buffer.from('x'), timestamp: 1 }]);
    await assert.rejects(clientB.produce([{ topic, partition: 0, data }]), (err: unknown) => {
      assert.ok(err instanceof KafkaError, String(err));
      assert.equal(err.code, 3);
      assert.match(err.message, new RegExp(`${topic}-0`));
      assert.match(err.message, /UNKNOWN_TOPIC_OR_PARTITION/);
      assert.deepEqual(err.topicPartition, { topic, partition: 0 });
      return true;
    });
  });

  it('reports UNKNOWN_TOPIC_OR_PARTITION for a fetched topic that never appears', async () => {
    const client = createWireClient({ bootstrapServers: [b.bootstrap], retryTimeoutMs: 1000 });
    try {
      const fetcher = client.fetcher();
      fetcher.assign([{ topic: uniqueName('never'), partition: 0, offset: 0 }]);
      const got = await fetchUntil(fetcher, (all) => all.some((p) => p.errorCode !== 0));
      assert.equal(got.find((p) => p.errorCode !== 0)?.errorCode, 3);
      await fetcher.close();
    } finally {
      await client.close();
    }
  });

  it('fetches many partitions over one fetcher', async () => {
    const topic = uniqueName('many');
    const partitions = 24;
    await createTopic(kafkaA, topic, partitions);
    const producer = kafkaA.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: partitions * 10 }, (_, i) => ({ partition: i % partitions, value: `v${i}` })),
    });
    await producer.disconnect();
    const fetcher = clientA.fetcher({ partitionMaxBytes: 256 });
    fetcher.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 })));
    const fetched = await fetchUntil(fetcher, (all) => recordCount(all) >= partitions * 10);
    await fetcher.close();
    const perPartition = new Map<number, string[]>();
    for (const p of fetched) {
      const list = perPartition.get(p.partition) ?? [];
      for (const x of p.batches) for (const r of readBatchRecords(x.data)) list.push(String(r.value));
      perPartition.set(p.partition, list);
    }
    assert.equal(perPartition.size, partitions);
    for (const [partition, values] of perPartition) {
      assert.deepEqual(
        values,
        Array.from({ length: 10 }, (_, i) => `v${i * partitions + partition}`),
      );
    }
  });

  it('creates topics with configs and reports TOPIC_ALREADY_EXISTS per topic', async () => {
    const topic = uniqueName('created');
    const first = await clientA.createTopics([
      { name: topic, numPartitions: 3, replicationFactor: -1, configs: { 'cleanup.policy': 'compact' } },
    ]);
    assert.deepEqual(first, [{ name: topic, errorCode: 0, errorMessage: null }]);
    const again = await clientA.createTopics([{ name: topic, numPartitions: 1, replicationFactor: 1 }]);
    assert.equal(again[0]?.errorCode, 36);
    const meta = await clientA.metadata([topic]);
    assert.equal(meta.topics[0]?.partitions.length, 3);
    const admin = kafkaA.admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }],
        includeSynonyms: false,
      });
      assert.equal(described.resources[0]?.configEntries[0]?.configValue, 'compact');
    } finally {
      await admin.disconnect();
    }
  });

  it('reconnects after the broker restarts: produce retries and the fetcher carries on', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wire-client-'));
    let broker = await startBroker({ port: 0, dataDir });
    const port = Number(broker.bootstrap.split(':').pop());
    const client = createWireClient({ bootstrapServers: [broker.bootstrap], retryTimeoutMs: 20_000 });
    try {
      const topic = uniqueName('restart');
      await client.createTopics([{ name: topic, numPartitions: 1, replicationFactor: 1 }]);
      const { encodeRecordBatch } = await import('@tributary/protocol');
      const batch = (v: string): Buffer => encodeRecordBatch([{ key: null, value: Buffer.from(v), timestamp: 1 }]);
      await client.produce([{ topic, partition: 0, data: batch('before') }]);
      const fetcher = client.fetcher({ maxWaitMs: 100 });
      fetcher.assign([{ topic, partition: 0, offset: 0 }]);
      await fetchUntil(fetcher, (all) => recordCount(all) >= 1);
      await broker.stop();
      const restarted = startBroker({ port, dataDir });
      const produced = client.produce([{ topic, partition: 0, data: batch('after') }]);
      broker = await restarted;
      assert.deepEqual(await produced, [{ topic, partition: 0, baseOffset: 1, batchBaseOffsets: [1] }]);
      const fetched = await fetchUntil(fetcher, (all) => recordCount(all) >= 1);
      assert.deepEqual(
        fetched.flatMap((p) => p.batches.flatMap((x) => readBatchRecords(x.data).map((r) => r.value?.toString()))),
        ['after'],
      );
      await fetcher.close();
    } finally {
      await client.close();
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('fails next() once the only broker stays unreachable beyond retryTimeoutMs', async () => {
    const broker = await startBroker({ port: 0 });
    const client = createWireClient({ bootstrapServers: [broker.bootstrap], retryTimeoutMs: 1000 });
    try {
      const topic = uniqueName('gone');
      await client.createTopics([{ name: topic, numPartitions: 1, replicationFactor: 1 }]);
      const fetcher = client.fetcher({ maxWaitMs: 100 });
      fetcher.assign([{ topic, partition: 0, offset: 0 }]);
      await fetcher.next(200);
      await broker.stop();
      await assert.rejects(
        fetchUntil(fetcher, () => false),
        (err: Error) => /failing for 1000 ms|metadata unavailable/.test(err.message),
      );
    } finally {
      await client.close();
      await broker.stop();
    }
  });

  it('commits and reads group offsets without joining; commits only while the group has no members', async () => {
    const topic = uniqueName('group-offsets');
    await createTopic(kafkaA, topic, 2);
    const groupId = uniqueName('group');
    const results = await clientA.commitGroupOffsets(groupId, [
      { topic, partition: 0, offset: 0 },
      { topic, partition: 1, offset: 0, metadata: 'm' },
    ]);
    assert.deepEqual(results, [
      { topic, partition: 0, errorCode: 0 },
      { topic, partition: 1, errorCode: 0 },
    ]);
    const admin = kafkaA.admin();
    await admin.connect();
    try {
      const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
      const partitions = fetched[0]?.partitions ?? [];
      assert.deepEqual(partitions.map((p) => [p.partition, p.offset]).sort(), [
        [0, '0'],
        [1, '0'],
      ]);
      assert.equal(partitions.find((p) => p.partition === 1)?.metadata, 'm');
    } finally {
      await admin.disconnect();
    }
    await clientA.commitGroupOffsets(groupId, [{ topic, partition: 1, offset: 7 }]);
    // Read back through OffsetFetch, in the order asked; a partition never committed is −1.
    const other = uniqueName('never-committed');
    await createTopic(kafkaA, other, 1);
    assert.deepEqual(
      await clientA.fetchGroupOffsets(groupId, [
        { topic, partition: 1 },
        { topic: other, partition: 0 },
        { topic, partition: 0 },
      ]),
      [
        { topic, partition: 1, offset: 7 },
        { topic: other, partition: 0, offset: -1 },
        { topic, partition: 0, offset: 0 },
      ],
    );
    assert.deepEqual(await clientA.fetchGroupOffsets(uniqueName('no-such-group'), [{ topic, partition: 0 }]), [
      { topic, partition: 0, offset: -1 },
    ]);
    // An active member: the commit is refused for every partition, and reported, not thrown.
    const consumer = kafkaA.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      let isRunning = false;
      consumer.on(consumer.events.GROUP_JOIN, () => {
        isRunning = true;
      });
      await consumer.run({ eachMessage: async () => {} });
      const deadline = Date.now() + 30_000;
      while (!isRunning && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(isRunning, 'the kafkajs consumer joined the group');
      const refused = await clientA.commitGroupOffsets(groupId, [{ topic, partition: 0, offset: 5 }]);
      assert.deepEqual(refused, [{ topic, partition: 0, errorCode: 25 }]);
    } finally {
      await consumer.disconnect();
    }
  });

  it('lists metadata without creating topics', async () => {
    const topic = uniqueName('meta');
    const meta = await clientA.metadata([topic]);
    assert.equal(meta.topics[0]?.errorCode, 3);
    assert.equal(meta.brokers.length, 1);
    const again = await clientA.metadata(null);
    assert.ok(!again.topics.some((t) => t.name === topic));
  });
});
