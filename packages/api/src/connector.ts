/**
 * Connectors and tasks. A connector is configured once per connector configuration; it
 * divides the work into at most `tasks.max` task configurations. Each task does the data
 * movement on its own. The runtime calls every method of one connector or task from one
 * logical thread: never two calls of the same instance at once.
 *
 * Lifecycle of a connector: `start` → `taskConfigs` (again after each
 * `requestTaskReconfiguration`) → `stop`. A connector that throws from `start` is FAILED.
 *
 * Lifecycle of a task: `start` → (source) `poll` repeatedly / (sink) `open`, `put`,
 * `preCommit`/`flush`, `close` → `stop`. After `stop` returns the instance is discarded;
 * a restart makes a new one. `stop` may be called while `poll` is in progress (the
 * `signal` passed to `poll` is aborted first) and must be idempotent.
 */
import type { Logger } from './logger.js';
import type {
  BatchMetadata,
  RecordMetadata,
  SinkRecord,
  SourceBatch,
  SourceOffset,
  SourcePartition,
  SourceRecord,
  TopicPartition,
  TopicPartitionOffset,
} from './record.js';

/** Raw string configuration, as stored and as handed to tasks. */
export type Props = Readonly<Record<string, string>>;

export interface ConnectorContext {
  readonly logger: Logger;
  /**
   * The worker's Kafka cluster (`bootstrap.servers`), where source records are written and
   * sink records read: e.g. the mirror's default target cluster.
   */
  readonly workerBootstrapServers: readonly string[];
  /** Asks the runtime to call `taskConfigs` again (e.g. the set of tables changed). */
  requestTaskReconfiguration(): void;
  /** Fails the connector from a background activity (e.g. a monitoring timer). */
  raiseError(error: Error): void;
}

export interface SourceConnectorContext extends ConnectorContext {
  /** Committed source offsets, e.g. to decide how to divide work. */
  readonly offsetStorageReader: OffsetStorageReader;
}

/**
 * The base of both kinds. `Config` is the parsed form of the plugin's config definition:
 * the runtime validates and parses the connector's properties and passes both.
 */
export interface Connector<Config> {
  /** Called once. May connect to the source or target to check access. */
  start(config: Config, props: Props, context: ConnectorContext): void | Promise<void>;
  /**
   * At most `maxTasks` task configurations (string maps); one task is started per entry.
   * An empty array runs no tasks. Called after `start` and after every reconfiguration
   * request.
   */
  taskConfigs(maxTasks: number): Props[] | Promise<Props[]>;
  /** Releases what `start` acquired. Idempotent. */
  stop(): void | Promise<void>;
}

export interface SourceConnector<Config> extends Connector<Config> {
  start(config: Config, props: Props, context: SourceConnectorContext): void | Promise<void>;
  /**
   * Checks offsets a user wants to write through `PATCH /connectors/{n}/offsets` (the
   * connector is stopped). Throw a ConfigError to refuse them; return to accept.
   * Absent: any offsets are accepted.
   */
  alterOffsets?(props: Props, offsets: ReadonlyMap<SourcePartition, SourceOffset | null>): void | Promise<void>;
}

export interface SinkConnector<Config> extends Connector<Config> {
  /** As for sources; sink offsets are `{ kafka_topic, kafka_partition } → { kafka_offset }`. */
  alterOffsets?(
    props: Props,
    offsets: readonly { readonly partition: TopicPartition; readonly offset: number | null }[],
  ): void | Promise<void>;
}

export interface OffsetStorageReader {
  /** The last committed offset of `partition`, or `null` if none. */
  offset(partition: SourcePartition): Promise<SourceOffset | null>;
  /** The committed offsets of several partitions; absent ones are missing from the map. */
  offsets(partitions: readonly SourcePartition[]): Promise<Map<SourcePartition, SourceOffset>>;
}

export interface TaskContext {
  /** The task's id within its connector, from 0. */
  readonly taskId: number;
  readonly connectorName: string;
  readonly logger: Logger;
  /** As {@link ConnectorContext.workerBootstrapServers}. */
  readonly workerBootstrapServers: readonly string[];
}

export interface SourceTaskContext extends TaskContext {
  readonly offsetStorageReader: OffsetStorageReader;
}

export interface SourceTask {
  /** Called once with one of the connector's task configurations. */
  start(props: Props, context: SourceTaskContext): void | Promise<void>;
  /**
   * The next records, `[]` when there are none right now. Never `null`. The task should
   * wait (up to its poll interval) rather than return `[]` in a busy loop, and return early
   * when `signal` aborts. A thrown RetriableError is retried after a back-off; any other
   * error fails the task. The runtime produces the records, applies back-pressure by
   * not calling `poll` while too many are unacknowledged, and commits `sourceOffset`s only
   * for records the broker acknowledged.
   */
  poll(signal: AbortSignal): Promise<SourceRecord[]>;
  /**
   * Optional: the next record batches, for tasks that copy from Kafka. The runtime calls
   * this instead of `poll` when it can produce the batches unchanged (see SourceBatch);
   * the same rules as for `poll` apply. A task that implements it still implements `poll`.
   */
  pollBatches?(signal: AbortSignal): Promise<SourceBatch[]>;
  /** Optional: once per batch from `pollBatches`, after the broker acknowledged all of it. */
  commitBatch?(batch: SourceBatch, metadata: BatchMetadata): void | Promise<void>;
  /** After the runtime has flushed offsets: everything polled so far is committed. */
  commit?(): void | Promise<void>;
  /**
   * Once per record after the broker acknowledged it (`metadata`), or after a transform
   * dropped it or it was tolerated as bad (`metadata` is `null`).
   */
  commitRecord?(record: SourceRecord, metadata: RecordMetadata | null): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** Reports a record the task could not write, to the dead-letter queue or the log. */
export type ErrantRecordReporter = (record: SinkRecord, error: Error) => Promise<void>;

export interface SinkTaskContext extends TaskContext {
  /** Partitions currently assigned to this task. */
  assignment(): readonly TopicPartition[];
  /** Rewinds (or skips) consumption of partitions to the given next offsets. */
  offset(offsets: readonly TopicPartitionOffset[]): void;
  /** After the next RetriableError from `put`, wait this long before redelivering. */
  timeout(ms: number): void;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** Asks for `preCommit`/offset commit soon, rather than at the next interval. */
  requestCommit(): void;
  /**
   * Present when the connector's error policy tolerates errors (`errors.tolerance=all`):
   * report one bad record and go on with the rest. `null` otherwise: throw instead.
   */
  readonly errantRecordReporter: ErrantRecordReporter | null;
}

export interface SinkTask {
  start(props: Props, context: SinkTaskContext): void | Promise<void>;
  /** Partitions newly assigned (after a rebalance, and at start). */
  open?(partitions: readonly TopicPartition[]): void | Promise<void>;
  /**
   * Writes (or buffers) `records`, consumed in order per partition. May be called with
   * `[]` so that time-based work can happen. RetriableError: the same batch is delivered
   * again after a back-off. Any other error fails the task, unless it is a DataError
   * for one record and the task reported it through `errantRecordReporter`.
   */
  put(records: readonly SinkRecord[]): Promise<void>;
  /**
   * Makes everything `put` so far durable. `currentOffsets` are the next offsets after
   * the records put. Default `preCommit` calls it and commits `currentOffsets`.
   */
  flush?(currentOffsets: readonly TopicPartitionOffset[]): void | Promise<void>;
  /**
   * Returns the offsets safe to commit to the consumer group (a subset of, or behind,
   * `currentOffsets`). Absent: `flush(currentOffsets)` then commit `currentOffsets`.
   */
  preCommit?(
    currentOffsets: readonly TopicPartitionOffset[],
  ): readonly TopicPartitionOffset[] | Promise<readonly TopicPartitionOffset[]>;
  /** Partitions revoked; data written for them should be flushed first. */
  close?(partitions: readonly TopicPartition[]): void | Promise<void>;
  stop(): void | Promise<void>;
}
