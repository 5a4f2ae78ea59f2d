// The write side shared by the dialects: statement shapes are the same everywhere except
// for the upsert/ignore clauses, the ADD COLUMN keyword and the widening statement, which
// each dialect passes in as a `WriteSyntax`.
import { DataError, DateType, Decimal, type Schema, Time, Timestamp } from '@tributary/api';
import type { ColumnDefinition, Dialect, SqlTypeOptions, SqlValueOptions, TableId, WriteColumn } from '../dialect.js';
import { type TableIdScope, tableIdParts, wallClockText } from './common.js';

export type WriteStatements = Pick<
  Dialect,
  | 'createTableSql'
  | 'addColumnSql'
  | 'widenColumnSql'
  | 'insertSql'
  | 'upsertSql'
  | 'insertIgnoreSql'
  | 'updateSql'
  | 'deleteSql'
  | 'toSqlValue'
>;

export interface WriteSyntax {
  readonly quoteIdentifier: (name: string) => string;
  readonly placeholder: (position: number) => string;
  readonly maxIdentifierLength: number | null;
  readonly identifierLengthUnit: 'characters' | 'bytes';
  readonly sqlType: (schema: Schema, options: SqlTypeOptions) => string;
  /** How int64 and boolean values are bound. */
  readonly int64As: 'bigint' | 'string';
  readonly booleanAs: 'boolean' | 'number';
  /** `INSERT … ON CONFLICT` (PostgreSQL, SQLite, DuckDB) or MySQL's `ON DUPLICATE KEY` / `INSERT IGNORE`. */
  readonly conflictStyle: 'on-conflict' | 'mysql';
  /** False when ADD COLUMN cannot carry NOT NULL (DuckDB): the DEFAULT fills existing rows, new rows are not checked. */
  readonly canAddRequiredColumn: boolean;
  /** The statement that changes `column` to `type`, keeping nullability; null when the dialect cannot. */
  readonly alterType: ((table: string, column: string, type: string, from: ColumnDefinition) => string) | null;
}

/** The identifier, quoted, or a DataError naming it when the database would truncate or refuse it. */
export function checkedIdentifier(syntax: WriteSyntax, name: string): string {
  if (name === '') throw new DataError('An empty identifier cannot name a table or column', { code: 'IDENTIFIER' });
  const max = syntax.maxIdentifierLength;
  // PostgreSQL counts bytes (NAMEDATALEN - 1), MySQL characters.
  const length = syntax.identifierLengthUnit === 'bytes' ? Buffer.byteLength(name, 'utf8') : [...name].length;
  if (max !== null && length > max)
    throw new DataError(
      `Identifier "${name.length > 100 ? `${name.slice(0, 100)}…` : name}" is ${length} ${syntax.identifierLengthUnit} long; this database allows at most ${max}`,
      { code: 'IDENTIFIER' },
    );
  return syntax.quoteIdentifier(name);
}

function checkedTable(syntax: WriteSyntax, id: TableId): string {
  return tableIdParts(id)
    .map((p) => checkedIdentifier(syntax, p))
    .join('.');
}

function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, not ${n}`);
}

function checkColumns(columns: readonly string[], keyColumns: readonly string[] | null): void {
  if (columns.length === 0) throw new RangeError('A statement needs at least one column');
  if (keyColumns === null) return;
  if (keyColumns.length === 0) throw new RangeError('A statement on keys needs at least one key column');
}

export function writeStatements(syntax: WriteSyntax, quoteTableParts: TableIdScope): WriteStatements {
  const q = (name: string) => checkedIdentifier(syntax, name);
  const t = (id: TableId) => checkedTable(syntax, quoteTableParts(id));

  function valuesRows(columnCount: number, rowCount: number): string {
    const rows: string[] = [];
    let n = 0;
    for (let r = 0; r < rowCount; r++) {
      const marks: string[] = [];
      for (let c = 0; c < columnCount; c++) marks.push(syntax.placeholder(++n));
      rows.push(`(${marks.join(', ')})`);
    }
    return rows.join(', ');
  }

  function insertHead(verb: string, table: TableId, columns: readonly string[], rowCount: number): string {
    checkColumns(columns, null);
    checkCount('rowCount', rowCount);
    return `${verb} ${t(table)} (${columns.map(q).join(', ')}) VALUES ${valuesRows(columns.length, rowCount)}`;
  }

  function toSqlValue(schema: Schema, value: unknown, options: SqlValueOptions): unknown {
    return sqlValue(syntax, schema, value, options);
  }

  function columnDefinition(column: WriteColumn): string {
    const type = syntax.sqlType(column.schema, { isPrimaryKey: column.isPrimaryKey });
    const isRequired = column.isPrimaryKey || !column.schema.isOptional;
    const literal = defaultLiteral(syntax, column.schema);
    // MySQL 8 takes a default for TEXT/BLOB columns only as an expression: `DEFAULT ('x')`.
    const fallback =
      literal !== null && /TEXT|BLOB/.test(type) && syntax.conflictStyle === 'mysql' ? `(${literal})` : literal;
    return `${q(column.name)} ${type}${isRequired ? ' NOT NULL' : ''}${fallback === null ? '' : ` DEFAULT ${fallback}`}`;
  }

  return {
    createTableSql(table, columns, primaryKey) {
      if (columns.length === 0) throw new RangeError(`Table ${table.table} needs at least one column`);
      const parts = columns.map(columnDefinition);
      if (primaryKey.length > 0) parts.push(`PRIMARY KEY (${primaryKey.map(q).join(', ')})`);
      return `CREATE TABLE IF NOT EXISTS ${t(table)} (${parts.join(', ')})`;
    },

    addColumnSql(table, column) {
      if (!column.schema.isOptional && defaultLiteral(syntax, column.schema) === null)
        throw new DataError(
          `Cannot add column "${column.name}" to ${table.table}: its schema is not optional and has no default value, so existing rows would have none`,
          { code: 'SCHEMA_EVOLUTION' },
        );
      const schema = syntax.canAddRequiredColumn ? column.schema : { ...column.schema, isOptional: true };
      return `ALTER TABLE ${t(table)} ADD COLUMN ${columnDefinition({ ...column, schema, isPrimaryKey: false })}`;
    },

    widenColumnSql(table, column, from) {
      if (syntax.alterType === null || from.isAutoIncrement) return null;
      const to = syntax.sqlType(column.schema, { isPrimaryKey: column.isPrimaryKey });
      if (!isWidening(from, column.schema, to)) return null;
      return syntax.alterType(t(table), q(column.name), to, from);
    },

    insertSql(table, columns, rowCount) {
      return insertHead('INSERT INTO', table, columns, rowCount);
    },

    upsertSql(table, columns, keyColumns, rowCount) {
      checkColumns(columns, keyColumns);
      const keys = new Set(keyColumns);
      for (const k of keyColumns)
        if (!columns.includes(k)) throw new RangeError(`Key column "${k}" is not among the inserted columns`);
      const others = columns.filter((c) => !keys.has(c));
      const head = insertHead('INSERT INTO', table, columns, rowCount);
      if (syntax.conflictStyle === 'on-conflict') {
        const target = `ON CONFLICT (${keyColumns.map(q).join(', ')})`;
        if (others.length === 0) return `${head} ${target} DO NOTHING`;
        return `${head} ${target} DO UPDATE SET ${others.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ')}`;
      }
      // MySQL: see Dialect.upsertSql — only the row with the record's key may be changed.
      if (others.length === 0) {
        const k = q(keyColumns[0] as string);
        return `${head} ON DUPLICATE KEY UPDATE ${k} = ${k}`;
      }
      const guard = keyColumns.map((k) => `${q(k)} <=> VALUES(${q(k)})`).join(' AND ');
      return `${head} ON DUPLICATE KEY UPDATE ${others.map((c) => `${q(c)} = IF(${guard}, VALUES(${q(c)}), ${q(c)})`).join(', ')}`;
    },

    insertIgnoreSql(table, columns, rowCount) {
      if (syntax.conflictStyle === 'mysql') return insertHead('INSERT IGNORE INTO', table, columns, rowCount);
      return `${insertHead('INSERT INTO', table, columns, rowCount)} ON CONFLICT DO NOTHING`;
    },

    updateSql(table, columns, keyColumns) {
      checkColumns(columns, keyColumns);
      let n = 0;
      const set = columns.map((c) => `${q(c)} = ${syntax.placeholder(++n)}`).join(', ');
      const where = keyColumns.map((k) => `${q(k)} = ${syntax.placeholder(++n)}`).join(' AND ');
      return `UPDATE ${t(table)} SET ${set} WHERE ${where}`;
    },

    deleteSql(table, keyColumns, rowCount) {
      checkColumns(keyColumns, keyColumns);
      checkCount('rowCount', rowCount);
      let n = 0;
      if (keyColumns.length === 1) {
        const marks = Array.from({ length: rowCount }, () => syntax.placeholder(++n));
        return `DELETE FROM ${t(table)} WHERE ${q(keyColumns[0] as string)} IN (${marks.join(', ')})`;
      }
      const rows = Array.from(
        { length: rowCount },
        () => `(${keyColumns.map((k) => `${q(k)} = ${syntax.placeholder(++n)}`).join(' AND ')})`,
      );
      return `DELETE FROM ${t(table)} WHERE ${rows.join(' OR ')}`;
    },

    toSqlValue,
  };
}

// ---- Values ------------------------------------------------------------------------------

function mismatch(schema: Schema, value: unknown): DataError {
  const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
  return new DataError(`Cannot write ${shown} as ${schema.name ?? schema.type}`, { code: 'CONVERSION' });
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function asDate(schema: Schema, value: unknown): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'number' || typeof value === 'bigint') {
    // The primitive form (days, ms since midnight, ms since the epoch) is accepted too.
    if (schema.name === DateType.LOGICAL_NAME) return DateType.fromDays(Number(value));
    return new Date(Number(value));
  }
  throw mismatch(schema, value);
}

function sqlValue(syntax: WriteSyntax, schema: Schema, value: unknown, options: SqlValueOptions): unknown {
  if (value === null || value === undefined) return null;
  switch (schema.name) {
    case Decimal.LOGICAL_NAME: {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint')
        throw mismatch(schema, value);
      const scale = Decimal.scale(schema);
      // Normalised through the unscaled integer: exact, and refuses non-numbers.
      return Decimal.format(Decimal.unscaled(value, scale), scale);
    }
    case DateType.LOGICAL_NAME: {
      const d = DateType.fromDays(DateType.toDays(asDate(schema, value)));
      return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    }
    case Time.LOGICAL_NAME: {
      const ms = Time.toMillis(asDate(schema, value));
      return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
    }
    case Timestamp.LOGICAL_NAME:
      return wallClockText(asDate(schema, value), options.dbTimezone, 3);
  }
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'bigint') return Number(value);
      throw mismatch(schema, value);
    case 'int64': {
      let v: bigint;
      if (typeof value === 'bigint') v = value;
      else if (typeof value === 'number' && Number.isInteger(value)) v = BigInt(value);
      else throw mismatch(schema, value);
      return syntax.int64As === 'bigint' ? v : v.toString();
    }
    case 'float32':
    case 'float64':
      if (typeof value === 'number') return value;
      throw mismatch(schema, value);
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch(schema, value);
      return syntax.booleanAs === 'boolean' ? value : value ? 1 : 0;
    case 'string':
      if (typeof value === 'string') return value;
      throw mismatch(schema, value);
    case 'bytes':
      if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value);
      throw mismatch(schema, value);
    default:
      throw nestedRefused(schema);
  }
}

export function nestedRefused(schema: Schema): DataError {
  return new DataError(
    `A ${schema.type} (${schema.name ?? 'unnamed'}) cannot be written to a column; flatten it first (e.g. the Flatten transform)`,
    { code: 'UNSUPPORTED_TYPE' },
  );
}

function defaultLiteral(syntax: WriteSyntax, schema: Schema): string | null {
  if (schema.defaultValue === undefined || schema.defaultValue === null) return null;
  let v: unknown;
  try {
    v = sqlValue(syntax, schema, schema.defaultValue, { dbTimezone: 'UTC' });
  } catch {
    return null;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') {
    const quoted = v.replaceAll("'", "''");
    // MySQL reads backslashes in literals as escapes unless NO_BACKSLASH_ESCAPES is set.
    return `'${syntax.conflictStyle === 'mysql' ? quoted.replaceAll('\\', '\\\\') : quoted}'`;
  }
  return null;
}

// ---- Widening ----------------------------------------------------------------------------

const INT_RANK: Readonly<Record<string, number>> = {
  tinyint: 1,
  int1: 1,
  smallint: 2,
  int2: 2,
  mediumint: 3,
  int: 4,
  integer: 4,
  int4: 4,
  bigint: 5,
  int8: 5,
};
const SCHEMA_INT_RANK: Readonly<Record<string, number>> = { int8: 1, int16: 2, int32: 4, int64: 5 };
const FLOAT_RANK: Readonly<Record<string, number>> = {
  float4: 1,
  real: 1,
  float: 1,
  float8: 2,
  double: 2,
  'double precision': 2,
};

function isWidening(from: ColumnDefinition, schema: Schema, to: string): boolean {
  const name = from.typeName;
  const target = to.toLowerCase();
  if (schema.name === null && SCHEMA_INT_RANK[schema.type] !== undefined) {
    const rank = INT_RANK[name];
    if (rank === undefined || /^tinyint\(1\)/.test(from.declaredType)) return false;
    // An unsigned column needs the next size up to keep its upper half.
    const needed = rank + (from.isUnsigned ? 1 : 0);
    const have = SCHEMA_INT_RANK[schema.type] ?? 0;
    return have > rank && have >= needed;
  }
  if (schema.name === null && (schema.type === 'float32' || schema.type === 'float64')) {
    const rank = FLOAT_RANK[name];
    return rank !== undefined && schema.type === 'float64' && rank < 2;
  }
  if (schema.name === null && schema.type === 'string') {
    if (name !== 'varchar' && name !== 'character varying') return false;
    if (target === 'text' || target === 'varchar') return true;
    const m = /^varchar\((\d+)\)$/.exec(target);
    return m !== null && from.precision !== null && Number(m[1]) > from.precision;
  }
  if (schema.name === Decimal.LOGICAL_NAME) {
    if (name !== 'decimal' && name !== 'numeric') return false;
    if (from.precision === null || from.scale === null) return false;
    const m = /^(?:decimal|numeric)\((\d+),\s*(-?\d+)\)$/.exec(target);
    if (m === null) return target === 'numeric';
    const p = Number(m[1]);
    const s = Number(m[2]);
    return s >= from.scale && p - s >= from.precision - from.scale && (p !== from.precision || s !== from.scale);
  }
  return false;
}
