/**
 * Connect schemas and values to JsonConverter's JSON text. The schema object has Kafka's
 * key order (Jackson keeps insertion order): `type`, then `items` | `keys`,`values` |
 * `fields`, then `optional`, `name`, `version`, `doc`, `parameters`, `default`; each
 * struct field entry is the field's schema object followed by `"field"`.
 */
import {
  bigintToBytes,
  DataError,
  DateType,
  Decimal,
  type Schema,
  Struct,
  schemasEqual,
  Time,
  Timestamp,
} from '@tributary/api';
import { LruCache } from './lru-cache.js';
import { bigDecimalText, doubleText, floatText } from './number-text.js';

export interface JsonWriterOptions {
  /** `decimal.format=NUMERIC`: Decimals as JSON numbers instead of base64 strings. */
  readonly isDecimalNumeric: boolean;
  /** `replace.null.with.default`. */
  readonly replacesNullWithDefault: boolean;
  /** `schemas.cache.size`. */
  readonly schemaCacheSize: number;
}

const JSON_TYPE_NAMES: Readonly<Record<Schema['type'], string>> = {
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  float32: 'float',
  float64: 'double',
  boolean: 'boolean',
  string: 'string',
  bytes: 'bytes',
  array: 'array',
  map: 'map',
  struct: 'struct',
};

export class JsonWriter {
  private readonly schemaTexts: LruCache<Schema, string>;
  /** `{"schema":…,"payload":` in UTF-8, per schema. */
  private readonly envelopePrefixes: LruCache<Schema, Buffer>;
  /** `{"name":` (first) or `,"name":` of each struct field, per struct schema. */
  private readonly fieldPrefixes = new WeakMap<Schema, readonly string[]>();

  constructor(private readonly options: JsonWriterOptions) {
    this.schemaTexts = new LruCache(options.schemaCacheSize);
    this.envelopePrefixes = new LruCache(options.schemaCacheSize);
  }

  /** The JsonConverter envelope `{"schema":…,"payload":…}`. */
  envelope(schema: Schema | null, value: unknown): string {
    return `{"schema":${schema === null ? 'null' : this.schemaText(schema)},"payload":${this.valueText(schema, value)}}`;
  }

  /**
   * The envelope as UTF-8 bytes. The schema part is encoded once per schema (it is most
   * of the bytes): only the payload is encoded per value.
   */
  envelopeBytes(schema: Schema | null, value: unknown): Buffer {
    if (schema === null) return Buffer.from(this.envelope(schema, value), 'utf8');
    let prefix = this.envelopePrefixes.get(schema);
    if (prefix === undefined) {
      prefix = Buffer.from(`{"schema":${this.schemaText(schema)},"payload":`, 'utf8');
      this.envelopePrefixes.set(schema, prefix);
    }
    const payload = this.valueText(schema, value);
    const payloadLength = Buffer.byteLength(payload, 'utf8');
    const bytes = Buffer.allocUnsafe(prefix.length + payloadLength + 1);
    prefix.copy(bytes, 0);
    bytes.write(payload, prefix.length, payloadLength, 'utf8');
    bytes[prefix.length + payloadLength] = 0x7d;
    return bytes;
  }

  /** The JSON schema object of `schema` (cached per Schema object). */
  schemaText(schema: Schema): string {
    const cached = this.schemaTexts.get(schema);
    if (cached !== undefined) return cached;
    let text = `{"type":"${JSON_TYPE_NAMES[schema.type]}"`;
    if (schema.type === 'array') {
      text += `,"items":${this.optionalSchemaText(schema.valueSchema)}`;
    } else if (schema.type === 'map') {
      text += `,"keys":${this.optionalSchemaText(schema.keySchema)},"values":${this.optionalSchemaText(schema.valueSchema)}`;
    } else if (schema.type === 'struct') {
      const fields = schema.fields.map(
        (f) => `${this.schemaText(f.schema).slice(0, -1)},"field":${JSON.stringify(f.name)}}`,
      );
      text += `,"fields":[${fields.join(',')}]`;
    }
    text += `,"optional":${schema.isOptional}`;
    if (schema.name !== null) text += `,"name":${JSON.stringify(schema.name)}`;
    if (schema.version !== null) text += `,"version":${schema.version}`;
    if (schema.doc !== null) text += `,"doc":${JSON.stringify(schema.doc)}`;
    if (schema.parameters !== null) {
      const entries = Object.entries(schema.parameters).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
      text += `,"parameters":{${entries.join(',')}}`;
    }
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      text += `,"default":${this.valueText(schema, schema.defaultValue)}`;
    }
    text += '}';
    this.schemaTexts.set(schema, text);
    return text;
  }

  private optionalSchemaText(schema: Schema | null): string {
    return schema === null ? 'null' : this.schemaText(schema);
  }

  /** The JSON of `value`, written as `schema` says (`null`: schemaless, types inferred). */
  valueText(schema: Schema | null, value: unknown): string {
    if (value === null || value === undefined) {
      if (schema === null) return 'null';
      if (schema.defaultValue !== undefined && schema.defaultValue !== null && this.options.replacesNullWithDefault) {
        return this.valueText(schema, schema.defaultValue);
      }
      if (schema.isOptional) return 'null';
      throw new DataError('Conversion error: null value for field that is required and has no default value');
    }
    if (schema === null) return this.schemalessText(value);
    if (schema.name !== null) {
      const logical = this.logicalText(schema, value);
      if (logical !== undefined) return logical;
    }
    switch (schema.type) {
      case 'int8':
      case 'int16':
      case 'int32':
        if (typeof value === 'number' && Number.isInteger(value)) return String(value);
        return invalid(schema, value);
      case 'int64':
        if (typeof value === 'bigint') return value.toString();
        if (typeof value === 'number' && Number.isInteger(value))
          return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
        return invalid(schema, value);
      case 'float32':
        if (typeof value === 'number') return Number.isFinite(value) ? floatText(value) : `"${floatText(value)}"`;
        return invalid(schema, value);
      case 'float64':
        if (typeof value === 'number') return Number.isFinite(value) ? doubleText(value) : `"${doubleText(value)}"`;
        return invalid(schema, value);
      case 'boolean':
        if (typeof value === 'boolean') return value ? 'true' : 'false';
        return invalid(schema, value);
      case 'string':
        if (typeof value === 'string') return JSON.stringify(value);
        return invalid(schema, value);
      case 'bytes':
        if (value instanceof Uint8Array) return `"${base64(value)}"`;
        return invalid(schema, value);
      case 'array': {
        if (!Array.isArray(value)) return invalid(schema, value);
        const items = schema.valueSchema;
        let text = '[';
        for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + this.valueText(items, value[i]);
        return `${text}]`;
      }
      case 'map':
        return this.mapText(schema, value);
      case 'struct':
        return this.structText(schema, value);
    }
  }

  private logicalText(schema: Schema, value: unknown): string | undefined {
    switch (schema.name) {
      case Decimal.LOGICAL_NAME: {
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
          throw new DataError(`Invalid type for Decimal, expected a decimal string but was ${describe(value)}`);
        }
        const scale = Decimal.scale(schema);
        if (!this.options.isDecimalNumeric && typeof value === 'string') {
          const text = smallDecimalBase64(value, scale);
          if (text !== undefined) return text;
        }
        const unscaled = Decimal.unscaled(value, scale);
        return this.options.isDecimalNumeric
          ? bigDecimalText(unscaled, scale)
          : `"${bigintToBytes(unscaled).toString('base64')}"`;
      }
      case DateType.LOGICAL_NAME:
        return String(DateType.toDays(requireDate(value, 'Date')));
      case Time.LOGICAL_NAME:
        return String(Time.toMillis(requireDate(value, 'Time')));
      case Timestamp.LOGICAL_NAME:
        return String(Timestamp.toMillis(requireDate(value, 'Timestamp')));
      default:
        return undefined;
    }
  }

  private mapText(schema: Schema, value: unknown): string {
    const keySchema = schema.keySchema;
    const valueSchema = schema.valueSchema;
    const entries =
      value instanceof Map ? value.entries() : isPlainObject(value) ? Object.entries(value)[Symbol.iterator]() : null;
    if (entries === null) return invalid(schema, value);
    const isObjectMode = keySchema === null || keySchema.type === 'string';
    let text = '';
    for (const [k, v] of entries) {
      if (text !== '') text += ',';
      if (isObjectMode)
        text += `${JSON.stringify(typeof k === 'string' ? k : String(k))}:${this.valueText(valueSchema, v)}`;
      else text += `[${this.valueText(keySchema, k)},${this.valueText(valueSchema, v)}]`;
    }
    return isObjectMode ? `{${text}}` : `[${text}]`;
  }

  private structText(schema: Schema, value: unknown): string {
    if (!(value instanceof Struct) || (value.schema !== schema && !schemasEqual(value.schema, schema))) {
      throw new DataError('Mismatching schema.');
    }
    let prefixes = this.fieldPrefixes.get(schema);
    if (prefixes === undefined) {
      prefixes = schema.fields.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
      this.fieldPrefixes.set(schema, prefixes);
    }
    const fields = schema.fields;
    if (fields.length === 0) return '{}';
    const usesDefaults = this.options.replacesNullWithDefault;
    let text = '';
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      if (field === undefined) continue;
      const fieldValue = usesDefaults ? value.get(field.name) : value.getWithoutDefault(field.name);
      text += prefixes[i] + this.valueText(field.schema, fieldValue);
    }
    return `${text}}`;
  }

  /** Schemaless data: JSON-like values, `Map`s (array of pairs when a key is not a string) and Structs. */
  private schemalessText(value: unknown): string {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'number':
        if (Number.isInteger(value)) return String(value);
        return Number.isFinite(value) ? doubleText(value) : `"${doubleText(value)}"`;
      case 'bigint':
        return value.toString();
      case 'boolean':
        return value ? 'true' : 'false';
      case 'undefined':
        return 'null';
      default:
        break;
    }
    if (value === null) return 'null';
    if (value instanceof Uint8Array) return `"${base64(value)}"`;
    if (Array.isArray(value)) return `[${value.map((v) => this.schemalessText(v)).join(',')}]`;
    if (value instanceof Map) {
      const entries = [...value.entries()];
      if (entries.every(([k]) => typeof k === 'string')) {
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${this.schemalessText(v)}`).join(',')}}`;
      }
      return `[${entries.map(([k, v]) => `[${this.schemalessText(k)},${this.schemalessText(v)}]`).join(',')}]`;
    }
    if (value instanceof Struct) return this.structText(value.schema, value);
    if (isPlainObject(value)) {
      let text = '';
      for (const key in value) {
        const v = value[key];
        if (v === undefined) continue;
        text += `${text === '' ? '' : ','}${JSON.stringify(key)}:${this.schemalessText(v)}`;
      }
      return `{${text}}`;
    }
    throw new DataError(`${describe(value)} does not have a corresponding schema type`);
  }
}

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const MAX_SMALL_DIGITS = 15;
/** Scratch for `smallDecimalBase64`: at most 7 bytes hold a 15-digit unscaled value. */
const decimalBytes = new Uint8Array(8);

/**
 * `"…"` with the base64 of the unscaled bytes of a plain decimal text (`-`? digits, then
 * `.` and at most `scale` digits) whose unscaled value has at most 15 digits, computed
 * with numbers instead of BigInt; undefined for any other text (the general path decides).
 */
function smallDecimalBase64(text: string, scale: number): string | undefined {
  if (scale < 0 || scale > MAX_SMALL_DIGITS) return undefined;
  const length = text.length;
  const isNegative = text.charCodeAt(0) === 0x2d;
  let i = isNegative ? 1 : 0;
  let unscaled = 0;
  let digits = 0;
  let fractionDigits = -1;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2e && fractionDigits < 0) {
      fractionDigits = 0;
      continue;
    }
    const digit = code - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    unscaled = unscaled * 10 + digit;
    digits++;
    if (fractionDigits >= 0) fractionDigits++;
  }
  const intDigits = fractionDigits < 0 ? digits : digits - fractionDigits;
  if (intDigits === 0 || fractionDigits > scale) return undefined;
  const padding = scale - Math.max(fractionDigits, 0);
  if (digits + padding > MAX_SMALL_DIGITS) return undefined;
  unscaled *= 10 ** padding;
  if (isNegative) unscaled = -unscaled;
  // Minimal big-endian two's complement, as Java's BigInteger.toByteArray.
  let start = decimalBytes.length;
  let rest = unscaled;
  for (;;) {
    const byte = ((rest % 256) + 256) % 256;
    decimalBytes[--start] = byte;
    rest = Math.floor(rest / 256);
    if ((rest === 0 && byte < 0x80) || (rest === -1 && byte >= 0x80)) break;
  }
  let out = '"';
  for (let j = start; j < decimalBytes.length; j += 3) {
    const b0 = decimalBytes[j] as number;
    const hasB1 = j + 1 < decimalBytes.length;
    const hasB2 = j + 2 < decimalBytes.length;
    const b1 = hasB1 ? (decimalBytes[j + 1] as number) : 0;
    const b2 = hasB2 ? (decimalBytes[j + 2] as number) : 0;
    out += BASE64_DIGITS[b0 >> 2];
    out += BASE64_DIGITS[((b0 & 3) << 4) | (b1 >> 4)];
    out += hasB1 ? BASE64_DIGITS[((b1 & 15) << 2) | (b2 >> 6)] : '=';
    out += hasB2 ? BASE64_DIGITS[b2 & 63] : '=';
  }
  return `${out}"`;
}

function invalid(schema: Schema, value: unknown): never {
  throw new DataError(`Invalid type for ${schema.type.toUpperCase()}: ${describe(value)}`);
}

function requireDate(value: unknown, logical: string): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  throw new DataError(`Invalid type for ${logical}, expected Date but was ${describe(value)}`);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `bytes(${value.length})`;
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
