/**
 * The SQL each mode runs, as Confluent generates it (KCJ `TimestampIncrementingCriteria`):
 * `SELECT * FROM <table>` (or the user's query) + the mode's WHERE/ORDER BY + ` <suffix>`.
 * With named placeholders in a user's query nothing is appended but the suffix; the
 * placeholders become the dialect's bind markers. Values are always bound, never written.
 */
import type { Dialect, TableId } from '@tributary/jdbc';
import type { Mode } from './config.js';
import { findPlaceholders, type PlaceholderName } from './query-text.js';

/** What a bind position receives: the upper bound, the last timestamp, the last id. */
export type Binding = PlaceholderName;

export interface QueryPlan {
  readonly sql: string;
  /** One entry per bind marker, in order. */
  readonly bindings: readonly Binding[];
}

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Quoting per `quote.sql.identifiers`. `never` writes plain identifiers as they are but
 * still quotes any name that is not a plain identifier, so a name can never inject SQL.
 */
export interface Quoter {
  identifier(name: string): string;
  table(id: TableId): string;
}

export function quoterFor(dialect: Dialect, quoting: 'always' | 'never'): Quoter {
  const identifier = (name: string) =>
    quoting === 'never' && PLAIN_IDENTIFIER.test(name) ? name : dialect.quoteIdentifier(name);
  return {
    identifier,
    table: (id) =>
      quoting === 'always'
        ? dialect.quoteTable(id)
        : [id.catalog, id.schema, id.table]
            .filter((p): p is string => p !== null)
            .map(identifier)
            .join('.'),
  };
}

export interface CriteriaOptions {
  readonly dialect: Dialect;
  readonly quoter: Quoter;
  readonly mode: Mode;
  /** One column, or several for `COALESCE(a,b,…)`. Empty unless a timestamp mode. */
  readonly timestampColumns: readonly string[];
  /** Null unless an incrementing mode. */
  readonly incrementingColumn: string | null;
  /** `query.suffix`; appended after a space when not empty. */
  readonly suffix: string;
}

/** The plan for a table: `SELECT * FROM <quoted table>` + criteria + suffix. */
export function tablePlan(table: TableId, options: CriteriaOptions): QueryPlan {
  return appendCriteria(`SELECT * FROM ${options.quoter.table(table)}`, options);
}

/** The plan for a user's query: placeholders bound in place, or the criteria appended. */
export function queryPlan(query: string, options: CriteriaOptions): QueryPlan {
  const placeholders = findPlaceholders(query);
  if (placeholders.length === 0) return appendCriteria(query, options);
  let sql = '';
  let at = 0;
  placeholders.forEach((p, i) => {
    sql += query.slice(at, p.start) + options.dialect.placeholder(i + 1);
    at = p.end;
  });
  sql += query.slice(at);
  return { sql: withSuffix(sql, options.suffix), bindings: placeholders.map((p) => p.name) };
}

function withSuffix(sql: string, suffix: string): string {
  return suffix.trim() === '' ? sql : `${sql} ${suffix.trim()}`;
}

function appendCriteria(base: string, options: CriteriaOptions): QueryPlan {
  const { mode, quoter, dialect } = options;
  const p = (n: number) => dialect.placeholder(n);
  const ts = timestampExpression(options);
  const id = options.incrementingColumn === null ? '' : quoter.identifier(options.incrementingColumn);
  switch (mode) {
    case 'bulk':
      return { sql: withSuffix(base, options.suffix), bindings: [] };
    case 'incrementing':
      return {
        sql: withSuffix(`${base} WHERE ${id} > ${p(1)} ORDER BY ${id} ASC`, options.suffix),
        bindings: ['incrementing'],
      };
    case 'timestamp':
      return {
        sql: withSuffix(`${base} WHERE ${ts} > ${p(1)} AND ${ts} < ${p(2)} ORDER BY ${ts} ASC`, options.suffix),
        bindings: ['timestamp', 'end_timestamp'],
      };
    case 'timestamp+incrementing':
      return {
        sql: withSuffix(
          `${base} WHERE ${ts} < ${p(1)} AND ((${ts} = ${p(2)} AND ${id} > ${p(3)}) OR ${ts} > ${p(4)}) ORDER BY ${ts},${id} ASC`,
          options.suffix,
        ),
        bindings: ['end_timestamp', 'timestamp', 'incrementing', 'timestamp'],
      };
  }
}

function timestampExpression(options: CriteriaOptions): string {
  const columns = options.timestampColumns.map((c) => options.quoter.identifier(c));
  if (columns.length <= 1) return columns[0] ?? '';
  return `COALESCE(${columns.join(',')})`;
}
