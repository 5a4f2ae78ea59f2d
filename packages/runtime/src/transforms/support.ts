/**
 * What the built-in transforms share: Kafka's `$Key` / `$Value` pairs, and the checks
 * that a key or value has the shape a transform needs.
 */
import {
  type ConfigDefinition,
  type ConfigKeys,
  type ConfigValues,
  type ConnectRecord,
  DataError,
  defineTransform,
  type Schema,
  Struct,
  type TransformPlugin,
} from '@tributary/api';

export type RecordPart = 'key' | 'value';

const JAVA_PACKAGE = 'org.apache.kafka.connect.transforms';

/** The schema and value of a record's key or value. */
export function partOf(record: ConnectRecord, part: RecordPart): { schema: Schema | null; value: unknown } {
  return part === 'key' ? { schema: record.keySchema, value: record.key } : { schema: record.valueSchema, value: record.value };
}

/** A copy of `record` with its key or value replaced. */
export function withPart<R extends ConnectRecord>(record: R, part: RecordPart, schema: Schema | null, value: unknown): R {
  return part === 'key' ? { ...record, keySchema: schema, key: value } : { ...record, valueSchema: schema, value };
}

/** `value` as a Struct, or a DataError saying which transform needed one. */
export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) throw new DataError(`Only Struct objects supported for [${purpose}], found: ${describeValue(value)}`);
  return value;
}

/** `value` as a schemaless map (a plain object), or a DataError. */
export function requireMap(value: unknown, purpose: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new DataError(`Only Map objects supported in absence of schema for [${purpose}], found: ${describeValue(value)}`);
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

export interface KeyValueTransformSpec<K extends ConfigKeys> {
  /** Our name without the suffix, e.g. `Cast`; the plugins are `Cast$Key` and `Cast$Value`. */
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly config: ConfigDefinition<K>;
  /** Builds the per-record function for one part. */
  create(config: ConfigValues<K>, part: RecordPart): <R extends ConnectRecord>(record: R) => R | null;
}

/**
 * The `$Key` and `$Value` plugins of a transform, with the Java class names
 * (`org.apache.kafka.connect.transforms.Cast$Key`) as aliases.
 */
export function defineKeyValueTransforms<K extends ConfigKeys>(spec: KeyValueTransformSpec<K>): [TransformPlugin<K>, TransformPlugin<K>] {
  const make = (part: RecordPart, suffix: '$Key' | '$Value') =>
    defineTransform<K>({
      name: `${spec.name}${suffix}`,
      aliases: [`${JAVA_PACKAGE}.${spec.name}${suffix}`],
      version: spec.version,
      description: `${spec.description} (record ${part})`,
      config: spec.config,
      create(config) {
        const fn = spec.create(config, part);
        return { apply: fn };
      },
    });
  return [make('key', '$Key'), make('value', '$Value')];
}

/** A transform without `$Key`/`$Value` variants, aliased to its Java class name. */
export function defineSimpleTransform<K extends ConfigKeys>(spec: KeyValueTransformSpec<K> & { readonly javaName?: string }): TransformPlugin<K> {
  return defineTransform<K>({
    name: spec.name,
    aliases: [`${JAVA_PACKAGE}.${spec.javaName ?? spec.name}`],
    version: spec.version,
    description: spec.description,
    config: spec.config,
    create(config) {
      return { apply: spec.create(config, 'value') };
    },
  });
}

export const TRANSFORMS_VERSION = '0.1.0';
