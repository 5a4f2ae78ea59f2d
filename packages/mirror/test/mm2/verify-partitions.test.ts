import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import type { KafkaWireClient, NewRecord } from '@tributary/protocol';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { verifyPartitions } from '../../src/index.js';
import { jsonRecord, produceRecords, wireClient } from './e2e-helpers.js';

describe('verifyPartitions', () => {
  let a: RunningBroker;
  let b: RunningBroker;
  let adminA: Admin;
  let adminB: Admin;
  let source: KafkaWireClient;
  let target: KafkaWireClient;

  before(async () => {
    a = await startBroker({ port: 0 });
    b = await startBroker({ port: 0 });
    adminA = new Kafka({ brokers: [a.bootstrap], logLevel: logLevel.NOTHING }).admin();
    adminB = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await adminA.connect();
    await adminB.connect();
    source = wireClient(a.bootstrap);
    target = wireClient(b.bootstrap);
  });

  after(async () => {
    await source?.close();
    await target?.close();
    await adminA?.disconnect();
    await adminB?.disconnect();
    await a?.stop();
    await b?.stop();
  });

  /** A source topic of `count` records in one partition and its copy made by `copy` on B. */
  async function pair(
    count: number,
    copy: (records: NewRecord[]) => NewRecord[],
  ): Promise<{ sourceTopic: string; targetTopic: string }> {
    const sourceTopic = `verify-${randomUUID()}`;
    const targetTopic = `A.${sourceTopic}`;
    await adminA.createTopics({ topics: [{ topic: sourceTopic, numPartitions: 1 }] });
    await adminB.createTopics({ topics: [{ topic: targetTopic, numPartitions: 1 }] });
    const [records = []] = await produceRecords(source, sourceTopic, 1, count, (p, i) => jsonRecord(sourceTopic, p, i));
    const copied = copy(records);
    if (copied.length > 0)
      await produceRecords(target, targetTopic, 1, copied.length, (_p, i) => copied[i] as NewRecord);
    return { sourceTopic, targetTopic };
  }

  async function verify(p: { sourceTopic: string; targetTopic: string }, allowDuplicates = false) {
    const result = await verifyPartitions({ source, target, pairs: [p], waitMs: 1000, allowDuplicates });
    const [only] = result.partitions;
    assert.ok(only);
    return only;
  }

  it('finds an exact copy equal, with equal digests', async () => {
    const p = await verify(await pair(50, (r) => r));
    assert.equal(p.verdict, 'equal');
    assert.equal(p.source.count, 50);
    assert.equal(p.target?.count, 50);
    assert.equal(p.source.sha256, p.target?.sha256);
    assert.deepEqual([p.source.firstOffset, p.source.lastOffset], [0, 49]);
  });

  it('names the first record whose value differs', async () => {
    const p = await verify(
      await pair(30, (r) => r.map((x, i) => (i === 17 ? { ...x, value: Buffer.from('changed') } : x))),
    );
    assert.equal(p.verdict, 'different');
    assert.deepEqual(p.difference, {
      index: 17,
      sourceOffset: 17,
      targetOffset: 17,
      what: ['value'],
      duplicateOf: null,
    });
  });

  it('names headers and timestamp differences', async () => {
    const p = await verify(
      await pair(5, (r) => r.map((x, i) => (i === 2 ? { ...x, headers: [], timestamp: x.timestamp + 1 } : x))),
    );
    assert.deepEqual(p.difference?.what, ['headers', 'timestamp']);
  });

  it('reports records missing on the target after waiting', async () => {
    const p = await verify(await pair(20, (r) => r.slice(0, 12)));
    assert.equal(p.verdict, 'missing-records');
    assert.deepEqual(p.difference, {
      index: 12,
      sourceOffset: 12,
      targetOffset: null,
      what: ['missing'],
      duplicateOf: null,
    });
  });

  it('reports a re-sent run as a duplicate, and accepts it with allowDuplicates', async () => {
    // 0..9, then 6..19 again from 6: what an at-least-once mirror writes after a crash.
    const topics = await pair(20, (r) => [...r.slice(0, 10), ...r.slice(6)]);
    const strict = await verify(topics);
    assert.equal(strict.verdict, 'different');
    assert.deepEqual(strict.difference, {
      index: 10,
      sourceOffset: 10,
      targetOffset: 10,
      what: ['duplicate'],
      duplicateOf: 6,
    });
    const lenient = await verify(topics, true);
    assert.equal(lenient.verdict, 'equal-with-duplicates');
    assert.equal(lenient.duplicates, 4);
  });

  it('with allowDuplicates, still fails a record the source never had', async () => {
    const p = await verify(
      await pair(10, (r) => [
        ...r.slice(0, 4),
        { key: null, value: Buffer.from('stranger'), timestamp: 1 },
        ...r.slice(4),
      ]),
      true,
    );
    assert.equal(p.verdict, 'different');
    assert.deepEqual(p.difference?.what, ['extra']);
    assert.equal(p.difference?.targetOffset, 4);
  });

  it('reports a partition missing on the target', async () => {
    const sourceTopic = `verify-${randomUUID()}`;
    await adminA.createTopics({ topics: [{ topic: sourceTopic, numPartitions: 2 }] });
    await adminB.createTopics({ topics: [{ topic: `A.${sourceTopic}`, numPartitions: 1 }] });
    await produceRecords(source, sourceTopic, 2, 3, (p, i) => jsonRecord(sourceTopic, p, i));
    await produceRecords(target, `A.${sourceTopic}`, 1, 3, (p, i) => jsonRecord(sourceTopic, p, i));
    const result = await verifyPartitions({
      source,
      target,
      pairs: [{ sourceTopic, targetTopic: `A.${sourceTopic}` }],
      waitMs: 1000,
    });
    assert.deepEqual(
      result.partitions.map((p) => [p.partition, p.verdict]),
      [
        [0, 'equal'],
        [1, 'missing-partition'],
      ],
    );
  });
});
