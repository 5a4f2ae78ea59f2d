/**
 * Offset syncs of one source task: which (upstream, downstream) pairs go to the
 * offset-syncs topic, and writing them in the background.
 *
 * Per source partition, with upstream offsets u and downstream offsets d of acknowledged
 * records (README.md "Offset syncs and translation"), a sync is written for
 *   (a) the first record replicated in this task's lifetime,
 *   (b) every discontinuity (u ≠ prev u + 1, or d ≠ prev d + 1): the record before it (run end)
 *       and the record after it (run start),
 *   (c) the last record of an acknowledged batch once d − (last synced d) ≥ offset.lag.max,
 *   (d) at `commit()`: the latest replicated record if it has no sync yet.
 * Between two syncs that start and end a run, translation is exact (offset-sync-store.ts).
 *
 * Syncs are queued and produced by one background loop to partition 0 of the topic, in
 * queue order: the data path never waits for them. A failed write is retried at the next
 * flush with the same syncs first, so their order holds.
 */
import type { Logger } from '@tributary/api';
import { encodeRecordBatch, type KafkaWireClient, type NewRecord } from '@tributary/protocol';
import { encodeOffsetSync, type OffsetSync } from './internal-records.js';

/** Consecutive records: upstream offsets u0…u0+count-1 written at d0…d0+count-1. */
export interface ReplicatedRun {
  readonly upstreamOffset: number;
  readonly downstreamOffset: number;
  readonly count: number;
}

interface Position {
  readonly u: number;
  readonly d: number;
}

interface PartitionState {
  /** The latest replicated record. */
  prev: Position;
  /** The latest record a sync was queued for. */
  synced: Position;
}

/** The part of KafkaWireClient the writer uses. */
export type SyncProducer = Pick<KafkaWireClient, 'produce'>;

export interface OffsetSyncWriterOptions {
  readonly producer: SyncProducer;
  /** `mm2-offset-syncs.<alias>.internal` */
  readonly topic: string;
  /** `offset.lag.max` */
  readonly offsetLagMax: number;
  readonly logger: Logger;
  /** Most syncs per produce request. Default 1000. */
  readonly maxSyncsPerRequest?: number;
}

const key = (topic: string, partition: number): string => `${partition}:${topic}`;

export class OffsetSyncWriter {
  readonly #o: OffsetSyncWriterOptions;
  readonly #partitions = new Map<string, PartitionState & { readonly topic: string; readonly partition: number }>();
  #queue: OffsetSync[] = [];
  #loop: Promise<void> | null = null;
  #lastError: unknown = null;
  #isClosed = false;

  constructor(options: OffsetSyncWriterOptions) {
    this.#o = options;
  }

  /** Syncs waiting to be written. */
  get pendingCount(): number {
    return this.#queue.length;
  }

  /** The last write error, cleared by the next successful write. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /**
   * Records of upstream `topic`/`partition` were acknowledged downstream: `runs` in
   * replication order (each run gap-free on both sides). Applies rules (a)–(c).
   */
  replicated(topic: string, partition: number, runs: readonly ReplicatedRun[]): void {
    if (this.#isClosed) return;
    const k = key(topic, partition);
    let state = this.#partitions.get(k);
    for (const run of runs) {
      if (run.count <= 0) continue;
      const first: Position = { u: run.upstreamOffset, d: run.downstreamOffset };
      const last: Position = { u: run.upstreamOffset + run.count - 1, d: run.downstreamOffset + run.count - 1 };
      if (state === undefined) {
        state = { topic, partition, prev: last, synced: first };
        this.#partitions.set(k, state);
        this.#enqueue(topic, partition, first); // (a)
      } else {
        const isGap = first.u !== state.prev.u + 1 || first.d !== state.prev.d + 1;
        if (isGap) {
          if (!same(state.synced, state.prev)) this.#enqueue(topic, partition, state.prev); // (b) run end
          this.#enqueue(topic, partition, first); // (b) run start
          state.synced = first;
        }
        state.prev = last;
      }
    }
    if (
      state !== undefined &&
      !same(state.synced, state.prev) &&
      state.prev.d - state.synced.d >= this.#o.offsetLagMax
    ) {
      this.#enqueue(topic, partition, state.prev); // (c)
      state.synced = state.prev;
    }
    this.#kick();
  }

  /** Rule (d): the latest record of every partition gets a sync. Called at the task's `commit()`. */
  commit(): void {
    if (this.#isClosed) return;
    for (const state of this.#partitions.values()) {
      if (same(state.synced, state.prev)) continue;
      this.#enqueue(state.topic, state.partition, state.prev);
      state.synced = state.prev;
    }
    this.#kick();
  }

  /** Forgets a partition (no longer assigned): its next record is a "first" again. */
  forget(topic: string, partition: number): void {
    this.#partitions.delete(key(topic, partition));
  }

  /** Waits until the queue is written (or `timeoutMs` passed); false when syncs remain. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#queue.length > 0 || this.#loop !== null) {
      if (this.#loop === null) this.#kick();
      const loop = this.#loop;
      if (loop === null) break;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        loop.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), left);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) return false;
      if (this.#lastError !== null && this.#queue.length > 0) {
        // The write failed; try again shortly rather than spinning.
        await new Promise((resolve) => setTimeout(resolve, Math.min(200, Math.max(0, deadline - Date.now()))));
      }
    }
    return this.#queue.length === 0;
  }

  /** Writes what is queued (up to `timeoutMs`), then stops accepting syncs. */
  async close(timeoutMs: number): Promise<void> {
    const isFlushed = await this.flush(timeoutMs);
    this.#isClosed = true;
    if (!isFlushed)
      this.#o.logger.warn(
        `${this.#queue.length} offset syncs to ${this.#o.topic} were not written before the task stopped`,
      );
  }

  #enqueue(topic: string, partition: number, p: Position): void {
    this.#queue.push({ topic, partition, upstreamOffset: p.u, downstreamOffset: p.d });
  }

  #kick(): void {
    if (this.#loop !== null || this.#queue.length === 0) return;
    this.#loop = this.#writeAll().finally(() => {
      this.#loop = null;
    });
  }

  async #writeAll(): Promise<void> {
    const max = this.#o.maxSyncsPerRequest ?? 1000;
    while (this.#queue.length > 0) {
      const syncs = this.#queue.slice(0, max);
      const now = Date.now();
      const records: NewRecord[] = syncs.map((s) => ({ ...encodeOffsetSync(s), timestamp: now }));
      try {
        await this.#o.producer.produce([{ topic: this.#o.topic, partition: 0, data: encodeRecordBatch(records) }]);
      } catch (err) {
        if (this.#lastError === null)
          this.#o.logger.warn({ err }, `Writing offset syncs to ${this.#o.topic} failed; retrying`);
        this.#lastError = err;
        return;
      }
      this.#lastError = null;
      this.#queue = this.#queue.slice(syncs.length);
    }
  }
}

function same(a: Position, b: Position): boolean {
  return a.u === b.u && a.d === b.d;
}
