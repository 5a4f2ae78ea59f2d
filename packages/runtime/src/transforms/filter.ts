/**
 * Filter: drops every record. Useful only with a predicate
 * (`transforms.drop.predicate=isTombstone`), as Kafka's `Filter`.
 */
import { defineConfig } from '@tributary/api';
import { defineSimpleTransform, TRANSFORMS_VERSION } from './support.js';

export const filter = defineSimpleTransform({
  name: 'Filter',
  version: TRANSFORMS_VERSION,
  description:
    'Drops all records; meant to be used with a predicate to drop the records that match (or do not match) it',
  config: defineConfig({}),
  create() {
    return () => null;
  },
});
