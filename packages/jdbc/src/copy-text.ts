// PostgreSQL COPY text format: one line per row, tab-separated, `\N` for NULL, and
// backslash escapes for backslash, newline, carriage return and tab inside values.
import type { Row } from './dialect.js';

const CHUNK_BYTES = 64 * 1024;
const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;

function escapeSpecial(c: string): string {
  return c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t';
}

function text(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIALS, escapeSpecial) : value;
}

function field(value: unknown): string {
  // The common cases first: numbers never need escaping.
  if (typeof value === 'number') return `${value}`;
  if (typeof value === 'string') return text(value);
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  // bytea's hex input form `\x…`, its backslash escaped for COPY.
  if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value).toString('hex')}`;
  return text(String(value));
}

/** The rows as COPY text data, cut into chunks of about 64 KiB. */
export function copyTextChunks(rows: readonly Row[]): Buffer[] {
  const chunks: Buffer[] = [];
  let chunk = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < row.length; i++) line += i === 0 ? field(row[i]) : `\t${field(row[i])}`;
    chunk += `${line}\n`;
    if (chunk.length >= CHUNK_BYTES) {
      chunks.push(Buffer.from(chunk, 'utf8'));
      chunk = '';
    }
  }
  if (chunk.length > 0) chunks.push(Buffer.from(chunk, 'utf8'));
  return chunks;
}
