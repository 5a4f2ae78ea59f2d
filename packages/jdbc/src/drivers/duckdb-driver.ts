// @duckdb/node-api wiring: one DuckDB instance per file, a fresh connection per query,
// stream and transaction (DuckDB connections are cheap, and share the instance's data,
// `:memory:` included). knex has no DuckDB client, so `knex` is null. Values are read as
// JavaScript primitives where exact (numbers, bigints, booleans, strings), Buffers for
// BLOBs, DuckDB's text for decimals, dates, times and timestamps.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  blobValue,
  type DuckDBAppender,
  DuckDBBlobValue,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api';
import { ConfigError, ConnectError } from '@tributary/api';
import type {
  ColumnDefinition,
  ConnectionSpec,
  Database,
  ExecuteResult,
  OpenDatabaseOptions,
  QueryResult,
  Row,
  RowBatch,
  StreamOptions,
  TableId,
  Transaction,
} from '../dialect.js';
import { duckdbColumn, duckdbDialect } from '../dialects/duckdb.js';
import { wrapDriverError } from '../driver-errors.js';

function rawValue(value: DuckDBValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes);
  if (value instanceof DuckDBListValue) return value.items.map(rawValue);
  return value.toString();
}

function bindable(values: readonly unknown[]): DuckDBValue[] {
  return values.map((v): DuckDBValue => {
    if (v === undefined || v === null) return null;
    if (v instanceof Uint8Array) return blobValue(v);
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string') return v;
    return String(v);
  });
}

interface ResultColumns {
  columnCount: number;
  columnName(i: number): string;
  columnType(i: number): { toString(): string };
}

function columnsOf(result: ResultColumns): ColumnDefinition[] {
  return Array.from({ length: result.columnCount }, (_, i) =>
    duckdbColumn(result.columnName(i), result.columnType(i).toString(), true, null),
  );
}

// Two DuckDB instances on one file in one process do not see each other's writes (and
// would overwrite each other's checkpoints), so databases on the same file share one
// instance, closed with the last of them. Each `:memory:` database is its own.
const shared = new Map<string, { instance: Promise<DuckDBInstance>; users: number }>();

async function acquireInstance(filename: string): Promise<DuckDBInstance> {
  if (filename === ':memory:') return DuckDBInstance.create(filename);
  const key = resolve(filename);
  let entry = shared.get(key);
  if (entry === undefined) {
    const instance = DuckDBInstance.create(key);
    entry = { instance, users: 0 };
    shared.set(key, entry);
    instance.catch(() => shared.delete(key));
  }
  entry.users++;
  return entry.instance;
}

function releaseInstance(filename: string, instance: DuckDBInstance): void {
  const key = filename === ':memory:' ? null : resolve(filename);
  const entry = key === null ? undefined : shared.get(key);
  if (entry !== undefined && key !== null) {
    entry.users--;
    if (entry.users > 0) return;
    shared.delete(key);
  }
  instance.closeSync();
}

/** Opens a DuckDB file (or `:memory:`) as a Database; fails like openDatabase does. */
export async function openDuckdbDatabase(spec: ConnectionSpec, options: OpenDatabaseOptions): Promise<Database> {
  const filename = spec.filename ?? ':memory:';
  if (filename !== ':memory:' && !(options.createIfMissing ?? false) && !existsSync(filename))
    throw new ConfigError([
      { key: 'connection.url', value: spec.toString(), message: `the DuckDB database file ${filename} does not exist` },
    ]);
  let instance: DuckDBInstance;
  try {
    instance = await acquireInstance(filename);
  } catch (error) {
    const key = resolve(filename);
    const entry = shared.get(key);
    if (entry !== undefined && --entry.users <= 0) shared.delete(key);
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConnectError(`Could not open duckdb at ${spec.address}: ${reason}`, { cause: error, code: 'CONNECTION' });
  }
  for (const note of spec.notes) options.logger?.info(`duckdb at ${spec.address}: ${note}`);
  return new DuckdbDatabase(spec, instance);
}

class DuckdbDatabase implements Database {
  readonly dialect = duckdbDialect;
  readonly knex = null;
  readonly canCopyRows = true;
  private isClosed = false;
  private readonly open = new Set<DuckDBConnection>();

  constructor(
    readonly spec: ConnectionSpec,
    private readonly instance: DuckDBInstance,
  ) {}

  async query(sql: string, bindings: readonly unknown[] = []): Promise<QueryResult> {
    return this.withConnection((c) => runQuery(c, sql, bindings));
  }

  async execute(sql: string, bindings: readonly unknown[] = []): Promise<ExecuteResult> {
    return this.withConnection((c) => runExecute(c, sql, bindings));
  }

  async *stream(sql: string, bindings: readonly unknown[], options: StreamOptions): AsyncGenerator<RowBatch> {
    const { signal } = options;
    const batchSize = Math.max(1, Math.floor(options.batchSize));
    signal?.throwIfAborted();
    const connection = await this.connect();
    const onAbort = () => connection.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await connection.stream(sql, bindable(bindings));
      const columns = columnsOf(result);
      let batch: Row[] = [];
      // DuckDB hands out vectors of up to 2048 rows; they are re-cut to batchSize.
      for (;;) {
        signal?.throwIfAborted();
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        for (const row of chunk.getRows()) {
          batch.push(row.map(rawValue));
          if (batch.length >= batchSize) {
            const full = batch;
            batch = [];
            yield { columns, rows: full };
          }
        }
      }
      if (batch.length > 0) yield { columns, rows: batch };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw wrapDriverError(error, this.spec);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.release(connection);
    }
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    const tx: Transaction = {
      query: async (sql, bindings = []) => {
        try {
          return await runQuery(connection, sql, bindings);
        } catch (error) {
          throw wrapDriverError(error, this.spec);
        }
      },
      execute: async (sql, bindings = []) => {
        try {
          return await runExecute(connection, sql, bindings);
        } catch (error) {
          throw wrapDriverError(error, this.spec);
        }
      },
      copyRows: async (table, columns, rows) => {
        try {
          return await appendRows(connection, table, columns, rows);
        } catch (error) {
          throw wrapDriverError(appenderError(error), this.spec);
        }
      },
    };
    try {
      await tx.execute('BEGIN TRANSACTION');
      let value: T;
      try {
        value = await fn(tx);
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      await tx.execute('COMMIT');
      return value;
    } finally {
      this.release(connection);
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const c of this.open) c.closeSync();
    this.open.clear();
    releaseInstance(this.spec.filename ?? ':memory:', this.instance);
  }

  private async connect(): Promise<DuckDBConnection> {
    if (this.isClosed) throw new ConnectError(`The connection to ${this.spec.address} is closed`);
    try {
      const connection = await this.instance.connect();
      this.open.add(connection);
      return connection;
    } catch (error) {
      throw wrapDriverError(error, this.spec);
    }
  }

  private release(connection: DuckDBConnection): void {
    if (this.open.delete(connection)) connection.closeSync();
  }

  private async withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    try {
      return await fn(connection);
    } catch (error) {
      throw wrapDriverError(error, this.spec);
    } finally {
      this.release(connection);
    }
  }
}

async function runQuery(connection: DuckDBConnection, sql: string, bindings: readonly unknown[]): Promise<QueryResult> {
  const reader = await connection.runAndReadAll(sql, bindable(bindings));
  return { columns: columnsOf(reader), rows: reader.getRows().map((r) => r.map(rawValue)) };
}

async function runExecute(
  connection: DuckDBConnection,
  sql: string,
  bindings: readonly unknown[],
): Promise<ExecuteResult> {
  const result = await connection.run(sql, bindings.length === 0 ? undefined : bindable(bindings));
  return { affectedRows: result.rowsChanged };
}

/**
 * `Transaction.copyRows` for DuckDB: the rows through an appender, which writes them in the
 * connection's open transaction. The appender fills every column of the table in order,
 * so `columns` must be the table's columns (a staging table made for them).
 */
async function appendRows(
  connection: DuckDBConnection,
  table: TableId,
  columns: readonly string[],
  rows: readonly Row[],
): Promise<ExecuteResult> {
  const appender = await connection.createAppender(table.table, table.schema, table.catalog);
  try {
    if (appender.columnCount !== columns.length)
      throw new ConnectError(
        `Cannot append to ${table.table}: it has ${appender.columnCount} columns, not the ${columns.length} given (${columns.join(', ')})`,
      );
    const appends = columns.map((_, i) => appendFor(appender, appender.columnType(i).typeId));
    for (const row of rows) {
      for (let i = 0; i < appends.length; i++) {
        const v = row[i];
        if (v === null || v === undefined) appender.appendNull();
        else (appends[i] as (value: unknown) => void)(v);
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return { affectedRows: rows.length };
}

/** How a (non-null) value goes into a column of type `typeId`: typed for the usual types, else cast by DuckDB. */
function appendFor(appender: DuckDBAppender, typeId: DuckDBTypeId): (value: unknown) => void {
  const generic = (v: unknown) => appender.appendValue(bindable([v])[0] ?? null);
  switch (typeId) {
    case DuckDBTypeId.BIGINT:
      return (v) => (typeof v === 'bigint' ? appender.appendBigInt(v) : generic(v));
    case DuckDBTypeId.INTEGER:
      return (v) => (typeof v === 'number' && Number.isInteger(v) ? appender.appendInteger(v) : generic(v));
    case DuckDBTypeId.DOUBLE:
      return (v) => (typeof v === 'number' ? appender.appendDouble(v) : generic(v));
    case DuckDBTypeId.VARCHAR:
      return (v) => (typeof v === 'string' ? appender.appendVarchar(v) : generic(v));
    case DuckDBTypeId.BOOLEAN:
      return (v) => (typeof v === 'boolean' ? appender.appendBoolean(v) : generic(v));
    case DuckDBTypeId.BLOB:
      return (v) => (v instanceof Uint8Array ? appender.appendBlob(v) : generic(v));
    default:
      return generic;
  }
}

/**
 * The appender's errors lack the "Conversion Error:"/"Constraint Error:" prefixes of
 * statement errors, which classify a failure as the data's; they are given them here.
 */
function appenderError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (/^Failed to cast/.test(error.message)) return new Error(`Conversion Error: ${error.message}`, { cause: error });
  if (/^Failed to append: .*(constraint|[Dd]uplicate key)/.test(error.message))
    return new Error(`Constraint Error: ${error.message}`, { cause: error });
  return error;
}
