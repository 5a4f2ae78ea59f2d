/** RecordIsTombstone: true for records whose value is null, as Kafka's `RecordIsTombstone`. */
import { type ConnectRecord, defineConfig, definePredicate } from '@tributary/api';
import { TRANSFORMS_VERSION } from '../transforms/support.js';

export const recordIsTombstone = definePredicate({
  name: 'RecordIsTombstone',
  aliases: ['org.apache.kafka.connect.transforms.predicates.RecordIsTombstone'],
  version: TRANSFORMS_VERSION,
  description: 'True for records which are tombstones (have a null value)',
  config: defineConfig({}),
  create() {
    return { test: (record: ConnectRecord) => record.value === null || record.value === undefined };
  },
});
