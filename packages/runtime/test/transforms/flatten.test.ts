import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, Decimal, SchemaBuilder, Schemas, Struct } from '@tributary/api';
import { flattenKey, flattenValue } from '../../src/transforms/flatten.js';
import { configure, record, structOf } from './fixtures.js';

function flatten(props: Record<string, string> = {}, part: 'key' | 'value' = 'value') {
  return configure(part === 'key' ? flattenKey : flattenValue, props);
}

const geo = SchemaBuilder.struct().field('lat', Schemas.FLOAT64).field('lon', Schemas.FLOAT64).build();
const address = SchemaBuilder.struct().optional().field('city', Schemas.STRING).field('geo', geo).build();
const customer = SchemaBuilder.struct()
  .name('customer')
  .field('id', Schemas.INT64)
  .field('amount', Decimal.schema(2))
  .field('tags', SchemaBuilder.array(Schemas.STRING).build())
  .field('address', address)
  .build();

describe('Flatten', () => {
  it('declares $Key and $Value with the Java class names as aliases', () => {
    assert.deepEqual(flattenKey.aliases, ['org.apache.kafka.connect.transforms.Flatten$Key']);
    assert.deepEqual(flattenValue.aliases, ['org.apache.kafka.connect.transforms.Flatten$Value']);
  });

  it('flattens nested structs, propagating optionality and keeping arrays and logical types', () => {
    const value = new Struct(customer)
      .put('id', 1)
      .put('amount', '9.99')
      .put('tags', ['a', 'b'])
      .put(
        'address',
        new Struct(address).put('city', 'Oslo').put('geo', new Struct(geo).put('lat', 59.9).put('lon', 10.7)),
      );
    const out = flatten().apply(record({ valueSchema: customer, value }));
    const schema = out?.valueSchema;
    assert.ok(schema);
    assert.equal(schema.name, 'customer');
    assert.deepEqual(
      schema.fields.map((f) => [f.name, f.schema.type, f.schema.isOptional]),
      [
        ['id', 'int64', false],
        ['amount', 'bytes', false],
        ['tags', 'array', false],
        ['address.city', 'string', true],
        ['address.geo.lat', 'float64', true],
        ['address.geo.lon', 'float64', true],
      ],
    );
    assert.equal(schema.field('amount')?.schema.name, Decimal.LOGICAL_NAME);
    const s = structOf(out?.value);
    assert.equal(s.get('address.city'), 'Oslo');
    assert.equal(s.get('address.geo.lon'), 10.7);
    assert.deepEqual(s.get('tags'), ['a', 'b']);
    assert.equal(s.get('amount'), '9.99');
  });

  it('leaves the fields of a null optional struct null, and caches the schema', () => {
    const t = flatten({ delimiter: '_' }, 'key');
    const a = t.apply(
      record({ keySchema: customer, key: new Struct(customer).put('id', 1).put('amount', '1').put('tags', []) }),
    );
    const b = t.apply(
      record({ keySchema: customer, key: new Struct(customer).put('id', 2).put('amount', '2').put('tags', []) }),
    );
    assert.equal(a?.keySchema, b?.keySchema);
    assert.equal(structOf(a?.key).get('address_city'), null);
    assert.equal(structOf(b?.key).get('id'), 2);
  });

  it('takes defaults from the nearest struct default above a field', () => {
    const innerDefault = SchemaBuilder.struct()
      .field('x', Schemas.INT32)
      .field('y', SchemaBuilder.int32().defaultValue(5).build())
      .build();
    const inner = SchemaBuilder.struct()
      .field('x', Schemas.INT32)
      .field('y', SchemaBuilder.int32().defaultValue(5).build())
      .optional()
      .defaultValue(new Struct(innerDefault).put('x', 3))
      .build();
    const outer = SchemaBuilder.struct().field('inner', inner).build();
    const out = flatten().apply(record({ valueSchema: outer, value: new Struct(outer) }));
    assert.equal(out?.valueSchema?.field('inner.x')?.schema.defaultValue, 3);
    assert.equal(out?.valueSchema?.field('inner.y')?.schema.defaultValue, 5);
    assert.equal(structOf(out?.value).get('inner.x'), 3);
  });

  it('flattens schemaless maps and keeps arrays and nulls', () => {
    const out = flatten({ delimiter: '#' }).apply(
      record({ value: { id: 1, a: { b: { c: 'deep' }, n: null }, list: [{ x: 1 }] } }),
    );
    assert.deepEqual(out?.value, { id: 1, 'a#b#c': 'deep', 'a#n': null, list: [{ x: 1 }] });
    assert.equal(out?.valueSchema, null);
  });

  it('passes null values through', () => {
    const r = record({ valueSchema: SchemaBuilder.struct().optional().field('a', Schemas.INT32).build(), value: null });
    assert.equal(flatten().apply(r), r);
  });

  it('fails naming the field for maps inside structs and unsupported schemaless values', () => {
    const withMap = SchemaBuilder.struct()
      .field('attrs', SchemaBuilder.map(Schemas.STRING, Schemas.STRING).build())
      .build();
    assert.throws(
      () => flatten().apply(record({ valueSchema: withMap, value: new Struct(withMap).put('attrs', new Map()) })),
      (err: unknown) => err instanceof DataError && /field attrs/.test(err.message),
    );
    assert.throws(
      () => flatten().apply(record({ value: { when: new Date(0) } })),
      (err: unknown) => err instanceof DataError && /field when/.test(err.message),
    );
  });

  it('fails when flattened names collide', () => {
    const inner = SchemaBuilder.struct().field('b', Schemas.INT32).build();
    const schema = SchemaBuilder.struct().field('a', inner).field('a.b', Schemas.INT32).build();
    assert.throws(
      () =>
        flatten().apply(
          record({
            valueSchema: schema,
            value: new Struct(schema).put('a', new Struct(inner).put('b', 1)).put('a.b', 2),
          }),
        ),
      (err: unknown) => err instanceof DataError && err.message.includes('"a.b"'),
    );
  });

  it('needs a struct or a map', () => {
    assert.throws(
      () => flatten().apply(record({ value: 'text' })),
      /Only Map objects supported in absence of schema for \[flattening\]/,
    );
    assert.throws(
      () => flatten().apply(record({ valueSchema: Schemas.STRING, value: 'text' })),
      /Only Struct objects supported for \[flattening\]/,
    );
  });

  it('has delimiter "." by default', () => {
    assert.equal(flattenValue.config.parse({}).delimiter, '.');
  });
});
