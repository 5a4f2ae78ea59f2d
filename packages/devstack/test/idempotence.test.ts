import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunningBroker } from '../src/index.js';
import { kafkaFor, kcat, uniqueName, withBroker } from './fixtures.js';
import { RawClient, recordBatch } from './raw-client.js';

const NONE = 0;
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const INVALID_PRODUCER_EPOCH = 47;

async function createTopic(broker: RunningBroker, topic: string): Promise<void> {
  const raw = await RawClient.open(broker.bootstrap);
  await raw.autoCreateTopic(topic);
  raw.close();
}

describe('idempotent producer', () => {
  it('gives a kafkajs idempotent producer consecutive offsets', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('idem');
      await createTopic(broker, topic);
      const producer = kafkaFor(broker).producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const offsets: string[] = [];
      for (let i = 0; i < 4; i++) {
        const [meta] = await producer.send({ topic, messages: [{ value: `a${i}` }, { value: `b${i}` }] });
        assert.equal(meta?.errorCode, 0);
        offsets.push(meta?.baseOffset ?? '?');
      }
      await producer.disconnect();
      assert.deepEqual(offsets, ['0', '2', '4', '6']);
      const raw = await RawClient.open(broker.bootstrap);
      assert.equal(await raw.latestOffset(topic, 0), 8);
      raw.close();
    });
  });

  it('serves librdkafka (kcat) with enable.idempotence=true', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('idem-kcat');
      const produced = await kcat(
        ['-b', broker.bootstrap, '-P', '-t', topic, '-K', ':', '-X', 'enable.idempotence=true', '-d', 'eos'],
        'a:1\nb:2\nc:3\n',
      );
      assert.equal(produced.code, 0, produced.stderr);
      assert.match(produced.stderr, /Acquired PID\{Id:\d+,Epoch:0\}/);
      const consumed = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-e', '-q', '-f', '%o %k %s\\n']);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.equal(consumed.stdout, '0 a 1\n1 b 2\n2 c 3\n');
    });
  });

  it('acknowledges a re-sent batch with its original offset and does not append it again', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('dup');
      await createTopic(broker, topic);
      const raw = await RawClient.open(broker.bootstrap);
      const { errorCode, producerId, producerEpoch } = await raw.initProducerId(null);
      assert.equal(errorCode, NONE);
      assert.equal(producerEpoch, 0);
      const first = recordBatch({ producerId, producerEpoch, baseSequence: 0, values: ['x', 'y'] });
      const second = recordBatch({ producerId, producerEpoch, baseSequence: 2, values: ['z'] });
      assert.deepEqual(await raw.produce(topic, 0, first), { errorCode: NONE, baseOffset: 0 });
      assert.deepEqual(await raw.produce(topic, 0, second), { errorCode: NONE, baseOffset: 2 });
      // A retry of either of the last batches (the response was "lost").
      assert.deepEqual(await raw.produce(topic, 0, Buffer.from(first)), { errorCode: NONE, baseOffset: 0 });
      assert.deepEqual(await raw.produce(topic, 0, Buffer.from(second)), { errorCode: NONE, baseOffset: 2 });
      assert.equal(await raw.latestOffset(topic, 0), 3);
      // The sequence continues after the duplicates.
      const third = recordBatch({ producerId, producerEpoch, baseSequence: 3, values: ['w'] });
      assert.deepEqual(await raw.produce(topic, 0, third), { errorCode: NONE, baseOffset: 3 });
      raw.close();
    });
  });

  it('rejects sequence gaps, a new producer not starting at 0 and stale epochs', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('seq');
      await createTopic(broker, topic);
      const raw = await RawClient.open(broker.bootstrap);
      const { producerId } = await raw.initProducerId(null);
      const batch = (producerEpoch: number, baseSequence: number): Buffer =>
        recordBatch({ producerId, producerEpoch, baseSequence, values: ['v'] });

      assert.equal(
        (await raw.produce(topic, 0, batch(0, 3))).errorCode,
        OUT_OF_ORDER_SEQUENCE_NUMBER,
        'unknown producer, seq ≠ 0',
      );
      assert.equal((await raw.produce(topic, 0, batch(0, 0))).errorCode, NONE);
      assert.equal((await raw.produce(topic, 0, batch(0, 2))).errorCode, OUT_OF_ORDER_SEQUENCE_NUMBER, 'gap after 0');
      assert.equal((await raw.produce(topic, 0, batch(0, 1))).errorCode, NONE);
      assert.equal(
        (await raw.produce(topic, 0, batch(1, 5))).errorCode,
        OUT_OF_ORDER_SEQUENCE_NUMBER,
        'new epoch must start at 0',
      );
      assert.equal((await raw.produce(topic, 0, batch(1, 0))).errorCode, NONE);
      assert.equal((await raw.produce(topic, 0, batch(0, 2))).errorCode, INVALID_PRODUCER_EPOCH, 'older epoch');
      assert.equal(await raw.latestOffset(topic, 0), 3);
      raw.close();
    });
  });

  it('appends nothing when a later batch of the same request is out of order', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('atomic');
      await createTopic(broker, topic);
      const raw = await RawClient.open(broker.bootstrap);
      const { producerId } = await raw.initProducerId(null);
      const good = recordBatch({ producerId, producerEpoch: 0, baseSequence: 0, values: ['a'] });
      const gap = recordBatch({ producerId, producerEpoch: 0, baseSequence: 7, values: ['b'] });
      const result = await raw.produce(topic, 0, Buffer.concat([good, gap]));
      assert.equal(result.errorCode, OUT_OF_ORDER_SEQUENCE_NUMBER);
      assert.equal(await raw.latestOffset(topic, 0), 0);
      // Nothing of the failed request was recorded: the producer still starts at 0.
      assert.deepEqual(await raw.produce(topic, 0, good), { errorCode: NONE, baseOffset: 0 });
      raw.close();
    });
  });

  it('never reuses a producer id and still detects duplicates after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'devstack-idem-'));
    try {
      const topic = uniqueName('restart');
      let firstPid = -1;
      const batch = (producerId: number): Buffer =>
        recordBatch({ producerId, producerEpoch: 0, baseSequence: 0, values: ['once'] });
      await withBroker(
        async (broker) => {
          await createTopic(broker, topic);
          const raw = await RawClient.open(broker.bootstrap);
          firstPid = (await raw.initProducerId(null)).producerId;
          assert.deepEqual(await raw.produce(topic, 0, batch(firstPid)), { errorCode: NONE, baseOffset: 0 });
          raw.close();
        },
        { dataDir },
      );
      await withBroker(
        async (broker) => {
          const raw = await RawClient.open(broker.bootstrap);
          const { producerId } = await raw.initProducerId(null);
          assert.ok(producerId > firstPid, `producer id ${producerId} reused after restart (first was ${firstPid})`);
          assert.deepEqual(await raw.produce(topic, 0, batch(firstPid)), { errorCode: NONE, baseOffset: 0 });
          assert.equal(await raw.latestOffset(topic, 0), 1);
          raw.close();
        },
        { dataDir },
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
