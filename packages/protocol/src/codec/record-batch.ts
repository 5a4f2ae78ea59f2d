/**
 * Record batch (magic v2) layout, header access and the few record-level reads the
 * broker needs. Batches are stored exactly as produced; only baseOffset (0-7) and
 * partitionLeaderEpoch (12-15), both outside the CRC, are ever rewritten.
 *
 * baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 |
 * crc uint32 (CRC-32C of bytes 21..end) | attributes int16 | lastOffsetDelta int32 |
 * baseTimestamp int64 | maxTimestamp int64 | producerId int64 | producerEpoch int16 |
 * baseSequence int32 | recordCount int32 | records…
 */
import { crc32c } from './crc32c.js';
import { ProtocolError, Reader } from './reader.js';
import { Writer } from './writer.js';

export const BATCH_HEADER_SIZE = 61;
export const LOG_OVERHEAD = 12; // baseOffset + batchLength
const CRC_START = 21;

export const Attr = {
  CODEC_MASK: 0x07,
  TIMESTAMP_LOG_APPEND: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
} as const;

export interface BatchHeader {
  /** Byte size of the whole batch, including the 12-byte log overhead. */
  size: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export class BatchError extends Error {
  override readonly name = 'BatchError';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** Reads the header of the batch starting at `at`; `buf` must hold at least the header. */
export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    size: buf.readInt32BE(at + 8) + LOG_OVERHEAD,
    magic: buf.readInt8(at + 16),
    crc: buf.readUInt32BE(at + 17),
    attributes: buf.readInt16BE(at + 21),
    lastOffsetDelta: buf.readInt32BE(at + 23),
    baseTimestamp: Number(buf.readBigInt64BE(at + 27)),
    maxTimestamp: Number(buf.readBigInt64BE(at + 35)),
    producerId: Number(buf.readBigInt64BE(at + 43)),
    producerEpoch: buf.readInt16BE(at + 51),
    baseSequence: buf.readInt32BE(at + 53),
    recordCount: buf.readInt32BE(at + 57),
  };
}

export interface ProducedBatch {
  header: BatchHeader;
  /** The whole batch, a view into the request buffer. */
  data: Buffer;
}

/**
 * Splits a Produce RECORDS blob into batches and validates each: magic 2, sane
 * lengths, the CRC and the record count. Throws {@link BatchError} with the Kafka
 * error code to return for the partition.
 */
export function splitProducedBatches(records: Buffer, checkCrc = true): ProducedBatch[] {
  const out: ProducedBatch[] = [];
  let at = 0;
  while (at < records.length) {
    if (records.length - at < 17) throw new BatchError('truncated record batch', 2);
    const magic = records.readInt8(at + 16);
    if (magic !== 2) throw new BatchError(`unsupported message format (magic ${magic})`, 43);
    if (records.length - at < BATCH_HEADER_SIZE) throw new BatchError('truncated record batch', 2);
    const header = readBatchHeader(records, at);
    if (header.size < BATCH_HEADER_SIZE || at + header.size > records.length) {
      throw new BatchError(`record batch length ${header.size} does not fit the request`, 2);
    }
    const data = records.subarray(at, at + header.size);
    if (checkCrc && crc32c(data.subarray(CRC_START)) !== header.crc) {
      throw new BatchError('record batch CRC mismatch', 2);
    }
    if (header.recordCount <= 0 || header.lastOffsetDelta !== header.recordCount - 1) {
      throw new BatchError(
        `record batch has recordCount ${header.recordCount} and lastOffsetDelta ${header.lastOffsetDelta}`,
        87,
      );
    }
    out.push({ header, data });
    at += header.size;
  }
  if (out.length === 0) throw new BatchError('empty record set', 87);
  return out;
}

/** Rewrites baseOffset in place (outside the CRC). */
export function setBaseOffset(batch: Buffer, baseOffset: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), 0);
}

export interface DecodedRecord {
  offsetDelta: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * Decodes the records of an uncompressed batch (control batches and timestamp
 * look-ups). Returns null for compressed batches, which the broker never opens.
 */
export function decodeRecords(batch: Buffer): DecodedRecord[] | null {
  const header = readBatchHeader(batch);
  if ((header.attributes & Attr.CODEC_MASK) !== 0) return null;
  const r = new Reader(batch.subarray(0, header.size), BATCH_HEADER_SIZE);
  const out: DecodedRecord[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    const length = r.varint();
    const end = r.offset + length;
    // A record is at least 6 bytes; a smaller or overlong length would make this loop
    // stall or run past the batch, so the batch is unreadable.
    if (length < 6 || end > r.buf.length) throw new ProtocolError(`record ${i} has invalid length ${length}`);
    r.int8();
    const timestampDelta = r.varlong();
    const offsetDelta = r.varint();
    const keyLen = r.varint();
    const key = keyLen < 0 ? null : r.raw(keyLen);
    const valueLen = r.varint();
    const value = valueLen < 0 ? null : r.raw(valueLen);
    r.offset = end;
    out.push({ offsetDelta, timestamp: header.baseTimestamp + timestampDelta, key, value });
  }
  return out;
}

export interface ControlBatchInput {
  baseOffset: number;
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  timestamp: number;
  coordinatorEpoch?: number;
}

/** Builds a transaction marker: one control record (key: version 0, type; value: version 0, coordinator epoch). */
export function buildControlBatch(input: ControlBatchInput): Buffer {
  const key = new Writer(4)
    .int16(0)
    .int16(input.commit ? 1 : 0)
    .toBuffer();
  const value = new Writer(6)
    .int16(0)
    .int32(input.coordinatorEpoch ?? 0)
    .toBuffer();
  const record = new Writer(32);
  // attributes, timestampDelta, offsetDelta, key, value, header count
  record.int8(0);
  writeVarint(record, 0);
  writeVarint(record, 0);
  writeVarint(record, key.length);
  const body = Buffer.concat([record.toBuffer(), key, varintBuffer(value.length), value, varintBuffer(0)]);
  const recordBytes = Buffer.concat([varintBuffer(body.length), body]);

  const batch = Buffer.alloc(BATCH_HEADER_SIZE + recordBytes.length);
  batch.writeBigInt64BE(BigInt(input.baseOffset), 0);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8);
  batch.writeInt32BE(0, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(Attr.TRANSACTIONAL | Attr.CONTROL, 21);
  batch.writeInt32BE(0, 23);
  batch.writeBigInt64BE(BigInt(input.timestamp), 27);
  batch.writeBigInt64BE(BigInt(input.timestamp), 35);
  batch.writeBigInt64BE(BigInt(input.producerId), 43);
  batch.writeInt16BE(input.producerEpoch, 51);
  batch.writeInt32BE(-1, 53);
  batch.writeInt32BE(1, 57);
  recordBytes.copy(batch, BATCH_HEADER_SIZE);
  batch.writeUInt32BE(crc32c(batch.subarray(CRC_START)), 17);
  return batch;
}

/** Reads the marker type of a control batch: 0 abort, 1 commit, null if unreadable. */
export function controlType(batch: Buffer): number | null {
  const records = decodeRecords(batch);
  const key = records?.[0]?.key;
  if (!key || key.length < 4) return null;
  return key.readInt16BE(2);
}

function writeVarint(w: Writer, v: number): void {
  w.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
}

function varintBuffer(v: number): Buffer {
  const w = new Writer(5);
  writeVarint(w, v);
  return w.toBuffer();
}
