/**
 * Runs one source task: poll → transforms → converters → produce, committing each source
 * partition's offset only up to the last record that, with every earlier record of that
 * partition, the broker acknowledged (or that a transform dropped or the error policy
 * skipped). Offsets are flushed every `offset.flush.interval.ms` and on stop; polling stops
 * while `maxInFlightRecords` records are unacknowledged.
 *
 * Task methods run only from the loop (never two at once): acknowledgements are queued and
 * handed to `commitRecord` between polls. One `sendBatch` is in flight at a time, carrying
 * everything converted meanwhile, which keeps per-partition order even when kafkajs retries.
 */
import { randomInt } from 'node:crypto';
import {
  ConnectError,
  type Converter,
  type HeaderConverter,
  type RecordMetadata,
  type SourceRecord,
} from '@tributary/api';
import type { Admin, CompressionTypes, IHeaders, Message, Producer } from 'kafkajs';
import type { SubmittedRecord } from '../offsets/submitted-records.js';
import type { ErrorHandler, Outcome, Stage, TransformChain } from '../task-parts.js';
import { keyPartition } from './murmur2.js';
import { SendQueue } from './send-queue.js';
import { SourceTaskLoop, type SourceTaskLoopDependencies } from './source-task-loop.js';
import type { TopicCreator } from './topic-creator.js';
import type { PartitionLeader, PartitionRecords, WireRecordSender } from './wire-record-sender.js';

export interface SourceTaskRunnerDependencies extends SourceTaskLoopDependencies {
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly headerConverter: HeaderConverter;
  /** Names for error context and logs; default `key.converter`, `value.converter`, `header.converter`. */
  readonly converterNames?: { readonly key: string; readonly value: string; readonly header: string };
  readonly transforms: TransformChain;
  /** Connected; shared or not, the runner never disconnects it. Only `null` with a `wireSender`. */
  readonly producer: Producer | null;
  /**
   * When given, records are produced with it instead of `producer` (and partitioned with
   * its metadata): see wire-record-sender.ts. The caller closes it.
   */
  readonly wireSender?: WireRecordSender | null;
  /** Per-send settings; `acks` defaults to -1 (all), as Kafka Connect's producer. */
  readonly sendOptions?: { readonly acks?: number; readonly timeout?: number; readonly compression?: CompressionTypes };
  /**
   * Connected admin client used for partition metadata: records without `kafkaPartition`
   * are partitioned here (murmur2 of the key, as Kafka's default partitioner) so that
   * `commitRecord` gets exact metadata. Without it the producer partitions them and their
   * metadata is exact only for single-partition topics (else partition/offset are -1).
   */
  readonly admin?: Admin | null;
  readonly topicCreator: TopicCreator | null;
  /** Its `metrics` (if any) counts the skipped records; this runner does not count them again. */
  readonly errorHandler: ErrorHandler;
  /**
   * `poll` is not called while this many records are unacknowledged (one poll may exceed
   * it). Default 1500: one send in flight, one ready and one being converted; records held
   * longer only add garbage-collector work and memory.
   */
  readonly maxInFlightRecords?: number;
  /** Upper bound on the key+value bytes of one `sendBatch`. Default 512 KiB. */
  readonly maxBatchBytes?: number;
  /** Called the first time the task produces to a topic (topic tracking). */
  readonly onTopicUsed?: (topic: string) => void;
}

const DEFAULT_MAX_IN_FLIGHT_RECORDS = 1500;
const DEFAULT_MAX_BATCH_BYTES = 512 * 1024;
// kafkajs 2.2.4 groups a send's messages per partition in quadratic time and memory
// (about 10 KB of garbage per record at 1000 records a send): keep sends small.
const MAX_BATCH_RECORDS = 500;
const METADATA_MAX_AGE_MS = 300_000;
const EMPTY = Buffer.alloc(0);

/** A converted record waiting for (or in) a send. */
interface Outgoing {
  /** Kept for `commitRecord` only: without it the record can be collected once converted. */
  readonly record: SourceRecord | null;
  readonly topic: string;
  partition: number | null;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders | undefined;
  readonly timestamp: number;
  /** Set once the record is handed to the producer. */
  submitted: SubmittedRecord;
}

const UNTRACKED: SubmittedRecord = { ack() {}, isAcked: false };

/** In Kafka's order: headers, key, value. */
const SERIALIZE_STAGES = [
  ['HEADER_CONVERTER', 'header'],
  ['KEY_CONVERTER', 'key'],
  ['VALUE_CONVERTER', 'value'],
] as const;

interface Acknowledged {
  readonly record: SourceRecord;
  readonly metadata: RecordMetadata | null;
}

export class SourceTaskRunner extends SourceTaskLoop<SourceRecord> {
  protected override readonly pollMethod = 'poll';
  readonly #deps: SourceTaskRunnerDependencies;
  readonly #maxInFlight: number;
  #acknowledged: Acknowledged[] = [];

  readonly #queue: SendQueue<Outgoing>;
  readonly #knownTopics = new Set<string>();
  readonly #partitionMetadata = new Map<
    string,
    { readonly partitions: PartitionLeader[]; readonly fetchedAtMs: number }
  >();
  /** Round-robin position of keyless records, per topic (as kafkajs's default partitioner). */
  readonly #roundRobin = new Map<string, number>();
  readonly #transformNames: string;
  readonly #hasCommitRecord: boolean;
  /** `#serialize`'s stage results, reused: the synchronous path is done with them before the next record. */
  readonly #stageResults: unknown[] = [];
  readonly #converterNames: { readonly key: string; readonly value: string; readonly header: string };

  constructor(dependencies: SourceTaskRunnerDependencies) {
    super(dependencies);
    this.#deps = dependencies;
    this.#maxInFlight = dependencies.maxInFlightRecords ?? DEFAULT_MAX_IN_FLIGHT_RECORDS;
    this.#transformNames = dependencies.transforms.names.join(', ');
    this.#hasCommitRecord = dependencies.task.commitRecord !== undefined;
    this.#converterNames = dependencies.converterNames ?? {
      key: 'key.converter',
      value: 'value.converter',
      header: 'header.converter',
    };
    this.#queue = new SendQueue<Outgoing>({
      maxBytes: dependencies.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
      maxItems: MAX_BATCH_RECORDS,
      sizeOf: (item) => (item.key?.length ?? 0) + (item.value?.length ?? 0),
      send: (batch) => this.#send(batch),
      onFailure: (batch, err) => this.fail(this.#sendError(batch, err)),
      onSettled: () => this.wake.notify(),
    });
  }

  // ---- the loop's parts (SourceTaskLoop) ------------------------------------------------

  protected override pollTask(signal: AbortSignal): Promise<SourceRecord[]> {
    return this.task.poll(signal);
  }

  protected override async process(records: SourceRecord[], signal: AbortSignal): Promise<void> {
    this.#deps.metrics.recordsPolled(records.length);
    await this.#prepare(records, signal);
  }

  protected override isBackPressured(): boolean {
    return this.offsets.submitted.inFlightCount >= this.#maxInFlight;
  }

  protected override commitAcknowledged(): Promise<void> {
    return this.#commitRecords();
  }

  /** Resolves when everything handed to the producer is acknowledged, or the producer failed. */
  protected override drained(): Promise<void> {
    return this.#queue.drained();
  }

  protected override describeInFlight(): string {
    return `${this.offsets.submitted.inFlightCount} record(s) were`;
  }

  async #commitRecords(): Promise<void> {
    const task = this.task;
    while (this.#acknowledged.length > 0) {
      const done = this.#acknowledged;
      this.#acknowledged = [];
      if (task.commitRecord === undefined) continue;
      for (const { record, metadata } of done) {
        try {
          const committing = task.commitRecord(record, metadata);
          if (committing instanceof Promise) await committing;
        } catch (err) {
          this.log.error({ err }, `Task ${this.name} threw an exception from commitRecord(); ignored`);
        }
      }
    }
  }

  // ---- transforms and converters ----------------------------------------------------

  /** Converts `records` in poll order, handing each to the producer (or marking it done). */
  async #prepare(records: readonly SourceRecord[], signal: AbortSignal): Promise<void> {
    const hasCommitRecord = this.#hasCommitRecord;
    try {
      for (const record of records) {
        if (signal.aborted) return;
        const converting = this.#convert(record, signal);
        const outgoing = converting instanceof Promise ? await converting : converting;
        // Submitted in poll order once its fate is known: a record cut off by a stop or failure is not tracked.
        const submitted = this.offsets.submitted.submit(record.sourcePartition ?? null, record.sourceOffset ?? null);
        if (outgoing === null) {
          submitted.ack();
          if (hasCommitRecord) this.#acknowledged.push({ record, metadata: null });
        } else {
          outgoing.submitted = submitted;
          this.#queue.push(outgoing);
        }
      }
    } finally {
      this.#queue.start();
    }
  }

  /** Synchronous when every stage is (the common case), so a record costs no promise. */
  #convert(record: SourceRecord, signal: AbortSignal): Outgoing | null | Promise<Outgoing | null> {
    const { transforms } = this.#deps;
    if (transforms.names.length === 0) return this.#serialize(record, record, signal);
    let transformed: SourceRecord | null;
    try {
      transformed = transforms.apply(record);
    } catch (err) {
      const apply = () => transforms.apply(record);
      return this.#handle(apply, err, 'TRANSFORMATION', this.#transformNames, record, signal).then((outcome) =>
        outcome.ok && outcome.value !== null ? this.#serialize(record, outcome.value, signal) : null,
      );
    }
    return transformed === null ? null : this.#serialize(record, transformed, signal);
  }

  /** Header, key and value conversion of `r` (the transformed `original`). */
  #serialize(original: SourceRecord, r: SourceRecord, signal: AbortSignal): Outgoing | null | Promise<Outgoing | null> {
    const results = this.#stageResults;
    results.length = 0;
    for (let stage = 0; stage < SERIALIZE_STAGES.length; stage++) {
      let value: unknown;
      try {
        value = this.#serializeStage(stage, r);
      } catch (error) {
        return this.#serializeSlowly(original, r, signal, results, { error });
      }
      if (value instanceof Promise) return this.#serializeSlowly(original, r, signal, results, { pending: value });
      results.push(value);
    }
    return this.#outgoing(original, r, results);
  }

  /** Continues `#serialize` from its first failed or asynchronous stage, through the error handler. */
  async #serializeSlowly(
    original: SourceRecord,
    r: SourceRecord,
    signal: AbortSignal,
    done: readonly unknown[],
    first: { readonly error: unknown } | { readonly pending: Promise<unknown> },
  ): Promise<Outgoing | null> {
    const results = [...done];
    for (let stage = done.length; stage < SERIALIZE_STAGES.length; stage++) {
      const [stageName, plugin] = SERIALIZE_STAGES[stage] as (typeof SERIALIZE_STAGES)[number];
      const pluginName = this.#converterNames[plugin];
      const operation = () => this.#serializeStage(stage, r);
      let outcome: Outcome<unknown>;
      if (stage > done.length) {
        outcome = await this.#deps.errorHandler.execute(operation, { stage: stageName, pluginName, record: r }, signal);
      } else if ('pending' in first) {
        try {
          outcome = { ok: true, value: await first.pending };
        } catch (err) {
          outcome = await this.#handle(operation, err, stageName, pluginName, r, signal);
        }
      } else {
        outcome = await this.#handle(operation, first.error, stageName, pluginName, r, signal);
      }
      if (!outcome.ok) return null;
      results.push(outcome.value);
    }
    return this.#outgoing(original, r, results);
  }

  #serializeStage(stage: number, r: SourceRecord): unknown {
    switch (stage) {
      case 0:
        return this.#convertHeaders(r);
      case 1:
        return this.#deps.keyConverter.fromConnectData(r.topic, r.headers, r.keySchema, r.key);
      default:
        return this.#deps.valueConverter.fromConnectData(r.topic, r.headers, r.valueSchema, r.value);
    }
  }

  #outgoing(original: SourceRecord, r: SourceRecord, results: readonly unknown[]): Outgoing {
    return {
      record: this.#hasCommitRecord ? original : null,
      topic: r.topic,
      partition: r.kafkaPartition,
      headers: results[0] as IHeaders | undefined,
      key: toBuffer(results[1] as Uint8Array | null),
      value: toBuffer(results[2] as Uint8Array | null),
      timestamp: r.timestamp ?? Date.now(),
      submitted: UNTRACKED,
    };
  }

  /** Hands a failed first attempt to the error handler, which retries or tolerates it. */
  #handle<T>(
    operation: () => T | Promise<T>,
    firstError: unknown,
    stage: Stage,
    pluginName: string,
    record: SourceRecord,
    signal: AbortSignal,
  ): Promise<Outcome<T>> {
    let isFirst = true;
    const again = (): T | Promise<T> => {
      if (isFirst) {
        isFirst = false;
        throw firstError;
      }
      return operation();
    };
    return this.#deps.errorHandler.execute(again, { stage, pluginName, record }, signal);
  }

  #convertHeaders(record: SourceRecord): IHeaders | undefined {
    if (record.headers.length === 0) return undefined;
    const headers: Record<string, Buffer[]> = {};
    for (const h of record.headers) {
      // kafkajs 2.2.4 cannot encode a null header value (it sizes it with Buffer.byteLength): empty it.
      const bytes =
        toBuffer(this.#deps.headerConverter.fromConnectHeader(record.topic, h.key, h.schema, h.value)) ?? EMPTY;
      const values = headers[h.key];
      if (values === undefined) headers[h.key] = [bytes];
      else values.push(bytes);
    }
    return headers;
  }

  // ---- producing ----------------------------------------------------------------------

  #sendError(batch: readonly Outgoing[], err: unknown): ConnectError {
    const topics = [...new Set(batch.map((b) => b.topic))].join(', ');
    const reason = err instanceof Error ? err.message : String(err);
    return new ConnectError(
      `Task ${this.name} failed to send ${batch.length} record(s) to Kafka (topic ${topics}): ${reason}`,
      {
        cause: err,
        code: 'PRODUCE',
      },
    );
  }

  async #send(batch: Outgoing[]): Promise<void> {
    const byTopic = new Map<string, Outgoing[]>();
    for (const item of batch) {
      const items = byTopic.get(item.topic);
      if (items === undefined) byTopic.set(item.topic, [item]);
      else items.push(item);
    }
    for (const [topic, items] of byTopic) {
      if (!this.#knownTopics.has(topic)) {
        await this.#deps.topicCreator?.ensureTopic(topic);
        this.#knownTopics.add(topic);
        this.#deps.onTopicUsed?.(topic);
      }
      if (items.some((i) => i.partition === null)) await this.#assignPartitions(topic, items);
    }
    const results = await this.#produce(byTopic);
    let written = 0;
    const hasCommitRecord = this.#hasCommitRecord;
    for (const [topic, items] of byTopic) {
      written += items.length;
      if (!hasCommitRecord) {
        for (const item of items) item.submitted.ack();
        continue;
      }
      const partitions = results.filter((r) => r.topicName === topic);
      const nextOffset = new Map(partitions.map((p) => [p.partition, p.baseOffset]));
      const appendTime = new Map(partitions.map((p) => [p.partition, p.logAppendTime]));
      const only = partitions.length === 1 ? (partitions[0]?.partition ?? null) : null;
      // Per-record offsets are known when every record's partition is.
      const isExact = only !== null || items.every((i) => i.partition !== null);
      for (const item of items) {
        const partition = item.partition ?? only ?? -1;
        let offset = -1;
        const next = nextOffset.get(partition);
        if (isExact && next !== undefined && next >= 0) {
          offset = next;
          nextOffset.set(partition, next + 1);
        }
        const logAppendTime = appendTime.get(partition) ?? -1;
        const metadata: RecordMetadata = {
          topic,
          partition,
          offset,
          timestamp: logAppendTime >= 0 ? logAppendTime : item.timestamp,
        };
        item.submitted.ack();
        if (item.record !== null) this.#acknowledged.push({ record: item.record, metadata });
      }
    }
    this.#deps.metrics.recordsWritten(written);
    this.offsets.collect();
    this.wake.notify();
  }

  /** Produces `byTopic` with the wire sender or kafkajs; per partition, the offset of its first record. */
  async #produce(byTopic: ReadonlyMap<string, Outgoing[]>): Promise<ProducedPartition[]> {
    const wireSender = this.#deps.wireSender;
    if (wireSender !== undefined && wireSender !== null) {
      const groups = new Map<string, { topic: string; partition: number; records: Outgoing[] }>();
      for (const [topic, items] of byTopic) {
        for (const item of items) {
          if (item.partition === null)
            throw new ConnectError(`Task ${this.name}: no partition metadata for topic ${topic}; it may not exist`);
          const key = `${item.partition} ${topic}`;
          const group = groups.get(key);
          if (group === undefined) groups.set(key, { topic, partition: item.partition, records: [item] });
          else group.records.push(item);
        }
      }
      const sent = await wireSender.send([...groups.values()] satisfies PartitionRecords[]);
      return sent.map((p) => ({
        topicName: p.topic,
        partition: p.partition,
        baseOffset: p.baseOffset,
        logAppendTime: -1,
      }));
    }
    const { acks = -1, timeout, compression } = this.#deps.sendOptions ?? {};
    const producer = this.#deps.producer;
    if (producer === null) throw new ConnectError(`Task ${this.name} has neither a producer nor a wire sender`);
    const results = await producer.sendBatch({
      acks,
      ...(timeout === undefined ? {} : { timeout }),
      ...(compression === undefined ? {} : { compression }),
      topicMessages: [...byTopic].map(([topic, items]) => ({
        topic,
        messages: items.map(toMessage),
      })),
    });
    return results.map((r) => ({
      topicName: r.topicName,
      partition: r.partition,
      baseOffset: Number(r.baseOffset ?? r.offset ?? -1),
      logAppendTime: Number(r.logAppendTime ?? -1),
    }));
  }

  /**
   * Kafka's default partitioning: a keyed record goes to murmur2(key) mod the partition
   * count, a keyless one round-robin over the partitions that have a leader.
   */
  async #assignPartitions(topic: string, items: Outgoing[]): Promise<void> {
    const partitions = await this.#partitionsOf(topic);
    if (partitions === null) return;
    const count = partitions.length;
    if (count === 1) {
      for (const item of items) item.partition ??= 0;
      return;
    }
    let available: PartitionLeader[] | null = null;
    for (const item of items) {
      if (item.partition !== null) continue;
      if (item.key !== null) {
        item.partition = keyPartition(item.key, count);
        continue;
      }
      available ??= partitions.filter((p) => p.leader >= 0);
      const next = (this.#roundRobin.get(topic) ?? randomInt(0x7fffffff)) + 1;
      this.#roundRobin.set(topic, next);
      const leader = available[(next & 0x7fffffff) % available.length];
      item.partition = leader === undefined ? (next & 0x7fffffff) % count : leader.partitionId;
    }
  }

  async #partitionsOf(topic: string): Promise<PartitionLeader[] | null> {
    const admin = this.#deps.admin;
    const wireSender = this.#deps.wireSender;
    if ((wireSender === undefined || wireSender === null) && (admin === undefined || admin === null)) return null;
    const cached = this.#partitionMetadata.get(topic);
    if (cached !== undefined && this.clock.now() - cached.fetchedAtMs < METADATA_MAX_AGE_MS) return cached.partitions;
    try {
      const partitions = wireSender
        ? ((await wireSender.partitions(topic)) ?? [])
        : ((await admin?.fetchTopicMetadata({ topics: [topic] }))?.topics.find((t) => t.name === topic)?.partitions ??
          []);
      if (partitions.length === 0) return null;
      this.#partitionMetadata.set(topic, { partitions, fetchedAtMs: this.clock.now() });
      return partitions;
    } catch (err) {
      // E.g. the topic does not exist yet and the producer will auto-create it.
      this.log.debug({ err, topic }, 'No partition metadata; the producer partitions this batch');
      return null;
    }
  }
}

function toMessage(item: Outgoing): Message {
  const message: Message = { key: item.key, value: item.value, timestamp: String(item.timestamp) };
  if (item.partition !== null) message.partition = item.partition;
  if (item.headers !== undefined) message.headers = item.headers;
  return message;
}

function toBuffer(bytes: Uint8Array | null): Buffer | null {
  if (bytes === null || bytes === undefined) return null;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface ProducedPartition {
  readonly topicName: string;
  readonly partition: number;
  readonly baseOffset: number;
  /** -1 unless the topic stamps log-append times. */
  readonly logAppendTime: number;
}
