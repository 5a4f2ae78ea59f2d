// Reading catalog query results, whose column types differ between servers and versions
// (MariaDB returns some information_schema columns as bytes, counts as BIGINT strings).

export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return value === null || value === undefined ? '' : String(value);
}

export function asNumberOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(
    typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? value : asText(value),
  );
  return Number.isFinite(n) ? n : null;
}

export function tableTypesOrDefault(tableTypes: readonly string[] | undefined): string[] {
  const types = (tableTypes ?? ['TABLE']).map((t) => t.trim().toUpperCase()).filter((t) => t !== '');
  return types.length === 0 ? ['TABLE'] : types;
}

/** A `listTables` name pattern, or null when none is given (JDBC reads an empty pattern as none). */
export function patternOrNull(pattern: string | null | undefined): string | null {
  return pattern === undefined || pattern === null || pattern === '' ? null : pattern;
}
