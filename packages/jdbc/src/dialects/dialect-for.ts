import type { Dialect, DialectName } from '../dialect.js';
import { duckdbDialect } from './duckdb.js';
import { mysqlDialect } from './mysql.js';
import { postgresDialect } from './postgres.js';
import { sqliteDialect } from './sqlite.js';

const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  mysql: mysqlDialect,
  postgresql: postgresDialect,
  sqlite: sqliteDialect,
  duckdb: duckdbDialect,
};

/** The dialect named `name` (as in `ConnectionSpec.dialect`). */
export function dialectFor(name: DialectName): Dialect {
  return DIALECTS[name];
}
