/**
 * The JDBC sink's configuration: Confluent JdbcSinkConnector 10.9's keys, names and
 * defaults, the Databend sink's `connection.database`, and a few of ours
 * (`insert.mode=insert_ignore`, `table.name.dots`, `auto.evolve.widen`).
 * `checkSinkConfig` adds the rules that involve several keys; `parseSinkConfig` runs both
 * and throws one ConfigError listing every problem.
 */
import {
  boolean,
  ConfigError,
  type ConfigProblem,
  type ConfigValues,
  choice,
  defineConfig,
  int,
  list,
  long,
  password,
  string,
} from '@tributary/api';

const CONNECTION = 'Connection';
const WRITES = 'Writes';
const DATA_MAPPING = 'Data Mapping';
const DDL = 'DDL Support';
const RETRIES = 'Retries';

export const INSERT_MODES = ['insert', 'upsert', 'update', 'insert_ignore'] as const;
export type InsertMode = (typeof INSERT_MODES)[number];
export const PK_MODES = ['none', 'kafka', 'record_key', 'record_value'] as const;
export type PkMode = (typeof PK_MODES)[number];

/** Confluent's default names of the `pk.mode=kafka` columns. */
export const KAFKA_PK_NAMES = ['__connect_topic', '__connect_partition', '__connect_offset'] as const;

export const DIALECT_NAMES = [
  '',
  'MySqlDatabaseDialect',
  'PostgreSqlDatabaseDialect',
  'SqliteDatabaseDialect',
  'DuckDbDatabaseDialect',
  'mysql',
  'mariadb',
  'postgres',
  'postgresql',
  'sqlite',
  'duckdb',
] as const;

function checkTimeZone(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    return `Unknown time zone ${JSON.stringify(zone)}`;
  }
}

export const jdbcSinkConfig = defineConfig({
  'connection.url': string({
    importance: 'high',
    group: CONNECTION,
    orderInGroup: 1,
    width: 'long',
    displayName: 'JDBC URL',
    nonEmpty: true,
    doc:
      'The database to write to: `jdbc:postgresql://host:5432/db`, `jdbc:mysql://host:3306/db`, `jdbc:mariadb://…`, ' +
      '`jdbc:sqlite:/path/file.db`, `jdbc:duckdb:/path/file.duckdb`, or `postgres://…` / `mysql://…`. Required.',
  }),
  'connection.user': string({
    default: null,
    importance: 'high',
    group: CONNECTION,
    orderInGroup: 2,
    doc: 'The database user.',
  }),
  'connection.password': password({
    default: null,
    importance: 'high',
    group: CONNECTION,
    orderInGroup: 3,
    doc: 'The database password. Never logged or shown.',
  }),
  'connection.attempts': int({
    default: 3,
    min: 1,
    importance: 'low',
    group: CONNECTION,
    doc: 'How many times to try to open the first connection before giving up.',
  }),
  'connection.backoff.ms': long({
    default: 10_000,
    min: 0,
    importance: 'low',
    group: CONNECTION,
    doc: 'Milliseconds to wait between connection attempts.',
  }),
  'connection.database': string({
    default: null,
    importance: 'low',
    group: CONNECTION,
    doc: "The Databend sink's database key, accepted so its files work unchanged. The database written to is the one named in `connection.url`.",
  }),
  'dialect.name': string({
    default: '',
    importance: 'low',
    group: CONNECTION,
    validValues: DIALECT_NAMES.map((d) => (d === '' ? '""' : d)).join(', '),
    validate: (v) =>
      (DIALECT_NAMES as readonly string[]).some((d) => d.toLowerCase() === v.toLowerCase())
        ? undefined
        : `Unknown dialect; use one of ${DIALECT_NAMES.filter((d) => d !== '').join(', ')} or leave empty`,
    doc: "The SQL dialect. Empty: chosen from `connection.url`. Confluent's names (`PostgreSqlDatabaseDialect`, …) are accepted.",
  }),
  'insert.mode': choice({
    values: INSERT_MODES,
    default: 'insert',
    importance: 'high',
    group: WRITES,
    orderInGroup: 1,
    doc:
      '`insert`: plain INSERT (a key clash fails the row). `upsert`: insert or update on the primary key with the ' +
      "database's native statement (PostgreSQL/SQLite/DuckDB `ON CONFLICT … DO UPDATE`, MySQL `ON DUPLICATE KEY UPDATE` " +
      'guarded so it only changes the row with the same key); idempotent, so replays leave the table unchanged. ' +
      '`update`: UPDATE by key (rows that do not exist are not created). `insert_ignore` (Tributary): insert, silently ' +
      'skipping rows whose key exists. `upsert` and `update` need key columns (`pk.mode` other than `none`).',
  }),
  'batch.size': int({
    default: 3000,
    min: 1,
    importance: 'medium',
    group: WRITES,
    doc: 'Records buffered per table before they are written in one transaction; the buffer is also written at every offset commit and before a schema change.',
  }),
  'batch.linger.ms': long({
    default: 1000,
    min: 0,
    importance: 'low',
    group: WRITES,
    doc:
      'Tributary. Buffered rows are written (and their offsets committed) at the latest this long after the first of them ' +
      'was buffered, without waiting for `batch.size` or `offset.flush.interval.ms`. 0: right after each batch of records, ' +
      'as Confluent’s connector writes at every put.',
  }),
  'delete.enabled': boolean({
    default: false,
    importance: 'medium',
    group: WRITES,
    doc: 'Turn tombstones (null values) into `DELETE … WHERE key`. Requires `pk.mode=record_key`. When false a tombstone is an error for that record, as in Confluent’s connector.',
  }),
  'table.name.format': string({
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Confluent's `${topic}` placeholder, not a template.
    default: '${topic}',
    importance: 'medium',
    group: DATA_MAPPING,
    nonEmpty: true,
    doc:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Confluent's `${topic}` placeholder, not a template.
      'The destination table: `${topic}` is replaced with the record’s topic. With `table.name.dots=schema` (the ' +
      'default, as Confluent) dots separate catalog/schema and table (`sales.orders` → schema `sales`, table `orders`).',
  }),
  'table.name.dots': choice({
    values: ['schema', 'keep'],
    default: 'schema',
    importance: 'medium',
    group: DATA_MAPPING,
    doc:
      'Tributary. `schema` (Confluent’s behaviour): dots in the formatted table name separate database/schema and ' +
      'table. `keep`: the whole name is one table name, dots included (topics like `shop.public.orders` become the table ' +
      '`"shop.public.orders"` in the connection’s default schema).',
  }),
  'pk.mode': choice({
    values: PK_MODES,
    default: 'none',
    importance: 'high',
    group: DATA_MAPPING,
    doc:
      '`none`: no key columns. `kafka`: the record’s topic, partition and offset (`__connect_topic`, ' +
      '`__connect_partition`, `__connect_offset`). `record_key`: the record key’s fields (a primitive key is one ' +
      'column named by `pk.fields`). `record_value`: fields of the record value.',
  }),
  'pk.fields': list({
    default: [],
    importance: 'medium',
    group: DATA_MAPPING,
    doc:
      '`kafka`: empty for the default names, or exactly 3 names for topic, partition and offset. `record_key`: a ' +
      'primitive key needs exactly one (the column name); for a struct key, the key fields to use (empty: all). ' +
      '`record_value`: the value fields to use (empty: all of them).',
  }),
  'fields.whitelist': list({
    default: [],
    importance: 'medium',
    group: DATA_MAPPING,
    doc: 'Value fields to write (empty: all). Applies to non-key fields only; key columns come from `pk.mode`/`pk.fields`.',
  }),
  'db.timezone': string({
    default: 'UTC',
    importance: 'medium',
    group: DATA_MAPPING,
    validate: checkTimeZone,
    doc: 'Timestamps are written as wall-clock times of this IANA zone into zone-less TIMESTAMP/DATETIME columns.',
  }),
  'replace.null.with.default': boolean({
    default: true,
    importance: 'low',
    group: DATA_MAPPING,
    doc: 'A null field with a schema default is written as the default.',
  }),
  'string.output.value.column.name': string({
    default: 'record_value',
    importance: 'low',
    group: DATA_MAPPING,
    nonEmpty: true,
    doc: 'A value whose schema is STRING is written to one column of this name.',
  }),
  'timestamp.precision.mode': choice({
    values: ['microseconds', 'nanoseconds'],
    default: 'microseconds',
    importance: 'low',
    group: DATA_MAPPING,
    doc: 'Accepted for compatibility; used only with `timestamp.fields.list`, which Tributary does not support yet.',
  }),
  'timestamp.fields.list': list({
    default: [],
    importance: 'low',
    group: DATA_MAPPING,
    validate: (v) =>
      v.length === 0 ? undefined : 'Not supported yet: convert the fields with the TimestampConverter transform',
    doc: 'Not supported yet (must be empty); use the `TimestampConverter` transform.',
  }),
  'auto.create': boolean({
    default: false,
    importance: 'medium',
    group: DDL,
    doc:
      'Create a missing table (`CREATE TABLE IF NOT EXISTS`) from the record’s schema with the key columns as primary ' +
      'key; for records without a schema, from types inferred from the values (string → text, integer → BIGINT, ' +
      'other number → DOUBLE, boolean, object/array → JSON text; key columns NOT NULL, others nullable).',
  }),
  'auto.evolve': boolean({
    default: false,
    importance: 'medium',
    group: DDL,
    doc:
      'Add missing columns (`ALTER TABLE … ADD`) for new optional fields or fields with a default. A new required field ' +
      'without a default is an error for that record; no DDL runs unless all of it can.',
  }),
  'auto.evolve.widen': boolean({
    default: false,
    importance: 'low',
    group: DDL,
    doc:
      'Tributary. With `auto.evolve`, also widen columns whose record type is wider: integer → larger integer, ' +
      'REAL/FLOAT → DOUBLE, VARCHAR(n) → longer/TEXT, DECIMAL to more digits. Never narrows or changes kinds.',
  }),
  'quote.sql.identifiers': choice({
    values: ['always', 'never'],
    default: 'always',
    importance: 'medium',
    group: DDL,
    doc: 'Accepted for compatibility. Tributary always quotes identifiers (embedded quotes doubled), so hostile field names cannot change the SQL.',
  }),
  'table.types': list({
    default: ['TABLE'],
    importance: 'low',
    group: DDL,
    doc: 'Accepted for compatibility (`TABLE`, `VIEW`, `PARTITIONED_TABLE`); the sink writes to whatever relation the name resolves to.',
  }),
  'mssql.use.merge.holdlock': boolean({
    default: true,
    importance: 'low',
    group: WRITES,
    doc: 'Accepted for compatibility (SQL Server only; there is no SQL Server dialect).',
  }),
  'trim.sensitive.log': boolean({
    default: false,
    importance: 'low',
    group: WRITES,
    doc: 'Accepted for compatibility. Tributary never logs row values.',
  }),
  'max.retries': int({
    default: 10,
    min: 0,
    importance: 'medium',
    group: RETRIES,
    doc:
      'How many times a batch that failed with a transient error (lost connection, deadlock, serialization failure, ' +
      'lock timeout) is retried before the task gives the batch back to the worker for redelivery.',
  }),
  'retry.backoff.ms': int({
    default: 3000,
    min: 0,
    importance: 'medium',
    group: RETRIES,
    doc: 'Milliseconds to wait before each retry.',
  }),
});

export type JdbcSinkConfig = ConfigValues<typeof jdbcSinkConfig.keys>;

/** The rules that involve several keys (Confluent's `JdbcSinkConfig` validators and ours). */
export function checkSinkConfig(config: JdbcSinkConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const mode = config['insert.mode'];
  const pkMode = config['pk.mode'];
  const pkFields = config['pk.fields'];
  if (config['delete.enabled'] && pkMode !== 'record_key') {
    const message = `Deletes are only supported for pk.mode record_key (pk.mode is ${pkMode})`;
    problems.push({ key: 'delete.enabled', value: 'true', message });
    problems.push({ key: 'pk.mode', value: pkMode, message });
  }
  if ((mode === 'upsert' || mode === 'update') && pkMode === 'none') {
    const message = `insert.mode=${mode} needs key columns: set pk.mode to kafka, record_key or record_value`;
    problems.push({ key: 'insert.mode', value: mode, message });
    problems.push({ key: 'pk.mode', value: pkMode, message });
  }
  if (pkMode === 'kafka' && pkFields.length !== 0 && pkFields.length !== 3) {
    problems.push({
      key: 'pk.fields',
      value: pkFields.join(','),
      message: `With pk.mode=kafka, pk.fields must be empty (the defaults ${KAFKA_PK_NAMES.join(', ')}) or exactly 3 names`,
    });
  }
  return problems;
}

/** Parses and cross-checks `props`; one ConfigError with every problem. */
export function parseSinkConfig(props: Readonly<Record<string, string | undefined>>, context: string): JdbcSinkConfig {
  const config = jdbcSinkConfig.parse(props, context);
  const problems = checkSinkConfig(config);
  if (problems.length > 0) throw new ConfigError(problems, { context });
  return config;
}
