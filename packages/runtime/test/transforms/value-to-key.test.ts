import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, SchemaBuilder, Schemas, Struct } from '@tributary/api';
import { valueToKey } from '../../src/transforms/value-to-key.js';
import { configure, orderBuilder, record, structOf } from './fixtures.js';

function transform(props: Record<string, string>) {
  return configure(valueToKey, props);
}

const SCHEMA = orderBuilder()
  .field('region', Schemas.STRING)
  .field('note', Schemas.OPTIONAL_STRING)
  .field('tier', SchemaBuilder.int32().optional().defaultValue(3).build())
  .build();

function order(): Struct {
  return new Struct(SCHEMA).put('id', 11).put('region', 'eu');
}

describe('ValueToKey', () => {
  it('is also known by its Java class name', () => {
    assert.deepEqual(valueToKey.aliases, ['org.apache.kafka.connect.transforms.ValueToKey']);
  });

  it('makes the key a struct of the named value fields, in the order given', () => {
    const value = order();
    const out = transform({ fields: 'region,id' }).apply(record({ valueSchema: SCHEMA, value }));
    assert.ok(out !== null);
    const keySchema = out.keySchema;
    assert.ok(keySchema !== null);
    assert.equal(keySchema.type, 'struct');
    assert.deepEqual(
      keySchema.fields.map((f) => [f.name, f.schema]),
      [
        ['region', Schemas.STRING],
        ['id', Schemas.INT64],
      ],
    );
    const key = out.key as Struct;
    assert.equal(key.schema, keySchema);
    assert.equal(key.get('region'), 'eu');
    assert.equal(key.get('id'), 11);
    assert.equal(out.value, value);
    assert.equal(out.valueSchema, SCHEMA);
  });

  it('builds the key schema once per value schema', () => {
    const t = transform({ fields: 'id' });
    assert.equal(
      t.apply(record({ valueSchema: SCHEMA, value: order() }))?.keySchema,
      t.apply(record({ valueSchema: SCHEMA, value: order() }))?.keySchema,
    );
  });

  it('copies defaults unless replace.null.with.default is false', () => {
    const withDefault = transform({ fields: 'tier' }).apply(record({ valueSchema: SCHEMA, value: order() }));
    assert.equal(structOf(withDefault?.key).getWithoutDefault('tier'), 3);
    const without = transform({ fields: 'tier', 'replace.null.with.default': 'false' }).apply(
      record({ valueSchema: SCHEMA, value: order() }),
    );
    assert.equal(structOf(without?.key).getWithoutDefault('tier'), null);
  });

  it('fails naming a field the value schema lacks', () => {
    assert.throws(
      () => transform({ fields: 'id,missing' }).apply(record({ valueSchema: SCHEMA, value: order() })),
      (e: unknown) => e instanceof DataError && e.message === 'Field does not exist: missing',
    );
  });

  it('makes a plain-object key from schemaless values, with null for absent fields', () => {
    const out = transform({ fields: 'id,absent' }).apply(
      record({ key: 'old', keySchema: Schemas.STRING, value: { id: 1, name: 'x' } }),
    );
    assert.deepEqual(out?.key, { id: 1, absent: null });
    assert.equal(out?.keySchema, null);
  });

  it('does not read inherited object properties as fields', () => {
    const out = transform({ fields: 'constructor,toString' }).apply(record({ value: { id: 1 } }));
    assert.deepEqual(out?.key, { constructor: null, toString: null });
  });

  it('rejects tombstones and values that are neither maps nor structs', () => {
    assert.throws(
      () => transform({ fields: 'id' }).apply(record()),
      /Only Map objects supported in absence of schema for \[copying fields from value to key\], found: null/,
    );
    assert.throws(
      () => transform({ fields: 'id' }).apply(record({ valueSchema: Schemas.STRING, value: 's' })),
      /Only Struct objects supported/,
    );
  });

  it('requires a non-empty fields list, naming the key', () => {
    for (const props of [{}, { fields: '' }]) {
      assert.throws(
        () => valueToKey.config.parse(props),
        (e: unknown) => e instanceof ConfigError && e.problems.length === 1 && e.problems[0]?.key === 'fields',
      );
    }
  });
});
