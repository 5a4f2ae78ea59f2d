/**
 * The sink task loop: consumes the connector's topics in the consumer group
 * `connect-<connector>`, converts and transforms each record under the connector's error
 * policy, hands batches to `SinkTask.put`, and commits to the group only the offsets that
 * `preCommit` (by default: `flush`) vouched for.
 *
 * kafkajs specifics, and what follows from them:
 * - Batches are per partition (one `eachBatch` call per fetched partition batch), so
 *   each `put` holds the records of one partition.
 * - kafkajs has no revocation callback. We learn the new assignment from its GROUP_JOIN
 *   event and only then flush, commit and `close` the partitions we lost, before the first
 *   batch of the new generation is delivered. Meanwhile the new owner may already read
 *   them from the last committed offset, so a rebalance can redeliver up to one commit
 *   interval of records (never lose any). To narrow that window, a rebalance noticed by
 *   one of our own heartbeats (after each batch and while waiting to retry `put`) commits
 *   every partition first, while the old generation is still valid.
 * - After every rejoin kafkajs restarts each partition from its committed offset, also for
 *   partitions we keep. We remember the position after the last record put and skip
 *   records below it, so a kept partition is not delivered twice.
 * - `topics.regex` is matched against the topics that exist when the consumer subscribes;
 *   topics created later are not picked up until the task restarts.
 *
 * - One `put` runs while kafkajs fetches and we convert the next batch (the database works
 *   while the JavaScript thread does); the next `put` starts only after it returned, and every
 *   other task call (preCommit/flush, open, close, stop) waits for it. A commit that falls due
 *   meanwhile runs right after that `put`, in the same slot, so converting goes on during
 *   `preCommit` too; between the attempts of a retried `put` it runs there. A batch converted while
 *   its partition was rewound (`context.offset`, also from inside `put`) is dropped and fetched
 *   again from the new offset.
 *
 * With a protocol client (`wireClient`, see ./wire-fetch.ts) records are fetched by its
 * BatchFetcher instead, and kafkajs only keeps the group membership: every topic it is
 * assigned is paused in it at once, from the GROUP_JOIN handler, before it could fetch.
 * A partition's fetch starts from where the task asked in `open`, else the group's
 * committed offset, else `auto.offset.reset`; pausing a partition takes it out of the
 * fetcher and resuming puts it back at the first record not yet handed to `put`. kafkajs
 * tells us of a rebalance (REBALANCING) only after the join has begun, so the commit made
 * then races the new generation and may be refused (the records are redelivered).
 *
 * Converting and transforming a batch (and the error policy per record) is SinkBatchConverter's.
 */
import {
  ConnectError,
  type Converter,
  type HeaderConverter,
  type Logger,
  type Props,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartition,
  type TopicPartitionOffset,
} from '@tributary/api';
import type { BatchFetcher, FetchedPartition, KafkaWireClient, PartitionPosition } from '@tributary/protocol';
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import { type Clock, systemClock } from '../errors/clock.js';
import type { ErrorHandler, TaskMetrics, TaskRunner, TaskState, TransformChain } from '../task-parts.js';
import { type ConsumedMessage, nameOf, SinkBatchConverter } from './sink-batch-converter.js';
import { sinkGroupId } from './sink-offsets.js';
import { fetcherOptionsOf, recordRuns } from './wire-fetch.js';

export interface SinkTaskRunnerDeps {
  readonly connectorName: string;
  /** The worker's `bootstrap.servers`, for the task context. Default []. */
  readonly workerBootstrapServers?: readonly string[];
  readonly taskId: number;
  readonly task: SinkTask;
  /** The task configuration handed to `task.start`. */
  readonly props: Props;
  /** `topics`; exactly one of `topics` and `topicsRegex` is given. */
  readonly topics?: readonly string[];
  /** `topics.regex`. */
  readonly topicsRegex?: RegExp;
  /** Where a partition without a committed offset starts (`auto.offset.reset`): true = earliest (default). */
  readonly fromBeginning?: boolean;
  /** Called once per topic this task consumes from (`GET /connectors/{n}/topics`). */
  readonly onTopicUsed?: (topic: string) => void;
  /** Either a kafkajs client (with `consumerConfig` merged into the runner's settings)… */
  readonly kafka?: Kafka;
  readonly consumerConfig?: Partial<ConsumerConfig>;
  /** …or a factory given the complete consumer config (group id included). */
  readonly createConsumer?: (config: ConsumerConfig) => Consumer;
  /**
   * Fetch records with this protocol client (PLAINTEXT clusters) instead of kafkajs, which
   * then only keeps the group membership. The runner does not close it.
   */
  readonly wireClient?: KafkaWireClient;
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly headerConverter: HeaderConverter;
  readonly transforms: TransformChain;
  readonly errorHandler: ErrorHandler;
  readonly logger: Logger;
  readonly metrics: TaskMetrics;
  /** `offset.flush.interval.ms`: how often `preCommit` and the commit run. */
  readonly offsetFlushIntervalMs: number;
  /** `offset.flush.timeout.ms`: how long `preCommit`/`flush` may take before the commit is abandoned. */
  readonly offsetFlushTimeoutMs: number;
  /** `task.shutdown.graceful.timeout.ms`. */
  readonly shutdownTimeoutMs: number;
  /** First wait before redelivering after a RetriableError (doubles up to `offsetFlushIntervalMs`) unless the task set `context.timeout`. Default 100. */
  readonly putRetryBackoffMs?: number;
  /** Plugin names for error contexts and the dead-letter headers. Default: the objects' class names. */
  readonly pluginNames?: {
    readonly connector?: string;
    readonly keyConverter?: string;
    readonly valueConverter?: string;
    readonly headerConverter?: string;
  };
  readonly clock?: Clock;
}

type Key = string;
const keyOf = (tp: TopicPartition): Key => `${tp.partition}:${tp.topic}`;

/** A consumed batch of one partition, from kafkajs' `eachBatch` or from the protocol fetcher. */
interface Delivery {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly ConsumedMessage[];
  readonly highWatermark: number;
  /** The partition's seek count when the batch was fetched (protocol fetcher), or null to take it at delivery. */
  readonly seeks: number | null;
  /** The partition's fetch epoch when the batch was fetched (protocol fetcher), or null (kafkajs). */
  readonly fetchEpoch: number | null;
  /** False when kafkajs says the batch is stale or the consumer stopped. */
  isCurrent(): boolean;
  /** kafkajs: mark the batch consumed up to `offset` (null: all of it); records not resolved are fetched again. */
  resolve(offset: string | null): void;
  /** kafkajs: heartbeat; it throws REBALANCE_IN_PROGRESS when the group rebalances. */
  heartbeat(): Promise<void>;
}

const OFFSET_OUT_OF_RANGE = 1;

export class SinkTaskRunner implements TaskRunner {
  readonly #deps: SinkTaskRunnerDeps;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #listeners: ((state: TaskState, failure: Error | null) => void)[] = [];
  readonly #stopSignal = new AbortController();
  #state: TaskState = 'UNASSIGNED';
  #failure: Error | null = null;
  #consumer: Consumer | null = null;
  #hasConsumerGroup = false;
  #fetcher: BatchFetcher | null = null;
  /** Partitions in the fetcher, with the offset they were last assigned or seeked to there. */
  readonly #fetchFrom = new Map<Key, number>();
  /**
   * Protocol fetcher: bumped when a partition enters or leaves the fetcher (a fetched batch
   * from another epoch is dropped). Unlike a seek, it leaves the position of a `put` alone.
   */
  readonly #fetchEpochs = new Map<Key, number>();
  /** Where a partition without a position starts: the group's committed offset or `auto.offset.reset`. */
  readonly #startAt = new Map<Key, number>();
  #tail: Promise<void> = Promise.resolve();
  #shutdown: Promise<void> | null = null;
  #isStopping = false;

  /** Partitions opened in the task. */
  readonly #assignment = new Map<Key, TopicPartition>();
  readonly #topicsUsed = new Set<string>();
  /** Next offset after the last record put, per assigned partition. */
  readonly #positions = new Map<Key, TopicPartitionOffset>();
  /** Next offset after the last record handed to `put` (possibly still running). */
  readonly #taken = new Map<Key, number>();
  /** The `put` of the previous batch, running while the next batch is fetched and converted. */
  #putInFlight: Promise<void> | null = null;
  /** Seeks per partition (task `offset`, rewind): a batch converted before one is dropped. */
  readonly #seeks = new Map<Key, number>();
  /** Last offset committed (or found committed when the partition was assigned). */
  readonly #committed = new Map<Key, number>();
  readonly #pausedByTask = new Map<Key, TopicPartition>();
  readonly #converter: SinkBatchConverter;
  #isPaused = false;
  #isCommitRequested = false;
  #nextCommitAtMs = 0;
  #taskTimeoutMs = -1;

  constructor(deps: SinkTaskRunnerDeps) {
    if ((deps.topics === undefined || deps.topics.length === 0) === (deps.topicsRegex === undefined)) {
      throw new ConnectError('A sink task needs exactly one of topics and topics.regex', { code: 'CONFIG' });
    }
    if ((deps.kafka === undefined) === (deps.createConsumer === undefined)) {
      throw new ConnectError('A sink task needs either a kafkajs client or a consumer factory', { code: 'CONFIG' });
    }
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#log = deps.logger;
    // Only an errant-record reporter (tolerant handlers) needs the consumed record of a delivered one.
    this.#converter = new SinkBatchConverter(deps, deps.errorHandler.isTolerant);
  }

  get state(): TaskState {
    return this.#state;
  }

  get failure(): Error | null {
    return this.#failure;
  }

  onStateChange(listener: (state: TaskState, failure: Error | null) => void): void {
    this.#listeners.push(listener);
  }

  async start(): Promise<void> {
    const d = this.#deps;
    try {
      await d.task.start(d.props, this.#context());
    } catch (error) {
      this.#fail(asError(error), 'Task threw an exception while starting');
      throw this.#failure ?? asError(error);
    }
    if (this.#isStopping) return;
    this.#setState(this.#isPaused ? 'PAUSED' : 'RUNNING');
    this.#nextCommitAtMs = this.#clock.now() + d.offsetFlushIntervalMs;
    try {
      await this.#startConsumer();
    } catch (error) {
      this.#fail(asError(error), 'Could not start consuming');
      throw this.#failure ?? asError(error);
    }
    void this.#commitTimer();
  }

  pause(): void {
    this.#isPaused = true;
    this.#applyPauses();
    if (this.#state === 'RUNNING') this.#setState('PAUSED');
  }

  resume(): void {
    this.#isPaused = false;
    this.#applyPauses();
    if (this.#state === 'PAUSED') this.#setState('RUNNING');
  }

  stop(): Promise<void> {
    this.#shutdown ??= this.#teardown();
    return this.#shutdown;
  }

  // ---- consuming ----

  async #startConsumer(): Promise<void> {
    const d = this.#deps;
    const config: ConsumerConfig = { ...d.consumerConfig, groupId: sinkGroupId(d.connectorName) };
    const consumer = d.createConsumer !== undefined ? d.createConsumer(config) : (d.kafka as Kafka).consumer(config);
    this.#consumer = consumer;
    const isWire = d.wireClient !== undefined;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assigned: TopicPartition[] = [];
      const topics: { topic: string }[] = [];
      for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
        topics.push({ topic });
        for (const partition of partitions ?? []) assigned.push({ topic, partition });
      }
      // Paused (whole topics, new partitions included) before kafkajs' next fetch: the protocol fetcher reads them.
      if (isWire && topics.length > 0) consumer.pause(topics);
      this.#background(() => this.#rebalance(assigned));
    });
    if (isWire) {
      consumer.on(consumer.events.REBALANCING, () =>
        this.#background(() => this.#commit([...this.#assignment.keys()], 'rebalance')),
      );
    }
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart && !this.#isStopping) this.#fail(asError(event.payload.error), 'The consumer crashed');
    });
    await consumer.connect();
    const topics = d.topicsRegex !== undefined ? [d.topicsRegex] : [...(d.topics ?? [])];
    await consumer.subscribe({ topics, fromBeginning: d.fromBeginning ?? true });
    // kafkajs accepts seek/pause/commit once run() has created the group, which is before
    // the first GROUP_JOIN (and so before `open`, where tasks often call `context.offset`).
    this.#hasConsumerGroup = true;
    if (d.wireClient !== undefined) this.#fetcher = d.wireClient.fetcher(fetcherOptionsOf(config));
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // With the protocol fetcher every assigned topic is paused in kafkajs; a batch it
      // fetched before the pause took effect is left unresolved and ignored.
      eachBatch: isWire ? async () => {} : (payload) => this.#serial(() => this.#onBatch(kafkajsDelivery(payload))),
    });
    this.#applyPauses();
    if (this.#fetcher !== null) void this.#fetchLoop(this.#fetcher, config.maxBytesPerPartition ?? 1_048_576);
  }

  /** Hands what the protocol fetcher fetched to `#onBatch`, a run of about one fetch per partition at a time. */
  async #fetchLoop(fetcher: BatchFetcher, runBytes: number): Promise<void> {
    const signal = this.#stopSignal.signal;
    while (!signal.aborted) {
      let parts: FetchedPartition[];
      try {
        parts = await fetcher.next(1000, signal);
      } catch (error) {
        if (!this.#isStopping) this.#fail(asError(error), 'Fetching records failed');
        return;
      }
      // Taken now: a seek, pause or rebalance from here on makes these records stale.
      const seeks = parts.map((part) => this.#seeks.get(keyOf(part)) ?? 0);
      const epochs = parts.map((part) => this.#fetchEpochs.get(keyOf(part)) ?? 0);
      try {
        for (const [i, part] of parts.entries()) {
          if (part.errorCode !== 0) {
            await this.#serial(() => this.#onFetchError(part, seeks[i] ?? 0, epochs[i] ?? 0));
            continue;
          }
          for (const messages of recordRuns(part, runBytes)) {
            const delivery = wireDelivery(part, messages, seeks[i] ?? 0, epochs[i] ?? 0);
            await this.#serial(() => this.#onBatch(delivery));
          }
        }
      } catch (error) {
        if (!this.#isStopping) this.#fail(asError(error), 'Could not deliver the fetched records');
        return;
      }
    }
  }

  /** OFFSET_OUT_OF_RANGE moves the partition as `auto.offset.reset` says; any other error fails the task. */
  async #onFetchError(part: FetchedPartition, seeks: number, epoch: number): Promise<void> {
    const key = keyOf(part);
    const client = this.#deps.wireClient;
    const isStale = () => seeks !== (this.#seeks.get(key) ?? 0) || epoch !== (this.#fetchEpochs.get(key) ?? 0);
    if (this.#isStopping || client === undefined || isStale()) return;
    const message = part.errorMessage ?? `Fetching ${tpText(part)} failed with Kafka error ${part.errorCode}`;
    if (part.errorCode !== OFFSET_OUT_OF_RANGE) {
      this.#fail(new ConnectError(message, { code: 'KAFKA' }), 'Fetching records failed');
      return;
    }
    const { spec, positions } = await this.#resetPositions(client, [part]);
    const [reset] = positions;
    if (reset === undefined || isStale()) return;
    this.#log.warn({ partition: tpText(part), offset: reset.offset, reset: spec }, `${message}; resetting to ${spec}`);
    this.#seek(reset);
  }

  /** Where `auto.offset.reset` puts `partitions` now (the fetcher's isolation for `latest`). */
  async #resetPositions(
    client: KafkaWireClient,
    partitions: readonly TopicPartition[],
  ): Promise<{ spec: 'earliest' | 'latest'; positions: PartitionPosition[] }> {
    const spec = (this.#deps.fromBeginning ?? true) ? 'earliest' : 'latest';
    if (partitions.length === 0) return { spec, positions: [] };
    const isolation = fetcherOptionsOf(this.#deps.consumerConfig ?? {}).isolation;
    return { spec, positions: await client.listOffsets(partitions, spec, isolation) };
  }

  async #onBatch(delivery: Delivery): Promise<void> {
    if (this.#isStopping || !delivery.isCurrent()) return;
    const tp = { topic: delivery.topic, partition: delivery.partition };
    const key = keyOf(tp);
    const seeks = delivery.seeks ?? this.#seeks.get(key) ?? 0;
    const { fetchEpoch } = delivery;
    // Left unresolved, these are fetched again once assigned or resumed (the protocol
    // fetcher was repositioned when the seek count or the fetch epoch changed).
    const isStale = () =>
      seeks !== (this.#seeks.get(key) ?? 0) ||
      (fetchEpoch !== null && fetchEpoch !== (this.#fetchEpochs.get(key) ?? 0));
    if (isStale()) return;
    if (!this.#assignment.has(key) || this.#isPaused || this.#pausedByTask.has(key)) return;
    if (!this.#topicsUsed.has(tp.topic)) {
      this.#topicsUsed.add(tp.topic);
      this.#deps.onTopicUsed?.(tp.topic);
    }
    const { messages } = delivery;
    const first = messages[0];
    if (first !== undefined && !this.#committed.has(key)) this.#committed.set(key, Number(first.offset));
    // Messages come in offset order: skip those below the position (already put before a rejoin).
    const position = this.#taken.get(key) ?? this.#positions.get(key)?.offset;
    let from = 0;
    if (position !== undefined) while (from < messages.length && Number(messages[from]?.offset) < position) from++;
    const last = messages[messages.length - 1];
    if (last === undefined || from === messages.length) {
      delivery.resolve(null);
      return;
    }
    const d = this.#deps;
    d.metrics.recordsPolled(messages.length - from);
    const records = await this.#convert(tp, messages, from);
    if (records === null) return;
    // The previous batch's put ran while this one was fetched and converted; one put at a time.
    await this.#settlePut();
    if (this.#isStopping || isStale()) return;
    if (!this.#assignment.has(key) || this.#isPaused || this.#pausedByTask.has(key)) return;
    delivery.resolve(String(last.offset));
    const next = Number(last.offset) + 1;
    this.#taken.set(key, next);
    const highWatermark = delivery.highWatermark;
    // Not the delivery: it holds the consumed messages, which need not outlive their conversion.
    const { heartbeat } = delivery;
    // A commit that falls due runs right after this put, as the next task call, while the
    // next batch is fetched and converted (its put waits for both).
    this.#putInFlight = (async () => {
      if (!(await this.#put(records, heartbeat))) return;
      // A task that rewound (context.offset) from put has set the position itself.
      if (seeks === (this.#seeks.get(key) ?? 0)) this.#positions.set(key, { ...tp, offset: next });
      d.metrics.recordsWritten(records.length);
      d.metrics.sinkLag(tp.topic, tp.partition, highWatermark - next);
      await this.#commitIfDue(true);
    })().catch((error: unknown) => this.#log.error({ err: asError(error) }, 'Unexpected error after a put'));
    await this.#heartbeat(heartbeat);
  }

  /** Waits for the `put` in flight (it never rejects: failures fail the task). */
  async #settlePut(): Promise<void> {
    const inFlight = this.#putInFlight;
    if (inFlight === null) return;
    await inFlight;
    if (this.#putInFlight === inFlight) this.#putInFlight = null;
  }

  /**
   * Converted and transformed records of `messages[from..]`; `null` when the task failed on one.
   * Records the error handler tolerated are skipped (it counts them in `recordsFailed`).
   */
  async #convert(tp: TopicPartition, messages: readonly ConsumedMessage[], from: number): Promise<SinkRecord[] | null> {
    try {
      return await this.#converter.convert(tp.topic, tp.partition, messages, from, this.#stopSignal.signal);
    } catch (error) {
      // A retry cut short by stop() is not a failure; the records stay uncommitted.
      if (this.#isStopping) return null;
      this.#fail(asError(error), 'Task failed while converting or transforming records');
      return null;
    }
  }

  /**
   * `put` until it succeeds; a RetriableError redelivers the same records after a back-off
   * (or the task's `context.timeout`), indefinitely, as Kafka does. False when the task failed or is stopping.
   */
  async #put(records: readonly SinkRecord[], heartbeat: Delivery['heartbeat']): Promise<boolean> {
    let backoffMs = this.#deps.putRetryBackoffMs ?? 100;
    for (;;) {
      if (this.#isStopping) return false;
      try {
        await this.#deps.task.put(records);
        return true;
      } catch (error) {
        const err = asError(error);
        if (!isRetriable(err)) {
          this.#fail(err, 'Task threw an uncaught and unrecoverable exception from put');
          return false;
        }
        const waitMs = this.#taskTimeoutMs > 0 ? this.#taskTimeoutMs : backoffMs;
        this.#taskTimeoutMs = -1;
        backoffMs = Math.min(backoffMs * 2, Math.max(this.#deps.offsetFlushIntervalMs, 1));
        this.#log.warn(
          { err, retryInMs: waitMs, records: records.length },
          'Retriable error from put; redelivering the batch',
        );
        await this.#clock.sleep(waitMs, this.#stopSignal.signal);
        // Between two attempts, as Kafka does: this put is the one in flight, nothing to wait for.
        await this.#commitIfDue(true);
        await this.#heartbeat(heartbeat, true);
      }
    }
  }

  /**
   * Heartbeats; when the group is rebalancing, commits everything while this generation is
   * still valid. `isInPut`: called from the `put` in flight, between two attempts.
   */
  async #heartbeat(heartbeat: Delivery['heartbeat'], isInPut = false): Promise<void> {
    try {
      await heartbeat();
    } catch (error) {
      if ((error as { type?: unknown }).type === 'REBALANCE_IN_PROGRESS') {
        await this.#commit([...this.#assignment.keys()], 'rebalance', isInPut);
      }
      throw error;
    }
  }

  // ---- rebalances ----

  async #rebalance(assigned: readonly TopicPartition[]): Promise<void> {
    await this.#settlePut();
    if (this.#isStopping) return;
    const next = new Map(assigned.map((tp) => [keyOf(tp), tp] as const));
    const revoked = [...this.#assignment].filter(([k]) => !next.has(k));
    const added = [...next].filter(([k]) => !this.#assignment.has(k));
    if (revoked.length > 0) {
      await this.#commit(
        revoked.map(([k]) => k),
        'partitions revoked',
      );
      await this.#callTask(
        'close',
        revoked.map(([, tp]) => tp),
      );
      for (const [k] of revoked) {
        this.#assignment.delete(k);
        this.#positions.delete(k);
        this.#taken.delete(k);
        this.#committed.delete(k);
        this.#startAt.delete(k);
        this.#pausedByTask.delete(k);
      }
    }
    for (const [k, tp] of added) this.#assignment.set(k, tp);
    this.#log.info(
      { assigned: assigned.map(tpText), revoked: revoked.map(([, tp]) => tpText(tp)) },
      'Partition assignment changed',
    );
    if (added.length > 0)
      await this.#callTask(
        'open',
        added.map(([, tp]) => tp),
      );
    if (this.#fetcher !== null && added.length > 0) await this.#readStartOffsets(added.map(([, tp]) => tp));
    this.#applyPauses();
  }

  /** For the protocol fetcher: where each added partition starts unless the task moved it in `open`. */
  async #readStartOffsets(added: readonly TopicPartition[]): Promise<void> {
    const d = this.#deps;
    const client = d.wireClient;
    if (client === undefined || this.#isStopping) return;
    try {
      const committed = await client.fetchGroupOffsets(sinkGroupId(d.connectorName), added);
      const reset = await this.#resetPositions(
        client,
        committed.filter((p) => p.offset < 0),
      );
      for (const p of committed) {
        if (p.offset < 0) continue;
        this.#committed.set(keyOf(p), p.offset);
        this.#startAt.set(keyOf(p), p.offset);
      }
      for (const p of reset.positions) this.#startAt.set(keyOf(p), p.offset);
    } catch (error) {
      this.#fail(asError(error), 'Could not read the committed offsets of the assigned partitions');
    }
  }

  async #callTask(method: 'open' | 'close', partitions: readonly TopicPartition[]): Promise<void> {
    try {
      await this.#deps.task[method]?.(partitions);
    } catch (error) {
      this.#fail(asError(error), `Task threw an exception from ${method}`);
    }
  }

  // ---- commits ----

  async #commitTimer(): Promise<void> {
    const signal = this.#stopSignal.signal;
    while (!signal.aborted) {
      await this.#clock.sleep(Math.max(this.#nextCommitAtMs - this.#clock.now(), 1), signal);
      if (signal.aborted) return;
      await this.#serial(() => this.#commitIfDue()).catch((error: unknown) =>
        this.#log.error({ err: asError(error) }, 'Periodic commit failed'),
      );
    }
  }

  /** `isInPut`: called from the `put` in flight (after it, or between its attempts), which must not wait for itself. */
  async #commitIfDue(isInPut = false): Promise<void> {
    if (this.#isStopping) return;
    const now = this.#clock.now();
    const isRequested = this.#isCommitRequested;
    if (!isRequested && now < this.#nextCommitAtMs) return;
    this.#isCommitRequested = false;
    this.#nextCommitAtMs = now + this.#deps.offsetFlushIntervalMs;
    await this.#commit([...this.#assignment.keys()], isRequested ? 'requested' : 'interval', isInPut);
  }

  /**
   * `preCommit` (default `flush`) for the given partitions, then commits what it returned,
   * limited to those partitions. When `preCommit` fails the consumer is rewound to the last
   * committed offsets so the records are delivered again. Waits for the `put` in flight
   * unless called from it (`isInPut`).
   */
  async #commit(keys: readonly Key[], reason: string, isInPut = false): Promise<void> {
    if (!isInPut) await this.#settlePut();
    const d = this.#deps;
    const current = keys.flatMap((k) => {
      const p = this.#positions.get(k);
      return p === undefined ? [] : [p];
    });
    if (current.length === 0) return;
    const startedMs = this.#clock.now();
    let vouched: readonly TopicPartitionOffset[];
    try {
      vouched = await withTimeout(this.#preCommit(current), d.offsetFlushTimeoutMs, 'preCommit/flush');
    } catch (error) {
      d.metrics.offsetCommit(this.#clock.now() - startedMs, false);
      this.#log.error(
        { err: asError(error), reason },
        'Flush of offsets failed; rewinding to the last committed offsets',
      );
      this.#rewind(keys);
      return;
    }
    const wanted = new Set(keys);
    const toCommit = vouched.filter(
      (o) => wanted.has(keyOf(o)) && this.#committed.get(keyOf(o)) !== o.offset && o.offset >= 0,
    );
    if (toCommit.length === 0 || this.#consumer === null || !this.#hasConsumerGroup) return;
    try {
      await this.#consumer.commitOffsets(
        toCommit.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })),
      );
      for (const o of toCommit) this.#committed.set(keyOf(o), o.offset);
      d.metrics.offsetCommit(this.#clock.now() - startedMs, true);
      this.#log.debug({ reason, offsets: toCommit.map((o) => `${tpText(o)}@${o.offset}`) }, 'Committed offsets');
    } catch (error) {
      d.metrics.offsetCommit(this.#clock.now() - startedMs, false);
      this.#log.warn(
        { err: asError(error), reason },
        'Commit of offsets to the consumer group failed; will retry at the next commit',
      );
    }
  }

  async #preCommit(current: readonly TopicPartitionOffset[]): Promise<readonly TopicPartitionOffset[]> {
    const task = this.#deps.task;
    if (task.preCommit !== undefined) return task.preCommit(current);
    await task.flush?.(current);
    return current;
  }

  #rewind(keys: readonly Key[]): void {
    for (const k of keys) {
      const committed = this.#committed.get(k);
      const tp = this.#assignment.get(k);
      if (committed === undefined || tp === undefined) continue;
      this.#positions.set(k, { ...tp, offset: committed });
      this.#taken.delete(k);
      this.#seek({ ...tp, offset: committed });
    }
  }

  #seek(o: TopicPartitionOffset): void {
    const k = keyOf(o);
    this.#seeks.set(k, (this.#seeks.get(k) ?? 0) + 1);
    if (this.#fetcher !== null) {
      // A partition outside the fetcher starts from its position when it is put back.
      if (!this.#fetchFrom.has(k)) return;
      this.#fetchFrom.set(k, o.offset);
      this.#fetcher.seek({ topic: o.topic, partition: o.partition, offset: o.offset });
      return;
    }
    if (this.#consumer === null || !this.#hasConsumerGroup) return;
    try {
      this.#consumer.seek({ topic: o.topic, partition: o.partition, offset: String(o.offset) });
    } catch (error) {
      this.#log.warn({ err: asError(error), partition: tpText(o) }, 'Could not seek');
    }
  }

  // ---- pausing ----

  #applyPauses(): void {
    if (this.#fetcher !== null) {
      this.#syncFetcher(this.#fetcher);
      return;
    }
    const consumer = this.#consumer;
    if (consumer === null || !this.#hasConsumerGroup) return;
    const all = [...this.#assignment.values()];
    const paused = this.#isPaused || this.#isStopping ? all : all.filter((tp) => this.#pausedByTask.has(keyOf(tp)));
    const running = all.filter((tp) => !paused.includes(tp));
    if (paused.length > 0) consumer.pause(byTopic(paused));
    if (running.length > 0) consumer.resume(byTopic(running));
  }

  /**
   * Gives the fetcher every assigned partition that is neither paused nor waiting for its
   * start offset. A partition it already has keeps its fetch position; one put back starts
   * at the first record not yet handed to `put`. Each partition added or taken out starts a
   * new fetch epoch, so records fetched before are dropped.
   */
  #syncFetcher(fetcher: BatchFetcher): void {
    const wanted = new Map<Key, PartitionPosition>();
    if (!this.#isPaused && !this.#isStopping) {
      for (const [k, tp] of this.#assignment) {
        if (this.#pausedByTask.has(k)) continue;
        const from =
          this.#fetchFrom.get(k) ?? this.#taken.get(k) ?? this.#positions.get(k)?.offset ?? this.#startAt.get(k);
        if (from !== undefined) wanted.set(k, { topic: tp.topic, partition: tp.partition, offset: from });
      }
    }
    for (const k of [...this.#fetchFrom.keys(), ...wanted.keys()]) {
      if (this.#fetchFrom.has(k) === wanted.has(k)) continue;
      this.#fetchEpochs.set(k, (this.#fetchEpochs.get(k) ?? 0) + 1);
      const position = wanted.get(k);
      if (position === undefined) this.#fetchFrom.delete(k);
      else this.#fetchFrom.set(k, position.offset);
    }
    try {
      fetcher.assign([...wanted.values()]);
    } catch (error) {
      // Only after close, when stopping.
      this.#log.debug({ err: asError(error) }, 'Could not change what the fetcher reads');
    }
  }

  // ---- context ----

  #context(): SinkTaskContext {
    const d = this.#deps;
    const handler = d.errorHandler;
    const pluginName = d.pluginNames?.connector ?? nameOf(d.task);
    return {
      taskId: d.taskId,
      connectorName: d.connectorName,
      logger: this.#log,
      workerBootstrapServers: d.workerBootstrapServers ?? [],
      assignment: () => [...this.#assignment.values()],
      offset: (offsets) => {
        for (const o of offsets) {
          const k = keyOf(o);
          if (this.#assignment.has(k))
            this.#positions.set(k, { topic: o.topic, partition: o.partition, offset: o.offset });
          this.#taken.delete(k);
          this.#seek(o);
        }
      },
      timeout: (ms) => {
        this.#taskTimeoutMs = ms;
      },
      pause: (partitions) => {
        for (const tp of partitions) this.#pausedByTask.set(keyOf(tp), { topic: tp.topic, partition: tp.partition });
        this.#applyPauses();
      },
      resume: (partitions) => {
        for (const tp of partitions) this.#pausedByTask.delete(keyOf(tp));
        this.#applyPauses();
      },
      requestCommit: () => {
        this.#isCommitRequested = true;
        this.#background(() => this.#commitIfDue());
      },
      errantRecordReporter: handler.isTolerant
        ? async (record, error) => {
            const consumed = this.#converter.consumedOf(record);
            await handler.report(
              { stage: 'TASK_PUT', pluginName, record, ...(consumed === undefined ? {} : { consumed }) },
              error,
            );
          }
        : null,
    };
  }

  // ---- lifecycle ----

  /** Runs `work` after everything queued before it: batches, rebalances and commits never overlap. */
  #serial(work: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(work);
    // Errors reach the caller (kafkajs rejoins on its own errors); the queue goes on.
    this.#tail = run.catch(() => {});
    return run;
  }

  #background(work: () => Promise<void>): void {
    this.#serial(work).catch((error: unknown) =>
      this.#log.error({ err: asError(error) }, 'Unexpected error in the sink task loop'),
    );
  }

  #fail(error: Error, message: string): void {
    if (this.#state === 'FAILED') return;
    this.#log.error({ err: error }, message);
    this.#failure = error;
    this.#setState('FAILED');
    void this.stop();
  }

  #setState(state: TaskState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#listeners) listener(state, this.#failure);
  }

  async #teardown(): Promise<void> {
    const d = this.#deps;
    this.#isStopping = true;
    this.#stopSignal.abort();
    this.#applyPauses();
    // As Kafka does, offsets of records put before a failure are committed too.
    const graceful = this.#serial(async () => {
      await this.#commit([...this.#assignment.keys()], 'stop');
      if (this.#assignment.size > 0) await d.task.close?.([...this.#assignment.values()]);
    });
    const isOnTime = await withTimeout(
      graceful.then(() => true),
      d.shutdownTimeoutMs,
      'graceful stop',
    ).catch((error: unknown) => {
      this.#log.error({ err: asError(error) }, 'Graceful stop of the task did not complete');
      return false;
    });
    if (!isOnTime)
      this.#log.warn({ timeoutMs: d.shutdownTimeoutMs }, 'Task did not stop in time; abandoning in-flight work');
    try {
      await d.task.stop();
    } catch (error) {
      this.#log.error({ err: asError(error) }, 'Task threw an exception while stopping');
    }
    for (const closeable of [d.keyConverter, d.valueConverter, d.headerConverter]) {
      try {
        await closeable.close?.();
      } catch (error) {
        this.#log.warn({ err: asError(error) }, 'Closing a converter failed');
      }
    }
    d.transforms.close();
    await d.errorHandler
      .close()
      .catch((error: unknown) => this.#log.warn({ err: asError(error) }, 'Closing the error handler failed'));
    this.#hasConsumerGroup = false;
    await this.#fetcher
      ?.close()
      .catch((error: unknown) => this.#log.warn({ err: asError(error) }, 'Closing the fetcher failed'));
    if (this.#consumer !== null) {
      await withTimeout(this.#consumer.disconnect(), d.shutdownTimeoutMs, 'consumer disconnect').catch(
        (error: unknown) => this.#log.warn({ err: asError(error) }, 'Disconnecting the consumer failed'),
      );
    }
    if (this.#state !== 'FAILED') this.#setState('STOPPED');
  }
}

function kafkajsDelivery(payload: EachBatchPayload): Delivery {
  const { batch } = payload;
  return {
    topic: batch.topic,
    partition: batch.partition,
    messages: batch.messages,
    highWatermark: Number(batch.highWatermark),
    seeks: null,
    fetchEpoch: null,
    isCurrent: () => !payload.isStale() && payload.isRunning(),
    resolve: (offset) => payload.resolveOffset(offset ?? batch.lastOffset()),
    heartbeat: () => payload.heartbeat(),
  };
}

const NO_HEARTBEAT = (): Promise<void> => Promise.resolve();

/** kafkajs keeps the membership (and heartbeats) on its own; nothing is resolved in it. */
function wireDelivery(
  part: FetchedPartition,
  messages: readonly ConsumedMessage[],
  seeks: number,
  fetchEpoch: number,
): Delivery {
  return {
    topic: part.topic,
    partition: part.partition,
    messages,
    highWatermark: part.highWatermark,
    seeks,
    fetchEpoch,
    isCurrent: () => true,
    resolve: () => {},
    heartbeat: NO_HEARTBEAT,
  };
}

function byTopic(partitions: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const out = new Map<string, number[]>();
  for (const tp of partitions) out.set(tp.topic, [...(out.get(tp.topic) ?? []), tp.partition]);
  return [...out].map(([topic, ps]) => ({ topic, partitions: ps }));
}

function tpText(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

function isRetriable(error: Error): boolean {
  return error instanceof ConnectError && error.isRetriable;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ConnectError(`${what} did not complete within ${timeoutMs} ms`, { code: 'TIMEOUT' })),
      timeoutMs,
    );
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
