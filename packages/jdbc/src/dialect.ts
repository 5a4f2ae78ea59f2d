/**
 * The contracts of the JDBC-style dialect layer: what a connector (the JDBC source, later
 * the upsert sink) needs to talk SQL to MySQL/MariaDB, PostgreSQL and SQLite without
 * knowing which one it is.
 *
 * - `parseConnectionUrl` turns `connection.url` (+ `connection.user`/`connection.password`)
 *   into a `ConnectionSpec`; `openDatabase(spec, …)` opens a `Database` (a small pool).
 * - `db.dialect` (a `Dialect`) knows the database's SQL: identifier quoting, bind
 *   placeholders, table listing and description, the database's clock, and the Connect type
 *   mapping of a column.
 * - `db.stream(sql, bindings, { batchSize })` reads any result in bounded batches.
 *
 * Values are always bound parameters, never text in the SQL; identifiers are always quoted
 * with `quoteIdentifier` / `quoteTable`, which double embedded quote characters.
 */
import type { Logger, Password, Schema } from '@tributary/api';
import type { Knex } from 'knex';

/** The SQL dialects this package speaks. MariaDB uses `mysql`. */
export type DialectName = 'mysql' | 'postgresql' | 'sqlite' | 'duckdb';

/**
 * A table's identity, parts unquoted. MySQL/MariaDB: `catalog` = database, `schema` = null.
 * PostgreSQL: `catalog` = the connected database, `schema` = the namespace (`public`).
 * SQLite: `catalog` and `schema` null (the `main` database).
 * DuckDB: `catalog` = the attached database (null: the default one), `schema` = `main` or
 * another schema (null: the search path).
 */
export interface TableId {
  readonly catalog: string | null;
  readonly schema: string | null;
  readonly table: string;
}

/**
 * A column, as described by table metadata (`describeTable`) or by a result set's metadata
 * (`RowBatch.columns`, `QueryResult.columns`). Result-set columns know less: `isAutoIncrement`
 * is false and `primaryKeyPosition` null unless the driver tells, and `isNullable` is true
 * when nullability is unknown (expressions, PostgreSQL/SQLite computed columns).
 */
export interface ColumnDefinition {
  readonly name: string;
  /**
   * The base type, lower case, without size or modifiers, as the database names it:
   * MySQL `int`, `bigint`, `decimal`, `varchar`, `datetime`, `json`…; PostgreSQL `int4`,
   * `numeric`, `timestamptz`, `_int4` (arrays start with `_`)…; SQLite the declared type's
   * first word upper-cased as declared (`INTEGER`, `VARCHAR`…) lower-cased, or `''` when the
   * column has no declared type (an expression).
   */
  readonly typeName: string;
  /** The full type as declared, e.g. `decimal(38,10) unsigned`, `tinyint(1)`, `timestamp(6) with time zone`. */
  readonly declaredType: string;
  /** MySQL `UNSIGNED` integer/decimal types; false elsewhere. */
  readonly isUnsigned: boolean;
  /**
   * Numeric precision (DECIMAL/NUMERIC digits), character length for strings, display
   * width for MySQL integers when declared (`tinyint(1)` → 1); null when not known.
   */
  readonly precision: number | null;
  /** Numeric scale (DECIMAL/NUMERIC), fractional-second digits for time types; null when not known. */
  readonly scale: number | null;
  /** False only when the database says NOT NULL. */
  readonly isNullable: boolean;
  readonly isAutoIncrement: boolean;
  /** 1-based position in the primary key, or null when not part of it (or unknown). */
  readonly primaryKeyPosition: number | null;
}

/**
 * Confluent's `numeric.mapping` (here applied to DECIMAL as well as NUMERIC):
 * - `none`: Decimal(scale) with parameter `connect.decimal.precision`.
 * - `precision_only`: scale 0 and precision ≤ 18 → the narrowest int type by precision
 *   (p > 9 int64, p > 4 int32, p > 2 int16, else int8); otherwise Decimal.
 * - `best_fit`: precision ≤ 18 and −84 ≤ scale ≤ 0 → int by precision; precision ≤ 18 and
 *   scale > 0 → float64; otherwise Decimal.
 * - `best_fit_eager_double`: like `best_fit`, but any scale > 0 → float64 regardless of precision.
 * A DECIMAL/NUMERIC without declared precision (PostgreSQL `numeric`) stays Decimal, with the
 * scale of each value kept as read only when it fits the schema's scale (see `columnMapping`).
 */
export type NumericMapping = 'none' | 'precision_only' | 'best_fit' | 'best_fit_eager_double';

export interface ColumnMappingOptions {
  readonly numericMapping: NumericMapping;
  /**
   * `db.timezone`: the IANA zone (e.g. `UTC`, `Europe/Paris`) in which zone-less values
   * (MySQL DATETIME, PostgreSQL `timestamp`, SQLite text) are wall-clock times. Zone-aware
   * values (MySQL TIMESTAMP, PostgreSQL `timestamptz`) are exact instants and ignore it.
   */
  readonly dbTimezone: string;
}

/** An instant with sub-millisecond precision: `epochMs` plus the nanoseconds within its second. */
export interface PreciseTimestamp {
  /** Milliseconds since the epoch (floor). */
  readonly epochMs: number;
  /** Nanoseconds of the second, 0..999,999,999 (Java's `Timestamp#getNanos`); `epochMs % 1000` agrees with it. */
  readonly nanos: number;
}

/**
 * How one column becomes one Connect field. `schema` is optional exactly when the column is
 * nullable. `read` turns the raw value a `Database` of this package returns for the column
 * (in `RowBatch.rows`) into the Connect value (see the api's `Schema` doc): int8..int32 →
 * `number`, int64 → `bigint`, float → `number`, Decimal → decimal `string`, boolean →
 * `boolean`, string → `string`, bytes → `Buffer`, Date/Time/Timestamp → `Date`. SQL NULL →
 * `null`. It throws `DataError` (naming the column) for a value it cannot represent.
 */
export interface ColumnMapping {
  readonly column: ColumnDefinition;
  readonly schema: Schema;
  read(raw: unknown): unknown;
  /**
   * Only for DATE/DATETIME/TIMESTAMP(/TZ) columns: the value as a precise instant (µs/ns
   * kept), for offsets (`timestamp` + `timestamp_nanos`) and for binding it back with
   * `Dialect.timestampParameter`. Null for SQL NULL.
   */
  readonly readTimestamp?: (raw: unknown) => PreciseTimestamp | null;
}

export interface ListTablesOptions {
  /**
   * `catalog.pattern`: a SQL LIKE pattern on the catalog (MySQL database). Null, undefined
   * or `''`: MySQL lists the connection's current database only. PostgreSQL ignores it, as
   * pgjdbc does (a connection sees one database); SQLite matches nothing unless it is `''` or `%`.
   */
  readonly catalogPattern?: string | null;
  /**
   * `schema.pattern`: a SQL LIKE pattern on the schema (PostgreSQL). Null, undefined or
   * `''`: every schema except `pg_catalog`, `information_schema`, `pg_toast*` and temporary
   * ones. Ignored by MySQL; SQLite matches nothing unless it is `''` or `%`.
   */
  readonly schemaPattern?: string | null;
  /** `table.types`, upper case: `TABLE`, `VIEW` (others match nothing). Default `['TABLE']`. */
  readonly tableTypes?: readonly string[];
}

/** One dialect's SQL. Stateless; obtain it from `db.dialect` or `dialectFor(name)`. */
export interface Dialect {
  readonly name: DialectName;
  /** `name` quoted for this dialect, embedded quote characters doubled (`a"b` → `"a""b"`, MySQL `` a`b `` → `` `a``b` ``). */
  quoteIdentifier(name: string): string;
  /** The table's non-null parts quoted and joined with dots, e.g. `` `shop`.`orders` ``, `"public"."orders"`. */
  quoteTable(id: TableId): string;
  /** The bind placeholder for the 1-based parameter `position`: `?` for MySQL/SQLite, `$n` for PostgreSQL. */
  placeholder(position: number): string;
  /**
   * Confluent's source-partition table string (protocol 1): the non-null parts, unquoted,
   * joined with dots — `shop.orders` (MySQL: catalog.table), `public.orders` (PostgreSQL:
   * schema.table; Confluent omits the PostgreSQL catalog), `orders` (SQLite).
   */
  tableIdString(id: TableId): string;
  /** A SELECT returning one row, one column: the database's current time. */
  readonly currentTimeSql: string;
  /**
   * The database's clock (not the worker's), as an instant. MySQL sessions opened by this
   * package run in `time_zone = '+00:00'`; SQLite's clock is UTC.
   */
  currentTime(db: Queryable): Promise<Date>;
  /** Tables (and views when asked) visible to the connection, sorted by `tableIdString`. */
  listTables(db: Queryable, options?: ListTablesOptions): Promise<TableId[]>;
  /** The table's columns in ordinal order; `NotFoundError` naming the table when it does not exist. */
  describeTable(db: Queryable, id: TableId): Promise<ColumnDefinition[]>;
  /** Primary-key column names in key order; `[]` when the table has none. */
  primaryKey(db: Queryable, id: TableId): Promise<string[]>;
  /**
   * The Connect type mapping of a column (table or result-set metadata alike), or null when
   * the type is not supported (PostgreSQL arrays, geometry, intervals…) — the caller skips
   * the column and logs a warning naming it.
   */
  columnMapping(column: ColumnDefinition, options: ColumnMappingOptions): ColumnMapping | null;
  /**
   * The value to bind when comparing `column` (a DATE/DATETIME/TIMESTAMP(/TZ) column, or
   * null for "zone-aware") with the instant `value`: wall-clock text in `dbTimezone` for
   * zone-less columns, an exact UTC form for zone-aware ones. Keeps µs when `value` is a
   * `PreciseTimestamp`.
   */
  timestampParameter(value: Date | PreciseTimestamp, column: ColumnDefinition | null, dbTimezone: string): unknown;

  // ---- The write side (the sink). Pure SQL builders: they run nothing. -------------------
  // Every builder quotes identifiers with `quoteIdentifier`/`quoteTable` and refuses (a
  // `DataError` with code `IDENTIFIER` naming the identifier) one longer than
  // `maxIdentifierLength`, instead of letting the database truncate (PostgreSQL) or fail
  // with a less helpful message (MySQL). Values are never in the SQL: statements use
  // `placeholder(n)`, numbered from 1 in the order the doc of each builder gives, and the
  // caller binds `toSqlValue(...)` of each value.

  /**
   * Most bind parameters one statement may carry: PostgreSQL 65535 (the protocol's 16-bit
   * count), MySQL/MariaDB 65535, SQLite 32766 (the bundled SQLite ≥ 3.32; 999 before),
   * DuckDB 65535 (no hard limit; kept at the others' size). The sink cuts a batch of N rows ×
   * C columns into statements of at most `Math.floor(maxBindParameters / C)` rows.
   */
  readonly maxBindParameters: number;
  /** Longest identifier: MySQL 64 characters, PostgreSQL 63 bytes of UTF-8; null when unlimited (SQLite, DuckDB). */
  readonly maxIdentifierLength: number | null;
  /**
   * The column type for a Connect schema (Confluent's `getSqlType`, mission-anchors §3.4):
   *
   * | Connect | PostgreSQL | MySQL/MariaDB | SQLite | DuckDB |
   * | --- | --- | --- | --- | --- |
   * | int8 | SMALLINT | TINYINT | TINYINT | TINYINT |
   * | int16 | SMALLINT | SMALLINT | SMALLINT | SMALLINT |
   * | int32 | INT | INT | INTEGER | INTEGER |
   * | int64 | BIGINT | BIGINT | BIGINT | BIGINT |
   * | float32 | REAL | FLOAT | REAL | REAL |
   * | float64 | DOUBLE PRECISION | DOUBLE | DOUBLE | DOUBLE |
   * | boolean | BOOLEAN | TINYINT(1) | BOOLEAN | BOOLEAN |
   * | string | TEXT | TEXT; VARCHAR(256) as a key | TEXT | VARCHAR |
   * | bytes | BYTEA | LONGBLOB; VARBINARY(1024) as a key | BLOB | BLOB |
   * | Decimal(s) | NUMERIC(p,s), or NUMERIC without `connect.decimal.precision` | DECIMAL(p,s), p default 65 | DECIMAL(p,s), p default 65 | DECIMAL(p,s), p default 38 (≤ 38) |
   * | Date | DATE | DATE | DATE | DATE |
   * | Time | TIME(3) | TIME(3) | TIME | TIME |
   * | Timestamp | TIMESTAMP(3) | DATETIME(3) | DATETIME | TIMESTAMP |
   *
   * SQLite has storage classes only: the declared names are chosen so that the source's
   * mapping (`columnMapping`) reads the columns back as the same Connect types (INTEGER
   * reads back as int64), and dates/times are stored as text (see `toSqlValue`).
   * Timestamps are zone-less columns (Confluent's choice, KCJ #921) holding the wall-clock
   * time in `db.timezone` (see `toSqlValue`), so the source reads them back with the same
   * `db.timezone`.
   * struct, array and map are refused with a `DataError` naming the type, as Confluent does.
   * The result has no NULL/NOT NULL or DEFAULT: `createTableSql`/`addColumnSql` add those.
   */
  sqlType(schema: Schema, options: SqlTypeOptions): string;
  /**
   * `CREATE TABLE IF NOT EXISTS table (col type [NOT NULL] [DEFAULT …], …, PRIMARY KEY (…))`.
   * A column is NOT NULL when its schema is not optional or it is a key column; a schema
   * default becomes a literal DEFAULT (numbers, booleans, strings with quotes doubled;
   * others are left without default). `primaryKey` in key order; empty for no primary key.
   * `IF NOT EXISTS` alone does not make racing creators (two tasks, two workers) both
   * succeed on PostgreSQL (23505 on `pg_type`, or 42P07) or DuckDB (a catalog write-write
   * conflict): run it with `createTableIfMissing`, which treats those as "it exists".
   */
  createTableSql(table: TableId, columns: readonly WriteColumn[], primaryKey: readonly string[]): string;
  /**
   * `ALTER TABLE table ADD COLUMN col type [NOT NULL] [DEFAULT …]`, one column per
   * statement (SQLite allows no more). DuckDB cannot add a column with a constraint: there
   * the column gets its DEFAULT without NOT NULL. `DataError` when the column is required (not
   * optional) and has no default, as Confluent's "not optional and does not have a default
   * value" — existing rows would have no value.
   */
  addColumnSql(table: TableId, column: WriteColumn): string;
  /**
   * The statement that widens `from` (the column as `describeTable` reports it) to
   * `sqlType(column.schema)`, keeping its nullability, or null when that is not a widening
   * this dialect can do in place: integer → wider integer, REAL/FLOAT → DOUBLE, VARCHAR(n) →
   * VARCHAR(m > n) or TEXT, DECIMAL(p,s) → DECIMAL(p' ≥ p, s) with p'−s ≥ p−s. SQLite always
   * returns null (its columns take any value already). Narrowing or changing kind → null;
   * the caller decides (keep writing, or fail naming the column).
   */
  widenColumnSql(table: TableId, column: WriteColumn, from: ColumnDefinition): string | null;
  /**
   * `INSERT INTO table (c1, …, cn) VALUES (…), (…)` for `rowCount` rows. Bindings: row by
   * row, each row's values in `columns` order (`rowCount × columns.length` of them).
   */
  insertSql(table: TableId, columns: readonly string[], rowCount: number): string;
  /**
   * Insert-or-update on the key, bindings as `insertSql`. `keyColumns` must be a subset of
   * `columns` and the table's primary key (or a unique key) on PostgreSQL/SQLite/DuckDB:
   * `INSERT … ON CONFLICT (keys) DO UPDATE SET c = EXCLUDED.c` for every non-key column.
   * MySQL/MariaDB have no conflict target: `ON DUPLICATE KEY UPDATE` fires on a clash with
   * ANY unique index (KCJ #575), which would overwrite a different row whose other unique
   * column happens to match. Each assignment is therefore guarded:
   * `c = IF(k1 <=> VALUES(k1) AND …, VALUES(c), c)` — the clashing row is only changed when
   * it has the record's key; otherwise it is left alone (the record is dropped silently, as
   * INSERT IGNORE would; the sink can count affected rows). `VALUES()` is used rather than
   * the `AS new` alias because MariaDB has no alias form. When every column is a key column
   * there is nothing to update: insert-ignore semantics (`DO NOTHING`, MySQL
   * `ON DUPLICATE KEY UPDATE k1 = k1`). One statement must not carry the same key twice
   * (PostgreSQL/DuckDB refuse "to affect a row a second time"): the caller keeps the last
   * record per key of a batch.
   */
  upsertSql(table: TableId, columns: readonly string[], keyColumns: readonly string[], rowCount: number): string;
  /**
   * Inserts rows and silently skips those whose key exists (`insert.mode=insert_ignore`,
   * KCJ #412/#514): `ON CONFLICT DO NOTHING` (PostgreSQL, SQLite, DuckDB), `INSERT IGNORE`
   * (MySQL — which also turns some data errors into warnings, see the README). Bindings as
   * `insertSql`.
   */
  insertIgnoreSql(table: TableId, columns: readonly string[], rowCount: number): string;
  /**
   * `UPDATE table SET c1 = ?, … WHERE k1 = ? AND …` for one row. Bindings: the `columns`
   * values, then the `keyColumns` values.
   */
  updateSql(table: TableId, columns: readonly string[], keyColumns: readonly string[]): string;
  /**
   * `DELETE FROM table WHERE k IN (?, …)` (one key column) or
   * `WHERE (k1 = ? AND k2 = ?) OR (…)` for `rowCount` keys. Bindings: key by key, each in
   * `keyColumns` order.
   */
  deleteSql(table: TableId, keyColumns: readonly string[], rowCount: number): string;
  /**
   * The value to bind for the Connect `value` of `schema` in a column made by `sqlType`
   * (null/undefined → null):
   * - int8..int32, float → number; int64 → bigint (MySQL/SQLite/DuckDB) or its decimal
   *   string (PostgreSQL, whose driver has no bigint parameter).
   * - boolean → boolean (PostgreSQL, DuckDB) or 1/0 (MySQL, SQLite).
   * - string → string; bytes → Buffer.
   * - Decimal → its decimal string (exact; SQLite stores NUMERIC text as a number when it
   *   round-trips, so only SQLite may lose digits beyond ~15).
   * - Date → `YYYY-MM-DD`; Time → `HH:MM:SS.mmm`; Timestamp → the wall-clock time of the
   *   instant in `dbTimezone`, `YYYY-MM-DD HH:MM:SS.mmm` (how the source reads zone-less
   *   columns back, `ColumnMappingOptions.dbTimezone`). Date and Time are not shifted: a
   *   Connect Date is a calendar day, a Time a time of day.
   * - struct/array/map → `DataError` (see `sqlType`).
   * A value that does not fit the schema (a string for an int32…) → `DataError` naming the type.
   */
  toSqlValue(schema: Schema, value: unknown, options: SqlValueOptions): unknown;
}

/** A column the sink writes: its name, the Connect schema of its values, and whether it is part of the primary key. */
export interface WriteColumn {
  readonly name: string;
  /** `isOptional` decides NULL/NOT NULL (key columns are always NOT NULL), `defaultValue` the DEFAULT. */
  readonly schema: Schema;
  readonly isPrimaryKey: boolean;
}

export interface SqlTypeOptions {
  /** Key columns need a bounded type where the database cannot index unbounded ones (MySQL TEXT/BLOB). */
  readonly isPrimaryKey: boolean;
}

export interface SqlValueOptions {
  /** `db.timezone`: the IANA zone whose wall-clock time is written for Timestamp values. */
  readonly dbTimezone: string;
}

/** One row: values in the order of the result's columns (duplicate column names are kept). */
export type Row = readonly unknown[];

export interface QueryResult {
  /**
   * The result's columns. For `db.query` on PostgreSQL these come from the wire only (built-in
   * types; nullability unknown, so nullable); `db.stream` also consults the catalog.
   */
  readonly columns: readonly ColumnDefinition[];
  readonly rows: readonly Row[];
}

export interface StreamOptions {
  /** Rows per batch (the driver's fetch size); at most this many rows are read ahead. */
  readonly batchSize: number;
  /** Aborting ends the iteration with the signal's reason and closes the cursor. */
  readonly signal?: AbortSignal;
}

export interface RowBatch {
  /** The result's columns; the same array for every batch of one stream. */
  readonly columns: readonly ColumnDefinition[];
  /** 1..batchSize rows (never empty). */
  readonly rows: readonly Row[];
}

/** What dialect methods need from a database: one statement, all rows. */
export interface Queryable {
  /** Runs one statement with bound parameters (placeholders per `Dialect.placeholder`) and returns all rows. */
  query(sql: string, bindings?: readonly unknown[]): Promise<QueryResult>;
}

/** The result of a statement that changes rows. */
export interface ExecuteResult {
  /**
   * Rows the statement reports as affected, as the driver counts them. MySQL/MariaDB
   * (mysql2 sets CLIENT_FOUND_ROWS): an upsert counts 1 per inserted row, 2 per updated row
   * and 1 per clashing row left unchanged; INSERT IGNORE counts inserted rows only.
   * PostgreSQL, SQLite and DuckDB count each inserted/updated/deleted row once.
   */
  readonly affectedRows: number;
}

/** One connection inside an open transaction (`Database.transaction`). */
export interface Transaction extends Queryable {
  /** Runs one data-changing statement and returns the affected-row count. */
  execute(sql: string, bindings?: readonly unknown[]): Promise<ExecuteResult>;
  /**
   * PostgreSQL and DuckDB only (undefined elsewhere): loads rows faster than INSERT for large
   * batches — PostgreSQL with `COPY table (columns) FROM STDIN` (text format), DuckDB through
   * an appender, which fills every column of the table in order (so `columns` must be all of
   * them: a staging table). Values as `toSqlValue` gives them. Plain insert semantics: a key
   * clash or a value the column cannot take fails the call (a DataError).
   */
  readonly copyRows?: (table: TableId, columns: readonly string[], rows: readonly Row[]) => Promise<ExecuteResult>;
}

/**
 * An open database: a small connection pool plus its dialect. Errors from `query`/`stream`/
 * `transaction` are the driver's errors wrapped, with the driver's error as `cause` (never the
 * password), and carry what the database said (`SqlErrorDetails`, read with `sqlErrorDetails`):
 * - `RetriableError`: lost connections, timeouts, deadlocks (40P01, MySQL 1213), serialization
 *   failures (40001), lock timeouts (55P03, MySQL 1205), a busy SQLite file, a DuckDB
 *   transaction conflict.
 * - `DataError`: the statement's data is at fault — integrity constraints (SQLSTATE class 23:
 *   duplicate key, NOT NULL, foreign key, check) and data exceptions (class 22: out of range,
 *   bad text representation, string too long). Not retriable; the sink may bisect the batch
 *   and dead-letter the row.
 * - `ConnectError` otherwise (syntax, missing table or column, permissions).
 */
export interface Database extends Queryable {
  readonly dialect: Dialect;
  readonly spec: ConnectionSpec;
  /**
   * The knex instance underneath, for query building. Its connections carry the same
   * per-connection settings (type parsers, session time zone) as `query`/`stream`. Null for
   * DuckDB, which knex does not support.
   */
  readonly knex: Knex | null;
  /**
   * Runs `fn` inside one transaction on one pooled connection: BEGIN, then `fn(tx)`, then
   * COMMIT when it resolves or ROLLBACK when it throws (the error is rethrown, wrapped as
   * above when it came from the driver). The connection is not used by anything else
   * meanwhile. A connection lost during the transaction is discarded, never reused. Nested
   * calls open separate transactions on other connections (avoid them: a pool of 1 would
   * wait forever).
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Runs one data-changing statement on its own, without BEGIN and COMMIT around it: the
   * database's autocommit makes a single statement all or nothing by itself, in one round
   * trip instead of three. Errors and lost connections as in `transaction`.
   */
  execute(sql: string, bindings?: readonly unknown[]): Promise<ExecuteResult>;
  /** Whether `transaction` offers `copyRows` (PostgreSQL and DuckDB). */
  readonly canCopyRows: boolean;
  /**
   * Reads the result of one SELECT in batches of at most `batchSize` rows, holding at most
   * about one batch in memory (mysql2 query stream with back-pressure, a PostgreSQL cursor,
   * better-sqlite3 `iterate()`). The connection is held until the iteration ends, is broken
   * out of, or the signal aborts; all of these close the cursor (MySQL: the connection is
   * discarded, as the server would keep sending). Aborting also asks the server to cancel
   * the running statement (`pg_cancel_backend`, `KILL QUERY`), so a slow query does not
   * hold the abort up. A connection lost mid-stream ends the iteration with a
   * `RetriableError`. Empty results yield no batch.
   */
  stream(sql: string, bindings: readonly unknown[], options: StreamOptions): AsyncIterable<RowBatch>;
  /** Closes the pool; idempotent. */
  close(): Promise<void>;
}

/**
 * What a SQL error from this package carries besides its class (see `Database`): the
 * five-character SQLSTATE when known (MySQL/MariaDB's `sqlState`, PostgreSQL's code; for
 * SQLite and DuckDB one derived from the error kind: constraint → `23000`, type/range →
 * `22000`, busy → `40001`), and the driver's numeric error code (MySQL errno, SQLite
 * extended result code), else null.
 */
export interface SqlErrorDetails {
  readonly sqlState: string | null;
  readonly errno: number | null;
}

/** SSL use, PostgreSQL `sslmode` vocabulary (MySQL `useSSL=true` → `require`, `sslMode=VERIFY_IDENTITY` → `verify-full`). */
export type SslMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/**
 * A parsed `connection.url`. `toString()` prints the URL with the password replaced by
 * `****`; the password itself is only in `password.value()`.
 */
export interface ConnectionSpec {
  readonly dialect: DialectName;
  /** Null for SQLite and DuckDB. */
  readonly host: string | null;
  /** Null for SQLite and DuckDB; the default port (3306, 5432) when the URL has none. */
  readonly port: number | null;
  /** The database (MySQL/PostgreSQL), null when the URL names none. */
  readonly database: string | null;
  /** SQLite and DuckDB: the file path, or `:memory:`. Null otherwise. */
  readonly filename: string | null;
  readonly user: string | null;
  readonly password: Password | null;
  readonly ssl: SslMode;
  readonly connectTimeoutMs: number | null;
  /** Parameters that were accepted and are passed to the driver, by driver option name. */
  readonly driverOptions: Readonly<Record<string, string | number | boolean>>;
  /** Human-readable notes about parameters that were recognised and ignored (for a log line). */
  readonly notes: readonly string[];
  /** `host:port` (or the SQLite filename), for messages. */
  readonly address: string;
  toString(): string;
}

export interface Credentials {
  /** `connection.user`; wins over the URL's user info. */
  readonly user?: string | null;
  /** `connection.password`; wins over the URL's user info. */
  readonly password?: Password | string | null;
}

export interface ParseConnectionUrlOptions {
  /**
   * Worker allow-list of URL parameter names (case-insensitive) that are refused by default
   * because they let the server read client files or change trust (MySQL local infile,
   * `autoDeserialize`; PostgreSQL `sslcert`/`sslkey`/`sslrootcert`/`sslfactory`/…).
   */
  readonly allowedParams?: readonly string[];
}

export interface OpenDatabaseOptions {
  /** `connection.attempts`: how many times to try the first connection (default 3, at least 1). */
  readonly attempts?: number;
  /** `connection.backoff.ms`: wait between attempts (default 10000). */
  readonly backoffMs?: number;
  /** Receives one warn line per failed attempt, and one info line per note of the spec (no password). */
  readonly logger?: Logger;
  /** Aborts the retry loop (the back-off sleep too). */
  readonly signal?: AbortSignal;
  /** Pool size (default 2: one streaming read plus one metadata/clock query; an in-memory SQLite database always uses 1). */
  readonly poolSize?: number;
  /** SQLite only: create the database file when it does not exist (default false: a ConfigError naming the file). */
  readonly createIfMissing?: boolean;
}
