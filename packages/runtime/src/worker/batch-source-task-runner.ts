/**
 * Runs a source task that copies from Kafka through its record batches: `pollBatches` →
 * produce each SourceBatch's bytes unchanged → `commitBatch` with where the broker wrote it.
 * The task factory picks this runner only when nothing would change the bytes (ByteArray
 * key and value converters, no transforms) and the worker's cluster is reached over plain
 * TCP (see task-factory.ts).
 *
 * One produce call is in flight at a time, carrying every batch polled meanwhile in poll
 * order; the client groups them per partition, keeps each partition's order and reports
 * each batch's base offset. The loop keeps polling while a produce is in flight (the task's
 * fetcher runs in the background), until too many bytes or records are unacknowledged. A source offset
 * becomes committable once its batch and every earlier one of its source partition are
 * acknowledged, as for records.
 */
import { type BatchMetadata, ConnectError, type SourceBatch } from '@tributary/api';
import type { SubmittedRecord } from '../offsets/submitted-records.js';
import { SendQueue } from './send-queue.js';
import { SourceTaskLoop, type SourceTaskLoopDependencies } from './source-task-loop.js';
import type { TopicCreator } from './topic-creator.js';

/** The part of `@tributary/protocol`'s KafkaWireClient this runner uses. */
export interface BatchProducer {
  /**
   * Produces each input's record batches to its partition's leader, inputs of one
   * partition in order; resolves when every input is acknowledged, with each input's base
   * offset (results in input order). Retries retriable errors itself; what it throws fails
   * the task.
   */
  produce(
    inputs: readonly { readonly topic: string; readonly partition: number; readonly data: Buffer }[],
    options?: { readonly acks?: -1 | 1; readonly timeoutMs?: number },
  ): Promise<readonly { readonly topic: string; readonly partition: number; readonly baseOffset: number }[]>;
}

export interface BatchSourceTaskRunnerDependencies extends SourceTaskLoopDependencies {
  /** Connected to the worker's cluster; the runner never closes it. */
  readonly producer: BatchProducer;
  /** -1 (all, Kafka Connect's default) or 1. */
  readonly acks?: -1 | 1;
  /** Broker-side produce timeout; the client's default when absent. */
  readonly produceTimeoutMs?: number;
  readonly topicCreator: TopicCreator | null;
  /** `pollBatches` is not called while this many bytes are unacknowledged. Default 64 MiB. */
  readonly maxInFlightBytes?: number;
  /** `pollBatches` is not called while this many records are unacknowledged. Default 50 000. */
  readonly maxInFlightRecords?: number;
  /** Upper bound on the batch bytes of one produce call (one batch may exceed it). Default 16 MiB. */
  readonly maxRequestBytes?: number;
  /** Called the first time the task produces to a topic (topic tracking). */
  readonly onTopicUsed?: (topic: string) => void;
}

const DEFAULT_MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_IN_FLIGHT_RECORDS = 50_000;
const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

interface Pending {
  readonly batch: SourceBatch;
  readonly submitted: SubmittedRecord;
}

interface Acknowledged {
  readonly batch: SourceBatch;
  readonly metadata: BatchMetadata;
}

export class BatchSourceTaskRunner extends SourceTaskLoop<SourceBatch> {
  protected override readonly pollMethod = 'pollBatches';
  readonly #deps: BatchSourceTaskRunnerDependencies;
  readonly #maxInFlightBytes: number;
  readonly #maxInFlightRecords: number;
  readonly #maxRequestBytes: number;
  readonly #hasCommitBatch: boolean;
  #unackedBytes = 0;
  #unackedRecords = 0;
  readonly #queue: SendQueue<Pending>;
  #acknowledged: Acknowledged[] = [];
  readonly #knownTopics = new Set<string>();

  constructor(dependencies: BatchSourceTaskRunnerDependencies) {
    super(dependencies);
    if (dependencies.task.pollBatches === undefined)
      throw new ConnectError(
        `Task ${dependencies.connectorName}-${dependencies.taskId} has no pollBatches(): use SourceTaskRunner`,
      );
    this.#deps = dependencies;
    this.#maxInFlightBytes = dependencies.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES;
    this.#maxInFlightRecords = dependencies.maxInFlightRecords ?? DEFAULT_MAX_IN_FLIGHT_RECORDS;
    this.#maxRequestBytes = dependencies.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.#hasCommitBatch = dependencies.task.commitBatch !== undefined;
    this.#queue = new SendQueue<Pending>({
      maxBytes: this.#maxRequestBytes,
      maxItems: Number.POSITIVE_INFINITY,
      sizeOf: (p) => p.batch.data.length,
      send: (taken) => this.#produce(taken),
      onFailure: (taken, err) => this.fail(this.#produceError(taken, err)),
      onSettled: () => this.wake.notify(),
    });
  }

  // ---- the loop's parts (SourceTaskLoop) ------------------------------------------------

  protected override pollTask(signal: AbortSignal): Promise<SourceBatch[]> {
    const task = this.task;
    // Checked in the constructor; the task object cannot lose it.
    return task.pollBatches === undefined ? Promise.resolve([]) : task.pollBatches(signal);
  }

  protected override process(batches: SourceBatch[], _signal: AbortSignal): Promise<void> {
    let records = 0;
    for (const batch of batches) {
      this.#check(batch);
      records += batch.recordCount;
      const submitted = this.offsets.submitted.submit(batch.sourcePartition, batch.sourceOffset);
      if (batch.data.length === 0) {
        // Nothing to write (e.g. the task skipped aborted records): only the offset moves on.
        submitted.ack();
        continue;
      }
      this.#unackedBytes += batch.data.length;
      this.#unackedRecords += batch.recordCount;
      this.#queue.push({ batch, submitted });
    }
    this.#deps.metrics.recordsPolled(records);
    this.#queue.start();
    return Promise.resolve();
  }

  protected override isBackPressured(): boolean {
    return this.#unackedBytes >= this.#maxInFlightBytes || this.#unackedRecords >= this.#maxInFlightRecords;
  }

  protected override async commitAcknowledged(): Promise<void> {
    const task = this.task;
    while (this.#acknowledged.length > 0) {
      const done = this.#acknowledged;
      this.#acknowledged = [];
      if (task.commitBatch === undefined) continue;
      for (const { batch, metadata } of done) {
        try {
          await task.commitBatch(batch, metadata);
        } catch (err) {
          this.log.error({ err }, `Task ${this.name} threw an exception from commitBatch(); ignored`);
        }
      }
    }
  }

  protected override drained(): Promise<void> {
    return this.#queue.drained();
  }

  protected override describeInFlight(): string {
    return `${this.offsets.submitted.inFlightCount} record batch(es) (${this.#unackedRecords} record(s)) were`;
  }

  #check(batch: SourceBatch): void {
    const where = `Task ${this.name}: pollBatches() returned a batch for topic ${JSON.stringify(batch?.topic)}`;
    if (typeof batch?.topic !== 'string' || batch.topic === '') throw new ConnectError(`${where} without a topic`);
    if (!Number.isInteger(batch.kafkaPartition) || batch.kafkaPartition < 0)
      throw new ConnectError(`${where} with partition ${String(batch.kafkaPartition)}, not a partition number`);
    if (!Buffer.isBuffer(batch.data)) throw new ConnectError(`${where} whose data is not a Buffer`);
    if (
      !Number.isInteger(batch.recordCount) ||
      batch.recordCount < 0 ||
      (batch.recordCount === 0) !== (batch.data.length === 0)
    )
      throw new ConnectError(`${where} with recordCount ${String(batch.recordCount)} for ${batch.data.length} bytes`);
  }

  // ---- producing ----------------------------------------------------------------------

  async #produce(taken: readonly Pending[]): Promise<void> {
    for (const { batch } of taken) {
      if (this.#knownTopics.has(batch.topic)) continue;
      await this.#deps.topicCreator?.ensureTopic(batch.topic);
      this.#knownTopics.add(batch.topic);
      this.#deps.onTopicUsed?.(batch.topic);
    }
    const { acks = -1, produceTimeoutMs } = this.#deps;
    // One input per batch: the client keeps each partition's inputs in order and reports
    // every input's own base offset.
    const results = await this.#deps.producer.produce(
      taken.map(({ batch }) => ({ topic: batch.topic, partition: batch.kafkaPartition, data: batch.data })),
      { acks, ...(produceTimeoutMs === undefined ? {} : { timeoutMs: produceTimeoutMs }) },
    );
    let written = 0;
    taken.forEach(({ batch, submitted }, i) => {
      const { topic, kafkaPartition: partition } = batch;
      const result = results[i];
      if (result === undefined || result.topic !== topic || result.partition !== partition || result.baseOffset < 0)
        throw new ConnectError(`The produce result for topic-partition ${topic}-${partition} has no base offset`);
      submitted.ack();
      this.#unackedBytes -= batch.data.length;
      this.#unackedRecords -= batch.recordCount;
      written += batch.recordCount;
      if (this.#hasCommitBatch)
        this.#acknowledged.push({ batch, metadata: { topic, partition, baseOffset: result.baseOffset } });
    });
    this.#deps.metrics.recordsWritten(written);
    this.offsets.collect();
    this.wake.notify();
  }

  #produceError(taken: readonly Pending[], err: unknown): ConnectError {
    const failed = (err as { topicPartition?: { topic?: unknown; partition?: unknown } | null } | null)?.topicPartition;
    let where: string;
    if (typeof failed?.topic === 'string' && typeof failed.partition === 'number') {
      where = `topic-partition ${failed.topic}-${failed.partition}`;
    } else {
      const partitions = new Set(taken.map(({ batch }) => `${batch.topic}-${batch.kafkaPartition}`));
      where = `topic-partition(s) ${[...partitions].join(', ')}`;
    }
    const reason = err instanceof Error ? err.message : String(err);
    return new ConnectError(
      `Task ${this.name} failed to produce ${taken.length} record batch(es) to ${where}: ${reason}`,
      {
        cause: err,
        code: 'PRODUCE',
      },
    );
  }
}
