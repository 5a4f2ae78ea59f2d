import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchemaBuilder, Schemas, Struct } from '@tributary/api';
import { filter } from '../../src/transforms/filter.js';
import { configure, record } from './fixtures.js';

describe('Filter', () => {
  it('is aliased to the Java class name and takes no config', () => {
    assert.deepEqual(filter.aliases, ['org.apache.kafka.connect.transforms.Filter']);
    assert.deepEqual(Object.keys(filter.config.keys), []);
  });

  it('drops records with and without schemas, and tombstones', () => {
    const t = configure(filter);
    const schema = SchemaBuilder.struct().field('a', Schemas.INT32).build();
    assert.equal(t.apply(record({ valueSchema: schema, value: new Struct(schema).put('a', 1) })), null);
    assert.equal(t.apply(record({ value: { a: 1 } })), null);
    assert.equal(t.apply(record({ value: null })), null);
  });
});
