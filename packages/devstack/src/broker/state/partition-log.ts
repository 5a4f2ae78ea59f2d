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
  type DecodedRecord,
  decodeRecords,
  ErrorCode,
  LOG_OVERHEAD,
  readBatchHeader,
  setBaseOffset,
  splitProducedBatches,
} from '@tributary/protocol';
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

/**
 * The records of a stored batch, or null when the broker cannot read them: compressed,
 * or records that do not parse (only the header and CRC are checked on produce). Callers
 * then answer from the batch header, as for a compressed batch.
 */
function decodeRecordsOrNull(batch: Buffer): DecodedRecord[] | null {
  try {
    return decodeRecords(batch);
  } catch {
    return null;
  }
}

const MAX_SEQUENCE = 0x7fffffff;

/** Sequences are int32 and wrap from INT32_MAX to 0. */
function nextSequence(seq: number): number {
  return seq === MAX_SEQUENCE ? 0 : seq + 1;
}

function lastSequence(h: BatchHeader): number {
  const last = h.baseSequence + h.lastOffsetDelta;
  return last > MAX_SEQUENCE ? last - MAX_SEQUENCE - 1 : last;
}

/**
 * Adds a batch to a producer's recent list in `into` (copy-on-write, so a validation
 * pass can track batches without touching the partition's state), starting a fresh
 * list on a new epoch. `fallback` is the state to extend when `into` has none.
 */
function trackProducer(
  into: Map<number, ProducerEntry>,
  h: BatchHeader,
  fallback: ProducerEntry | undefined,
  baseOffset: number,
): void {
  const base = into.get(h.producerId) ?? fallback;
  const state: ProducerEntry =
    !base || h.producerEpoch > base.epoch
      ? { epoch: h.producerEpoch, recent: [] }
      : { epoch: base.epoch, recent: [...base.recent] };
  state.recent.push({ firstSeq: h.baseSequence, lastSeq: lastSequence(h), baseOffset });
  if (state.recent.length > RECENT_BATCHES) state.recent.shift();
  into.set(h.producerId, state);
}

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
    // DeleteRecords or retention may have moved the log start past an open transaction's
    // first offset; Kafka never reports an LSO below the log start.
    return Math.max(lso, this.logStartOffset);
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
      // Kafka compares the whole batch, log overhead included (1048588 = 1 MiB + 12).
      if (header.size > maxMessageBytes) {
        return { errorCode: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1, message: 'batch exceeds max.message.bytes' };
      }
      if ((header.attributes & Attr.CONTROL) !== 0) {
        return {
          errorCode: ErrorCode.INVALID_RECORD,
          baseOffset: -1,
          message: 'clients may not write control batches',
        };
      }
    }
    // Every batch's sequence is checked before any is appended, so a request that
    // fails appends nothing (Kafka validates the whole entry first too).
    const pending = new Map<number, ProducerEntry>();
    const duplicateOf: (number | undefined)[] = [];
    for (const { header } of batches) {
      const check = this.checkSequence(header, pending);
      if (check.errorCode !== ErrorCode.NONE) return { errorCode: check.errorCode, baseOffset: -1 };
      duplicateOf.push(check.duplicateOf);
      if (check.duplicateOf === undefined && header.producerId >= 0) {
        trackProducer(pending, header, this.producers.get(header.producerId), -1);
      }
    }
    let firstBase = -1;
    batches.forEach(({ header, data }, i) => {
      const base = duplicateOf[i] ?? this.appendBatch(data, header);
      if (firstBase < 0) firstBase = base;
    });
    return { errorCode: ErrorCode.NONE, baseOffset: firstBase };
  }

  /**
   * broker-spec §6.2: an older epoch is fenced (47); a newer epoch, or a producer this
   * partition has not seen, must start at sequence 0 (else 45); a batch equal to one of
   * the last five is a retry and answered with its original offset; otherwise the
   * sequence must continue the last batch's (else 45). `pending` holds batches of the
   * same request that are validated but not yet appended.
   */
  private checkSequence(
    h: BatchHeader,
    pending: Map<number, ProducerEntry>,
  ): { errorCode: number; duplicateOf?: number } {
    if (h.producerId < 0) return { errorCode: ErrorCode.NONE };
    const state = pending.get(h.producerId) ?? this.producers.get(h.producerId);
    if (!state || h.producerEpoch > state.epoch) {
      return { errorCode: h.baseSequence === 0 ? ErrorCode.NONE : ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    if (h.producerEpoch < state.epoch) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    const lastSeq = lastSequence(h);
    const dup = state.recent.find((b) => b.firstSeq === h.baseSequence && b.lastSeq === lastSeq && b.baseOffset >= 0);
    if (dup) return { errorCode: ErrorCode.NONE, duplicateOf: dup.baseOffset };
    const last = state.recent[state.recent.length - 1];
    const expected = last ? nextSequence(last.lastSeq) : 0;
    if (h.baseSequence !== expected) return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    return { errorCode: ErrorCode.NONE };
  }

  private recordProducer(h: BatchHeader, baseOffset: number): void {
    if (h.producerId < 0 || h.baseSequence < 0) return;
    trackProducer(this.producers, h, undefined, baseOffset);
  }

  /**
   * A transaction marker carries the epoch the coordinator now holds for the producer;
   * a bumped epoch (fencing, timeout) resets the sequence state so that the new epoch
   * starts at 0 and the old one is rejected with INVALID_PRODUCER_EPOCH.
   */
  private recordMarker(producerId: number, producerEpoch: number): void {
    const state = this.producers.get(producerId);
    if (!state || producerEpoch > state.epoch) this.producers.set(producerId, { epoch: producerEpoch, recent: [] });
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
      this.recordMarker(h.producerId, h.producerEpoch);
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
      const records = data ? decodeRecordsOrNull(data) : null;
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
   * Applies `retention.ms` and `retention.bytes` the way Kafka's `cleanup.policy=delete`
   * does (UnifiedLog.deletableSegments): whole segments, oldest first. A segment goes when
   * its newest record is older than `retentionMs`, or while the log minus that segment
   * still holds at least `retentionBytes`. A breaching active segment is rolled first, so
   * a topic nobody writes to still expires.
   */
  enforceRetention(now: number, retentionMs: number, retentionBytes: number): void {
    let excessBytes = this.sizeBytes - retentionBytes;
    for (;;) {
      const oldest = this.segments[0];
      if (!oldest || oldest.bytes === 0) return;
      const newest = this.newestTimestamp(oldest);
      const isExpired = retentionMs >= 0 && newest >= 0 && now - newest > retentionMs;
      const isOversize = retentionBytes >= 0 && excessBytes - oldest.bytes >= 0;
      if (!isExpired && !isOversize) return;
      excessBytes -= oldest.bytes;
      if (this.segments.length === 1) this.roll();
      const next = this.segments[1] as Segment;
      this.advanceLogStart(next.baseOffset);
      if (this.segments[0] === oldest) {
        this.segments.shift();
        oldest.remove();
      }
    }
  }

  /** The largest batch timestamp in `segment` (−1 if none); its entries lead the index. */
  private newestTimestamp(segment: Segment): number {
    let newest = -1;
    for (const e of this.entries) {
      if (e.segment !== segment) break;
      if (e.maxTimestamp > newest) newest = e.maxTimestamp;
    }
    return newest;
  }

  /** Starts a new, empty active segment at the log end. */
  private roll(): void {
    this.segments.push(
      this.dir === null ? new MemorySegment(this.nextOffset) : new FileSegment(this.dir, this.nextOffset),
    );
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
