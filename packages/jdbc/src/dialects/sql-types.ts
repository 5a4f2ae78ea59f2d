// Connect schema → column type, per dialect (the table is in Dialect.sqlType's doc).
import { DataError, DateType, Decimal, type Schema, Time, Timestamp } from '@tributary/api';
import type { SqlTypeOptions } from '../dialect.js';
import { nestedRefused } from './write-sql.js';

interface TypeNames {
  readonly int8: string;
  readonly int16: string;
  readonly int32: string;
  readonly int64: string;
  readonly float32: string;
  readonly float64: string;
  readonly boolean: string;
  readonly string: (isKey: boolean) => string;
  readonly bytes: (isKey: boolean) => string;
  readonly decimal: (precision: number | null, scale: number) => string;
  readonly date: string;
  readonly time: string;
  readonly timestamp: string;
}

function precisionOf(schema: Schema): number | null {
  const raw = schema.parameters?.[Decimal.PRECISION_FIELD];
  if (raw === undefined) return null;
  const p = Number(raw);
  return Number.isInteger(p) && p > 0 ? p : null;
}

function typeFor(names: TypeNames, schema: Schema, options: SqlTypeOptions): string {
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      return names.decimal(precisionOf(schema), Decimal.scale(schema));
    case DateType.LOGICAL_NAME:
      return names.date;
    case Time.LOGICAL_NAME:
      return names.time;
    case Timestamp.LOGICAL_NAME:
      return names.timestamp;
  }
  switch (schema.type) {
    case 'string':
      return names.string(options.isPrimaryKey);
    case 'bytes':
      return names.bytes(options.isPrimaryKey);
    case 'array':
    case 'map':
    case 'struct':
      throw nestedRefused(schema);
    default:
      return names[schema.type];
  }
}

function decimalRefused(what: string, precision: number | null, scale: number): DataError {
  return new DataError(`${what} cannot hold Decimal(precision ${precision ?? 'unset'}, scale ${scale})`, {
    code: 'UNSUPPORTED_TYPE',
  });
}

// The names most of the engines spell alike; each table below overrides where its engine differs.
const COMMON_NAMES = {
  int8: 'TINYINT',
  int16: 'SMALLINT',
  int32: 'INTEGER',
  int64: 'BIGINT',
  float32: 'REAL',
  float64: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  time: 'TIME',
  timestamp: 'TIMESTAMP',
} as const satisfies Partial<TypeNames>;

const MYSQL: TypeNames = {
  ...COMMON_NAMES,
  int32: 'INT',
  float32: 'FLOAT',
  boolean: 'TINYINT(1)',
  // TEXT cannot be a key without a prefix length; 256 characters of utf8mb4 stay under
  // InnoDB's 3072-byte index limit even for composite keys of a few columns.
  string: (isKey) => (isKey ? 'VARCHAR(256)' : 'TEXT'),
  bytes: (isKey) => (isKey ? 'VARBINARY(1024)' : 'LONGBLOB'),
  decimal: (precision, scale) => {
    if (scale < 0 || scale > 30) throw decimalRefused('MySQL DECIMAL (scale 0..30)', precision, scale);
    const p = Math.min(65, Math.max(precision ?? 65, scale, 1));
    return `DECIMAL(${p},${scale})`;
  },
  time: 'TIME(3)',
  timestamp: 'DATETIME(3)',
};

const POSTGRES: TypeNames = {
  ...COMMON_NAMES,
  // PostgreSQL has no one-byte integer.
  int8: 'SMALLINT',
  int32: 'INT',
  float64: 'DOUBLE PRECISION',
  string: () => 'TEXT',
  bytes: () => 'BYTEA',
  // NUMERIC without a modifier keeps any value exactly; with one when the precision is known.
  decimal: (precision, scale) =>
    precision !== null && scale >= 0 && scale <= precision && precision <= 1000
      ? `NUMERIC(${precision},${scale})`
      : 'NUMERIC',
  time: 'TIME(3)',
  timestamp: 'TIMESTAMP(3)',
};

// Declared names chosen so the source's mapping reads the columns back as the same types.
const SQLITE: TypeNames = {
  ...COMMON_NAMES,
  string: () => 'TEXT',
  bytes: () => 'BLOB',
  decimal: (precision, scale) => (precision === null ? `DECIMAL(65,${scale})` : `DECIMAL(${precision},${scale})`),
  timestamp: 'DATETIME',
};

const DUCKDB: TypeNames = {
  ...COMMON_NAMES,
  string: () => 'VARCHAR',
  bytes: () => 'BLOB',
  decimal: (precision, scale) => {
    const p = precision ?? 38;
    if (scale < 0 || p > 38 || scale > p) throw decimalRefused('DuckDB DECIMAL (width ≤ 38)', precision, scale);
    return `DECIMAL(${p},${scale})`;
  },
};

export const mysqlSqlType = (schema: Schema, options: SqlTypeOptions): string => typeFor(MYSQL, schema, options);
export const postgresSqlType = (schema: Schema, options: SqlTypeOptions): string => typeFor(POSTGRES, schema, options);
export const sqliteSqlType = (schema: Schema, options: SqlTypeOptions): string => typeFor(SQLITE, schema, options);
export const duckdbSqlType = (schema: Schema, options: SqlTypeOptions): string => typeFor(DUCKDB, schema, options);
