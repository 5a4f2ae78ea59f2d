/**
 * Which listed tables the connector copies. Legacy `table.whitelist` / `table.blacklist`
 * match a table's name exactly in any of its written forms (`orders`, `shop.orders`, the
 * quoted form); `table.include.list` / `table.exclude.list` are regular expressions matched
 * against the whole unquoted fully-qualified name (Confluent's `TableId.toUnquotedString`).
 */
import type { Dialect, TableId } from '@tributary/jdbc';
import { type ColumnMapping, type JdbcSourceConfig, parseMapping } from './config.js';

export interface TableFilter {
  accepts(id: TableId): boolean;
}

function namesOf(id: TableId, dialect: Dialect): string[] {
  const parts = [id.catalog, id.schema, id.table].filter((p): p is string => p !== null);
  return [dialect.tableIdString(id), parts.join('.'), dialect.quoteTable(id), id.table];
}

function anchored(patterns: readonly string[]): RegExp[] {
  return patterns.map((p) => new RegExp(`^(?:${p})$`));
}

export function tableFilterFor(config: JdbcSourceConfig, dialect: Dialect): TableFilter {
  const whitelist = new Set(config['table.whitelist']);
  const blacklist = new Set(config['table.blacklist']);
  const include = anchored(config['table.include.list']);
  const exclude = anchored(config['table.exclude.list']);
  if (include.length > 0 || exclude.length > 0) {
    return {
      accepts: (id) => {
        const name = dialect.tableIdString(id);
        return include.some((r) => r.test(name)) && !exclude.some((r) => r.test(name));
      },
    };
  }
  if (whitelist.size > 0) return { accepts: (id) => namesOf(id, dialect).some((n) => whitelist.has(n)) };
  if (blacklist.size > 0) return { accepts: (id) => !namesOf(id, dialect).some((n) => blacklist.has(n)) };
  return { accepts: () => true };
}

/** Groups of tables sharing an unqualified name (their topics would collide), as display strings. */
export function duplicateNames(tables: readonly TableId[], dialect: Dialect): string[][] {
  const byName = new Map<string, string[]>();
  for (const t of tables) {
    const group = byName.get(t.table) ?? [];
    group.push(dialect.tableIdString(t));
    byName.set(t.table, group);
  }
  return [...byName.values()].filter((g) => g.length > 1);
}

/** The columns of the one mapping matching `tableIdString`, or a problem message. */
export function mappedColumns(
  items: readonly string[],
  isMulti: boolean,
  key: string,
  tableIdString: string,
): readonly string[] | string {
  const matches = items
    .map((item) => parseMapping(item, isMulti))
    .filter((m): m is ColumnMapping => typeof m !== 'string' && m.pattern.test(tableIdString));
  if (matches.length !== 1) {
    return `Table ${tableIdString} matches ${matches.length === 0 ? 'none' : matches.length} of the ${key} mappings; it must match exactly one`;
  }
  return (matches[0] as ColumnMapping).columns;
}
