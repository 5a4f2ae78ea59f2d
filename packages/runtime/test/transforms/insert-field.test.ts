import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, SchemaBuilder, Schemas, Struct, Timestamp } from '@tributary/api';
import { insertFieldKey, insertFieldValue } from '../../src/transforms/insert-field.js';
import { configure, orderBuilder, sinkRecord, sourceRecord, structOf } from './fixtures.js';

function insertField(props: Record<string, string>, part: 'key' | 'value' = 'value') {
  return configure(part === 'key' ? insertFieldKey : insertFieldValue, props);
}

const schema = orderBuilder().field('note', SchemaBuilder.string().optional().defaultValue('none').build()).build();

const all = {
  'topic.field': 'topic!',
  'partition.field': 'partition',
  'offset.field': 'offset?',
  'timestamp.field': 'ts',
  'static.field': 'origin',
  'static.value': 'db1',
};

describe('InsertField', () => {
  it('declares $Key and $Value with the Java class names as aliases', () => {
    assert.deepEqual(insertFieldKey.aliases, ['org.apache.kafka.connect.transforms.InsertField$Key']);
    assert.deepEqual(insertFieldValue.aliases, ['org.apache.kafka.connect.transforms.InsertField$Value']);
  });

  it('adds metadata fields to a struct, with ! required and ? or nothing optional', () => {
    const t = insertField(all);
    const out = t.apply(sinkRecord({ valueSchema: schema, value: new Struct(schema).put('id', 1) }));
    const s = out?.valueSchema;
    assert.ok(s);
    assert.equal(s.name, 'order');
    assert.deepEqual(
      s.fields.map((f) => [f.name, f.schema.type, f.schema.isOptional]),
      [
        ['id', 'int64', false],
        ['note', 'string', true],
        ['topic', 'string', false],
        ['partition', 'int32', true],
        ['offset', 'int64', true],
        ['ts', 'int64', true],
        ['origin', 'string', true],
      ],
    );
    assert.equal(s.field('ts')?.schema.name, Timestamp.LOGICAL_NAME);
    const v = structOf(out?.value);
    assert.equal(v.get('id'), 1);
    assert.equal(v.getWithoutDefault('note'), 'none');
    assert.equal(v.get('topic'), 'orders');
    assert.equal(v.get('partition'), 3);
    assert.equal(v.get('offset'), 99);
    assert.deepEqual(v.get('ts'), new Date(1_700_000_000_000));
    assert.equal(v.get('origin'), 'db1');
    assert.equal(t.apply(sinkRecord({ valueSchema: schema, value: new Struct(schema).put('id', 2) }))?.valueSchema, s);
  });

  it('keeps nulls of copied fields when replace.null.with.default=false', () => {
    const out = insertField({ 'topic.field': 't', 'replace.null.with.default': 'false' }).apply(
      sourceRecord({ valueSchema: schema, value: new Struct(schema).put('id', 1) }),
    );
    assert.equal(structOf(out?.value).getWithoutDefault('note'), null);
  });

  it('adds metadata entries to a schemaless map, the timestamp as milliseconds', () => {
    const out = insertField(all, 'key').apply(sinkRecord({ key: { id: 1 }, value: 'v' }));
    assert.deepEqual(out?.key, {
      id: 1,
      topic: 'orders',
      partition: 3,
      offset: 99,
      ts: 1_700_000_000_000,
      origin: 'db1',
    });
    assert.equal(out?.value, 'v');
  });

  it('skips the partition and timestamp when the record has none', () => {
    const out = insertField({ 'partition.field': 'p', 'timestamp.field': 'ts' }).apply(
      sourceRecord({ kafkaPartition: null, timestamp: null, value: { id: 1 } }),
    );
    assert.deepEqual(out?.value, { id: 1 });
  });

  it('passes null values through', () => {
    const r = sourceRecord({ valueSchema: schema, value: null });
    assert.equal(insertField({ 'topic.field': 't' }).apply(r), r);
  });

  it('fails naming the field for an offset on a source record', () => {
    assert.throws(
      () => insertField({ 'offset.field': 'off' }).apply(sourceRecord({ value: { id: 1 } })),
      (err: unknown) => err instanceof DataError && err.message.includes('"off"'),
    );
  });

  it('fails naming the field when it already exists in the schema', () => {
    assert.throws(
      () =>
        insertField({ 'topic.field': 'id' }).apply(
          sourceRecord({ valueSchema: schema, value: new Struct(schema).put('id', 1) }),
        ),
      (err: unknown) => err instanceof DataError && err.message.includes('"id"'),
    );
  });

  it('needs a struct or a map', () => {
    assert.throws(
      () => insertField({ 'topic.field': 't' }).apply(sourceRecord({ value: 'text' })),
      /Only Map objects supported in absence of schema for \[field insertion\]/,
    );
    assert.throws(
      () => insertField({ 'topic.field': 't' }).apply(sourceRecord({ valueSchema: Schemas.STRING, value: 'text' })),
      /Only Struct objects supported for \[field insertion\]/,
    );
  });

  it('reports config errors', () => {
    assert.throws(
      () => insertField({}),
      (err: unknown) => err instanceof ConfigError && /No field insertion configured/.test(err.message),
    );
    assert.throws(
      () => insertField({ 'static.field': 'origin' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'static.value',
    );
    assert.throws(
      () => insertField({ 'topic.field': '!' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'topic.field',
    );
  });
});
