/**
 * The client's contract. A lean Kafka client for moving record batches between clusters without decoding each
 * record: metadata with leader routing, ListOffsets, a background fetcher that keeps
 * record batches ready per partition, and Produce of ready-made batches. Plain TCP
 * (security.protocol PLAINTEXT) only; brokers from Kafka 2.4 on (Fetch v11, Produce v8,
 * Metadata v8, ListOffsets v5, CreateTopics v4, FindCoordinator v2, OffsetCommit v7,
 * OffsetFetch v5).
 */

export interface WireClientOptions {
  /** `host:port` entries; the first that answers is used for metadata. */
  readonly bootstrapServers: readonly string[];
  /** Default `tributary`. */
  readonly clientId?: string;
  /** Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** One request/response round trip. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /**
   * How long a call keeps retrying retriable errors (leader moved, topic not yet known
   * after creation, connection lost) before it throws. Default 60 000.
   */
  readonly retryTimeoutMs?: number;
}

export interface TopicPartitionRef {
  readonly topic: string;
  readonly partition: number;
}

export interface PartitionPosition extends TopicPartitionRef {
  /** The offset of the next record to fetch. */
  readonly offset: number;
}

export interface BrokerInfo {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export interface TopicInfo {
  readonly name: string;
  /** 0 when the topic exists. */
  readonly errorCode: number;
  readonly isInternal: boolean;
  /** Sorted by partition. `leader` is -1 when the partition has none right now. */
  readonly partitions: readonly {
    readonly partition: number;
    readonly leader: number;
    readonly replicas: readonly number[];
  }[];
}

export interface ClusterMetadata {
  readonly clusterId: string | null;
  readonly controllerId: number;
  readonly brokers: readonly BrokerInfo[];
  readonly topics: readonly TopicInfo[];
}

export interface MetadataOptions {
  /**
   * Lets a broker with `auto.create.topics.enable` create the topics asked for, as a
   * producer's metadata request does. Default false: looking must not create.
   */
  readonly allowAutoTopicCreation?: boolean;
}

export type Isolation = 'read_committed' | 'read_uncommitted';

/**
 * Consecutive records of one partition, as bytes a producer can send unchanged:
 * baseOffset 0, partitionLeaderEpoch -1, producer id/epoch/sequence -1, not
 * transactional, CreateTime timestamps, offset deltas 0..recordCount-1, valid CRC.
 * Compressed batches stay compressed.
 */
export interface ForwardBatch {
  /** Upstream offset of the first record; the others follow it without gaps. */
  readonly baseOffset: number;
  readonly recordCount: number;
  readonly data: Buffer;
  readonly maxTimestamp: number;
}

export interface FetchedPartition extends TopicPartitionRef {
  /**
   * 0, or the Kafka error of the partition that the caller must handle:
   * OFFSET_OUT_OF_RANGE (1), UNKNOWN_TOPIC_OR_PARTITION (3) after retries, and so on.
   * Leader changes are handled inside the fetcher and never reported.
   */
  readonly errorCode: number;
  /**
   * With an errorCode: what went wrong, naming the Kafka error (and, for a batch this
   * client cannot forward, the offset and why). Null otherwise.
   */
  readonly errorMessage?: string | null;
  /**
   * In offset order. Aborted transactions (read_committed) and control batches are left
   * out; a batch fetched from its middle is trimmed to the requested offset; a batch
   * with offset gaps (compaction) is split into gap-free ones; LogAppendTime batches are
   * rewritten to carry the append time as each record's CreateTime.
   */
  readonly batches: readonly ForwardBatch[];
  /** Where fetching continues: after the last record returned or the skipped batches. */
  readonly nextOffset: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
}

export interface FetcherOptions {
  /** Default read_committed. */
  readonly isolation?: Isolation;
  /** Fetch long-poll wait. Default 500. */
  readonly maxWaitMs?: number;
  /** Default 1. */
  readonly minBytes?: number;
  /** Per request. Default 52 428 800 (fetch.max.bytes). */
  readonly maxBytes?: number;
  /** Per partition per request. Default 1 048 576 (max.partition.fetch.bytes). */
  readonly partitionMaxBytes?: number;
  /** The fetcher stops fetching while this many bytes wait in `next()`. Default 64 MiB. */
  readonly maxBufferedBytes?: number;
  /**
   * The batches will only be decoded, never produced again: their producer id, epoch,
   * sequence and transactional bit are left as fetched, which spares a CRC per batch.
   * Default false (the batches are ready to forward).
   */
  readonly isDecodeOnly?: boolean;
}

/**
 * Fetches continuously in the background, one request in flight per leader broker, and
 * hands out what arrived. Positions advance as data is fetched (not when the caller
 * commits); `seek` moves one.
 */
export interface BatchFetcher {
  /**
   * Replaces the set of partitions fetched. A partition already assigned and given again
   * with the offset it was last assigned or seeked to keeps its fetch position and
   * buffered data (unless it was stopped by a reported error); given with another
   * offset, it is seeked there. Partitions left out are
   * dropped with their buffered data.
   */
  assign(positions: readonly PartitionPosition[]): void;
  /**
   * Moves one assigned partition (throws if it is not assigned); data already buffered for
   * it is dropped, and a partition stopped by a reported error is fetched again.
   */
  seek(position: PartitionPosition): void;
  /**
   * What arrived since the last call (several fetches' worth, merged per partition in
   * order), waiting up to `timeoutMs` when nothing is buffered. [] on timeout or abort.
   * Throws when the fetcher failed for a reason other than a partition error
   * (e.g. every broker unreachable beyond retryTimeoutMs).
   */
  next(timeoutMs: number, signal?: AbortSignal): Promise<FetchedPartition[]>;
  close(): Promise<void>;
}

export interface ProduceInput extends TopicPartitionRef {
  /** One or more record batches as in {@link ForwardBatch.data}. */
  readonly data: Buffer;
}

export interface ProduceResult extends TopicPartitionRef {
  /** The offset the broker gave the first record of `data`. */
  readonly baseOffset: number;
  /**
   * The offset of the first record of each batch in `data`, in order. Batches go in
   * separate requests, so another producer writing to the partition could land between
   * them: consecutive only if batchBaseOffsets[i + 1] = batchBaseOffsets[i] + records of batch i.
   */
  readonly batchBaseOffsets: readonly number[];
}

export interface ProduceOptions {
  /** -1 (all, default) or 1. */
  readonly acks?: -1 | 1;
  /** Broker-side timeout. Default 30 000. */
  readonly timeoutMs?: number;
}

export interface NewTopic {
  readonly name: string;
  /** −1: the broker's default (num.partitions). */
  readonly numPartitions: number;
  /** −1: the broker's default (default.replication.factor). */
  readonly replicationFactor: number;
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface CreateTopicResult {
  readonly name: string;
  /** 0, or the Kafka error of this topic, e.g. TOPIC_ALREADY_EXISTS (36). */
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export interface GroupOffset extends TopicPartitionRef {
  /** The offset of the next record the group will read. */
  readonly offset: number;
  /** Default ''. */
  readonly metadata?: string | null;
}

export interface GroupOffsetResult extends TopicPartitionRef {
  /**
   * 0, or the Kafka error of this partition: UNKNOWN_MEMBER_ID (25) when the group has
   * members (a simple commit never touches an active group), ILLEGAL_GENERATION (22),
   * REBALANCE_IN_PROGRESS (27), UNKNOWN_TOPIC_OR_PARTITION (3), …
   */
  readonly errorCode: number;
}

export interface KafkaWireClient {
  /** All topics when `topics` is null. Refreshes the leader cache. */
  metadata(topics: readonly string[] | null, options?: MetadataOptions): Promise<ClusterMetadata>;
  /**
   * The offset for each partition: 'earliest' (log start), 'latest' (high watermark, or
   * last stable offset with read_committed) or the first offset at or after a timestamp
   * (-1 when there is none). Isolation defaults to read_committed, like the fetcher.
   */
  listOffsets(
    partitions: readonly TopicPartitionRef[],
    spec: 'earliest' | 'latest' | { readonly timestamp: number },
    isolation?: Isolation,
  ): Promise<PartitionPosition[]>;
  fetcher(options?: FetcherOptions): BatchFetcher;
  /**
   * Produces to the partitions' leaders (one request per broker, several partitions per
   * request) and resolves when every input is acknowledged. Kafka takes one batch per
   * partition per request, so an input holding n batches (or several inputs for one
   * partition) takes n requests, sent one after another. Retriable errors are retried
   * within retryTimeoutMs, keeping each partition's order (a retry after a lost
   * connection may duplicate a batch: at-least-once); others throw a KafkaError naming
   * the topic-partition and the Kafka error. Results are in input order. Concurrent calls
   * must not share a partition.
   */
  produce(inputs: readonly ProduceInput[], options?: ProduceOptions): Promise<ProduceResult[]>;
  /**
   * Creates topics through the controller and answers per topic, in input order; topic
   * errors (TOPIC_ALREADY_EXISTS, INVALID_CONFIG, …) are reported, not thrown. A moved
   * controller and lost connections are retried within retryTimeoutMs. `timeoutMs`
   * (default 30 000) is how long the broker waits for the topics to be created.
   */
  createTopics(topics: readonly NewTopic[], timeoutMs?: number): Promise<CreateTopicResult[]>;
  /**
   * Commits offsets for a consumer group without joining it (FindCoordinator, then
   * OffsetCommit with generation −1 and no member id, as Kafka's Admin
   * alterConsumerGroupOffsets): accepted only while the group is empty or absent.
   * Answers per partition, in input order; partition errors are reported, not thrown. A
   * moving or loading coordinator and lost connections are retried within retryTimeoutMs.
   */
  commitGroupOffsets(groupId: string, offsets: readonly GroupOffset[]): Promise<GroupOffsetResult[]>;
  /**
   * The offsets `groupId` has committed for `partitions` (OffsetFetch), in input order; −1
   * for a partition without one. Read without joining the group. A moving or loading
   * coordinator and lost connections are retried within retryTimeoutMs; a partition error
   * throws a KafkaError naming it.
   */
  fetchGroupOffsets(groupId: string, partitions: readonly TopicPartitionRef[]): Promise<PartitionPosition[]>;
  close(): Promise<void>;
}

/** A Kafka error code with the request and partition it came from. */
export class KafkaError extends Error {
  override readonly name = 'KafkaError';
  constructor(
    message: string,
    readonly code: number,
    readonly retriable: boolean,
    readonly topicPartition: TopicPartitionRef | null = null,
  ) {
    super(message);
  }
}

// The record codec (readBatchRecords, encodeRecordBatch, splitRecordSet) is ../codec/records.ts;
// createWireClient is ./wire-client.ts.
