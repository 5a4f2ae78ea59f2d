/**
 * Reads a topic from the beginning in the background and keeps every record with the time
 * it was first seen here. `drain` waits until every partition has been read up to its end
 * offset as of the call, so that after a worker stopped, the records read are all there are.
 */
import { randomUUID } from 'node:crypto';
import { type Admin, type Consumer, type IHeaders, Kafka, logLevel } from 'kafkajs';
import { waitFor } from './wait-for.js';

export interface ReadRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Header values as text (the last value of a repeated key). */
  readonly headers: Readonly<Record<string, string>>;
  /** `Date.now()` when this reader received the record. */
  readonly seenAtMs: number;
}

export class TopicReader {
  readonly topic: string;
  readonly records: ReadRecord[] = [];
  readonly #consumer: Consumer;
  readonly #admin: Admin;
  /** Next offset to read, per partition. */
  readonly #positions = new Map<number, number>();

  private constructor(topic: string, consumer: Consumer, admin: Admin) {
    this.topic = topic;
    this.#consumer = consumer;
    this.#admin = admin;
  }

  static async open(bootstrap: string, topic: string): Promise<TopicReader> {
    const kafka = new Kafka({ clientId: 'testkit-reader', brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({
      groupId: `testkit-reader-${randomUUID()}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    const admin = kafka.admin();
    const reader = new TopicReader(topic, consumer, admin);
    await admin.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const m of batch.messages) {
          reader.records.push({
            partition: batch.partition,
            offset: Number(m.offset),
            key: m.key,
            value: m.value,
            headers: headerText(m.headers),
            seenAtMs: now,
          });
          reader.#positions.set(batch.partition, Number(m.offset) + 1);
        }
      },
    });
    return reader;
  }

  /** Resolves once every partition was read up to its end offset at the time of the call. */
  async drain(timeoutMs = 60_000): Promise<void> {
    const ends = await this.#admin.fetchTopicOffsets(this.topic);
    await waitFor(
      `topic ${this.topic} to be read to its end`,
      () => (ends.every((e) => (this.#positions.get(e.partition) ?? 0) >= Number(e.high)) ? true : undefined),
      {
        timeoutMs,
        describe: () =>
          ends
            .map((e) => `partition ${e.partition}: read to ${this.#positions.get(e.partition) ?? 0} of ${e.high}`)
            .join(', '),
      },
    );
  }

  async close(): Promise<void> {
    await this.#consumer.disconnect().catch(() => undefined);
    await this.#admin.disconnect().catch(() => undefined);
  }
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[key] = last.toString();
  }
  return out;
}
