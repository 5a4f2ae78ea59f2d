// SQLite SQL. Types are whatever the column declares (SQLite has only storage classes),
// so the mapping reads the declared type the way SQLite's affinity rules do, after a
// table of well-known names. Integers are 64-bit whatever their declared name says.
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
  doubleQuote,
  primaryKeyFromColumns,
  questionMark,
  questionMarksFor,
  quoteTableWith,
  tableIdStringWith,
  tableNotFound,
  wallClockText,
  withoutCatalog,
} from './common.js';
import { asNumberOrNull, asText, patternOrNull, tableTypesOrDefault } from './metadata-values.js';
import { sqliteWriteSide } from './write-sides.js';

const SQLITE_TYPES: Readonly<Record<string, string>> = { TABLE: 'table', VIEW: 'view' };

/** Base name, precision and scale of a declared type such as `DECIMAL(10, 2)` or `unsigned big int`. */
export function parseDeclaredType(declared: string | null): {
  typeName: string;
  precision: number | null;
  scale: number | null;
} {
  const text = (declared ?? '').trim().toLowerCase();
  const m = /^([a-z_][a-z0-9_ ]*?)\s*(?:\(\s*([+-]?\d+)\s*(?:,\s*([+-]?\d+)\s*)?\))?$/.exec(text);
  if (m === null) return { typeName: text, precision: null, scale: null };
  return {
    typeName: (m[1] ?? '').replace(/\s+/g, ' '),
    precision: m[2] === undefined ? null : Number(m[2]),
    scale: m[3] === undefined ? null : Number(m[3]),
  };
}

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  ...sqliteWriteSide,

  quoteIdentifier: doubleQuote,
  quoteTable: quoteTableWith(doubleQuote, withoutCatalog),
  placeholder: questionMark,
  tableIdString: tableIdStringWith(withoutCatalog),

  currentTimeSql: "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')",
  currentTime: (db) => currentTimeFrom(db, sqliteDialect.currentTimeSql),

  async listTables(db, options = {}) {
    const types = tableTypesOrDefault(options.tableTypes)
      .map((t) => SQLITE_TYPES[t])
      .filter((t): t is string => t !== undefined);
    if (types.length === 0) return [];
    // SQLite has neither catalogs nor schemas in JDBC's sense: a pattern other than
    // "match anything" matches nothing.
    for (const pattern of [options.catalogPattern, options.schemaPattern].map(patternOrNull)) {
      if (pattern !== null && pattern !== '%') return [];
    }
    const { rows } = await db.query(
      `SELECT name FROM sqlite_master WHERE type IN (${questionMarksFor(types)}) AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
      types,
    );
    return rows.map((r): TableId => ({ catalog: null, schema: null, table: asText(r[0]) }));
  },

  async describeTable(db, id) {
    const { rows } = await db.query(
      `SELECT name, type, "notnull", pk FROM pragma_table_info(?${id.schema === null ? '' : ', ?'}) ORDER BY cid`,
      id.schema === null ? [id.table] : [id.table, id.schema],
    );
    if (rows.length === 0) throw tableNotFound(sqliteDialect.tableIdString(id), { canHideColumns: false });
    const pkCount = rows.filter((r) => (asNumberOrNull(r[3]) ?? 0) > 0).length;
    return rows.map((r): ColumnDefinition => {
      const declaredType = asText(r[1]);
      const { typeName, precision, scale } = parseDeclaredType(declaredType);
      const pk = asNumberOrNull(r[3]) ?? 0;
      return {
        name: asText(r[0]),
        typeName,
        declaredType: declaredType.toLowerCase(),
        isUnsigned: false,
        precision,
        scale,
        // A primary key column may hold NULL in SQLite unless declared NOT NULL, except the rowid alias.
        isNullable: (asNumberOrNull(r[2]) ?? 0) === 0 && !(pk > 0 && pkCount === 1 && typeName === 'integer'),
        // INTEGER PRIMARY KEY is the rowid: assigned automatically when not given.
        isAutoIncrement: pk > 0 && pkCount === 1 && typeName === 'integer',
        primaryKeyPosition: pk > 0 ? pk : null,
      };
    });
  },

  primaryKey: async (db, id) => primaryKeyFromColumns(await sqliteDialect.describeTable(db, id)),

  columnMapping: columnMappingWith(sqliteColumnMapping),

  // Text in the form strftime('%Y-%m-%d %H:%M:%f') writes, in db.timezone: SQLite compares
  // text, so the bound value must look like the stored ones.
  timestampParameter: (value, _column, dbTimezone) => wallClockText(value, dbTimezone, 3),
};

function sqliteColumnMapping(column: ColumnDefinition, options: ColumnMappingOptions): ColumnMapping | null {
  const t = column.typeName;
  switch (t) {
    case 'tinyint':
      return integerMapping(column, 'int8');
    case 'smallint':
    case 'int2':
      return integerMapping(column, 'int16');
    case 'mediumint':
      return integerMapping(column, 'int32');
    case 'boolean':
    case 'bool':
      return booleanMapping(column);
    case 'decimal':
    case 'numeric':
      return numericMapping(column, column.precision, column.scale, options.numericMapping);
    case 'real':
    case 'double':
    case 'double precision':
    case 'float':
      return floatMapping(column, 'float64');
    case 'date':
      return dateMapping(column, options.dbTimezone);
    case 'time':
      return timeMapping(column);
    case 'datetime':
    case 'timestamp':
      return timestampMapping(column, options.dbTimezone);
    case 'json':
    case 'uuid':
      return stringMapping(column);
    case '':
      return null;
  }
  // SQLite's affinity rules, in its order.
  if (t.includes('int')) return integerMapping(column, 'int64');
  if (t.includes('char') || t.includes('clob') || t.includes('text')) return stringMapping(column);
  if (t.includes('blob') || t.includes('binary')) return bytesMapping(column);
  if (t.includes('real') || t.includes('floa') || t.includes('doub')) return floatMapping(column, 'float64');
  return null;
}
