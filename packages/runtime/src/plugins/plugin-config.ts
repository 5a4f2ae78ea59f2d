/**
 * Parsing a plugin's config from a prefixed part of a bigger map (`transforms.<alias>.`,
 * `value.converter.`), with problems named by their full keys.
 */
import {
  type ConfigDefinition,
  ConfigError,
  type ConfigKeys,
  type ConfigProblem,
  type ConfigValues,
} from '@tributary/api';

/** `props`' keys starting with `prefix`, with it removed; `without` keys (after removal) left out. */
export function prefixedProps(
  props: Readonly<Record<string, string>>,
  prefix: string,
  without: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    if (!k.startsWith(prefix)) continue;
    const rest = k.slice(prefix.length);
    if (rest !== '' && !without.includes(rest)) out[rest] = v;
  }
  return out;
}

/** Parses `props` with `definition`, adding `prefix` to each problem's key. Problems go to `problems`; `undefined` then. */
export function parsePrefixed<K extends ConfigKeys>(
  definition: ConfigDefinition<K>,
  props: Readonly<Record<string, string>>,
  prefix: string,
  problems: ConfigProblem[],
): ConfigValues<K> | undefined {
  try {
    return definition.parse(props);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(
      ...err.problems.map((p) => ({ ...p, key: p.key === '' ? prefix.replace(/\.$/, '') : `${prefix}${p.key}` })),
    );
    return undefined;
  }
}

/** Collects the problems of a ConfigError thrown by `fn` into `problems`; other errors pass. */
export function collectProblems<T>(fn: () => T, problems: ConfigProblem[]): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
    return undefined;
  }
}

/** A comma-separated list as Kafka reads it: items trimmed, empty ones dropped. */
export function splitList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
