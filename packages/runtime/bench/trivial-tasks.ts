/** The bench's connectors: a source task that emits prepared records, a sink task that counts them. */
import { setTimeout as sleep } from 'node:timers/promises';
import { Schemas, type SinkRecord, type SinkTask, type SourceRecord, type SourceTask } from '@tributary/api';

/** Records per `poll`, as FileStream's default `batch.size`. */
const POLL_BATCH = 2000;

export interface TrivialSourceOptions {
  readonly topic: string;
  readonly payload: Buffer;
  readonly count: number;
  /** `bytes`: Buffer values for ByteArrayConverter; `string`: string values for StringConverter. */
  readonly converter: 'bytes' | 'string';
}

export interface TrivialSource {
  readonly task: SourceTask;
  readonly count: number;
  readonly converter: 'bytes' | 'string';
}

export function createTrivialSource(options: TrivialSourceOptions): TrivialSource {
  const { topic, count, converter } = options;
  const value: Buffer | string = converter === 'bytes' ? options.payload : options.payload.toString('utf8');
  const valueSchema = converter === 'bytes' ? Schemas.BYTES : Schemas.STRING;
  const sourcePartition = { source: 'bench' };
  let emitted = 0;
  const task: SourceTask = {
    start: () => {},
    poll: async (signal) => {
      if (emitted >= count) {
        await sleep(20, undefined, { signal }).catch(() => undefined);
        return [];
      }
      const n = Math.min(POLL_BATCH, count - emitted);
      const now = Date.now();
      const records: SourceRecord[] = new Array(n);
      for (let i = 0; i < n; i++) {
        records[i] = {
          topic,
          kafkaPartition: null,
          keySchema: null,
          key: null,
          valueSchema,
          value,
          timestamp: now,
          headers: [],
          sourcePartition,
          sourceOffset: { position: emitted + i + 1 },
        };
      }
      emitted += n;
      return records;
    },
    stop: () => {},
  };
  return { task, count, converter };
}

export interface TrivialSink {
  readonly task: SinkTask;
  /** Resolves with the seconds from the first `put` to the `count`-th record. */
  readonly elapsedSeconds: Promise<number>;
}

export function createTrivialSink(count: number): TrivialSink {
  let seen = 0;
  let bytes = 0;
  let started: bigint | null = null;
  let done: (seconds: number) => void = () => {};
  const elapsedSeconds = new Promise<number>((resolve) => {
    done = resolve;
  });
  const task: SinkTask = {
    start: () => {},
    put: async (records: readonly SinkRecord[]) => {
      started ??= process.hrtime.bigint();
      for (const r of records)
        bytes += typeof r.value === 'string' ? r.value.length : ((r.value as Uint8Array | null)?.length ?? 0);
      seen += records.length;
      if (seen >= count && started !== null && bytes > 0) done(Number(process.hrtime.bigint() - started) / 1e9);
    },
    stop: () => {},
  };
  return { task, elapsedSeconds };
}
