import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toForwardBatches } from '../../src/client/forward-batches.js';
import { buildBatch } from '../../src/codec/records.js';
import { buildControlBatch, crc32c, readBatchHeader, readBatchRecords } from '../../src/index.js';

interface Spec {
  baseOffset: number;
  deltas?: number[];
  values?: string[];
  producerId?: number;
  isTransactional?: boolean;
  isLogAppendTime?: boolean;
  appendTime?: number;
  gzip?: boolean;
}

/** A batch as a broker would serve it: absolute baseOffset, leader epoch, producer fields. */
function stored(spec: Spec): Buffer {
  const values = spec.values ?? (spec.deltas ?? [0]).map((d) => `v${spec.baseOffset + d}`);
  const deltas = spec.deltas ?? values.map((_, i) => i);
  const batch = buildBatch(
    values.map((v, i) => ({
      offsetDelta: deltas[i] as number,
      timestamp: 1000 + (deltas[i] as number),
      key: Buffer.from(`k-${v}`),
      value: Buffer.from(v),
      headers: [{ key: 'h', value: Buffer.from(v) }],
    })),
    spec.gzip ? 1 : 0,
  );
  batch.writeBigInt64BE(BigInt(spec.baseOffset), 0);
  batch.writeInt32BE(5, 12);
  let attributes = batch.readInt16BE(21);
  if (spec.isTransactional) attributes |= 0x10;
  if (spec.isLogAppendTime) {
    attributes |= 0x08;
    batch.writeBigInt64BE(BigInt(spec.appendTime ?? 0), 35);
  }
  batch.writeInt16BE(attributes, 21);
  if (spec.producerId !== undefined) {
    batch.writeBigInt64BE(BigInt(spec.producerId), 43);
    batch.writeInt16BE(0, 51);
    batch.writeInt32BE(0, 53);
  }
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

function marker(offset: number, producerId: number, commit: boolean): Buffer {
  return buildControlBatch({ baseOffset: offset, producerId, producerEpoch: 0, commit, timestamp: 5 });
}

function valuesOf(result: ReturnType<typeof toForwardBatches>): string[] {
  return result.batches.flatMap((b) => readBatchRecords(b.data).map((r) => String(r.value)));
}

function assertForwardable(data: Buffer, count: number): void {
  const h = readBatchHeader(data);
  assert.equal(data.readBigInt64BE(0), 0n);
  assert.equal(data.readInt32BE(12), -1);
  assert.equal(h.producerId, -1);
  assert.equal(h.producerEpoch, -1);
  assert.equal(h.baseSequence, -1);
  assert.equal(h.attributes & 0x38, 0);
  assert.equal(h.recordCount, count);
  assert.equal(h.lastOffsetDelta, count - 1);
  assert.equal(h.crc, crc32c(data.subarray(21)));
}

describe('toForwardBatches', () => {
  it('passes whole batches through as views, rewriting only baseOffset and leader epoch', () => {
    const a = stored({ baseOffset: 10, values: ['a', 'b'] });
    const b = stored({ baseOffset: 12, values: ['c'], gzip: true });
    const crcA = a.readUInt32BE(17);
    const set = Buffer.concat([a, b]);
    const result = toForwardBatches(set, 10, null, true);
    assert.equal(result.nextOffset, 13);
    assert.equal(result.errorCode, 0);
    assert.equal(result.bytes, set.length);
    assert.deepEqual(
      result.batches.map((x) => [x.baseOffset, x.recordCount, x.maxTimestamp]),
      [
        [10, 2, 1001],
        [12, 1, 1000],
      ],
    );
    assert.equal(result.batches[0]?.data.buffer, set.buffer, 'no copy');
    assert.equal(result.batches[0]?.data.readUInt32BE(17), crcA, 'CRC untouched');
    for (const x of result.batches) assertForwardable(x.data, x.recordCount);
    assert.deepEqual(valuesOf(result), ['a', 'b', 'c']);
  });

  it('clears producer id, epoch, sequence and the transactional bit and recomputes the CRC', () => {
    const set = Buffer.concat([
      stored({ baseOffset: 0, values: ['x', 'y'], producerId: 77, isTransactional: true }),
      marker(2, 77, true),
    ]);
    const result = toForwardBatches(set, 0, [], true);
    assert.equal(result.nextOffset, 3);
    assert.equal(result.batches.length, 1);
    assertForwardable(result.batches[0]?.data as Buffer, 2);
    assert.deepEqual(valuesOf(result), ['x', 'y']);
  });

  it('leaves the producer fields and the CRC as fetched for batches that will only be decoded', () => {
    const batch = stored({ baseOffset: 4, values: ['x', 'y'], producerId: 77, isTransactional: true });
    const fetched = Buffer.from(batch);
    const result = toForwardBatches(Buffer.concat([fetched, marker(6, 77, true)]), 4, [], true, true);
    assert.equal(result.nextOffset, 7);
    assert.equal(result.batches.length, 1);
    const data = result.batches[0]?.data as Buffer;
    assert.deepEqual(data.subarray(17), batch.subarray(17), 'producer fields, attributes and CRC untouched');
    assert.equal(readBatchHeader(data).producerId, 77);
    assert.deepEqual(
      readBatchRecords(data, result.batches[0]?.baseOffset).map((r) => [r.offset, String(r.value)]),
      [
        [4, 'x'],
        [5, 'y'],
      ],
    );
  });

  it('drops aborted transactions and control batches with read_committed (Kafka consumer algorithm)', () => {
    const set = Buffer.concat([
      stored({ baseOffset: 0, values: ['c1'], producerId: 1, isTransactional: true }),
      stored({ baseOffset: 1, values: ['a1', 'a2'], producerId: 2, isTransactional: true }),
      stored({ baseOffset: 3, values: ['p1'] }),
      marker(4, 1, true),
      marker(5, 2, false),
      // Producer 2 again, in a new transaction that commits: must not be dropped.
      stored({ baseOffset: 6, values: ['c2'], producerId: 2, isTransactional: true }),
      marker(7, 2, true),
    ]);
    const aborted = [{ producerId: 2, firstOffset: 1 }];
    const committed = toForwardBatches(Buffer.from(set), 0, aborted, true);
    assert.deepEqual(valuesOf(committed), ['c1', 'p1', 'c2']);
    assert.equal(committed.nextOffset, 8);
    const all = toForwardBatches(Buffer.from(set), 0, null, false);
    assert.deepEqual(valuesOf(all), ['c1', 'a1', 'a2', 'p1', 'c2']);
    assert.equal(all.nextOffset, 8);
  });

  it('advances past a fetch that holds only aborted data and markers', () => {
    const set = Buffer.concat([
      stored({ baseOffset: 20, values: ['a'], producerId: 9, isTransactional: true }),
      marker(21, 9, false),
    ]);
    const result = toForwardBatches(set, 20, [{ producerId: 9, firstOffset: 20 }], true);
    assert.deepEqual(result.batches, []);
    assert.equal(result.nextOffset, 22);
  });

  it('trims a batch that starts before the fetch offset and skips batches wholly before it', () => {
    const set = Buffer.concat([
      stored({ baseOffset: 0, values: ['0', '1'] }),
      stored({ baseOffset: 2, values: ['2', '3', '4', '5'], gzip: true }),
      stored({ baseOffset: 6, values: ['6'] }),
    ]);
    const result = toForwardBatches(set, 4, null, true);
    assert.deepEqual(
      result.batches.map((x) => [x.baseOffset, x.recordCount]),
      [
        [4, 2],
        [6, 1],
      ],
    );
    for (const x of result.batches) assertForwardable(x.data, x.recordCount);
    assert.equal((readBatchHeader(result.batches[0]?.data as Buffer).attributes & 7) === 1, true, 'stays gzip');
    assert.deepEqual(valuesOf(result), ['4', '5', '6']);
    const records = readBatchRecords(result.batches[0]?.data as Buffer);
    assert.deepEqual(
      records.map((r) => [r.key?.toString(), r.timestamp, r.headers[0]?.value?.toString()]),
      [
        ['k-4', 1002, '4'],
        ['k-5', 1003, '5'],
      ],
    );
  });

  it('splits a compacted batch with offset gaps into gap-free batches', () => {
    const set = stored({ baseOffset: 100, deltas: [0, 1, 3, 4, 7] });
    const result = toForwardBatches(set, 100, null, true);
    assert.deepEqual(
      result.batches.map((x) => [x.baseOffset, x.recordCount]),
      [
        [100, 2],
        [103, 2],
        [107, 1],
      ],
    );
    for (const x of result.batches) assertForwardable(x.data, x.recordCount);
    assert.deepEqual(valuesOf(result), ['v100', 'v101', 'v103', 'v104', 'v107']);
    assert.equal(result.nextOffset, 108);
  });

  it('rewrites LogAppendTime batches to CreateTime carrying the append time', () => {
    const set = stored({ baseOffset: 0, values: ['a', 'b'], isLogAppendTime: true, appendTime: 55_555 });
    const result = toForwardBatches(set, 0, null, true);
    const data = result.batches[0]?.data as Buffer;
    assertForwardable(data, 2);
    assert.equal(result.batches[0]?.maxTimestamp, 55_555);
    assert.deepEqual(
      readBatchRecords(data).map((r) => r.timestamp),
      [55_555, 55_555],
    );
  });

  it('ignores a partial trailing batch and reports an old message format', () => {
    const whole = stored({ baseOffset: 0, values: ['a'] });
    const partial = stored({ baseOffset: 1, values: ['b'] }).subarray(0, 40);
    const result = toForwardBatches(Buffer.concat([whole, partial]), 0, null, true);
    assert.equal(result.batches.length, 1);
    assert.equal(result.nextOffset, 1);
    const old = stored({ baseOffset: 0, values: ['a'] });
    old.writeInt8(1, 16);
    const bad = toForwardBatches(old, 0, null, true);
    assert.equal(bad.errorCode, 43);
    assert.match(String(bad.errorMessage), /message format 1/);
  });

  it('reports UNSUPPORTED_COMPRESSION_TYPE when a snappy batch would need rewriting', () => {
    const set = stored({ baseOffset: 0, values: ['a', 'b'] });
    set.writeInt16BE(2, 21);
    set.writeUInt32BE(crc32c(set.subarray(21)), 17);
    // Whole: passed through untouched, still snappy.
    assert.equal(toForwardBatches(Buffer.from(set), 0, null, true).batches.length, 1);
    const trimmed = toForwardBatches(Buffer.from(set), 1, null, true);
    assert.equal(trimmed.errorCode, 76);
    assert.match(String(trimmed.errorMessage), /snappy/);
  });
});
