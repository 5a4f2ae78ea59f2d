/**
 * Records as connectors, converters and transforms see them. They are plain immutable
 * objects: a transform returns `{ ...record, value, valueSchema }` to change a part, which
 * keeps the fields of the record's kind (source offsets, sink offsets) intact.
 */
import type { Schema } from './data/schema.js';

/** A header on a record. Header values are Connect values of `schema` (or schemaless). */
export interface Header {
  readonly key: string;
  readonly schema: Schema | null;
  readonly value: unknown;
}

export interface ConnectRecord {
  readonly topic: string;
  /** `null` lets the producer's partitioner choose (by key hash, or sticky when null). */
  readonly kafkaPartition: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  /** `null` is a tombstone. */
  readonly value: unknown;
  /** Milliseconds since the epoch; `null` lets the producer stamp it. */
  readonly timestamp: number | null;
  /** In order; a key may repeat (the last one wins for most readers). */
  readonly headers: readonly Header[];
}

/** JSON primitives, the values Connect allows inside source partitions and offsets. */
export type OffsetValue = string | number | boolean | null;
/** Identifies a stream of a source system: `{ table: 'db.orders' }`, `{ cluster, topic, partition }`. */
export type SourcePartition = Readonly<Record<string, OffsetValue>>;
/** A position in a source partition, e.g. `{ incrementing: 5001 }`. */
export type SourceOffset = Readonly<Record<string, OffsetValue>>;

export interface SourceRecord extends ConnectRecord {
  readonly sourcePartition: SourcePartition;
  readonly sourceOffset: SourceOffset;
}

/**
 * Records that are already Kafka record batches: the mirror copies them from another
 * cluster without decoding each record. All belong to one target partition.
 *
 * A source task that implements `pollBatches` returns these. When the connector has no
 * transforms and its key and value converters are ByteArrayConverter, the runtime
 * produces `data` as it is (one request can carry several of them); otherwise it calls
 * `toRecords()` and handles the records as if `poll` had returned them.
 */
export interface SourceBatch {
  readonly topic: string;
  readonly kafkaPartition: number;
  /**
   * One or more record batches (magic 2), concatenated, ready to produce: baseOffset 0,
   * no producer id (-1), not transactional, offset deltas 0..n-1, valid CRCs.
   */
  readonly data: Buffer;
  /** The number of records in `data`. */
  readonly recordCount: number;
  readonly sourcePartition: SourcePartition;
  /** Committable once every record of the batch (and everything before it) is acknowledged. */
  readonly sourceOffset: SourceOffset;
  /** The same records decoded, with Buffer (or null) keys and values and BYTES headers. */
  toRecords(): SourceRecord[];
}

/** Where the broker wrote a {@link SourceBatch} (`commitBatch`). */
export interface BatchMetadata extends TopicPartition {
  /** The offset of the batch's first record; the others follow it consecutively. */
  readonly baseOffset: number;
}

export type TimestampType = 'NoTimestampType' | 'CreateTime' | 'LogAppendTime';

export interface SinkRecord extends ConnectRecord {
  readonly kafkaPartition: number;
  readonly kafkaOffset: number;
  readonly timestampType: TimestampType;
  /** Topic, partition and offset as consumed, before transforms changed them. */
  readonly originalTopic: string;
  readonly originalKafkaPartition: number;
  readonly originalKafkaOffset: number;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A consumer position: the offset of the next record to read. */
export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: number;
}

/** What the broker said about a produced source record (`commitRecord`). */
export interface RecordMetadata extends TopicPartition {
  readonly offset: number;
  readonly timestamp: number | null;
}

/** The last header called `key`, or `undefined`. */
export function lastHeader(headers: readonly Header[], key: string): Header | undefined {
  for (let i = headers.length - 1; i >= 0; i--) {
    const h = headers[i];
    if (h !== undefined && h.key === key) return h;
  }
  return undefined;
}
