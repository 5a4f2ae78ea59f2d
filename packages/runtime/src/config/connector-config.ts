/**
 * The keys every connector has (Kafka's `ConnectorConfig`, `SinkConnectorConfig`,
 * `SourceConnectorConfig`), and validation of a whole connector config: the common keys,
 * the plugin's own keys, the rules that span keys (`topics` xor `topics.regex`, the DLQ
 * topic not consumed, `topic.creation.*`), the transforms' and predicates' sub-configs,
 * converter overrides and client overrides. `validateConnectorConfig` shapes the result as
 * the REST `/config/validate` answer (`ConfigInfos`), secrets shown as `[hidden]`.
 */
import {
  boolean,
  type ConfigDefinition,
  ConfigError,
  type ConfigKeys,
  type ConfigProblem,
  type ConfigValues,
  type ConnectorPlugin,
  choice,
  className,
  defineConfig,
  int,
  list,
  type Plugin,
  string,
} from '@tributary/api';
import { deadLetterQueueConfig, errorsConfig } from '../errors/errors-config.js';
import type { ConfigInfos } from '../herder.js';
import { collectProblems as collect, parsePrefixed, prefixedProps, splitList } from '../plugins/plugin-config.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { converterSettings } from '../plugins/transform-chain.js';
import { parseTopicCreationSettings } from '../worker/topic-creator.js';
import { ConfigInfoList } from './config-infos.js';
import { applyOverrides } from './kafka-client.js';
import type { OverridePolicy } from './worker-config.js';

const COMMON = 'Common';
const TRANSFORMS = 'Transforms';
const PREDICATES = 'Predicates';
const TOPIC_CREATION = 'Topic Creation';

export const connectorConfig = defineConfig({
  name: string({
    nonEmpty: true,
    importance: 'high',
    group: COMMON,
    orderInGroup: 1,
    displayName: 'Connector name',
    doc: 'Globally unique name of the connector.',
  }),
  'connector.class': className({
    importance: 'high',
    group: COMMON,
    orderInGroup: 2,
    displayName: 'Connector class',
    doc: 'The connector: our name (file-source), the Java class name, its simple name, or the simple name without Connector.',
  }),
  'tasks.max': int({
    default: 1,
    min: 1,
    importance: 'high',
    group: COMMON,
    orderInGroup: 3,
    displayName: 'Tasks max',
    doc: 'Maximum number of tasks.',
  }),
  'tasks.max.enforce': boolean({
    default: true,
    importance: 'low',
    group: COMMON,
    orderInGroup: 4,
    doc: 'Fail the connector when it returns more task configs than tasks.max.',
  }),
  'key.converter': className({
    default: null,
    importance: 'low',
    group: COMMON,
    orderInGroup: 5,
    doc: 'Overrides the worker’s key.converter (with key.converter.* sub-configs).',
  }),
  'value.converter': className({
    default: null,
    importance: 'low',
    group: COMMON,
    orderInGroup: 6,
    doc: 'Overrides the worker’s value.converter (with value.converter.* sub-configs).',
  }),
  'header.converter': className({
    default: null,
    importance: 'low',
    group: COMMON,
    orderInGroup: 7,
    doc: 'Overrides the worker’s header.converter.',
  }),
  transforms: list({
    default: [],
    importance: 'low',
    group: TRANSFORMS,
    orderInGroup: 1,
    doc: 'Aliases of the transformations to apply, in order.',
  }),
  predicates: list({
    default: [],
    importance: 'low',
    group: PREDICATES,
    orderInGroup: 1,
    doc: 'Aliases of the predicates transformations may use.',
  }),
  'config.action.reload': choice({
    values: ['none', 'restart'],
    default: 'restart',
    importance: 'low',
    group: COMMON,
    orderInGroup: 8,
    doc: 'What to do when config-provider values change: restart the connector, or nothing.',
  }),
}).extend(errorsConfig.keys);

function replicationOrPartitions(v: number | null): string | undefined {
  return v === null || v === -1 || v >= 1 ? undefined : 'Must be -1 (broker default) or at least 1';
}

export const sourceConnectorConfig = connectorConfig.extend({
  'topic.creation.groups': list({
    default: [],
    importance: 'low',
    group: TOPIC_CREATION,
    orderInGroup: 1,
    doc: 'Topic creation groups besides default, each configured under topic.creation.<group>.',
  }),
  'topic.creation.default.replication.factor': int({
    default: null,
    importance: 'low',
    group: TOPIC_CREATION,
    orderInGroup: 2,
    validate: replicationOrPartitions,
    doc: 'Replication factor of topics the connector creates (-1: broker default). Topics are created only when set.',
  }),
  'topic.creation.default.partitions': int({
    default: null,
    importance: 'low',
    group: TOPIC_CREATION,
    orderInGroup: 3,
    validate: replicationOrPartitions,
    doc: 'Partitions of topics the connector creates (-1: broker default). Topics are created only when set.',
  }),
});

export const sinkConnectorConfig = connectorConfig
  .extend({
    topics: list({
      default: [],
      importance: 'high',
      group: COMMON,
      orderInGroup: 9,
      doc: 'Topics to consume. Exactly one of topics and topics.regex.',
    }),
    'topics.regex': string({
      default: '',
      importance: 'high',
      group: COMMON,
      orderInGroup: 10,
      doc: 'Regular expression of the topics to consume. Exactly one of topics and topics.regex.',
    }),
  })
  .extend(deadLetterQueueConfig.keys);

export type ConnectorConfigValues = ConfigValues<typeof connectorConfig.keys>;
export type SourceConnectorConfigValues = ConfigValues<typeof sourceConnectorConfig.keys>;
export type SinkConnectorConfigValues = ConfigValues<typeof sinkConnectorConfig.keys>;

type AnyDefinition = ConfigDefinition<ConfigKeys>;

function commonDefinition(plugin: Plugin | null): AnyDefinition {
  if (plugin?.kind === 'sink') return sinkConnectorConfig as unknown as AnyDefinition;
  if (plugin?.kind === 'source') return sourceConnectorConfig as unknown as AnyDefinition;
  return connectorConfig as unknown as AnyDefinition;
}

/**
 * Every problem of `props` for `plugin`: common keys, the plugin's keys and the rules that
 * span keys. Transforms, converters and overrides are checked by `parseConnectorConfig`
 * and `validateConnectorConfig`, which know the registry.
 */
export function connectorValidation(props: Readonly<Record<string, string>>, plugin: ConnectorPlugin): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const common = commonDefinition(plugin);
  collect(() => common.parse(props), problems);
  const own = plugin.config as unknown as AnyDefinition;
  collect(() => own.parse(props), problems);
  problems.push(...crossKeyProblems(props, plugin));
  return dedupe(problems);
}

export interface ParsedConnectorConfig {
  readonly plugin: ConnectorPlugin;
  /** The common (and source- or sink-specific) keys. */
  readonly common: ConnectorConfigValues & Partial<SourceConnectorConfigValues> & Partial<SinkConnectorConfigValues>;
  /** The plugin's own keys. */
  readonly config: ConfigValues<ConfigKeys>;
}

export interface ConnectorValidationOptions {
  /** The worker's `connector.client.config.override.policy`; overrides are not checked without it. */
  readonly overridePolicy?: OverridePolicy;
  /**
   * The worker's properties: converters the connector does not set are then checked with
   * the worker's class and sub-config (extended by the connector's), as tasks will build them.
   */
  readonly worker?: Readonly<Record<string, string>>;
}

/** Resolves and parses a whole connector config; throws one ConfigError listing every problem. */
export function parseConnectorConfig(
  props: Readonly<Record<string, string>>,
  registry: PluginRegistry,
  options: ConnectorValidationOptions = {},
): ParsedConnectorConfig {
  const problems: ConfigProblem[] = [];
  const plugin = resolvePlugin(props, registry, problems);
  const common = collect(() => commonDefinition(plugin).parse(props), problems);
  const config =
    plugin === null ? undefined : collect(() => (plugin.config as unknown as AnyDefinition).parse(props), problems);
  if (plugin !== null) problems.push(...crossKeyProblems(props, plugin));
  problems.push(...pluginReferenceProblems(props, registry, options));
  const name = props['name'];
  if (problems.length > 0 || plugin === null || common === undefined || config === undefined) {
    throw new ConfigError(dedupe(problems), name === undefined ? {} : { context: `connector ${name}` });
  }
  return { plugin, common: common as ParsedConnectorConfig['common'], config };
}

/** `/config/validate`: every key with its value and errors, common keys first. */
export function validateConnectorConfig(
  props: Readonly<Record<string, string>>,
  registry: PluginRegistry,
  options: ConnectorValidationOptions = {},
): ConfigInfos {
  const resolveProblems: ConfigProblem[] = [];
  const plugin = resolvePlugin(props, registry, resolveProblems);
  const infos = new ConfigInfoList();
  infos.addDefinition(commonDefinition(plugin), props, '');
  if (plugin !== null) infos.addDefinition(plugin.config as unknown as AnyDefinition, props, '');

  for (const [kind, alias] of [
    ...splitList(props['transforms']).map((a) => ['transforms', a] as const),
    ...splitList(props['predicates']).map((a) => ['predicates', a] as const),
  ]) {
    const prefix = `${kind}.${alias}.`;
    const group = `${kind === 'transforms' ? TRANSFORMS : PREDICATES}: ${alias}`;
    const types = registry.list(kind === 'transforms' ? 'transform' : 'predicate').map((p) => p.name);
    infos.addDefinition(aliasDefinition(kind, registry) as unknown as AnyDefinition, props, prefix, group, {
      type: types,
    });
    const type = props[`${prefix}type`];
    const sub =
      type === undefined
        ? null
        : kind === 'transforms'
          ? tryResolve(() => registry.resolveTransform(type))
          : tryResolve(() => registry.resolvePredicate(type));
    if (sub !== null) infos.addDefinition(sub.config as unknown as AnyDefinition, props, prefix, group);
  }
  for (const prefix of CONVERTER_KEYS) {
    const { className: name, config } = converterSettings({ worker: options.worker ?? {}, connector: props }, prefix);
    const converter =
      name === undefined || name === '' ? null : tryResolve(() => resolveConverterPlugin(registry, prefix, name));
    if (converter !== null)
      infos.addDefinition(
        converter.config as unknown as AnyDefinition,
        prefixKeys(config, `${prefix}.`),
        `${prefix}.`,
        prefix,
      );
  }

  for (const p of resolveProblems) infos.addProblem(p);
  if (plugin !== null) for (const p of crossKeyProblems(props, plugin)) infos.addProblem(p);
  for (const p of pluginReferenceProblems(props, registry, options)) infos.addProblem(p);
  return infos.result(plugin?.name ?? props['connector.class'] ?? '');
}

const CONVERTER_KEYS = ['key.converter', 'value.converter', 'header.converter'] as const;

function resolvePlugin(
  props: Readonly<Record<string, string>>,
  registry: PluginRegistry,
  problems: ConfigProblem[],
): ConnectorPlugin | null {
  const name = props['connector.class'];
  if (name === undefined || name.trim() === '') return null; // the common definition reports it missing
  return collect(() => registry.resolveConnector(name), problems) ?? null;
}

function tryResolve<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError) return null;
    throw err;
  }
}

function resolveConverterPlugin(
  registry: PluginRegistry,
  prefix: (typeof CONVERTER_KEYS)[number],
  name: string,
): Plugin {
  return prefix === 'header.converter'
    ? registry.resolveHeaderConverter(name, prefix)
    : registry.resolveConverter(name, prefix);
}

function prefixKeys(props: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [`${prefix}${k}`, v]));
}

/** The keys Kafka adds for each transform or predicate alias. */
function aliasDefinition(kind: 'transforms' | 'predicates', registry: PluginRegistry) {
  const what = kind === 'transforms' ? 'transform' : 'predicate';
  const names = registry.list(kind === 'transforms' ? 'transform' : 'predicate').map((p) => p.name);
  const type = className({
    importance: 'high',
    orderInGroup: 0,
    doc: `The ${what} to use.`,
    validValues: names.join(', '),
  });
  if (kind === 'predicates') return defineConfig({ type });
  return defineConfig({
    type,
    predicate: string({
      default: null,
      orderInGroup: 1,
      doc: 'Alias of a predicate (in predicates) that decides whether the transform applies.',
    }),
    negate: boolean({ default: false, orderInGroup: 2, doc: 'Apply the transform when the predicate does not match.' }),
  });
}

/** Problems of transforms, predicates, converter overrides and client overrides. */
function pluginReferenceProblems(
  props: Readonly<Record<string, string>>,
  registry: PluginRegistry,
  options: ConnectorValidationOptions,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const predicates = splitList(props['predicates']);
  for (const kind of ['predicates', 'transforms'] as const) {
    const aliases = splitList(props[kind]);
    const seen = new Set<string>();
    for (const alias of aliases) {
      if (seen.has(alias)) problems.push({ key: kind, value: props[kind], message: `Duplicate alias ${alias}` });
      seen.add(alias);
      const prefix = `${kind}.${alias}.`;
      const type = props[`${prefix}type`];
      if (type === undefined || type.trim() === '') {
        problems.push({
          key: `${prefix}type`,
          value: undefined,
          message: 'Missing required configuration with no default value',
        });
        continue;
      }
      const plugin =
        kind === 'transforms'
          ? collect(() => registry.resolveTransform(type, `${prefix}type`), problems)
          : collect(() => registry.resolvePredicate(type, `${prefix}type`), problems);
      const without = kind === 'transforms' ? ['type', 'predicate', 'negate'] : ['type'];
      if (plugin !== undefined)
        parsePrefixed(
          plugin.config as unknown as AnyDefinition,
          prefixedProps(props, prefix, without),
          prefix,
          problems,
        );
      if (kind === 'transforms') {
        const predicate = props[`${prefix}predicate`]?.trim();
        const negate = props[`${prefix}negate`];
        if (predicate !== undefined && predicate !== '' && !predicates.includes(predicate)) {
          problems.push({
            key: `${prefix}predicate`,
            value: predicate,
            message: `Predicate ${predicate} is not declared in predicates`,
          });
        }
        if (negate !== undefined && !/^\s*(true|false)\s*$/i.test(negate))
          problems.push({ key: `${prefix}negate`, value: negate, message: 'Expected true or false' });
        else if (negate?.trim().toLowerCase() === 'true' && (predicate === undefined || predicate === '')) {
          problems.push({ key: `${prefix}negate`, value: negate, message: `negate needs ${prefix}predicate` });
        }
      }
    }
  }
  for (const prefix of CONVERTER_KEYS) {
    const { className: name, config } = converterSettings({ worker: options.worker ?? {}, connector: props }, prefix);
    if (name === undefined || name === '') continue;
    const plugin = collect(() => resolveConverterPlugin(registry, prefix, name), problems);
    if (plugin !== undefined) parsePrefixed(plugin.config as unknown as AnyDefinition, config, `${prefix}.`, problems);
  }
  if (options.overridePolicy !== undefined) {
    const policy = options.overridePolicy;
    collect(() => applyOverrides(props, policy), problems);
  }
  return problems;
}

/** The rules Kafka checks across keys. */
function crossKeyProblems(props: Readonly<Record<string, string>>, plugin: ConnectorPlugin): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (plugin.kind === 'sink') {
    const topics = splitList(props['topics']);
    const regex = (props['topics.regex'] ?? '').trim();
    if (topics.length > 0 && regex !== '') {
      const message = 'topics and topics.regex are mutually exclusive options, but both are set.';
      problems.push({ key: 'topics', value: props['topics'], message }, { key: 'topics.regex', value: regex, message });
    } else if (topics.length === 0 && regex === '') {
      const message = 'Must configure one of topics or topics.regex';
      problems.push(
        { key: 'topics', value: props['topics'], message },
        { key: 'topics.regex', value: props['topics.regex'], message },
      );
    }
    let pattern: RegExp | null = null;
    if (regex !== '') {
      try {
        pattern = new RegExp(`^(?:${regex})$`);
      } catch (err) {
        problems.push({
          key: 'topics.regex',
          value: regex,
          message: `Invalid regular expression: ${(err as Error).message}`,
        });
      }
    }
    const dlq = (props['errors.deadletterqueue.topic.name'] ?? '').trim();
    if (dlq !== '' && topics.includes(dlq)) {
      problems.push({
        key: 'errors.deadletterqueue.topic.name',
        value: dlq,
        message: `The DLQ topic '${dlq}' may not be included in the list of topics ('topics=${topics.join(',')}') to be consumed.`,
      });
    } else if (dlq !== '' && pattern?.test(dlq)) {
      problems.push({
        key: 'errors.deadletterqueue.topic.name',
        value: dlq,
        message: `The DLQ topic '${dlq}' may not be included in the regex matching the topics to be consumed ('topics.regex=${regex}').`,
      });
    }
  } else {
    collect(() => parseTopicCreationSettings(props), problems);
  }
  return problems;
}

function dedupe(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const id = `${p.key}\u0000${p.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
