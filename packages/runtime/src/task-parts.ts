/**
 * The parts a task loop is composed from, as interfaces, so that each is built and tested
 * on its own and the loops take them as one dependencies object. Implementations:
 * transform chain — `plugins/transform-chain.ts`; error handler — `errors/error-handler.ts`;
 * offset store — `offsets/file-offset-store.ts`; metrics — `metrics/`.
 */
import type { ConnectRecord, SourceOffset, SourcePartition } from '@tributary/api';

/** The stages a record passes through, named as Kafka Connect's `__connect.errors.stage` header names them. */
export type Stage =
  | 'TASK_POLL'
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'TRANSFORMATION'
  | 'KAFKA_PRODUCE'
  | 'KAFKA_CONSUME'
  | 'TASK_PUT';

/** A record as consumed from Kafka, before conversion: what a dead-letter queue receives. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number | null;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly { readonly key: string; readonly value: Buffer | null }[];
}

/** Where an operation failed and on what, for retries, logging and the dead-letter queue. */
export interface OperationContext {
  readonly stage: Stage;
  /** The plugin doing the work: a converter, transform or connector name. */
  readonly pluginName: string;
  /** The source record (source tasks) or the converted sink record, when there is one. */
  readonly record?: ConnectRecord;
  /** The raw consumed record (sink tasks). */
  readonly consumed?: ConsumedRecord;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Error };

/**
 * Applies the connector's `errors.*` policy to one operation on one record: retries a
 * RetriableError with exponential back-off (capped by `errors.retry.delay.max.ms`) until
 * `errors.retry.timeout`; then, with `errors.tolerance=all`, logs it (`errors.log.*`),
 * sends the consumed record to the dead-letter queue (sinks), and returns
 * `{ ok: false }` so the caller skips the record; with `none`, throws a ConnectError
 * ("Tolerance exceeded in error handler") whose cause is the last error.
 */
export interface ErrorHandler {
  execute<T>(operation: () => T | Promise<T>, context: OperationContext, signal?: AbortSignal): Promise<Outcome<T>>;
  /** True when `errors.tolerance=all`. */
  readonly isTolerant: boolean;
  /** Reports a record a sink task gave up on (ErrantRecordReporter): log + DLQ, or throws when not tolerant. */
  report(context: OperationContext, error: Error): Promise<void>;
  /** Errors tolerated so far (for metrics). */
  readonly toleratedCount: number;
  close(): Promise<void>;
}

/**
 * The connector's `transforms` in order, each with its optional predicate and `negate`.
 * `apply` returns `null` when a transform dropped the record. A failure is thrown as
 * TransformError naming the transform's alias and type.
 */
export interface TransformChain {
  apply<R extends ConnectRecord>(record: R): R | null;
  /** `alias (type)` of each transform, for logs and error context. */
  readonly names: readonly string[];
  close(): void;
}

/**
 * Source offsets as Kafka Connect stores them: key `["<connector>", {partition}]`,
 * value `{offset}`, both JSON; a `null` offset deletes the partition's entry.
 */
export interface OffsetStore {
  /** Loads what is stored (call once before use). */
  start(): Promise<void>;
  get(connector: string, partition: SourcePartition): SourceOffset | null;
  /** Every partition of `connector` with its offset. */
  entries(connector: string): [SourcePartition, SourceOffset][];
  /** Writes durably (returns after the data is on disk / acknowledged). */
  set(connector: string, offsets: readonly (readonly [SourcePartition, SourceOffset | null])[]): Promise<void>;
  /** Removes every offset of `connector`. */
  clear(connector: string): Promise<void>;
  stop(): Promise<void>;
}

/** Per-task counters; the metrics registry exposes them on `/metrics`. */
export interface TaskMetrics {
  recordsPolled(count: number): void;
  /** Source: acknowledged by Kafka. Sink: `put` returned. */
  recordsWritten(count: number): void;
  /** Records that failed and were tolerated or dead-lettered. */
  recordsFailed(count: number): void;
  offsetCommit(durationMs: number, succeeded: boolean): void;
  /** Sink: records between the consumed position and the partition's end. */
  sinkLag(topic: string, partition: number, lag: number): void;
}

export type TaskState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

/** A running source or sink task loop, as the worker drives it. */
export interface TaskRunner {
  /** Starts the task and its loop; resolves once `task.start` returned (rejects if it threw). */
  start(): Promise<void>;
  /** Stops polling/consuming but keeps the task (and commits offsets as usual). */
  pause(): void;
  resume(): void;
  /**
   * Stops the loop, commits what is committable, calls `task.stop`. Waits at most
   * `task.shutdown.graceful.timeout.ms` for in-flight work. Idempotent.
   */
  stop(): Promise<void>;
  readonly state: TaskState;
  /** The error that made the task FAILED, or `null`. */
  readonly failure: Error | null;
  /** Called on every state change (e.g. RUNNING → FAILED). */
  onStateChange(listener: (state: TaskState, failure: Error | null) => void): void;
}
