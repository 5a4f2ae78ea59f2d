import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as lz4 from 'lz4-napi';
import * as snappy from 'snappy';
import { crc32c, encodeRecordBatch, readBatchHeader, readBatchRecords, splitRecordSet } from '../../src/index.js';

/** Zigzag varint bytes, written independently of the codec under test. */
function zz(v: number): number[] {
  let n = v >= 0 ? v * 2 : -v * 2 - 1;
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function field(b: Buffer | null): number[] {
  return b === null ? zz(-1) : [...zz(b.length), ...b];
}

/**
 * A batch laid out byte by byte from the record batch v2 format (Kafka's
 * "Record Batch" documentation), not with the code under test.
 */
function handBatch(opts: {
  baseOffset: number;
  baseTimestamp: number;
  attributes?: number;
  maxTimestamp?: number;
  records: {
    tsDelta: number;
    offDelta: number;
    key: Buffer | null;
    value: Buffer | null;
    headers?: [string, Buffer | null][];
  }[];
  compress?: (b: Buffer) => Buffer;
}): Buffer {
  const recs: number[] = [];
  for (const r of opts.records) {
    const body = [0, ...zz(r.tsDelta), ...zz(r.offDelta), ...field(r.key), ...field(r.value)];
    const headers = r.headers ?? [];
    body.push(...zz(headers.length));
    for (const [k, v] of headers) body.push(...field(Buffer.from(k)), ...field(v));
    recs.push(...zz(body.length), ...body);
  }
  let section: Buffer = Buffer.from(recs);
  if (opts.compress) section = opts.compress(section);
  const b = Buffer.alloc(61 + section.length);
  const last = opts.records[opts.records.length - 1];
  b.writeBigInt64BE(BigInt(opts.baseOffset), 0);
  b.writeInt32BE(b.length - 12, 8);
  b.writeInt32BE(7, 12);
  b.writeInt8(2, 16);
  b.writeInt16BE(opts.attributes ?? 0, 21);
  b.writeInt32BE(last?.offDelta ?? 0, 23);
  b.writeBigInt64BE(BigInt(opts.baseTimestamp), 27);
  b.writeBigInt64BE(BigInt(opts.maxTimestamp ?? opts.baseTimestamp), 35);
  b.writeBigInt64BE(-1n, 43);
  b.writeInt16BE(-1, 51);
  b.writeInt32BE(-1, 53);
  b.writeInt32BE(opts.records.length, 57);
  section.copy(b, 61);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}

describe('readBatchRecords', () => {
  it('reads a hand-built uncompressed batch with absolute offsets, null key/value and headers', () => {
    const batch = handBatch({
      baseOffset: 100,
      baseTimestamp: 1_700_000_000_000,
      records: [
        {
          tsDelta: 0,
          offDelta: 0,
          key: Buffer.from('k1'),
          value: Buffer.from('v1'),
          headers: [['h', Buffer.from('x')]],
        },
        { tsDelta: -5, offDelta: 1, key: null, value: Buffer.from('v2'), headers: [['n', null]] },
        { tsDelta: 300_000, offDelta: 3, key: Buffer.from('k3'), value: null },
      ],
    });
    const records = readBatchRecords(batch);
    assert.equal(records.length, 3);
    assert.deepEqual(
      records.map((r) => ({
        offset: r.offset,
        timestamp: r.timestamp,
        key: r.key?.toString() ?? null,
        value: r.value?.toString() ?? null,
        headers: r.headers.map((h) => [h.key, h.value?.toString() ?? null]),
      })),
      [
        { offset: 100, timestamp: 1_700_000_000_000, key: 'k1', value: 'v1', headers: [['h', 'x']] },
        { offset: 101, timestamp: 1_699_999_999_995, key: null, value: 'v2', headers: [['n', null]] },
        { offset: 103, timestamp: 1_700_000_300_000, key: 'k3', value: null, headers: [] },
      ],
    );
    // A ForwardBatch carries baseOffset 0 in its bytes and the real one beside them.
    assert.deepEqual(
      readBatchRecords(batch, 7_000).map((r) => r.offset),
      [7_000, 7_001, 7_003],
    );
  });

  it('reads a hand-built gzip batch', () => {
    const batch = handBatch({
      baseOffset: 5,
      baseTimestamp: 42,
      attributes: 1,
      compress: (b) => gzipSync(b),
      records: [
        { tsDelta: 0, offDelta: 0, key: Buffer.from('a'), value: Buffer.from('x'.repeat(1000)) },
        { tsDelta: 1, offDelta: 1, key: Buffer.from('b'), value: Buffer.from('y') },
      ],
    });
    const records = readBatchRecords(batch);
    assert.deepEqual(
      records.map((r) => [r.offset, r.timestamp, r.key?.toString(), r.value?.length]),
      [
        [5, 42, 'a', 1000],
        [6, 43, 'b', 1],
      ],
    );
  });

  it('gives every record the append time of a LogAppendTime batch', () => {
    const batch = handBatch({
      baseOffset: 0,
      baseTimestamp: 10,
      maxTimestamp: 999,
      attributes: 0x08,
      records: [
        { tsDelta: 0, offDelta: 0, key: null, value: Buffer.from('a') },
        { tsDelta: 3, offDelta: 1, key: null, value: Buffer.from('b') },
      ],
    });
    assert.deepEqual(
      readBatchRecords(batch).map((r) => r.timestamp),
      [999, 999],
    );
  });

  /** The xerial framing of Kafka's Java producer around raw snappy blocks. */
  function xerial(blocks: Buffer[]): Buffer {
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
    const parts: Buffer[] = [header];
    for (const block of blocks) {
      const length = Buffer.alloc(4);
      length.writeInt32BE(block.length);
      parts.push(length, block);
    }
    return Buffer.concat(parts);
  }

  const values = Array.from({ length: 50 }, (_, i) => Buffer.from(`value ${i} ${'v'.repeat(i)}`));
  const records = values.map((value, i) => ({ tsDelta: i, offDelta: i, key: null, value }));
  const compressed: [number, string, (b: Buffer) => Buffer][] = [
    [2, 'snappy (one raw block, as librdkafka writes it)', (b) => snappy.compressSync(b)],
    [
      2,
      'snappy (xerial framing in two blocks, as the Java producer writes it)',
      (b) => xerial([snappy.compressSync(b.subarray(0, 100)), snappy.compressSync(b.subarray(100))]),
    ],
    [3, 'lz4 (a frame)', (b) => lz4.compressFrameSync(b)],
  ];
  for (const [codec, name, compress] of compressed) {
    it(`reads a ${name} batch`, () => {
      const batch = handBatch({ baseOffset: 10, baseTimestamp: 1, attributes: codec, compress, records });
      const read = readBatchRecords(batch);
      assert.deepEqual(
        read.map((r) => r.value?.toString()),
        values.map(String),
      );
      assert.equal(read[49]?.offset, 59);
    });
  }

  for (const [compression, codec] of [
    ['snappy', 2],
    ['lz4', 3],
  ] as const) {
    it(`writes ${compression} batches it reads back${compression === 'snappy' ? ', in 32 KiB xerial blocks' : ''}`, () => {
      const big = Array.from({ length: 300 }, (_, i) => Buffer.from(`${i} ${'payload '.repeat(30)}`));
      const batch = encodeRecordBatch(
        big.map((value, i) => ({ key: null, value, timestamp: 1000 + i })),
        { compression },
      );
      assert.equal(readBatchHeader(batch).attributes & 0x07, codec);
      assert.ok(batch.length < 40_000, `${batch.length} bytes: compressed`);
      if (compression === 'snappy') {
        assert.deepEqual([...batch.subarray(61, 69)], [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
        // 300 records of about 250 bytes: more than one block.
        const firstBlock = batch.readInt32BE(61 + 16);
        assert.ok(61 + 16 + 4 + firstBlock < batch.length);
      }
      assert.deepEqual(
        readBatchRecords(batch).map((r) => r.value?.toString()),
        big.map(String),
      );
    });
  }

  for (const [codec, name] of [
    [2, 'snappy'],
    [3, 'lz4'],
    [4, 'zstd'],
  ] as const) {
    it(`throws an error naming ${name} for a ${name} batch whose data is not ${name}`, () => {
      const batch = handBatch({
        baseOffset: 0,
        baseTimestamp: 1,
        attributes: codec,
        records: [{ tsDelta: 0, offDelta: 0, key: null, value: Buffer.from('a') }],
      });
      assert.throws(() => readBatchRecords(batch), new RegExp(`cannot decompress ${name} records`));
    });
  }

  it('writes and reads zstd where node:zlib has it; without it, writing throws naming zstd', async () => {
    const zlib = (await import('node:zlib')) as unknown as { zstdCompressSync?: (b: Buffer) => Buffer };
    const compress = zlib.zstdCompressSync;
    if (compress) {
      const batch = handBatch({
        baseOffset: 0,
        baseTimestamp: 1,
        attributes: 4,
        compress: (b) => compress(b),
        records: [{ tsDelta: 0, offDelta: 0, key: null, value: Buffer.from('zz') }],
      });
      assert.equal(readBatchRecords(batch)[0]?.value?.toString(), 'zz');
      const encoded = encodeRecordBatch([{ key: null, value: Buffer.from('q'), timestamp: 1 }], {
        compression: 'zstd',
      });
      assert.equal(readBatchRecords(encoded)[0]?.value?.toString(), 'q');
    } else {
      // Reading goes through fzstd (a real zstd frame is read in the librdkafka tests); writing needs node:zlib.
      assert.throws(
        () => encodeRecordBatch([{ key: null, value: Buffer.from('q'), timestamp: 1 }], { compression: 'zstd' }),
        /zstd/,
      );
    }
  });

  it('rejects a batch with another magic byte, naming it', () => {
    const batch = handBatch({
      baseOffset: 0,
      baseTimestamp: 1,
      records: [{ tsDelta: 0, offDelta: 0, key: null, value: null }],
    });
    batch.writeInt8(1, 16);
    assert.throws(() => readBatchRecords(batch), /magic 1/);
  });
});

describe('encodeRecordBatch', () => {
  const records = [
    {
      key: Buffer.from('key-1'),
      value: Buffer.from('value-1'),
      timestamp: 1_700_000_000_500,
      headers: [{ key: 'h1', value: Buffer.from('a') }],
    },
    { key: null, value: Buffer.from('value-2'), timestamp: 1_700_000_000_100 },
    { key: Buffer.from('key-3'), value: null, timestamp: 1_700_000_009_000, headers: [{ key: 'ü', value: null }] },
  ];

  for (const compression of ['none', 'gzip'] as const) {
    it(`round-trips records (${compression}) with a valid ready-to-produce header`, () => {
      const batch = encodeRecordBatch(records, { compression });
      const h = readBatchHeader(batch);
      assert.equal(h.size, batch.length);
      assert.equal(h.magic, 2);
      assert.equal(h.crc, crc32c(batch.subarray(21)));
      assert.equal(h.attributes, compression === 'gzip' ? 1 : 0);
      assert.equal(h.recordCount, 3);
      assert.equal(h.lastOffsetDelta, 2);
      assert.equal(h.baseTimestamp, 1_700_000_000_500);
      assert.equal(h.maxTimestamp, 1_700_000_009_000);
      assert.equal(h.producerId, -1);
      assert.equal(h.producerEpoch, -1);
      assert.equal(h.baseSequence, -1);
      assert.equal(batch.readBigInt64BE(0), 0n);
      assert.equal(batch.readInt32BE(12), -1);
      const back = readBatchRecords(batch);
      assert.deepEqual(
        back.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })),
        records.map((r, i) => ({
          offset: i,
          timestamp: r.timestamp,
          key: r.key,
          value: r.value,
          headers: r.headers ?? [],
        })),
      );
    });
  }

  it('writes the same bytes as the published layout for an uncompressed batch', () => {
    const expected = handBatch({
      baseOffset: 0,
      baseTimestamp: 1000,
      maxTimestamp: 1000,
      records: [
        { tsDelta: 0, offDelta: 0, key: Buffer.from('k'), value: Buffer.from('v'), headers: [['a', Buffer.from('b')]] },
      ],
    });
    expected.writeInt32BE(-1, 12);
    const actual = encodeRecordBatch([
      {
        key: Buffer.from('k'),
        value: Buffer.from('v'),
        timestamp: 1000,
        headers: [{ key: 'a', value: Buffer.from('b') }],
      },
    ]);
    assert.deepEqual(actual, expected);
  });

  it('refuses an empty record list', () => {
    assert.throws(() => encodeRecordBatch([]), /at least one record/);
  });

  it('handles large values and many records', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.alloc(i * 10, i % 256),
      timestamp: 1_000 + i,
    }));
    const back = readBatchRecords(encodeRecordBatch(many, { compression: 'gzip' }));
    assert.equal(back.length, 500);
    assert.deepEqual(back[499]?.value, Buffer.alloc(4990, 499 % 256));
    assert.equal(back[250]?.timestamp, 1250);
  });
});

describe('splitRecordSet', () => {
  it('returns every complete batch and leaves out a partial last one', () => {
    const a = encodeRecordBatch([{ key: null, value: Buffer.from('a'), timestamp: 1 }]);
    const b = encodeRecordBatch([{ key: null, value: Buffer.from('bb'), timestamp: 2 }], { compression: 'gzip' });
    const c = encodeRecordBatch([{ key: null, value: Buffer.from('ccc'), timestamp: 3 }]);
    const set = Buffer.concat([a, b, c.subarray(0, c.length - 5)]);
    const parts = splitRecordSet(set);
    assert.equal(parts.length, 2);
    assert.deepEqual(parts[0], a);
    assert.deepEqual(parts[1], b);
    assert.deepEqual(splitRecordSet(Buffer.concat([a, c])), [a, c]);
    assert.deepEqual(splitRecordSet(Buffer.alloc(0)), []);
    assert.deepEqual(splitRecordSet(a.subarray(0, 10)), []);
  });
});
