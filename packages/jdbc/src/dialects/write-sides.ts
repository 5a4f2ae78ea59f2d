// Each dialect's write side: its type names, bind forms, conflict clauses and limits,
// assembled by `writeStatements`. Spread into the dialect objects.
import type { Dialect } from '../dialect.js';
import {
  backtick,
  dollarNumber,
  doubleQuote,
  questionMark,
  type TableIdScope,
  withCatalog,
  withoutCatalog,
} from './common.js';
import { duckdbSqlType, mysqlSqlType, postgresSqlType, sqliteSqlType } from './sql-types.js';
import { type WriteStatements, type WriteSyntax, writeStatements } from './write-sql.js';

export type WriteSide = WriteStatements & Pick<Dialect, 'maxBindParameters' | 'maxIdentifierLength' | 'sqlType'>;

function writeSide(maxBindParameters: number, syntax: WriteSyntax, quoteTableParts: TableIdScope): WriteSide {
  return {
    maxBindParameters,
    maxIdentifierLength: syntax.maxIdentifierLength,
    sqlType: syntax.sqlType,
    ...writeStatements(syntax, quoteTableParts),
  };
}

export const mysqlWriteSide: WriteSide = writeSide(
  65_535,
  {
    quoteIdentifier: backtick,
    placeholder: questionMark,
    maxIdentifierLength: 64,
    identifierLengthUnit: 'characters',
    sqlType: mysqlSqlType,
    int64As: 'bigint',
    booleanAs: 'number',
    conflictStyle: 'mysql',
    canAddRequiredColumn: true,
    // MODIFY restates the whole column: nullability is kept; a DEFAULT or COMMENT is not.
    alterType: (table, column, type, from) =>
      `ALTER TABLE ${table} MODIFY COLUMN ${column} ${type}${from.isNullable ? ' NULL' : ' NOT NULL'}`,
  },
  withCatalog,
);

export const postgresWriteSide: WriteSide = writeSide(
  65_535,
  {
    quoteIdentifier: doubleQuote,
    placeholder: dollarNumber,
    maxIdentifierLength: 63,
    identifierLengthUnit: 'bytes',
    sqlType: postgresSqlType,
    int64As: 'string',
    booleanAs: 'boolean',
    conflictStyle: 'on-conflict',
    canAddRequiredColumn: true,
    alterType: (table, column, type) => `ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${type}`,
  },
  withoutCatalog,
);

export const sqliteWriteSide: WriteSide = writeSide(
  // SQLITE_MAX_VARIABLE_NUMBER since 3.32 (better-sqlite3 bundles a newer SQLite).
  32_766,
  {
    quoteIdentifier: doubleQuote,
    placeholder: questionMark,
    maxIdentifierLength: null,
    identifierLengthUnit: 'characters',
    sqlType: sqliteSqlType,
    int64As: 'bigint',
    booleanAs: 'number',
    conflictStyle: 'on-conflict',
    canAddRequiredColumn: true,
    alterType: null,
  },
  withoutCatalog,
);

export const duckdbWriteSide: WriteSide = writeSide(
  65_535,
  {
    quoteIdentifier: doubleQuote,
    placeholder: dollarNumber,
    maxIdentifierLength: null,
    identifierLengthUnit: 'characters',
    sqlType: duckdbSqlType,
    int64As: 'bigint',
    booleanAs: 'boolean',
    conflictStyle: 'on-conflict',
    // DuckDB: "Adding columns with constraints not yet supported".
    canAddRequiredColumn: false,
    alterType: (table, column, type) => `ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${type}`,
  },
  withCatalog,
);
