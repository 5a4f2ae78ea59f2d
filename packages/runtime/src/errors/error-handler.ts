/**
 * The runtime's `errors.*` policy (AK `RetryWithToleranceOperator`, `LogReporter`,
 * `DeadLetterQueueReporter`) behind the ErrorHandler contract of `task-parts.ts`.
 */
import { type ConfigValues, ConnectError, type ConnectRecord, type Logger, Struct } from '@tributary/api';
import type { Admin, Producer } from 'kafkajs';
import type { ErrorHandler, OperationContext, Outcome, TaskMetrics } from '../task-parts.js';
import { type Clock, systemClock } from './clock.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import type { deadLetterQueueConfig, errorsConfig } from './errors-config.js';

/** The first retry waits this long; each later one twice as long (Kafka's RETRIES_DELAY_MIN_MS). */
export const RETRY_DELAY_MIN_MS = 300;

export interface ErrorHandlerOptions {
  readonly connectorName: string;
  readonly taskId: number;
  readonly errors: ConfigValues<typeof errorsConfig.keys>;
  /** Sinks: the parsed `errors.deadletterqueue.*`; `null` for sources. */
  readonly deadLetterQueue: ConfigValues<typeof deadLetterQueueConfig.keys> | null;
  /** Produces dead-letter records; required for a dead-letter queue to be written. */
  readonly producer: Producer | null;
  /** Creates a missing dead-letter topic; without it the broker's auto-creation is relied on. */
  readonly admin?: Admin | null;
  readonly logger: Logger;
  /** When given, every tolerated failure is counted here as `recordsFailed(1)` (callers should not count them again). */
  readonly metrics?: TaskMetrics;
  readonly clock?: Clock;
  /** A number in [0, 1) for back-off jitter. */
  readonly random?: () => number;
}

export function createErrorHandler(options: ErrorHandlerOptions): ErrorHandler {
  return new RetryWithToleranceHandler(options);
}

class RetryWithToleranceHandler implements ErrorHandler {
  readonly #options: ErrorHandlerOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #deadLetterQueue: DeadLetterQueue | null;
  #toleratedCount = 0;

  constructor(options: ErrorHandlerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    const dlq = options.deadLetterQueue;
    const topic = dlq?.['errors.deadletterqueue.topic.name'] ?? '';
    if (dlq !== null && topic !== '' && options.producer === null) {
      throw new ConnectError(
        `errors.deadletterqueue.topic.name is '${topic}' but no producer was given for the dead letter queue`,
      );
    }
    this.#deadLetterQueue =
      dlq === null || topic === '' || options.producer === null
        ? null
        : new DeadLetterQueue({
            topic,
            replicationFactor: dlq['errors.deadletterqueue.topic.replication.factor'],
            hasContextHeaders: dlq['errors.deadletterqueue.context.headers.enable'],
            connectorName: options.connectorName,
            taskId: options.taskId,
            producer: options.producer,
            admin: options.admin ?? null,
          });
  }

  get isTolerant(): boolean {
    return this.#options.errors['errors.tolerance'] === 'all';
  }

  get toleratedCount(): number {
    return this.#toleratedCount;
  }

  async execute<T>(
    operation: () => T | Promise<T>,
    context: OperationContext,
    signal?: AbortSignal,
  ): Promise<Outcome<T>> {
    const startMs = this.#clock.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return { ok: true, value: await operation() };
      } catch (thrown) {
        const error = asError(thrown);
        if (!isRetriable(error)) {
          await this.report(context, error);
          return { ok: false, error };
        }
        const isStopping = () => signal?.aborted === true;
        if (!isStopping() && this.#mayRetry(startMs)) {
          await this.#backOff(attempt, startMs, signal);
          if (!isStopping()) continue;
        }
        if (isStopping()) {
          // Skipping the record here would let its offset be committed without it.
          throw new ConnectError(`Stopped while retrying stage ${context.stage} (${context.pluginName})`, {
            cause: error,
            code: 'ABORTED',
          });
        }
        await this.report(context, error);
        return { ok: false, error };
      }
    }
  }

  async report(context: OperationContext, error: Error): Promise<void> {
    if (!this.isTolerant) {
      throw new ConnectError('Tolerance exceeded in error handler', { cause: error, code: 'TOLERANCE_EXCEEDED' });
    }
    this.#toleratedCount++;
    this.#options.metrics?.recordsFailed(1);
    if (this.#options.errors['errors.log.enable']) this.#log(context, error);
    if (this.#deadLetterQueue !== null && context.consumed !== undefined) {
      await this.#deadLetterQueue.send({
        consumed: context.consumed,
        stage: context.stage,
        pluginName: context.pluginName,
        error,
      });
    }
  }

  async close(): Promise<void> {}

  #mayRetry(startMs: number): boolean {
    const timeoutMs = this.#options.errors['errors.retry.timeout'];
    if (timeoutMs < 0) return true;
    return this.#clock.now() - startMs < timeoutMs;
  }

  async #backOff(attempt: number, startMs: number, signal: AbortSignal | undefined): Promise<void> {
    const maxDelayMs = this.#options.errors['errors.retry.delay.max.ms'];
    let delayMs = RETRY_DELAY_MIN_MS * 2 ** Math.min(attempt - 1, 30);
    if (delayMs >= maxDelayMs) delayMs = maxDelayMs * (0.5 + this.#random() / 2);
    const timeoutMs = this.#options.errors['errors.retry.timeout'];
    if (timeoutMs >= 0) delayMs = Math.max(0, Math.min(delayMs, startMs + timeoutMs - this.#clock.now()));
    this.#options.logger.debug({ attempt, delayMs: Math.round(delayMs) }, 'Retrying after a retriable error');
    await this.#clock.sleep(Math.round(delayMs), signal);
  }

  #log(context: OperationContext, error: Error): void {
    const { consumed, record } = context;
    const isVerbose = this.#options.errors['errors.log.include.messages'];
    const fields: Record<string, unknown> = { stage: context.stage, class: context.pluginName, err: error };
    let where = '';
    if (consumed !== undefined) {
      where = `, where consumed record is {topic='${consumed.topic}', partition=${consumed.partition}, offset=${consumed.offset}, timestamp=${consumed.timestamp}}`;
      if (isVerbose) {
        fields['record'] = {
          key: loggable(consumed.key),
          value: loggable(consumed.value),
          headers: consumed.headers.map((h) => ({ key: h.key, value: loggable(h.value) })),
        };
      }
    } else if (record !== undefined && isVerbose) {
      where = `, where source record is {topic='${record.topic}', partition=${record.kafkaPartition}}`;
      fields['record'] = describeRecord(record);
    }
    this.#options.logger.error(
      fields,
      `Error encountered in task ${this.#options.connectorName}-${this.#options.taskId}. Executing stage '${context.stage}' with class '${context.pluginName}'${where}.`,
    );
  }
}

function isRetriable(error: Error): boolean {
  return (error as { isRetriable?: unknown }).isRetriable === true;
}

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

function describeRecord(record: ConnectRecord): Record<string, unknown> {
  const described: Record<string, unknown> = {
    topic: record.topic,
    kafkaPartition: record.kafkaPartition,
    key: loggable(record.key),
    value: loggable(record.value),
    timestamp: record.timestamp,
    headers: record.headers.map((h) => ({ key: h.key, value: loggable(h.value) })),
  };
  if ('sourcePartition' in record) described['sourcePartition'] = record.sourcePartition;
  if ('sourceOffset' in record) described['sourceOffset'] = record.sourceOffset;
  return described;
}

function loggable(value: unknown): unknown {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Struct) return String(value);
  return value;
}
