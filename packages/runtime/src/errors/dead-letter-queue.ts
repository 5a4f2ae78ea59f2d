/**
 * Writes consumed records that failed to the dead-letter-queue topic: the original key,
 * value and headers as bytes, plus Kafka Connect's `__connect.errors.*` context headers
 * when enabled (AK `DeadLetterQueueReporter`). The topic is created on first use when it
 * does not exist (1 partition, like Kafka's).
 */
import { ConnectError } from '@tributary/api';
import type { Admin, IHeaders, Producer } from 'kafkajs';
import type { ConsumedRecord, Stage } from '../task-parts.js';

export const ERROR_HEADER_PREFIX = '__connect.errors.';
const EMPTY = Buffer.alloc(0);

export interface DeadLetterQueueOptions {
  readonly topic: string;
  /** `-1`: the broker default. Capped to the number of brokers. */
  readonly replicationFactor: number;
  readonly hasContextHeaders: boolean;
  readonly connectorName: string;
  readonly taskId: number;
  readonly producer: Producer;
  /** Creates the topic when missing; without it the broker's auto-creation is relied on. */
  readonly admin: Admin | null;
}

export interface DeadLetterQueueReport {
  readonly consumed: ConsumedRecord;
  readonly stage: Stage;
  readonly pluginName: string;
  readonly error: Error;
}

export class DeadLetterQueue {
  readonly #options: DeadLetterQueueOptions;
  #ready: Promise<void> | null = null;

  constructor(options: DeadLetterQueueOptions) {
    this.#options = options;
  }

  get topic(): string {
    return this.#options.topic;
  }

  /** Resolves once the broker acknowledged the record; rejects (ConnectError) otherwise. */
  async send(report: DeadLetterQueueReport): Promise<void> {
    const { topic, producer } = this.#options;
    try {
      this.#ready ??= this.#ensureTopic().catch((err: unknown) => {
        this.#ready = null;
        throw err;
      });
      await this.#ready;
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: report.consumed.key,
            value: report.consumed.value,
            headers: this.#headers(report),
            ...(report.consumed.timestamp === null ? {} : { timestamp: String(report.consumed.timestamp) }),
          },
        ],
      });
    } catch (err) {
      throw new ConnectError(
        `Could not write the record ${describeConsumed(report.consumed)} to the dead letter queue topic '${topic}'`,
        { cause: err, code: 'DEAD_LETTER_QUEUE' },
      );
    }
  }

  async #ensureTopic(): Promise<void> {
    const { admin, topic, replicationFactor } = this.#options;
    if (admin === null) return;
    const existing = await admin.listTopics();
    if (existing.includes(topic)) return;
    const { brokers } = await admin.describeCluster();
    const factor = replicationFactor < 0 ? -1 : Math.max(1, Math.min(replicationFactor, brokers.length));
    // false when someone else created it meanwhile: fine.
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: factor }],
      waitForLeaders: true,
    });
  }

  #headers(report: DeadLetterQueueReport): IHeaders {
    const pairs: [string, Buffer | null][] = report.consumed.headers.map((h) => [h.key, h.value]);
    if (this.#options.hasContextHeaders) {
      const { consumed, error } = report;
      const context: [string, string][] = [
        ['topic', consumed.topic],
        ['partition', String(consumed.partition)],
        ['offset', String(consumed.offset)],
        ['connector.name', this.#options.connectorName],
        ['task.id', String(this.#options.taskId)],
        ['stage', report.stage],
        ['class.name', report.pluginName],
        ['exception.class.name', error.name],
        ['exception.message', error.message],
        ['exception.stacktrace', stackTrace(error)],
      ];
      const sqlState = sqlStateOf(error);
      if (sqlState !== null) context.push(['sql.state', sqlState]);
      for (const [name, value] of context) pairs.push([ERROR_HEADER_PREFIX + name, Buffer.from(value, 'utf8')]);
    }
    // kafkajs takes headers as an object (a repeated key becomes an array, in order) and
    // cannot encode a null header value (kafkajs 2.2.4 sizes it with Buffer.byteLength): empty it.
    const headers: Record<string, Buffer[]> = {};
    for (const [key, value] of pairs) {
      const bytes = value ?? EMPTY;
      const values = headers[key];
      if (values === undefined) headers[key] = [bytes];
      else values.push(bytes);
    }
    return headers;
  }
}

/**
 * The SQLSTATE of a database error (a `sqlState` string on the error or on one of its
 * causes), for the `__connect.errors.sql.state` header; null when there is none.
 */
export function sqlStateOf(error: Error): string | null {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const state = (current as { sqlState?: unknown }).sqlState;
    if (typeof state === 'string' && state !== '') return state;
    current = current.cause;
  }
  return null;
}

/** The error's stack followed by each cause's, as Java prints "Caused by:". */
export function stackTrace(error: Error): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    const text = current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    parts.push(parts.length === 0 ? text : `Caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

export function describeConsumed(consumed: ConsumedRecord): string {
  return `${consumed.topic}-${consumed.partition}@${consumed.offset}`;
}
