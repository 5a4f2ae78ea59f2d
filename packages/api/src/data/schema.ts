/**
 * The Connect data model's schemas. A schema describes a key, a value or a header: its
 * type, whether it may be null, a default, an optional name and version (logical types
 * use the name), documentation, free-form string parameters, and for structs, arrays and
 * maps their parts. Schemas are immutable; build them with `SchemaBuilder` or use the
 * constants in `Schemas`.
 *
 * JavaScript values per type (what `validateValue` accepts and converters produce):
 * | type | value |
 * | --- | --- |
 * | int8, int16, int32 | integer `number` in range |
 * | int64 | `bigint`, or an integer `number` (producers use `bigint` beyond 2^53) |
 * | float32, float64 | `number` |
 * | boolean | `boolean` |
 * | string | `string` |
 * | bytes | `Uint8Array` (a `Buffer` is one) |
 * | array | `unknown[]` of the item schema's values |
 * | map | `Map` from key values to value values |
 * | struct | `Struct` |
 * Logical types (see `logical.ts`) change this: Decimal is a decimal `string`, Date, Time
 * and Timestamp are `Date`.
 *
 * Schemaless data (schema `null`, e.g. JsonConverter with `schemas.enable=false`) is
 * JSON-like: plain objects (`Record<string, unknown>`) where Kafka has a `Map<String,
 * Object>`, arrays, strings, numbers (`bigint` for integers beyond 2^53), booleans,
 * `Uint8Array` and `null`.
 */

export type SchemaType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'array'
  | 'map'
  | 'struct';

export const PRIMITIVE_TYPES: readonly SchemaType[] = [
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'boolean',
  'string',
  'bytes',
];

export interface Field {
  readonly name: string;
  /** Position in the struct, from 0. */
  readonly index: number;
  readonly schema: Schema;
}

export interface Schema {
  readonly type: SchemaType;
  readonly isOptional: boolean;
  /** `undefined` when the schema has no default (`null` is a default for optional schemas). */
  readonly defaultValue: unknown;
  readonly name: string | null;
  readonly version: number | null;
  readonly doc: string | null;
  readonly parameters: Readonly<Record<string, string>> | null;
  /** Struct fields in order; empty for other types. */
  readonly fields: readonly Field[];
  /** Map key schema; `null` for other types. */
  readonly keySchema: Schema | null;
  /** Array item or map value schema; `null` for other types. */
  readonly valueSchema: Schema | null;
  /** The struct field called `name`, or `undefined`. Throws for non-struct schemas. */
  field(name: string): Field | undefined;
}

class ConnectSchema implements Schema {
  private readonly byName: ReadonlyMap<string, Field>;

  constructor(
    readonly type: SchemaType,
    readonly isOptional: boolean,
    readonly defaultValue: unknown,
    readonly name: string | null,
    readonly version: number | null,
    readonly doc: string | null,
    readonly parameters: Readonly<Record<string, string>> | null,
    readonly fields: readonly Field[],
    readonly keySchema: Schema | null,
    readonly valueSchema: Schema | null,
  ) {
    this.byName = new Map(fields.map((f) => [f.name, f]));
    Object.freeze(this);
  }

  field(name: string): Field | undefined {
    if (this.type !== 'struct')
      throw new TypeError(`Cannot look up field "${name}" on a non-struct schema (${this.type})`);
    return this.byName.get(name);
  }

  toString(): string {
    return this.name === null
      ? `Schema{${this.type.toUpperCase()}}`
      : `Schema{${this.name}:${this.type.toUpperCase()}}`;
  }
}

/**
 * Builds a schema step by step: `SchemaBuilder.struct().name('orders').field('id',
 * Schemas.INT64).optional().build()`. Each setter may be called once.
 */
export class SchemaBuilder {
  private isOptionalValue = false;
  private defaultValueValue: unknown = undefined;
  private nameValue: string | null = null;
  private versionValue: number | null = null;
  private docValue: string | null = null;
  private parametersValue: Record<string, string> | null = null;
  private readonly fieldList: Field[] = [];

  constructor(
    readonly type: SchemaType,
    private readonly keySchemaValue: Schema | null = null,
    private readonly valueSchemaValue: Schema | null = null,
  ) {}

  static type(type: SchemaType): SchemaBuilder {
    return new SchemaBuilder(type);
  }
  static int8(): SchemaBuilder {
    return new SchemaBuilder('int8');
  }
  static int16(): SchemaBuilder {
    return new SchemaBuilder('int16');
  }
  static int32(): SchemaBuilder {
    return new SchemaBuilder('int32');
  }
  static int64(): SchemaBuilder {
    return new SchemaBuilder('int64');
  }
  static float32(): SchemaBuilder {
    return new SchemaBuilder('float32');
  }
  static float64(): SchemaBuilder {
    return new SchemaBuilder('float64');
  }
  static bool(): SchemaBuilder {
    return new SchemaBuilder('boolean');
  }
  static string(): SchemaBuilder {
    return new SchemaBuilder('string');
  }
  static bytes(): SchemaBuilder {
    return new SchemaBuilder('bytes');
  }
  static struct(): SchemaBuilder {
    return new SchemaBuilder('struct');
  }
  static array(items: Schema): SchemaBuilder {
    return new SchemaBuilder('array', null, items);
  }
  static map(keys: Schema, values: Schema): SchemaBuilder {
    return new SchemaBuilder('map', keys, values);
  }

  /** A builder holding everything `schema` has, to change a part of it. */
  static from(schema: Schema): SchemaBuilder {
    const b = new SchemaBuilder(schema.type, schema.keySchema, schema.valueSchema);
    b.isOptionalValue = schema.isOptional;
    b.defaultValueValue = schema.defaultValue;
    b.nameValue = schema.name;
    b.versionValue = schema.version;
    b.docValue = schema.doc;
    b.parametersValue = schema.parameters === null ? null : { ...schema.parameters };
    for (const f of schema.fields) b.field(f.name, f.schema);
    return b;
  }

  optional(): this {
    this.isOptionalValue = true;
    return this;
  }
  required(): this {
    this.isOptionalValue = false;
    return this;
  }
  defaultValue(value: unknown): this {
    this.defaultValueValue = value;
    return this;
  }
  name(name: string | null): this {
    this.nameValue = name;
    return this;
  }
  version(version: number | null): this {
    this.versionValue = version;
    return this;
  }
  doc(doc: string | null): this {
    this.docValue = doc;
    return this;
  }
  parameter(key: string, value: string): this {
    this.parametersValue = { ...(this.parametersValue ?? {}), [key]: value };
    return this;
  }
  parameters(parameters: Readonly<Record<string, string>>): this {
    this.parametersValue = { ...(this.parametersValue ?? {}), ...parameters };
    return this;
  }
  field(name: string, schema: Schema): this {
    if (this.type !== 'struct') throw new TypeError(`Cannot add field "${name}" to a ${this.type} schema`);
    if (name === '') throw new TypeError('Field names cannot be empty');
    if (this.fieldList.some((f) => f.name === name)) throw new TypeError(`Duplicate field "${name}"`);
    this.fieldList.push({ name, index: this.fieldList.length, schema });
    return this;
  }

  build(): Schema {
    return new ConnectSchema(
      this.type,
      this.isOptionalValue,
      this.defaultValueValue,
      this.nameValue,
      this.versionValue,
      this.docValue,
      this.parametersValue === null ? null : Object.freeze({ ...this.parametersValue }),
      Object.freeze(this.fieldList.map((f) => Object.freeze({ ...f }))),
      this.keySchemaValue,
      this.valueSchemaValue,
    );
  }
}

function primitive(type: SchemaType, isOptional: boolean): Schema {
  const b = new SchemaBuilder(type);
  if (isOptional) b.optional();
  return b.build();
}

/** The shared primitive schemas, like Kafka's `Schema.INT32_SCHEMA` and friends. */
export const Schemas = {
  INT8: primitive('int8', false),
  INT16: primitive('int16', false),
  INT32: primitive('int32', false),
  INT64: primitive('int64', false),
  FLOAT32: primitive('float32', false),
  FLOAT64: primitive('float64', false),
  BOOLEAN: primitive('boolean', false),
  STRING: primitive('string', false),
  BYTES: primitive('bytes', false),
  OPTIONAL_INT8: primitive('int8', true),
  OPTIONAL_INT16: primitive('int16', true),
  OPTIONAL_INT32: primitive('int32', true),
  OPTIONAL_INT64: primitive('int64', true),
  OPTIONAL_FLOAT32: primitive('float32', true),
  OPTIONAL_FLOAT64: primitive('float64', true),
  OPTIONAL_BOOLEAN: primitive('boolean', true),
  OPTIONAL_STRING: primitive('string', true),
  OPTIONAL_BYTES: primitive('bytes', true),
} as const;

/** Structural equality, as Kafka's `ConnectSchema.equals`: every attribute and part. */
export function schemasEqual(a: Schema | null, b: Schema | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (
    a.type !== b.type ||
    a.isOptional !== b.isOptional ||
    a.name !== b.name ||
    a.version !== b.version ||
    a.doc !== b.doc ||
    !valuesEqual(a.defaultValue, b.defaultValue) ||
    !recordsEqual(a.parameters, b.parameters) ||
    a.fields.length !== b.fields.length
  ) {
    return false;
  }
  for (const [i, f] of a.fields.entries()) {
    const g = b.fields[i];
    if (g === undefined || f.name !== g.name || !schemasEqual(f.schema, g.schema)) return false;
  }
  return schemasEqual(a.keySchema, b.keySchema) && schemasEqual(a.valueSchema, b.valueSchema);
}

function recordsEqual(a: Readonly<Record<string, string>> | null, b: Readonly<Record<string, string>> | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Deep equality of Connect values (bytes by content, maps by entries, structs by schema and values). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')
      ? BigInt(a as number) === BigInt(b as number)
      : false;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    const rest = [...b.entries()];
    return [...a.entries()].every(([k, v]) => {
      const i = rest.findIndex(([k2, v2]) => valuesEqual(k, k2) && valuesEqual(v, v2));
      if (i < 0) return false;
      rest.splice(i, 1);
      return true;
    });
  }
  const ea = (a as { equals?: (o: unknown) => boolean }).equals;
  if (typeof ea === 'function') return ea.call(a, b);
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && valuesEqual(a[k], b[k]));
  }
  return false;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
