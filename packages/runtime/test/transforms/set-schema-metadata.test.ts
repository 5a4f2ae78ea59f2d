import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, SchemaBuilder, Schemas, Struct } from '@tributary/api';
import { setSchemaMetadataKey, setSchemaMetadataValue } from '../../src/transforms/set-schema-metadata.js';
import { configure, record, structOf } from './fixtures.js';

function set(props: Record<string, string>, plugin = setSchemaMetadataValue) {
  return configure(plugin, props);
}

const ADDRESS = SchemaBuilder.struct().name('address').field('city', Schemas.STRING).build();
const SCHEMA = SchemaBuilder.struct()
  .name('old')
  .version(1)
  .doc('orders')
  .field('id', Schemas.INT64)
  .field('qty', SchemaBuilder.int32().optional().defaultValue(1).build())
  .field('address', ADDRESS)
  .build();

function order(): Struct {
  return new Struct(SCHEMA).put('id', 9).put('address', new Struct(ADDRESS).put('city', 'Oslo'));
}

describe('SetSchemaMetadata', () => {
  it('has $Key and $Value plugins aliased to the Java classes', () => {
    assert.deepEqual(setSchemaMetadataKey.aliases, ['org.apache.kafka.connect.transforms.SetSchemaMetadata$Key']);
    assert.deepEqual(setSchemaMetadataValue.aliases, ['org.apache.kafka.connect.transforms.SetSchemaMetadata$Value']);
  });

  it('sets name and version and rebuilds the struct against the new schema', () => {
    const out = set({ 'schema.name': 'com.acme.Order', 'schema.version': '7' }).apply(
      record({ valueSchema: SCHEMA, value: order() }),
    );
    assert.ok(out !== null);
    const schema = out.valueSchema;
    assert.ok(schema !== null);
    assert.equal(schema.name, 'com.acme.Order');
    assert.equal(schema.version, 7);
    assert.equal(schema.doc, 'orders');
    assert.deepEqual(
      schema.fields.map((f) => f.name),
      ['id', 'qty', 'address'],
    );
    const v = out.value as Struct;
    assert.equal(v.schema, schema);
    v.validate();
    assert.equal(v.get('id'), 9);
    assert.equal(v.getWithoutDefault('qty'), 1);
    assert.equal((v.get('address') as Struct).get('city'), 'Oslo');
  });

  it('keeps the parts not configured', () => {
    const onlyVersion = set({ 'schema.version': '2' }).apply(record({ valueSchema: SCHEMA, value: order() }));
    assert.equal(onlyVersion?.valueSchema?.name, 'old');
    assert.equal(onlyVersion?.valueSchema?.version, 2);
    const onlyName = set({ 'schema.name': 'n' }).apply(record({ valueSchema: SCHEMA, value: order() }));
    assert.equal(onlyName?.valueSchema?.version, 1);
  });

  it('keeps null for a defaulted field when replace.null.with.default is false', () => {
    const out = set({ 'schema.name': 'n', 'replace.null.with.default': 'false' }).apply(
      record({ valueSchema: SCHEMA, value: order() }),
    );
    assert.equal(structOf(out?.value).getWithoutDefault('qty'), null);
  });

  it('renames primitive, array and map schemas, and keeps a null value', () => {
    const out = set({ 'schema.name': 'id' }, setSchemaMetadataKey).apply(
      record({ keySchema: Schemas.OPTIONAL_STRING, key: 'k1' }),
    );
    assert.equal(out?.keySchema?.name, 'id');
    assert.equal(out?.keySchema?.isOptional, true);
    assert.equal(out?.key, 'k1');
    const list = SchemaBuilder.array(Schemas.INT32).build();
    const arr = set({ 'schema.name': 'ints' }).apply(record({ valueSchema: list, value: [1] }));
    assert.equal(arr?.valueSchema?.valueSchema, Schemas.INT32);
    const tombstone = set({ 'schema.name': 'x' }).apply(
      record({ valueSchema: SchemaBuilder.from(SCHEMA).optional().build() }),
    );
    assert.equal(tombstone?.value, null);
    assert.equal(tombstone?.valueSchema?.name, 'x');
  });

  it('passes a schemaless null through and rejects schemaless data', () => {
    const empty = record();
    assert.equal(set({ 'schema.name': 'x' }).apply(empty), empty);
    assert.throws(
      () => set({ 'schema.name': 'x' }).apply(record({ value: { a: 1 } })),
      (e: unknown) => e instanceof DataError && /Schema required for \[updating schema metadata\]/.test(e.message),
    );
  });

  it('requires schema.name or schema.version, naming the key', () => {
    assert.throws(
      () => set({}),
      (e: unknown) =>
        e instanceof ConfigError && e.problems[0]?.key === 'schema.name' && /schema\.version/.test(e.message),
    );
    assert.throws(
      () => set({ 'schema.version': 'two' }),
      (e: unknown) => e instanceof ConfigError && e.problems[0]?.key === 'schema.version',
    );
  });
});
