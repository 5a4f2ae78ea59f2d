import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeRecordBatch, type ForwardBatch, readBatchRecords, splitRecordSet } from '@tributary/protocol';
import { coalesceBatches, MirrorSourceBatch, upstreamRuns } from '../src/mirror-source-task.js';

function forward(baseOffset: number, values: string[], compression: 'none' | 'gzip' = 'none'): ForwardBatch {
  const data = encodeRecordBatch(
    values.map((v, i) => ({
      key: Buffer.from(`k-${v}`),
      value: Buffer.from(v),
      timestamp: 1000 + baseOffset + i,
      headers: [{ key: 'h', value: Buffer.from([0, 255, i]) }],
    })),
    { compression },
  );
  return { baseOffset, recordCount: values.length, data, maxTimestamp: 1000 + baseOffset + values.length - 1 };
}

const valuesOf = (data: Buffer) =>
  splitRecordSet(data).flatMap((b) => readBatchRecords(b).map((r) => r.value?.toString()));

describe('coalesceBatches', () => {
  it('merges small uncompressed batches into one, keeping keys, values, headers and timestamps', () => {
    const batches = [forward(0, ['a', 'b']), forward(2, ['c']), forward(5, ['d', 'e'])];
    const data = coalesceBatches(batches, 1_000_000);
    const parts = splitRecordSet(data);
    assert.equal(parts.length, 1, 'one record batch');
    const records = readBatchRecords(parts[0] as Buffer);
    assert.deepEqual(
      records.map((r) => r.value?.toString()),
      ['a', 'b', 'c', 'd', 'e'],
    );
    assert.deepEqual(
      records.map((r) => r.key?.toString()),
      ['k-a', 'k-b', 'k-c', 'k-d', 'k-e'],
    );
    assert.deepEqual(
      records.map((r) => r.timestamp),
      [1000, 1001, 1002, 1005, 1006],
    );
    assert.deepEqual([...(records[4]?.headers[0]?.value ?? [])], [0, 255, 1]);
    assert.deepEqual(
      records.map((r) => r.offset),
      [0, 1, 2, 3, 4],
    );
  });

  it('keeps compressed batches and a single batch as they are, and respects the size cap', () => {
    const gz = forward(3, ['x', 'y'], 'gzip');
    const one = forward(0, ['a']);
    assert.equal(coalesceBatches([one], 1_000_000), one.data, 'a lone batch is not copied');
    const data = coalesceBatches([forward(0, ['a']), forward(1, ['b']), gz, forward(5, ['z'])], 1_000_000);
    assert.equal(splitRecordSet(data).length, 3);
    assert.deepEqual(valuesOf(data), ['a', 'b', 'x', 'y', 'z']);
    const capped = coalesceBatches([forward(0, ['a']), forward(1, ['b']), forward(2, ['c'])], one.data.length * 2);
    assert.equal(splitRecordSet(capped).length, 2);
    assert.deepEqual(valuesOf(capped), ['a', 'b', 'c']);
  });
});

describe('MirrorSourceBatch', () => {
  it('tracks the upstream offsets across gaps for offset syncs and records', () => {
    const batches = [forward(10, ['a', 'b']), forward(12, ['c']), forward(20, ['d'])];
    assert.deepEqual(upstreamRuns(batches), [
      { upstreamOffset: 10, count: 3 },
      { upstreamOffset: 20, count: 1 },
    ]);
    const batch = new MirrorSourceBatch('A.t', 1, 't', 'A', upstreamRuns(batches), coalesceBatches(batches, 1_000_000));
    assert.equal(batch.recordCount, 4);
    assert.deepEqual(batch.sourcePartition, { cluster: 'A', topic: 't', partition: 1 });
    assert.deepEqual(batch.sourceOffset, { offset: 20 });
    assert.deepEqual(batch.runsAt(100), [
      { upstreamOffset: 10, downstreamOffset: 100, count: 3 },
      { upstreamOffset: 20, downstreamOffset: 103, count: 1 },
    ]);
    const records = batch.toRecords();
    assert.deepEqual(
      records.map((r) => r.sourceOffset),
      [{ offset: 10 }, { offset: 11 }, { offset: 12 }, { offset: 20 }],
    );
    assert.ok(records.every((r) => r.topic === 'A.t' && r.kafkaPartition === 1));
    assert.deepEqual(records[0]?.value, Buffer.from('a'));
    assert.deepEqual(records[0]?.headers[0]?.value, Buffer.from([0, 255, 0]));
  });
});
