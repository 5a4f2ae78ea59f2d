import { type ConnectRecord, defineConfig, Schemas, string } from '@tributary/api';
import { defineSimpleTransform, TRANSFORMS_VERSION } from './support.js';

const insertHeaderConfig = defineConfig({
  header: string({ importance: 'high', doc: 'The name of the header.' }),
  'value.literal': string({
    importance: 'high',
    doc: 'The literal value that is to be set as the header value on all records.',
  }),
});

/**
 * Kafka's InsertHeader. The header is added after any existing ones of the same name, so
 * readers that take the last header see it. Kafka infers a type for the literal
 * (`Values.parseString`); here it is always a STRING header.
 */
export const insertHeader = defineSimpleTransform({
  name: 'InsertHeader',
  version: TRANSFORMS_VERSION,
  description: 'Adds a header with a fixed string value to each record',
  config: insertHeaderConfig,
  create(config) {
    const header = { key: config.header, schema: Schemas.STRING, value: config['value.literal'] };
    return <R extends ConnectRecord>(record: R): R => ({ ...record, headers: [...record.headers, header] });
  },
});
