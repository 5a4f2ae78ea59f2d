/**
 * The plugins a worker knows, looked up by the names users write. As Kafka Connect, a
 * plugin answers to its name, each alias (Java class names, usually), an alias's simple
 * class name (`JsonConverter`, `Cast$Value`), and the simple name without the kind's suffix
 * (`FileStreamSource` for `FileStreamSourceConnector`, `Json` for `JsonConverter`). Names
 * and aliases are unique within a kind (a converter and a header converter may share one,
 * as Kafka's `StringConverter` is both); a derived short name that two plugins share is
 * dropped, as Kafka drops ambiguous aliases, and resolving it lists both.
 */
import {
  ConfigError,
  type ConnectorPlugin,
  type ConverterPlugin,
  type HeaderConverterPlugin,
  type Plugin,
  type PredicatePlugin,
  type TransformPlugin,
} from '@tributary/api';

type Namespace = 'connector' | 'converter' | 'header-converter' | 'transform' | 'predicate';

const SUFFIX: Readonly<Record<Namespace, string | null>> = {
  connector: 'Connector',
  converter: 'Converter',
  'header-converter': 'HeaderConverter',
  transform: null,
  predicate: null,
};

const DESCRIPTION: Readonly<Record<Namespace, string>> = {
  connector: 'connector',
  converter: 'converter',
  'header-converter': 'header converter',
  transform: 'transformation',
  predicate: 'predicate',
};

function namespaceOf(plugin: Plugin): Namespace {
  return plugin.kind === 'source' || plugin.kind === 'sink' ? 'connector' : plugin.kind;
}

interface Index {
  /** Names and aliases (unique). */
  readonly exact: Map<string, Plugin>;
  /** Derived short names; a name shared by several plugins maps to all of them. */
  readonly derived: Map<string, Plugin[]>;
}

export class PluginRegistry {
  readonly #plugins: readonly Plugin[];
  readonly #indexes = new Map<Namespace, Index>();

  /** Throws a ConfigError when two plugins of a kind share a name or alias. */
  constructor(plugins: readonly Plugin[]) {
    this.#plugins = [...plugins];
    const duplicates: string[] = [];
    for (const plugin of plugins) {
      const index = this.#index(namespaceOf(plugin));
      for (const name of [plugin.name, ...plugin.aliases]) {
        const other = index.exact.get(name);
        if (other !== undefined && other !== plugin) duplicates.push(`${name} (${other.name} and ${plugin.name})`);
        else index.exact.set(name, plugin);
      }
    }
    if (duplicates.length > 0) throw new ConfigError(`Duplicate plugin names: ${duplicates.join(', ')}`);
    for (const plugin of plugins) {
      const ns = namespaceOf(plugin);
      const index = this.#index(ns);
      for (const short of shortNames(plugin, SUFFIX[ns])) {
        if (index.exact.has(short)) continue;
        const owners = index.derived.get(short) ?? [];
        if (!owners.includes(plugin)) owners.push(plugin);
        index.derived.set(short, owners);
      }
    }
  }

  /** Every plugin, or those of one kind (`connector` means source and sink). */
  list(kind?: Plugin['kind'] | 'connector'): Plugin[] {
    if (kind === undefined) return [...this.#plugins];
    return this.#plugins.filter((p) => p.kind === kind || (kind === 'connector' && namespaceOf(p) === 'connector'));
  }

  /** `key` names the config key in the error (default `connector.class`). */
  resolveConnector(name: string, key = 'connector.class'): ConnectorPlugin {
    return this.#resolve('connector', name, key) as ConnectorPlugin;
  }

  resolveConverter(name: string, key = 'converter'): ConverterPlugin {
    return this.#resolve('converter', name, key) as ConverterPlugin;
  }

  resolveHeaderConverter(name: string, key = 'header.converter'): HeaderConverterPlugin {
    return this.#resolve('header-converter', name, key) as HeaderConverterPlugin;
  }

  resolveTransform(name: string, key = 'transforms'): TransformPlugin {
    return this.#resolve('transform', name, key) as TransformPlugin;
  }

  resolvePredicate(name: string, key = 'predicates'): PredicatePlugin {
    return this.#resolve('predicate', name, key) as PredicatePlugin;
  }

  #index(ns: Namespace): Index {
    let index = this.#indexes.get(ns);
    if (index === undefined) {
      index = { exact: new Map(), derived: new Map() };
      this.#indexes.set(ns, index);
    }
    return index;
  }

  #resolve(ns: Namespace, raw: string, key: string): Plugin {
    const name = raw.trim();
    const index = this.#index(ns);
    const exact = index.exact.get(name);
    if (exact !== undefined) return exact;
    const derived = index.derived.get(name) ?? [];
    if (derived.length === 1 && derived[0] !== undefined) return derived[0];
    const what = DESCRIPTION[ns];
    if (derived.length > 1) {
      throw new ConfigError([
        {
          key,
          value: raw,
          message: `${name} is ambiguous: it may be the ${what} ${derived.map((p) => p.name).join(' or ')}; use the full name`,
        },
      ]);
    }
    const candidates = [...index.exact.keys(), ...index.derived.keys()];
    const close = closeMatches(name, candidates);
    const hint =
      close.length > 0
        ? ` Did you mean ${close.join(', ')}?`
        : ` Known: ${
            [
              ...new Set(
                this.list()
                  .filter((p) => namespaceOf(p) === ns)
                  .map((p) => p.name),
              ),
            ].join(', ') || 'none'
          }.`;
    throw new ConfigError([{ key, value: raw, message: `Unknown ${what} ${name}.${hint}` }]);
  }
}

function shortNames(plugin: Plugin, suffix: string | null): string[] {
  const names: string[] = [];
  for (const full of [plugin.name, ...plugin.aliases]) {
    const simple = full.slice(full.lastIndexOf('.') + 1);
    if (simple !== full) names.push(simple);
    if (suffix !== null && simple.endsWith(suffix) && simple.length > suffix.length)
      names.push(simple.slice(0, -suffix.length));
  }
  return names;
}

/** Up to three names near `name` (edit distance on lower case, or containing it). */
function closeMatches(name: string, candidates: readonly string[]): string[] {
  const wanted = name.toLowerCase();
  const simpleWanted = wanted.slice(wanted.lastIndexOf('.') + 1);
  const scored = [...new Set(candidates)]
    .map((c) => {
      const lower = c.toLowerCase();
      const simple = lower.slice(lower.lastIndexOf('.') + 1);
      const distance = Math.min(editDistance(wanted, lower), editDistance(simpleWanted, simple));
      const contains = simpleWanted.length >= 3 && (simple.includes(simpleWanted) || simpleWanted.includes(simple));
      return {
        c,
        score: contains ? Math.min(distance, 1) : distance,
        limit: Math.max(2, Math.floor(simpleWanted.length / 3)),
      };
    })
    .filter((s) => s.score <= s.limit)
    .sort((a, b) => a.score - b.score || a.c.length - b.c.length);
  return scored.slice(0, 3).map((s) => s.c);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
