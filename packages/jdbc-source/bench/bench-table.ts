/**
 * The benchmark's table, `bench_jdbc_source_<rows>`, in MariaDB and PostgreSQL: id BIGINT
 * primary key 1..rows, two varchars (one nullable), a DECIMAL(12,2), an INT and a
 * timestamp, about 110 bytes of row data. Created with one INSERT … SELECT from a generated
 * sequence and kept between runs (recreated when its row count is wrong).
 *
 * The raw drivers are loaded from @tributary/jdbc's dependencies (this package has no
 * direct dependency on them); the small interfaces below are the part of them used here.
 */
import { createRequire } from 'node:module';

export type BenchDialect = 'mariadb' | 'postgresql';

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' } as const;
export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const;

export interface MysqlQuery {
  stream(options?: { highWaterMark?: number }): AsyncIterable<unknown>;
}
export interface MysqlConnection {
  query(options: { sql: string; rowsAsArray?: boolean }): MysqlQuery;
  end(callback?: (err?: Error) => void): void;
}
export interface MysqlPromiseConnection {
  query(sql: string, values?: readonly unknown[]): Promise<[unknown, unknown]>;
  end(): Promise<void>;
}
interface Mysql2 {
  createConnection(options: Record<string, unknown>): MysqlConnection;
}
interface Mysql2Promise {
  createConnection(options: Record<string, unknown>): Promise<MysqlPromiseConnection>;
}
export interface PgClient {
  connect(): Promise<void>;
  query(sql: string, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  query<T extends object>(submittable: T): T;
  end(): Promise<void>;
}
interface Pg {
  Client: new (config: Record<string, unknown>) => PgClient;
}
export type QueryStreamClass = new (
  text: string,
  values?: readonly unknown[],
  config?: { batchSize?: number; rowMode?: 'array' },
) => AsyncIterable<unknown> & object;

const fromJdbc = createRequire(import.meta.resolve('@tributary/jdbc'));
export const mysql2 = fromJdbc('mysql2') as Mysql2;
const mysql2Promise = fromJdbc('mysql2/promise') as Mysql2Promise;
const pg = fromJdbc('pg') as Pg;
export const QueryStream = fromJdbc('pg-query-stream') as QueryStreamClass;

export function benchTableName(rows: number): string {
  return `bench_jdbc_source_${rows}`;
}

/** The connector's `connection.url` for the benchmark database. */
export function connectionUrl(dialect: BenchDialect): string {
  return dialect === 'mariadb'
    ? `jdbc:mysql://${MARIADB.host}:${MARIADB.port}/${MARIADB.database}`
    : `jdbc:postgresql://${POSTGRES.host}:${POSTGRES.port}/${POSTGRES.database}`;
}

export const connectionUser = (dialect: BenchDialect): string => (dialect === 'mariadb' ? MARIADB.user : POSTGRES.user);

export async function mariadbConnection(): Promise<MysqlPromiseConnection> {
  try {
    return await mysql2Promise.createConnection({ ...MARIADB });
  } catch (err) {
    throw new Error(
      `MariaDB is required at ${MARIADB.host}:${MARIADB.port} (user ${MARIADB.user}, database ${MARIADB.database}): ${(err as Error).message}`,
    );
  }
}

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

/** `SELECT n` for n in 1 .. 10^digits, portable MySQL/MariaDB SQL (no sequence engine, no recursion limit). */
function sequenceSql(digits: number): string {
  const ten = Array.from({ length: 10 }, (_, d) => `SELECT ${d} AS d`).join(' UNION ALL ');
  const sum = Array.from({ length: digits }, (_, i) => `d${i}.d * ${10 ** i}`).join(' + ');
  const from = Array.from({ length: digits }, (_, i) => `(${ten}) d${i}`).join(' CROSS JOIN ');
  return `SELECT 1 + ${sum} AS n FROM ${from}`;
}

/** Makes sure the table exists with exactly `rows` rows; returns whether it had to be (re)built and how long that took. */
export async function ensureBenchTable(dialect: BenchDialect, rows: number): Promise<{ isBuilt: boolean; ms: number }> {
  const table = benchTableName(rows);
  const started = performance.now();
  if (dialect === 'mariadb') {
    const db = await mariadbConnection();
    try {
      const [existing] = (await db.query(
        'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
        [table],
      )) as [{ n: number }[], unknown];
      if (Number(existing[0]?.n) === 1) {
        const [count] = (await db.query(`SELECT COUNT(*) AS n FROM \`${table}\``)) as [{ n: number }[], unknown];
        if (Number(count[0]?.n) === rows) return { isBuilt: false, ms: performance.now() - started };
      }
      await db.query(`DROP TABLE IF EXISTS \`${table}\``);
      await db.query(
        `CREATE TABLE \`${table}\` (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, city VARCHAR(32) NOT NULL, ` +
          'amount DECIMAL(12,2) NOT NULL, quantity INT NOT NULL, note VARCHAR(255) NULL, created_at DATETIME(3) NOT NULL)',
      );
      const digits = Math.max(1, Math.ceil(Math.log10(rows)));
      await db.query(
        `INSERT INTO \`${table}\` SELECT n, CONCAT('customer-', n), ELT(1 + n % 5, 'Paris', 'Berlin', 'Madrid', 'Rome', 'Lisbon'), ` +
          `(n % 100000) / 100, n % 1000, IF(n % 10 = 0, NULL, CONCAT('note for row ', n)), ` +
          `TIMESTAMP'2024-01-01 00:00:00' + INTERVAL n SECOND + INTERVAL (n % 1000) * 1000 MICROSECOND FROM (${sequenceSql(digits)}) s WHERE n <= ?`,
        [rows],
      );
    } finally {
      await db.end();
    }
    return { isBuilt: true, ms: performance.now() - started };
  }
  const client = await postgresClient();
  try {
    const existing = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [`public.${table}`]);
    if (existing.rows[0]?.['present'] === true) {
      const count = await client.query(`SELECT COUNT(*)::int AS n FROM "${table}"`);
      if (count.rows[0]?.['n'] === rows) return { isBuilt: false, ms: performance.now() - started };
    }
    await client.query(`DROP TABLE IF EXISTS "${table}"`);
    await client.query(
      `CREATE TABLE "${table}" (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, city VARCHAR(32) NOT NULL, ` +
        'amount NUMERIC(12,2) NOT NULL, quantity INT NOT NULL, note VARCHAR(255) NULL, created_at TIMESTAMP(3) NOT NULL)',
    );
    await client.query(
      `INSERT INTO "${table}" SELECT n, 'customer-' || n, (ARRAY['Paris', 'Berlin', 'Madrid', 'Rome', 'Lisbon'])[1 + n % 5], ` +
        `(n % 100000) / 100.0, n % 1000, CASE WHEN n % 10 = 0 THEN NULL ELSE 'note for row ' || n END, ` +
        `TIMESTAMP '2024-01-01 00:00:00' + n * INTERVAL '1 second' + (n % 1000) * INTERVAL '1 millisecond' FROM generate_series(1, $1::bigint) n`,
      [rows],
    );
    await client.query(`VACUUM ANALYZE "${table}"`);
  } finally {
    await client.end();
  }
  return { isBuilt: true, ms: performance.now() - started };
}
