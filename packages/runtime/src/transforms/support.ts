/**
 * What the built-in transforms share: Kafka's `$Key` / `$Value` pairs, the checks that a
 * key or value has the shape a transform needs, and the copying and caching of schemas.
 */
import {
  boolean,
  type ConfigDefinition,
  type ConfigKeys,
  type ConfigValues,
  type ConnectRecord,
  DataError,
  defineTransform,
  type Schema,
  type SchemaBuilder,
  Struct,
  type TransformPlugin,
} from '@tributary/api';

export type RecordPart = 'key' | 'value';

const JAVA_PACKAGE = 'org.apache.kafka.connect.transforms';

/** The schema and value of a record's key or value. */
export function partOf(record: ConnectRecord, part: RecordPart): { schema: Schema | null; value: unknown } {
  return part === 'key'
    ? { schema: record.keySchema, value: record.key }
    : { schema: record.valueSchema, value: record.value };
}

/** A copy of `record` with its key or value replaced. */
export function withPart<R extends ConnectRecord>(
  record: R,
  part: RecordPart,
  schema: Schema | null,
  value: unknown,
): R {
  return part === 'key' ? { ...record, keySchema: schema, key: value } : { ...record, valueSchema: schema, value };
}

/** `value` as a Struct, or a DataError saying which transform needed one. */
export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct))
    throw new DataError(`Only Struct objects supported for [${purpose}], found: ${describeValue(value)}`);
  return value;
}

/** `value` as a schemaless map (a plain object), or a DataError. */
export function requireMap(value: unknown, purpose: string): Record<string, unknown> {
  if (!isPlainObject(value))
    throw new DataError(
      `Only Map objects supported in absence of schema for [${purpose}], found: ${describeValue(value)}`,
    );
  return value;
}

/** The `replace.null.with.default` key, the same in every transform that reads struct fields. */
export const replaceNullWithDefault = boolean({
  default: true,
  doc: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
});

/** A field of `struct`; with `useDefaults` (`replace.null.with.default`) a null reads as the field's default. */
export function readField(struct: Struct, name: string, useDefaults: boolean): unknown {
  return useDefaults ? struct.get(name) : struct.getWithoutDefault(name);
}

/** Gives `to` the name, version, doc and parameters of `from`; type, fields, optionality and default are the caller's. */
export function copySchemaBasics(from: Schema, to: SchemaBuilder): SchemaBuilder {
  to.name(from.name).version(from.version).doc(from.doc);
  if (from.parameters !== null) to.parameters(from.parameters);
  return to;
}

/**
 * `build`, remembered per input Schema object, so that a transform derives its output
 * schema once per schema rather than once per record (converters hand out one Schema
 * object per distinct schema). A build that throws is not remembered.
 */
export function schemaCache<T extends object>(build: (schema: Schema) => T): (schema: Schema) => T {
  const built = new WeakMap<Schema, T>();
  return (schema) => {
    let out = built.get(schema);
    if (out === undefined) {
      out = build(schema);
      built.set(schema, out);
    }
    return out;
  };
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
export function defineKeyValueTransforms<K extends ConfigKeys>(
  spec: KeyValueTransformSpec<K>,
): [TransformPlugin<K>, TransformPlugin<K>] {
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
export function defineSimpleTransform<K extends ConfigKeys>(
  spec: KeyValueTransformSpec<K> & { readonly javaName?: string },
): TransformPlugin<K> {
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
