// What the dialect objects share, so that each dialect file states only what is its own:
// its quote character, its SQL, its catalog queries and its type table.
import { ConnectError, NotFoundError } from '@tributary/api';
import type {
  ColumnDefinition,
  ColumnMapping,
  ColumnMappingOptions,
  Dialect,
  PreciseTimestamp,
  Queryable,
  TableId,
} from '../dialect.js';
import { preciseTimestampOf } from '../precise-timestamp.js';
import { checkTimezone, formatWallClock, instantOf, parseDateTime, wallClockOf } from '../zoned-time.js';
import { asText } from './metadata-values.js';

// ---- Names and bind markers --------------------------------------------------------------

/** An identifier in double quotes, embedded ones doubled (SQL standard; PostgreSQL, SQLite, DuckDB). */
export const doubleQuote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** An identifier in backticks, embedded ones doubled (MySQL, MariaDB). */
export const backtick = (name: string): string => `\`${name.replaceAll('`', '``')}\``;

export const questionMark = (): string => '?';

export const dollarNumber = (position: number): string => `$${position}`;

/** One `?` per value, comma-separated, for `IN (…)`. */
export function questionMarksFor(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** Which parts of a table id a dialect writes: the whole id, or all but the catalog. */
export type TableIdScope = (id: TableId) => TableId;
export const withCatalog: TableIdScope = (id) => id;
export const withoutCatalog: TableIdScope = (id) => ({ ...id, catalog: null });

/** The parts of `id` that are set, outermost first. */
export function tableIdParts(id: TableId): string[] {
  return [id.catalog, id.schema, id.table].filter((p): p is string => p !== null);
}

export function quoteTableWith(quote: (name: string) => string, scope: TableIdScope): Dialect['quoteTable'] {
  return (id) =>
    tableIdParts(scope(id))
      .map((p) => quote(p))
      .join('.');
}

export function tableIdStringWith(scope: TableIdScope): Dialect['tableIdString'] {
  return (id) => tableIdParts(scope(id)).join('.');
}

// ---- Catalog -----------------------------------------------------------------------------

/**
 * The database's clock, from `sql` returning one date-time text in UTC. Every dialect's
 * sessions (or its SQL) put the clock in UTC, so the text is read as such.
 */
export async function currentTimeFrom(db: Queryable, sql: string): Promise<Date> {
  const { rows } = await db.query(sql);
  const parsed = parseDateTime(asText(rows[0]?.[0]));
  if (parsed === null) throw new ConnectError(`Unexpected result of ${sql}: ${String(rows[0]?.[0])}`);
  return new Date(instantOf(parsed, 'UTC').epochMs);
}

/** The primary key's column names, in key order, from a table's described columns. */
export function primaryKeyFromColumns(columns: readonly ColumnDefinition[]): string[] {
  return columns
    .filter((c) => c.primaryKeyPosition !== null)
    .sort((a, b) => (a.primaryKeyPosition ?? 0) - (b.primaryKeyPosition ?? 0))
    .map((c) => c.name);
}

/**
 * The error for a table `describeTable` finds no columns of. `canHideColumns`: the catalog
 * lists only the columns the user has privileges on, so "no columns" may mean "none visible".
 */
export function tableNotFound(tableIdString: string, { canHideColumns }: { canHideColumns: boolean }): NotFoundError {
  return new NotFoundError(
    `Table ${tableIdString} does not exist${canHideColumns ? ' or has no columns visible to this user' : ''}`,
  );
}

// ---- Values ------------------------------------------------------------------------------

/** `Dialect.columnMapping` from a dialect's type table, refusing an unknown db.timezone first. */
export function columnMappingWith(
  mapping: (column: ColumnDefinition, options: ColumnMappingOptions) => ColumnMapping | null,
): Dialect['columnMapping'] {
  return (column, options) => {
    checkTimezone(options.dbTimezone);
    return mapping(column, options);
  };
}

/** `value` as the wall clock in `zone`, with `fractionDigits` digits of seconds: a bindable timestamp text. */
export function wallClockText(value: Date | PreciseTimestamp, zone: string, fractionDigits: number): string {
  const precise: PreciseTimestamp = value instanceof Date ? preciseTimestampOf(value) : value;
  return formatWallClock(wallClockOf(precise, zone), fractionDigits);
}
