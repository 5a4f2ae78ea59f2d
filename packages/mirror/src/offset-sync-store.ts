/**
 * The offset syncs of every replicated partition, and the translation of a consumer
 * group's committed upstream offset to the target cluster built on them.
 *
 * {@link OffsetSyncStore} is the pure part: syncs are added in the order they were written
 * to the offset-syncs topic and `translate` applies the rules below. {@link OffsetSyncReader}
 * fills a store from the offset-syncs topic with the wire client and says when it has read
 * the topic to its end.
 *
 * Translation of a committed offset g of one upstream partition (the source task writes a
 * sync (u, d) for the first record it replicates, on both sides of every upstream or
 * downstream discontinuity, every `offset.lag.max` records and at every offset commit —
 * so consecutive syncs with equal upstream and downstream distance enclose a gap-free run):
 *   s = latest sync with s.u ≤ g; none ⇒ not translatable;
 *   g == s.u ⇒ s.d                                              (rule 'at-sync')
 *   next sync n with n.u − s.u == n.d − s.d ⇒ s.d + (g − s.u)   (rule 'inside-run', exact)
 *   otherwise ⇒ s.d + 1                                         (rule 'after-sync', MM2's rule;
 *     exact when s ends a run, never past the true position)
 * A sync whose u is ≤ the last stored u of its partition means the partition was
 * replicated again from an earlier offset (a restart after a crash): the stored syncs with
 * u ≥ it describe records that now have later copies, and are dropped.
 */
import type { Logger } from '@tributary/api';
import { RetriableError } from '@tributary/api';
import {
  type BatchFetcher,
  ErrorCode,
  type FetchedPartition,
  type KafkaWireClient,
  readBatchRecords,
} from '@tributary/protocol';
import { decodeOffsetSync, type OffsetSync } from './internal-records.js';

export type TranslationRule = 'at-sync' | 'inside-run' | 'after-sync';

export type Translation =
  | {
      /** The target offset: the next record the group reads on the target cluster. */
      readonly offset: number;
      readonly rule: TranslationRule;
      /** The sync the offset was derived from. */
      readonly sync: OffsetSync;
    }
  | {
      readonly offset: null;
      /** Why there is no translation, for logs and the status tool. */
      readonly reason: string;
    };

export interface OffsetSyncStoreOptions {
  /**
   * Syncs kept per partition after dropping the ones inside runs; beyond it the oldest are
   * dropped (groups behind the oldest kept sync cannot be translated). Default 100 000.
   */
  readonly maxSyncsPerPartition?: number;
}

interface PartitionSyncs {
  /** Sorted by upstream offset, strictly increasing. */
  readonly syncs: OffsetSync[];
}

export class OffsetSyncStore {
  readonly #partitions = new Map<string, PartitionSyncs>();
  readonly #maxSyncs: number;
  #isReadToEnd = false;

  constructor(options: OffsetSyncStoreOptions = {}) {
    this.#maxSyncs = Math.max(3, options.maxSyncsPerPartition ?? 100_000);
  }

  /** True once the whole offset-syncs topic, as it was at start, has been added. */
  get isReadToEnd(): boolean {
    return this.#isReadToEnd;
  }

  /** Called by the reader (or a test) when everything written before start was added. */
  markReadToEnd(): void {
    this.#isReadToEnd = true;
  }

  /** Adds one sync, in the order of the offset-syncs topic. */
  add(sync: OffsetSync): void {
    const key = partitionKey(sync.topic, sync.partition);
    let entry = this.#partitions.get(key);
    if (entry === undefined) {
      entry = { syncs: [] };
      this.#partitions.set(key, entry);
    }
    const syncs = entry.syncs;
    const last = syncs.at(-1);
    if (last !== undefined && sync.upstreamOffset <= last.upstreamOffset) {
      // Re-replication from an earlier offset: later copies supersede what we knew.
      let keep = syncs.length;
      while (keep > 0 && (syncs[keep - 1]?.upstreamOffset ?? -1) >= sync.upstreamOffset) keep--;
      const kept = syncs[keep - 1];
      const dropped = syncs[keep];
      syncs.length = keep;
      // If the last kept and first dropped sync were one run, the run still holds up to the
      // record before the new copy: keep its end so translation stays exact there.
      const runEnd = sync.upstreamOffset - 1;
      if (kept !== undefined && dropped !== undefined && isSameRun(kept, dropped) && runEnd > kept.upstreamOffset) {
        this.#append(syncs, {
          topic: sync.topic,
          partition: sync.partition,
          upstreamOffset: runEnd,
          downstreamOffset: kept.downstreamOffset + (runEnd - kept.upstreamOffset),
        });
      }
    }
    this.#append(syncs, sync);
  }

  #append(syncs: OffsetSync[], sync: OffsetSync): void {
    const a = syncs.at(-2);
    const b = syncs.at(-1);
    // b between two syncs of the same run translates nothing a and `sync` do not.
    if (a !== undefined && b !== undefined && isSameRun(a, b) && isSameRun(b, sync)) syncs[syncs.length - 1] = sync;
    else syncs.push(sync);
    if (syncs.length > this.#maxSyncs) syncs.splice(0, syncs.length - this.#maxSyncs);
  }

  /** The syncs kept for one upstream partition, oldest first. */
  syncs(topic: string, partition: number): readonly OffsetSync[] {
    return this.#partitions.get(partitionKey(topic, partition))?.syncs ?? [];
  }

  /** The latest sync of one upstream partition. */
  latest(topic: string, partition: number): OffsetSync | undefined {
    return this.syncs(topic, partition).at(-1);
  }

  /** Translates committed offset `upstreamOffset` of upstream `topic`/`partition`. */
  translate(topic: string, partition: number, upstreamOffset: number): Translation {
    if (!this.#isReadToEnd) return { offset: null, reason: 'offset syncs topic not read to its end yet' };
    const syncs = this.syncs(topic, partition);
    const at = latestAtOrBefore(syncs, upstreamOffset);
    const s = syncs[at];
    if (s === undefined) {
      const oldest = syncs[0];
      return {
        offset: null,
        reason:
          oldest === undefined
            ? `no offset sync at or before ${upstreamOffset} yet`
            : `no offset sync at or before ${upstreamOffset} yet (the oldest kept is at ${oldest.upstreamOffset})`,
      };
    }
    if (s.upstreamOffset === upstreamOffset) return { offset: s.downstreamOffset, rule: 'at-sync', sync: s };
    const n = syncs[at + 1];
    if (n !== undefined && isSameRun(s, n)) {
      return { offset: s.downstreamOffset + (upstreamOffset - s.upstreamOffset), rule: 'inside-run', sync: s };
    }
    return { offset: s.downstreamOffset + 1, rule: 'after-sync', sync: s };
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

function isSameRun(a: OffsetSync, b: OffsetSync): boolean {
  return b.upstreamOffset - a.upstreamOffset === b.downstreamOffset - a.downstreamOffset;
}

/** Index of the latest sync with upstreamOffset ≤ `offset`, −1 when none. */
function latestAtOrBefore(syncs: readonly OffsetSync[], offset: number): number {
  let lo = 0;
  let hi = syncs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const u = syncs[mid]?.upstreamOffset ?? Number.POSITIVE_INFINITY;
    if (u <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

export interface OffsetSyncReaderOptions {
  /** A client of the cluster that holds the offset-syncs topic. */
  readonly client: KafkaWireClient;
  /** The offset-syncs topic (partition 0 is read, as MM2 writes only there). */
  readonly topic: string;
  readonly store: OffsetSyncStore;
  readonly logger: Logger;
  /** Wait between attempts while the topic does not exist or after an error. Default 1000. */
  readonly retryIntervalMs?: number;
}

/**
 * Reads the offset-syncs topic from its start into a store, in the background, and keeps
 * following it. A missing topic counts as read to its end (there are no syncs yet); the
 * reader looks for it again every `retryIntervalMs`. An undecodable record is logged and
 * skipped: a missing sync only makes translation fall back to MM2's rule for its range.
 */
export class OffsetSyncReader {
  readonly #client: KafkaWireClient;
  readonly #topic: string;
  readonly #store: OffsetSyncStore;
  readonly #logger: Logger;
  readonly #retryIntervalMs: number;
  readonly #abort = new AbortController();
  #fetcher: BatchFetcher | null = null;
  /** The next offset to read; null while the topic is not assigned. */
  #position: number | null = null;
  /** The end offset to reach before the store counts as read to its end. */
  #initialEnd = 0;
  #loop: Promise<void> | null = null;
  #lastError: Error | null = null;
  #waiters = new Set<() => void>();

  constructor(options: OffsetSyncReaderOptions) {
    this.#client = options.client;
    this.#topic = options.topic;
    this.#store = options.store;
    this.#logger = options.logger;
    this.#retryIntervalMs = options.retryIntervalMs ?? 1000;
  }

  get topic(): string {
    return this.#topic;
  }

  /** The last error of the background loop, cleared by the next successful read. */
  get lastError(): Error | null {
    return this.#lastError;
  }

  /** Starts reading in the background. */
  start(): void {
    if (this.#loop !== null) return;
    this.#loop = this.#run();
  }

  /**
   * Waits until every sync written before this call has been added to the store. False
   * when that did not happen within `timeoutMs` (or `signal` aborted).
   */
  async catchUp(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let end: number;
    try {
      end = await this.#endOffset();
    } catch (error) {
      this.#logger.debug({ topic: this.#topic, err: error }, 'Cannot list the end of the offset-syncs topic');
      return false;
    }
    while (!this.#hasReached(end)) {
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted === true || this.#abort.signal.aborted) return false;
      await this.#changed(Math.min(left, 200));
    }
    return true;
  }

  async close(): Promise<void> {
    this.#abort.abort();
    for (const wake of this.#waiters) wake();
    await this.#loop;
    await this.#closeFetcher();
  }

  #hasReached(end: number): boolean {
    if (end < 0) return this.#store.isReadToEnd;
    return this.#position !== null && this.#position >= end;
  }

  /** −1 when the topic does not exist. */
  async #endOffset(): Promise<number> {
    if (!(await this.#topicExists())) return -1;
    const [end] = await this.#client.listOffsets([{ topic: this.#topic, partition: 0 }], 'latest');
    return end?.offset ?? 0;
  }

  async #topicExists(): Promise<boolean> {
    const metadata = await this.#client.metadata([this.#topic]);
    const info = metadata.topics.find((t) => t.name === this.#topic);
    return info !== undefined && info.errorCode === 0 && info.partitions.length > 0;
  }

  #changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.#waiters.add(wake);
    });
  }

  #notify(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        if (this.#fetcher === null) {
          if (!(await this.#assign())) {
            this.#store.markReadToEnd();
            this.#notify();
            await sleep(this.#retryIntervalMs, signal);
            continue;
          }
        }
        const fetcher = this.#fetcher;
        if (fetcher === null) continue;
        const parts = await fetcher.next(500, signal);
        for (const part of parts) await this.#apply(part);
        if (this.#position !== null && this.#position >= this.#initialEnd) this.#store.markReadToEnd();
        this.#lastError = null;
        this.#notify();
      } catch (error) {
        if (signal.aborted) break;
        this.#lastError = new RetriableError(`Reading offset-syncs topic ${this.#topic} failed`, { cause: error });
        this.#logger.warn({ topic: this.#topic, err: error }, 'Reading the offset-syncs topic failed; retrying');
        await this.#closeFetcher();
        await sleep(this.#retryIntervalMs, signal);
      }
    }
  }

  /** Assigns partition 0 at the current position (or the log start); false when the topic is missing. */
  async #assign(): Promise<boolean> {
    if (!(await this.#topicExists())) return false;
    const tp = { topic: this.#topic, partition: 0 };
    if (this.#position === null) {
      const [start] = await this.#client.listOffsets([tp], 'earliest');
      const [end] = await this.#client.listOffsets([tp], 'latest');
      this.#position = start?.offset ?? 0;
      this.#initialEnd = end?.offset ?? 0;
    }
    const fetcher = this.#client.fetcher({ maxWaitMs: 200 });
    fetcher.assign([{ ...tp, offset: this.#position }]);
    this.#fetcher = fetcher;
    return true;
  }

  async #apply(part: FetchedPartition): Promise<void> {
    if (part.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      // Retention removed syncs we had not read: continue at the log start.
      const [start] = await this.#client.listOffsets([{ topic: this.#topic, partition: 0 }], 'earliest');
      const offset = start?.offset ?? 0;
      this.#logger.warn({ topic: this.#topic, from: this.#position, to: offset }, 'Offset syncs skipped by retention');
      this.#position = offset;
      this.#fetcher?.seek({ topic: this.#topic, partition: 0, offset });
      return;
    }
    if (part.errorCode !== 0) {
      throw new RetriableError(
        `Fetching ${this.#topic}-${part.partition} failed with Kafka error code ${part.errorCode}`,
      );
    }
    for (const batch of part.batches) {
      const records = readBatchRecords(batch.data);
      for (let i = 0; i < records.length; i++) {
        const record = records[i];
        if (record === undefined) continue;
        try {
          this.#store.add(decodeOffsetSync(record.key, record.value));
        } catch (error) {
          this.#logger.warn(
            { topic: this.#topic, partition: part.partition, offset: batch.baseOffset + i, err: error },
            'Skipping an offset sync record that cannot be decoded',
          );
        }
      }
    }
    this.#position = part.nextOffset;
  }

  async #closeFetcher(): Promise<void> {
    const fetcher = this.#fetcher;
    this.#fetcher = null;
    if (fetcher !== null) await fetcher.close().catch(() => undefined);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
