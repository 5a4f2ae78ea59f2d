/**
 * JSON text to JavaScript values without losing digits. `JSON.parse` turns every number
 * into a double, so an int64 such as 9007199254740993 comes back as …992; Kafka keeps
 * it. Here integer literals beyond 2^53 become `bigint`, and, when asked, fractional
 * literals with more than 15 significant digits (more than a double holds exactly)
 * become `DecimalText` so a Decimal schema can read them exactly.
 *
 * Only text with a long run of digits can hold such a number, so other text goes to
 * `JSON.parse`, which is much faster than any parser written in JavaScript.
 */

/** A fractional JSON number kept as its text because a double would round it. */
export class DecimalText {
  constructor(readonly text: string) {}
  toNumber(): number {
    return Number(this.text);
  }
}

export interface ParseJsonOptions {
  /** Return `DecimalText` for fractional numbers a double cannot hold exactly. */
  readonly keepsDecimalText: boolean;
}

/** A JSON syntax error; the converter turns it into a DataError naming the topic. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

// 16 digits (and dots) are needed for an integer beyond 2^53 or a fraction with 16 significant digits.
const LONG_RUN = 16;
const MAX_DEPTH = 1000;

/** Parses one JSON document (surrounding whitespace and a leading BOM allowed). Throws JsonSyntaxError. */
export function parseJson(text: string, options: ParseJsonOptions): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!hasLongNumberRun(body)) {
    try {
      return JSON.parse(body);
    } catch {
      // Fall through: our parser reports where the text is wrong.
    }
  }
  return new Parser(body, options.keepsDecimalText).document();
}

function isDigitOrDot(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e;
}

/**
 * Whether `text` holds LONG_RUN or more digits and dots in a row. Any such run covers one
 * of every LONG_RUN-th characters, so only those are probed, and only a probe that hits
 * one is widened to its run: about five times faster than `/[\d.]{16,}/` on a record's
 * JSON, and this runs for every record.
 */
export function hasLongNumberRun(text: string): boolean {
  const n = text.length;
  for (let i = LONG_RUN - 1; i < n; i += LONG_RUN) {
    if (!isDigitOrDot(text.charCodeAt(i))) continue;
    let start = i;
    while (start > 0 && isDigitOrDot(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < n && isDigitOrDot(text.charCodeAt(end))) end++;
    if (end - start >= LONG_RUN) return true;
    i = end - 1; // text[end] ends the run: the next probe is LONG_RUN - 1 past it.
  }
  return false;
}

const SAFE_DIGITS = 15;

class Parser {
  private at = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly keepsDecimalText: boolean,
  ) {}

  document(): unknown {
    this.skipWhitespace();
    const value = this.value();
    this.skipWhitespace();
    if (this.at < this.text.length) this.fail('Unexpected content after the JSON value');
    return value;
  }

  private value(): unknown {
    const c = this.text.charCodeAt(this.at);
    switch (c) {
      case 0x7b: // {
        return this.object();
      case 0x5b: // [
        return this.array();
      case 0x22: // "
        return this.string();
      case 0x74: // t
        return this.literal('true', true);
      case 0x66: // f
        return this.literal('false', false);
      case 0x6e: // n
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(Number.isNaN(c) ? 'Unexpected end of input' : `Unexpected character '${this.text[this.at]}'`);
    }
  }

  private object(): Record<string, unknown> {
    this.enter();
    this.at++;
    const result: Record<string, unknown> = {};
    this.skipWhitespace();
    if (this.text.charCodeAt(this.at) === 0x7d) {
      this.at++;
      this.depth--;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.at) !== 0x22) this.fail('Expected a string key');
      const key = this.string();
      this.skipWhitespace();
      this.expect(0x3a, "':'");
      this.skipWhitespace();
      const item = this.value();
      if (key === '__proto__') {
        Object.defineProperty(result, key, { value: item, enumerable: true, writable: true, configurable: true });
      } else {
        result[key] = item;
      }
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.at++);
      if (c === 0x7d) break;
      if (c !== 0x2c) this.fail("Expected ',' or '}'", this.at - 1);
    }
    this.depth--;
    return result;
  }

  private array(): unknown[] {
    this.enter();
    this.at++;
    const result: unknown[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.at) === 0x5d) {
      this.at++;
      this.depth--;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      result.push(this.value());
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.at++);
      if (c === 0x5d) break;
      if (c !== 0x2c) this.fail("Expected ',' or ']'", this.at - 1);
    }
    this.depth--;
    return result;
  }

  private string(): string {
    const text = this.text;
    let i = this.at + 1;
    let out = '';
    let start = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (Number.isNaN(c)) this.fail('Unterminated string', i);
      if (c < 0x20) this.fail('Unescaped control character in string', i);
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\u escape', i);
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          this.fail('Invalid escape', i);
      }
      i += 2;
      start = i;
    }
    this.at = i + 1;
    return out + text.slice(start, i);
  }

  private number(): unknown {
    const text = this.text;
    const start = this.at;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i++;
    const intStart = i;
    while (isDigit(text.charCodeAt(i))) i++;
    const intDigits = i - intStart;
    if (intDigits === 0 || (intDigits > 1 && text.charCodeAt(intStart) === 0x30)) this.fail('Invalid number', start);
    let isIntegral = true;
    if (text.charCodeAt(i) === 0x2e) {
      isIntegral = false;
      const fracStart = ++i;
      while (isDigit(text.charCodeAt(i))) i++;
      if (i === fracStart) this.fail('Invalid number', start);
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      isIntegral = false;
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      const expStart = i;
      while (isDigit(text.charCodeAt(i))) i++;
      if (i === expStart) this.fail('Invalid number', start);
    }
    this.at = i;
    const literal = text.slice(start, i);
    if (isIntegral) {
      if (intDigits <= SAFE_DIGITS) return Number(literal);
      const big = BigInt(literal);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    if (this.keepsDecimalText && significantDigits(literal) > SAFE_DIGITS) return new DecimalText(literal);
    return Number(literal);
  }

  private literal(word: string, value: boolean | null): boolean | null {
    if (!this.text.startsWith(word, this.at)) this.fail(`Unexpected character '${this.text[this.at]}'`);
    this.at += word.length;
    return value;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`Nesting deeper than ${MAX_DEPTH} levels`);
  }

  private expect(code: number, what: string): void {
    if (this.text.charCodeAt(this.at) !== code) this.fail(`Expected ${what}`);
    this.at++;
  }

  private skipWhitespace(): void {
    const text = this.text;
    let c = text.charCodeAt(this.at);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.at);
  }

  private fail(message: string, at = this.at): never {
    throw new JsonSyntaxError(`${message} at position ${at}`);
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function significantDigits(literal: string): number {
  const mantissa = literal.replace(/[eE].*$/, '').replace(/[-.]/g, '');
  return mantissa.replace(/^0+/, '').length;
}

/**
 * The index just past the JSON value that starts at `start` (no validation: strings
 * and brackets are only matched). Used to find the raw text of an envelope's schema.
 */
export function endOfJsonValue(text: string, start: number): number {
  let i = start;
  let depth = 0;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c)) return i;
    if (c === 0x22) {
      i++;
      for (;;) {
        const s = text.charCodeAt(i);
        if (Number.isNaN(s)) return i;
        i++;
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
      if (depth === 0) return i;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) return i;
    i++;
  }
}
