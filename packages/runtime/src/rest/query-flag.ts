/** A boolean query parameter as JAX-RS reads one: `true` in any case is true, anything else false; absent or empty is `defaultValue`. */
export function queryFlag(query: URLSearchParams, name: string, defaultValue: boolean): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '') return defaultValue;
  return raw.toLowerCase() === 'true';
}
