/**
 * Plugins are declared as one exported object each and registered by the runtime from an
 * explicit list (no scanning, no registration on import):
 *
 *   export const fileSource = defineSourceConnector({
 *     name: 'file-source', aliases: ['org.apache.kafka.connect.file.FileStreamSourceConnector'],
 *     version: '0.1.0', config, connector: () => new FileSourceConnector(), task: () => new FileSourceTask(),
 *   });
 *
 * `name` is what our documentation uses; `aliases` are other names users already write,
 * usually Java class names. The runtime also accepts an alias's simple class name, and
 * for connectors that simple name without the `Connector` suffix, as Kafka Connect does.
 */
import type { ConfigDefinition, ConfigKeys, ConfigValues } from './config.js';
import type { SinkConnector, SinkTask, SourceConnector, SourceTask } from './connector.js';
import type { Converter, HeaderConverter } from './converter.js';
import type { Predicate, Transformation } from './transformation.js';

export interface PluginInfo<K extends ConfigKeys> {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly version: string;
  /** One sentence for `/connector-plugins` and the docs. */
  readonly description: string;
  readonly config: ConfigDefinition<K>;
}

export interface SourceConnectorPlugin<K extends ConfigKeys = ConfigKeys> extends PluginInfo<K> {
  readonly kind: 'source';
  connector(): SourceConnector<ConfigValues<K>>;
  task(): SourceTask;
}

export interface SinkConnectorPlugin<K extends ConfigKeys = ConfigKeys> extends PluginInfo<K> {
  readonly kind: 'sink';
  connector(): SinkConnector<ConfigValues<K>>;
  task(): SinkTask;
}

export interface ConverterPlugin<K extends ConfigKeys = ConfigKeys> extends PluginInfo<K> {
  readonly kind: 'converter';
  /** `isKey` tells a key converter from a value converter (subject names, for one). */
  create(config: ConfigValues<K>, options: { readonly isKey: boolean }): Converter;
}

export interface HeaderConverterPlugin<K extends ConfigKeys = ConfigKeys> extends PluginInfo<K> {
  readonly kind: 'header-converter';
  create(config: ConfigValues<K>): HeaderConverter;
}

/** A transform. Kafka's `$Key`/`$Value` variants are two plugins (`Cast$Key`, `Cast$Value`). */
export interface TransformPlugin<K extends ConfigKeys = ConfigKeys> extends PluginInfo<K> {
  readonly kind: 'transform';
  create(config: ConfigValues<K>): Transformation;
}

export interface PredicatePlugin<K extends ConfigKeys = ConfigKeys> extends PluginInfo<K> {
  readonly kind: 'predicate';
  create(config: ConfigValues<K>): Predicate;
}

export type Plugin =
  | SourceConnectorPlugin
  | SinkConnectorPlugin
  | ConverterPlugin
  | HeaderConverterPlugin
  | TransformPlugin
  | PredicatePlugin;

export type ConnectorPlugin = SourceConnectorPlugin | SinkConnectorPlugin;

export function defineSourceConnector<K extends ConfigKeys>(
  p: Omit<SourceConnectorPlugin<K>, 'kind'>,
): SourceConnectorPlugin<K> {
  return Object.freeze({ ...p, kind: 'source' as const });
}
export function defineSinkConnector<K extends ConfigKeys>(
  p: Omit<SinkConnectorPlugin<K>, 'kind'>,
): SinkConnectorPlugin<K> {
  return Object.freeze({ ...p, kind: 'sink' as const });
}
export function defineConverter<K extends ConfigKeys>(p: Omit<ConverterPlugin<K>, 'kind'>): ConverterPlugin<K> {
  return Object.freeze({ ...p, kind: 'converter' as const });
}
export function defineHeaderConverter<K extends ConfigKeys>(
  p: Omit<HeaderConverterPlugin<K>, 'kind'>,
): HeaderConverterPlugin<K> {
  return Object.freeze({ ...p, kind: 'header-converter' as const });
}
export function defineTransform<K extends ConfigKeys>(p: Omit<TransformPlugin<K>, 'kind'>): TransformPlugin<K> {
  return Object.freeze({ ...p, kind: 'transform' as const });
}
export function definePredicate<K extends ConfigKeys>(p: Omit<PredicatePlugin<K>, 'kind'>): PredicatePlugin<K> {
  return Object.freeze({ ...p, kind: 'predicate' as const });
}
