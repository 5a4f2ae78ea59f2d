/**
 * Builds a connector's transform chain and converters from its properties.
 *
 * Transforms: `transforms=a,b`, `transforms.a.type=<transform>`, the transform's own keys
 * under `transforms.a.`, and optionally `transforms.a.predicate=<alias in predicates>` and
 * `transforms.a.negate=true`. Predicates likewise: `predicates=p`, `predicates.p.type`,
 * keys under `predicates.p.`. Every predicate declared is built (and checked) even when no
 * transform uses it, as Kafka does.
 *
 * Converters: the connector's `key.converter` / `value.converter` / `header.converter`
 * when set (with the connector's sub-config only, as Kafka), else the worker's, whose
 * sub-config the connector's `<prefix>.*` keys extend (Kafka ignores those; users set
 * `value.converter.schemas.enable` per connector and expect it to apply).
 */
import {
  ConfigError,
  type ConfigProblem,
  ConnectError,
  type ConnectRecord,
  type Converter,
  type ConverterPlugin,
  DataError,
  type HeaderConverter,
  type HeaderConverterPlugin,
  type Predicate,
  type Transformation,
} from '@tributary/api';
import type { TransformChain } from '../task-parts.js';
import { parsePrefixed, prefixedProps, splitList } from './plugin-config.js';
import type { PluginRegistry } from './registry.js';

/** A transform or its predicate failed on a record. Retriable when the cause is. */
export class TransformError extends DataError {
  /** The transform's plugin name (e.g. `Cast$Value`). */
  readonly transformName: string;
  /** The transform's alias in `transforms`. */
  readonly alias: string;

  constructor(alias: string, transformName: string, cause: unknown, what = 'failed') {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Transformation ${alias} (${transformName}) ${what}: ${reason}`, { cause, code: 'TRANSFORMATION' });
    this.alias = alias;
    this.transformName = transformName;
  }

  override get isRetriable(): boolean {
    return this.cause instanceof ConnectError && this.cause.isRetriable;
  }
}

interface Step {
  readonly alias: string;
  readonly type: string;
  readonly transform: Transformation;
  readonly predicate: { readonly alias: string; readonly predicate: Predicate } | null;
  readonly negate: boolean;
}

const STEP_KEYS = ['type', 'predicate', 'negate'];

/** Builds every predicate and transform; throws one ConfigError listing every problem. */
export function buildTransformChain(
  connectorProps: Readonly<Record<string, string>>,
  registry: PluginRegistry,
): TransformChain {
  const problems: ConfigProblem[] = [];
  const predicates = buildPredicates(connectorProps, registry, problems);
  const steps: Step[] = [];
  for (const alias of aliasesOf(connectorProps, 'transforms', problems)) {
    const prefix = `transforms.${alias}.`;
    const type = connectorProps[`${prefix}type`];
    if (type === undefined || type.trim() === '') {
      problems.push({
        key: `${prefix}type`,
        value: undefined,
        message: 'Missing required configuration: the transformation to apply',
      });
      continue;
    }
    const plugin = collect(() => registry.resolveTransform(type, `${prefix}type`), problems);
    const predicateAlias = connectorProps[`${prefix}predicate`]?.trim();
    const negate = parseNegate(connectorProps[`${prefix}negate`], `${prefix}negate`, problems);
    let predicate: Step['predicate'] = null;
    if (predicateAlias !== undefined && predicateAlias !== '') {
      const found = predicates.get(predicateAlias);
      if (found === undefined) {
        if (!splitList(connectorProps['predicates']).includes(predicateAlias)) {
          problems.push({
            key: `${prefix}predicate`,
            value: predicateAlias,
            message: `Predicate ${predicateAlias} is not declared in predicates`,
          });
        }
      } else predicate = { alias: predicateAlias, predicate: found };
    } else if (negate) {
      problems.push({ key: `${prefix}negate`, value: 'true', message: `negate needs ${prefix}predicate` });
    }
    if (plugin === undefined) continue;
    const config = parsePrefixed(plugin.config, prefixedProps(connectorProps, prefix, STEP_KEYS), prefix, problems);
    if (config === undefined) continue;
    const transform = collect(() => plugin.create(config), problems, `${prefix}type`);
    if (transform !== undefined) steps.push({ alias, type: plugin.name, transform, predicate, negate });
  }
  if (problems.length > 0) {
    closeAll([...steps.map((s) => s.transform), ...predicates.values()]);
    throw new ConfigError(problems, { context: 'transforms' });
  }
  return chainOf(steps, [...predicates.values()]);
}

function chainOf(steps: readonly Step[], predicates: readonly Predicate[]): TransformChain {
  return {
    names: steps.map((s) => `${s.alias} (${s.type})`),
    apply<R extends ConnectRecord>(record: R): R | null {
      let current = record;
      for (const step of steps) {
        if (step.predicate !== null) {
          let matches: boolean;
          try {
            matches = step.predicate.predicate.test(current);
          } catch (err) {
            throw new TransformError(step.alias, step.type, err, `predicate ${step.predicate.alias} failed`);
          }
          if (matches === step.negate) continue;
        }
        let next: R | null;
        try {
          next = step.transform.apply(current);
        } catch (err) {
          throw new TransformError(step.alias, step.type, err);
        }
        if (next === null) return null;
        current = next;
      }
      return current;
    },
    close() {
      closeAll([...steps.map((s) => s.transform), ...predicates]);
    },
  };
}

/** Closes each; after all, rethrows the first failure. */
function closeAll(closeables: readonly { close?(): void }[]): void {
  let failure: unknown;
  for (const c of closeables) {
    try {
      c.close?.();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw new ConnectError('Closing a transformation or predicate failed', { cause: failure });
}

function buildPredicates(
  props: Readonly<Record<string, string>>,
  registry: PluginRegistry,
  problems: ConfigProblem[],
): Map<string, Predicate> {
  const built = new Map<string, Predicate>();
  for (const alias of aliasesOf(props, 'predicates', problems)) {
    const prefix = `predicates.${alias}.`;
    const type = props[`${prefix}type`];
    if (type === undefined || type.trim() === '') {
      problems.push({
        key: `${prefix}type`,
        value: undefined,
        message: 'Missing required configuration: the predicate to use',
      });
      continue;
    }
    const plugin = collect(() => registry.resolvePredicate(type, `${prefix}type`), problems);
    if (plugin === undefined) continue;
    const config = parsePrefixed(plugin.config, prefixedProps(props, prefix, ['type']), prefix, problems);
    if (config === undefined) continue;
    const predicate = collect(() => plugin.create(config), problems, `${prefix}type`);
    if (predicate !== undefined) built.set(alias, predicate);
  }
  return built;
}

function aliasesOf(props: Readonly<Record<string, string>>, key: string, problems: ConfigProblem[]): string[] {
  const aliases = splitList(props[key]);
  const seen = new Set<string>();
  for (const a of aliases) {
    if (seen.has(a)) problems.push({ key, value: props[key], message: `Duplicate alias ${a}` });
    seen.add(a);
  }
  return [...seen];
}

function parseNegate(raw: string | undefined, key: string, problems: ConfigProblem[]): boolean {
  if (raw === undefined) return false;
  const text = raw.trim().toLowerCase();
  if (text !== 'true' && text !== 'false') problems.push({ key, value: raw, message: 'Expected true or false' });
  return text === 'true';
}

/** Runs `fn`; a ConfigError's problems (or any error, named `key`) go to `problems`. */
function collect<T>(fn: () => T, problems: ConfigProblem[], key?: string): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError) problems.push(...err.problems);
    else if (key !== undefined)
      problems.push({ key, value: undefined, message: `Could not be created: ${(err as Error).message}` });
    else throw err;
    return undefined;
  }
}

/** Where converter settings come from. */
export interface ConverterProps {
  readonly worker: Readonly<Record<string, string>>;
  readonly connector: Readonly<Record<string, string>>;
}

export interface BuiltConverter<C> {
  readonly plugin: { readonly name: string };
  readonly converter: C;
}

type ConverterPrefix = 'key.converter' | 'value.converter';

const DEFAULT_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

/** The class name and sub-config a converter is built from (see the file comment). */
export function converterSettings(
  props: ConverterProps,
  prefix: string,
  fallbackClass?: string,
): { className: string | undefined; config: Record<string, string> } {
  const own = props.connector[prefix]?.trim();
  const subPrefix = `${prefix}.`;
  if (own !== undefined && own !== '') return { className: own, config: prefixedProps(props.connector, subPrefix) };
  return {
    className: props.worker[prefix]?.trim() || fallbackClass,
    config: { ...prefixedProps(props.worker, subPrefix), ...prefixedProps(props.connector, subPrefix) },
  };
}

/** Creates the key or value converter; throws a ConfigError naming `<prefix>` or `<prefix>.<key>`. */
export function buildConverter(
  props: ConverterProps,
  prefix: ConverterPrefix,
  registry: PluginRegistry,
  isKey: boolean = prefix === 'key.converter',
): BuiltConverter<Converter> {
  const { className, config } = converterSettings(props, prefix);
  if (className === undefined || className === '') {
    throw new ConfigError([
      {
        key: prefix,
        value: undefined,
        message: 'Missing required configuration: set it in the worker or the connector',
      },
    ]);
  }
  const plugin: ConverterPlugin = registry.resolveConverter(className, prefix);
  const problems: ConfigProblem[] = [];
  const values = parsePrefixed(plugin.config, config, `${prefix}.`, problems);
  if (values === undefined) throw new ConfigError(problems);
  return { plugin, converter: create(() => plugin.create(values, { isKey }), prefix) };
}

/** Creates the header converter (`header.converter`, default SimpleHeaderConverter). */
export function buildHeaderConverter(props: ConverterProps, registry: PluginRegistry): BuiltConverter<HeaderConverter> {
  const prefix = 'header.converter';
  const { className, config } = converterSettings(props, prefix, DEFAULT_HEADER_CONVERTER);
  const plugin: HeaderConverterPlugin = registry.resolveHeaderConverter(className ?? DEFAULT_HEADER_CONVERTER, prefix);
  const problems: ConfigProblem[] = [];
  const values = parsePrefixed(plugin.config, config, `${prefix}.`, problems);
  if (values === undefined) throw new ConfigError(problems);
  return { plugin, converter: create(() => plugin.create(values), prefix) };
}

function create<T>(fn: () => T, key: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([{ key, value: undefined, message: `Could not be created: ${(err as Error).message}` }], {
      cause: err,
    });
  }
}
