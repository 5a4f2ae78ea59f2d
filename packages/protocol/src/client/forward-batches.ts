/**
 * Turns one partition's fetched record set into ForwardBatches (the hot path of the
 * mirror). The common case — a whole batch at or after the fetch offset, without offset
 * gaps, CreateTime — is rewritten in place: baseOffset and partitionLeaderEpoch (outside
 * the CRC) always; producer id/epoch/sequence and the transactional bit (inside it) only
 * when set, and then the CRC is recomputed (not for batches that will only be decoded).
 * Records are decoded and re-encoded only for a batch that starts before the fetch
 * offset, has gaps (compaction) or LogAppendTime.
 */
import { crc32c } from '../codec/crc32c.js';
import { Attr, BATCH_HEADER_SIZE, controlType, LOG_OVERHEAD } from '../codec/record-batch.js';
import { buildBatch, canCompress, type KafkaRecord, readBatchRecords } from '../codec/records.js';
import type { AbortedTransaction } from './api/fetch.js';
import type { ForwardBatch } from './contract.js';

const CRC_START = 21;
const UNSUPPORTED_FOR_MESSAGE_FORMAT = 43;
const UNSUPPORTED_COMPRESSION_TYPE = 76;

export interface ForwardResult {
  readonly batches: ForwardBatch[];
  /** After the last batch consumed (returned or skipped); `fetchOffset` when none was. */
  readonly nextOffset: number;
  readonly bytes: number;
  /** 0, or why the partition cannot go on (an old message format, a codec we cannot open). */
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
}

export function toForwardBatches(
  records: Buffer | null,
  fetchOffset: number,
  aborted: readonly AbortedTransaction[] | null,
  isReadCommitted: boolean,
  isDecodeOnly = false,
): ForwardResult {
  const batches: ForwardBatch[] = [];
  let next = fetchOffset;
  let bytes = 0;
  if (records === null) return { batches, nextOffset: next, bytes, errorCode: 0, errorMessage: null };
  const queue =
    isReadCommitted && aborted && aborted.length > 0
      ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset)
      : null;
  let queueAt = 0;
  const abortedProducers = new Set<number>();
  const len = records.length;
  let at = 0;
  while (len - at >= BATCH_HEADER_SIZE) {
    const size = records.readInt32BE(at + 8) + LOG_OVERHEAD;
    if (at + size > len) break;
    const magic = records.readInt8(at + 16);
    if (magic !== 2 || size < BATCH_HEADER_SIZE) {
      const errorMessage = `record batch at offset ${readInt64(records, at)} has message format ${magic}; only 2 is supported`;
      return { batches, nextOffset: next, bytes, errorCode: UNSUPPORTED_FOR_MESSAGE_FORMAT, errorMessage };
    }
    const batch = records.subarray(at, at + size);
    at += size;
    const baseOffset = readInt64(batch, 0);
    const lastOffsetDelta = batch.readInt32BE(23);
    const lastOffset = baseOffset + lastOffsetDelta;
    if (lastOffset < next) continue;
    const attributes = batch.readInt16BE(21);
    const producerId = readInt64(batch, 43);
    if (queue) {
      while (queueAt < queue.length && (queue[queueAt] as AbortedTransaction).firstOffset <= lastOffset) {
        abortedProducers.add((queue[queueAt] as AbortedTransaction).producerId);
        queueAt++;
      }
    }
    const isTransactional = (attributes & Attr.TRANSACTIONAL) !== 0;
    if ((attributes & Attr.CONTROL) !== 0) {
      if (isTransactional && abortedProducers.has(producerId) && controlType(batch) === 0) {
        abortedProducers.delete(producerId);
      }
      next = lastOffset + 1;
      continue;
    }
    if (isTransactional && abortedProducers.has(producerId)) {
      next = lastOffset + 1;
      continue;
    }
    const recordCount = batch.readInt32BE(57);
    if (recordCount <= 0) {
      next = lastOffset + 1;
      continue;
    }
    if (baseOffset < next || lastOffsetDelta !== recordCount - 1 || (attributes & Attr.TIMESTAMP_LOG_APPEND) !== 0) {
      let rebuilt: ForwardBatch[];
      try {
        rebuilt = rebuild(batch, next, attributes & Attr.CODEC_MASK);
      } catch (err) {
        const errorMessage = `cannot rewrite the record batch at offset ${baseOffset}: ${(err as Error).message}`;
        return { batches, nextOffset: next, bytes, errorCode: UNSUPPORTED_COMPRESSION_TYPE, errorMessage };
      }
      for (const b of rebuilt) {
        batches.push(b);
        bytes += b.data.length;
      }
      next = lastOffset + 1;
      continue;
    }
    batch.writeInt32BE(0, 0);
    batch.writeInt32BE(0, 4);
    batch.writeInt32BE(-1, 12);
    if (
      !isDecodeOnly &&
      (producerId !== -1 || isTransactional || batch.readInt16BE(51) !== -1 || batch.readInt32BE(53) !== -1)
    ) {
      batch.fill(0xff, 43, 57);
      batch.writeInt16BE(attributes & ~Attr.TRANSACTIONAL, 21);
      batch.writeUInt32BE(crc32c(batch.subarray(CRC_START)), 17);
    }
    batches.push({ baseOffset, recordCount, data: batch, maxTimestamp: readInt64(batch, 35) });
    bytes += size;
    next = lastOffset + 1;
  }
  return { batches, nextOffset: next, bytes, errorCode: 0, errorMessage: null };
}

/** Decodes and re-encodes the records at or after `from`, one batch per gap-free run. */
function rebuild(batch: Buffer, from: number, codec: number): ForwardBatch[] {
  const records = readBatchRecords(batch).filter((r) => r.offset >= from);
  const out: ForwardBatch[] = [];
  const target = canCompress(codec) ? codec : 0;
  let run: KafkaRecord[] = [];
  const flush = (): void => {
    const first = run[0];
    if (!first) return;
    let maxTimestamp = first.timestamp;
    for (const r of run) if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    const data = buildBatch(
      run.map((r, i) => ({ offsetDelta: i, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })),
      target,
    );
    out.push({ baseOffset: first.offset, recordCount: run.length, data, maxTimestamp });
    run = [];
  };
  for (const r of records) {
    const prev = run[run.length - 1];
    if (prev && r.offset !== prev.offset + 1) flush();
    run.push(r);
  }
  flush();
  return out;
}
