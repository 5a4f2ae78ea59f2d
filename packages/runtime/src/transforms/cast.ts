/**
 * Cast: changes the type of chosen fields, or of the whole key or value, as Kafka's
 * `org.apache.kafka.connect.transforms.Cast`. Integers wrap like Java's narrowing casts
 * (300 → int8 is 44), floats truncate toward zero, strings are parsed strictly, bytes
 * cast to string become base64, and logical types cast to numbers become their encoded
 * form (days, milliseconds; a Decimal its value).
 */
import {
  type ConnectRecord,
  DataError,
  DateType,
  Decimal,
  defineConfig,
  list,
  type Schema,
  SchemaBuilder,
  type SchemaType,
  Struct,
  Time,
  Timestamp,
} from '@tributary/api';
import {
  copySchemaBasics,
  defineKeyValueTransforms,
  describeValue,
  isPlainObject,
  partOf,
  readField,
  replaceNullWithDefault,
  requireMap,
  requireStruct,
  schemaCache,
  TRANSFORMS_VERSION,
  withPart,
} from './support.js';

const OUTPUT_TYPES = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'] as const;
type CastType = (typeof OUTPUT_TYPES)[number];
const INPUT_TYPES: readonly SchemaType[] = [...OUTPUT_TYPES, 'bytes'];
const ALL_TYPES: readonly SchemaType[] = [...INPUT_TYPES, 'array', 'map', 'struct'];
const PURPOSE = 'cast types';

/** The parsed `spec`: a type for the whole value, or a type per field. */
export interface CastSpec {
  readonly wholeValue: CastType | null;
  readonly fields: ReadonlyMap<string, CastType>;
}

/** Parses `spec` items (`field:type` or one bare `type`); throws an Error saying what is wrong. */
export function parseCastSpec(items: readonly string[]): CastSpec {
  if (items.length === 0) throw new Error('Must specify at least one field to cast.');
  const fields = new Map<string, CastType>();
  let wholeValue: CastType | null = null;
  for (const item of items) {
    const parts = item.split(':');
    if (parts.length > 2) throw new Error(`Invalid cast mapping: ${item}`);
    if (parts.length === 1) {
      wholeValue = castType(parts[0] ?? '');
      continue;
    }
    const field = (parts[0] ?? '').trim();
    if (field === '') throw new Error(`Invalid cast mapping: ${item} (the field name is empty)`);
    fields.set(field, castType(parts[1] ?? ''));
  }
  if (wholeValue !== null && items.length > 1) {
    throw new Error(
      'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec',
    );
  }
  return { wholeValue, fields };
}

function castType(text: string): CastType {
  const name = text.trim().toLowerCase();
  const output = OUTPUT_TYPES.find((t) => t === name);
  if (output !== undefined) return output;
  if (ALL_TYPES.includes(name as SchemaType)) {
    throw new Error(
      `Cast transformation does not support casting to ${name.toUpperCase()}; supported types are ${OUTPUT_TYPES.join(', ')}`,
    );
  }
  throw new Error(`Invalid type found in casting spec: ${text.trim()}`);
}

const config = defineConfig({
  spec: list({
    doc:
      'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. ' +
      'A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, ' +
      'and string. Note that binary fields can only be cast to string.',
    importance: 'high',
    validValues: 'list of colon-delimited pairs, e.g. foo:bar,abc:xyz',
    validate: (items) => {
      try {
        parseCastSpec(items);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  }),
  'replace.null.with.default': replaceNullWithDefault,
});

export const [castKey, castValue] = defineKeyValueTransforms({
  name: 'Cast',
  version: TRANSFORMS_VERSION,
  description: 'Casts fields, or the entire key or value, to another primitive type',
  config,
  create(values, part) {
    const spec = parseCastSpec(values.spec);
    const useDefaults = values['replace.null.with.default'];
    const whole = part === 'key' ? 'the record key' : 'the record value';
    const updatedSchema = schemaCache((schema) => buildSchema(schema, spec, whole));

    return <R extends ConnectRecord>(record: R): R => {
      const { schema, value } = partOf(record, part);
      if (value === null || value === undefined) return record;
      if (schema === null) {
        if (spec.wholeValue !== null) return withPart(record, part, null, castTo(null, value, spec.wholeValue, whole));
        const map = requireMap(value, PURPOSE);
        const out: Record<string, unknown> = { ...map };
        // As Kafka: a listed field missing from the map is added with the value null.
        for (const [field, type] of spec.fields) out[field] = castTo(null, map[field], type, `field "${field}"`);
        return withPart(record, part, null, out);
      }
      const newSchema = updatedSchema(schema);
      if (spec.wholeValue !== null)
        return withPart(record, part, newSchema, castTo(schema, value, spec.wholeValue, whole));
      return withPart(record, part, newSchema, castStruct(requireStruct(value, PURPOSE), newSchema, spec, useDefaults));
    };
  },
});

function buildSchema(schema: Schema, spec: CastSpec, whole: string): Schema {
  let builder: SchemaBuilder;
  if (spec.wholeValue !== null) {
    builder = SchemaBuilder.type(spec.wholeValue);
    // Kafka copies the name and parameters too, which leaves e.g. an int32 named as a Date;
    // a logical type's identity does not survive a cast, so only user schemas keep theirs.
    if (!isLogical(schema)) copySchemaBasics(schema, builder);
    else builder.doc(schema.doc);
  } else {
    if (schema.type !== 'struct')
      throw new DataError(
        `Only Struct objects supported for [${PURPOSE}], found schema type: ${schema.type.toUpperCase()}`,
      );
    builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields) {
      const type = spec.fields.get(field.name);
      if (type === undefined) {
        builder.field(field.name, field.schema);
        continue;
      }
      const fieldBuilder = SchemaBuilder.type(type);
      if (field.schema.isOptional) fieldBuilder.optional();
      if (hasDefault(field.schema)) {
        fieldBuilder.defaultValue(
          castTo(field.schema, field.schema.defaultValue, type, `the default of field "${field.name}"`),
        );
      }
      builder.field(field.name, fieldBuilder.build());
    }
  }
  if (schema.isOptional) builder.optional();
  if (!hasDefault(schema)) return builder.build();
  if (spec.wholeValue !== null)
    return builder
      .defaultValue(castTo(schema, schema.defaultValue, spec.wholeValue, `the default of ${whole}`))
      .build();
  // Kafka fails here (it casts the default Struct as a whole); cast its fields instead.
  const base = builder.build();
  const defaultStruct = castStruct(requireStruct(schema.defaultValue, PURPOSE), base, spec, true);
  return SchemaBuilder.from(base).defaultValue(defaultStruct).build();
}

function castStruct(struct: Struct, schema: Schema, spec: CastSpec, useDefaults: boolean): Struct {
  const out = new Struct(schema);
  for (const field of struct.schema.fields) {
    const original = readField(struct, field.name, useDefaults);
    const type = spec.fields.get(field.name);
    out.put(field.name, type === undefined ? original : castTo(field.schema, original, type, `field "${field.name}"`));
  }
  return out;
}

function hasDefault(schema: Schema): boolean {
  return schema.defaultValue !== undefined && schema.defaultValue !== null;
}

function isLogical(schema: Schema): boolean {
  return (
    schema.name === Decimal.LOGICAL_NAME ||
    schema.name === DateType.LOGICAL_NAME ||
    schema.name === Time.LOGICAL_NAME ||
    schema.name === Timestamp.LOGICAL_NAME
  );
}

/**
 * A value ready to cast: what kind of number it is decides how Java would narrow it
 * (an integer wraps, a floating-point number saturates first, a decimal truncates).
 */
type Source =
  | { readonly kind: 'integer'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number; readonly isFloat32: boolean }
  | { readonly kind: 'decimal'; readonly text: string; readonly truncated: bigint }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'date'; readonly value: Date; readonly logicalName: string | null };

/** Casts one value; `where` names the field (or the whole key/value) in errors. */
function castTo(schema: Schema | null, value: unknown, target: CastType, where: string): unknown {
  if (value === null || value === undefined) return null;
  const source = toSource(schema, value, target, where);
  switch (target) {
    case 'int8':
      return Number(toInteger(source, 8, where));
    case 'int16':
      return Number(toInteger(source, 16, where));
    case 'int32':
      return Number(toInteger(source, 32, where));
    case 'int64': {
      const n = toInteger(source, 64, where);
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    case 'float32':
      return Math.fround(toFloat(source, where));
    case 'float64':
      return toFloat(source, where);
    case 'boolean':
      return toBoolean(source, where);
    case 'string':
      return toText(source);
  }
}

function toSource(schema: Schema | null, value: unknown, target: CastType, where: string): Source {
  const type = schema === null ? inferType(value, where) : schema.type;
  if (!INPUT_TYPES.includes(type)) {
    throw new DataError(
      `Cast transformation does not support casting from ${type.toUpperCase()} (${where}); supported types are ${INPUT_TYPES.join(', ')}`,
    );
  }
  const logicalName = schema?.name ?? null;
  if (logicalName === Decimal.LOGICAL_NAME && schema !== null) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
      throw new DataError(`Cast of ${where}: expected a decimal, found ${describeValue(value)}`);
    }
    const scale = Decimal.scale(schema);
    const unscaled = Decimal.unscaled(value, scale);
    const truncated = scale >= 0 ? unscaled / 10n ** BigInt(scale) : unscaled * 10n ** BigInt(-scale);
    return { kind: 'decimal', text: Decimal.format(unscaled, scale), truncated };
  }
  if (value instanceof Date) {
    if (target === 'string') return { kind: 'date', value, logicalName };
    if (logicalName === DateType.LOGICAL_NAME) return { kind: 'integer', value: BigInt(DateType.toDays(value)) };
    if (logicalName === Time.LOGICAL_NAME) return { kind: 'integer', value: BigInt(Time.toMillis(value)) };
    return { kind: 'integer', value: BigInt(value.getTime()) };
  }
  if (typeof value === 'bigint') return { kind: 'integer', value };
  if (typeof value === 'number') {
    const isFloating = type === 'float32' || type === 'float64' || !Number.isInteger(value);
    return isFloating
      ? { kind: 'float', value, isFloat32: type === 'float32' }
      : { kind: 'integer', value: BigInt(value) };
  }
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (typeof value === 'string') return { kind: 'string', value };
  if (value instanceof Uint8Array) return { kind: 'bytes', value };
  throw new DataError(
    `Cast transformation was passed a value of type ${describeValue(value)} for ${where}, which is not supported by Connect's data API`,
  );
}

/** The Connect type of a schemaless value, as Kafka infers it from the Java class. */
function inferType(value: unknown, where: string): SchemaType {
  if (typeof value === 'bigint') return 'int64';
  // Integers beyond 2^53 arrive as bigint; a number that large came from a floating-point literal.
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'int64' : 'float64';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'array';
  if (isPlainObject(value) || value instanceof Map) return 'map';
  if (value instanceof Struct) return 'struct';
  throw new DataError(
    `Cast transformation was passed a value of type ${describeValue(value)} for ${where}, which is not supported by Connect's data API`,
  );
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function toInteger(source: Source, bits: 8 | 16 | 32 | 64, where: string): bigint {
  switch (source.kind) {
    case 'integer':
      return BigInt.asIntN(bits, source.value);
    case 'decimal':
      return BigInt.asIntN(bits, source.truncated);
    case 'float': {
      // Java narrows a double to int (or long) saturating, then wraps to the smaller width.
      if (Number.isNaN(source.value)) return 0n;
      const [min, max] = bits === 64 ? [INT64_MIN, INT64_MAX] : [INT32_MIN, INT32_MAX];
      const t = Math.trunc(source.value);
      const n = t === Number.POSITIVE_INFINITY ? max : t === Number.NEGATIVE_INFINITY ? min : BigInt(t);
      return BigInt.asIntN(bits, n < min ? min : n > max ? max : n);
    }
    case 'boolean':
      return source.value ? 1n : 0n;
    case 'string': {
      if (!/^[+-]?\d+$/.test(source.value))
        throw new DataError(`Cast of ${where}: "${source.value}" is not a valid int${bits}`);
      const n = BigInt(source.value);
      if (n !== BigInt.asIntN(bits, n))
        throw new DataError(`Cast of ${where}: value (${source.value}) was out of range for int${bits}`);
      return n;
    }
    case 'bytes':
    case 'date':
      throw new DataError(`Cast of ${where}: cannot cast ${source.kind} to int${bits}`);
  }
}

const JAVA_FLOAT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

function toFloat(source: Source, where: string): number {
  switch (source.kind) {
    case 'integer':
      return Number(source.value);
    case 'float':
      return source.value;
    case 'decimal':
      return Number(source.text);
    case 'boolean':
      return source.value ? 1 : 0;
    case 'string': {
      const text = source.value.trim();
      if (!JAVA_FLOAT.test(text))
        throw new DataError(`Cast of ${where}: "${source.value}" is not a valid floating-point number`);
      return Number(text.replace(/[fFdD]$/, ''));
    }
    case 'bytes':
    case 'date':
      throw new DataError(`Cast of ${where}: cannot cast ${source.kind} to a floating-point type`);
  }
}

function toBoolean(source: Source, where: string): boolean {
  switch (source.kind) {
    case 'integer':
      return BigInt.asIntN(64, source.value) !== 0n;
    case 'float':
      return Number.isNaN(source.value) ? false : Math.trunc(source.value) !== 0;
    case 'decimal':
      return BigInt.asIntN(64, source.truncated) !== 0n;
    case 'boolean':
      return source.value;
    case 'string':
      // Java's Boolean.parseBoolean: "true" in any case; everything else is false.
      return source.value.toLowerCase() === 'true';
    case 'bytes':
    case 'date':
      throw new DataError(`Cast of ${where}: cannot cast ${source.kind} to boolean`);
  }
}

function toText(source: Source): string {
  switch (source.kind) {
    case 'integer':
      return source.value.toString();
    case 'float':
      return javaFloatingString(source.value, source.isFloat32);
    case 'decimal':
      return source.text;
    case 'boolean':
      return String(source.value);
    case 'string':
      return source.value;
    case 'bytes':
      return Buffer.from(source.value.buffer, source.value.byteOffset, source.value.byteLength).toString('base64');
    case 'date':
      return formatDate(source.value, source.logicalName);
  }
}

/**
 * ISO-8601 in UTC, chosen by the logical type. (Kafka picks the pattern from the value
 * instead, in the JVM's time zone, so a Timestamp at midnight prints as a bare date.)
 */
function formatDate(value: Date, logicalName: string | null): string {
  const iso = value.toISOString();
  if (logicalName === DateType.LOGICAL_NAME) return iso.slice(0, 10);
  if (logicalName === Time.LOGICAL_NAME) return iso.slice(11);
  return iso;
}

/** Java's `Double.toString` / `Float.toString`: `1.0`, `1.0E7`, `1.5E-4`, `NaN`, `-0.0`. */
function javaFloatingString(n: number, isFloat32: boolean): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return 'Infinity';
  if (n === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const shortest = isFloat32 ? shortestFloat32(n) : n;
  const abs = Math.abs(shortest);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = String(shortest);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa = '', exponent = ''] = shortest.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** The double with the fewest digits that still rounds to the same float32. */
function shortestFloat32(n: number): number {
  const f = Math.fround(n);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}
