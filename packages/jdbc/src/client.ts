// Opens a Database: a knex pool whose connections are configured per driver, a first
// connection retried `connection.attempts` times, and queries/streams/transactions on raw
// connections with the driver's native placeholders. DuckDB has its own (drivers/duckdb-driver.ts).
import { EventEmitter } from 'node:events';
import { finished, type Readable } from 'node:stream';
import { ConnectError } from '@tributary/api';
import knexFactory, { type Knex } from 'knex';
import { copyTextChunks } from './copy-text.js';
import type {
  ConnectionSpec,
  Database,
  ExecuteResult,
  OpenDatabaseOptions,
  Queryable,
  QueryResult,
  Row,
  RowBatch,
  StreamOptions,
  Transaction,
} from './dialect.js';
import { dialectFor } from './dialects/dialect-for.js';
import { isTransient, wrapDriverError } from './driver-errors.js';
import { type Driver, markDisposed } from './drivers/driver.js';
import { mysqlDriver } from './drivers/mysql-driver.js';
import { sqliteDriver } from './drivers/sqlite-driver.js';

/**
 * Opens a pool on `spec` and checks it with the dialect's current-time query, trying up to
 * `attempts` times `backoffMs` apart. Fails with a `ConnectError` (code `CONNECTION`) naming
 * the address and the number of attempts, with the last driver error as `cause`.
 */
export async function openDatabase(spec: ConnectionSpec, options: OpenDatabaseOptions = {}): Promise<Database> {
  // DuckDB's native library (~36 MB resident) and pg load only when a database of theirs is opened.
  if (spec.dialect === 'duckdb') {
    const { openDuckdbDatabase } = await import('./drivers/duckdb-driver.js');
    return openDuckdbDatabase(spec, options);
  }
  const attempts = Math.max(1, Math.floor(options.attempts ?? 3));
  const backoffMs = Math.max(0, options.backoffMs ?? 10_000);
  const driver = await driverFor(spec, options.createIfMissing ?? false);
  const poolSize = Math.max(driver.minPoolSize(spec), options.poolSize ?? 2);
  const db = new KnexDatabase(
    spec,
    driver,
    knexFactory({ ...driver.knexConfig(spec, poolSize), log: knexLog(options.logger) }),
    options.logger,
  );
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (options.signal?.aborted) {
      await db.close();
      throw options.signal.reason;
    }
    try {
      await db.query(db.dialect.currentTimeSql);
      for (const note of spec.notes) options.logger?.info(`${spec.dialect} at ${spec.address}: ${note}`);
      return db;
    } catch (error) {
      lastError = error;
      const message = error instanceof Error ? error.message : String(error);
      options.logger?.warn(
        { address: spec.address, attempt, attempts },
        `Connection attempt ${attempt} of ${attempts} to ${spec.dialect} at ${spec.address} failed: ${message}`,
      );
      if (attempt < attempts) {
        try {
          await sleep(backoffMs, options.signal);
        } catch (abort) {
          await db.close();
          throw abort;
        }
      }
    }
  }
  await db.close();
  const driverError =
    lastError instanceof ConnectError && lastError.cause instanceof Error ? lastError.cause : lastError;
  const reason = driverError instanceof Error ? driverError.message : String(driverError);
  throw new ConnectError(
    `Could not connect to ${spec.dialect} at ${spec.address} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`,
    {
      cause: lastError,
      code: 'CONNECTION',
    },
  );
}

// knex's own messages (e.g. "Connection Error" when the pool discards a connection a
// stream abandoned) go to the logger at debug level instead of the console.
function knexLog(logger: OpenDatabaseOptions['logger']): Knex.Logger {
  const debug = (message: unknown) => logger?.debug(`knex: ${String(message)}`);
  return { warn: debug, error: debug, deprecate: debug, debug };
}

function isDisposed(connection: unknown): boolean {
  return (
    typeof connection === 'object' &&
    connection !== null &&
    (connection as { __knex__disposed?: unknown }).__knex__disposed !== undefined
  );
}

// Waits for a destroyed row stream to finish closing its cursor, unless the connection is
// gone: then the cursor can never confirm (pg would wait for a ReadyForQuery forever).
function closedOrGone(rows: Readable, connection: unknown): Promise<void> {
  if (rows.closed || isDisposed(connection)) return Promise.resolve();
  const emitter = connection instanceof EventEmitter ? connection : null;
  return new Promise((resolve) => {
    const done = () => {
      rows.off('close', done);
      emitter?.off('end', done);
      emitter?.off('error', done);
      resolve();
    };
    rows.once('close', done);
    emitter?.once('end', done);
    emitter?.once('error', done);
  });
}

/**
 * The rows of an object-mode stream in arrays of up to `size`, taken synchronously while
 * the stream has them buffered: Node's own async iterator costs a promise per row. Ends
 * with the stream, throws its error (rows of an unfinished array are then dropped, as a
 * per-row loop would have stopped there); a stream left before its end is destroyed.
 */
async function* rowBatches(rows: Readable, size: number): AsyncGenerator<Row[]> {
  // undefined while the stream runs; null once it ended cleanly.
  let failure: Error | null | undefined;
  let wake: (() => void) | null = null;
  const onReadable = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const stopWatching = finished(rows, { writable: false }, (error) => {
    failure = error ?? null;
    onReadable();
  });
  rows.on('readable', onReadable);
  try {
    let batch: Row[] = [];
    for (;;) {
      const row: unknown = rows.destroyed ? null : rows.read();
      if (row !== null) {
        batch.push(row as Row);
        if (batch.length >= size) {
          const full = batch;
          batch = [];
          yield full;
        }
        continue;
      }
      if (failure !== undefined) {
        if (failure !== null) throw failure;
        break;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (batch.length > 0) yield batch;
  } finally {
    rows.off('readable', onReadable);
    // As Node's iterator: a stream left early is destroyed, and its late errors stay handled.
    if (failure === null) stopWatching();
    else rows.destroy();
  }
}

async function driverFor(spec: ConnectionSpec, createIfMissing: boolean): Promise<Driver> {
  switch (spec.dialect) {
    case 'mysql':
      return mysqlDriver;
    case 'postgresql': {
      const { pgDriver } = await import('./drivers/pg-driver.js');
      return pgDriver();
    }
    case 'sqlite':
      sqliteDriver.allowCreate(spec, createIfMissing);
      return sqliteDriver;
    case 'duckdb':
      throw new ConnectError('DuckDB databases are opened by openDuckdbDatabase');
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class KnexDatabase implements Database {
  readonly dialect;
  readonly canCopyRows: boolean;
  private isClosed = false;
  private readonly lookup: Queryable;

  constructor(
    readonly spec: ConnectionSpec,
    private readonly driver: Driver,
    readonly knex: Knex,
    private readonly logger: OpenDatabaseOptions['logger'],
  ) {
    this.dialect = dialectFor(spec.dialect);
    this.canCopyRows = driver.copyIn !== undefined;
    this.lookup = { query: (sql, bindings) => this.query(sql, bindings) };
  }

  async query(sql: string, bindings: readonly unknown[] = []): Promise<QueryResult> {
    const connection = await this.acquire();
    try {
      return await this.driver.query(connection, sql, bindings);
    } catch (error) {
      throw wrapDriverError(error, this.spec);
    } finally {
      await this.knex.client.releaseConnection(connection);
    }
  }

  async *stream(sql: string, bindings: readonly unknown[], options: StreamOptions): AsyncGenerator<RowBatch> {
    const { signal } = options;
    const batchSize = Math.max(1, Math.floor(options.batchSize));
    signal?.throwIfAborted();
    const connection = await this.acquire();
    let isComplete = false;
    let opened: ReturnType<Driver['stream']> | undefined;
    const onAbort = () => {
      opened
        ?.cancel()
        .catch((error: unknown) =>
          this.logger?.debug(`Cancelling a statement on ${this.spec.address} failed: ${String(error)}`),
        );
      opened?.rows.destroy(signal?.reason instanceof Error ? signal.reason : new Error(String(signal?.reason)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      opened = this.driver.stream(connection, sql, bindings, batchSize, this.lookup);
      let columns: RowBatch['columns'] | undefined;
      for await (const rows of rowBatches(opened.rows, batchSize)) {
        columns ??= await opened.columns();
        yield { columns, rows };
      }
      isComplete = true;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw wrapDriverError(error, this.spec);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (opened !== undefined) {
        const { rows } = opened;
        if (!isComplete) opened.abandon();
        if (!rows.destroyed) rows.destroy();
        await closedOrGone(rows, connection);
      }
      await this.knex.client.releaseConnection(connection);
    }
  }

  async execute(sql: string, bindings: readonly unknown[] = []): Promise<ExecuteResult> {
    const connection = await this.acquire();
    try {
      return await this.driver.execute(connection, sql, bindings);
    } catch (error) {
      if (isTransient(error)) markDisposed(connection, 'statement failed on a lost connection');
      throw wrapDriverError(error, this.spec);
    } finally {
      await this.knex.client.releaseConnection(connection);
    }
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    const wrap = (error: unknown) => {
      // A connection that failed this way may be half-dead: never hand it out again.
      if (isTransient(error)) markDisposed(connection, 'transaction failed on a lost connection');
      return wrapDriverError(error, this.spec);
    };
    const tx: { -readonly [K in keyof Transaction]: Transaction[K] } = {
      query: async (sql, bindings = []) => {
        try {
          return await this.driver.query(connection, sql, bindings);
        } catch (error) {
          throw wrap(error);
        }
      },
      execute: async (sql, bindings = []) => {
        try {
          return await this.driver.execute(connection, sql, bindings);
        } catch (error) {
          throw wrap(error);
        }
      },
    };
    const { copyIn } = this.driver;
    if (copyIn !== undefined) {
      tx.copyRows = async (table, columns, rows) => {
        const d = this.dialect;
        const sql = `COPY ${d.quoteTable(table)} (${columns.map((c) => d.quoteIdentifier(c)).join(', ')}) FROM STDIN`;
        try {
          return { affectedRows: await copyIn(connection, sql, copyTextChunks(rows)) };
        } catch (error) {
          throw wrap(error);
        }
      };
    }
    try {
      // SQLite: take the write lock up front, so two writers queue on busy_timeout instead
      // of deadlocking when both upgrade from a read lock.
      await tx.execute(this.spec.dialect === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN');
      let value: T;
      try {
        value = await fn(tx);
      } catch (error) {
        try {
          await this.driver.execute(connection, 'ROLLBACK', []);
        } catch (rollbackError) {
          markDisposed(connection, 'ROLLBACK failed');
          this.logger?.debug(`ROLLBACK on ${this.spec.address} failed: ${String(rollbackError)}`);
        }
        throw error;
      }
      await tx.execute('COMMIT');
      return value;
    } finally {
      await this.knex.client.releaseConnection(connection);
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await this.knex.destroy();
  }

  private async acquire(): Promise<unknown> {
    if (this.isClosed) throw new ConnectError(`The connection to ${this.spec.address} is closed`);
    try {
      return await this.knex.client.acquireConnection();
    } catch (error) {
      throw wrapDriverError(error, this.spec);
    }
  }
}
