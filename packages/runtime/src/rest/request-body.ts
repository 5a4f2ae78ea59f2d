/**
 * Request bodies: read with a size limit, parsed as JSON, and checked against the shapes
 * Kafka's Jackson bindings accept (a config is a flat map whose scalar values are coerced
 * to strings, as Jackson coerces `"tasks.max": 1` to `"1"`).
 *
 * Parse errors never echo the body back: it may hold a password.
 */
import type { IncomingMessage } from 'node:http';
import { RestError } from './rest-error.js';

/** The body of `request`, or a RestError: 413 beyond `maxBytes`, 415 when it is declared as something other than JSON. */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declaredBytes = Number(request.headers['content-length'] ?? Number.NaN);
  if (declaredBytes > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let totalBytes = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    totalBytes += buffer.length;
    if (totalBytes > maxBytes) throw tooLarge(maxBytes);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  checkContentType(request.headers['content-type']);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    const where = position === undefined ? '' : ` at position ${position}`;
    throw new RestError(400, `Unrecognized token in request body${where}: the body is not valid JSON`);
  }
}

function tooLarge(maxBytes: number): RestError {
  // The rest of the body is not read; closing the connection keeps it from being parsed as the next request.
  return new RestError(413, `Request body is larger than the limit of ${maxBytes} bytes`, { connection: 'close' });
}

function checkContentType(contentType: string | undefined): void {
  if (contentType === undefined) return;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return;
  throw new RestError(415, `Unsupported media type ${mediaType}: request bodies must be application/json`);
}

/** `value` as a JSON object, or a 400 naming `what`. */
export function expectObject(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined) throw new RestError(400, `Request body is empty; expected ${what} as a JSON object`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RestError(400, `Expected ${what} as a JSON object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A connector configuration: every value a string (numbers and booleans are coerced, as Jackson does). */
export function expectConfig(value: unknown, what: string): Record<string, string> {
  const entries = Object.entries(expectObject(value, what)).map(([key, raw]): [string, string] => {
    const text = scalarText(raw);
    if (text === undefined) {
      throw new RestError(400, `Value of '${key}' in ${what} must be a string, got ${describe(raw)}`);
    }
    return [key, text];
  });
  return Object.fromEntries(entries);
}

/** A configuration patch: like a configuration, but `null` marks a key to remove. */
export function expectConfigPatch(value: unknown, what: string): Record<string, string | null> {
  const entries = Object.entries(expectObject(value, what)).map(([key, raw]): [string, string | null] => {
    if (raw === null) return [key, null];
    const text = scalarText(raw);
    if (text === undefined) {
      throw new RestError(400, `Value of '${key}' in ${what} must be a string or null, got ${describe(raw)}`);
    }
    return [key, text];
  });
  return Object.fromEntries(entries);
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The JSON type of `value`, never the value itself. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
