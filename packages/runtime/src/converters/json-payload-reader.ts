/**
 * The JsonConverter's fastest path: a payload read straight from the record's bytes, for a
 * schema seen before, without decoding it to a string, `JSON.parse` and the per-schema
 * reader (together about half of the converter's time in the JDBC sink bench).
 *
 * It takes only what Kafka's JsonConverter itself writes for the simple schemas: struct
 * fields in schema order, integers, numbers, booleans, strings without escapes and nulls
 * that need no default, with any JSON whitespace between tokens. Anything else — another
 * field order, a missing or extra field, an escape, a number a double may round, a value
 * out of range, a syntax error — makes it give up (`undefined`) before it has done
 * anything, and the converter reads the record its general way, which decides what the
 * value is or which error to raise. What it returns is what that way returns.
 */
import { LOGICAL_TYPE_NAMES, type Schema, Struct } from '@tributary/api';
import { INT_RANGES } from './json-reader.js';

/** The payload's value, or undefined to read it the general way. `end` is where the payload ends. */
export type PayloadReader = (bytes: Buffer, start: number, end: number) => unknown;

/** What a value parser returns when it gives up. */
const GIVE_UP: unique symbol = Symbol('give up');

/** Parses the value at `cursor.at`, leaving `cursor.at` after it; GIVE_UP (with `at` anywhere) to give up. */
type ValueParser = (bytes: Buffer, cursor: Cursor) => unknown;

interface Cursor {
  at: number;
  end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Integers (and mantissas) of up to this many digits are exact in a double. */
const MAX_DIGITS = 15;
/** 10^0 … 10^22: every one is exact in a double. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Payload readers made so far, per schema (null: the schema has none). */
const readers = new WeakMap<Schema, PayloadReader | null>();

/**
 * The payload reader for `schema`, made once per schema, or null when the schema has a type
 * or logical type this path does not read (bytes, arrays, maps, decimals, dates and times).
 */
export function payloadReaderOf(schema: Schema): PayloadReader | null {
  let reader = readers.get(schema);
  if (reader === undefined) {
    reader = compile(schema);
    readers.set(schema, reader);
  }
  return reader;
}

function compile(schema: Schema): PayloadReader | null {
  const parse = parserOf(schema);
  if (parse === null) return null;
  const cursor: Cursor = { at: 0, end: 0 };
  return (bytes, start, end) => {
    cursor.at = start;
    cursor.end = end;
    skipWhitespace(bytes, cursor);
    const value = parse(bytes, cursor);
    if (value === GIVE_UP) return undefined;
    skipWhitespace(bytes, cursor);
    return cursor.at === end ? value : undefined;
  };
}

function parserOf(schema: Schema): ValueParser | null {
  if (schema.name !== null && LOGICAL_TYPE_NAMES.includes(schema.name)) return null;
  const value = valueParserOf(schema);
  if (value === null) return null;
  // A null needs no default only when the schema has none; otherwise the general way decides.
  const hasDefault = schema.defaultValue !== undefined && schema.defaultValue !== null;
  if (!schema.isOptional || hasDefault) return value;
  return (bytes, cursor) => (bytes[cursor.at] === 0x6e ? nullLiteral(bytes, cursor) : value(bytes, cursor));
}

function valueParserOf(schema: Schema): ValueParser | null {
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32': {
      const limit = INT_RANGES[schema.type];
      return (bytes, cursor) => {
        const n = number(bytes, cursor, true);
        return n !== GIVE_UP && n >= -limit && n < limit ? n : GIVE_UP;
      };
    }
    case 'int64':
      return (bytes, cursor) => number(bytes, cursor, true);
    case 'float32':
    case 'float64':
      return (bytes, cursor) => number(bytes, cursor, false);
    case 'boolean':
      return boolean;
    case 'string':
      return string;
    case 'struct':
      return structParserOf(schema);
    default:
      return null;
  }
}

function structParserOf(schema: Schema): ValueParser | null {
  const fields = schema.fields;
  const parsers: ValueParser[] = [];
  const names: Buffer[] = [];
  for (const field of fields) {
    const parse = parserOf(field.schema);
    if (parse === null) return null;
    parsers.push(parse);
    names.push(Buffer.from(JSON.stringify(field.name), 'utf8'));
  }
  const count = fields.length;
  return (bytes, cursor) => {
    if (bytes[cursor.at] !== OPEN_BRACE) return GIVE_UP;
    cursor.at++;
    const values = new Array<unknown>(count);
    for (let i = 0; i < count; i++) {
      skipWhitespace(bytes, cursor);
      if (!matches(bytes, cursor, names[i] as Buffer)) return GIVE_UP;
      skipWhitespace(bytes, cursor);
      if (bytes[cursor.at] !== COLON) return GIVE_UP;
      cursor.at++;
      skipWhitespace(bytes, cursor);
      const value = (parsers[i] as ValueParser)(bytes, cursor);
      if (value === GIVE_UP) return GIVE_UP;
      values[i] = value;
      skipWhitespace(bytes, cursor);
      if (bytes[cursor.at] !== (i === count - 1 ? CLOSE_BRACE : COMMA)) return GIVE_UP;
      cursor.at++;
    }
    if (count === 0) {
      skipWhitespace(bytes, cursor);
      if (bytes[cursor.at] !== CLOSE_BRACE) return GIVE_UP;
      cursor.at++;
    }
    return new Struct(schema, values);
  };
}

function skipWhitespace(bytes: Buffer, cursor: Cursor): void {
  let c = bytes[cursor.at];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++cursor.at];
}

function matches(bytes: Buffer, cursor: Cursor, expected: Buffer): boolean {
  const at = cursor.at;
  if (at + expected.length > cursor.end) return false;
  for (let k = 0; k < expected.length; k++) if (bytes[at + k] !== expected[k]) return false;
  cursor.at = at + expected.length;
  return true;
}

function nullLiteral(bytes: Buffer, cursor: Cursor): null | typeof GIVE_UP {
  const at = cursor.at;
  if (at + 4 > cursor.end || bytes[at + 1] !== 0x75 || bytes[at + 2] !== 0x6c || bytes[at + 3] !== 0x6c) return GIVE_UP;
  cursor.at = at + 4;
  return null;
}

function boolean(bytes: Buffer, cursor: Cursor): boolean | typeof GIVE_UP {
  const at = cursor.at;
  if (bytes[at] === 0x74) {
    if (at + 4 > cursor.end || bytes[at + 1] !== 0x72 || bytes[at + 2] !== 0x75 || bytes[at + 3] !== 0x65)
      return GIVE_UP;
    cursor.at = at + 4;
    return true;
  }
  if (bytes[at] === 0x66) {
    if (
      at + 5 > cursor.end ||
      bytes[at + 1] !== 0x61 ||
      bytes[at + 2] !== 0x6c ||
      bytes[at + 3] !== 0x73 ||
      bytes[at + 4] !== 0x65
    )
      return GIVE_UP;
    cursor.at = at + 5;
    return false;
  }
  return GIVE_UP;
}

/** A string without escapes or control characters, decoded as the general way decodes it (UTF-8). */
function string(bytes: Buffer, cursor: Cursor): string | typeof GIVE_UP {
  const start = cursor.at + 1;
  if (bytes[cursor.at] !== QUOTE) return GIVE_UP;
  let isAscii = true;
  let i = start;
  for (;;) {
    if (i >= cursor.end) return GIVE_UP;
    const c = bytes[i] as number;
    if (c === QUOTE) break;
    if (c === BACKSLASH || c < 0x20) return GIVE_UP;
    if (c >= 0x80) isAscii = false;
    i++;
  }
  cursor.at = i + 1;
  return bytes.toString(isAscii ? 'latin1' : 'utf8', start, i);
}

/**
 * A JSON number that a double holds as `JSON.parse` would read it: at most MAX_DIGITS
 * significant digits and a decimal exponent within ±22, so that one multiplication or
 * division by an exact power of ten rounds it correctly. `isInteger`: no fraction or
 * exponent (an integer schema takes anything else the general way).
 */
function number(bytes: Buffer, cursor: Cursor, isInteger: boolean): number | typeof GIVE_UP {
  let i = cursor.at;
  const end = cursor.end;
  const isNegative = bytes[i] === MINUS;
  if (isNegative) i++;
  let c = bytes[i] as number;
  let mantissa = 0;
  let digits = 0;
  if (c === ZERO) {
    c = bytes[++i] as number;
    if (c >= ZERO && c <= NINE) return GIVE_UP; // A leading zero.
  } else if (c > ZERO && c <= NINE) {
    while (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      c = bytes[++i] as number;
    }
  } else {
    return GIVE_UP;
  }
  let exponent = 0;
  if (c === DOT) {
    if (isInteger) return GIVE_UP;
    c = bytes[++i] as number;
    const fractionStart = i;
    while (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      if (mantissa !== 0) digits++;
      exponent--;
      c = bytes[++i] as number;
    }
    if (i === fractionStart) return GIVE_UP;
  }
  if (c === 0x65 || c === 0x45) {
    if (isInteger) return GIVE_UP;
    c = bytes[++i] as number;
    const isNegativeExponent = c === MINUS;
    if (c === MINUS || c === PLUS) c = bytes[++i] as number;
    const exponentStart = i;
    let e = 0;
    while (c >= ZERO && c <= NINE) {
      e = e * 10 + (c - ZERO);
      if (i - exponentStart > 3) return GIVE_UP;
      c = bytes[++i] as number;
    }
    if (i === exponentStart) return GIVE_UP;
    exponent += isNegativeExponent ? -e : e;
  }
  if (i > end || digits > MAX_DIGITS || exponent < -22 || exponent > 22) return GIVE_UP;
  cursor.at = i;
  const magnitude =
    exponent === 0
      ? mantissa
      : exponent > 0
        ? mantissa * (POWERS_OF_TEN[exponent] as number)
        : mantissa / (POWERS_OF_TEN[-exponent] as number);
  return isNegative ? -magnitude : magnitude;
}
