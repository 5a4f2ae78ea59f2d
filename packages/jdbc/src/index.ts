export { openDatabase } from './client.js';
export { parseConnectionUrl, REFUSED_URL_PARAMS } from './connection-url.js';
export { createTableIfMissing } from './create-table.js';
export type {
  ColumnDefinition,
  ColumnMapping,
  ColumnMappingOptions,
  ConnectionSpec,
  Credentials,
  Database,
  Dialect,
  DialectName,
  ExecuteResult,
  ListTablesOptions,
  NumericMapping,
  OpenDatabaseOptions,
  ParseConnectionUrlOptions,
  PreciseTimestamp,
  Queryable,
  QueryResult,
  Row,
  RowBatch,
  SqlErrorDetails,
  SqlTypeOptions,
  SqlValueOptions,
  SslMode,
  StreamOptions,
  TableId,
  Transaction,
  WriteColumn,
} from './dialect.js';
export { dialectFor } from './dialects/dialect-for.js';
export { duckdbDialect } from './dialects/duckdb.js';
export { mysqlDialect } from './dialects/mysql.js';
export { postgresDialect } from './dialects/postgres.js';
export { sqliteDialect } from './dialects/sqlite.js';
export { sqlErrorDetails } from './driver-errors.js';
export { comparePreciseTimestamps, preciseTimestampOf } from './precise-timestamp.js';
