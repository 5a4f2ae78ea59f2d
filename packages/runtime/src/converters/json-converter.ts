/**
 * Kafka Connect's JsonConverter: `{"schema":…,"payload":…}` envelopes when
 * `schemas.enable=true` (the default), bare JSON otherwise. Byte-compatible with
 * `org.apache.kafka.connect.json.JsonConverter` in both directions.
 */
import {
  boolean,
  type ConfigValues,
  type Converter,
  choice,
  DataError,
  defineConfig,
  defineConverter,
  defineHeaderConverter,
  type Header,
  type HeaderConverter,
  int,
  type Schema,
  type SchemaAndValue,
} from '@tributary/api';
import { type PayloadReader, payloadReaderOf } from './json-payload-reader.js';
import { JsonReader, type NodeReader, schemaless } from './json-reader.js';
import { JsonWriter } from './json-writer.js';
import { endOfJsonValue, JsonSyntaxError, parseJson } from './parse-json.js';

export const jsonConverterConfig = defineConfig({
  'schemas.enable': boolean({
    default: true,
    importance: 'high',
    doc: 'Include schemas within each of the serialized values and keys.',
  }),
  'schemas.cache.size': int({
    default: 1000,
    min: 0,
    importance: 'high',
    doc: 'The maximum number of schemas that can be cached in this converter instance.',
  }),
  'decimal.format': choice({
    values: ['BASE64', 'NUMERIC'],
    default: 'BASE64',
    importance: 'low',
    doc: "Controls which format this converter will serialize decimals in. BASE64 writes the base64 of the unscaled two's-complement bytes; NUMERIC writes a JSON number.",
  }),
  'replace.null.with.default': boolean({
    default: true,
    importance: 'low',
    doc: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
  }),
});

export type JsonConverterConfig = ConfigValues<typeof jsonConverterConfig.keys>;

const ENVELOPE_ERROR =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. ' +
  'If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';
const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null });
const SCHEMA_PREFIX = /^\s*\{\s*"schema"\s*:\s*/y;
const PAYLOAD_PREFIX = /\s*,\s*"payload"\s*:/y;

function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

export class JsonConverter implements Converter, HeaderConverter {
  private readonly hasSchemas: boolean;
  private readonly writer: JsonWriter;
  private readonly reader: JsonReader;
  /**
   * The last envelope read through the cache: its bytes up to the payload
   * (`{"schema":…,"payload":`), its schema, the schema's reader of parsed payloads, and its
   * reader of payload bytes (json-payload-reader.ts; null when the schema has none).
   */
  private last: {
    readonly prefix: Buffer;
    readonly schema: Schema;
    readonly read: NodeReader;
    readonly readBytes: PayloadReader | null;
  } | null = null;

  constructor(config: JsonConverterConfig) {
    this.hasSchemas = config['schemas.enable'];
    const replacesNullWithDefault = config['replace.null.with.default'];
    const schemaCacheSize = config['schemas.cache.size'];
    this.writer = new JsonWriter({
      isDecimalNumeric: config['decimal.format'] === 'NUMERIC',
      replacesNullWithDefault,
      schemaCacheSize,
    });
    this.reader = new JsonReader({ replacesNullWithDefault, schemaCacheSize });
  }

  fromConnectData(
    _topic: string,
    _headers: readonly Header[],
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    if (schema === null && (value === null || value === undefined)) return null;
    if (this.hasSchemas) return this.writer.envelopeBytes(schema, value);
    return Buffer.from(this.writer.valueText(schema, value), 'utf8');
  }

  toConnectData(topic: string, _headers: readonly Header[], bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return NULL_SCHEMA_AND_VALUE;
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.hasSchemas) {
      const known = this.readKnownPrefix(buffer);
      if (known !== undefined) return known;
    }
    const text = buffer.toString('utf8');
    if (!this.hasSchemas) {
      if (text.trim() === '') return NULL_SCHEMA_AND_VALUE;
      return { schema: null, value: this.parse(topic, text, false) };
    }
    return this.readCachedEnvelope(text) ?? this.readEnvelope(topic, text);
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, [], schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, [], bytes);
  }

  /**
   * The hottest path: records of a topic mostly repeat one schema, so an envelope that
   * starts with the same bytes as the last one, through `"payload":`, has its schema; only
   * the payload is decoded and parsed. `undefined` for anything else.
   */
  private readKnownPrefix(buffer: Buffer): SchemaAndValue | undefined {
    const last = this.last;
    if (last === null) return undefined;
    const { prefix, schema } = last;
    if (buffer.length <= prefix.length) return undefined;
    if (buffer.compare(prefix, 0, prefix.length, 0, prefix.length) !== 0) return undefined;
    let close = buffer.length - 1;
    while (close > prefix.length && isJsonWhitespace(buffer[close] as number)) close--;
    if (buffer[close] !== 0x7d) return undefined;
    if (last.readBytes !== null) {
      const value = last.readBytes(buffer, prefix.length, close);
      if (value !== undefined) return { schema, value };
    }
    let payload: unknown;
    try {
      payload = parseJson(buffer.toString('utf8', prefix.length, close), { keepsDecimalText: true });
    } catch {
      return undefined;
    }
    return { schema, value: last.read(payload) };
  }

  /**
   * The hot path: an envelope whose schema text was seen before. Only the payload is
   * parsed. `undefined` sends anything unusual to `readEnvelope`, which decides.
   */
  private readCachedEnvelope(text: string): SchemaAndValue | undefined {
    SCHEMA_PREFIX.lastIndex = 0;
    if (!SCHEMA_PREFIX.test(text)) return undefined;
    const schemaStart = SCHEMA_PREFIX.lastIndex;
    const schemaEnd = endOfJsonValue(text, schemaStart);
    const schema = this.reader.cachedSchema(text.slice(schemaStart, schemaEnd));
    if (schema === undefined) return undefined;
    PAYLOAD_PREFIX.lastIndex = schemaEnd;
    if (!PAYLOAD_PREFIX.test(text)) return undefined;
    // A schema object ends where its closing brace is, so these bytes fix the schema.
    if (text.charCodeAt(schemaStart) === 0x7b) {
      this.last = {
        prefix: Buffer.from(text.slice(0, PAYLOAD_PREFIX.lastIndex), 'utf8'),
        schema,
        read: this.reader.readerOf(schema),
        readBytes: payloadReaderOf(schema),
      };
    }
    const close = text.trimEnd().length - 1;
    if (text.charCodeAt(close) !== 0x7d) return undefined;
    let payload: unknown;
    try {
      payload = parseJson(text.slice(PAYLOAD_PREFIX.lastIndex, close), { keepsDecimalText: true });
    } catch {
      return undefined;
    }
    return { schema, value: this.reader.readerOf(schema)(payload) };
  }

  private readEnvelope(topic: string, text: string): SchemaAndValue {
    const envelope = text.trim() === '' ? null : this.parse(topic, text, true);
    if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope))
      throw new DataError(ENVELOPE_ERROR);
    const keys = Object.keys(envelope);
    if (keys.length !== 2 || !('schema' in envelope) || !('payload' in envelope)) throw new DataError(ENVELOPE_ERROR);
    const { schema: schemaNode, payload } = envelope as { schema: unknown; payload: unknown };
    SCHEMA_PREFIX.lastIndex = 0;
    let rawSchema: string | undefined;
    if (SCHEMA_PREFIX.test(text))
      rawSchema = text.slice(SCHEMA_PREFIX.lastIndex, endOfJsonValue(text, SCHEMA_PREFIX.lastIndex));
    const schema = this.reader.schemaOf(schemaNode, rawSchema);
    return { schema, value: schema === null ? schemaless(payload) : this.reader.valueOf(schema, payload) };
  }

  private parse(topic: string, text: string, keepsDecimalText: boolean): unknown {
    try {
      return parseJson(text, { keepsDecimalText });
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      throw new DataError(
        `Converting byte[] to Kafka Connect data failed due to serialization error of topic ${topic}: ${err.message}`,
        {
          cause: err,
          code: 'CONVERSION',
        },
      );
    }
  }
}

const VERSION = '0.1.0';

/** `org.apache.kafka.connect.json.JsonConverter` as a key/value converter. */
export const jsonConverter = defineConverter({
  name: 'JsonConverter',
  aliases: ['org.apache.kafka.connect.json.JsonConverter'],
  version: VERSION,
  description:
    'JSON with an optional {"schema","payload"} envelope, byte-compatible with Kafka Connect\'s JsonConverter.',
  config: jsonConverterConfig,
  create: (config) => new JsonConverter(config),
});

/** The same converter for headers (`header.converter=org.apache.kafka.connect.json.JsonConverter`). */
export const jsonHeaderConverter = defineHeaderConverter({
  name: 'JsonConverter',
  aliases: ['org.apache.kafka.connect.json.JsonConverter'],
  version: VERSION,
  description: 'Header values as JsonConverter JSON.',
  config: jsonConverterConfig,
  create: (config) => new JsonConverter(config),
});
