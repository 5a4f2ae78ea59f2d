import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeRecordBatch, type FetchedPartition, type ForwardBatch } from '@tributary/protocol';
import { fetcherOptionsOf, recordRuns, wireConsumerDecision } from '../../src/worker/wire-fetch.js';

/** A ForwardBatch as the fetcher hands it out: baseOffset 0 in the bytes, the real one beside them. */
function batch(baseOffset: number, values: readonly string[]): ForwardBatch {
  const data = encodeRecordBatch(
    values.map((v, i) => ({
      key: null,
      value: Buffer.from(v),
      timestamp: 1_700_000_000_000 + i,
      headers: v === 'with-header' ? [{ key: 'h', value: Buffer.from('x') }] : [],
    })),
  );
  return { baseOffset, recordCount: values.length, data, maxTimestamp: 1_700_000_000_000 + values.length - 1 };
}

function part(batches: readonly ForwardBatch[]): FetchedPartition {
  return {
    topic: 'orders',
    partition: 2,
    errorCode: 0,
    batches,
    nextOffset: 0,
    highWatermark: 0,
    lastStableOffset: 0,
    logStartOffset: 0,
  };
}

describe('wire fetch', () => {
  it('uses the protocol client only on PLAINTEXT without client.rack', () => {
    assert.equal(wireConsumerDecision({}).usesWire, true);
    assert.equal(wireConsumerDecision({ 'security.protocol': ' plaintext ' }).usesWire, true);
    assert.deepEqual(wireConsumerDecision({ 'security.protocol': 'SASL_SSL' }), {
      usesWire: false,
      reason: 'security.protocol is SASL_SSL',
    });
    assert.deepEqual(wireConsumerDecision({ 'client.rack': 'eu-1a' }), {
      usesWire: false,
      reason: 'client.rack is set',
    });
  });

  it("maps the consumer's fetch settings, read_uncommitted unless asked; the batches are only decoded", () => {
    assert.deepEqual(fetcherOptionsOf({}), {
      isolation: 'read_uncommitted',
      maxWaitMs: 500,
      maxBufferedBytes: 2 * 1024 * 1024,
      isDecodeOnly: true,
    });
    assert.deepEqual(
      fetcherOptionsOf({
        readUncommitted: false,
        maxWaitTimeInMs: 100,
        minBytes: 10,
        maxBytes: 1000,
        maxBytesPerPartition: 500,
      }),
      {
        isolation: 'read_committed',
        maxWaitMs: 100,
        minBytes: 10,
        maxBytes: 1000,
        partitionMaxBytes: 500,
        maxBufferedBytes: 2 * 1024 * 1024,
        isDecodeOnly: true,
      },
    );
  });

  it('decodes batches with their real offsets, in runs of whole batches of about the given size', () => {
    const batches = [batch(100, ['a', 'b']), batch(102, ['c', 'with-header']), batch(104, ['e'])];
    const oneBatch = batches[0]?.data.length ?? 0;
    // Each run closes once it reaches the size: two batches, then the last one.
    const runs = [...recordRuns(part(batches), oneBatch + 1)];
    assert.deepEqual(
      runs.map((run) => run.map((r) => [r.offset, r.value?.toString()])),
      [
        [
          [100, 'a'],
          [101, 'b'],
          [102, 'c'],
          [103, 'with-header'],
        ],
        [[104, 'e']],
      ],
    );
    const withHeader = runs[0]?.[3];
    assert.deepEqual(
      withHeader?.headers.map((h) => [h.key, h.value?.toString()]),
      [['h', 'x']],
    );
    assert.equal(runs[0]?.[0]?.timestamp, 1_700_000_000_000);
    assert.deepEqual(
      [...recordRuns(part(batches), 1)].map((run) => run.length),
      [2, 2, 1],
    );
    assert.deepEqual([...recordRuns(part([]), 1)], []);
  });

  it('names the partition and offset of a batch it cannot read', () => {
    const snappy = batch(7, ['x']);
    const data = Buffer.from(snappy.data);
    data.writeInt16BE(data.readInt16BE(21) | 2, 21);
    assert.throws(
      () => [...recordRuns(part([{ ...snappy, data }]), 1_000_000)],
      /Cannot read the record batch at offset 7 of orders-2: .*snappy/,
    );
  });
});
