/**
 * Produces a source task's converted records with the protocol client of
 * `@tributary/protocol` instead of kafkajs: the records of each partition become one record
 * batch (the codec the broker and the mirror share) and every partition goes in one request
 * per broker. kafkajs spends most of a busy source task's CPU copying messages between its
 * own structures; this path encodes each record once.
 *
 * It is used only when the producer asks for nothing kafkajs alone offers here
 * (`wireSenderDecision`): PLAINTEXT, no idempotence or transactions. Records are written
 * at least once, as with Kafka Connect's default producer.
 */
import type { Logger } from '@tributary/api';
import {
  encodeRecordBatch,
  type KafkaWireClient,
  type NewRecord,
  type ProduceInput,
  type RecordCompression,
  type RecordHeader,
} from '@tributary/protocol';
import type { IHeaders } from 'kafkajs';

/** A partition of a topic and its leader (-1 while it has none). */
export interface PartitionLeader {
  readonly partitionId: number;
  readonly leader: number;
}

export interface OutgoingRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: IHeaders | undefined;
}

export interface PartitionRecords {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly OutgoingRecord[];
}

export interface SentPartition {
  readonly topic: string;
  readonly partition: number;
  /** The offset of the partition's first record; the others follow it. */
  readonly baseOffset: number;
}

export class WireRecordSender {
  readonly #client: KafkaWireClient;
  readonly #acks: -1 | 1;
  readonly #compression: RecordCompression;
  readonly #timeoutMs: number | undefined;
  readonly #metadataWaitMs: number;

  constructor(
    client: KafkaWireClient,
    options: {
      readonly acks: -1 | 0 | 1;
      readonly compression: RecordCompression;
      /** Broker-side produce timeout. */
      readonly timeoutMs?: number;
      /** How long a topic may take to appear (auto-creation). Default 10 000. */
      readonly metadataWaitMs?: number;
    },
  ) {
    this.#client = client;
    // The protocol client needs the base offsets (commitRecord metadata): at least the leader's ack.
    this.#acks = options.acks === -1 ? -1 : 1;
    this.#compression = options.compression;
    this.#timeoutMs = options.timeoutMs;
    this.#metadataWaitMs = options.metadataWaitMs ?? 10_000;
  }

  /**
   * The partitions of `topic`, letting a broker that allows it create the topic, as a
   * producer's metadata request does; null when the topic does not exist (yet).
   */
  async partitions(topic: string): Promise<PartitionLeader[] | null> {
    // A topic being auto-created answers LEADER_NOT_AVAILABLE or UNKNOWN_TOPIC_OR_PARTITION
    // for a moment: ask again until `metadataWaitMs` has passed.
    const deadline = Date.now() + this.#metadataWaitMs;
    for (let backoffMs = 50; ; backoffMs = Math.min(backoffMs * 2, 1000)) {
      const metadata = await this.#client.metadata([topic], { allowAutoTopicCreation: true });
      const info = metadata.topics.find((t) => t.name === topic);
      if (info !== undefined && info.errorCode === 0 && info.partitions.length > 0)
        return info.partitions.map((p) => ({ partitionId: p.partition, leader: p.leader }));
      const isPassing = info === undefined || info.errorCode === 3 || info.errorCode === 5;
      if (!isPassing || Date.now() + backoffMs > deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
  }

  /** Produces every group, in order within each partition; resolves when all are acknowledged. */
  async send(groups: readonly PartitionRecords[]): Promise<SentPartition[]> {
    const inputs: ProduceInput[] = groups.map((g) => ({
      topic: g.topic,
      partition: g.partition,
      data: encodeRecordBatch(g.records.map(toNewRecord), { compression: this.#compression }),
    }));
    const results = await this.#client.produce(inputs, {
      acks: this.#acks,
      ...(this.#timeoutMs === undefined ? {} : { timeoutMs: this.#timeoutMs }),
    });
    return results.map((r) => ({ topic: r.topic, partition: r.partition, baseOffset: r.baseOffset }));
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}

export interface WireSenderDecision {
  readonly usesWire: boolean;
  readonly reason: string;
}

/**
 * Whether a source task's records can go through the protocol client: the producer must
 * be plain (PLAINTEXT, no idempotence, no transactional id). Every `compression.type` the
 * producer settings accept is written by the protocol client as by kafkajs.
 */
export function wireSenderDecision(producerProps: Readonly<Record<string, string>>): WireSenderDecision {
  const value = (key: string) => producerProps[key]?.trim().toLowerCase() ?? '';
  const protocol = value('security.protocol') || 'plaintext';
  if (protocol !== 'plaintext') return { usesWire: false, reason: `security.protocol is ${protocol.toUpperCase()}` };
  if (value('enable.idempotence') === 'true') return { usesWire: false, reason: 'enable.idempotence=true' };
  if (value('transactional.id') !== '') return { usesWire: false, reason: 'a transactional.id is set' };
  return { usesWire: true, reason: 'PLAINTEXT, no idempotence or transactions' };
}

export function logSenderChoice(logger: Logger, decision: WireSenderDecision): void {
  logger.debug(
    `Records are produced with ${decision.usesWire ? 'the protocol client' : 'kafkajs'}: ${decision.reason}`,
  );
}

function toNewRecord(r: OutgoingRecord): NewRecord {
  return r.headers === undefined
    ? { key: r.key, value: r.value, timestamp: r.timestamp }
    : { key: r.key, value: r.value, timestamp: r.timestamp, headers: toRecordHeaders(r.headers) };
}

function toRecordHeaders(headers: IHeaders): RecordHeader[] {
  const out: RecordHeader[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      out.push({ key, value: typeof v === 'string' ? Buffer.from(v) : v });
    }
  }
  return out;
}
