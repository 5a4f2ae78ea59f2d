/**
 * Records inside a record batch (magic v2), for clients: decode every record of a batch,
 * encode records into a new batch, and cut a fetched record set into its batches.
 *
 * Record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 * keyLength varint | key | valueLength varint | value | headerCount varint |
 * [headerKeyLength varint | headerKey | headerValueLength varint | headerValue]…
 * (lengths −1 mean null). In a compressed batch everything after the 61-byte header is
 * compressed as one block with the codec in attributes bits 0-2: 1 gzip, 2 snappy, 3 lz4,
 * 4 zstd.
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { crc32c } from './crc32c.js';
import { Attr, BATCH_HEADER_SIZE, LOG_OVERHEAD } from './record-batch.js';

export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface KafkaRecord {
  /** Absolute offset: the batch's baseOffset plus the record's offset delta. */
  readonly offset: number;
  /** CreateTime, or the batch's append time for LogAppendTime batches. */
  readonly timestamp: number;
  /** Views into the batch (or its decompressed records); copy them to keep them longer than the batch. */
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

export interface NewRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers?: readonly RecordHeader[];
}

/** Codecs this module writes. zstd only where node:zlib has it (Node ≥ 22.15). */
export type RecordCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface EncodeBatchOptions {
  /** Default 'none'. */
  readonly compression?: RecordCompression;
}

const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const CRC_START = 21;

interface ZstdZlib {
  zstdCompressSync?: (data: Buffer) => Buffer;
  zstdDecompressSync?: (data: Buffer) => Buffer;
}
const zstd = zlib as unknown as ZstdZlib;

/**
 * Codec libraries loaded on first use, so that a process that never meets snappy, lz4 or
 * (on Node.js before 22.15) zstd never loads them: `snappy` and `lz4-napi` are native
 * (napi-rs, prebuilt), `fzstd` is a pure-JavaScript zstd decoder.
 */
const requireLib = createRequire(import.meta.url);

function onFirstUse<T>(name: string): () => T {
  let lib: T | undefined;
  return () => {
    lib ??= requireLib(name) as T;
    return lib;
  };
}

const loadSnappy = onFirstUse<typeof import('snappy')>('snappy');
const loadLz4 = onFirstUse<typeof import('lz4-napi')>('lz4-napi');
const loadFzstd = onFirstUse<typeof import('fzstd')>('fzstd');

/**
 * The xerial framing Kafka's Java producer wraps snappy data in (snappy-java's
 * SnappyOutputStream): an 8-byte magic, two int32 versions, then blocks of int32 length and
 * raw snappy data. librdkafka and others may send one raw snappy block instead.
 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** The xerial header as snappy-java writes it: the magic, version 1, compatible with 1. */
const XERIAL_HEADER = Buffer.concat([XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
/** snappy-java's block size: each block of this many bytes is compressed on its own. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

/** Snappy in the xerial framing, as Kafka's Java producer writes it (and every client reads). */
function snappyXerial(data: Buffer): Buffer {
  const lib = loadSnappy();
  const parts: Buffer[] = [XERIAL_HEADER];
  for (let at = 0; at < data.length; at += XERIAL_BLOCK_SIZE) {
    const block = lib.compressSync(data.subarray(at, at + XERIAL_BLOCK_SIZE));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

function unsnappy(data: Buffer): Buffer {
  const lib = loadSnappy();
  const block = (bytes: Buffer) => lib.uncompressSync(bytes, { asBuffer: true }) as Buffer;
  if (data.length < XERIAL_HEADER_SIZE || !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC))
    return block(data);
  const blocks: Buffer[] = [];
  let at = XERIAL_HEADER_SIZE;
  while (at < data.length) {
    if (at + 4 > data.length) throw new Error(`truncated xerial snappy block length at byte ${at}`);
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > data.length)
      throw new Error(`xerial snappy block of ${length} bytes at byte ${at} runs past the data`);
    blocks.push(block(data.subarray(at, at + length)));
    at += length;
  }
  return blocks.length === 1 ? (blocks[0] as Buffer) : Buffer.concat(blocks);
}

function unlz4(data: Buffer): Buffer {
  return loadLz4().decompressFrameSync(data);
}

function unzstd(data: Buffer): Buffer {
  if (zstd.zstdDecompressSync) return zstd.zstdDecompressSync(data);
  const out = loadFzstd().decompress(data);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

export function compressionName(codec: number): string {
  return CODEC_NAMES[codec] ?? `unknown codec ${codec}`;
}

function codecOf(compression: RecordCompression): number {
  return CODEC_NAMES.indexOf(compression);
}

function unsupported(codec: number, what: string): Error {
  const name = compressionName(codec);
  const hint = codec === 4 && what === 'writing' ? ' (zstd needs Node.js ≥ 22.15)' : '';
  return new Error(`record batch compression ${name} is not supported for ${what}${hint}`);
}

/**
 * Decompresses the records section of a batch with codec `codec` (0 returns it unchanged):
 * every codec Kafka has. Throws an Error naming the codec when the data is corrupt.
 */
export function decompressRecords(codec: number, data: Buffer): Buffer {
  if (codec === 0) return data;
  try {
    switch (codec) {
      case 1:
        return zlib.gunzipSync(data);
      case 2:
        return unsnappy(data);
      case 3:
        return unlz4(data);
      case 4:
        return unzstd(data);
    }
  } catch (error) {
    throw new Error(`cannot decompress ${compressionName(codec)} records: ${(error as Error).message}`, {
      cause: error,
    });
  }
  throw unsupported(codec, 'reading');
}

/** Compresses a records section with codec `codec` (0 returns it unchanged). */
export function compressRecords(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case 0:
      return data;
    case 1:
      return zlib.gzipSync(data);
    case 2:
      return snappyXerial(data);
    case 3:
      return loadLz4().compressFrameSync(data);
    case 4:
      if (zstd.zstdCompressSync) return zstd.zstdCompressSync(data);
      throw unsupported(codec, 'writing');
    default:
      throw unsupported(codec, 'writing');
  }
}

/** Whether {@link compressRecords} can write codec `codec`. */
export function canCompress(codec: number): boolean {
  return (codec >= 0 && codec <= 3) || (codec === 4 && zstd.zstdCompressSync !== undefined);
}

function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
}

class RecordCursor {
  at: number;
  constructor(
    readonly buf: Buffer,
    at: number,
    private readonly end: number,
  ) {
    this.at = at;
  }

  private fail(what: string): never {
    throw new Error(`malformed record batch: ${what} at byte ${this.at}`);
  }

  /** Zigzag varint/varlong as a number (exact to 2^53). */
  varlong(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.at >= this.end) this.fail('truncated varint');
      const b = this.buf[this.at++] as number;
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) break;
      scale *= 128;
      if (scale > 2 ** 63) this.fail('varint too long');
    }
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  bytes(): Buffer | null {
    const len = this.varlong();
    if (len < 0) return null;
    if (this.at + len > this.end) this.fail(`length ${len} past the end`);
    const out = this.buf.subarray(this.at, this.at + len);
    this.at += len;
    return out;
  }
}

/** The headers of every record that has none: one frozen list instead of one per record. */
const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/**
 * Every record of one batch (`batch` starts at the batch's first byte) with absolute
 * offsets, whatever its codec (gzip, snappy, lz4, zstd). Control batches decode like any other.
 * `baseOffsetOverride` replaces the batch's own field (a ForwardBatch's data carries 0 there).
 */
export function readBatchRecords(batch: Buffer, baseOffsetOverride?: number): KafkaRecord[] {
  if (batch.length < BATCH_HEADER_SIZE) throw new Error(`record batch of ${batch.length} bytes is truncated`);
  const magic = batch.readInt8(16);
  if (magic !== 2) throw new Error(`record batch magic ${magic} is not supported (only 2)`);
  const size = batch.readInt32BE(8) + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE || size > batch.length) throw new Error(`record batch length ${size} is invalid`);
  const attributes = batch.readInt16BE(21);
  const baseOffset = baseOffsetOverride ?? readInt64(batch, 0);
  const baseTimestamp = readInt64(batch, 27);
  const maxTimestamp = readInt64(batch, 35);
  const isLogAppendTime = (attributes & Attr.TIMESTAMP_LOG_APPEND) !== 0;
  const recordCount = batch.readInt32BE(57);
  const body = decompressRecords(attributes & Attr.CODEC_MASK, batch.subarray(BATCH_HEADER_SIZE, size));
  const c = new RecordCursor(body, 0, body.length);
  const out: KafkaRecord[] = new Array(Math.max(0, recordCount));
  for (let i = 0; i < recordCount; i++) {
    const length = c.varlong();
    const end = c.at + length;
    if (length < 6 || end > body.length) throw new Error(`malformed record batch: record ${i} has length ${length}`);
    c.at++; // attributes, unused
    const timestampDelta = c.varlong();
    const offsetDelta = c.varlong();
    const key = c.bytes();
    const value = c.bytes();
    const headerCount = c.varlong();
    let headers = NO_HEADERS;
    if (headerCount > 0) {
      const list: RecordHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        const hk = c.bytes();
        if (hk === null) throw new Error(`malformed record batch: record ${i} has a null header key`);
        list.push({ key: hk.toString('utf8'), value: c.bytes() });
      }
      headers = list;
    }
    c.at = end;
    out[i] = {
      offset: baseOffset + offsetDelta,
      timestamp: isLogAppendTime ? maxTimestamp : baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    };
  }
  return out;
}

/** Grows as records are written; varints are zigzag, exact to 2^53. */
class RecordWriter {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, size));
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varlong(v: number): void {
    this.ensure(10);
    let n = v >= 0 ? v * 2 : -v * 2 - 1;
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  bytes(b: Buffer | null): void {
    if (b === null) {
      this.varlong(-1);
      return;
    }
    this.varlong(b.length);
    this.ensure(b.length);
    this.pos += b.copy(this.buf, this.pos);
  }
}

function varlongSize(v: number): number {
  let n = v >= 0 ? v * 2 : -v * 2 - 1;
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

interface BatchRecordInput {
  readonly offsetDelta: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: readonly RecordHeader[] | undefined;
}

/**
 * One batch with CreateTime timestamps, baseOffset 0 and no producer id, from records
 * with explicit offset deltas (the first one's timestamp is the base timestamp).
 */
export function buildBatch(records: readonly BatchRecordInput[], codec: number): Buffer {
  if (records.length === 0) throw new Error('a record batch needs at least one record');
  const first = records[0] as BatchRecordInput;
  const baseTimestamp = first.timestamp;
  let maxTimestamp = baseTimestamp;
  let estimate = 0;
  for (const r of records) estimate += 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  const w = new RecordWriter(estimate);
  const scratch = new RecordWriter(64);
  for (const r of records) {
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    // The record body goes to `w` after its length, which needs the body size first.
    scratch.pos = 0;
    scratch.buf[scratch.pos++] = 0;
    scratch.varlong(r.timestamp - baseTimestamp);
    scratch.varlong(r.offsetDelta);
    let bodySize = scratch.pos;
    bodySize +=
      (r.key ? varlongSize(r.key.length) + r.key.length : 1) +
      (r.value ? varlongSize(r.value.length) + r.value.length : 1);
    const headers = r.headers ?? [];
    const headerKeys = headers.map((h) => Buffer.from(h.key, 'utf8'));
    bodySize += varlongSize(headers.length);
    headers.forEach((h, i) => {
      const k = headerKeys[i] as Buffer;
      bodySize += varlongSize(k.length) + k.length + (h.value ? varlongSize(h.value.length) + h.value.length : 1);
    });
    w.varlong(bodySize);
    w.ensure(scratch.pos);
    w.pos += scratch.buf.copy(w.buf, w.pos, 0, scratch.pos);
    w.bytes(r.key);
    w.bytes(r.value);
    w.varlong(headers.length);
    headers.forEach((h, i) => {
      w.bytes(headerKeys[i] as Buffer);
      w.bytes(h.value);
    });
  }
  const body = compressRecords(codec, w.buf.subarray(0, w.pos));
  const last = records[records.length - 1] as BatchRecordInput;
  const batch = Buffer.allocUnsafe(BATCH_HEADER_SIZE + body.length);
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(codec, 21);
  batch.writeInt32BE(last.offsetDelta, 23);
  batch.writeBigInt64BE(BigInt(baseTimestamp), 27);
  batch.writeBigInt64BE(BigInt(maxTimestamp), 35);
  batch.writeBigInt64BE(-1n, 43);
  batch.writeInt16BE(-1, 51);
  batch.writeInt32BE(-1, 53);
  batch.writeInt32BE(records.length, 57);
  body.copy(batch, BATCH_HEADER_SIZE);
  batch.writeUInt32BE(crc32c(batch.subarray(CRC_START)), 17);
  return batch;
}

/**
 * One batch holding `records` (offset deltas 0..n-1, CreateTime, baseOffset 0, no
 * producer id, valid CRC), ready to produce as `ForwardBatch.data`. Uncompressed by
 * default; gzip, or zstd where node:zlib has it.
 */
export function encodeRecordBatch(records: readonly NewRecord[], options: EncodeBatchOptions = {}): Buffer {
  const codec = codecOf(options.compression ?? 'none');
  return buildBatch(
    records.map((r, i) => ({ offsetDelta: i, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })),
    codec,
  );
}

/**
 * The complete batches of a fetched record set, as views into it. A partial last batch
 * (a broker may cut the set at its byte limit) is left out.
 */
export function splitRecordSet(recordSet: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (recordSet.length - at >= LOG_OVERHEAD) {
    const size = recordSet.readInt32BE(at + 8) + LOG_OVERHEAD;
    if (size <= LOG_OVERHEAD || at + size > recordSet.length) break;
    out.push(recordSet.subarray(at, at + size));
    at += size;
  }
  return out;
}
