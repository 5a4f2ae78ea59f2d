/**
 * Java `.properties` files, read exactly as `java.util.Properties.load` reads them:
 *
 * - A logical line is one or more natural lines (ended by `\n`, `\r` or `\r\n`); a natural
 *   line ending in an odd number of backslashes continues on the next one, whose leading
 *   whitespace is dropped. Leading whitespace (space, tab, form feed) of a line is ignored.
 * - Lines whose first non-blank character is `#` or `!` are comments (and never continue);
 *   blank lines are skipped.
 * - The key ends at the first unescaped `=`, `:` or whitespace. Whitespace after the key,
 *   then one `=` or `:`, then more whitespace, separate it from the value; the value keeps
 *   trailing whitespace.
 * - Escapes in keys and values: `\t \n \r \f`, `\uXXXX`; a backslash before any other
 *   character stands for that character (`\\ \= \: \# \! \ `). A malformed `\u` is an error.
 * - A key given twice keeps the later value.
 *
 * Files are read as UTF-8 (Java's `load(InputStream)` uses ISO-8859-1; files in ASCII with
 * `\u` escapes read the same either way).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '@tributary/api';

const WHITESPACE = new Set([' ', '\t', '\f']);

interface LogicalLine {
  readonly text: string;
  /** Physical line number (1-based) of each character of `text`. */
  readonly lineOf: readonly number[];
}

/** Parses the text of a `.properties` file. `source` (a file name) is used in errors. */
export function parseProperties(text: string, source: string): Record<string, string> {
  const out = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const [key, value] = splitKeyValue(line, source);
    out.set(key, value);
  }
  return Object.fromEntries(out);
}

/** Reads and parses a `.properties` file; errors name the file. */
export function readPropertiesFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read properties file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseProperties(text, path);
}

function naturalLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function endsWithOddBackslashes(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function skipWhitespace(line: string, from: number): number {
  let i = from;
  while (i < line.length && WHITESPACE.has(line.charAt(i))) i++;
  return i;
}

function* logicalLines(text: string): Generator<LogicalLine> {
  const lines = naturalLines(text);
  for (let n = 0; n < lines.length; n++) {
    const first = lines[n] ?? '';
    const start = skipWhitespace(first, 0);
    if (start === first.length) continue;
    const lead = first.charAt(start);
    if (lead === '#' || lead === '!') continue;

    let text = '';
    const lineOf: number[] = [];
    let piece = first.slice(start);
    let pieceLine = n + 1;
    for (;;) {
      const continues = endsWithOddBackslashes(piece);
      const kept = continues ? piece.slice(0, -1) : piece;
      text += kept;
      for (let i = 0; i < kept.length; i++) lineOf.push(pieceLine);
      if (!continues || n + 1 >= lines.length) break;
      n++;
      const next = lines[n] ?? '';
      piece = next.slice(skipWhitespace(next, 0));
      pieceLine = n + 1;
    }
    yield { text, lineOf };
  }
}

function splitKeyValue(line: LogicalLine, source: string): [string, string] {
  const { text } = line;
  let keyEnd = text.length;
  let valueStart = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\') {
      i++; // the escaped character never ends the key
      continue;
    }
    if (c === '=' || c === ':') {
      keyEnd = i;
      valueStart = skipWhitespace(text, i + 1);
      break;
    }
    if (WHITESPACE.has(c)) {
      keyEnd = i;
      let j = skipWhitespace(text, i);
      if (text.charAt(j) === '=' || text.charAt(j) === ':') j = skipWhitespace(text, j + 1);
      valueStart = j;
      break;
    }
  }
  return [unescapeRange(line, 0, keyEnd, source), unescapeRange(line, valueStart, text.length, source)];
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescapeRange(line: LogicalLine, from: number, to: number, source: string): string {
  const { text } = line;
  let out = '';
  for (let i = from; i < to; i++) {
    const c = text.charAt(i);
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    if (i >= to) break; // a lone trailing backslash (end of file) stands for nothing
    const e = text.charAt(i);
    if (e === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (i + 5 > to || !/^[0-9a-fA-F]{4}$/.test(hex)) {
        const where = line.lineOf[i] ?? line.lineOf[line.lineOf.length - 1] ?? 0;
        throw new ConfigError(
          `Malformed \\uxxxx encoding "\\u${text.slice(i + 1, Math.min(i + 5, to))}" at ${source}:${where}`,
        );
      }
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 4;
      continue;
    }
    out += SIMPLE_ESCAPES[e] ?? e;
  }
  return out;
}
