/**
 * The JDBC sink task. `put` turns records into rows and buffers them per table, writing a
 * table's buffer when it reaches `batch.size` (without waiting: the write overlaps the
 * conversion of the next records; one write per table at a time) or the row shape changes;
 * `preCommit` waits for those writes, writes every buffer and only then vouches for the
 * offsets, so the worker commits offsets only for rows the database committed (or records
 * reported as bad).
 *
 * Calls are serialised here as well: a `preCommit` the worker abandoned on its timeout may
 * still be writing when the next `put` arrives.
 */
import { setTimeout as sleep, setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  ConnectError,
  DataError,
  type Props,
  RetriableError,
  type Schema,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartition,
  type TopicPartitionOffset,
} from '@tributary/api';
import { type Database, openDatabase, parseConnectionUrl } from '@tributary/jdbc';
import { type JdbcSinkConfig, parseSinkConfig } from './config.js';
import { checkDialectName } from './jdbc-sink-connector.js';
import { describeRecord, inferFieldTypes, recordRow, type ShapeOptions } from './record-shape.js';
import { tableIdFor } from './table-name.js';
import { RecordWriteError, TableWriter } from './table-writer.js';

const STOP_WAIT_MS = 5_000;
/** Records converted between two pauses of `put` while a write is in flight (see `#put`). */
const YIELD_EVERY = 128;

const keyOf = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
/** Offsets are the worker's: the partition and offset as consumed, before transforms. */
const consumedKey = (r: SinkRecord) => keyOf({ topic: r.originalTopic, partition: r.originalKafkaPartition });

export class JdbcSinkTask implements SinkTask {
  #config: JdbcSinkConfig | null = null;
  #context: SinkTaskContext | null = null;
  #db: Database | null = null;
  #shapeOptions: ShapeOptions | null = null;
  readonly #writers = new Map<string, TableWriter>();
  /** Per topic: its table's writer, or the DataError of a topic that names no valid table. */
  readonly #writerOfTopic = new Map<string, TableWriter | DataError>();
  /** The partition key of the last record marked done (records come in runs of one partition). */
  #lastDone: { topic: string; partition: number; key: string } | null = null;
  /** Per partition: the offset after the last record buffered, to ignore redelivered ones. */
  readonly #bufferedNext = new Map<string, number>();
  /** Per partition: the offset after the last record made durable. */
  readonly #doneNext = new Map<string, number>();
  /** The error that failed the task; later calls rethrow it (the worker may call `put` again after a failed `preCommit`). */
  #failure: Error | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  /** Asks the worker for a commit (hence `preCommit`, which writes) `batch.linger.ms` after rows were first buffered. */
  #lingerTimer: NodeJS.Timeout | null = null;
  readonly #stopping = new AbortController();

  async start(props: Props, context: SinkTaskContext): Promise<void> {
    const config = parseSinkConfig(props, `JdbcSinkTask ${context.connectorName}-${context.taskId}`);
    this.#config = config;
    this.#context = context;
    const spec = parseConnectionUrl(config['connection.url'], {
      user: config['connection.user'],
      password: config['connection.password'],
    });
    checkDialectName(config, spec.dialect);
    this.#db = await openDatabase(spec, {
      attempts: config['connection.attempts'],
      backoffMs: config['connection.backoff.ms'],
      logger: context.logger,
      signal: this.#stopping.signal,
      createIfMissing: true,
    });
    this.#shapeOptions = {
      pkMode: config['pk.mode'],
      pkFields: config['pk.fields'],
      fieldsWhitelist: config['fields.whitelist'],
      isDeleteEnabled: config['delete.enabled'],
      insertMode: config['insert.mode'],
      replaceNullWithDefault: config['replace.null.with.default'],
      stringValueColumn: config['string.output.value.column.name'],
    };
  }

  put(records: readonly SinkRecord[]): Promise<void> {
    return this.#serial(() => this.#put(records));
  }

  preCommit(currentOffsets: readonly TopicPartitionOffset[]): Promise<readonly TopicPartitionOffset[]> {
    return this.#serial(async () => {
      if (this.#failure === null) {
        await this.#guard(() => this.#flushAll());
        return currentOffsets;
      }
      // After a failure only what was made durable counts.
      const out: TopicPartitionOffset[] = [];
      for (const o of currentOffsets) {
        const done = this.#doneNext.get(keyOf(o));
        if (done !== undefined) out.push({ ...o, offset: Math.min(o.offset, done) });
      }
      return out;
    });
  }

  close(partitions: readonly TopicPartition[]): Promise<void> {
    return this.#serial(async () => {
      if (this.#failure === null) await this.#guard(() => this.#flushAll());
      for (const tp of partitions) {
        this.#bufferedNext.delete(keyOf(tp));
        this.#doneNext.delete(keyOf(tp));
      }
    });
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    if (this.#lingerTimer !== null) clearTimeout(this.#lingerTimer);
    this.#lingerTimer = null;
    const db = this.#db;
    this.#db = null;
    // Let a write in flight finish (its retry back-off is aborted), but not forever: a
    // statement stuck on a lock is ended by closing the pool.
    await Promise.race([this.#queue.catch(() => undefined), sleep(STOP_WAIT_MS, undefined, { ref: false })]);
    await db?.close();
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Runs `work`; a non-retriable failure fails the task, and buffered rows are dropped. */
  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof RetriableError) {
        this.#context?.timeout(this.#config?.['retry.backoff.ms'] ?? 0);
        throw err;
      }
      this.#failure = err instanceof Error ? err : new ConnectError(String(err));
      for (const w of this.#writers.values()) w.discard();
      throw err;
    }
  }

  async #put(records: readonly SinkRecord[]): Promise<void> {
    const config = this.#config;
    const options = this.#shapeOptions;
    const db = this.#db;
    if (config === null || options === null || db === null)
      throw new ConnectError('JdbcSinkTask.put called before start');
    if (this.#failure !== null) throw this.#failure;
    await this.#guard(async () => {
      this.#hintTypes(records, config, db);
      let topic: string | null = null;
      let partitionNumber = -1;
      let partition = '';
      let sinceYield = 0;
      for (const record of records) {
        if (record.originalTopic !== topic || record.originalKafkaPartition !== partitionNumber) {
          topic = record.originalTopic;
          partitionNumber = record.originalKafkaPartition;
          partition = consumedKey(record);
        }
        const next = this.#bufferedNext.get(partition);
        if (next !== undefined && record.originalKafkaOffset < next) continue;
        const added = this.#add(record, config, options, db);
        const writer = added instanceof Promise ? await added : added;
        // Buffered (or reported): a redelivery after a failed flush must not buffer it again.
        this.#bufferedNext.set(partition, record.originalKafkaOffset + 1);
        if (writer === null) continue;
        // Written while the next records are converted; `preCommit` waits for it.
        if (writer.isFull) await writer.startFlush();
        else if (++sinceYield >= YIELD_EVERY && writer.isWriting) {
          // A write's round trips (its one statement, or BEGIN, the statements and COMMIT)
          // are answered only when the event loop is free: converting a whole fetch
          // without a pause would leave the database idle meanwhile.
          sinceYield = 0;
          await yieldToEventLoop();
        }
      }
      this.#scheduleLinger(config['batch.linger.ms']);
    });
  }

  /** Per table, the types of schemaless fields over this batch, for the columns auto.create/auto.evolve make. */
  #hintTypes(records: readonly SinkRecord[], config: JdbcSinkConfig, db: Database): void {
    if (!config['auto.create'] && !config['auto.evolve']) return;
    const byTopic = new Map<string, unknown[]>();
    for (const r of records) {
      if (r.valueSchema !== null) continue;
      const values = byTopic.get(r.topic);
      if (values === undefined) byTopic.set(r.topic, [r.value]);
      else values.push(r.value);
    }
    for (const [topic, values] of byTopic) {
      let writer: TableWriter;
      try {
        writer = this.#writerFor(
          tableIdFor(topic, config['table.name.format'], config['table.name.dots'], db.spec.dialect),
          db,
          config,
        );
      } catch {
        continue; // The records report the bad table name themselves.
      }
      const hints = new Map<string, Schema>();
      inferFieldTypes(values, hints);
      writer.hintTypes(hints);
    }
  }

  /**
   * Buffers the record in its table's writer (returned), or reports it as bad (null).
   * Synchronous unless the record has a new shape or is bad.
   */
  #add(
    record: SinkRecord,
    config: JdbcSinkConfig,
    options: ShapeOptions,
    db: Database,
  ): TableWriter | Promise<TableWriter | null> {
    let writer: TableWriter;
    let row: ReturnType<typeof recordRow>;
    try {
      writer = this.#writerOfRecord(record, config, db);
      row = recordRow(record, options);
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      return this.#reportOrThrow(record, err).then(() => null);
    }
    const pending = writer.add(row);
    return pending === undefined ? writer : pending.then(() => writer);
  }

  #writerOfRecord(record: SinkRecord, config: JdbcSinkConfig, db: Database): TableWriter {
    let writer = this.#writerOfTopic.get(record.topic);
    if (writer === undefined) {
      try {
        const table = tableIdFor(record.topic, config['table.name.format'], config['table.name.dots'], db.spec.dialect);
        writer = this.#writerFor(table, db, config);
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
        writer = err;
      }
      this.#writerOfTopic.set(record.topic, writer);
    }
    if (writer instanceof DataError) throw writer;
    return writer;
  }

  async #reportOrThrow(record: SinkRecord, err: DataError): Promise<void> {
    const reporter = this.#context?.errantRecordReporter ?? null;
    const error =
      err instanceof RecordWriteError
        ? err
        : new RecordWriteError(
            err.message.includes(describeRecord(record))
              ? err.message
              : `Record ${describeRecord(record)}: ${err.message}`,
            {
              cause: err,
              sqlState: null,
            },
          );
    if (reporter === null) throw error;
    await reporter(record, error);
    this.#markDone(record);
  }

  #writerFor(table: ReturnType<typeof tableIdFor>, db: Database, config: JdbcSinkConfig): TableWriter {
    const name = JSON.stringify([table.catalog, table.schema, table.table]);
    let writer = this.#writers.get(name);
    const context = this.#context;
    if (writer === undefined && context !== null) {
      writer = new TableWriter(table, {
        db,
        config,
        logger: context.logger,
        reporter: context.errantRecordReporter,
        sleep: (ms) => sleep(ms, undefined, { signal: this.#stopping.signal }),
        markDone: (record) => this.#markDone(record),
      });
      this.#writers.set(name, writer);
    }
    if (writer === undefined) throw new ConnectError('JdbcSinkTask used before start');
    return writer;
  }

  #markDone(record: SinkRecord): void {
    let last = this.#lastDone;
    if (last === null || last.topic !== record.originalTopic || last.partition !== record.originalKafkaPartition) {
      last = { topic: record.originalTopic, partition: record.originalKafkaPartition, key: consumedKey(record) };
      this.#lastDone = last;
    }
    const k = last.key;
    const done = this.#doneNext.get(k);
    if (done === undefined || done < record.originalKafkaOffset + 1)
      this.#doneNext.set(k, record.originalKafkaOffset + 1);
  }

  async #flushAll(): Promise<void> {
    if (this.#lingerTimer !== null) clearTimeout(this.#lingerTimer);
    this.#lingerTimer = null;
    for (const writer of this.#writers.values()) await writer.flush();
  }

  #scheduleLinger(lingerMs: number): void {
    if (this.#lingerTimer !== null || ![...this.#writers.values()].some((w) => w.bufferedCount > 0)) return;
    const context = this.#context;
    if (lingerMs === 0) {
      context?.requestCommit();
      return;
    }
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = null;
      context?.requestCommit();
    }, lingerMs);
    this.#lingerTimer.unref();
  }
}
