import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompressionTypes } from 'kafkajs';
import { kafkaFor, kcat, uniqueName, withBroker } from './fixtures.js';

describe('produce and fetch', () => {
  it('round-trips keys, values, headers and timestamps through kafkajs', async () => {
    await withBroker(async (broker) => {
      const kafka = kafkaFor(broker);
      const topic = uniqueName('roundtrip');
      const producer = kafka.producer();
      await producer.connect();
      const [meta] = await producer.send({
        topic,
        compression: CompressionTypes.GZIP,
        messages: [
          { key: 'k1', value: 'v1', headers: { h: 'x' }, timestamp: '1700000000000' },
          { key: null, value: 'v2', timestamp: '1700000001000' },
        ],
      });
      assert.equal(meta?.errorCode, 0);
      assert.equal(meta?.baseOffset, '0');
      await producer.disconnect();

      const consumer = kafka.consumer({ groupId: uniqueName('g'), maxWaitTimeInMs: 200 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const seen: { offset: string; key: string | null; value: string; h?: string; ts: string }[] = [];
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.push({
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? '',
              ...(message.headers?.['h'] ? { h: String(message.headers['h']) } : {}),
              ts: message.timestamp,
            });
            if (seen.length === 2) resolve();
          },
        });
      });
      await consumer.disconnect();
      assert.deepEqual(seen, [
        { offset: '0', key: 'k1', value: 'v1', h: 'x', ts: '1700000000000' },
        { offset: '1', key: null, value: 'v2', ts: '1700000001000' },
      ]);
    });
  });

  it('serves librdkafka (kcat): gzip produce, consume to end, metadata', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('kcat');
      const produced = await kcat(
        ['-b', broker.bootstrap, '-P', '-t', topic, '-z', 'gzip', '-K', ':'],
        'a:1\nb:2\nc:3\n',
      );
      assert.equal(produced.code, 0, produced.stderr);
      const consumed = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-e', '-f', '%o %k %s\\n']);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.equal(consumed.stdout, '0 a 1\n1 b 2\n2 c 3\n');
      const listed = await kcat(['-b', broker.bootstrap, '-L', '-t', topic]);
      assert.match(listed.stdout, /broker 1 at 127\.0\.0\.1:\d+ \(controller\)/);
      assert.match(listed.stdout, new RegExp(`topic "${topic}" with 1 partitions`));
    });
  });

  it('long-polls a fetch until data arrives instead of returning at once', async () => {
    await withBroker(async (broker) => {
      const kafka = kafkaFor(broker);
      const topic = uniqueName('longpoll');
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic }] });
      await admin.disconnect();
      const consumer = kafka.consumer({ groupId: uniqueName('g'), maxWaitTimeInMs: 5000 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got = new Promise<number>((resolve) => {
        void consumer.run({ eachMessage: async () => resolve(Date.now()) });
      });
      await new Promise((r) => setTimeout(r, 1500));
      const producer = kafka.producer();
      await producer.connect();
      const sentAt = Date.now();
      await producer.send({ topic, messages: [{ value: 'late' }] });
      const receivedAt = await got;
      await producer.disconnect();
      await consumer.disconnect();
      // Woken by the produce, not by the 5 s max wait.
      assert.ok(receivedAt - sentAt < 3000, `delivered ${receivedAt - sentAt} ms after produce`);
    });
  });
});

describe('clusters and topic creation', () => {
  it('keeps two brokers in one process as independent clusters', async () => {
    await withBroker(async (a) => {
      await withBroker(async (b) => {
        assert.notEqual(a.clusterId, b.clusterId);
        const topic = uniqueName('only-in-a');
        const producer = kafkaFor(a).producer();
        await producer.connect();
        await producer.send({ topic, messages: [{ value: 'x' }] });
        await producer.disconnect();
        const adminB = kafkaFor(b).admin();
        await adminB.connect();
        const topicsInB = await adminB.listTopics();
        await adminB.disconnect();
        assert.ok(!topicsInB.includes(topic), `topic ${topic} leaked into the second cluster`);
      });
    });
  });

  it('refuses unknown topics when auto-creation is off', async () => {
    await withBroker(
      async (broker) => {
        const producer = kafkaFor(broker, { retry: { retries: 1, initialRetryTime: 50 } }).producer();
        await producer.connect();
        await assert.rejects(
          producer.send({ topic: uniqueName('absent'), messages: [{ value: 'x' }] }),
          /does not host this topic-partition|UNKNOWN_TOPIC/i,
        );
        await producer.disconnect();
      },
      { autoCreateTopics: false },
    );
  });
});
