import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { alterSinkOffsets, parseSinkOffsets, readSinkOffsets, resetSinkOffsets, sinkGroupId } from '../../src/worker/sink-offsets.js';

describe('sink offsets', () => {
  it('names the consumer group as Kafka Connect does', () => {
    assert.equal(sinkGroupId('jdbc-sink'), 'connect-jdbc-sink');
  });

  it('parses a PATCH body, listing every bad entry', () => {
    assert.deepEqual(
      parseSinkOffsets([
        { partition: { kafka_topic: 't', kafka_partition: 1 }, offset: { kafka_offset: 5 } },
        { partition: { kafka_topic: 't', kafka_partition: 0 }, offset: null },
      ]),
      [
        { partition: { topic: 't', partition: 1 }, offset: 5 },
        { partition: { topic: 't', partition: 0 }, offset: null },
      ],
    );
    assert.throws(
      () =>
        parseSinkOffsets([
          { partition: { kafka_topic: '', kafka_partition: -1 }, offset: { kafka_offset: 'x' } },
          { partition: { topic: 't' }, offset: { kafka_offset: 1.5 } },
        ]),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(
          err.problems.map((p) => p.key),
          [
            'offsets[0].partition.kafka_topic',
            'offsets[0].partition.kafka_partition',
            'offsets[0].offset.kafka_offset',
            'offsets[1].partition.kafka_topic',
            'offsets[1].partition.kafka_partition',
            'offsets[1].offset.kafka_offset',
          ],
        );
        return true;
      },
    );
  });

  describe('against a broker', () => {
    let broker: RunningBroker;
    let kafka: Kafka;
    let admin: Admin;

    before(async () => {
      broker = await startBroker({ port: 0 });
      kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
      admin = kafka.admin();
      await admin.connect();
    });

    after(async () => {
      await admin.disconnect();
      await broker.stop();
    });

    it('sets, removes single partitions, and resets the committed offsets of a group', async () => {
      const topic = `sink-offsets-${randomUUID()}`;
      const group = sinkGroupId(`c-${randomUUID()}`);
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic,
        messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `v${i}` })),
      });
      await producer.disconnect();

      assert.deepEqual(await readSinkOffsets(admin, group), []);
      await alterSinkOffsets(admin, group, [
        { partition: { topic, partition: 0 }, offset: 5 },
        { partition: { topic, partition: 1 }, offset: 7 },
      ]);
      assert.deepEqual(await readSinkOffsets(admin, group), [
        { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 5 } },
        { partition: { kafka_topic: topic, kafka_partition: 1 }, offset: { kafka_offset: 7 } },
      ]);
      await alterSinkOffsets(admin, group, [{ partition: { topic, partition: 0 }, offset: null }]);
      assert.deepEqual(await readSinkOffsets(admin, group), [
        { partition: { kafka_topic: topic, kafka_partition: 1 }, offset: { kafka_offset: 7 } },
      ]);
      await resetSinkOffsets(admin, group);
      assert.deepEqual(await readSinkOffsets(admin, group), []);
      await resetSinkOffsets(admin, group);
    });
  });
});
