/** Kafka Connect's ByteArrayConverter: bytes pass through unchanged (MirrorMaker's default). */
import {
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
} from '@tributary/api';

export class ByteArrayConverter implements Converter, HeaderConverter {
  fromConnectData(
    _topic: string,
    _headers: readonly Header[],
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    if (schema !== null && schema.type !== 'bytes')
      throw new DataError(`Invalid schema type for ByteArrayConverter: ${schema.type.toUpperCase()}`);
    if (value === null || value === undefined) return null;
    if (!(value instanceof Uint8Array)) {
      const kind = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
      throw new DataError(`ByteArrayConverter is not compatible with objects of type ${kind}`);
    }
    return value;
  }

  toConnectData(_topic: string, _headers: readonly Header[], bytes: Uint8Array | null): SchemaAndValue {
    return { schema: Schemas.OPTIONAL_BYTES, value: bytes };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, [], schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, [], bytes);
  }
}

/** `org.apache.kafka.connect.converters.ByteArrayConverter`. */
export const byteArrayConverter = defineConverter({
  name: 'ByteArrayConverter',
  aliases: ['org.apache.kafka.connect.converters.ByteArrayConverter'],
  version: '0.1.0',
  description: 'Passes bytes through unchanged, with an optional bytes schema.',
  config: defineConfig({}),
  create: () => new ByteArrayConverter(),
});

/** The same class as a header converter: header values pass through as bytes (MirrorMaker 2's workers use it). */
export const byteArrayHeaderConverter = defineHeaderConverter({
  name: 'ByteArrayConverter',
  aliases: ['org.apache.kafka.connect.converters.ByteArrayConverter'],
  version: '0.1.0',
  description: 'Header values pass through unchanged as bytes.',
  config: defineConfig({}),
  create: () => new ByteArrayConverter(),
});
