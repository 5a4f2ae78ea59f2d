// PostgreSQL COPY text format: one line per row, tab-separated, `\N` for NULL, and
// backslash escapes for backslash, newline, carriage return and tab inside values.
import type { Row } from './dialect.js';

const CHUNK_BYTES = 64 * 1024;

function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  // bytea's hex input form `\x…`, its backslash escaped for COPY.
  if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value).toString('hex')}`;
  return String(value).replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}

/** The rows as COPY text data, cut into chunks of about 64 KiB. */
export function copyTextChunks(rows: readonly Row[]): Buffer[] {
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  let size = 0;
  for (const row of rows) {
    const line = `${row.map(field).join('\t')}\n`;
    lines.push(line);
    size += line.length;
    if (size >= CHUNK_BYTES) {
      chunks.push(Buffer.from(lines.join(''), 'utf8'));
      lines = [];
      size = 0;
    }
  }
  if (lines.length > 0) chunks.push(Buffer.from(lines.join(''), 'utf8'));
  return chunks;
}
