import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Kafka } from 'kafkajs';
import type { RunningBroker } from '../src/index.js';
import { kafkaFor, kcat, sleep, uniqueName, withBroker } from './fixtures.js';
import { RawClient, recordBatch } from './raw-client.js';

const NONE = 0;
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const INVALID_PRODUCER_EPOCH = 47;
const INVALID_TXN_STATE = 48;
const INVALID_PRODUCER_ID_MAPPING = 49;
const INVALID_TRANSACTION_TIMEOUT = 50;
const OPERATION_NOT_ATTEMPTED = 55;

async function createTopic(broker: RunningBroker, topic: string): Promise<void> {
  const raw = await RawClient.open(broker.bootstrap);
  await raw.autoCreateTopic(topic);
  raw.close();
}

/** Values of one partition up to its end, as librdkafka sees them with the given isolation. */
async function kcatValues(
  broker: RunningBroker,
  topic: string,
  isolation: 'read_committed' | 'read_uncommitted',
): Promise<string[]> {
  const result = await kcat([
    '-b',
    broker.bootstrap,
    '-C',
    '-t',
    topic,
    '-X',
    `isolation.level=${isolation}`,
    '-o',
    'beginning',
    '-e',
    '-q',
    '-f',
    '%s\\n',
  ]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.split('\n').filter((line) => line !== '');
}

/**
 * Consumes `topic` from the beginning with a kafkajs consumer until the value `last`
 * arrives, and returns every value seen. `last` must come after everything the
 * caller wants to check, so that nothing earlier can still be on its way.
 */
async function consumeUntil(kafka: Kafka, topic: string, last: string, readUncommitted: boolean): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), readUncommitted, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const value = message.value?.toString() ?? '';
          seen.push(value);
          if (value === last) resolve();
        },
      });
    });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

function transactionalProducer(broker: RunningBroker, transactionalId: string, transactionTimeoutMs?: number) {
  return kafkaFor(broker).producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    ...(transactionTimeoutMs === undefined ? {} : { transactionTimeout: transactionTimeoutMs }),
  });
}

describe('transactions with kafkajs', () => {
  it('makes a committed transaction visible to a read_committed consumer', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('commit');
      await createTopic(broker, topic);
      const producer = transactionalProducer(broker, uniqueName('tx'));
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic, messages: [{ value: 'one' }, { value: 'two' }] });
      await txn.send({ topic, messages: [{ value: 'three' }] });
      const raw = await RawClient.open(broker.bootstrap);
      assert.equal(await raw.latestOffset(topic, 0, true), 0, 'LSO stays before the open transaction');
      await txn.commit();
      // Three records and the commit marker.
      assert.equal(await raw.latestOffset(topic, 0, true), 4);
      assert.equal(await raw.latestOffset(topic, 0, false), 4);
      raw.close();
      await producer.disconnect();
      assert.deepEqual(await consumeUntil(kafkaFor(broker), topic, 'three', false), ['one', 'two', 'three']);
    });
  });

  it('hides an aborted transaction from read_committed but not from read_uncommitted', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('abort');
      await createTopic(broker, topic);
      const producer = transactionalProducer(broker, uniqueName('tx'));
      await producer.connect();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'a1' }, { value: 'a2' }] });
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'c1' }] });
      await committed.commit();
      await producer.disconnect();
      const kafka = kafkaFor(broker);
      assert.deepEqual(await consumeUntil(kafka, topic, 'c1', false), ['c1']);
      assert.deepEqual(await consumeUntil(kafka, topic, 'c1', true), ['a1', 'a2', 'c1']);
    });
  });

  it('wakes a parked read_committed fetch when the transaction commits', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('wake');
      await createTopic(broker, topic);
      const kafka = kafkaFor(broker);
      const consumer = kafka.consumer({ groupId: uniqueName('g'), maxWaitTimeInMs: 5000 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<number>((resolve) => {
        void consumer.run({ eachMessage: async () => resolve(Date.now()) });
      });
      const producer = transactionalProducer(broker, uniqueName('tx'));
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic, messages: [{ value: 'late' }] });
      await sleep(1500);
      const committedAt = Date.now();
      await txn.commit();
      const receivedAt = await received;
      await producer.disconnect();
      await consumer.disconnect();
      // Woken by the marker, not by the 5 s max wait.
      assert.ok(receivedAt - committedAt < 3000, `delivered ${receivedAt - committedAt} ms after commit`);
    });
  });

  it('shows offsets sent in a transaction to fetchOffsets only after commit', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('offsets');
      const groupId = uniqueName('group');
      await createTopic(broker, topic);
      const kafka = kafkaFor(broker);
      const admin = kafka.admin();
      await admin.connect();
      const committedOffset = async (): Promise<string | undefined> => {
        const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return result?.partitions.find((p) => p.partition === 0)?.offset;
      };
      const producer = transactionalProducer(broker, uniqueName('tx'));
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic, messages: [{ value: 'x' }] });
      await txn.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic, partitions: [{ partition: 0, offset: '5' }] }],
      });
      assert.equal(await committedOffset(), '-1', 'staged offsets are invisible before commit');
      await txn.commit();
      assert.equal(await committedOffset(), '5');

      const aborted = await producer.transaction();
      await aborted.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic, partitions: [{ partition: 0, offset: '9' }] }],
      });
      await aborted.abort();
      assert.equal(await committedOffset(), '5', 'aborted offsets are dropped');
      await producer.disconnect();
      await admin.disconnect();
    });
  });

  it('fences the first producer when a second one starts with the same transactional id', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('fence');
      const transactionalId = uniqueName('tx');
      await createTopic(broker, topic);
      const first = transactionalProducer(broker, transactionalId);
      await first.connect();
      const zombie = await first.transaction();
      await zombie.send({ topic, messages: [{ value: 'zombie-1' }] });

      const second = transactionalProducer(broker, transactionalId);
      await second.connect();
      const current = await second.transaction();
      await assert.rejects(zombie.send({ topic, messages: [{ value: 'zombie-2' }] }), /epoch/i);
      await assert.rejects(zombie.commit(), /epoch/i);
      await current.send({ topic, messages: [{ value: 'current' }] });
      await current.commit();
      await first.disconnect();
      await second.disconnect();

      assert.deepEqual(await kcatValues(broker, topic, 'read_committed'), ['current']);
      assert.deepEqual(await kcatValues(broker, topic, 'read_uncommitted'), ['zombie-1', 'current']);
    });
  });

  it('aborts a transaction that outlives its timeout and fences its producer', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('timeout');
      await createTopic(broker, topic);
      const producer = transactionalProducer(broker, uniqueName('tx'), 500);
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic, messages: [{ value: 'too-slow' }] });
      await sleep(1200);
      await assert.rejects(txn.commit(), /epoch/i);
      await producer.disconnect();
      const raw = await RawClient.open(broker.bootstrap);
      assert.equal(await raw.latestOffset(topic, 0, true), 2, 'the abort marker moved the LSO to the end');
      raw.close();
      assert.deepEqual(await kcatValues(broker, topic, 'read_committed'), []);
    });
  });
});

describe('transactions with librdkafka (kcat)', () => {
  it('consumes committed data only with isolation.level=read_committed, stopping at an open transaction', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('kcat-txn');
      await createTopic(broker, topic);
      const producer = transactionalProducer(broker, uniqueName('tx'));
      await producer.connect();
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'c1' }, { value: 'c2' }] });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'a1' }] });
      await aborted.abort();
      const later = await producer.transaction();
      await later.send({ topic, messages: [{ value: 'c3' }] });
      await later.commit();
      const open = await producer.transaction();
      await open.send({ topic, messages: [{ value: 'o1' }] });

      assert.deepEqual(await kcatValues(broker, topic, 'read_committed'), ['c1', 'c2', 'c3']);
      assert.deepEqual(await kcatValues(broker, topic, 'read_uncommitted'), ['c1', 'c2', 'a1', 'c3', 'o1']);
      await open.abort();
      await producer.disconnect();
    });
  });
});

describe('transaction coordinator protocol errors', () => {
  it('validates producer id, epoch, partitions and transaction state', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('errors');
      const other = uniqueName('other');
      const transactionalId = uniqueName('tx');
      await createTopic(broker, topic);
      await createTopic(broker, other);
      const raw = await RawClient.open(broker.bootstrap);
      const init = await raw.initProducerId(transactionalId);
      assert.equal(init.errorCode, NONE);
      const { producerId: pid, producerEpoch: epoch } = init;
      const missing = uniqueName('missing');

      assert.deepEqual(await raw.addPartitionsToTxn(transactionalId, pid, epoch, { [topic]: [0, 7], [missing]: [0] }), {
        [`${topic}:0`]: OPERATION_NOT_ATTEMPTED,
        [`${topic}:7`]: UNKNOWN_TOPIC_OR_PARTITION,
        [`${missing}:0`]: UNKNOWN_TOPIC_OR_PARTITION,
      });
      assert.deepEqual(await raw.addPartitionsToTxn(transactionalId, pid + 1000, epoch, { [topic]: [0] }), {
        [`${topic}:0`]: INVALID_PRODUCER_ID_MAPPING,
      });
      assert.deepEqual(await raw.addPartitionsToTxn(transactionalId, pid, epoch + 1, { [topic]: [0] }), {
        [`${topic}:0`]: INVALID_PRODUCER_EPOCH,
      });
      assert.deepEqual(await raw.addPartitionsToTxn(uniqueName('unknown-id'), pid, epoch, { [topic]: [0] }), {
        [`${topic}:0`]: INVALID_PRODUCER_ID_MAPPING,
      });
      assert.equal(await raw.endTxn(transactionalId, pid, epoch, true), INVALID_TXN_STATE, 'no open transaction');

      const txnBatch = (baseSequence: number, value: string, producerEpoch = epoch): Buffer =>
        recordBatch({ producerId: pid, producerEpoch, baseSequence, values: [value], isTransactional: true });
      assert.equal(
        (await raw.produce(topic, 0, txnBatch(0, 'early'), transactionalId)).errorCode,
        INVALID_TXN_STATE,
        'partition not added yet',
      );
      assert.deepEqual(await raw.addPartitionsToTxn(transactionalId, pid, epoch, { [topic]: [0] }), {
        [`${topic}:0`]: NONE,
      });
      assert.equal((await raw.produce(topic, 0, txnBatch(0, 'in'), transactionalId)).errorCode, NONE);
      assert.equal(
        (await raw.produce(other, 0, txnBatch(0, 'elsewhere'), transactionalId)).errorCode,
        INVALID_TXN_STATE,
        'other partition not added',
      );
      assert.equal(
        (await raw.produce(topic, 0, txnBatch(1, 'no-id'), null)).errorCode,
        INVALID_TXN_STATE,
        'transactional batch without a transactional id',
      );
      assert.equal(
        await raw.txnOffsetCommit(transactionalId, 'g', pid, epoch, topic, 0, 1),
        INVALID_TXN_STATE,
        'group not added with AddOffsetsToTxn',
      );

      assert.equal(await raw.endTxn(transactionalId, pid, epoch, true), NONE);
      assert.equal(await raw.endTxn(transactionalId, pid, epoch, true), NONE, 'a retried commit succeeds');
      assert.equal(await raw.endTxn(transactionalId, pid, epoch, false), INVALID_TXN_STATE, 'abort after commit');
      assert.equal(await raw.latestOffset(topic, 0, true), 2);

      // A new epoch fences the old one everywhere.
      assert.deepEqual(await raw.addPartitionsToTxn(transactionalId, pid, epoch, { [topic]: [0] }), {
        [`${topic}:0`]: NONE,
      });
      assert.equal((await raw.produce(topic, 0, txnBatch(1, 'open'), transactionalId)).errorCode, NONE);
      const again = await raw.initProducerId(transactionalId);
      assert.deepEqual(again, { errorCode: NONE, producerId: pid, producerEpoch: epoch + 1 });
      assert.equal(await raw.latestOffset(topic, 0, true), 4, 'the open transaction was aborted');
      assert.equal(
        (await raw.produce(topic, 0, txnBatch(2, 'stale'), transactionalId)).errorCode,
        INVALID_PRODUCER_EPOCH,
      );
      assert.equal(await raw.endTxn(transactionalId, pid, epoch, true), INVALID_PRODUCER_EPOCH);
      raw.close();
    });
  });

  it('rejects a transaction timeout above transaction.max.timeout.ms', async () => {
    await withBroker(
      async (broker) => {
        const raw = await RawClient.open(broker.bootstrap);
        assert.equal((await raw.initProducerId(uniqueName('tx'), 10_000)).errorCode, INVALID_TRANSACTION_TIMEOUT);
        assert.equal((await raw.initProducerId(uniqueName('tx'), 0)).errorCode, INVALID_TRANSACTION_TIMEOUT);
        assert.equal((await raw.initProducerId(uniqueName('tx'), 5_000)).errorCode, NONE);
        raw.close();
      },
      { transactionMaxTimeoutMs: 5_000 },
    );
  });
});

describe('transactions across a restart', () => {
  it('keeps the producer id of a transactional id and aborts its open transaction when it is fenced', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'devstack-txn-'));
    try {
      const topic = uniqueName('restart');
      const transactionalId = uniqueName('tx');
      let pid = -1;
      await withBroker(
        async (broker) => {
          await createTopic(broker, topic);
          const raw = await RawClient.open(broker.bootstrap);
          ({ producerId: pid } = await raw.initProducerId(transactionalId));
          await raw.addPartitionsToTxn(transactionalId, pid, 0, { [topic]: [0] });
          const batch = recordBatch({
            producerId: pid,
            producerEpoch: 0,
            baseSequence: 0,
            values: ['pending'],
            isTransactional: true,
          });
          assert.equal((await raw.produce(topic, 0, batch, transactionalId)).errorCode, NONE);
          raw.close();
        },
        { dataDir },
      );
      await withBroker(
        async (broker) => {
          const raw = await RawClient.open(broker.bootstrap);
          assert.equal(await raw.latestOffset(topic, 0, true), 0, 'still open after the restart');
          assert.deepEqual(await raw.initProducerId(transactionalId), {
            errorCode: NONE,
            producerId: pid,
            producerEpoch: 1,
          });
          assert.equal(await raw.latestOffset(topic, 0, true), 2, 'aborted by the fencing init');
          assert.equal(await raw.endTxn(transactionalId, pid, 0, true), INVALID_PRODUCER_EPOCH);
          raw.close();
          assert.deepEqual(await kcatValues(broker, topic, 'read_committed'), []);
        },
        { dataDir },
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('aborts an open transaction whose timeout runs out after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'devstack-txn-'));
    try {
      const topic = uniqueName('restart-timeout');
      const transactionalId = uniqueName('tx');
      await withBroker(
        async (broker) => {
          await createTopic(broker, topic);
          const raw = await RawClient.open(broker.bootstrap);
          const { producerId } = await raw.initProducerId(transactionalId, 1000);
          await raw.addPartitionsToTxn(transactionalId, producerId, 0, { [topic]: [0] });
          const batch = recordBatch({
            producerId,
            producerEpoch: 0,
            baseSequence: 0,
            values: ['pending'],
            isTransactional: true,
          });
          assert.equal((await raw.produce(topic, 0, batch, transactionalId)).errorCode, NONE);
          raw.close();
        },
        { dataDir },
      );
      await withBroker(
        async (broker) => {
          const raw = await RawClient.open(broker.bootstrap);
          assert.equal(await raw.latestOffset(topic, 0, true), 0);
          await sleep(1500);
          assert.equal(await raw.latestOffset(topic, 0, true), 2, 'the timeout wrote an abort marker');
          raw.close();
        },
        { dataDir },
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
