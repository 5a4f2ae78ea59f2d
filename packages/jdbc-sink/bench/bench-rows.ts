/**
 * What every measurement of the sink benchmark shares: the rows (a pure function of the id,
 * so the raw upsert and the sink write the same values), their JSON records as the
 * JsonConverter writes them, the four databases, and the raw drivers.
 *
 * The raw drivers are loaded from @tributary/jdbc's dependencies (this package has no
 * direct dependency on them); the small interfaces below are the part of them used here.
 */
import { createRequire } from 'node:module';

export type BenchDialect = 'postgresql' | 'mariadb' | 'sqlite' | 'duckdb';
export const BENCH_DIALECTS: readonly BenchDialect[] = ['postgresql', 'mariadb', 'sqlite', 'duckdb'];

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' } as const;
export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const;

/** Rows per statement of the raw upsert, and the sink's `batch.size` (Confluent's default). */
export const BATCH_ROWS = 3000;

export interface BenchRow {
  readonly id: number;
  readonly name: string;
  readonly amount: number;
  readonly qty: number;
  readonly note: string | null;
}

export const COLUMNS = ['id', 'name', 'amount', 'qty', 'note'] as const;

export function benchRow(id: number): BenchRow {
  return {
    id,
    name: `customer-${id % 50_000}`,
    amount: (id % 100_000) / 100,
    qty: id % 1000,
    note: id % 10 === 0 ? null : `order ${id} of the bench`,
  };
}

const VALUE_SCHEMA = {
  type: 'struct',
  name: 'bench_order',
  optional: false,
  fields: [
    { field: 'id', type: 'int64', optional: false },
    { field: 'name', type: 'string', optional: false },
    { field: 'amount', type: 'double', optional: false },
    { field: 'qty', type: 'int32', optional: false },
    { field: 'note', type: 'string', optional: true },
  ],
};
const KEY_SCHEMA = { type: 'int64', optional: false };

/** The record of row `id`, as JsonConverter (schemas.enable=true) serializes it. */
export function benchRecord(id: number): { key: string; value: string } {
  return {
    key: JSON.stringify({ schema: KEY_SCHEMA, payload: id }),
    value: JSON.stringify({ schema: VALUE_SCHEMA, payload: benchRow(id) }),
  };
}

/** The table the sink auto-creates, for the raw upsert (which has to create it itself). */
export function createTableSql(dialect: BenchDialect, quotedTable: string): string {
  switch (dialect) {
    case 'postgresql':
      return `CREATE TABLE ${quotedTable} ("id" BIGINT NOT NULL, "name" TEXT NOT NULL, "amount" DOUBLE PRECISION NOT NULL, "qty" INT NOT NULL, "note" TEXT NULL, PRIMARY KEY ("id"))`;
    case 'mariadb':
      return `CREATE TABLE ${quotedTable} (\`id\` BIGINT NOT NULL, \`name\` TEXT NOT NULL, \`amount\` DOUBLE NOT NULL, \`qty\` INT NOT NULL, \`note\` TEXT NULL, PRIMARY KEY (\`id\`))`;
    case 'sqlite':
      return `CREATE TABLE ${quotedTable} ("id" INTEGER NOT NULL, "name" TEXT NOT NULL, "amount" REAL NOT NULL, "qty" INTEGER NOT NULL, "note" TEXT NULL, PRIMARY KEY ("id"))`;
    case 'duckdb':
      return `CREATE TABLE ${quotedTable} ("id" BIGINT NOT NULL, "name" VARCHAR NOT NULL, "amount" DOUBLE NOT NULL, "qty" INTEGER NOT NULL, "note" VARCHAR, PRIMARY KEY ("id"))`;
  }
}

export function quoteIdentifier(dialect: BenchDialect, name: string): string {
  return dialect === 'mariadb' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;
}

// ---- raw drivers ------------------------------------------------------------------------

export interface PgClient {
  connect(): Promise<void>;
  query(
    sql: string,
    values?: readonly unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  end(): Promise<void>;
}
interface Pg {
  Client: new (config: Record<string, unknown>) => PgClient;
}
export interface MysqlConnection {
  query(sql: string, values?: readonly unknown[]): Promise<[unknown, unknown]>;
  end(): Promise<void>;
}
interface Mysql2Promise {
  createConnection(options: Record<string, unknown>): Promise<MysqlConnection>;
}
export interface SqliteStatement {
  run(...values: unknown[]): unknown;
  get(...values: unknown[]): unknown;
}
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}
type BetterSqlite3 = new (filename: string) => SqliteDatabase;
export interface DuckAppender {
  appendBigInt(value: bigint): void;
  appendInteger(value: number): void;
  appendDouble(value: number): void;
  appendVarchar(value: string): void;
  appendNull(): void;
  endRow(): void;
  flushSync(): void;
  closeSync(): void;
}
export interface DuckReader {
  getRowsJS(): unknown[][];
}
export interface DuckConnection {
  run(sql: string, values?: unknown[]): Promise<unknown>;
  runAndReadAll(sql: string, values?: unknown[]): Promise<DuckReader>;
  createAppender(table: string, schema?: string | null): Promise<DuckAppender>;
  closeSync(): void;
}
export interface DuckInstance {
  connect(): Promise<DuckConnection>;
  closeSync(): void;
}
interface DuckDb {
  DuckDBInstance: { create(path: string): Promise<DuckInstance> };
}

const fromJdbc = createRequire(import.meta.resolve('@tributary/jdbc'));
const pg = fromJdbc('pg') as Pg;
const mysql2 = fromJdbc('mysql2/promise') as Mysql2Promise;
export const Sqlite = fromJdbc('better-sqlite3') as BetterSqlite3;
export const duckdb = fromJdbc('@duckdb/node-api') as DuckDb;

export async function postgresClient(): Promise<PgClient> {
  const client = new pg.Client({ ...POSTGRES });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is required at ${POSTGRES.host}:${POSTGRES.port} (user ${POSTGRES.user}, database ${POSTGRES.database}): ${(err as Error).message}`,
    );
  }
  return client;
}

export async function mariadbConnection(): Promise<MysqlConnection> {
  try {
    return await mysql2.createConnection({ ...MARIADB });
  } catch (err) {
    throw new Error(
      `MariaDB/MySQL is required at ${MARIADB.host}:${MARIADB.port} (user ${MARIADB.user}, database ${MARIADB.database}): ${(err as Error).message}`,
    );
  }
}

/** The sink's `connection.url` for the benchmark database (`file` for SQLite and DuckDB). */
export function connectionUrl(dialect: BenchDialect, file: string): string {
  switch (dialect) {
    case 'postgresql':
      return `jdbc:postgresql://${POSTGRES.host}:${POSTGRES.port}/${POSTGRES.database}`;
    case 'mariadb':
      return `jdbc:mysql://${MARIADB.host}:${MARIADB.port}/${MARIADB.database}`;
    case 'sqlite':
      return `jdbc:sqlite:${file}`;
    case 'duckdb':
      return `jdbc:duckdb:${file}`;
  }
}

export function connectionUser(dialect: BenchDialect): string {
  return dialect === 'postgresql' ? POSTGRES.user : MARIADB.user;
}
