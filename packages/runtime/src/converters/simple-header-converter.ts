/**
 * Kafka Connect's SimpleHeaderConverter, the default `header.converter`: header values as
 * UTF-8 text, their schema inferred when read (see `header-text.ts`).
 */
import {
  DataError,
  defineConfig,
  defineHeaderConverter,
  type HeaderConverter,
  type Schema,
  type SchemaAndValue,
} from '@tributary/api';
import { headerText, parseHeaderText } from './header-text.js';

export class SimpleHeaderConverter implements HeaderConverter {
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    try {
      return Buffer.from(headerText(schema, value), 'utf8');
    } catch (err) {
      throw new DataError(`Failed to serialize value for header '${headerKey}' on topic '${topic}'`, { cause: err });
    }
  }

  toConnectHeader(_topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: null, value: null };
    return parseHeaderText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  }
}

/** `org.apache.kafka.connect.storage.SimpleHeaderConverter`. */
export const simpleHeaderConverter = defineHeaderConverter({
  name: 'SimpleHeaderConverter',
  aliases: ['org.apache.kafka.connect.storage.SimpleHeaderConverter'],
  version: '0.1.0',
  description: 'Header values as text; reading infers booleans, numbers, dates, arrays and maps, like Kafka Connect.',
  config: defineConfig({}),
  create: () => new SimpleHeaderConverter(),
});
