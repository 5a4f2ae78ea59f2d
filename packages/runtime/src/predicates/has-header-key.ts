/** HasHeaderKey: true for records with at least one header called `name`, as Kafka's `HasHeaderKey`. */
import { type ConnectRecord, defineConfig, definePredicate, string } from '@tributary/api';
import { TRANSFORMS_VERSION } from '../transforms/support.js';

const config = defineConfig({
  name: string({ nonEmpty: true, doc: 'The header name.' }),
});

export const hasHeaderKey = definePredicate({
  name: 'HasHeaderKey',
  aliases: ['org.apache.kafka.connect.transforms.predicates.HasHeaderKey'],
  version: TRANSFORMS_VERSION,
  description: 'True for records with at least one header with the configured name',
  config,
  create(values) {
    const name = values.name;
    return { test: (record: ConnectRecord) => record.headers.some((h) => h.key === name) };
  },
});
