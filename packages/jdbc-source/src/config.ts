/**
 * The JDBC source connector's configuration: Confluent JdbcSourceConnector 10.9's keys,
 * names and defaults, plus `key.mode` (ours). `checkSourceConfig` adds the rules that
 * involve several keys; `parseSourceConfig` runs both and throws one ConfigError listing
 * every problem.
 */
import {
  boolean,
  type ConfigProblem,
  type ConfigValues,
  ConfigError,
  choice,
  defineConfig,
  int,
  list,
  long,
  password,
  string,
} from '@tributary/api';
import { checkQueryText } from './query-text.js';

export const MODES = ['', 'bulk', 'incrementing', 'timestamp', 'timestamp+incrementing'] as const;
export type Mode = Exclude<(typeof MODES)[number], ''>;

const DATABASE = 'Database';
const MODE = 'Mode';
const CONNECTOR = 'Connector';

function isRegex(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return `Invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`;
  }
}

function checkRegexList(items: readonly string[]): string | undefined {
  for (const item of items) {
    const problem = isRegex(item);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** `regex:[col1|col2]` items (`isMulti`) or `regex:col` items. */
function checkMappingList(isMulti: boolean) {
  return (items: readonly string[]): string | undefined => {
    for (const item of items) {
      const parsed = parseMapping(item, isMulti);
      if (typeof parsed === 'string') return parsed;
    }
    return undefined;
  };
}

export interface ColumnMapping {
  readonly pattern: RegExp;
  readonly columns: readonly string[];
}

/** One `timestamp.columns.mapping` / `incrementing.column.mapping` item, or a problem. */
export function parseMapping(item: string, isMulti: boolean): ColumnMapping | string {
  const at = item.lastIndexOf(':');
  if (at <= 0)
    return `Invalid mapping ${JSON.stringify(item)}: expected ${isMulti ? "'regex:[col1|col2|...]'" : "'regex:columnName'"}`;
  const regex = item.slice(0, at).trim();
  const right = item.slice(at + 1).trim();
  const problem = isRegex(regex);
  if (problem !== undefined) return problem;
  let columns: string[];
  if (isMulti) {
    if (!right.startsWith('[') || !right.endsWith(']'))
      return `Invalid mapping ${JSON.stringify(item)}: columns list must be enclosed in square brackets`;
    columns = right
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
    if (columns.some((c) => c === ''))
      return `Invalid mapping ${JSON.stringify(item)}: every column name must be non-empty`;
  } else {
    if (right === '') return `Invalid mapping ${JSON.stringify(item)}: column name cannot be empty`;
    columns = [right];
  }
  return { pattern: new RegExp(`^(?:${regex})$`), columns };
}

function checkTimeZone(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    return `Unknown time zone ${JSON.stringify(zone)}`;
  }
}

export const DIALECT_NAMES = [
  '',
  'MySqlDatabaseDialect',
  'PostgreSqlDatabaseDialect',
  'SqliteDatabaseDialect',
  'mysql',
  'mariadb',
  'postgres',
  'postgresql',
  'sqlite',
] as const;

export const jdbcSourceConfig = defineConfig({
  'connection.url': string({
    default: '',
    importance: 'high',
    group: DATABASE,
    orderInGroup: 1,
    width: 'long',
    displayName: 'JDBC URL',
    doc:
      'The database to read: `jdbc:mysql://host:3306/db`, `jdbc:mariadb://…`, `jdbc:postgresql://host:5432/db`, ' +
      '`jdbc:sqlite:/path/file.db`, or `mysql://…` / `postgres://…`. Required.',
  }),
  'connection.user': string({
    default: null,
    importance: 'high',
    group: DATABASE,
    orderInGroup: 2,
    doc: 'The database user.',
  }),
  'connection.password': password({
    default: null,
    importance: 'high',
    group: DATABASE,
    orderInGroup: 3,
    doc: 'The database password. Never logged or shown.',
  }),
  'connection.attempts': int({
    default: 3,
    min: 1,
    importance: 'low',
    group: DATABASE,
    doc: 'How many times to try to open a connection before giving up.',
  }),
  'connection.backoff.ms': long({
    default: 10_000,
    min: 0,
    importance: 'low',
    group: DATABASE,
    doc: 'Milliseconds to wait between connection attempts.',
  }),
  'dialect.name': string({
    default: '',
    importance: 'low',
    group: DATABASE,
    validValues: DIALECT_NAMES.map((d) => (d === '' ? '""' : d)).join(', '),
    validate: (v) =>
      (DIALECT_NAMES as readonly string[]).includes(v)
        ? undefined
        : `Unknown dialect; use one of ${DIALECT_NAMES.filter((d) => d !== '').join(', ')} or leave empty`,
    doc: "The SQL dialect. Empty: chosen from `connection.url`. Confluent's names (`MySqlDatabaseDialect`, `PostgreSqlDatabaseDialect`, `SqliteDatabaseDialect`) are accepted.",
  }),
  'table.whitelist': list({
    default: [],
    importance: 'medium',
    group: DATABASE,
    doc:
      'Tables to copy, by exact name: `table`, `schema.table` or `catalog.table` as the database reports it. ' +
      'Cannot be combined with `table.blacklist`, nor with `table.include.list` / `table.exclude.list`.',
  }),
  'table.blacklist': list({
    default: [],
    importance: 'medium',
    group: DATABASE,
    doc: 'Tables not to copy (every other table is copied), by exact name as for `table.whitelist`. Cannot be combined with `table.whitelist`.',
  }),
  'table.include.list': list({
    default: [],
    importance: 'medium',
    group: DATABASE,
    validate: checkRegexList,
    doc:
      'Regular expressions matched against the whole fully-qualified table name (`db.table`, `schema.table`); matching tables are copied. ' +
      'Case-sensitive. Cannot be combined with `table.whitelist` / `table.blacklist`, `incrementing.column.name` or `timestamp.column.name` ' +
      '(use the `*.mapping` keys instead).',
  }),
  'table.exclude.list': list({
    default: [],
    importance: 'medium',
    group: DATABASE,
    validate: checkRegexList,
    doc: 'Regular expressions of fully-qualified table names not to copy, among those `table.include.list` matches. Requires `table.include.list`.',
  }),
  'catalog.pattern': string({
    default: null,
    importance: 'medium',
    group: DATABASE,
    doc: "Only tables of this catalog (a MySQL/MariaDB database) are listed. Unset: every catalog the URL can see (MySQL: the URL's database).",
  }),
  'schema.pattern': string({
    default: null,
    importance: 'high',
    group: DATABASE,
    doc: 'Only tables of this schema (PostgreSQL) are listed. `""`: tables without a schema. Unset: every schema.',
  }),
  'numeric.precision.mapping': boolean({
    default: false,
    importance: 'low',
    group: DATABASE,
    doc: 'Deprecated: `true` is the same as `numeric.mapping=precision_only`. Ignored when `numeric.mapping` is set.',
  }),
  'numeric.mapping': choice({
    values: ['none', 'precision_only', 'best_fit', 'best_fit_eager_double'],
    default: null,
    importance: 'low',
    group: DATABASE,
    doc:
      'How DECIMAL/NUMERIC columns become Connect types. `none` (the default): Decimal. `precision_only`: scale 0 and ' +
      'precision ≤ 18 become INT8/16/32/64 by precision. `best_fit`: also scale > 0 and precision ≤ 18 become FLOAT64. ' +
      '`best_fit_eager_double`: any scale > 0 becomes FLOAT64. Unlike Confluent it applies to DECIMAL as well as NUMERIC.',
  }),
  mode: choice({
    values: MODES,
    default: '',
    importance: 'high',
    group: MODE,
    orderInGroup: 1,
    dependents: ['incrementing.column.name', 'timestamp.column.name', 'validate.non.null'],
    doc:
      'How each table is read. `bulk`: the whole table at every poll. `incrementing`: rows whose strictly increasing ' +
      'column is above the last one seen (new rows only; rows committed out of order are missed). `timestamp`: rows whose ' +
      "timestamp is after the last one seen and before the database's time minus `timestamp.delay.interval.ms` (new and " +
      'updated rows). `timestamp+incrementing`: both, the id breaking ties between equal timestamps. Required.',
  }),
  'incrementing.column.name': string({
    default: '',
    importance: 'medium',
    group: MODE,
    doc: "The strictly increasing column (integral, not NULL). Empty: the table's auto-increment column. Required in query mode.",
  }),
  'incrementing.column.mapping': list({
    default: [],
    importance: 'medium',
    group: MODE,
    validate: checkMappingList(false),
    doc: 'Per-table incrementing column as `regex:column,regex2:column2`; regexes match fully-qualified table names, each table must match exactly one.',
  }),
  'timestamp.column.name': list({
    default: [],
    importance: 'medium',
    group: MODE,
    doc: 'The timestamp column, or several separated by commas: the first non-NULL one counts (`COALESCE`). At least one should be NOT NULL.',
  }),
  'timestamp.columns.mapping': list({
    default: [],
    importance: 'medium',
    group: MODE,
    validate: checkMappingList(true),
    doc: 'Per-table timestamp columns as `regex:[col1|col2],regex2:[col3]`; regexes match fully-qualified table names, each table must match exactly one.',
  }),
  'timestamp.initial': long({
    default: null,
    importance: 'low',
    group: MODE,
    validate: (v) =>
      v < -1 ? "Value must be -1 (the database's current time) or an epoch time in milliseconds" : undefined,
    doc: "Where timestamp modes start when there is no stored offset: epoch milliseconds, or `-1` for the database's current time. Unset: from the beginning (1970).",
  }),
  'timestamp.delay.interval.ms': long({
    default: 0,
    min: 0,
    importance: 'high',
    group: MODE,
    doc:
      "Rows are read only once their timestamp is this much older than the database's current time, so that transactions " +
      'that started earlier have committed. 0 (the default) can miss rows of long transactions; set it above your longest transaction.',
  }),
  'timestamp.granularity': choice({
    values: [
      'connect_logical',
      'micros_long',
      'micros_string',
      'micros_iso_datetime_string',
      'nanos_long',
      'nanos_string',
      'nanos_iso_datetime_string',
    ],
    default: 'connect_logical',
    importance: 'low',
    group: MODE,
    doc:
      'How TIMESTAMP columns appear in records: `connect_logical` (Connect Timestamp, milliseconds), `micros_long` / `nanos_long` ' +
      '(INT64 since the epoch), `micros_string` / `nanos_string` (the same as text), `micros_iso_datetime_string` / ' +
      '`nanos_iso_datetime_string` (`yyyy-MM-ddTHH:mm:ss.ffffff[fff]`, UTC).',
  }),
  'validate.non.null': boolean({
    default: true,
    importance: 'low',
    group: MODE,
    doc: 'Refuse to start when a timestamp or incrementing column is nullable. `false` turns the check off.',
  }),
  query: string({
    default: '',
    importance: 'medium',
    group: MODE,
    doc:
      'A SELECT to run instead of copying whole tables (one task, topic = `topic.prefix`). In the incremental modes the ' +
      'connector appends ` WHERE … ORDER BY …` as Confluent does, so the query must not have its own top-level WHERE, ' +
      'GROUP BY, ORDER BY, LIMIT or UNION; or it places the values itself with the placeholders `:timestamp` (last ' +
      'timestamp read), `:end_timestamp` (the upper bound: database time minus `timestamp.delay.interval.ms`) and ' +
      '`:incrementing` (last id read), in which case nothing is appended but `query.suffix`. A placeholder may appear several times.',
  }),
  'query.masked': password({
    default: null,
    importance: 'medium',
    group: MODE,
    doc: 'The same as `query`, for queries that contain secrets: never shown or logged. Cannot be combined with `query`.',
  }),
  'query.suffix': string({
    default: '',
    importance: 'low',
    group: MODE,
    doc: 'Text appended to the generated query, after the WHERE/ORDER BY clause. Beware: a `LIMIT` can split rows of one timestamp.',
  }),
  'query.retry.attempts': int({
    default: -1,
    min: -1,
    importance: 'low',
    group: MODE,
    doc: 'How many times in a row a transient SQL error (lost connection, deadlock, lock timeout) is retried before the task fails; -1: forever.',
  }),
  'table.types': list({
    default: ['TABLE'],
    nonEmpty: true,
    importance: 'low',
    group: CONNECTOR,
    doc: 'Which kinds of tables are listed: `TABLE`, `VIEW` (comma-separated).',
  }),
  'table.poll.interval.ms': long({
    default: 60_000,
    min: 1,
    importance: 'low',
    group: CONNECTOR,
    doc: 'How often the list of tables is read again; when tables appear or disappear the tasks are reconfigured.',
  }),
  'table.monitoring.startup.polling.limit.ms': long({
    default: 10_000,
    min: 0,
    importance: 'low',
    group: CONNECTOR,
    doc: 'Accepted for compatibility. Tributary reads the table list before the first task configuration, so it never waits on it.',
  }),
  'poll.interval.ms': int({
    default: 5000,
    min: 0,
    importance: 'high',
    group: CONNECTOR,
    doc: 'The least time between two queries of the same table (or of the query).',
  }),
  'batch.max.rows': int({
    default: 1000,
    min: 1,
    importance: 'low',
    group: CONNECTOR,
    doc: 'At most this many rows are handed over per poll; also the streaming fetch size. Not a SQL LIMIT: a result is read to its end over several polls.',
  }),
  'max.buffer.size': int({
    default: 0,
    min: 0,
    importance: 'low',
    group: CONNECTOR,
    doc: 'Accepted for compatibility. Tributary reads rows only when polled, so at most `batch.max.rows` rows are in memory per task.',
  }),
  'poll.linger.ms': long({
    default: 5000,
    min: 0,
    importance: 'low',
    group: CONNECTOR,
    doc: 'The longest a poll waits for a table to become due before returning no records.',
  }),
  'topic.prefix': string({
    default: '',
    importance: 'high',
    group: CONNECTOR,
    validate: (v) =>
      /^[a-zA-Z0-9._-]*$/.test(v) ? undefined : 'Topic prefix may contain only ASCII letters, digits, ".", "_" and "-"',
    doc: 'Prepended to the unqualified table name to make the topic name. In query mode, the topic name itself.',
  }),
  'db.timezone': string({
    default: 'UTC',
    importance: 'medium',
    group: CONNECTOR,
    validate: checkTimeZone,
    doc: "The time zone of the database's TIMESTAMP-without-time-zone values and of its current time (an IANA name such as `Europe/Paris`).",
  }),
  'date.calendar.system': choice({
    values: ['LEGACY', 'PROLEPTIC_GREGORIAN'],
    default: 'LEGACY',
    importance: 'low',
    group: CONNECTOR,
    doc: 'Accepted for compatibility. Dates are always proleptic Gregorian (as JavaScript dates are); they differ from `LEGACY` only before 1582.',
  }),
  'quote.sql.identifiers': choice({
    values: ['always', 'never'],
    default: 'always',
    importance: 'medium',
    group: CONNECTOR,
    doc: 'Quote table and column names in generated SQL (`always`), or write them as they are (`never`). Embedded quotes are always doubled.',
  }),
  'transaction.isolation.mode': choice({
    values: ['DEFAULT', 'READ_UNCOMMITTED', 'READ_COMMITTED', 'REPEATABLE_READ', 'SERIALIZABLE', 'SQL_SERVER_SNAPSHOT'],
    default: 'DEFAULT',
    importance: 'low',
    group: CONNECTOR,
    doc: "Accepted for compatibility; queries run with the database's default isolation. `SQL_SERVER_SNAPSHOT` is refused (no SQL Server dialect).",
  }),
  'key.mode': choice({
    values: ['primary_key', 'none'],
    default: 'primary_key',
    importance: 'medium',
    group: CONNECTOR,
    doc:
      "Tributary only. `primary_key` (the default): the record key is a Struct of the table's primary-key columns (no key " +
      "for tables without one, and in query mode). `none`: no key, as Confluent's connector does.",
  }),
});

export type JdbcSourceConfig = ConfigValues<typeof jdbcSourceConfig.keys>;

/** The query of `query` or `query.masked`, or null in table mode. */
export function queryOf(config: JdbcSourceConfig): string | null {
  if (config.query !== '') return config.query;
  const masked = config['query.masked']?.value() ?? '';
  return masked === '' ? null : masked;
}

export function usesTimestamp(mode: Mode): boolean {
  return mode === 'timestamp' || mode === 'timestamp+incrementing';
}

export function usesIncrementing(mode: Mode): boolean {
  return mode === 'incrementing' || mode === 'timestamp+incrementing';
}

/** The rules that involve several keys; every problem found. */
export function checkSourceConfig(config: JdbcSourceConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (key: string, message: string, value: string | undefined = undefined) => {
    const shown =
      value ?? (key === 'query.masked' || key === 'connection.password' ? undefined : shownValue(config, key));
    problems.push({ key, value: shown, message });
  };
  if (config['connection.url'] === '') add('connection.url', 'Missing required configuration: the database URL');
  const mode = config.mode;
  if (mode === '') add('mode', `Missing required configuration: one of ${MODES.filter((m) => m !== '').join(', ')}`);
  if (config['transaction.isolation.mode'] === 'SQL_SERVER_SNAPSHOT') {
    add('transaction.isolation.mode', 'Isolation mode SQL_SERVER_SNAPSHOT can only be used with a SQL Server dialect');
  }

  const hasWhitelist = config['table.whitelist'].length > 0;
  const hasBlacklist = config['table.blacklist'].length > 0;
  const hasInclude = config['table.include.list'].length > 0;
  const hasExclude = config['table.exclude.list'].length > 0;
  const hasIncColumn = config['incrementing.column.name'] !== '';
  const hasTsColumns = config['timestamp.column.name'].length > 0;
  const hasIncMapping = config['incrementing.column.mapping'].length > 0;
  const hasTsMapping = config['timestamp.columns.mapping'].length > 0;
  const query = config.query;
  const masked = config['query.masked']?.value() ?? '';

  if (query !== '' && masked !== '') {
    const message = 'query and query.masked cannot both be set; use one of them';
    add('query', message);
    add('query.masked', message);
  }
  const theQuery = queryOf(config);
  const queryKey = query !== '' ? 'query' : 'query.masked';
  if (theQuery !== null) {
    const filterKeys = (
      [
        ['table.whitelist', hasWhitelist],
        ['table.blacklist', hasBlacklist],
        ['table.include.list', hasInclude],
        ['table.exclude.list', hasExclude],
      ] as const
    )
      .filter(([, isSet]) => isSet)
      .map(([key]) => key);
    if (filterKeys.length > 0) {
      const message = `${queryKey} cannot be combined with table filters (${filterKeys.join(', ')}): remove them, or remove ${queryKey}`;
      add(queryKey, message);
      for (const key of filterKeys) add(key, message);
    }
    if (!/^\s*(select|with)\b/i.test(theQuery)) add(queryKey, `Only SELECT statements are supported for ${queryKey}`);
    if (mode !== '' && usesIncrementing(mode) && !hasIncColumn) {
      add(
        'incrementing.column.name',
        `Required with mode=${mode} and a ${queryKey}: the column cannot be detected without a table`,
      );
    }
    if (mode !== '' && usesTimestamp(mode) && !hasTsColumns) {
      add('timestamp.column.name', `Required with mode=${mode} and a ${queryKey}`);
    }
    if (mode !== '') {
      for (const problem of checkQueryText(theQuery, mode)) add(queryKey, problem);
    }
    if (hasIncMapping)
      add(
        'incrementing.column.mapping',
        `Not applied with a ${queryKey} (there is no table to match); use incrementing.column.name`,
      );
    if (hasTsMapping)
      add(
        'timestamp.columns.mapping',
        `Not applied with a ${queryKey} (there is no table to match); use timestamp.column.name`,
      );
  } else {
    if (hasWhitelist && hasBlacklist) {
      const message = 'table.whitelist and table.blacklist are exclusive: set only one of them';
      add('table.whitelist', message);
      add('table.blacklist', message);
    }
    const legacy = (
      [
        ['table.whitelist', hasWhitelist],
        ['table.blacklist', hasBlacklist],
        ['incrementing.column.name', hasIncColumn],
        ['timestamp.column.name', hasTsColumns],
      ] as const
    ).filter(([, isSet]) => isSet);
    const modern = (
      [
        ['table.include.list', hasInclude],
        ['table.exclude.list', hasExclude],
        ['incrementing.column.mapping', hasIncMapping],
        ['timestamp.columns.mapping', hasTsMapping],
      ] as const
    ).filter(([, isSet]) => isSet);
    if (legacy.length > 0 && modern.length > 0) {
      const message =
        `Legacy keys (${legacy.map(([k]) => k).join(', ')}) cannot be combined with new keys (${modern.map(([k]) => k).join(', ')}); ` +
        'use table.whitelist/table.blacklist with incrementing.column.name/timestamp.column.name, or table.include.list/table.exclude.list with the *.mapping keys';
      for (const [key] of [...legacy, ...modern]) add(key, message);
    } else if (!hasWhitelist && !hasBlacklist && !hasInclude && !hasExclude) {
      const message =
        'At least one table filter is required: table.whitelist, table.blacklist, table.include.list or table.exclude.list (or set query)';
      for (const key of ['table.whitelist', 'table.blacklist', 'table.include.list', 'table.exclude.list'])
        add(key, message);
    }
    if (hasExclude && !hasInclude)
      add('table.exclude.list', 'table.exclude.list cannot be used without table.include.list');
    if (modern.length > 0 && mode !== '') {
      if (usesTimestamp(mode) && !hasTsMapping)
        add('timestamp.columns.mapping', `Required with mode=${mode} and table.include.list`);
      if (usesIncrementing(mode) && !hasIncMapping)
        add('incrementing.column.mapping', `Required with mode=${mode} and table.include.list`);
      if (!usesTimestamp(mode) && hasTsMapping)
        add('timestamp.columns.mapping', `Only used with mode=timestamp or timestamp+incrementing, not ${mode}`);
      if (!usesIncrementing(mode) && hasIncMapping)
        add('incrementing.column.mapping', `Only used with mode=incrementing or timestamp+incrementing, not ${mode}`);
    }
    if (modern.length === 0 && mode !== '' && usesTimestamp(mode) && !hasTsColumns) {
      add('timestamp.column.name', `Required with mode=${mode}`);
    }
  }
  return problems;
}

function shownValue(config: JdbcSourceConfig, key: string): string | undefined {
  const value = (config as Readonly<Record<string, unknown>>)[key];
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** Parses and cross-checks `props`; one ConfigError with every problem. */
export function parseSourceConfig(
  props: Readonly<Record<string, string | undefined>>,
  context: string,
): JdbcSourceConfig {
  const config = jdbcSourceConfig.parse(props, context);
  const problems = checkSourceConfig(config);
  if (problems.length > 0) throw new ConfigError(problems, { context });
  return config;
}
