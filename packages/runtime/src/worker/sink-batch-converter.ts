/**
 * Turns the messages of one consumed batch into the SinkRecords handed to `put`: header,
 * key and value conversion, then the transform chain, under the connector's error policy.
 *
 * Every record is first converted synchronously and without the error handler (the common
 * case costs no promise, closure or context object). Only a stage that throws, or a
 * converter that returns a Promise, sends the rest of that record through
 * `ErrorHandler.execute` (which retries, tolerates or throws) with the same
 * OperationContext as always: stage, plugin name and the consumed record, which is built
 * only then.
 */
import type { Converter, Header, HeaderConverter, SchemaAndValue, SinkRecord, TimestampType } from '@tributary/api';
import type { RecordHeader } from '@tributary/protocol';
import type { IHeaders } from 'kafkajs';
import type { ConsumedRecord, ErrorHandler, OperationContext, Outcome, Stage, TransformChain } from '../task-parts.js';

export interface SinkBatchConverterDeps {
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly headerConverter: HeaderConverter;
  readonly transforms: TransformChain;
  readonly errorHandler: ErrorHandler;
  /** Plugin names for error contexts. Default: the objects' class names. */
  readonly pluginNames?: {
    readonly keyConverter?: string;
    readonly valueConverter?: string;
    readonly headerConverter?: string;
  };
}

/**
 * A consumed message: kafkajs' KafkaMessage, or a record decoded by `@tributary/protocol`
 * (numeric offset and timestamp, headers as a list).
 */
export interface ConsumedMessage {
  readonly offset: string | number;
  readonly timestamp: string | number;
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders | readonly RecordHeader[];
}

/** Where a consumed record came from, kept per delivered record while an errant-record reporter may ask. */
interface Origin {
  readonly topic: string;
  readonly partition: number;
  readonly message: ConsumedMessage;
}

/** The conversion stages in order; a record's progress is the index of the stage it is at. */
const HEADERS = 0;
const KEY = 1;
const VALUE = 2;
const TRANSFORM = 3;

/** The batch being converted. */
interface Run {
  readonly topic: string;
  readonly partition: number;
  readonly out: SinkRecord[];
  readonly signal: AbortSignal;
}

/** A record part-way through: what the stages before the failed or pending one produced. */
interface Progress {
  headers: readonly Header[];
  key: SchemaAndValue | null;
  value: SchemaAndValue | null;
}

type FirstAttempt = { readonly error: unknown } | { readonly pending: PromiseLike<unknown> };

const TIMESTAMP_TYPES: Readonly<Record<number, TimestampType>> = {
  [-1]: 'NoTimestampType',
  0: 'CreateTime',
  1: 'LogAppendTime',
};

export class SinkBatchConverter {
  readonly #deps: SinkBatchConverterDeps;
  readonly #hasTransforms: boolean;
  readonly #stageNames: readonly [Stage, string][];
  /** Delivered records → their origin, for the errant-record reporter (only when there is one). */
  readonly #origins: WeakMap<SinkRecord, Origin> | null;

  /** `tracksOrigins`: remember each delivered record's consumed record for `consumedOf`. */
  constructor(deps: SinkBatchConverterDeps, tracksOrigins: boolean) {
    this.#deps = deps;
    this.#hasTransforms = deps.transforms.names.length > 0;
    const names = deps.pluginNames ?? {};
    this.#stageNames = [
      ['HEADER_CONVERTER', names.headerConverter ?? nameOf(deps.headerConverter)],
      ['KEY_CONVERTER', names.keyConverter ?? nameOf(deps.keyConverter)],
      ['VALUE_CONVERTER', names.valueConverter ?? nameOf(deps.valueConverter)],
      ['TRANSFORMATION', deps.transforms.names.join(', ')],
    ];
    this.#origins = tracksOrigins ? new WeakMap() : null;
  }

  /**
   * Converted and transformed records of `messages[from..]`, in order; records the error
   * handler tolerated or a transform dropped are left out. A Promise only when some record
   * needed the error handler or an asynchronous converter. Rejects (throws) with what the
   * error handler threw: tolerance exceeded, or a retry cut short by `signal`.
   */
  convert(
    topic: string,
    partition: number,
    messages: readonly ConsumedMessage[],
    from: number,
    signal: AbortSignal,
  ): SinkRecord[] | Promise<SinkRecord[]> {
    const run: Run = { topic, partition, out: [], signal };
    for (let i = from; i < messages.length; i++) {
      const pending = this.#convertOne(run, messages[i] as ConsumedMessage);
      if (pending !== undefined) return this.#convertRest(run, pending, messages, i + 1);
    }
    return run.out;
  }

  /** The consumed record a delivered record was made from, when origins are tracked and it is one of ours. */
  consumedOf(record: SinkRecord): ConsumedRecord | undefined {
    const origin = this.#origins?.get(record);
    return origin === undefined ? undefined : toConsumed(origin.topic, origin.partition, origin.message);
  }

  async #convertRest(
    run: Run,
    pending: Promise<void>,
    messages: readonly ConsumedMessage[],
    from: number,
  ): Promise<SinkRecord[]> {
    await pending;
    for (let i = from; i < messages.length; i++) {
      const next = this.#convertOne(run, messages[i] as ConsumedMessage);
      if (next !== undefined) await next;
    }
    return run.out;
  }

  /** Appends the record made of `message` to the run's output (unless skipped); a Promise when it needs the slow path. */
  #convertOne(run: Run, message: ConsumedMessage): Promise<void> | undefined {
    const d = this.#deps;
    const { topic } = run;
    let headers = NO_HEADERS;
    let key: SchemaAndValue | null = null;
    let value: SchemaAndValue;
    let stage = HEADERS;
    try {
      headers = this.#convertHeaders(topic, message.headers);
      stage = KEY;
      const k = d.keyConverter.toConnectData(topic, headers, message.key ?? null);
      if (isPromiseLike(k))
        return this.#convertSlowly(run, message, { headers, key, value: null }, KEY, { pending: k });
      key = k;
      stage = VALUE;
      const v = d.valueConverter.toConnectData(topic, headers, message.value ?? null);
      if (isPromiseLike(v))
        return this.#convertSlowly(run, message, { headers, key, value: null }, VALUE, { pending: v });
      value = v;
    } catch (error) {
      return this.#convertSlowly(run, message, { headers, key, value: null }, stage, { error });
    }
    const record = sinkRecordOf(run, message, headers, key, value);
    if (!this.#hasTransforms) {
      this.#deliver(run, message, record);
      return undefined;
    }
    let transformed: SinkRecord | null;
    try {
      transformed = d.transforms.apply(record);
    } catch (error) {
      return this.#convertSlowly(run, message, { headers, key, value }, TRANSFORM, { error });
    }
    if (transformed !== null) this.#deliver(run, message, transformed);
    return undefined;
  }

  /**
   * Finishes a record from stage `at`, whose first attempt failed or is pending. That
   * stage, and any later one that fails, goes through the error handler; the consumed
   * record is built only for the error handler.
   */
  async #convertSlowly(
    run: Run,
    message: ConsumedMessage,
    progress: Progress,
    at: number,
    first: FirstAttempt,
  ): Promise<void> {
    const d = this.#deps;
    const { topic } = run;
    let consumed: ConsumedRecord | undefined;
    const origin = () => {
      consumed ??= toConsumed(topic, run.partition, message);
      return consumed;
    };
    const attempt = <T>(stage: number, operation: () => T | Promise<T>, record?: SinkRecord) =>
      this.#attempt(operation, stage, stage === at ? first : null, origin, run.signal, record);
    if (at <= HEADERS) {
      const headers = await attempt(HEADERS, () => this.#convertHeaders(topic, message.headers));
      if (!headers.ok) return;
      progress.headers = headers.value;
    }
    if (at <= KEY) {
      const key = await attempt(KEY, () => d.keyConverter.toConnectData(topic, progress.headers, message.key ?? null));
      if (!key.ok) return;
      progress.key = key.value;
    }
    if (at <= VALUE) {
      const value = await attempt(VALUE, () =>
        d.valueConverter.toConnectData(topic, progress.headers, message.value ?? null),
      );
      if (!value.ok) return;
      progress.value = value.value;
    }
    const record = sinkRecordOf(
      run,
      message,
      progress.headers,
      progress.key as SchemaAndValue,
      progress.value as SchemaAndValue,
    );
    if (!this.#hasTransforms) {
      this.#deliver(run, message, record);
      return;
    }
    const transformed = await attempt(TRANSFORM, () => d.transforms.apply(record), record);
    if (transformed.ok && transformed.value !== null) this.#deliver(run, message, transformed.value);
  }

  /**
   * One stage: its earlier attempt (`first`) or a new one, and only when that fails, the
   * error handler (which retries, tolerates or throws) with the stage's OperationContext.
   */
  async #attempt<T>(
    operation: () => T | Promise<T>,
    stage: number,
    first: FirstAttempt | null,
    origin: () => ConsumedRecord,
    signal: AbortSignal,
    record?: SinkRecord,
  ): Promise<Outcome<T>> {
    try {
      if (first !== null && 'error' in first) throw first.error;
      const result = first === null ? operation() : first.pending;
      return { ok: true, value: (isPromiseLike(result) ? await result : result) as T };
    } catch (error) {
      const [stageName, pluginName] = this.#stageNames[stage] as [Stage, string];
      const consumed = origin();
      const context: OperationContext =
        record === undefined
          ? { stage: stageName, pluginName, consumed }
          : { stage: stageName, pluginName, record, consumed };
      return this.#deps.errorHandler.execute(failingFirst(operation, error), context, signal);
    }
  }

  #deliver(run: Run, message: ConsumedMessage, record: SinkRecord): void {
    this.#origins?.set(record, { topic: run.topic, partition: run.partition, message });
    run.out.push(record);
  }

  /** The message's headers as Connect headers; records without any share one frozen empty list. */
  #convertHeaders(topic: string, raw: ConsumedMessage['headers']): readonly Header[] {
    if (isHeaderList(raw)) {
      return raw.length === 0 ? NO_HEADERS : raw.map((h) => this.#convertHeader(topic, h.key, h.value ?? undefined));
    }
    let headers: Header[] | null = null;
    for (const key in raw) {
      headers ??= [];
      const value = raw[key];
      if (Array.isArray(value)) for (const v of value) headers.push(this.#convertHeader(topic, key, v));
      else headers.push(this.#convertHeader(topic, key, value));
    }
    return headers ?? NO_HEADERS;
  }

  #convertHeader(topic: string, key: string, raw: Buffer | string | undefined): Header {
    const converted = this.#deps.headerConverter.toConnectHeader(topic, key, headerBytes(raw));
    return { key, schema: converted.schema, value: converted.value };
  }
}

/** The headers of every record that has none (records are immutable). */
const NO_HEADERS: readonly Header[] = Object.freeze([]);

function sinkRecordOf(
  { topic, partition }: Run,
  message: ConsumedMessage,
  headers: readonly Header[],
  key: SchemaAndValue,
  value: SchemaAndValue,
): SinkRecord {
  const offset = Number(message.offset);
  const timestamp = timestampOf(message);
  return {
    topic,
    kafkaPartition: partition,
    kafkaOffset: offset,
    keySchema: key.schema,
    key: key.value,
    valueSchema: value.schema,
    value: value.value,
    timestamp,
    timestampType: timestampTypeOf(message, timestamp),
    headers,
    originalTopic: topic,
    originalKafkaPartition: partition,
    originalKafkaOffset: offset,
  };
}

/** The record as consumed, for the error handler and the dead-letter queue. */
function toConsumed(topic: string, partition: number, message: ConsumedMessage): ConsumedRecord {
  const headers: { key: string; value: Buffer | null }[] = [];
  const raw = message.headers;
  if (isHeaderList(raw)) {
    for (const h of raw) headers.push({ key: h.key, value: h.value });
  } else if (raw !== undefined) {
    for (const key in raw) {
      const value = raw[key];
      if (Array.isArray(value)) for (const v of value) headers.push({ key, value: headerBytes(v) });
      else headers.push({ key, value: headerBytes(value) });
    }
  }
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: timestampOf(message),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
  };
}

function isHeaderList(raw: ConsumedMessage['headers']): raw is readonly RecordHeader[] {
  return Array.isArray(raw);
}

function headerBytes(raw: Buffer | string | undefined | null): Buffer | null {
  if (raw === undefined || raw === null) return null;
  return Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
}

function timestampOf(message: ConsumedMessage): number | null {
  const timestamp = Number(message.timestamp);
  return Number.isFinite(timestamp) && timestamp >= 0 ? timestamp : null;
}

function timestampTypeOf(message: ConsumedMessage, timestamp: number | null): TimestampType {
  if (timestamp === null) return 'NoTimestampType';
  const context = (message as { batchContext?: { timestampType?: unknown } }).batchContext;
  const type = typeof context?.timestampType === 'number' ? TIMESTAMP_TYPES[context.timestampType] : undefined;
  return type ?? 'CreateTime';
}

/** `operation`, except that its first call throws `error` (the attempt already made). */
function failingFirst<T>(operation: () => T, error: unknown): () => T {
  let isFirst = true;
  return () => {
    if (isFirst) {
      isFirst = false;
      throw error;
    }
    return operation();
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value instanceof Promise || typeof (value as { then?: unknown } | null)?.then === 'function';
}

export function nameOf(plugin: object): string {
  const name = plugin.constructor?.name;
  return name === undefined || name === 'Object' ? 'unknown' : name;
}
