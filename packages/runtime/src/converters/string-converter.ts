/**
 * Kafka Connect's StringConverter: values as text in `converter.encoding`. Reading gives
 * an optional string schema; writing stringifies whatever value it is given.
 */
import {
  type ConfigValues,
  type Converter,
  DataError,
  defineConfig,
  defineConverter,
  defineHeaderConverter,
  type Header,
  type HeaderConverter,
  type Schema,
  type SchemaAndValue,
  Schemas,
  Struct,
  string,
} from '@tributary/api';

/** Java charset names (and Node's) to Node's Buffer encodings. */
const ENCODINGS: Readonly<Record<string, BufferEncoding>> = {
  utf8: 'utf8',
  'utf-8': 'utf8',
  'iso-8859-1': 'latin1',
  iso8859_1: 'latin1',
  latin1: 'latin1',
  'us-ascii': 'ascii',
  ascii: 'ascii',
  'utf-16le': 'utf16le',
  utf16le: 'utf16le',
};

/** The Buffer encoding for a `converter.encoding` value, or `undefined` when unsupported. */
export function bufferEncoding(name: string): BufferEncoding | undefined {
  return ENCODINGS[name.trim().toLowerCase()];
}

export const stringConverterConfig = defineConfig({
  'converter.encoding': string({
    default: 'UTF8',
    importance: 'high',
    doc: 'The name of the character encoding to use for converting between strings and bytes.',
    validValues: 'UTF8, UTF-8, ISO-8859-1 (latin1), US-ASCII (ascii), UTF-16LE',
    validate: (v) => (bufferEncoding(v) === undefined ? `Unsupported character encoding ${v}` : undefined),
  }),
});

export type StringConverterConfig = ConfigValues<typeof stringConverterConfig.keys>;

const NULL_STRING: SchemaAndValue = Object.freeze({ schema: Schemas.OPTIONAL_STRING, value: null });

export class StringConverter implements Converter, HeaderConverter {
  private readonly encoding: BufferEncoding;

  constructor(config: StringConverterConfig) {
    this.encoding = bufferEncoding(config['converter.encoding']) ?? 'utf8';
  }

  fromConnectData(
    topic: string,
    _headers: readonly Header[],
    _schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    if (value === null || value === undefined) return null;
    return Buffer.from(textOf(value, topic), this.encoding);
  }

  toConnectData(_topic: string, _headers: readonly Header[], bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return NULL_STRING;
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { schema: Schemas.OPTIONAL_STRING, value: buffer.toString(this.encoding) };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, [], schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, [], bytes);
  }
}

/** A value as text, like Java's `toString()` where that is meaningful. */
function textOf(value: unknown, topic: string): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Struct) return value.toString();
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  try {
    return JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v,
    );
  } catch (err) {
    throw new DataError(`StringConverter cannot write a value of topic ${topic} as text`, { cause: err });
  }
}

/** `org.apache.kafka.connect.storage.StringConverter`. */
export const stringConverter = defineConverter({
  name: 'StringConverter',
  aliases: ['org.apache.kafka.connect.storage.StringConverter'],
  version: '0.1.0',
  description: 'Values as text in converter.encoding (UTF8 by default), with an optional string schema.',
  config: stringConverterConfig,
  create: (config) => new StringConverter(config),
});

/** StringConverter as a `header.converter`, which Kafka also allows. */
export const stringHeaderConverter = defineHeaderConverter({
  name: 'StringConverter',
  aliases: ['org.apache.kafka.connect.storage.StringConverter'],
  version: '0.1.0',
  description: 'Header values as text in converter.encoding (UTF8 by default).',
  config: stringConverterConfig,
  create: (config) => new StringConverter(config),
});
