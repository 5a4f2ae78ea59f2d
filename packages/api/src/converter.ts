/**
 * Converters turn Connect data into the bytes stored in Kafka and back. The runtime makes
 * one converter instance for keys and one for values per task, configured from
 * `key.converter.*` / `value.converter.*` (worker or connector overrides).
 */
import type { Schema } from './data/schema.js';
import type { SchemaAndValue } from './data/values.js';
import type { Header } from './record.js';

export interface Converter {
  /** Bytes for a value of `schema` (`null` schema: schemaless). `null` value → `null` (tombstone). Throws DataError. */
  fromConnectData(
    topic: string,
    headers: readonly Header[],
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null | Promise<Uint8Array | null>;
  /** The schema and value in `bytes` (`null` → a null value). Throws DataError for bytes it cannot read. */
  toConnectData(
    topic: string,
    headers: readonly Header[],
    bytes: Uint8Array | null,
  ): SchemaAndValue | Promise<SchemaAndValue>;
  close?(): void | Promise<void>;
}

/** Converts header values (`header.converter`). Synchronous: headers are small. */
export interface HeaderConverter {
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null;
  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue;
  close?(): void;
}
