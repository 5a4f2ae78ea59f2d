// Wall-clock ↔ instant conversions in an IANA time zone, with nanosecond fractions, using
// only Intl (no tz database of our own). Years outside 0001..9999 and BC dates are handled
// because PostgreSQL produces them.
import { ConfigError } from '@tributary/api';
import type { PreciseTimestamp } from './dialect.js';
import { floorMod, preciseTimestampFromSeconds } from './precise-timestamp.js';

export interface WallClock {
  /** Astronomical year: 1 BC is 0. */
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly nanos: number;
}

export interface ParsedDateTime {
  readonly wall: WallClock;
  /** Offset from UTC in seconds when the text carried one (`Z`, `+02`, `-05:30`), else null. */
  readonly offsetSeconds: number | null;
  readonly hasTime: boolean;
}

const DATE_TIME =
  /^(\d{4,})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?( BC)?$/i;

/** Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.fffffffff]]][Z|±HH[:MM[:SS]]][ BC]`; null if it is not that. */
export function parseDateTime(text: string): ParsedDateTime | null {
  const fixed = parseFixedDateTime(text);
  if (fixed !== undefined) return fixed;
  const m = DATE_TIME.exec(text.trim());
  if (m === null) return null;
  const yearText = Number(m[1]);
  const isBc = m[9] !== undefined;
  const fraction = m[7] ?? '';
  const wall: WallClock = {
    year: isBc ? 1 - yearText : yearText,
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? '0'),
    minute: Number(m[5] ?? '0'),
    second: Number(m[6] ?? '0'),
    nanos: fraction === '' ? 0 : Number(fraction.padEnd(9, '0')),
  };
  return { wall, offsetSeconds: parseOffset(m[8]), hasTime: m[4] !== undefined };
}

/**
 * The layout drivers produce, `YYYY-MM-DD HH:MM:SS[.f…]` (or `T`), read without a regular
 * expression (one per row adds up); undefined for any other text.
 */
function parseFixedDateTime(text: string): ParsedDateTime | undefined {
  const length = text.length;
  if (length < 19 || length === 20 || length > 29) return undefined;
  const separator = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== 0x2d ||
    text.charCodeAt(7) !== 0x2d ||
    (separator !== 0x20 && separator !== 0x54) ||
    text.charCodeAt(13) !== 0x3a ||
    text.charCodeAt(16) !== 0x3a ||
    (length > 19 && text.charCodeAt(19) !== 0x2e)
  )
    return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  const hour = digitsAt(text, 11, 13);
  const minute = digitsAt(text, 14, 16);
  const second = digitsAt(text, 17, 19);
  const fraction = length > 19 ? digitsAt(text, 20, length) : 0;
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || fraction < 0) return undefined;
  const nanos = length > 19 ? fraction * 10 ** (29 - length) : 0;
  return { wall: { year, month, day, hour, minute, second, nanos }, offsetSeconds: null, hasTime: true };
}

/** The decimal digits text[start, end) as a number; -1 if one is not a digit. */
function digitsAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function parseOffset(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (text.toUpperCase() === 'Z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replaceAll(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || '0');
  const seconds = Number(digits.slice(4, 6) || '0');
  return sign * (hours * 3600 + minutes * 60 + seconds);
}

/** Milliseconds since the epoch of the wall clock read as UTC, whole seconds (nanos ignored). */
export function utcSecondsMs(wall: WallClock): number {
  // Date.UTC reads years 0..99 as 1900..1999: only for the others, without a Date per call.
  if (wall.year >= 100 && wall.year <= 9999)
    return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, 0);
  const d = new Date(0);
  d.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  d.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  return d.getTime();
}

/** The instant of a parsed date-time: its own offset if it has one, else wall clock in `timezone`. */
export function instantOf(parsed: ParsedDateTime, timezone: string): PreciseTimestamp {
  const local = utcSecondsMs(parsed.wall);
  const seconds =
    parsed.offsetSeconds === null ? local - zoneOffsetMsAt(local, timezone) : local - parsed.offsetSeconds * 1000;
  return preciseTimestampFromSeconds(seconds, parsed.wall.nanos);
}

// The offset for a local wall time: try the offset at the same instant read as UTC, then
// correct once with the offset at the resulting instant (enough for DST transitions).
function zoneOffsetMsAt(localMs: number, timezone: string): number {
  if (isUtc(timezone)) return 0;
  const first = offsetMsOfInstant(localMs, timezone);
  const second = offsetMsOfInstant(localMs - first, timezone);
  return first === second ? first : offsetMsOfInstant(localMs - second, timezone) === second ? second : first;
}

/** The wall clock in `timezone` at `epochMs` + `nanos` of that second. */
export function wallClockOf(value: PreciseTimestamp, timezone: string): WallClock {
  const secondsMs = value.epochMs - floorMod(value.epochMs, 1000);
  const d = new Date(secondsMs + (isUtc(timezone) ? 0 : offsetMsOfInstant(secondsMs, timezone)));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nanos: value.nanos,
  };
}

/** `YYYY-MM-DD HH:MM:SS[.f…]` with `fractionDigits` (0..9) digits, truncated. */
export function formatWallClock(wall: WallClock, fractionDigits: number): string {
  const year = wall.year < 0 ? `-${pad(-wall.year, 4)}` : pad(wall.year, 4);
  const base = `${year}-${pad(wall.month, 2)}-${pad(wall.day, 2)} ${pad(wall.hour, 2)}:${pad(wall.minute, 2)}:${pad(wall.second, 2)}`;
  return fractionDigits <= 0 ? base : `${base}.${pad(wall.nanos, 9).slice(0, fractionDigits)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isUtc(timezone: string): boolean {
  return timezone === 'UTC' || timezone === 'Etc/UTC' || timezone === 'GMT' || timezone === 'Z';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

// Intl is slow (a few µs per call), and rows often carry many timestamps: offsets are cached
// per 15-minute span of time in which the offset does not change (checked at both ends;
// zones change offset at most once in such a span).
const SPAN_MS = 15 * 60_000;
const MAX_CACHED_SPANS = 100_000;
const offsetCache = new Map<string, Map<number, number | null>>();

/** Offset of `timezone` from UTC at the instant `epochMs` (whole seconds), in ms. */
export function offsetMsOfInstant(epochMs: number, timezone: string): number {
  let spans = offsetCache.get(timezone);
  if (spans === undefined) {
    spans = new Map();
    offsetCache.set(timezone, spans);
  }
  const span = Math.floor(epochMs / SPAN_MS);
  let offset = spans.get(span);
  if (offset === undefined) {
    const atStart = computeOffsetMs(span * SPAN_MS, timezone);
    offset = atStart === computeOffsetMs((span + 1) * SPAN_MS - 1000, timezone) ? atStart : null;
    if (spans.size >= MAX_CACHED_SPANS) spans.clear();
    spans.set(span, offset);
  }
  return offset ?? computeOffsetMs(epochMs, timezone);
}

function computeOffsetMs(epochMs: number, timezone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timezone).formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  const yearOfEra = Number(parts['year']);
  const year = parts['era'] === 'BC' || parts['era'] === 'B' ? 1 - yearOfEra : yearOfEra;
  const local = utcSecondsMs({
    year,
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    second: Number(parts['second']),
    nanos: 0,
  });
  return local - (epochMs - floorMod(epochMs, 1000));
}

/** ConfigError naming `db.timezone` unless `timezone` is a zone Intl knows. */
export function checkTimezone(timezone: string, key = 'db.timezone'): void {
  try {
    formatterFor(timezone);
  } catch (cause) {
    throw new ConfigError(
      [
        {
          key,
          value: timezone,
          message: `"${timezone}" is not a known time zone (use an IANA name such as UTC or Europe/Paris)`,
        },
      ],
      { cause },
    );
  }
}
