/**
 * MirrorSourceTask: copies its source partitions' record batches to the remote topics,
 * same partition, bytes unchanged (key, value, headers, timestamp), and writes offset
 * syncs for what the target acknowledged.
 *
 * Positions: a partition resumes after its stored source offset
 * (`{cluster, topic, partition}` → `{offset}` = last replicated upstream offset), else
 * starts per `source.consumer.auto.offset.reset` (earliest by default). A position out of
 * range (retention removed it, the topic was recreated) is reset by the same rule.
 */
import {
  type BatchMetadata,
  ConnectError,
  type Logger,
  type Props,
  type RecordMetadata,
  RetriableError,
  Schemas,
  type SourceBatch,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
} from '@tributary/api';
import {
  type BatchFetcher,
  ErrorCode,
  encodeRecordBatch,
  errorName,
  type FetchedPartition,
  type FetcherOptions,
  type ForwardBatch,
  type KafkaWireClient,
  type NewRecord,
  type PartitionPosition,
  readBatchHeader,
  readBatchRecords,
  splitRecordSet,
} from '@tributary/protocol';
import { ClusterClients } from './cluster-clients.js';
import {
  type MirrorSourceTaskConfig,
  mirrorSourceTaskConfig,
  requireMirrorSettings,
  TASK_ASSIGNED_PARTITIONS,
} from './config.js';
import { OffsetSyncWriter, type ReplicatedRun } from './offset-sync-writer.js';
import type { ReplicationPolicy } from './replication-policy.js';

/** Below the default `max.message.bytes` (1048588) of Kafka topics. */
const DEFAULT_MAX_MERGED_BYTES = 1_000_000;

/** How long `stop()` waits for queued offset syncs. */
const SYNC_FLUSH_TIMEOUT_MS = 5000;

export interface TopicPartitionId {
  readonly topic: string;
  readonly partition: number;
}

/** `<topic>-<partition>`, MM2's task config encoding (topic names cannot hold commas). */
export function encodeTopicPartition(tp: TopicPartitionId): string {
  return `${tp.topic}-${tp.partition}`;
}

export function decodeTopicPartition(text: string): TopicPartitionId {
  const at = text.lastIndexOf('-');
  const partition = Number(text.slice(at + 1));
  if (at <= 0 || !Number.isInteger(partition) || partition < 0) {
    throw new ConnectError(
      `Invalid ${TASK_ASSIGNED_PARTITIONS} item ${JSON.stringify(text)}: expected <topic>-<partition>`,
    );
  }
  return { topic: text.slice(0, at), partition };
}

/** Upstream offsets `upstreamOffset … upstreamOffset+count-1`, consecutive. */
export interface UpstreamRun {
  readonly upstreamOffset: number;
  readonly count: number;
}

/**
 * A chunk of one fetched partition, renamed: record batches ready to produce and, for
 * offset syncs and `toRecords`, the upstream offsets of their records in order.
 */
export class MirrorSourceBatch implements SourceBatch {
  readonly recordCount: number;
  readonly sourcePartition: SourcePartition;
  readonly sourceOffset: SourceOffset;

  constructor(
    readonly topic: string,
    readonly kafkaPartition: number,
    readonly upstreamTopic: string,
    sourceCluster: string,
    /** In offset order; with gaps where the source had some (transaction markers, aborted records, compaction). */
    readonly runs: readonly UpstreamRun[],
    readonly data: Buffer,
  ) {
    this.recordCount = runs.reduce((n, r) => n + r.count, 0);
    const last = runs[runs.length - 1];
    this.sourcePartition = { cluster: sourceCluster, topic: upstreamTopic, partition: kafkaPartition };
    this.sourceOffset = { offset: last === undefined ? -1 : last.upstreamOffset + last.count - 1 };
  }

  /** The runs written downstream from `baseOffset` on (downstream offsets are consecutive). */
  runsAt(baseOffset: number): ReplicatedRun[] {
    let d = baseOffset;
    return this.runs.map((r) => {
      const run = { upstreamOffset: r.upstreamOffset, downstreamOffset: d, count: r.count };
      d += r.count;
      return run;
    });
  }

  /** The upstream offset of each record, in order. */
  #upstreamOffsets(): number[] {
    const out: number[] = [];
    for (const r of this.runs) for (let i = 0; i < r.count; i++) out.push(r.upstreamOffset + i);
    return out;
  }

  toRecords(): SourceRecord[] {
    const upstream = this.#upstreamOffsets();
    const out: SourceRecord[] = [];
    for (const raw of splitRecordSet(this.data)) {
      for (const r of readBatchRecords(raw)) {
        out.push({
          topic: this.topic,
          kafkaPartition: this.kafkaPartition,
          keySchema: Schemas.OPTIONAL_BYTES,
          key: r.key === null ? null : Buffer.from(r.key),
          valueSchema: Schemas.OPTIONAL_BYTES,
          value: r.value === null ? null : Buffer.from(r.value),
          timestamp: r.timestamp,
          headers: r.headers.map((h) => ({
            key: h.key,
            schema: Schemas.OPTIONAL_BYTES,
            value: h.value === null ? null : Buffer.from(h.value),
          })),
          sourcePartition: this.sourcePartition,
          sourceOffset: { offset: upstream[out.length] ?? -1 },
        });
      }
    }
    return out;
  }
}

/** Upstream batches at least this big are forwarded as they are. */
const MERGE_BELOW_BYTES = 256 * 1024;
const COMPRESSION_MASK = 0x07;

function isUncompressed(batch: ForwardBatch): boolean {
  return (readBatchHeader(batch.data).attributes & COMPRESSION_MASK) === 0;
}

/**
 * The bytes to produce for `batches`: runs of small uncompressed batches become one batch
 * of at most `maxMergedBytes` (Produce carries one batch per partition per request, so
 * many small batches would cost a round trip each); others are kept as they are.
 */
export function coalesceBatches(batches: readonly ForwardBatch[], maxMergedBytes: number): Buffer {
  const parts: Buffer[] = [];
  let group: ForwardBatch[] = [];
  let groupBytes = 0;
  const flush = () => {
    if (group.length === 1) parts.push((group[0] as ForwardBatch).data);
    else if (group.length > 1) {
      const records: NewRecord[] = [];
      for (const b of group) {
        for (const raw of splitRecordSet(b.data)) {
          for (const r of readBatchRecords(raw))
            records.push({ key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers });
        }
      }
      parts.push(encodeRecordBatch(records));
    }
    group = [];
    groupBytes = 0;
  };
  for (const b of batches) {
    const isMergeable = b.data.length < MERGE_BELOW_BYTES && isUncompressed(b);
    if (!isMergeable) {
      flush();
      parts.push(b.data);
      continue;
    }
    if (groupBytes + b.data.length > maxMergedBytes) flush();
    group.push(b);
    groupBytes += b.data.length;
  }
  flush();
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

/** Consecutive upstream runs of `batches`. */
export function upstreamRuns(batches: readonly ForwardBatch[]): UpstreamRun[] {
  const runs: UpstreamRun[] = [];
  for (const b of batches) {
    const prev = runs[runs.length - 1];
    if (prev !== undefined && prev.upstreamOffset + prev.count === b.baseOffset) {
      runs[runs.length - 1] = { upstreamOffset: prev.upstreamOffset, count: prev.count + b.recordCount };
    } else {
      runs.push({ upstreamOffset: b.baseOffset, count: b.recordCount });
    }
  }
  return runs;
}

function positiveInt(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw.trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export class MirrorSourceTask implements SourceTask {
  #config: MirrorSourceTaskConfig | null = null;
  #logger: Logger | null = null;
  #policy: ReplicationPolicy | null = null;
  #sourceAlias = 'source';
  #source: ClusterClients | null = null;
  #syncClients: ClusterClients | null = null;
  #wire: KafkaWireClient | null = null;
  #fetcher: BatchFetcher | null = null;
  #writer: OffsetSyncWriter | null = null;
  #remoteNames = new Map<string, string>();
  #pending: MirrorSourceBatch[] = [];
  /** Partitions reported missing, to warn once each. */
  readonly #missing = new Set<string>();
  #maxPollRecords: number | undefined;
  /** Largest record batch made by merging small upstream ones (`target.producer.batch.size`). */
  #maxMergedBytes = DEFAULT_MAX_MERGED_BYTES;
  #pollTimeoutMs = 1000;
  #isStopped = false;

  async start(props: Props, context: SourceTaskContext): Promise<void> {
    const where = `task ${context.connectorName}-${context.taskId}`;
    const config = mirrorSourceTaskConfig.parse(props, where);
    const settings = requireMirrorSettings(
      config,
      props,
      { workerBootstrapServers: context.workerBootstrapServers, isSourceRequired: true },
      where,
    );
    this.#config = config;
    this.#logger = context.logger;
    this.#policy = settings.policy;
    this.#sourceAlias = settings.source.alias;
    this.#pollTimeoutMs = config['consumer.poll.timeout.ms'];
    const clientIdBase = `mirror-${context.connectorName}-${context.taskId}`;
    const source = new ClusterClients({
      cluster: settings.source,
      side: 'source',
      clientIdBase,
      logger: context.logger,
    });
    this.#source = source;
    const consumer = source.settings('consumer');
    if (consumer.ignored.length > 0)
      context.logger.warn({ keys: consumer.ignored }, 'Source consumer settings the mirror does not use');
    this.#maxPollRecords = positiveInt(consumer.props['max.poll.records']);
    this.#maxMergedBytes = positiveInt(settings.target.producer['batch.size']) ?? DEFAULT_MAX_MERGED_BYTES;

    const assigned = config[TASK_ASSIGNED_PARTITIONS].map(decodeTopicPartition);
    for (const tp of assigned) {
      if (!this.#remoteNames.has(tp.topic))
        this.#remoteNames.set(tp.topic, settings.policy.formatRemoteTopic(settings.source.alias, tp.topic));
    }

    if (config['emit.offset-syncs.enabled']) {
      const isOnSource = config['offset-syncs.topic.location'] === 'source';
      const syncTopic = settings.policy.offsetSyncsTopic(isOnSource ? settings.target.alias : settings.source.alias);
      const syncClients = isOnSource
        ? source
        : new ClusterClients({ cluster: settings.target, side: 'target', clientIdBase, logger: context.logger });
      if (!isOnSource) this.#syncClients = syncClients;
      this.#writer = new OffsetSyncWriter({
        producer: syncClients.wire('producer'),
        topic: syncTopic,
        offsetLagMax: config['offset.lag.max'],
        logger: context.logger,
      });
    }

    this.#wire = source.wire('consumer');
    const positions = await this.#startPositions(assigned, context);
    const fetcherOptions: FetcherOptions = {
      isolation: config['source.consumer.isolation.level'],
      ...optional('maxWaitMs', positiveInt(consumer.props['fetch.max.wait.ms'])),
      ...optional('minBytes', positiveInt(consumer.props['fetch.min.bytes'])),
      ...optional('maxBytes', positiveInt(consumer.props['fetch.max.bytes'])),
      ...optional('partitionMaxBytes', positiveInt(consumer.props['max.partition.fetch.bytes'])),
    };
    this.#fetcher = this.#wire.fetcher(fetcherOptions);
    this.#fetcher.assign(positions);
    context.logger.info(
      { partitions: assigned.length, isolation: fetcherOptions.isolation },
      `Replicating ${assigned.length} partitions from ${settings.source.alias} to ${settings.target.alias}`,
    );
  }

  /** Stored offset + 1, else the reset policy's offset. */
  async #startPositions(
    assigned: readonly TopicPartitionId[],
    context: SourceTaskContext,
  ): Promise<PartitionPosition[]> {
    const keys = assigned.map((tp) => ({ cluster: this.#sourceAlias, topic: tp.topic, partition: tp.partition }));
    const stored = await context.offsetStorageReader.offsets(keys);
    const positions: PartitionPosition[] = [];
    const missing: TopicPartitionId[] = [];
    assigned.forEach((tp, i) => {
      const key = keys[i];
      const offset = key === undefined ? undefined : stored.get(key)?.['offset'];
      if (typeof offset === 'number' && Number.isInteger(offset) && offset >= -1) {
        positions.push({ ...tp, offset: offset + 1 });
      } else {
        if (offset !== undefined && offset !== null) {
          context.logger.warn(
            `Stored offset ${JSON.stringify(offset)} of ${tp.topic}-${tp.partition} is not an offset; starting per auto.offset.reset`,
          );
        }
        missing.push(tp);
      }
    });
    if (missing.length > 0) positions.push(...(await this.#resetPositions(missing)));
    return positions;
  }

  async #resetPositions(partitions: readonly TopicPartitionId[]): Promise<PartitionPosition[]> {
    const config = this.#requireConfig();
    const wire = this.#wire;
    if (wire === null) throw new ConnectError('The mirror source task is not started');
    const spec = config['source.consumer.auto.offset.reset'];
    return wire.listOffsets(partitions, spec, config['source.consumer.isolation.level']);
  }

  #requireConfig(): MirrorSourceTaskConfig {
    if (this.#config === null) throw new ConnectError('The mirror source task is not started');
    return this.#config;
  }

  async pollBatches(signal: AbortSignal): Promise<SourceBatch[]> {
    const fetcher = this.#fetcher;
    if (fetcher === null || this.#isStopped) return [];
    if (this.#pending.length === 0) {
      let fetched: FetchedPartition[];
      try {
        fetched = await fetcher.next(this.#pollTimeoutMs, signal);
      } catch (err) {
        if (this.#isStopped || signal.aborted) return [];
        throw new RetriableError(`Fetching from cluster ${this.#sourceAlias} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      for (const part of fetched) await this.#take(part, fetcher);
    }
    return this.#drainPending();
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    const batches = await this.pollBatches(signal);
    return batches.flatMap((b) => b.toRecords());
  }

  async #take(part: FetchedPartition, fetcher: BatchFetcher): Promise<void> {
    const where = `${part.topic}-${part.partition} of cluster ${this.#sourceAlias}`;
    if (part.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      const [position] = await this.#resetPositions([part]);
      if (position === undefined)
        throw new RetriableError(
          `No ${this.#requireConfig()['source.consumer.auto.offset.reset']} offset for ${where}`,
        );
      this.#logger?.warn(
        `Offset ${part.nextOffset} of ${where} is out of range (log start ${part.logStartOffset}, end ${part.highWatermark}); ` +
          `continuing at the ${this.#requireConfig()['source.consumer.auto.offset.reset']} offset ${position.offset}`,
      );
      fetcher.seek(position);
      return;
    }
    if (part.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
      if (!this.#missing.has(where))
        this.#logger?.warn(`${where} does not exist (deleted?); waiting for the connector to reassign partitions`);
      this.#missing.add(where);
      return;
    }
    this.#missing.delete(where);
    if (part.errorCode !== 0) {
      throw new RetriableError(
        `Fetching ${where} failed: ${part.errorMessage ?? `${errorName(part.errorCode)} (${part.errorCode})`}`,
      );
    }
    if (part.batches.length === 0) return;
    const remote =
      this.#remoteNames.get(part.topic) ?? this.#policy?.formatRemoteTopic(this.#sourceAlias, part.topic) ?? part.topic;
    const limit = this.#maxPollRecords ?? Number.POSITIVE_INFINITY;
    const emit = (chunk: readonly ForwardBatch[]) => {
      const data = coalesceBatches(chunk, this.#maxMergedBytes);
      this.#pending.push(
        new MirrorSourceBatch(remote, part.partition, part.topic, this.#sourceAlias, upstreamRuns(chunk), data),
      );
    };
    let chunk: ForwardBatch[] = [];
    let count = 0;
    for (const b of part.batches) {
      if (chunk.length > 0 && count + b.recordCount > limit) {
        emit(chunk);
        chunk = [];
        count = 0;
      }
      chunk.push(b);
      count += b.recordCount;
    }
    if (chunk.length > 0) emit(chunk);
  }

  /** Everything pending, or up to max.poll.records worth (at least one batch). */
  #drainPending(): MirrorSourceBatch[] {
    const limit = this.#maxPollRecords;
    if (limit === undefined) {
      const all = this.#pending;
      this.#pending = [];
      return all;
    }
    let count = 0;
    let n = 0;
    while (n < this.#pending.length) {
      const next = this.#pending[n] as MirrorSourceBatch;
      if (n > 0 && count + next.recordCount > limit) break;
      count += next.recordCount;
      n++;
    }
    return this.#pending.splice(0, n);
  }

  commitBatch(batch: SourceBatch, metadata: BatchMetadata): void {
    if (this.#writer === null || !(batch instanceof MirrorSourceBatch)) return;
    this.#writer.replicated(batch.upstreamTopic, batch.kafkaPartition, batch.runsAt(metadata.baseOffset));
  }

  commitRecord(record: SourceRecord, metadata: RecordMetadata | null): void {
    if (this.#writer === null || metadata === null) return;
    const upstream = record.sourceOffset['offset'];
    const topic = record.sourcePartition['topic'];
    const partition = record.sourcePartition['partition'];
    if (typeof upstream !== 'number' || typeof topic !== 'string' || typeof partition !== 'number') return;
    this.#writer.replicated(topic, partition, [
      { upstreamOffset: upstream, downstreamOffset: metadata.offset, count: 1 },
    ]);
  }

  commit(): void {
    this.#writer?.commit();
  }

  async stop(): Promise<void> {
    if (this.#isStopped) return;
    this.#isStopped = true;
    const fetcher = this.#fetcher;
    this.#fetcher = null;
    this.#pending = [];
    await fetcher?.close().catch((err: unknown) => this.#logger?.debug({ err }, 'Closing the fetcher failed'));
    await this.#writer?.close(SYNC_FLUSH_TIMEOUT_MS);
    await this.#syncClients?.close();
    await this.#source?.close();
  }
}

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}
