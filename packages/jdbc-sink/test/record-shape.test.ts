import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, type Schema, SchemaBuilder, Schemas, type SinkRecord, Struct } from '@tributary/api';
import type { PkMode } from '../src/config.js';
import { type RecordRow, recordRow, type ShapeOptions } from '../src/record-shape.js';

const VALUE = SchemaBuilder.struct()
  .field('id', Schemas.INT32)
  .field('name', Schemas.OPTIONAL_STRING)
  .field('qty', Schemas.OPTIONAL_INT32)
  .build();
const KEY = SchemaBuilder.struct().field('k2', Schemas.STRING).field('k1', Schemas.INT32).build();

function record(parts: Partial<SinkRecord>): SinkRecord {
  return {
    topic: 'orders',
    kafkaPartition: 2,
    kafkaOffset: 41,
    key: null,
    keySchema: null,
    value: null,
    valueSchema: null,
    timestamp: null,
    headers: [],
    timestampType: 'CreateTime',
    originalTopic: 'orders',
    originalKafkaPartition: 2,
    originalKafkaOffset: 41,
    ...parts,
  };
}

function options(pkMode: PkMode, pkFields: string[] = [], more: Partial<ShapeOptions> = {}): ShapeOptions {
  return {
    pkMode,
    pkFields,
    fieldsWhitelist: [],
    isDeleteEnabled: false,
    insertMode: 'upsert',
    replaceNullWithDefault: true,
    stringValueColumn: 'record_value',
    ...more,
  };
}

const value = () => new Struct(VALUE).put('id', 7).put('name', 'pen').put('qty', 3);
const key = () => new Struct(KEY).put('k2', 'b').put('k1', 1);
const withValue = (more: Partial<SinkRecord> = {}) => record({ value: value(), valueSchema: VALUE, ...more });
const names = (cols: readonly { name: string }[]) => cols.map((c) => c.name);
const columnValue = (row: RecordRow, name: string) =>
  row.values[names([...row.shape.keyColumns, ...row.shape.valueColumns]).indexOf(name)];

function fails(r: SinkRecord, o: ShapeOptions, pattern: RegExp): void {
  assert.throws(
    () => recordRow(r, o),
    (err: unknown) => {
      assert.ok(err instanceof DataError);
      assert.match(err.message, /orders-2@41/);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('pk.mode × pk.fields', () => {
  it('none: no key columns, every value field', () => {
    const row = recordRow(withValue(), options('none'));
    assert.deepEqual(names(row.shape.keyColumns), []);
    assert.deepEqual(names(row.shape.valueColumns), ['id', 'name', 'qty']);
  });

  it('kafka: the default names with topic, partition and offset, first in table order; or exactly three renames', () => {
    const row = recordRow(withValue(), options('kafka'));
    assert.deepEqual(names(row.shape.keyColumns), ['__connect_topic', '__connect_partition', '__connect_offset']);
    assert.deepEqual(names(row.shape.columns), [
      '__connect_topic',
      '__connect_partition',
      '__connect_offset',
      'id',
      'name',
      'qty',
    ]);
    assert.deepEqual(row.values.slice(0, 3), ['orders', 2, 41n]);
    const renamed = recordRow(withValue(), options('kafka', ['t', 'p', 'o']));
    assert.deepEqual(names(renamed.shape.keyColumns), ['t', 'p', 'o']);
  });

  it('record_key, struct key: all key fields, or the named subset; key fields after the value fields, sorted', () => {
    const all = recordRow(withValue({ key: key(), keySchema: KEY }), options('record_key'));
    assert.deepEqual(names(all.shape.keyColumns), ['k2', 'k1']);
    assert.deepEqual(names(all.shape.columns), ['id', 'name', 'qty', 'k1', 'k2']);
    const some = recordRow(withValue({ key: key(), keySchema: KEY }), options('record_key', ['k1']));
    assert.deepEqual(names(some.shape.keyColumns), ['k1']);
    fails(withValue({ key: key(), keySchema: KEY }), options('record_key', ['nope']), /pk\.fields names "nope"/);
  });

  it('record_key, primitive key: exactly one pk.fields name, the column', () => {
    const row = recordRow(withValue({ key: 5n, keySchema: Schemas.INT64 }), options('record_key', ['oid']));
    assert.deepEqual(names(row.shape.keyColumns), ['oid']);
    assert.equal(columnValue(row, 'oid'), 5n);
    fails(withValue({ key: 5n, keySchema: Schemas.INT64 }), options('record_key'), /exactly one name in pk\.fields/);
    fails(withValue({ key: 5n, keySchema: Schemas.INT64 }), options('record_key', ['a', 'b']), /exactly one name/);
    fails(withValue(), options('record_key', ['id']), /non-null record key/);
  });

  it('record_value: all value fields without pk.fields (no other columns left), or the named ones', () => {
    const all = recordRow(withValue(), options('record_value'));
    assert.deepEqual(names(all.shape.keyColumns), ['id', 'name', 'qty']);
    assert.deepEqual(names(all.shape.valueColumns), []);
    const one = recordRow(withValue(), options('record_value', ['id']));
    assert.deepEqual(names(one.shape.keyColumns), ['id']);
    assert.deepEqual(names(one.shape.valueColumns), ['name', 'qty']);
    fails(withValue(), options('record_value', ['missing']), /not a field of the record value/);
  });

  it('fields.whitelist filters non-key value fields only', () => {
    const row = recordRow(withValue(), options('record_value', ['id'], { fieldsWhitelist: ['qty'] }));
    assert.deepEqual(names(row.shape.keyColumns), ['id']);
    assert.deepEqual(names(row.shape.valueColumns), ['qty']);
  });

  it('tombstones: deletes by key with delete.enabled, an error naming the record otherwise', () => {
    const tomb = record({ key: key(), keySchema: KEY });
    const row = recordRow(tomb, options('record_key', [], { isDeleteEnabled: true }));
    assert.equal(row.isDelete, true);
    assert.deepEqual(names(row.shape.keyColumns), ['k2', 'k1']);
    fails(tomb, options('record_key'), /tombstone.*delete\.enabled=true/);
  });

  it('records without a schema: plain objects, inferred types, required key columns', () => {
    const row = recordRow(
      record({ key: { id: 1 }, value: { n: 2, f: 1.5, s: 'x', b: true, o: { a: 1 }, z: null } }),
      options('record_key'),
    );
    const types = Object.fromEntries(
      row.shape.columns.map((c) => [c.name, `${c.schema.type}${c.schema.isOptional ? '?' : ''}`]),
    );
    assert.deepEqual(types, {
      n: 'int64?',
      f: 'float64?',
      s: 'string?',
      b: 'boolean?',
      o: 'string?',
      z: 'string?',
      id: 'int64',
    });
    assert.ok(row.shape.columns.every((c) => c.isInferred));
    fails(record({ value: [1, 2] }), options('none'), /array value without a schema/);
  });

  it('a STRING value schema goes to string.output.value.column.name', () => {
    const row = recordRow(record({ value: 'hello', valueSchema: Schemas.STRING }), options('kafka'));
    assert.deepEqual(names(row.shape.valueColumns), ['record_value']);
    assert.equal(columnValue(row, 'record_value'), 'hello');
  });

  it('the shape signature changes with the fields and their types, not with the values', () => {
    const a = recordRow(withValue(), options('none')).shape.signature;
    const b = recordRow(withValue({ value: new Struct(VALUE).put('id', 8) }), options('none')).shape.signature;
    const wider: Schema = SchemaBuilder.struct()
      .field('id', Schemas.INT64)
      .field('name', Schemas.OPTIONAL_STRING)
      .field('qty', Schemas.OPTIONAL_INT32)
      .build();
    const c = recordRow(record({ value: new Struct(wider).put('id', 8n), valueSchema: wider }), options('none')).shape
      .signature;
    assert.equal(a, b);
    assert.notEqual(a, c);
  });
});
