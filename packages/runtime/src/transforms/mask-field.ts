import {
  type ConnectRecord,
  DataError,
  DateType,
  Decimal,
  defineConfig,
  LOGICAL_TYPE_NAMES,
  list,
  type Schema,
  Struct,
  string,
  Time,
  Timestamp,
} from '@tributary/api';
import {
  defineKeyValueTransforms,
  describeValue,
  isPlainObject,
  partOf,
  readField,
  replaceNullWithDefault,
  requireMap,
  requireStruct,
  TRANSFORMS_VERSION,
  withPart,
} from './support.js';

const maskFieldConfig = defineConfig({
  fields: list({ nonEmpty: true, importance: 'high', doc: 'Names of fields to mask.' }),
  replacement: string({
    default: null,
    nonEmpty: true,
    importance: 'low',
    doc: "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
  }),
  'replace.null.with.default': replaceNullWithDefault,
});

const PURPOSE = 'mask fields';

/**
 * Kafka's MaskField. Masks follow the field's schema (or, schemaless, the value's type):
 * 0, false, '', the epoch for dates, empty bytes, arrays and maps; a null stays null.
 * Where Kafka differs: a tombstone passes unchanged instead of failing, a schemaless field
 * that is absent stays absent instead of being added as null, and bytes mask to empty
 * bytes instead of failing.
 */
export const [maskFieldKey, maskFieldValue] = defineKeyValueTransforms({
  name: 'MaskField',
  version: TRANSFORMS_VERSION,
  description: 'Replaces the values of the named fields with an empty value of their type or a given replacement',
  config: maskFieldConfig,
  create(config, part) {
    const masked = new Set(config.fields);
    const replacement = config.replacement;
    const useDefaults = config['replace.null.with.default'];
    return <R extends ConnectRecord>(record: R): R => {
      const { schema, value } = partOf(record, part);
      if (value === null) return record;
      if (schema === null) {
        const map = requireMap(value, PURPOSE);
        const masks = [...masked].filter((name) => Object.hasOwn(map, name));
        const out = {
          ...map,
          ...Object.fromEntries(masks.map((name) => [name, maskSchemaless(name, map[name], replacement)])),
        };
        return withPart(record, part, null, out);
      }
      const struct = requireStruct(value, PURPOSE);
      const out = new Struct(struct.schema);
      for (const field of struct.schema.fields) {
        const fieldValue = readField(struct, field.name, useDefaults);
        out.put(
          field.name,
          masked.has(field.name) ? maskWithSchema(field.name, field.schema, fieldValue, replacement) : fieldValue,
        );
      }
      return withPart(record, part, schema, out);
    };
  },
});

const DATE_NAMES: readonly string[] = [DateType.LOGICAL_NAME, Time.LOGICAL_NAME, Timestamp.LOGICAL_NAME];

const INT_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int8: [-128n, 127n],
  int16: [-32_768n, 32_767n],
  int32: [-2_147_483_648n, 2_147_483_647n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

function maskWithSchema(name: string, schema: Schema, value: unknown, replacement: string | null): unknown {
  if (value === null || value === undefined) return null;
  const type =
    schema.name !== null && LOGICAL_TYPE_NAMES.includes(schema.name) ? schema.name : schema.type.toUpperCase();
  if (replacement !== null) return replaceWithSchema(name, schema, type, value, replacement);
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      return Decimal.format(0n, Decimal.scale(schema));
    case DateType.LOGICAL_NAME:
    case Time.LOGICAL_NAME:
    case Timestamp.LOGICAL_NAME:
      return new Date(0);
    default:
      break;
  }
  switch (schema.type) {
    case 'int64':
      return typeof value === 'bigint' ? 0n : 0;
    case 'int8':
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    case 'array':
      return [];
    case 'map':
      return new Map();
    default:
      throw new DataError(`Cannot mask field "${name}": values of type ${type} cannot be masked`);
  }
}

function replaceWithSchema(name: string, schema: Schema, type: string, value: unknown, replacement: string): unknown {
  const unconvertible = (cause?: unknown): never => {
    throw new DataError(
      `Cannot mask field "${name}": replacement "${replacement}" is not a valid ${type}`,
      cause === undefined ? {} : { cause },
    );
  };
  if (schema.name === Decimal.LOGICAL_NAME) {
    const scale = Decimal.scale(schema);
    try {
      return Decimal.format(Decimal.unscaled(replacement, scale), scale);
    } catch (err) {
      return unconvertible(err);
    }
  }
  if (schema.name !== null && DATE_NAMES.includes(schema.name)) {
    throw new DataError(`Cannot mask field "${name}" of type ${type} with a custom replacement`);
  }
  const range = INT_RANGES[schema.type];
  if (range !== undefined) {
    if (!/^[+-]?\d+$/.test(replacement)) return unconvertible();
    const n = BigInt(replacement);
    if (n < range[0] || n > range[1]) return unconvertible();
    return typeof value === 'bigint' || !Number.isSafeInteger(Number(n)) ? n : Number(n);
  }
  if (schema.type === 'float32' || schema.type === 'float64') return parseNumber(replacement) ?? unconvertible();
  if (schema.type === 'string') return replacement;
  throw new DataError(`Cannot mask field "${name}" of type ${type} with a custom replacement`);
}

function maskSchemaless(name: string, value: unknown, replacement: string | null): unknown {
  if (value === null || value === undefined) return null;
  if (replacement !== null) {
    const unconvertible = (): never => {
      throw new DataError(`Cannot mask field "${name}": replacement "${replacement}" is not a valid ${typeof value}`);
    };
    if (typeof value === 'string') return replacement;
    if (typeof value === 'number') return parseNumber(replacement) ?? unconvertible();
    if (typeof value === 'bigint') return /^[+-]?\d+$/.test(replacement) ? BigInt(replacement) : unconvertible();
    throw new DataError(`Cannot mask field "${name}" of type ${describeValue(value)} with a custom replacement`);
  }
  if (typeof value === 'string') return '';
  if (typeof value === 'number') return 0;
  if (typeof value === 'bigint') return 0n;
  if (typeof value === 'boolean') return false;
  if (value instanceof Date) return new Date(0);
  if (value instanceof Uint8Array) return new Uint8Array(0);
  if (Array.isArray(value)) return [];
  if (value instanceof Map) return new Map();
  if (isPlainObject(value)) return {};
  throw new DataError(`Cannot mask field "${name}": values of type ${describeValue(value)} cannot be masked`);
}

function parseNumber(text: string): number | undefined {
  const n = Number(text);
  return text.trim() === '' || !Number.isFinite(n) ? undefined : n;
}
