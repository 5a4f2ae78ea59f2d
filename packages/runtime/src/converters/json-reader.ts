/**
 * Parsed JsonConverter JSON (see `parse-json.ts`) to Connect schemas and values, as
 * Kafka's `asConnectSchema` / `convertToConnect` read them.
 */
import {
  DataError,
  DateType,
  Decimal,
  LOGICAL_TYPE_NAMES,
  type Schema,
  SchemaBuilder,
  type SchemaType,
  Struct,
  Time,
  Timestamp,
} from '@tributary/api';
import { describe, isPlainObject } from './json-writer.js';
import { LruCache } from './lru-cache.js';
import { DecimalText } from './parse-json.js';

export interface JsonReaderOptions {
  /** `replace.null.with.default`. */
  readonly replacesNullWithDefault: boolean;
  /** `schemas.cache.size`. */
  readonly schemaCacheSize: number;
}

const SCHEMA_TYPES: Readonly<Record<string, SchemaType>> = {
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  float: 'float32',
  double: 'float64',
  boolean: 'boolean',
  string: 'string',
  bytes: 'bytes',
  array: 'array',
  map: 'map',
  struct: 'struct',
};

/** int8/16/32 take integers in [−limit, limit). */
export const INT_RANGES = { int8: 0x80, int16: 0x8000, int32: 0x8000_0000 } as const;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const NON_FINITE: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/** `JsonReader.valueOf` for one schema. */
export type NodeReader = (node: unknown) => unknown;

export class JsonReader {
  private readonly schemas: LruCache<string, Schema>;
  private readonly readers = new WeakMap<Schema, NodeReader>();

  constructor(private readonly options: JsonReaderOptions) {
    this.schemas = new LruCache(options.schemaCacheSize);
  }

  /** The schema a cached envelope schema text stands for, if seen before. */
  cachedSchema(rawText: string): Schema | undefined {
    return this.schemas.get(rawText);
  }

  /** The Connect schema of a JSON schema object (`null` → schemaless); `rawText` is its cache key. */
  schemaOf(node: unknown, rawText?: string): Schema | null {
    if (node === null) return null;
    const schema = this.buildSchema(node);
    if (rawText !== undefined) this.schemas.set(rawText, schema);
    return schema;
  }

  private buildSchema(node: unknown): Schema {
    const typeName = isPlainObject(node) ? node['type'] : undefined;
    if (typeof typeName !== 'string' || !isPlainObject(node)) throw new DataError("Schema must contain 'type' field");
    const type = SCHEMA_TYPES[typeName];
    if (type === undefined) throw new DataError(`Unknown schema type: ${typeName}`);
    let builder: SchemaBuilder;
    if (type === 'array') {
      const items = node['items'];
      if (items === undefined || items === null) throw new DataError('Array schema did not specify the element type');
      builder = SchemaBuilder.array(this.buildSchema(items));
    } else if (type === 'map') {
      const keys = node['keys'];
      if (keys === undefined) throw new DataError('Map schema did not specify the key type');
      const values = node['values'];
      if (values === undefined) throw new DataError('Map schema did not specify the value type');
      builder = new SchemaBuilder(
        'map',
        keys === null ? null : this.buildSchema(keys),
        values === null ? null : this.buildSchema(values),
      );
    } else {
      builder = SchemaBuilder.type(type);
    }
    if (type === 'struct') {
      const fields = node['fields'];
      if (!Array.isArray(fields)) throw new DataError('Struct schema\'s "fields" argument is not an array.');
      for (const field of fields) {
        const name = isPlainObject(field) ? field['field'] : undefined;
        if (typeof name !== 'string') throw new DataError("Struct schema's field name not specified properly");
        try {
          builder.field(name, this.buildSchema(field));
        } catch (err) {
          if (err instanceof DataError) throw err;
          throw new DataError(`Invalid struct schema: ${(err as Error).message}`, { cause: err });
        }
      }
    }
    if (node['optional'] === true) builder.optional();
    const name = node['name'];
    if (typeof name === 'string') builder.name(name);
    const version = node['version'];
    if ((typeof version === 'number' && Number.isInteger(version)) || typeof version === 'bigint')
      builder.version(Number(version));
    const doc = node['doc'];
    if (typeof doc === 'string') builder.doc(doc);
    const parameters = node['parameters'];
    if (isPlainObject(parameters)) {
      for (const [key, value] of Object.entries(parameters)) {
        if (typeof value !== 'string') throw new DataError('Schema parameters must have string values.');
        builder.parameter(key, value);
      }
    }
    if (node['default'] !== undefined) builder.defaultValue(this.valueOf(builder.build(), node['default']));
    return builder.build();
  }

  /**
   * `valueOf` for `schema`, made once per schema: structs and the common primitives take
   * their usual values without the general dispatch on the schema for every value (the
   * converter reads every record of a topic with one schema); anything else, nulls and
   * mismatches included, goes to `valueOf`, so the results and errors are the same.
   */
  readerOf(schema: Schema): NodeReader {
    let reader = this.readers.get(schema);
    if (reader === undefined) {
      reader = this.compile(schema);
      this.readers.set(schema, reader);
    }
    return reader;
  }

  private compile(schema: Schema): NodeReader {
    const general: NodeReader = (node) => this.valueOf(schema, node);
    if (schema.name !== null && LOGICAL_TYPE_NAMES.includes(schema.name)) return general;
    switch (schema.type) {
      case 'int8':
      case 'int16':
      case 'int32': {
        const limit = INT_RANGES[schema.type];
        return (node) =>
          typeof node === 'number' && Number.isInteger(node) && node >= -limit && node < limit ? node : general(node);
      }
      case 'int64':
        return (node) => (typeof node === 'number' && Number.isInteger(node) ? node : general(node));
      case 'float32':
      case 'float64':
        return (node) => (typeof node === 'number' ? node : general(node));
      case 'boolean':
        return (node) => (typeof node === 'boolean' ? node : general(node));
      case 'string':
        return (node) => (typeof node === 'string' ? node : general(node));
      case 'struct': {
        const fields = schema.fields;
        const names = fields.map((f) => f.name);
        const readers = fields.map((f) => this.readerOf(f.schema));
        return (node) => {
          if (!isPlainObject(node)) return general(node);
          const values = new Array<unknown>(readers.length);
          for (let i = 0; i < readers.length; i++) values[i] = (readers[i] as NodeReader)(node[names[i] as string]);
          return new Struct(schema, values);
        };
      }
      default:
        return general;
    }
  }

  /** The Connect value of a parsed JSON `node` as `schema` describes it (`null`: schemaless). */
  valueOf(schema: Schema | null, node: unknown): unknown {
    if (schema === null) return schemaless(node);
    if (node === null || node === undefined) {
      if (schema.defaultValue !== undefined && schema.defaultValue !== null && this.options.replacesNullWithDefault)
        return schema.defaultValue;
      if (schema.isOptional) return null;
      throw new DataError(`Invalid null value for required ${schema.type.toUpperCase()} field`);
    }
    switch (schema.name) {
      case Decimal.LOGICAL_NAME:
        return decimalOf(schema, node);
      case DateType.LOGICAL_NAME:
        return DateType.fromDays(int32Of(node, 'Date'));
      case Time.LOGICAL_NAME:
        return Time.fromMillis(int32Of(node, 'Time'));
      case Timestamp.LOGICAL_NAME:
        if ((typeof node === 'number' && Number.isInteger(node)) || typeof node === 'bigint')
          return Timestamp.fromMillis(node);
        throw new DataError(
          `Invalid type for Timestamp, underlying representation should be integral but was ${jsonKind(node)}`,
        );
      default:
        break;
    }
    switch (schema.type) {
      case 'int8':
      case 'int16':
      case 'int32': {
        const limit = INT_RANGES[schema.type];
        if (typeof node === 'number' && Number.isInteger(node) && node >= -limit && node < limit) return node;
        return mismatch(schema, node);
      }
      case 'int64':
        if (typeof node === 'number' && Number.isInteger(node)) return node;
        if (typeof node === 'bigint') return node;
        return mismatch(schema, node);
      case 'float32':
      case 'float64':
        if (typeof node === 'number') return node;
        if (node instanceof DecimalText) return node.toNumber();
        if (typeof node === 'bigint') return Number(node);
        if (typeof node === 'string' && NON_FINITE[node] !== undefined) return NON_FINITE[node];
        return mismatch(schema, node);
      case 'boolean':
        if (typeof node === 'boolean') return node;
        return mismatch(schema, node);
      case 'string':
        if (typeof node === 'string') return node;
        return mismatch(schema, node);
      case 'bytes':
        if (typeof node === 'string') return base64Bytes(node);
        return mismatch(schema, node);
      case 'array': {
        if (!Array.isArray(node)) return mismatch(schema, node);
        const items = schema.valueSchema;
        return node.map((item) => this.valueOf(items, item));
      }
      case 'map':
        return this.mapOf(schema, node);
      case 'struct': {
        if (!isPlainObject(node))
          throw new DataError(`Structs should be encoded as JSON objects, but found ${jsonKind(node)}`);
        // Indexed: this recursive function is megamorphic, and for-of allocated an iterator result per field.
        const fields = schema.fields;
        const values = new Array<unknown>(fields.length);
        for (let i = 0; i < fields.length; i++) {
          const field = fields[i] as (typeof fields)[number];
          values[i] = this.valueOf(field.schema, node[field.name]);
        }
        return new Struct(schema, values);
      }
    }
  }

  private mapOf(schema: Schema, node: unknown): Map<unknown, unknown> {
    const keySchema = schema.keySchema;
    const valueSchema = schema.valueSchema;
    const result = new Map<unknown, unknown>();
    if (keySchema === null || keySchema.type === 'string') {
      if (!isPlainObject(node))
        throw new DataError(`Maps with string fields should be encoded as JSON objects, but found ${jsonKind(node)}`);
      for (const [k, v] of Object.entries(node)) result.set(k, this.valueOf(valueSchema, v));
      return result;
    }
    if (!Array.isArray(node))
      throw new DataError(
        `Maps with non-string fields should be encoded as JSON array of tuples, but found ${jsonKind(node)}`,
      );
    for (const entry of node) {
      if (!Array.isArray(entry))
        throw new DataError(`Found invalid map entry instead of array tuple: ${jsonKind(entry)}`);
      if (entry.length !== 2)
        throw new DataError(`Found invalid map entry, expected length 2 but found :${entry.length}`);
      result.set(this.valueOf(keySchema, entry[0]), this.valueOf(valueSchema, entry[1]));
    }
    return result;
  }
}

/** Schemaless values as parsed, with exact-decimal texts turned back into numbers. */
export function schemaless(node: unknown): unknown {
  if (node instanceof DecimalText) return node.toNumber();
  if (Array.isArray(node)) return node.map(schemaless);
  if (isPlainObject(node)) {
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (value !== null && typeof value === 'object') node[key] = schemaless(value);
    }
  }
  return node;
}

function decimalOf(schema: Schema, node: unknown): string {
  const scale = Decimal.scale(schema);
  if (typeof node === 'number' || typeof node === 'bigint') return Decimal.format(Decimal.unscaled(node, scale), scale);
  if (node instanceof DecimalText) return Decimal.format(Decimal.unscaled(node.text, scale), scale);
  if (typeof node === 'string') {
    try {
      return Decimal.fromBytes(base64Bytes(node), scale);
    } catch (err) {
      throw new DataError('Invalid bytes for Decimal field', { cause: err });
    }
  }
  throw new DataError(
    `Invalid type for Decimal, underlying representation should be numeric or bytes but was ${jsonKind(node)}`,
  );
}

function int32Of(node: unknown, logical: string): number {
  if (typeof node === 'number' && Number.isInteger(node) && node >= -0x8000_0000 && node < 0x8000_0000) return node;
  throw new DataError(
    `Invalid type for ${logical}, underlying representation should be integer but was ${jsonKind(node)}`,
  );
}

function base64Bytes(text: string): Buffer {
  if (text.length % 4 === 1 || !BASE64.test(text)) throw new DataError('Invalid bytes field: not base64');
  return Buffer.from(text, 'base64');
}

function mismatch(schema: Schema, node: unknown): never {
  throw new DataError(`Invalid JSON for schema type ${schema.type.toUpperCase()}: found ${jsonKind(node)}`);
}

function jsonKind(node: unknown): string {
  if (node === null || node === undefined) return 'NULL';
  if (typeof node === 'number' || typeof node === 'bigint' || node instanceof DecimalText) return 'NUMBER';
  if (typeof node === 'string') return 'STRING';
  if (typeof node === 'boolean') return 'BOOLEAN';
  if (Array.isArray(node)) return 'ARRAY';
  if (isPlainObject(node)) return 'OBJECT';
  return describe(node);
}
