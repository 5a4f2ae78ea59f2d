/**
 * A source task's offsets from submission to the offset store: what was handed to the
 * producer is tracked in `submitted`; offsets that became committable (acknowledged
 * prefixes per source partition) are collected so acknowledged entries are not kept until
 * the next flush; `flush` writes them, one flush at a time, keeping them for the next flush
 * when writing fails.
 */
import { ConnectError, type SourceOffset, type SourcePartition } from '@tributary/api';
import type { Clock } from '../errors/clock.js';
import { SubmittedRecords, sourcePartitionKey } from '../offsets/submitted-records.js';
import type { OffsetStore, TaskMetrics } from '../task-parts.js';

export interface SourceOffsetWriterOptions {
  readonly connectorName: string;
  readonly offsetStore: OffsetStore;
  readonly offsetFlushTimeoutMs: number;
  readonly metrics: TaskMetrics;
  readonly clock: Clock;
  /** A flush failed (the offsets are kept for the next one). */
  readonly onError: (error: unknown) => void;
  /** A flush wrote offsets. */
  readonly onFlushed: () => void;
}

export class SourceOffsetWriter {
  readonly submitted = new SubmittedRecords();
  /** Set by a flush that wrote offsets: the task's `commit()` is due. */
  needsTaskCommit = false;
  readonly #options: SourceOffsetWriterOptions;
  readonly #pending = new Map<string, [SourcePartition, SourceOffset]>();
  #flushing: Promise<unknown> = Promise.resolve();

  constructor(options: SourceOffsetWriterOptions) {
    this.#options = options;
  }

  /** Moves the committable offsets out of `submitted`, to be written at the next flush. */
  collect(): void {
    for (const [partition, offset] of this.submitted.committableOffsets()) {
      this.#pending.set(sourcePartitionKey(partition), [partition, offset]);
    }
  }

  /** Writes the committable offsets after any flush under way; false if that failed. */
  flush(): Promise<boolean> {
    const flush = this.#flushing.then(() => this.#write());
    this.#flushing = flush;
    return flush;
  }

  async #write(): Promise<boolean> {
    this.collect();
    if (this.#pending.size === 0) return true;
    const writing = new Map(this.#pending);
    this.#pending.clear();
    const { offsetStore, connectorName, offsetFlushTimeoutMs, metrics, clock } = this.#options;
    const startMs = clock.now();
    const timer = new AbortController();
    try {
      const isWritten = await Promise.race([
        offsetStore.set(connectorName, [...writing.values()]).then(() => true),
        clock.sleep(offsetFlushTimeoutMs, timer.signal).then(() => false),
      ]);
      if (!isWritten) throw new ConnectError(`Offset flush timed out after ${offsetFlushTimeoutMs} ms`);
      metrics.offsetCommit(clock.now() - startMs, true);
      this.needsTaskCommit = true;
      this.#options.onFlushed();
      return true;
    } catch (err) {
      metrics.offsetCommit(clock.now() - startMs, false);
      this.#options.onError(err);
      for (const [key, entry] of writing) if (!this.#pending.has(key)) this.#pending.set(key, entry);
      return false;
    } finally {
      timer.abort();
    }
  }
}
