// PostgreSQL SQL. Sessions opened by this package run with TimeZone UTC and ISO DateStyle;
// date/time, int8, numeric and json values arrive as the server's text.
import type { ColumnDefinition, ColumnMapping, ColumnMappingOptions, Dialect, TableId } from '../dialect.js';
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
  primaryKeyFromColumns,
  quoteTableWith,
  tableIdStringWith,
  tableNotFound,
  wallClockText,
  withoutCatalog,
} from './common.js';
import { asNumberOrNull, asText, patternOrNull, tableTypesOrDefault } from './metadata-values.js';
import { postgresWriteSide } from './write-sides.js';

// pg_class.relkind per JDBC table type (pgjdbc's names).
const RELKINDS: Readonly<Record<string, string>> = {
  TABLE: 'r',
  'PARTITIONED TABLE': 'p',
  VIEW: 'v',
  'MATERIALIZED VIEW': 'm',
  'FOREIGN TABLE': 'f',
};

/**
 * Precision and scale from a type modifier, as `format_type` reads them: numeric packs
 * (precision << 16 | scale) + 4, character types length + 4, time types the fractional digits.
 */
export function decodeTypmod(typeName: string, typmod: number): { precision: number | null; scale: number | null } {
  if (typmod < 0) return { precision: null, scale: null };
  switch (typeName) {
    case 'numeric': {
      const packed = typmod - 4;
      const rawScale = packed & 0x7ff;
      // PostgreSQL 15+ allows negative scales, stored as 11-bit two's complement.
      return { precision: (packed >> 16) & 0xffff, scale: rawScale > 1023 ? rawScale - 2048 : rawScale };
    }
    case 'bpchar':
    case 'varchar':
    case 'bit':
    case 'varbit':
      return { precision: typmod - 4, scale: null };
    case 'timestamp':
    case 'timestamptz':
    case 'time':
    case 'timetz':
      return { precision: null, scale: typmod };
    default:
      return { precision: null, scale: null };
  }
}

export const postgresDialect: Dialect = {
  name: 'postgresql',
  ...postgresWriteSide,

  quoteIdentifier: doubleQuote,
  // Confluent's partition string and quoting leave the catalog out: PostgreSQL cannot
  // query another database, and the connected one is implied.
  quoteTable: quoteTableWith(doubleQuote, withoutCatalog),
  placeholder: dollarNumber,
  tableIdString: tableIdStringWith(withoutCatalog),

  currentTimeSql: 'SELECT CURRENT_TIMESTAMP',
  currentTime: (db) => currentTimeFrom(db, postgresDialect.currentTimeSql),

  async listTables(db, options = {}) {
    const kinds = tableTypesOrDefault(options.tableTypes)
      .map((t) => RELKINDS[t])
      .filter((k): k is string => k !== undefined);
    if (kinds.length === 0) return [];
    const bindings: unknown[] = [kinds];
    let filter = '';
    // Like pgjdbc: an empty schema pattern filters nothing, and the catalog pattern is
    // ignored (a connection sees one database).
    const pattern = patternOrNull(options.schemaPattern);
    if (pattern !== null) {
      bindings.push(pattern);
      filter += ` AND n.nspname LIKE $${bindings.length}`;
    } else {
      filter += ` AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;
    }
    const { rows } = await db.query(
      `SELECT current_database(), n.nspname, c.relname
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind::text = ANY($1::text[])${filter}
        ORDER BY n.nspname, c.relname`,
      bindings,
    );
    return rows.map((r): TableId => ({ catalog: asText(r[0]), schema: asText(r[1]), table: asText(r[2]) }));
  },

  async describeTable(db, id) {
    const { rows } = await db.query(
      `SELECT a.attname,
              CASE WHEN t.typtype = 'e' THEN 'enum' WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END,
              format_type(a.atttypid, a.atttypmod),
              NOT a.attnotnull,
              CASE WHEN t.typtype = 'd' AND a.atttypmod < 0 THEN t.typtypmod ELSE a.atttypmod END,
              a.attidentity IN ('a', 'd') OR COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false),
              (SELECT k.ord FROM pg_catalog.pg_index i, unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                WHERE i.indrelid = c.oid AND i.indisprimary AND k.attnum = a.attnum)
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
         LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = COALESCE($1, current_schema()) AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [id.schema, id.table],
    );
    if (rows.length === 0) throw tableNotFound(postgresDialect.tableIdString(id), { canHideColumns: true });
    return rows.map((r): ColumnDefinition => {
      const typeName = asText(r[1]);
      const { precision, scale } = decodeTypmod(typeName, asNumberOrNull(r[4]) ?? -1);
      return {
        name: asText(r[0]),
        typeName,
        declaredType: asText(r[2]),
        isUnsigned: false,
        precision,
        scale,
        isNullable: r[3] === true,
        isAutoIncrement: r[5] === true,
        primaryKeyPosition: asNumberOrNull(r[6]),
      };
    });
  },

  primaryKey: async (db, id) => primaryKeyFromColumns(await postgresDialect.describeTable(db, id)),

  columnMapping: columnMappingWith(postgresColumnMapping),

  timestampParameter(value, column, dbTimezone) {
    const isZoneLess = column !== null && (column.typeName === 'timestamp' || column.typeName === 'date');
    if (isZoneLess) return wallClockText(value, dbTimezone, 6);
    return `${wallClockText(value, 'UTC', 6)}+00`;
  },
};

function postgresColumnMapping(column: ColumnDefinition, options: ColumnMappingOptions): ColumnMapping | null {
  switch (column.typeName) {
    case 'bool':
      return booleanMapping(column);
    case 'int2':
      return integerMapping(column, 'int16');
    case 'int4':
      return integerMapping(column, 'int32');
    case 'int8':
    case 'oid':
      return integerMapping(column, 'int64');
    case 'float4':
      return floatMapping(column, 'float32');
    case 'float8':
      return floatMapping(column, 'float64');
    case 'numeric':
      return numericMapping(column, column.precision, column.scale, options.numericMapping);
    case 'char':
    case 'bpchar':
    case 'varchar':
    case 'text':
    case 'name':
    case 'citext':
    case 'enum':
    case 'json':
    case 'jsonb':
    case 'uuid':
    case 'xml':
      return stringMapping(column);
    case 'bytea':
      return bytesMapping(column);
    case 'date':
      return dateMapping(column, options.dbTimezone);
    case 'time':
    case 'timetz':
      return timeMapping(column);
    case 'timestamp':
      return timestampMapping(column, options.dbTimezone);
    case 'timestamptz':
      return timestampMapping(column, 'UTC');
    default:
      return null;
  }
}
