import { DataError } from '../errors.js';
import { DateType, Decimal, Time, Timestamp } from './logical.js';
import type { Schema } from './schema.js';
import { Struct } from './struct.js';

/** A schema (or `null` for schemaless data) with a value that fits it. */
export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}

const INT_RANGES = {
  int8: [-128, 127],
  int16: [-32_768, 32_767],
  int32: [-2_147_483_648, 2_147_483_647],
} as const;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Throws DataError, naming `path` (the field), when `value` does not fit `schema` as the
 * table in `schema.ts` describes. `null`/`undefined` fit an optional schema or one with a
 * default.
 */
export function validateValue(schema: Schema, value: unknown, path = ''): void {
  // Runs for every value put into a Struct: nothing is allocated unless a check fails.
  if (value === null || value === undefined) {
    if (schema.isOptional || schema.defaultValue !== undefined) return;
    throw new DataError(
      `Invalid value: null used for required field: "${path}", schema type: ${schema.type.toUpperCase()}`,
    );
  }
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint')
        invalid(schema, value, path, 'a decimal string');
      Decimal.unscaled(value as string, Decimal.scale(schema));
      return;
    case DateType.LOGICAL_NAME:
    case Time.LOGICAL_NAME:
    case Timestamp.LOGICAL_NAME:
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) invalid(schema, value, path, 'a valid Date');
      return;
    default:
      break;
  }
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32': {
      const [min, max] = INT_RANGES[schema.type];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
        invalid(schema, value, path, `an integer in [${min}, ${max}]`);
      return;
    }
    case 'int64':
      if (typeof value === 'bigint') {
        if (value < INT64_MIN || value > INT64_MAX) invalid(schema, value, path, 'a 64-bit integer');
      } else if (typeof value !== 'number' || !Number.isInteger(value))
        invalid(schema, value, path, 'a bigint or an integer number');
      return;
    case 'float32':
    case 'float64':
      if (typeof value !== 'number') invalid(schema, value, path, 'a number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') invalid(schema, value, path, 'a boolean');
      return;
    case 'string':
      if (typeof value !== 'string') invalid(schema, value, path, 'a string');
      return;
    case 'bytes':
      if (!(value instanceof Uint8Array)) invalid(schema, value, path, 'a Uint8Array or Buffer');
      return;
    case 'array': {
      if (!Array.isArray(value)) invalid(schema, value, path, 'an array');
      const items = schema.valueSchema;
      if (items !== null)
        for (const [i, item] of (value as unknown[]).entries()) validateValue(items, item, `${path}[${i}]`);
      return;
    }
    case 'map': {
      if (!(value instanceof Map)) invalid(schema, value, path, 'a Map');
      for (const [k, v] of value as Map<unknown, unknown>) {
        if (schema.keySchema !== null) validateValue(schema.keySchema, k, `${path}.<key>`);
        if (schema.valueSchema !== null) validateValue(schema.valueSchema, v, `${path}[${String(k)}]`);
      }
      return;
    }
    case 'struct': {
      if (!(value instanceof Struct)) invalid(schema, value, path, 'a Struct');
      const struct = value as Struct;
      if (struct.schema !== schema && struct.schema.fields.length !== schema.fields.length) {
        throw new DataError(`Struct schemas do not match${path === '' ? '' : ` for field "${path}"`}`);
      }
      for (const field of schema.fields) {
        validateValue(
          field.schema,
          struct.getWithoutDefault(field.name),
          path === '' ? field.name : `${path}.${field.name}`,
        );
      }
      return;
    }
  }
}

function invalid(schema: Schema, value: unknown, path: string, expected: string): never {
  const where = path === '' ? '' : ` for field "${path}"`;
  throw new DataError(
    `Invalid Java object for schema "${schema.name ?? schema.type.toUpperCase()}" with type ${schema.type.toUpperCase()}: ${describe(value)}${where}; expected ${expected}`,
  );
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `bytes(${value.length})`;
  if (value instanceof Map) return 'Map';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}
