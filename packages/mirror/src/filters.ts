/**
 * MM2's default filters: which topics are replicated, which consumer groups are
 * checkpointed, which topic configs are copied. Lists are comma-separated regular
 * expressions matched against the whole name, as Java's `Pattern.matcher(…).matches()` on
 * the items joined with `|`; an empty include list matches nothing. Excludes win.
 */

export const TOPICS_DEFAULT = ['.*'] as const;
export const TOPICS_EXCLUDE_DEFAULT = ['.*[\\-\\.]internal', '.*\\.replica', '__.*'] as const;
export const GROUPS_DEFAULT = ['.*'] as const;
export const GROUPS_EXCLUDE_DEFAULT = ['console-consumer-.*', 'connect-.*', '__.*'] as const;
export const CONFIG_PROPERTIES_EXCLUDE_DEFAULT = [
  'follower\\.replication\\.throttled\\.replicas',
  'leader\\.replication\\.throttled\\.replicas',
  'message\\.timestamp\\.difference\\.max\\.ms',
  'message\\.timestamp\\.type',
  'unclean\\.leader\\.election\\.enable',
  'min\\.insync\\.replicas',
] as const;

/** Matches a name in full against any of `patterns`; an empty list matches nothing. */
export function compilePatternList(patterns: readonly string[]): RegExp {
  if (patterns.length === 0) return /(?!)/;
  return new RegExp(`^(?:${patterns.join('|')})$`);
}

/** The problem with a regex list (the first item that does not compile), or undefined. */
export function checkPatternList(patterns: readonly string[]): string | undefined {
  for (const pattern of patterns) {
    try {
      new RegExp(pattern);
    } catch (err) {
      return `Invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`;
    }
  }
  try {
    compilePatternList(patterns);
  } catch (err) {
    return `Invalid regular expression list ${JSON.stringify(patterns.join(', '))}: ${(err as Error).message}`;
  }
  return undefined;
}

/** Literal names as patterns (Replicator's `topic.whitelist` lists names, not regexes). */
export function literalPatterns(names: readonly string[]): string[] {
  return names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

export interface TopicFilter {
  shouldReplicateTopic(topic: string): boolean;
}

export interface GroupFilter {
  shouldReplicateGroup(group: string): boolean;
}

export interface ConfigPropertyFilter {
  /** False for configs that must not be copied to the target (throttles, timestamps, …). */
  shouldReplicateConfigProperty(name: string): boolean;
  /**
   * Whether a source config that is only the broker default is copied too
   * (`use.defaults.from=source`); by default (`target`) the target's defaults apply.
   */
  shouldReplicateSourceDefault(name: string): boolean;
}

class IncludeExcludeFilter {
  readonly #include: RegExp;
  readonly #exclude: RegExp;

  constructor(include: readonly string[], exclude: readonly string[]) {
    this.#include = compilePatternList(include);
    this.#exclude = compilePatternList(exclude);
  }

  accepts(name: string): boolean {
    return this.#include.test(name) && !this.#exclude.test(name);
  }
}

/** DefaultTopicFilter: `topics` (default `.*`) minus `topics.exclude` (default internal/replica/`__` topics). */
export class DefaultTopicFilter implements TopicFilter {
  readonly #filter: IncludeExcludeFilter;

  constructor(include: readonly string[] = TOPICS_DEFAULT, exclude: readonly string[] = TOPICS_EXCLUDE_DEFAULT) {
    this.#filter = new IncludeExcludeFilter(include, exclude);
  }

  shouldReplicateTopic(topic: string): boolean {
    return this.#filter.accepts(topic);
  }
}

/** DefaultGroupFilter: `groups` (default `.*`) minus `groups.exclude` (console consumers, Connect, `__`). */
export class DefaultGroupFilter implements GroupFilter {
  readonly #filter: IncludeExcludeFilter;

  constructor(include: readonly string[] = GROUPS_DEFAULT, exclude: readonly string[] = GROUPS_EXCLUDE_DEFAULT) {
    this.#filter = new IncludeExcludeFilter(include, exclude);
  }

  shouldReplicateGroup(group: string): boolean {
    return this.#filter.accepts(group);
  }
}

export type UseDefaultsFrom = 'source' | 'target';

/** DefaultConfigPropertyFilter: everything but `config.properties.exclude`. */
export class DefaultConfigPropertyFilter implements ConfigPropertyFilter {
  readonly #exclude: RegExp;
  readonly #useDefaultsFrom: UseDefaultsFrom;

  constructor(
    exclude: readonly string[] = CONFIG_PROPERTIES_EXCLUDE_DEFAULT,
    useDefaultsFrom: UseDefaultsFrom = 'target',
  ) {
    this.#exclude = compilePatternList(exclude);
    this.#useDefaultsFrom = useDefaultsFrom;
  }

  shouldReplicateConfigProperty(name: string): boolean {
    return !this.#exclude.test(name);
  }

  shouldReplicateSourceDefault(_name: string): boolean {
    return this.#useDefaultsFrom === 'source';
  }
}
