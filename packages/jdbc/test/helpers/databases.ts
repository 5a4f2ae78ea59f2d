// Real databases for the tests: MariaDB and PostgreSQL on localhost (as on CI), SQLite files
// in a fresh temporary directory. A server that is down fails the test with a message naming
// it; nothing is skipped.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database, DialectName } from '../../src/index.js';
import { openDatabase, parseConnectionUrl } from '../../src/index.js';

export const MARIADB_URL = process.env['TRIBUTARY_TEST_MYSQL_URL'] ?? 'jdbc:mysql://127.0.0.1:3306/test?user=root';
export const POSTGRES_URL =
  process.env['TRIBUTARY_TEST_POSTGRES_URL'] ?? 'jdbc:postgresql://127.0.0.1:5432/test?user=postgres';

const SERVICE: Readonly<Record<DialectName, string>> = {
  mysql: `MariaDB (${MARIADB_URL})`,
  postgresql: `PostgreSQL (${POSTGRES_URL})`,
  sqlite: 'SQLite',
  duckdb: 'DuckDB',
};

export interface TestDatabase {
  readonly db: Database;
  /** Drops the tables made with `table()` and closes the database (and removes a SQLite directory). */
  close(): Promise<void>;
  /** A unique table name, dropped by `close()`. */
  table(prefix?: string): string;
}

export async function openTestDatabase(
  dialect: DialectName,
  options: { readonly poolSize?: number } = {},
): Promise<TestDatabase> {
  let dir: string | undefined;
  let url: string;
  if (dialect === 'sqlite' || dialect === 'duckdb') {
    dir = await mkdtemp(join(tmpdir(), 'tributary-jdbc-'));
    url = `jdbc:${dialect}:${join(dir, dialect === 'sqlite' ? 'test.db' : 'test.duckdb')}`;
  } else {
    url = dialect === 'mysql' ? MARIADB_URL : POSTGRES_URL;
  }
  let db: Database;
  try {
    db = await openDatabase(parseConnectionUrl(url), { attempts: 1, createIfMissing: true, ...options });
  } catch (error) {
    throw new Error(
      `${SERVICE[dialect]} is not reachable; start it before running the @tributary/jdbc tests: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const tables: string[] = [];
  return {
    db,
    table(prefix = 't') {
      const name = `${prefix}_${randomUUID().slice(0, 8)}`;
      tables.push(name);
      return name;
    },
    async close() {
      try {
        for (const t of tables) await db.query(`DROP TABLE IF EXISTS ${db.dialect.quoteIdentifier(t)}`);
      } finally {
        await db.close();
        if (dir !== undefined) await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
