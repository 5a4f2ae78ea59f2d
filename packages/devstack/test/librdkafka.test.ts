import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Attr,
  canCompress,
  createWireClient,
  encodeRecordBatch,
  type FetchedPartition,
  readBatchRecords,
} from '@tributary/protocol';
import { kafkaFor, kcat, uniqueName, withBroker } from './fixtures.js';

const CODEC_IDS: Readonly<Record<string, number>> = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

describe('librdkafka (kcat) against the broker', () => {
  it('negotiates the protocol features librdkafka 2.0.2 checks for', async () => {
    await withBroker(async (broker) => {
      const res = await kcat(['-b', broker.bootstrap, '-L', '-d', 'feature']);
      assert.equal(res.code, 0, res.stderr);
      const enabled = new Set([...res.stderr.matchAll(/Enabling feature (\w+)/g)].map((m) => m[1]));
      for (const feature of [
        'ApiVersion',
        'MsgVer2',
        'BrokerGroupCoordinator',
        'BrokerBalancedConsumer',
        'LZ4',
        'ZSTD',
        'OffsetTime',
        'IdempotentProducer',
      ]) {
        assert.ok(enabled.has(feature), `feature ${feature} not enabled; enabled: ${[...enabled].join(', ')}`);
      }
    });
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    it(`stores ${codec}-compressed batches as produced and serves them back`, async () => {
      await withBroker(async (broker) => {
        const topic = uniqueName(`codec-${codec}`);
        const lines = Array.from({ length: 200 }, (_, i) => `record-${i}-${'x'.repeat(i % 50)}`);
        const produced = await kcat(
          ['-b', broker.bootstrap, '-P', '-t', topic, '-z', codec, '-d', 'msg', '-X', 'linger.ms=50'],
          `${lines.join('\n')}\n`,
        );
        assert.equal(produced.code, 0, produced.stderr);
        // librdkafka says so when a broker makes it fall back to uncompressed batches.
        assert.doesNotMatch(produced.stderr, /does not support compression/);
        const consumed = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-e', '-f', '%s\\n']);
        assert.equal(consumed.code, 0, consumed.stderr);
        assert.deepEqual(consumed.stdout.trim().split('\n'), lines);
        // Our protocol client reads them too: every batch is compressed with the codec, and decoded.
        const client = createWireClient({ bootstrapServers: [broker.bootstrap] });
        const fetcher = client.fetcher({ isDecodeOnly: true, maxWaitMs: 100 });
        try {
          fetcher.assign([{ topic, partition: 0, offset: 0 }]);
          const parts: FetchedPartition[] = [];
          const values: string[] = [];
          const deadline = Date.now() + 30_000;
          while (values.length < lines.length && Date.now() < deadline) {
            for (const part of await fetcher.next(500)) {
              parts.push(part);
              for (const batch of part.batches)
                for (const r of readBatchRecords(batch.data, batch.baseOffset)) values.push(r.value?.toString() ?? '');
            }
          }
          assert.deepEqual(values, lines);
          const codecs = new Set(parts.flatMap((p) => p.batches.map((b) => b.data.readInt16BE(21) & Attr.CODEC_MASK)));
          assert.deepEqual([...codecs], [CODEC_IDS[codec]], `the batches' codecs`);
        } finally {
          await fetcher.close();
          await client.close();
        }
      });
    });
  }

  for (const compression of ['gzip', 'snappy', 'lz4', ...(canCompress(4) ? ['zstd' as const] : [])] as const) {
    it(`reads ${compression} batches our protocol client wrote`, async () => {
      await withBroker(async (broker) => {
        const topic = uniqueName(`ours-${compression}`);
        const lines = Array.from({ length: 500 }, (_, i) => `ours-${i}-${'y'.repeat(i % 80)}`);
        const client = createWireClient({ bootstrapServers: [broker.bootstrap] });
        try {
          await client.createTopics([{ name: topic, numPartitions: 1, replicationFactor: 1 }]);
          const data = encodeRecordBatch(
            lines.map((line, i) => ({ key: null, value: Buffer.from(line), timestamp: 1_000 + i })),
            { compression },
          );
          await client.produce([{ topic, partition: 0, data }]);
        } finally {
          await client.close();
        }
        const consumed = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-e', '-f', '%s\\n']);
        assert.equal(consumed.code, 0, consumed.stderr);
        assert.deepEqual(consumed.stdout.trim().split('\n'), lines);
      });
    });
  }

  it('shares topics between kcat and kafkajs in both directions', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('mixed');
      const produced = await kcat(
        ['-b', broker.bootstrap, '-P', '-t', topic, '-K', ':', '-H', 'source=kcat'],
        'k1:from-kcat\n',
      );
      assert.equal(produced.code, 0, produced.stderr);
      const producer = kafkaFor(broker).producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k2', value: 'from-kafkajs', headers: { source: 'kafkajs' } }] });
      await producer.disconnect();
      const consumed = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-e', '-f', '%o %k %s %h\\n']);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.equal(consumed.stdout, '0 k1 from-kcat source=kcat\n1 k2 from-kafkajs source=kafkajs\n');
    });
  });

  it('answers an offset lookup by timestamp (kcat -o s@)', async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('bytime');
      const producer = kafkaFor(broker).producer();
      await producer.connect();
      await producer.send({
        topic,
        messages: [
          { value: 'old', timestamp: '1000' },
          { value: 'mid', timestamp: '2000' },
          { value: 'new', timestamp: '3000' },
        ],
      });
      await producer.disconnect();
      const consumed = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-o', 's@1500', '-e', '-f', '%o %s\\n']);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.equal(consumed.stdout, '1 mid\n2 new\n');
    });
  });
});
