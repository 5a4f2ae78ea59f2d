/**
 * A JSON-like value of a record without a schema, as the Connect value of a table column's
 * schema (from `Dialect.columnMapping`): ISO text or epoch milliseconds for dates and
 * times, numbers or numeric text for numbers and decimals, JSON text for objects and arrays
 * in text columns, base64 text for bytes (as JsonConverter writes bytes).
 */
import { DataError, DateType, Decimal, type Schema, Time, Timestamp } from '@tributary/api';

function bad(field: string, value: unknown, what: string): never {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
  throw new DataError(`Field ${JSON.stringify(field)}: cannot write ${shown} into a ${what} column`, {
    code: 'CONVERSION',
  });
}

function toDate(value: unknown, field: string, what: string): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string') {
    const text = what === 'time' && /^\d{2}:\d{2}/.test(value) ? `1970-01-01T${value}Z` : value;
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  bad(field, value, what);
}

function toNumber(value: unknown, field: string, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  bad(field, value, what);
}

export function coerceSchemaless(value: unknown, schema: Schema, field: string): unknown {
  if (value === null || value === undefined) return null;
  switch (schema.name) {
    case Timestamp.LOGICAL_NAME:
      return toDate(value, field, 'timestamp');
    case DateType.LOGICAL_NAME:
      return toDate(value, field, 'date');
    case Time.LOGICAL_NAME:
      return toDate(value, field, 'time');
    case Decimal.LOGICAL_NAME:
      if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return String(value);
      return bad(field, value, 'decimal');
  }
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64':
      return toNumber(value, field, schema.type);
    case 'int64':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return BigInt(value.trim());
      return toNumber(value, field, 'int64');
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (value === 'true' || value === 'false') return value === 'true';
      return bad(field, value, 'boolean');
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'object' && !(value instanceof Uint8Array))
        return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      return String(value);
    case 'bytes':
      if (value instanceof Uint8Array) return value;
      if (typeof value === 'string') return Buffer.from(value, 'base64');
      return bad(field, value, 'bytes');
    default:
      return value;
  }
}
