// Building blocks of the Connect type mapping shared by the dialects: each returns the
// schema (optional iff the column is nullable) and a reader from the driver's raw value.
import { DataError, DateType, Decimal, type Schema, SchemaBuilder, Time, Timestamp } from '@tributary/api';
import type { ColumnDefinition, ColumnMapping, NumericMapping, PreciseTimestamp } from '../dialect.js';
import { floorMod } from '../precise-timestamp.js';
import { instantOf, parseDateTime, utcSecondsMs, wallClockOf } from '../zoned-time.js';

export type IntegerType = 'int8' | 'int16' | 'int32' | 'int64';

const INT_RANGES: Readonly<Record<IntegerType, readonly [bigint, bigint]>> = {
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

function build(builder: SchemaBuilder, column: ColumnDefinition): Schema {
  if (column.isNullable) builder.optional();
  return builder.build();
}

function mapping(column: ColumnDefinition, schema: Schema, read: (raw: unknown) => unknown): ColumnMapping {
  return {
    column,
    schema,
    read: (raw) => (raw === null || raw === undefined ? null : read(raw)),
  };
}

export function badValue(column: ColumnDefinition, raw: unknown, what: string): DataError {
  const shown =
    typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'bigint' ? String(raw) : typeof raw;
  return new DataError(
    `Column "${column.name}" (${column.declaredType}): cannot read ${shown.slice(0, 80)} as ${what}`,
    { code: 'CONVERSION' },
  );
}

function toBigint(column: ColumnDefinition, raw: unknown, what: string): bigint {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number' && Number.isInteger(raw)) return BigInt(raw);
  if (typeof raw === 'boolean') return raw ? 1n : 0n;
  if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) return BigInt(raw.trim());
  if (typeof raw === 'string' && /^\s*[+-]?\d+\.0*\s*$/.test(raw)) return BigInt(raw.trim().replace(/\.0*$/, ''));
  throw badValue(column, raw, what);
}

export function integerMapping(column: ColumnDefinition, type: IntegerType): ColumnMapping {
  const [min, max] = INT_RANGES[type];
  const minNumber = Number(min);
  const maxNumber = Number(max);
  return mapping(column, build(SchemaBuilder.type(type), column), (raw) => {
    // The common case without a BigInt per value.
    if (type !== 'int64' && typeof raw === 'number' && Number.isInteger(raw)) {
      if (raw < minNumber || raw > maxNumber) throw badValue(column, raw, type);
      return raw === 0 ? 0 : raw;
    }
    const v = toBigint(column, raw, type);
    if (v < min || v > max) throw badValue(column, raw, type);
    return type === 'int64' ? v : Number(v);
  });
}

export function intTypeForPrecision(precision: number): IntegerType {
  if (precision > 9) return 'int64';
  if (precision > 4) return 'int32';
  if (precision > 2) return 'int16';
  return 'int8';
}

export function floatMapping(column: ColumnDefinition, type: 'float32' | 'float64'): ColumnMapping {
  return mapping(column, build(SchemaBuilder.type(type), column), (raw) => {
    if (typeof raw === 'number') return type === 'float32' ? Math.fround(raw) : raw;
    if (typeof raw === 'bigint') return Number(raw);
    if (typeof raw === 'string') {
      const n = Number(raw);
      if (!Number.isNaN(n) || raw.trim().toLowerCase() === 'nan') return type === 'float32' ? Math.fround(n) : n;
    }
    throw badValue(column, raw, type);
  });
}

/** Decimal(scale) with `connect.decimal.precision`; values normalised to exactly `scale` digits. */
export function decimalMapping(column: ColumnDefinition, precision: number | null, scale: number): ColumnMapping {
  const schema = build(Decimal.builder(scale, precision ?? undefined), column);
  return mapping(column, schema, (raw) => {
    if (typeof raw === 'string' && isCanonicalDecimal(raw, scale)) return raw;
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'bigint')
      throw badValue(column, raw, 'a decimal');
    try {
      return Decimal.format(Decimal.unscaled(typeof raw === 'number' ? numberText(raw) : raw, scale), scale);
    } catch (cause) {
      if (typeof raw === 'string' && /^-?\d+\.\d+$/.test(raw.trim()) && precision === null) {
        throw new DataError(
          `Column "${column.name}" (${column.declaredType}) has no declared scale and holds ${raw}; declare it NUMERIC(p,s), cast it in the query, or use numeric.mapping=best_fit`,
          { cause, code: 'CONVERSION' },
        );
      }
      throw new DataError(badValue(column, raw, `Decimal(scale ${scale})`).message, { cause, code: 'CONVERSION' });
    }
  });
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * True if `text` is already what `Decimal.format(Decimal.unscaled(text, scale), scale)`
 * gives: `-`? then `0` or digits without a leading zero, then `.` and exactly `scale`
 * digits (scale > 0), and not a negative zero. Drivers mostly send decimals this way.
 */
function isCanonicalDecimal(text: string, scale: number): boolean {
  if (scale <= 0) return false;
  const length = text.length;
  const start = text.charCodeAt(0) === 0x2d ? 1 : 0;
  const point = length - scale - 1;
  if (point <= start || text.charCodeAt(point) !== 0x2e) return false;
  if (text.charCodeAt(start) === 0x30 && point !== start + 1) return false;
  let isZero = true;
  for (let i = start; i < length; i++) {
    if (i === point) continue;
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return false;
    if (code !== 0x30) isZero = false;
  }
  return !(isZero && start === 1);
}

// A float read from SQLite: its shortest decimal text, not exponent notation.
function numberText(n: number): string {
  const text = String(n);
  return /e/i.test(text) ? n.toFixed(20).replace(/\.?0+$/, '') : text;
}

/**
 * DECIMAL/NUMERIC under `numeric.mapping` (applied to both). `precision` null: the type was
 * declared without precision (PostgreSQL `numeric`), which stays Decimal(0) unless a
 * best_fit mode makes it float64.
 */
export function numericMapping(
  column: ColumnDefinition,
  precision: number | null,
  scale: number | null,
  numericMapping: NumericMapping,
): ColumnMapping {
  const s = scale ?? 0;
  if (precision === null || precision <= 0) {
    if (numericMapping === 'best_fit' || numericMapping === 'best_fit_eager_double')
      return floatMapping(column, 'float64');
    return decimalMapping(column, null, s);
  }
  switch (numericMapping) {
    case 'none':
      return decimalMapping(column, precision, s);
    case 'precision_only':
      return s === 0 && precision <= 18
        ? integerMapping(column, intTypeForPrecision(precision))
        : decimalMapping(column, precision, s);
    case 'best_fit':
      if (precision <= 18 && s >= -84 && s <= 0) return integerMapping(column, intTypeForPrecision(precision));
      if (precision <= 18 && s > 0) return floatMapping(column, 'float64');
      return decimalMapping(column, precision, s);
    case 'best_fit_eager_double':
      if (s > 0) return floatMapping(column, 'float64');
      if (precision <= 18 && s >= -84) return integerMapping(column, intTypeForPrecision(precision));
      return decimalMapping(column, precision, s);
  }
}

export function booleanMapping(column: ColumnDefinition): ColumnMapping {
  return mapping(column, build(SchemaBuilder.bool(), column), (raw) => {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'number' || typeof raw === 'bigint') return raw !== 0 && raw !== 0n;
    if (Buffer.isBuffer(raw)) return raw.some((b) => b !== 0);
    if (typeof raw === 'string') {
      const t = raw.trim().toLowerCase();
      if (['1', 't', 'true', 'y', 'yes', 'on'].includes(t)) return true;
      if (['0', 'f', 'false', 'n', 'no', 'off'].includes(t)) return false;
    }
    throw badValue(column, raw, 'a boolean');
  });
}

export function stringMapping(column: ColumnDefinition): ColumnMapping {
  return mapping(column, build(SchemaBuilder.string(), column), (raw) => {
    if (typeof raw === 'string') return raw;
    if (Buffer.isBuffer(raw)) return raw.toString('utf8');
    if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean') return String(raw);
    if (typeof raw === 'object') return JSON.stringify(raw);
    throw badValue(column, raw, 'a string');
  });
}

export function bytesMapping(column: ColumnDefinition): ColumnMapping {
  return mapping(column, build(SchemaBuilder.bytes(), column), (raw) => {
    if (Buffer.isBuffer(raw)) return raw;
    if (raw instanceof Uint8Array) return Buffer.from(raw);
    if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
    throw badValue(column, raw, 'bytes');
  });
}

const MS_PER_DAY = 86_400_000;

/** DATE: the calendar date as a `Date` at UTC midnight (no time-zone shift: a date has no zone). */
export function dateMapping(column: ColumnDefinition, dbTimezone: string): ColumnMapping {
  const toMs = (raw: unknown): number | null => {
    if (typeof raw === 'string') {
      const parsed = parseDateTime(raw);
      if (parsed === null) return null;
      if (parsed.wall.year === 0 && parsed.wall.month === 0) return Number.NaN;
      return utcSecondsMs({ ...parsed.wall, hour: 0, minute: 0, second: 0, nanos: 0 });
    }
    // SQLite stores dates as epoch milliseconds when not text: the date in db.timezone.
    if (typeof raw === 'number' || typeof raw === 'bigint') return wallDate(Number(raw), dbTimezone);
    return null;
  };
  const base = mapping(column, build(DateType.builder(), column), (raw) => {
    const ms = toMs(raw);
    if (ms === null || !Number.isFinite(ms)) return zeroDate(column, raw, 'a date');
    return new Date(ms);
  });
  return {
    ...base,
    readTimestamp: (raw) => {
      if (raw === null || raw === undefined) return null;
      const ms = toMs(raw);
      if (ms === null || !Number.isFinite(ms)) return zeroDateTimestamp(column, raw);
      return { epochMs: ms, nanos: 0 };
    },
  };
}

function wallDate(epochMs: number, timezone: string): number {
  const wall = wallClockOf({ epochMs, nanos: floorMod(epochMs, 1000) * 1_000_000 }, timezone);
  return utcSecondsMs({ ...wall, hour: 0, minute: 0, second: 0, nanos: 0 });
}

// MySQL's zero dates ('0000-00-00') read as NULL where NULL is allowed.
function zeroDate(column: ColumnDefinition, raw: unknown, what: string): null {
  if (column.isNullable && typeof raw === 'string' && /^0000-00-00/.test(raw)) return null;
  throw badValue(column, raw, what);
}
function zeroDateTimestamp(column: ColumnDefinition, raw: unknown): null {
  return zeroDate(column, raw, 'a timestamp');
}

const TIME = /^(-)?(\d{1,3}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/i;

/** TIME: milliseconds since midnight as a `Date` on 1970-01-01 UTC; `timetz` is normalised to UTC. */
export function timeMapping(column: ColumnDefinition): ColumnMapping {
  return mapping(column, build(Time.builder(), column), (raw) => {
    if (typeof raw !== 'string') throw badValue(column, raw, 'a time of day');
    const m = TIME.exec(raw.trim());
    if (m === null || m[1] !== undefined) throw badValue(column, raw, 'a time of day');
    const fraction = (m[5] ?? '').padEnd(3, '0').slice(0, 3);
    let ms = ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] ?? '0')) * 1000 + Number(fraction);
    if (ms >= MS_PER_DAY) throw badValue(column, raw, 'a time of day (00:00:00 to 23:59:59.999)');
    const offset = m[6];
    if (offset !== undefined) {
      const parsed = parseDateTime(`1970-01-01 00:00:00${offset}`);
      ms = floorMod(ms - (parsed?.offsetSeconds ?? 0) * 1000, MS_PER_DAY);
    }
    return new Date(ms);
  });
}

/**
 * DATETIME/TIMESTAMP(/TZ): a `Date` (ms) for the Connect value, and the precise instant for
 * offsets. Text with an offset is exact; text without is wall clock in `zone` (db.timezone
 * for zone-less types, UTC for values the session already renders in UTC).
 */
export function timestampMapping(column: ColumnDefinition, zone: string): ColumnMapping {
  const precise = (raw: unknown): PreciseTimestamp | null => {
    if (raw instanceof Date) return { epochMs: raw.getTime(), nanos: floorMod(raw.getTime(), 1000) * 1_000_000 };
    if (typeof raw === 'number' || typeof raw === 'bigint') {
      const ms = Number(raw);
      return { epochMs: ms, nanos: floorMod(ms, 1000) * 1_000_000 };
    }
    if (typeof raw !== 'string') throw badValue(column, raw, 'a timestamp');
    if (!isDigit(raw.charCodeAt(0))) {
      const text = raw.trim().toLowerCase();
      if (text === 'infinity' || text === '-infinity')
        throw badValue(column, raw, 'a timestamp (Connect timestamps are finite)');
    }
    const parsed = parseDateTime(raw);
    if (parsed === null || (parsed.wall.year === 0 && parsed.wall.month === 0)) return zeroDateTimestamp(column, raw);
    return instantOf(parsed, zone);
  };
  const base = mapping(column, build(Timestamp.builder(), column), (raw) => {
    const t = precise(raw);
    return t === null ? null : new Date(t.epochMs);
  });
  return {
    ...base,
    readTimestamp: (raw) => (raw === null || raw === undefined ? null : precise(raw)),
  };
}
