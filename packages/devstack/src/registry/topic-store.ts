/**
 * The registry store in a Kafka topic, as Confluent keeps `_schemas`: one partition,
 * `cleanup.policy=compact`, JSON keys and values (see ./registry-store.ts), produced with
 * acks=all, read from the beginning at start and from where it stopped before each write.
 * Written and read with the wire client
 * of @tributary/protocol (the broker's own codecs, no kafkajs at runtime).
 */
import {
  createWireClient,
  ErrorCode,
  encodeRecordBatch,
  errorName,
  type KafkaRecord,
  type KafkaWireClient,
  readBatchRecords,
} from '@tributary/protocol';
import { COMPATIBILITY_LEVELS } from './compatibility-level.js';
import type { SchemaReference } from './parsed-schema.js';
import type { RegistryStore, StoreRecord } from './registry-store.js';

export interface TopicStoreOptions {
  readonly bootstrapServers: readonly string[];
  readonly topic: string;
  /** How long start-up and each write may keep retrying an unreachable broker. */
  readonly retryTimeoutMs: number;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The Kafka record of a store record; null values are tombstones. */
function toKafka(record: StoreRecord, timestamp: number) {
  return {
    key: Buffer.from(JSON.stringify(record.key)),
    value: record.value === null ? null : Buffer.from(JSON.stringify(record.value)),
    timestamp,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The store record of a Kafka record, or null for keys this registry does not use
 * (Confluent's NOOP, MODE, DELETE_SUBJECT …). Throws on malformed JSON.
 */
function fromKafka(record: KafkaRecord): StoreRecord | null {
  if (record.key === null) return null;
  const key: unknown = JSON.parse(record.key.toString('utf8'));
  const value: unknown = record.value === null ? null : JSON.parse(record.value.toString('utf8'));
  if (!isObject(key)) throw new Error('the key is not a JSON object');
  if (key['keytype'] === 'SCHEMA') {
    const { subject, version } = key;
    if (typeof subject !== 'string' || typeof version !== 'number')
      throw new Error('a SCHEMA key needs subject and version');
    const schemaKey = { keytype: 'SCHEMA', subject, version, magic: 1 } as const;
    if (value === null) return { key: schemaKey, value: null };
    if (!isObject(value) || typeof value['id'] !== 'number' || typeof value['schema'] !== 'string') {
      throw new Error('a SCHEMA value needs id and schema');
    }
    const { schemaType, references } = value;
    if (schemaType !== undefined && schemaType !== 'AVRO' && schemaType !== 'JSON' && schemaType !== 'PROTOBUF') {
      throw new Error(`unknown schemaType ${JSON.stringify(schemaType)}`);
    }
    if (references !== undefined && !Array.isArray(references)) throw new Error('references is not an array');
    return {
      key: schemaKey,
      value: {
        subject,
        version,
        id: value['id'],
        ...(schemaType === undefined || schemaType === 'AVRO' ? {} : { schemaType }),
        ...(references === undefined || references.length === 0 ? {} : { references: references as SchemaReference[] }),
        schema: value['schema'],
        deleted: value['deleted'] === true,
      },
    };
  }
  if (key['keytype'] === 'CONFIG') {
    const subject = key['subject'] ?? null;
    if (subject !== null && typeof subject !== 'string') throw new Error('a CONFIG key subject is a string or null');
    if (value === null) return { key: { keytype: 'CONFIG', subject, magic: 0 }, value: null };
    const level = isObject(value) ? value['compatibilityLevel'] : undefined;
    const known = COMPATIBILITY_LEVELS.find((l) => l === level);
    if (known === undefined) throw new Error(`unknown compatibilityLevel ${JSON.stringify(level)}`);
    return { key: { keytype: 'CONFIG', subject, magic: 0 }, value: { compatibilityLevel: known } };
  }
  return null;
}

export class TopicRegistryStore implements RegistryStore {
  private closing: Promise<void> | null = null;
  /** The next offset to read; null before the first `readNew`. */
  private position: number | null = null;

  private constructor(
    private readonly client: KafkaWireClient,
    private readonly options: TopicStoreOptions,
  ) {}

  /** Connects and makes sure the topic exists with one partition (creating it compacted). */
  static async open(options: TopicStoreOptions): Promise<TopicRegistryStore> {
    const client = createWireClient({
      bootstrapServers: options.bootstrapServers,
      clientId: 'tributary-schema-registry',
      retryTimeoutMs: options.retryTimeoutMs,
    });
    const store = new TopicRegistryStore(client, options);
    try {
      await store.ensureTopic();
    } catch (err) {
      await client.close();
      throw err;
    }
    return store;
  }

  private async ensureTopic(): Promise<void> {
    const { topic } = this.options;
    const [result] = await this.client.createTopics([
      { name: topic, numPartitions: 1, replicationFactor: -1, configs: { 'cleanup.policy': 'compact' } },
    ]);
    if (result === undefined) throw new Error(`creating schemas topic '${topic}': the broker did not answer for it`);
    if (result.errorCode !== 0 && result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      throw new Error(
        `creating schemas topic '${topic}' failed with ${errorName(result.errorCode)}: ${result.errorMessage ?? 'no message'}`,
      );
    }
    if (result.errorCode === 0) this.options.log('info', `created schemas topic '${topic}' (cleanup.policy=compact)`);
    const metadata = await this.client.metadata([topic]);
    const partitions = metadata.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
    // Confluent refuses a multi-partition schemas topic too: the log order is the state.
    if (partitions !== 1) {
      throw new Error(`schemas topic '${topic}' must have exactly 1 partition, it has ${partitions}`);
    }
  }

  async readNew(): Promise<StoreRecord[]> {
    const { topic } = this.options;
    const partition = { topic, partition: 0 };
    if (this.position === null) {
      const [start] = await this.client.listOffsets([partition], 'earliest', 'read_uncommitted');
      if (start === undefined) throw new Error(`no log start offset for schemas topic '${topic}'`);
      this.position = start.offset;
    }
    const [end] = await this.client.listOffsets([partition], 'latest', 'read_uncommitted');
    if (end === undefined) throw new Error(`no end offset for schemas topic '${topic}'`);
    const records: StoreRecord[] = [];
    // Advanced locally and kept only when everything up to `end` was read.
    let position = this.position;
    if (end.offset <= position) return records;
    const fetcher = this.client.fetcher({ isolation: 'read_uncommitted', maxWaitMs: 100 });
    try {
      fetcher.assign([{ ...partition, offset: position }]);
      let lastProgress = Date.now();
      while (position < end.offset) {
        for (const fetched of await fetcher.next(1000)) {
          if (fetched.errorCode !== 0) {
            throw new Error(
              `reading schemas topic '${topic}' at offset ${position} failed with ${errorName(fetched.errorCode)}`,
            );
          }
          for (const batch of fetched.batches) {
            for (const [i, kafkaRecord] of readBatchRecords(batch.data).entries()) {
              const offset = batch.baseOffset + i;
              if (offset < position || offset >= end.offset) continue;
              try {
                const record = fromKafka(kafkaRecord);
                if (record !== null) records.push(record);
              } catch (err) {
                this.options.log('warn', `skipping record at ${topic}-0 offset ${offset}: ${(err as Error).message}`);
              }
            }
          }
          if (fetched.nextOffset > position) lastProgress = Date.now();
          position = Math.max(position, Math.min(fetched.nextOffset, end.offset));
        }
        if (Date.now() - lastProgress > this.options.retryTimeoutMs) {
          throw new Error(
            `reading schemas topic '${topic}' made no progress at offset ${position} (end ${end.offset})`,
          );
        }
      }
    } finally {
      await fetcher.close();
    }
    this.position = position;
    return records;
  }

  async append(records: readonly StoreRecord[]): Promise<void> {
    if (records.length === 0) return;
    const now = Date.now();
    const data = encodeRecordBatch(records.map((r) => toKafka(r, now)));
    await this.client.produce([{ topic: this.options.topic, partition: 0, data }], { acks: -1 });
  }

  close(): Promise<void> {
    this.closing ??= this.client.close();
    return this.closing;
  }
}
