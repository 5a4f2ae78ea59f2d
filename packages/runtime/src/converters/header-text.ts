/**
 * Header values as text and back, as Kafka's `Values.convertToString` and
 * `Values.parseString` do for SimpleHeaderConverter.
 *
 * Writing: strings as they are; numbers, booleans and decimals as their text; bytes as
 * base64; dates as `yyyy-MM-dd`, times as `HH:mm:ss.SSSZ`, timestamps as
 * `yyyy-MM-ddTHH:mm:ss.SSSZ` (UTC); arrays `[a,b]`, maps and structs `{"k":v}` with
 * strings quoted inside them.
 *
 * Reading infers a schema: `true`/`false` → boolean; whole numbers → the smallest of
 * int8/16/32/64 that holds them (`1.0` is int8 1, as in Kafka); other numbers → float64;
 * beyond int64 → Decimal; the three date forms → Date/Time/Timestamp; `[…]` and `{…}` →
 * arrays and maps with a common element schema (numbers widen; none when the kinds
 * differ); anything else → the string itself.
 */
import {
  DataError,
  DateType,
  Decimal,
  type Schema,
  SchemaBuilder,
  Schemas,
  Struct,
  Time,
  Timestamp,
} from '@tributary/api';
import { describe, isPlainObject } from './json-writer.js';
import { doubleText, floatText } from './number-text.js';

const MS_PER_DAY = 86_400_000;

/** The header text of `value` (not `null`). */
export function headerText(schema: Schema | null, value: unknown): string {
  if (typeof value === 'string') return value;
  let text = '';
  const append = (v: unknown, s: Schema | null, isEmbedded: boolean): void => {
    if (v === null || v === undefined) {
      text += 'null';
    } else if (typeof v === 'string') {
      text += isEmbedded ? `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : v;
    } else if (typeof v === 'number') {
      text +=
        s?.type === 'float32'
          ? floatText(v)
          : s?.type === 'float64' || !Number.isInteger(v)
            ? doubleText(v)
            : String(v);
    } else if (typeof v === 'bigint' || typeof v === 'boolean') {
      text += String(v);
    } else if (v instanceof Uint8Array) {
      const encoded = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      text += isEmbedded ? `"${encoded}"` : encoded;
    } else if (v instanceof Date) {
      text += dateText(v);
    } else if (Array.isArray(v)) {
      text += '[';
      v.forEach((item, i) => {
        if (i > 0) text += ',';
        append(item, s?.valueSchema ?? null, true);
      });
      text += ']';
    } else if (v instanceof Map || isPlainObject(v)) {
      text += '{';
      let isFirst = true;
      for (const [k, item] of v instanceof Map ? v.entries() : Object.entries(v)) {
        if (!isFirst) text += ',';
        isFirst = false;
        append(k, s?.keySchema ?? null, true);
        text += ':';
        append(item, s?.valueSchema ?? null, true);
      }
      text += '}';
    } else if (v instanceof Struct) {
      text += '{';
      v.schema.fields.forEach((field, i) => {
        if (i > 0) text += ',';
        append(field.name, null, true);
        text += ':';
        append(v.get(field.name), field.schema, true);
      });
      text += '}';
    } else {
      throw new DataError(`Failed to serialize unexpected value type ${describe(v)}`);
    }
  };
  append(value, schema, false);
  return text;
}

function dateText(value: Date): string {
  const ms = value.getTime();
  const iso = value.toISOString();
  if (ms >= 0 && ms < MS_PER_DAY) return iso.slice(11);
  if (ms % MS_PER_DAY === 0) return iso.slice(0, 10);
  return iso;
}

export interface InferredValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}

const NULL_VALUE: InferredValue = Object.freeze({ schema: null, value: null });
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const TIME_TEXT = /^\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const NUMBER_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The schema and value `text` stands for (see the file comment). */
export function parseHeaderText(text: string): InferredValue {
  if (text === '') return { schema: Schemas.STRING, value: '' };
  const trimmed = text.trim();
  if (trimmed === '') return { schema: Schemas.STRING, value: text };
  if (trimmed === 'null') return NULL_VALUE;
  if (trimmed === 'true') return { schema: Schemas.BOOLEAN, value: true };
  if (trimmed === 'false') return { schema: Schemas.BOOLEAN, value: false };
  const first = trimmed[0];
  if (first === '[' || first === '{') {
    try {
      const parser = new EmbeddedParser(trimmed);
      const result = parser.value();
      if (parser.isAtEnd()) return result;
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
    }
    return { schema: Schemas.STRING, value: text };
  }
  return temporalOf(trimmed) ?? numberOf(trimmed) ?? { schema: Schemas.STRING, value: text };
}

function temporalOf(token: string): InferredValue | undefined {
  if (DATE_TEXT.test(token)) return validDate(DateType.schema(), `${token}T00:00:00.000Z`);
  if (TIME_TEXT.test(token)) return validDate(Time.schema(), `1970-01-01T${token}`);
  if (TIMESTAMP_TEXT.test(token)) return validDate(Timestamp.schema(), token);
  return undefined;
}

function validDate(schema: Schema, iso: string): InferredValue | undefined {
  const value = new Date(iso);
  return Number.isNaN(value.getTime()) ? undefined : { schema, value };
}

function numberOf(token: string): InferredValue | undefined {
  const m = NUMBER_TEXT.exec(token);
  if (m === null) return undefined;
  const intDigits = m[2] ?? '';
  const fracDigits = m[3] ?? '';
  if (intDigits === '' && fracDigits === '') return undefined;
  if (token[0] === '.' || (intDigits === '' && m[1] === '')) return undefined;
  const exponent = Number(m[4] ?? '0');
  if (!Number.isSafeInteger(exponent)) return undefined;
  const digits = (intDigits + fracDigits).replace(/^0+/, '');
  const scale = fracDigits.length - exponent;
  const sign = m[1] === '-' ? -1n : 1n;
  const magnitudeDigits = digits.length - scale; // digits before the point
  if (digits === '') return { schema: Schemas.INT8, value: 0 };
  // Whole numbers: no fraction digits left after the scale, and at most 20 digits (int64 has 19).
  if (magnitudeDigits <= 20 && scale < digits.length) {
    const unscaled = sign * BigInt(digits);
    const whole =
      scale <= 0
        ? unscaled * 10n ** BigInt(-scale)
        : unscaled % 10n ** BigInt(scale) === 0n
          ? unscaled / 10n ** BigInt(scale)
          : null;
    if (whole !== null && whole >= INT64_MIN && whole <= INT64_MAX) return integerOf(whole);
  }
  const double = Number(token);
  if (scale !== 0 && Number.isFinite(double)) return { schema: Schemas.FLOAT64, value: double };
  if (Math.abs(scale) > 10_000) return undefined;
  return { schema: Decimal.schema(scale), value: Decimal.format(sign * BigInt(digits), scale) };
}

function integerOf(whole: bigint): InferredValue {
  if (whole >= -128n && whole <= 127n) return { schema: Schemas.INT8, value: Number(whole) };
  if (whole >= -32_768n && whole <= 32_767n) return { schema: Schemas.INT16, value: Number(whole) };
  if (whole >= -2_147_483_648n && whole <= 2_147_483_647n) return { schema: Schemas.INT32, value: Number(whole) };
  const isSafe = whole >= BigInt(Number.MIN_SAFE_INTEGER) && whole <= BigInt(Number.MAX_SAFE_INTEGER);
  return { schema: Schemas.INT64, value: isSafe ? Number(whole) : whole };
}

const NUMERIC_RANK: Readonly<Partial<Record<Schema['type'], number>>> = {
  int8: 1,
  int16: 2,
  int32: 3,
  int64: 4,
  float32: 5,
  float64: 6,
};

/** Kafka's SchemaMerger: a schema for every value seen, or `null` once none fits them all. */
class SchemaMerger {
  private common: Schema | null = null;
  private isCompatible = true;

  merge(item: InferredValue): void {
    if (item.schema === null || !this.isCompatible) return;
    if (this.common === null) {
      this.common = item.schema;
      return;
    }
    this.common = mergeSchemas(this.common, item.schema);
    this.isCompatible = this.common !== null;
  }

  get schema(): Schema | null {
    return this.isCompatible ? this.common : null;
  }
}

function mergeSchemas(previous: Schema, next: Schema): Schema | null {
  if (previous.type === next.type) return previous.name === next.name ? previous : null;
  if (previous.name !== null || next.name !== null) return null;
  const a = NUMERIC_RANK[previous.type];
  const b = NUMERIC_RANK[next.type];
  if (a === undefined || b === undefined) return null;
  return a >= b ? previous : next;
}

/** Values as the common schema wants them (bigints become doubles in a float array). */
function aligned(schema: Schema | null, value: unknown): unknown {
  if (typeof value === 'bigint' && (schema?.type === 'float32' || schema?.type === 'float64')) return Number(value);
  return value;
}

/** Arrays and maps inside a header value; elements are "embedded" values. */
class EmbeddedParser {
  private at = 0;

  constructor(private readonly text: string) {}

  isAtEnd(): boolean {
    this.skipWhitespace();
    return this.at >= this.text.length;
  }

  value(): InferredValue {
    this.skipWhitespace();
    const c = this.text[this.at];
    if (c === '[') return this.array();
    if (c === '{') return this.map();
    if (c === '"') {
      const content = this.quoted();
      return temporalOf(content) ?? { schema: Schemas.STRING, value: content };
    }
    const token = this.token();
    if (token === 'null') return NULL_VALUE;
    if (token === 'true') return { schema: Schemas.BOOLEAN, value: true };
    if (token === 'false') return { schema: Schemas.BOOLEAN, value: false };
    const parsed = token === '' ? undefined : (temporalOf(token) ?? numberOf(token));
    if (parsed === undefined) throw new DataError('Failed to parse embedded value');
    return parsed;
  }

  private array(): InferredValue {
    this.at++;
    const items: InferredValue[] = [];
    const merger = new SchemaMerger();
    this.skipWhitespace();
    if (this.text[this.at] === ']') {
      this.at++;
      return { schema: new SchemaBuilder('array', null, null).build(), value: [] };
    }
    for (;;) {
      const item = this.value();
      items.push(item);
      merger.merge(item);
      this.skipWhitespace();
      const c = this.text[this.at++];
      if (c === ']') break;
      if (c !== ',') throw new DataError("Array elements missing ',' delimiter");
    }
    const common = merger.schema;
    const schema = new SchemaBuilder('array', null, common).build();
    return { schema, value: items.map((item) => aligned(common, item.value)) };
  }

  private map(): InferredValue {
    this.at++;
    const keys = new SchemaMerger();
    const values = new SchemaMerger();
    const entries: [InferredValue, InferredValue][] = [];
    this.skipWhitespace();
    if (this.text[this.at] === '}') {
      this.at++;
    } else {
      for (;;) {
        const key = this.value();
        if (key.value === null) throw new DataError('Map entry may not have a null key');
        this.skipWhitespace();
        if (this.text[this.at++] !== ':') throw new DataError("Map entry is missing ':'");
        const value = this.value();
        entries.push([key, value]);
        keys.merge(key);
        values.merge(value);
        this.skipWhitespace();
        const c = this.text[this.at++];
        if (c === '}') break;
        if (c !== ',') throw new DataError("Map entries missing ',' delimiter");
      }
    }
    const keySchema = keys.schema;
    const valueSchema = keySchema === null ? null : values.schema;
    const schema = new SchemaBuilder('map', keySchema, valueSchema).build();
    return {
      schema,
      value: new Map(entries.map(([k, v]) => [aligned(keySchema, k.value), aligned(valueSchema, v.value)])),
    };
  }

  private quoted(): string {
    this.at++;
    let out = '';
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined) throw new DataError('Unterminated string');
      if (c === '"') return out;
      if (c === '\\') {
        const next = this.text[this.at++];
        if (next === undefined) throw new DataError('Unterminated string');
        out += next;
      } else {
        out += c;
      }
    }
  }

  /** An unquoted token: up to a delimiter, except the colons of a time or timestamp. */
  private token(): string {
    const rest = this.text.slice(this.at);
    const temporal = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z|\d{2}:\d{2}:\d{2}\.\d{3}Z)/.exec(rest);
    if (temporal?.[0] !== undefined) {
      this.at += temporal[0].length;
      return temporal[0];
    }
    const end = rest.search(/[,:[\]{}"]/);
    const token = end < 0 ? rest : rest.slice(0, end);
    this.at += token.length;
    return token.trim();
  }

  private skipWhitespace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at] ?? '')) this.at++;
  }
}
