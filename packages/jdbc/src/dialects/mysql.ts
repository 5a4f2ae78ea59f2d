// MySQL and MariaDB SQL. Sessions opened by this package run with time_zone '+00:00', so
// TIMESTAMP values (instants) arrive as UTC text and DATETIME values (wall clocks) as
// written; the latter are read in db.timezone.
import type { ColumnDefinition, ColumnMapping, ColumnMappingOptions, Dialect, TableId } from '../dialect.js';
import {
  booleanMapping,
  bytesMapping,
  dateMapping,
  decimalMapping,
  floatMapping,
  type IntegerType,
  integerMapping,
  numericMapping,
  stringMapping,
  timeMapping,
  timestampMapping,
} from './column-mappings.js';
import {
  backtick,
  columnMappingWith,
  currentTimeFrom,
  primaryKeyFromColumns,
  questionMark,
  questionMarksFor,
  quoteTableWith,
  tableIdStringWith,
  tableNotFound,
  wallClockText,
  withCatalog,
} from './common.js';
import { asNumberOrNull, asText, patternOrNull, tableTypesOrDefault } from './metadata-values.js';
import { mysqlWriteSide } from './write-sides.js';

const SYSTEM_SCHEMAS = ['information_schema', 'performance_schema', 'mysql', 'sys'];

// information_schema TABLE_TYPE per JDBC table type. MariaDB reports system-versioned
// tables as 'SYSTEM VERSIONED' and sequences as 'SEQUENCE'.
const TABLE_TYPES: Readonly<Record<string, readonly string[]>> = {
  TABLE: ['BASE TABLE', 'SYSTEM VERSIONED'],
  VIEW: ['VIEW'],
  'SYSTEM VIEW': ['SYSTEM VIEW'],
  SEQUENCE: ['SEQUENCE'],
};

const INTEGER_TYPES: Readonly<Record<string, readonly [IntegerType, IntegerType]>> = {
  // [signed, unsigned]
  tinyint: ['int8', 'int16'],
  smallint: ['int16', 'int32'],
  mediumint: ['int32', 'int32'],
  int: ['int32', 'int64'],
  integer: ['int32', 'int64'],
  bigint: ['int64', 'int64'],
};

export const mysqlDialect: Dialect = {
  name: 'mysql',
  ...mysqlWriteSide,

  quoteIdentifier: backtick,
  quoteTable: quoteTableWith(backtick, withCatalog),
  placeholder: questionMark,
  tableIdString: tableIdStringWith(withCatalog),

  // UTC_TIMESTAMP does not depend on the session time zone.
  currentTimeSql: 'SELECT UTC_TIMESTAMP(6)',
  currentTime: (db) => currentTimeFrom(db, mysqlDialect.currentTimeSql),

  async listTables(db, options = {}) {
    const types = tableTypesOrDefault(options.tableTypes).flatMap((t) => TABLE_TYPES[t] ?? []);
    if (types.length === 0) return [];
    const bindings: unknown[] = [...types];
    let schemaFilter = 'TABLE_SCHEMA = DATABASE()';
    const pattern = patternOrNull(options.catalogPattern);
    if (pattern !== null) {
      schemaFilter = 'TABLE_SCHEMA LIKE ?';
      bindings.push(pattern);
      if (/[%_]/.test(pattern)) {
        schemaFilter += ` AND TABLE_SCHEMA NOT IN (${questionMarksFor(SYSTEM_SCHEMAS)})`;
        bindings.push(...SYSTEM_SCHEMAS);
      }
    }
    const { rows } = await db.query(
      `SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE IN (${questionMarksFor(types)}) AND ${schemaFilter} ORDER BY TABLE_SCHEMA, TABLE_NAME`,
      bindings,
    );
    return rows.map((r): TableId => ({ catalog: asText(r[0]), schema: null, table: asText(r[1]) }));
  },

  async describeTable(db, id) {
    const { rows } = await db.query(
      `SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.IS_NULLABLE, c.NUMERIC_PRECISION, c.NUMERIC_SCALE,
              c.CHARACTER_MAXIMUM_LENGTH, c.DATETIME_PRECISION, c.EXTRA, k.ORDINAL_POSITION
         FROM information_schema.COLUMNS c
         LEFT JOIN information_schema.KEY_COLUMN_USAGE k
           ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME AND k.COLUMN_NAME = c.COLUMN_NAME
          AND k.CONSTRAINT_NAME = 'PRIMARY'
        WHERE c.TABLE_SCHEMA = COALESCE(?, DATABASE()) AND c.TABLE_NAME = ?
        ORDER BY c.ORDINAL_POSITION`,
      [id.catalog, id.table],
    );
    if (rows.length === 0) throw tableNotFound(mysqlDialect.tableIdString(id), { canHideColumns: true });
    return rows.map((r): ColumnDefinition => {
      const typeName = asText(r[1]).toLowerCase();
      const declaredType = asText(r[2]).toLowerCase();
      const width = /^\w+\((\d+)\)/.exec(declaredType)?.[1];
      const isInteger = typeName in INTEGER_TYPES;
      const isTime = ['datetime', 'timestamp', 'time'].includes(typeName);
      return {
        name: asText(r[0]),
        typeName,
        declaredType,
        isUnsigned: /\bunsigned\b/.test(declaredType),
        precision: isInteger
          ? width === undefined
            ? null
            : Number(width)
          : typeName === 'bit'
            ? Number(width ?? '1')
            : (asNumberOrNull(r[4]) ?? asNumberOrNull(r[6])),
        scale: isTime ? asNumberOrNull(r[7]) : isInteger ? null : asNumberOrNull(r[5]),
        isNullable: asText(r[3]).toUpperCase() === 'YES',
        isAutoIncrement: /auto_increment/i.test(asText(r[8])),
        primaryKeyPosition: asNumberOrNull(r[9]),
      };
    });
  },

  primaryKey: async (db, id) => primaryKeyFromColumns(await mysqlDialect.describeTable(db, id)),

  columnMapping: columnMappingWith(mysqlColumnMapping),

  timestampParameter(value, column, dbTimezone) {
    const isZoneLess = column !== null && column.typeName !== 'timestamp';
    return wallClockText(value, isZoneLess ? dbTimezone : 'UTC', 6);
  },
};

function mysqlColumnMapping(column: ColumnDefinition, options: ColumnMappingOptions): ColumnMapping | null {
  const t = column.typeName;
  const ints = INTEGER_TYPES[t];
  if (ints !== undefined) {
    // Connector/J reports TINYINT(1) as BIT, which Confluent maps to BOOLEAN.
    if (t === 'tinyint' && column.precision === 1) return booleanMapping(column);
    if (t === 'bigint' && column.isUnsigned) return decimalMapping(column, 20, 0);
    return integerMapping(column, column.isUnsigned ? ints[1] : ints[0]);
  }
  switch (t) {
    case 'decimal':
    case 'numeric':
      return numericMapping(column, column.precision, column.scale, options.numericMapping);
    case 'float':
      return floatMapping(column, 'float32');
    case 'double':
    case 'real':
      return floatMapping(column, 'float64');
    case 'bit':
      return (column.precision ?? 1) <= 1 ? booleanMapping(column) : bytesMapping(column);
    case 'bool':
    case 'boolean':
      return booleanMapping(column);
    case 'char':
    case 'varchar':
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'enum':
    case 'set':
    case 'json':
    case 'uuid':
    case 'inet4':
    case 'inet6':
      return stringMapping(column);
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return bytesMapping(column);
    case 'date':
      return dateMapping(column, options.dbTimezone);
    case 'year':
      return yearMapping(column);
    case 'time':
      return timeMapping(column);
    case 'datetime':
      return timestampMapping(column, options.dbTimezone);
    case 'timestamp':
      return timestampMapping(column, 'UTC');
    default:
      return null;
  }
}

// Connector/J's default yearIsDateType=true: YEAR is a DATE on January 1st.
function yearMapping(column: ColumnDefinition): ColumnMapping {
  const date = dateMapping(column, 'UTC');
  return {
    ...date,
    read: (raw) => (raw === null || raw === undefined ? null : date.read(`${String(raw).padStart(4, '0')}-01-01`)),
    readTimestamp: (raw) =>
      raw === null || raw === undefined
        ? null
        : (date.readTimestamp?.(`${String(raw).padStart(4, '0')}-01-01`) ?? null),
  };
}
