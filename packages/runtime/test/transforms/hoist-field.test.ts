import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, SchemaBuilder, Schemas, Struct } from '@tributary/api';
import { hoistFieldKey, hoistFieldValue } from '../../src/transforms/hoist-field.js';
import { configure, record, structOf } from './fixtures.js';

function hoist(props: Record<string, string>, part: 'key' | 'value' = 'value') {
  return configure(part === 'key' ? hoistFieldKey : hoistFieldValue, props);
}

describe('HoistField', () => {
  it('declares $Key and $Value with the Java class names as aliases', () => {
    assert.deepEqual(hoistFieldKey.aliases, ['org.apache.kafka.connect.transforms.HoistField$Key']);
    assert.deepEqual(hoistFieldValue.aliases, ['org.apache.kafka.connect.transforms.HoistField$Value']);
  });

  it('wraps a value with a schema in a one-field struct, building the schema once', () => {
    const t = hoist({ field: 'id' }, 'key');
    const out = t.apply(record({ keySchema: Schemas.INT64, key: 42, value: 'v' }));
    assert.equal(out?.keySchema?.type, 'struct');
    assert.equal(out?.keySchema?.field('id')?.schema, Schemas.INT64);
    assert.equal(structOf(out?.key).get('id'), 42);
    assert.equal(out?.value, 'v');
    assert.equal(t.apply(record({ keySchema: Schemas.INT64, key: 43 }))?.keySchema, out?.keySchema);
  });

  it('wraps a struct in a struct', () => {
    const inner = SchemaBuilder.struct().field('a', Schemas.INT32).build();
    const value = new Struct(inner).put('a', 1);
    const out = hoist({ field: 'payload' }).apply(record({ valueSchema: inner, value }));
    assert.equal(structOf(out?.value).get('payload'), value);
  });

  it('wraps a schemaless value (null too) in a map', () => {
    assert.deepEqual(hoist({ field: 'line' }).apply(record({ value: 'hello' }))?.value, { line: 'hello' });
    assert.deepEqual(hoist({ field: 'line' }).apply(record({ value: null }))?.value, { line: null });
  });

  it('keeps a null value with an optional schema, and fails for a required one', () => {
    const out = hoist({ field: 'x' }).apply(record({ valueSchema: Schemas.OPTIONAL_STRING, value: null }));
    assert.equal(structOf(out?.value).get('x'), null);
    assert.throws(
      () => hoist({ field: 'x' }).apply(record({ valueSchema: Schemas.STRING, value: null })),
      (err: unknown) => err instanceof DataError && err.message.includes('"x"'),
    );
  });

  it('requires the field key', () => {
    assert.throws(
      () => hoistFieldValue.config.parse({}),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'field',
    );
    assert.throws(
      () => hoistFieldValue.config.parse({ field: ' ' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'field',
    );
  });
});
