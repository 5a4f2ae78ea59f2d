/**
 * Java `SimpleDateFormat` patterns, always in UTC, as TimestampConverter and
 * TimestampRouter use them. Millisecond precision, as in Kafka.
 *
 * Supported letters: G y M L D d E u a H k K h m s S z Z X, `'quoted text'` (`''` is a
 * quote) and any other non-letter character as itself. Y, w, W and F (week-based fields)
 * are rejected when the pattern is compiled, as is any other letter.
 *
 * Formatting follows Java: numbers are zero-padded to the letter count (`yy` keeps the last
 * two digits of the year; `S` is the millisecond count, so `S` prints `5` and `SSS` `005`),
 * `MMM` / `MMMM` and `E` / `EEEE` are English names, and the zone letters print UTC
 * (`z` → `UTC`, `Z` → `+0000`, `X`/`XX`/`XXX` → `Z`).
 *
 * Parsing follows Java where Java is useful and refuses where it would silently produce a
 * wrong time: numbers take as many digits as are there, except directly before another
 * number field, where they take exactly the letter count (`yyyyMMdd`); `yy` with two digits
 * lands within 80 years before and 20 after `nowMs`; zones accept `Z`, `±hh`, `±hhmm`,
 * `±hh:mm`, `UTC`/`GMT`/`UT` with an optional offset; text after the pattern is ignored, as
 * Java's `DateFormat.parse` does. Unlike Java's lenient default, values out of range (month
 * 13, second 61, `SSS` given 123456) are an error rather than rolled over.
 */

export interface DateFormat {
  readonly pattern: string;
  format(date: Date): string;
  /** The instant `text` denotes; throws an Error saying why when it does not match. */
  parse(text: string): Date;
}

type Token =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number };

const SUPPORTED = new Set('GyMLDdEuaHkKhmsSzZX');
const JAVA_ONLY = new Set('YwWF');
const NUMERIC = new Set('yDduHkKhmsS');
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MS_PER_DAY = 86_400_000;

/** Compiles `pattern`; throws an Error naming the problem (unknown letter, open quote). */
export function compileDateFormat(pattern: string, options: { readonly nowMs?: number } = {}): DateFormat {
  const tokens = tokenize(pattern);
  const nowMs = options.nowMs ?? Date.now();
  return {
    pattern,
    format: (date) =>
      tokens.map((t) => (t.kind === 'literal' ? t.text : formatField(t.letter, t.count, date))).join(''),
    parse: (text) => parseWith(tokens, text, nowMs),
  };
}

/** The reason `pattern` cannot be compiled, or `undefined`; for config validators. */
export function dateFormatProblem(pattern: string): string | undefined {
  try {
    tokenize(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const literal = (text: string) => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'literal') tokens[tokens.length - 1] = { kind: 'literal', text: last.text + text };
    else tokens.push({ kind: 'literal', text });
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === "'") {
      if (pattern.charAt(i + 1) === "'") {
        literal("'");
        i += 2;
        continue;
      }
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new Error(`Unterminated quote in date pattern "${pattern}"`);
        if (pattern.charAt(j) === "'") {
          if (pattern.charAt(j + 1) !== "'") break;
          text += "'";
          j += 2;
        } else {
          text += pattern.charAt(j);
          j += 1;
        }
      }
      literal(text);
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern.charAt(j) === c) j++;
      if (JAVA_ONLY.has(c))
        throw new Error(`Pattern letter '${c}' (week-based) is not supported in date pattern "${pattern}"`);
      if (!SUPPORTED.has(c)) throw new Error(`Illegal pattern character '${c}' in date pattern "${pattern}"`);
      if (c === 'X' && j - i > 3)
        throw new Error(`Invalid ISO 8601 zone 'X' length ${j - i} in date pattern "${pattern}"`);
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
    } else {
      literal(c);
      i += 1;
    }
  }
  return tokens;
}

function pad(n: number, count: number): string {
  return String(n).padStart(count, '0');
}

function formatField(letter: string, count: number, date: Date): string {
  const year = date.getUTCFullYear();
  const hours = date.getUTCHours();
  switch (letter) {
    case 'G':
      return year > 0 ? 'AD' : 'BC';
    case 'y': {
      const eraYear = year > 0 ? year : 1 - year;
      return count === 2 ? pad(eraYear % 100, 2) : pad(eraYear, count);
    }
    case 'M':
    case 'L': {
      const month = date.getUTCMonth();
      const name = MONTHS[month] ?? '';
      if (count >= 4) return name;
      if (count === 3) return name.slice(0, 3);
      return pad(month + 1, count);
    }
    case 'D':
      return pad(Math.floor((date.getTime() - utcMs(year, 1, 1)) / MS_PER_DAY) + 1, count);
    case 'd':
      return pad(date.getUTCDate(), count);
    case 'E': {
      const name = DAYS[date.getUTCDay()] ?? '';
      return count >= 4 ? name : name.slice(0, 3);
    }
    case 'u':
      return pad(date.getUTCDay() === 0 ? 7 : date.getUTCDay(), count);
    case 'a':
      return hours < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(hours, count);
    case 'k':
      return pad(hours === 0 ? 24 : hours, count);
    case 'K':
      return pad(hours % 12, count);
    case 'h':
      return pad(hours % 12 === 0 ? 12 : hours % 12, count);
    case 'm':
      return pad(date.getUTCMinutes(), count);
    case 's':
      return pad(date.getUTCSeconds(), count);
    case 'S':
      return pad(date.getUTCMilliseconds(), count);
    case 'z':
      return count >= 4 ? 'Coordinated Universal Time' : 'UTC';
    case 'Z':
      return '+0000';
    default:
      return 'Z';
  }
}

/** Epoch milliseconds of a UTC calendar date, years below 100 included. */
function utcMs(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return (utcMs(year, month + 1, 1) - utcMs(year, month, 1)) / MS_PER_DAY;
}

interface Parsed {
  era?: 'AD' | 'BC';
  year?: number;
  month?: number;
  dayOfYear?: number;
  day?: number;
  hour24?: number;
  hour12?: number;
  pm?: boolean;
  minute?: number;
  second?: number;
  milli?: number;
  offsetMinutes?: number;
}

function parseWith(tokens: readonly Token[], text: string, nowMs: number): Date {
  const p: Parsed = {};
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at position ${pos}`);
  };
  for (const [i, token] of tokens.entries()) {
    if (token.kind === 'literal') {
      if (!text.startsWith(token.text, pos)) fail(`expected "${token.text}"`);
      pos += token.text.length;
      continue;
    }
    const { letter, count } = token;
    const isText = (letter === 'M' || letter === 'L') && count >= 3;
    if (NUMERIC.has(letter) || ((letter === 'M' || letter === 'L') && !isText)) {
      const next = tokens[i + 1];
      const abuts =
        next?.kind === 'field' &&
        (NUMERIC.has(next.letter) || ((next.letter === 'M' || next.letter === 'L') && next.count < 3));
      const digits = abuts ? text.slice(pos, pos + count) : (/^\d+/.exec(text.slice(pos))?.[0] ?? '');
      if (digits.length === 0 || !/^\d+$/.test(digits) || (abuts && digits.length < count))
        fail(`expected a number for '${letter.repeat(count)}'`);
      pos += digits.length;
      setNumber(p, letter, count, digits, nowMs);
      continue;
    }
    const rest = text.slice(pos);
    switch (letter) {
      case 'M':
      case 'L': {
        const m = matchName(rest, MONTHS);
        if (m === undefined) fail('expected a month name');
        else {
          p.month = m.index + 1;
          pos += m.length;
        }
        break;
      }
      case 'E': {
        const m = matchName(rest, DAYS);
        if (m === undefined) fail('expected a day name');
        else pos += m.length;
        break;
      }
      case 'a': {
        const word = rest.slice(0, 2).toUpperCase();
        if (word !== 'AM' && word !== 'PM') fail('expected AM or PM');
        p.pm = word === 'PM';
        pos += 2;
        break;
      }
      case 'G': {
        const word = rest.slice(0, 2).toUpperCase();
        if (word !== 'AD' && word !== 'BC') fail('expected AD or BC');
        p.era = word as 'AD' | 'BC';
        pos += 2;
        break;
      }
      default: {
        const zone = parseZone(rest);
        if (zone === undefined) fail('expected a time zone');
        else {
          p.offsetMinutes = zone.offsetMinutes;
          pos += zone.length;
        }
      }
    }
  }
  return new Date(toEpochMs(p));
}

function setNumber(p: Parsed, letter: string, count: number, digits: string, nowMs: number): void {
  const n = Number(digits);
  switch (letter) {
    case 'y':
      p.year = count <= 2 && digits.length === 2 ? twoDigitYear(n, nowMs) : n;
      break;
    case 'M':
    case 'L':
      p.month = n;
      break;
    case 'D':
      p.dayOfYear = n;
      break;
    case 'd':
      p.day = n;
      break;
    case 'H':
      p.hour24 = n;
      break;
    case 'k':
      if (n < 1 || n > 24) throw new Error(`hour ${n} out of range 1-24 for 'k'`);
      p.hour24 = n === 24 ? 0 : n;
      break;
    case 'K':
      if (n > 11) throw new Error(`hour ${n} out of range 0-11 for 'K'`);
      p.hour12 = n;
      break;
    case 'h':
      if (n < 1 || n > 12) throw new Error(`hour ${n} out of range 1-12 for 'h'`);
      p.hour12 = n % 12;
      break;
    case 'm':
      p.minute = n;
      break;
    case 's':
      p.second = n;
      break;
    case 'S':
      p.milli = n;
      break;
    default:
      // 'u', the day of the week, does not change the date.
      break;
  }
}

/** Java's rule: a two-digit year falls within 80 years before and 20 years after now. */
function twoDigitYear(yy: number, nowMs: number): number {
  const startYear = new Date(nowMs).getUTCFullYear() - 80;
  const century = Math.floor(startYear / 100) * 100;
  return century + yy + (yy < startYear % 100 ? 100 : 0);
}

function matchName(text: string, names: readonly string[]): { index: number; length: number } | undefined {
  const lower = text.toLowerCase();
  for (const [index, name] of names.entries()) {
    if (lower.startsWith(name.toLowerCase())) return { index, length: name.length };
  }
  for (const [index, name] of names.entries()) {
    if (lower.startsWith(name.slice(0, 3).toLowerCase())) return { index, length: 3 };
  }
  return undefined;
}

function parseZone(text: string): { offsetMinutes: number; length: number } | undefined {
  if (text.startsWith('Coordinated Universal Time')) return { offsetMinutes: 0, length: 26 };
  const named = /^(UTC|GMT|UT)/.exec(text);
  const start = named === null ? 0 : named[0].length;
  const offset = /^([+-])(\d{2})(?::?(\d{2}))?/.exec(text.slice(start));
  if (offset !== null) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? '0');
    if (hours > 23 || minutes > 59) return undefined;
    const sign = offset[1] === '-' ? -1 : 1;
    return { offsetMinutes: sign * (hours * 60 + minutes), length: start + offset[0].length };
  }
  if (named !== null) return { offsetMinutes: 0, length: start };
  if (text.startsWith('Z')) return { offsetMinutes: 0, length: 1 };
  return undefined;
}

function toEpochMs(p: Parsed): number {
  let year = p.year ?? 1970;
  if (p.era === 'BC') year = 1 - year;
  const inRange = (what: string, v: number, min: number, max: number) => {
    if (v < min || v > max) throw new Error(`${what} ${v} out of range ${min}-${max}`);
    return v;
  };
  let dayMs: number;
  if (p.dayOfYear !== undefined && p.month === undefined && p.day === undefined) {
    const days = (utcMs(year + 1, 1, 1) - utcMs(year, 1, 1)) / MS_PER_DAY;
    dayMs = utcMs(year, 1, 1) + (inRange('day of year', p.dayOfYear, 1, days) - 1) * MS_PER_DAY;
  } else {
    const month = inRange('month', p.month ?? 1, 1, 12);
    dayMs = utcMs(year, month, inRange('day', p.day ?? 1, 1, daysInMonth(year, month)));
  }
  const hour = p.hour24 !== undefined ? inRange('hour', p.hour24, 0, 23) : (p.hour12 ?? 0) + (p.pm === true ? 12 : 0);
  const timeMs =
    ((hour * 60 + inRange('minute', p.minute ?? 0, 0, 59)) * 60 + inRange('second', p.second ?? 0, 0, 59)) * 1000 +
    inRange('millisecond', p.milli ?? 0, 0, 999);
  return dayMs + timeMs - (p.offsetMinutes ?? 0) * 60_000;
}
