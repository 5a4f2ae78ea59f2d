// better-sqlite3 wiring. Integers are read as bigint (safeIntegers) so INTEGER values
// beyond 2^53 keep every digit. A file database must exist unless the caller allows
// creating it; `:memory:` lives in a single connection.
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { ConfigError, RetriableError } from '@tributary/api';
import type BetterSqlite3 from 'better-sqlite3';
import type { Knex } from 'knex';
import type { ColumnDefinition, ConnectionSpec, Row } from '../dialect.js';
import { asNumberOrNull, asText } from '../dialects/metadata-values.js';
import { parseDeclaredType } from '../dialects/sqlite.js';
import type { Driver } from './driver.js';

type SqliteColumn = BetterSqlite3.ColumnDefinition;

function isMemory(spec: ConnectionSpec): boolean {
  return spec.filename === ':memory:' || spec.filename === null;
}

// better-sqlite3 binds numbers, bigints, strings, buffers and null only.
function bindable(values: readonly unknown[]): unknown[] {
  return values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v instanceof Date ? v.toISOString() : v));
}

/**
 * Statements `execute` prepared, per connection, most recently used last. A sink writes
 * every batch with the same few statements, and preparing a multi-row INSERT costs about
 * as much as running it. SQLite re-prepares a cached statement itself after a schema change.
 */
const statementCaches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();
const STATEMENTS_PER_CONNECTION = 32;

function cachedStatement(db: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = statementCaches.get(db);
  if (cache === undefined) {
    cache = new Map();
    statementCaches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (statement !== undefined) {
    cache.delete(sql);
  } else {
    statement = db.prepare(sql);
    if (cache.size >= STATEMENTS_PER_CONNECTION) cache.delete(cache.keys().next().value as string);
  }
  cache.set(sql, statement);
  return statement;
}

function columnsOf(db: BetterSqlite3.Database, columns: readonly SqliteColumn[]): ColumnDefinition[] {
  const tables = new Map<string, Map<string, { notnull: boolean; pk: number; pkCount: number }>>();
  const infoFor = (database: string, table: string) => {
    const key = `${database}\u0000${table}`;
    let info = tables.get(key);
    if (info === undefined) {
      info = new Map();
      const rows = db
        .prepare('SELECT name, "notnull", pk FROM pragma_table_info(?, ?)')
        .raw(true)
        .all(table, database) as unknown[][];
      const pkCount = rows.filter((r) => (asNumberOrNull(r[2]) ?? 0) > 0).length;
      for (const r of rows)
        info.set(asText(r[0]), { notnull: asNumberOrNull(r[1]) === 1, pk: asNumberOrNull(r[2]) ?? 0, pkCount });
      tables.set(key, info);
    }
    return info;
  };
  return columns.map((c) => {
    const { typeName, precision, scale } = parseDeclaredType(c.type);
    const source =
      c.table !== null && c.column !== null ? infoFor(c.database ?? 'main', c.table).get(c.column) : undefined;
    const isRowid = source !== undefined && source.pk > 0 && source.pkCount === 1 && typeName === 'integer';
    return {
      name: c.name,
      typeName,
      declaredType: (c.type ?? '').toLowerCase(),
      isUnsigned: false,
      precision,
      scale,
      isNullable: source === undefined ? true : !source.notnull && !isRowid,
      isAutoIncrement: isRowid,
      primaryKeyPosition: source !== undefined && source.pk > 0 ? source.pk : null,
    };
  });
}

export const sqliteDriver: Driver & { allowCreate: (spec: ConnectionSpec, isCreateAllowed: boolean) => void } = {
  minPoolSize: () => 1,

  allowCreate(spec, isCreateAllowed) {
    if (!isMemory(spec) && !isCreateAllowed && spec.filename !== null && !existsSync(spec.filename)) {
      throw new ConfigError([
        {
          key: 'connection.url',
          value: spec.toString(),
          message: `the SQLite database file ${spec.filename} does not exist`,
        },
      ]);
    }
  },

  knexConfig(spec, poolSize): Knex.Config {
    return {
      client: 'better-sqlite3',
      connection: {
        filename: spec.filename ?? ':memory:',
        options: { safeIntegers: true },
      } as Knex.Sqlite3ConnectionConfig,
      useNullAsDefault: true,
      pool: {
        min: isMemory(spec) ? 1 : 0,
        max: isMemory(spec) ? 1 : poolSize,
        idleTimeoutMillis: isMemory(spec) ? 2 ** 31 - 1 : 30_000,
      },
    };
  },

  async query(connection, sql, bindings) {
    const db = connection as BetterSqlite3.Database;
    const statement = db.prepare(sql);
    if (!statement.reader) {
      statement.run(...bindable(bindings));
      return { columns: [], rows: [] };
    }
    const columns = columnsOf(db, statement.columns());
    return { columns, rows: statement.raw(true).all(...bindable(bindings)) as Row[] };
  },

  async execute(connection, sql, bindings) {
    const statement = cachedStatement(connection as BetterSqlite3.Database, sql);
    if (statement.reader) return { affectedRows: statement.raw(true).all(...bindable(bindings)).length };
    return { affectedRows: statement.run(...bindable(bindings)).changes };
  },

  stream(connection, sql, bindings, batchSize) {
    const db = connection as BetterSqlite3.Database;
    const statement = db.prepare(sql);
    let columns = columnsOf(db, statement.reader ? statement.columns() : []);
    const iterator = checkedRows(
      statement.raw(true).iterate(...bindable(bindings)) as IterableIterator<Row>,
      columns.length,
      () => {
        columns = columnsOf(db, statement.columns());
        return columns.length;
      },
    );
    // Readable.from pulls on demand; destroying it returns the iterator, which resets the statement.
    const rows = Readable.from(iterator, { objectMode: true, highWaterMark: batchSize });
    // Iteration is synchronous per row, so an abort takes effect at the next row.
    return { rows, columns: () => Promise.resolve(columns), abandon: () => undefined, cancel: () => Promise.resolve() };
  },
};

/**
 * SQLite re-prepares a statement whose table changed (ALTER TABLE … ADD COLUMN by another
 * connection) between prepare and the first step, and then returns rows of the new shape.
 * The column list read at prepare time is then re-read; if it still does not fit, the read
 * fails retriably rather than drop a column.
 */
function* checkedRows(rows: IterableIterator<Row>, columnCount: number, reread: () => number): Generator<Row> {
  let expected = columnCount;
  let isFirst = true;
  try {
    for (const row of rows) {
      if (row.length !== expected && isFirst) expected = reread();
      isFirst = false;
      if (row.length !== expected) {
        throw new RetriableError(
          `The table changed while it was being read (${row.length} values for ${expected} columns); the query must run again`,
        );
      }
      yield row;
    }
  } finally {
    rows.return?.();
  }
}
