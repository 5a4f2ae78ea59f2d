/**
 * One partition's log: an index of batches over segments, the high watermark and
 * last stable offset, idempotent-producer sequence state and the aborted-transaction
 * index. A single replica, so HWM = log end offset.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  Attr,
  type BatchHeader,
  buildControlBatch,
  controlType,
  decodeRecords,
  LOG_OVERHEAD,
  readBatchHeader,
  setBaseOffset,
  splitProducedBatches,
} from '../../protocol/record-batch.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { type BatchEntry, FileSegment, MemorySegment, type Segment } from './segment.js';

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
}

interface ProducerEntry {
  epoch: number;
  /** The last (up to 5) appended batches: for duplicate detection. */
  recent: { firstSeq: number; lastSeq: number; baseOffset: number }[];
}

export interface AppendResult {
  errorCode: number;
  baseOffset: number;
  message?: string;
}

export interface ReadResult {
  entries: BatchEntry[];
  bytes: number;
  chunks: Buffer[];
}

const RECENT_BATCHES = 5;

export class PartitionLog {
  readonly entries: BatchEntry[] = [];
  readonly segments: Segment[] = [];
  logStartOffset = 0;
  nextOffset = 0;
  readonly openTxns = new Map<number, number>();
  readonly aborted: AbortedTxn[] = [];
  private readonly producers = new Map<number, ProducerEntry>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Directory for file segments; null keeps everything in memory. */
    readonly dir: string | null,
    public segmentBytes: number,
  ) {}

  /** Opens the partition, recovering file segments written before a stop or crash. */
  static open(topic: string, partition: number, dir: string | null, segmentBytes: number): PartitionLog {
    const log = new PartitionLog(topic, partition, dir, segmentBytes);
    if (dir !== null) {
      mkdirSync(dir, { recursive: true });
      log.recover(dir);
    }
    return log;
  }

  get highWatermark(): number {
    return this.nextOffset;
  }

  get lastStableOffset(): number {
    let lso = this.nextOffset;
    for (const first of this.openTxns.values()) if (first < lso) lso = first;
    return lso;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.bytes;
    return total;
  }

  /**
   * Appends the batches of one Produce partition entry, after validating them and the
   * producer's sequence numbers. A duplicate of one of the producer's last five batches
   * is acknowledged with its original base offset and not appended again.
   */
  append(records: Buffer, maxMessageBytes: number): AppendResult {
    let batches: ReturnType<typeof splitProducedBatches>;
    try {
      batches = splitProducedBatches(records);
    } catch (err) {
      const code = (err as { code?: number }).code ?? ErrorCode.CORRUPT_MESSAGE;
      return { errorCode: code, baseOffset: -1, message: (err as Error).message };
    }
    for (const { header } of batches) {
      if (header.size - LOG_OVERHEAD > maxMessageBytes) {
        return { errorCode: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1, message: 'batch exceeds max.message.bytes' };
      }
      if ((header.attributes & Attr.CONTROL) !== 0) {
        return { errorCode: ErrorCode.INVALID_RECORD, baseOffset: -1, message: 'clients may not write control batches' };
      }
    }
    let firstBase = -1;
    for (const { header, data } of batches) {
      const check = this.checkSequence(header);
      if (check.duplicateOf !== undefined) {
        if (firstBase < 0) firstBase = check.duplicateOf;
        continue;
      }
      if (check.errorCode !== ErrorCode.NONE) return { errorCode: check.errorCode, baseOffset: -1 };
      const base = this.appendBatch(data, header);
      if (firstBase < 0) firstBase = base;
    }
    return { errorCode: ErrorCode.NONE, baseOffset: firstBase };
  }

  private checkSequence(h: BatchHeader): { errorCode: number; duplicateOf?: number } {
    if (h.producerId < 0) return { errorCode: ErrorCode.NONE };
    const state = this.producers.get(h.producerId);
    const lastSeq = h.baseSequence + h.lastOffsetDelta;
    if (!state || h.producerEpoch > state.epoch) {
      return { errorCode: h.baseSequence === 0 ? ErrorCode.NONE : ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    if (h.producerEpoch < state.epoch) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    const dup = state.recent.find((b) => b.firstSeq === h.baseSequence && b.lastSeq === lastSeq);
    if (dup) return { errorCode: ErrorCode.NONE, duplicateOf: dup.baseOffset };
    const last = state.recent[state.recent.length - 1];
    const expected = last ? (last.lastSeq === 0x7fffffff ? 0 : last.lastSeq + 1) : 0;
    if (h.baseSequence !== expected) return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    return { errorCode: ErrorCode.NONE };
  }

  private recordProducer(h: BatchHeader, baseOffset: number): void {
    if (h.producerId < 0 || h.baseSequence < 0) return;
    let state = this.producers.get(h.producerId);
    if (!state || h.producerEpoch > state.epoch) {
      state = { epoch: h.producerEpoch, recent: [] };
      this.producers.set(h.producerId, state);
    }
    state.recent.push({ firstSeq: h.baseSequence, lastSeq: h.baseSequence + h.lastOffsetDelta, baseOffset });
    if (state.recent.length > RECENT_BATCHES) state.recent.shift();
  }

  /** Appends one already-validated batch; returns its base offset. */
  private appendBatch(data: Buffer, h: BatchHeader): number {
    const baseOffset = this.nextOffset;
    setBaseOffset(data, baseOffset);
    const segment = this.segmentFor(data.length, baseOffset);
    const { position, keep } = segment.append(data);
    this.index(data, h, baseOffset, segment, position, keep);
    this.recordProducer(h, baseOffset);
    return baseOffset;
  }

  private index(
    data: Buffer,
    h: BatchHeader,
    baseOffset: number,
    segment: Segment,
    position: number,
    keep: Buffer | null,
  ): void {
    const isTransactional = (h.attributes & Attr.TRANSACTIONAL) !== 0;
    const isControl = (h.attributes & Attr.CONTROL) !== 0;
    this.entries.push({
      baseOffset,
      lastOffset: baseOffset + h.lastOffsetDelta,
      maxTimestamp: h.maxTimestamp,
      size: h.size,
      position,
      segment,
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
      isTransactional,
      isControl,
      data: keep,
    });
    this.nextOffset = baseOffset + h.lastOffsetDelta + 1;
    if (isControl) {
      const first = this.openTxns.get(h.producerId);
      this.openTxns.delete(h.producerId);
      if (first !== undefined && controlType(data) === 0) {
        this.aborted.push({ producerId: h.producerId, firstOffset: first, lastOffset: baseOffset });
      }
    } else if (isTransactional && !this.openTxns.has(h.producerId)) {
      this.openTxns.set(h.producerId, baseOffset);
    }
  }

  private segmentFor(size: number, baseOffset: number): Segment {
    const active = this.segments[this.segments.length - 1];
    if (active && (active.bytes === 0 || active.bytes + size <= this.segmentBytes)) return active;
    const seg = this.dir === null ? new MemorySegment(baseOffset) : new FileSegment(this.dir, baseOffset);
    this.segments.push(seg);
    return seg;
  }

  /** Writes a transaction marker for `producerId`, if it has an open transaction here. */
  endTransaction(producerId: number, producerEpoch: number, commit: boolean, now: number): boolean {
    if (!this.openTxns.has(producerId)) return false;
    const batch = buildControlBatch({ baseOffset: this.nextOffset, producerId, producerEpoch, commit, timestamp: now });
    const h = readBatchHeader(batch);
    const segment = this.segmentFor(batch.length, this.nextOffset);
    const { position, keep } = segment.append(batch);
    this.index(batch, h, this.nextOffset, segment, position, keep);
    return true;
  }

  /** Index of the first batch that ends at or after `offset`. */
  private findEntry(offset: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.entries[mid] as BatchEntry;
      if (e.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whole batches from `fetchOffset` whose last offset is below `upperBound` (HWM or LSO).
   * At most `maxBytes`, except that the first batch is returned whatever its size when
   * `mayExceed` (KIP-74).
   */
  read(fetchOffset: number, upperBound: number, maxBytes: number, mayExceed: boolean): ReadResult {
    const picked: BatchEntry[] = [];
    let bytes = 0;
    for (let i = this.findEntry(fetchOffset); i < this.entries.length; i++) {
      const e = this.entries[i] as BatchEntry;
      if (e.lastOffset >= upperBound) break;
      if (bytes + e.size > maxBytes && !(mayExceed && picked.length === 0)) break;
      picked.push(e);
      bytes += e.size;
    }
    const chunks: Buffer[] = [];
    let run: BatchEntry[] = [];
    for (const e of picked) {
      const prev = run[run.length - 1];
      if (prev && (prev.segment !== e.segment || prev.position + prev.size !== e.position)) {
        chunks.push(...prev.segment.read(run));
        run = [];
      }
      run.push(e);
    }
    const head = run[0];
    if (head) chunks.push(...head.segment.read(run));
    return { entries: picked, bytes, chunks };
  }

  /** Aborted transactions overlapping [from, to). */
  abortedBetween(from: number, to: number): AbortedTxn[] {
    return this.aborted
      .filter((a) => a.lastOffset >= from && a.firstOffset < to)
      .sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** The earliest offset whose timestamp is ≥ `timestamp`, or null. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    for (const e of this.entries) {
      if (e.maxTimestamp < timestamp || e.lastOffset < this.logStartOffset) continue;
      const data = e.segment.read([e])[0];
      const records = data ? decodeRecords(data) : null;
      if (records) {
        for (const r of records) {
          const offset = e.baseOffset + r.offsetDelta;
          if (r.timestamp >= timestamp && offset >= this.logStartOffset) return { offset, timestamp: r.timestamp };
        }
        continue;
      }
      return { offset: Math.max(e.baseOffset, this.logStartOffset), timestamp: e.maxTimestamp };
    }
    return null;
  }

  /** Moves the log start offset forward (DeleteRecords, retention) and drops what lies wholly below it. */
  advanceLogStart(offset: number): void {
    if (offset <= this.logStartOffset) return;
    this.logStartOffset = Math.min(offset, this.nextOffset);
    let drop = 0;
    while (drop < this.entries.length && (this.entries[drop] as BatchEntry).lastOffset < this.logStartOffset) drop++;
    this.entries.splice(0, drop);
    const keepFrom = this.entries[0]?.segment;
    while (this.segments.length > 1 && this.segments[0] !== keepFrom) this.segments.shift()?.remove();
    for (let i = this.aborted.length - 1; i >= 0; i--) {
      if ((this.aborted[i] as AbortedTxn).lastOffset < this.logStartOffset) this.aborted.splice(i, 1);
    }
  }

  /**
   * Applies `retention.ms` and `retention.bytes` to closed segments, the way Kafka's
   * `cleanup.policy=delete` does: whole segments, oldest first, never the active one.
   */
  enforceRetention(now: number, retentionMs: number, retentionBytes: number): void {
    let size = this.sizeBytes;
    while (this.segments.length > 1) {
      const oldest = this.segments[0] as Segment;
      const next = this.segments[1] as Segment;
      const segEntries = this.entries.filter((e) => e.segment === oldest);
      const newest = segEntries.reduce((m, e) => Math.max(m, e.maxTimestamp), -1);
      const expired = retentionMs >= 0 && segEntries.length > 0 && now - newest > retentionMs;
      const oversize = retentionBytes >= 0 && size - oldest.bytes >= retentionBytes;
      if (!expired && !oversize) break;
      size -= oldest.bytes;
      this.advanceLogStart(next.baseOffset);
      if (this.segments[0] === oldest) {
        this.segments.shift();
        oldest.remove();
      }
    }
  }

  private recover(dir: string): void {
    const files = readdirSync(dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .sort();
    for (let i = 0; i < files.length; i++) {
      const file = files[i] as string;
      const seg = new FileSegment(dir, Number(file.slice(0, 20)), statSync(join(dir, file)).size);
      const data = seg.readAll();
      let at = 0;
      let torn = false;
      while (at < data.length) {
        if (data.length - at < 61) {
          torn = true;
          break;
        }
        const size = data.readInt32BE(at + 8) + LOG_OVERHEAD;
        if (size < 61 || at + size > data.length) {
          torn = true;
          break;
        }
        const view = data.subarray(at, at + size);
        try {
          splitProducedBatches(view);
        } catch {
          torn = true;
          break;
        }
        const h = readBatchHeader(view);
        const baseOffset = Number(view.readBigInt64BE(0));
        if (this.entries.length === 0 && this.segments.length === 0) this.nextOffset = baseOffset;
        this.index(view, h, baseOffset, seg, at, null);
        this.recordProducer(h, baseOffset);
        at += size;
      }
      this.segments.push(seg);
      if (torn) {
        seg.truncate(at);
        for (const later of files.slice(i + 1)) new FileSegment(dir, Number(later.slice(0, 20))).remove();
        break;
      }
    }
    const first = this.segments[0];
    if (first && this.entries.length === 0) this.nextOffset = first.baseOffset;
    this.logStartOffset = this.entries[0]?.baseOffset ?? this.nextOffset;
  }
}

