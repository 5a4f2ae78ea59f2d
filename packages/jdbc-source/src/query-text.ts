/**
 * Reading a user's `query` without parsing SQL: a scanner that skips string literals,
 * quoted identifiers, dollar-quoted strings and comments, and tracks parenthesis depth.
 * From it: the named placeholders (`:timestamp`, `:end_timestamp`, `:incrementing`) and
 * the top-level clauses that an appended ` WHERE … ORDER BY …` would collide with.
 */
import type { Mode } from './config.js';

export const PLACEHOLDERS = ['timestamp', 'end_timestamp', 'incrementing'] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];

export interface Placeholder {
  readonly name: PlaceholderName;
  readonly start: number;
  readonly end: number;
}

/** Calls `visit(index, depth)` for every character of plain SQL (outside literals and comments). */
function scan(sql: string, visit: (index: number, depth: number) => void): void {
  let depth = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < n) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      i++;
    } else if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? n : close + 2;
    } else if (c === '$' && /^\$[A-Za-z_]?\w*\$/.test(sql.slice(i))) {
      const tag = (/^\$[A-Za-z_]?\w*\$/.exec(sql.slice(i)) as RegExpExecArray)[0];
      const close = sql.indexOf(tag, i + tag.length);
      i = close === -1 ? n : close + tag.length;
    } else {
      if (c === '(') depth++;
      else if (c === ')') depth = Math.max(0, depth - 1);
      else visit(i, depth);
      i++;
    }
  }
}

/** Occurrences of our named placeholders (not `::casts`, not inside literals or comments). */
export function findPlaceholders(sql: string): Placeholder[] {
  const found: Placeholder[] = [];
  scan(sql, (i) => {
    if (sql[i] !== ':' || sql[i - 1] === ':' || sql[i + 1] === ':') return;
    const match = /^:([A-Za-z_]\w*)/.exec(sql.slice(i));
    if (match === null) return;
    const name = (match[1] as string).toLowerCase();
    if ((PLACEHOLDERS as readonly string[]).includes(name)) {
      found.push({ name: name as PlaceholderName, start: i, end: i + (match[0] as string).length });
    }
  });
  return found;
}

const CLAUSES = ['WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'FETCH', 'UNION', 'INTERSECT', 'EXCEPT'];

/** The keywords of `CLAUSES` that appear outside parentheses, upper-cased, in order of first appearance. */
export function topLevelClauses(sql: string): string[] {
  const found: string[] = [];
  scan(sql, (i, depth) => {
    if (depth !== 0 || /\w/.test(sql[i - 1] ?? ' ')) return;
    const match = /^[A-Za-z]+/.exec(sql.slice(i, i + 12));
    if (match === null) return;
    const word = match[0].toUpperCase();
    if (CLAUSES.includes(word) && !found.includes(word)) found.push(word);
  });
  return found;
}

/** Problems of `query` for `mode`, as messages for the query key. */
export function checkQueryText(query: string, mode: Mode): string[] {
  const placeholders = findPlaceholders(query);
  const names = [...new Set(placeholders.map((p) => p.name))];
  const problems: string[] = [];
  if (placeholders.length > 0) {
    const allowed: readonly PlaceholderName[] =
      mode === 'bulk'
        ? []
        : mode === 'incrementing'
          ? ['incrementing']
          : mode === 'timestamp'
            ? ['timestamp', 'end_timestamp']
            : PLACEHOLDERS;
    const wrong = names.filter((n) => !allowed.includes(n));
    if (wrong.length > 0) {
      problems.push(
        `Placeholder${wrong.length > 1 ? 's' : ''} ${wrong.map((n) => `:${n}`).join(', ')} cannot be used with mode=${mode}` +
          (allowed.length > 0 ? ` (allowed: ${allowed.map((n) => `:${n}`).join(', ')})` : ''),
      );
    }
    return problems;
  }
  if (mode === 'bulk') return problems;
  const clauses = topLevelClauses(query);
  if (clauses.length > 0) {
    problems.push(
      `The query has its own top-level ${clauses.join(', ')}, so the WHERE … ORDER BY … that mode=${mode} appends would break it. ` +
        'Put the conditions in the query with the placeholders :timestamp, :end_timestamp and :incrementing (then nothing is appended), ' +
        'or wrap the query: SELECT * FROM (<query>) AS q',
    );
  }
  return problems;
}
