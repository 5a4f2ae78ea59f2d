import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, SchemaBuilder, Schemas, Struct } from '@tributary/api';
import { replaceFieldKey, replaceFieldValue } from '../../src/transforms/replace-field.js';
import { configure, orderBuilder, record, structOf } from './fixtures.js';

function replace(props: Record<string, string>, plugin = replaceFieldValue) {
  return configure(plugin, props);
}

const SCHEMA = orderBuilder()
  .version(3)
  .doc('an order')
  .parameter('source', 'db')
  .field('customer', Schemas.STRING)
  .field('secret', Schemas.OPTIONAL_STRING)
  .field('qty', SchemaBuilder.int32().optional().defaultValue(1).build())
  .build();

function order(): Struct {
  return new Struct(SCHEMA).put('id', 5).put('customer', 'ann').put('secret', 's3');
}

describe('ReplaceField', () => {
  it('has $Key and $Value plugins aliased to the Java classes', () => {
    assert.deepEqual(replaceFieldKey.aliases, ['org.apache.kafka.connect.transforms.ReplaceField$Key']);
    assert.deepEqual(replaceFieldValue.aliases, ['org.apache.kafka.connect.transforms.ReplaceField$Value']);
  });

  it('excludes and renames struct fields, keeping the schema name, version, doc and parameters', () => {
    const out = replace({ exclude: 'secret', renames: 'id:order_id,customer:who' }).apply(
      record({ valueSchema: SCHEMA, value: order() }),
    );
    assert.ok(out !== null);
    const schema = out.valueSchema;
    assert.ok(schema !== null);
    assert.deepEqual(
      schema.fields.map((f) => f.name),
      ['order_id', 'who', 'qty'],
    );
    assert.equal(schema.name, 'order');
    assert.equal(schema.version, 3);
    assert.equal(schema.doc, 'an order');
    assert.deepEqual(schema.parameters, { source: 'db' });
    const v = out.value as Struct;
    assert.equal(v.schema, schema);
    assert.equal(v.get('order_id'), 5);
    assert.equal(v.get('who'), 'ann');
    assert.equal(v.getWithoutDefault('qty'), 1);
  });

  it('keeps only the included fields, exclude winning over include', () => {
    const out = replace({ include: 'id,customer,nope', exclude: 'customer' }).apply(
      record({ valueSchema: SCHEMA, value: order() }),
    );
    assert.deepEqual(
      out?.valueSchema?.fields.map((f) => f.name),
      ['id'],
    );
  });

  it('builds the new schema once per input schema', () => {
    const transform = replace({ exclude: 'secret' });
    const a = transform.apply(record({ valueSchema: SCHEMA, value: order() }));
    const b = transform.apply(record({ valueSchema: SCHEMA, value: order() }));
    assert.equal(a?.valueSchema, b?.valueSchema);
  });

  it('keeps null for defaulted fields when replace.null.with.default is false', () => {
    const out = replace({ exclude: 'secret', 'replace.null.with.default': 'false' }).apply(
      record({ valueSchema: SCHEMA, value: order() }),
    );
    assert.equal(structOf(out?.value).getWithoutDefault('qty'), null);
  });

  it('fails naming the field when a rename collides with a kept field', () => {
    assert.throws(
      () => replace({ renames: 'customer:id' }).apply(record({ valueSchema: SCHEMA, value: order() })),
      (e: unknown) => e instanceof DataError && /field "customer" to "id"/.test(e.message),
    );
  });

  it('filters and renames schemaless maps in order', () => {
    const value = { id: 1, customer: 'ann', secret: 's' };
    const out = replace({ exclude: 'secret', renames: 'customer:who' }).apply(record({ value }));
    assert.deepEqual(out?.value, { id: 1, who: 'ann' });
    assert.equal(out?.valueSchema, null);
    assert.deepEqual(Object.keys(value), ['id', 'customer', 'secret']);
  });

  it('works on the key with ReplaceField$Key', () => {
    const out = replace({ include: 'id' }, replaceFieldKey).apply(
      record({ key: { id: 1, x: 2 }, value: { id: 1, x: 2 } }),
    );
    assert.deepEqual(out?.key, { id: 1 });
    assert.deepEqual(out?.value, { id: 1, x: 2 });
  });

  it('accepts the deprecated blacklist and whitelist as exclude and include', () => {
    const value = { a: 1, b: 2, c: 3 };
    assert.deepEqual(replace({ blacklist: 'a' }).apply(record({ value }))?.value, { b: 2, c: 3 });
    assert.deepEqual(replace({ whitelist: 'a,b' }).apply(record({ value }))?.value, { a: 1, b: 2 });
    assert.deepEqual(replace({ exclude: 'b', blacklist: 'a' }).apply(record({ value }))?.value, { a: 1, c: 3 });
  });

  it('passes tombstones through and rejects values that are neither maps nor structs', () => {
    const tombstone = record({ valueSchema: SCHEMA });
    assert.equal(replace({ exclude: 'a' }).apply(tombstone), tombstone);
    assert.throws(
      () => replace({ exclude: 'a' }).apply(record({ value: [1] })),
      /Only Map objects supported in absence of schema for \[field replacement\]/,
    );
    assert.throws(
      () => replace({ exclude: 'a' }).apply(record({ valueSchema: Schemas.INT32, value: 1 })),
      /Only Struct objects supported for \[field replacement\]/,
    );
  });

  it('rejects rename mappings that are not old:new pairs, naming the key', () => {
    for (const renames of ['a', 'a:b:c', ':b', 'a:']) {
      assert.throws(
        () => replaceFieldValue.config.parse({ renames }),
        (e: unknown) =>
          e instanceof ConfigError && e.problems[0]?.key === 'renames' && /Invalid rename mapping/.test(e.message),
        renames,
      );
    }
  });
});
