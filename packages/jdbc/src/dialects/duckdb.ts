// DuckDB SQL. Metadata from information_schema and duckdb_constraints(); values arrive from
// the driver as JavaScript numbers/bigints/booleans/strings/Buffers, and decimals, dates,
// times and timestamps as DuckDB's text (see drivers/duckdb-driver.ts), which the shared
// column mappings read as they read PostgreSQL's.
import type { ColumnDefinition, ColumnMapping, ColumnMappingOptions, Dialect, Queryable, TableId } from '../dialect.js';
import {
  booleanMapping,
  bytesMapping,
  dateMapping,
  floatMapping,
  integerMapping,
  numericMapping,
  stringMapping,
  timeMapping,
  timestampMapping,
} from './column-mappings.js';
import {
  columnMappingWith,
  currentTimeFrom,
  dollarNumber,
  doubleQuote,
  quoteTableWith,
  tableIdStringWith,
  tableNotFound,
  wallClockText,
  withCatalog,
  withoutCatalog,
} from './common.js';
import { asText, patternOrNull, tableTypesOrDefault } from './metadata-values.js';
import { duckdbWriteSide } from './write-sides.js';

const TABLE_TYPES: Readonly<Record<string, readonly string[]>> = {
  TABLE: ['BASE TABLE', 'LOCAL TEMPORARY'],
  VIEW: ['VIEW'],
};

/** A column definition from a DuckDB type text such as `DECIMAL(10,2)`, `INTEGER[]`, `TIMESTAMP WITH TIME ZONE`. */
export function duckdbColumn(
  name: string,
  typeText: string,
  isNullable: boolean,
  primaryKeyPosition: number | null,
): ColumnDefinition {
  const declaredType = typeText.toLowerCase();
  const m = /^([a-z_][a-z0-9_ ]*?)\s*(?:\((\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(declaredType);
  return {
    name,
    typeName: m === null ? declaredType : (m[1] ?? declaredType),
    declaredType,
    isUnsigned: /^u(tinyint|smallint|integer|bigint|hugeint)$/.test(m?.[1] ?? ''),
    precision: m?.[2] === undefined ? null : Number(m[2]),
    scale: m?.[3] === undefined ? null : Number(m[3]),
    isNullable,
    isAutoIncrement: false,
    primaryKeyPosition,
  };
}

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  ...duckdbWriteSide,

  quoteIdentifier: doubleQuote,
  quoteTable: quoteTableWith(doubleQuote, withCatalog),
  placeholder: dollarNumber,
  tableIdString: tableIdStringWith(withoutCatalog),

  currentTimeSql: 'SELECT CAST(current_timestamp AS VARCHAR)',
  currentTime: (db) => currentTimeFrom(db, duckdbDialect.currentTimeSql),

  async listTables(db, options = {}) {
    const types = tableTypesOrDefault(options.tableTypes).flatMap((t) => TABLE_TYPES[t] ?? []);
    if (types.length === 0) return [];
    const catalog = patternOrNull(options.catalogPattern);
    const schema = patternOrNull(options.schemaPattern);
    const typeMarks = types.map((_, i) => dollarNumber(i + 3)).join(', ');
    const { rows } = await db.query(
      `SELECT table_catalog, table_schema, table_name FROM information_schema.tables
       WHERE (CAST($1 AS VARCHAR) IS NULL AND table_catalog = current_database() OR table_catalog LIKE $1)
         AND (CAST($2 AS VARCHAR) IS NULL AND table_schema NOT IN ('information_schema', 'pg_catalog') OR table_schema LIKE $2)
         AND table_type IN (${typeMarks})
       ORDER BY table_schema, table_name, table_catalog`,
      [catalog, schema, ...types],
    );
    return rows.map((r): TableId => ({ catalog: asText(r[0]), schema: asText(r[1]), table: asText(r[2]) }));
  },

  async describeTable(db, id) {
    const where = `table_name = $1 AND table_schema = coalesce(CAST($2 AS VARCHAR), current_schema())
      AND table_catalog = coalesce(CAST($3 AS VARCHAR), current_database())`;
    const { rows } = await db.query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE ${where} ORDER BY ordinal_position`,
      [id.table, id.schema, id.catalog],
    );
    if (rows.length === 0) throw tableNotFound(duckdbDialect.tableIdString(id), { canHideColumns: false });
    const key = await primaryKeyOf(db, id);
    return rows.map((r) => {
      const name = asText(r[0]);
      const position = key.indexOf(name);
      return duckdbColumn(name, asText(r[1]), asText(r[2]) === 'YES', position < 0 ? null : position + 1);
    });
  },

  async primaryKey(db, id) {
    await duckdbDialect.describeTable(db, id);
    return primaryKeyOf(db, id);
  },

  columnMapping: columnMappingWith(duckdbColumnMapping),

  timestampParameter(value, column, dbTimezone) {
    const isZoned =
      column === null || column.typeName === 'timestamp with time zone' || column.typeName === 'timestamptz';
    return isZoned ? `${wallClockText(value, 'UTC', 6)}+00` : wallClockText(value, dbTimezone, 6);
  },
};

async function primaryKeyOf(db: Queryable, id: TableId): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT constraint_column_names FROM duckdb_constraints()
     WHERE constraint_type = 'PRIMARY KEY' AND table_name = $1
       AND schema_name = coalesce(CAST($2 AS VARCHAR), current_schema())
       AND database_name = coalesce(CAST($3 AS VARCHAR), current_database())`,
    [id.table, id.schema, id.catalog],
  );
  const names = rows[0]?.[0];
  return Array.isArray(names) ? names.map(asText) : [];
}

function duckdbColumnMapping(column: ColumnDefinition, options: ColumnMappingOptions): ColumnMapping | null {
  switch (column.typeName) {
    case 'tinyint':
    case 'int1':
      return integerMapping(column, 'int8');
    case 'smallint':
    case 'int2':
    case 'utinyint':
      return integerMapping(column, 'int16');
    case 'integer':
    case 'int':
    case 'int4':
    case 'usmallint':
      return integerMapping(column, 'int32');
    case 'bigint':
    case 'int8':
    case 'uinteger':
      return integerMapping(column, 'int64');
    case 'ubigint':
    case 'hugeint':
    case 'uhugeint':
      return numericMapping(column, column.typeName === 'ubigint' ? 20 : 39, 0, options.numericMapping);
    case 'decimal':
    case 'numeric':
      return numericMapping(column, column.precision ?? 18, column.scale ?? 3, options.numericMapping);
    case 'float':
    case 'real':
    case 'float4':
      return floatMapping(column, 'float32');
    case 'double':
    case 'float8':
      return floatMapping(column, 'float64');
    case 'boolean':
    case 'bool':
      return booleanMapping(column);
    case 'varchar':
    case 'text':
    case 'string':
    case 'uuid':
    case 'json':
      return stringMapping(column);
    case 'blob':
    case 'bytea':
      return bytesMapping(column);
    case 'date':
      return dateMapping(column, options.dbTimezone);
    case 'time':
      return timeMapping(column);
    case 'timestamp':
    case 'datetime':
    case 'timestamp_ms':
    case 'timestamp_ns':
    case 'timestamp_s':
      return timestampMapping(column, options.dbTimezone);
    case 'timestamp with time zone':
    case 'timestamptz':
      return timestampMapping(column, 'UTC');
    default:
      // Lists, structs, maps, unions, intervals, bit strings, enums…
      return null;
  }
}
