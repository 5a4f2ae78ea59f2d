import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  DataError,
  DateType,
  Decimal,
  type Schema,
  SchemaBuilder,
  Schemas,
  Struct,
  Timestamp,
} from '@tributary/api';
import { maskFieldKey, maskFieldValue } from '../../src/transforms/mask-field.js';
import { configure, record, structOf } from './fixtures.js';

function mask(props: Record<string, string>, plugin = maskFieldValue) {
  return configure(plugin, props);
}

const SCHEMA: Schema = SchemaBuilder.struct()
  .name('user')
  .field('id', Schemas.INT32)
  .field('age', Schemas.INT8)
  .field('big', Schemas.INT64)
  .field('score', Schemas.FLOAT64)
  .field('active', Schemas.BOOLEAN)
  .field('email', Schemas.STRING)
  .field('note', Schemas.OPTIONAL_STRING)
  .field('photo', Schemas.BYTES)
  .field('tags', SchemaBuilder.array(Schemas.STRING).build())
  .field('attrs', SchemaBuilder.map(Schemas.STRING, Schemas.STRING).build())
  .field('balance', Decimal.schema(2))
  .field('born', DateType.schema())
  .field('seen', Timestamp.schema())
  .build();

function user(): Struct {
  return new Struct(SCHEMA)
    .put('id', 7)
    .put('age', 42)
    .put('big', 2n ** 60n)
    .put('score', 9.5)
    .put('active', true)
    .put('email', 'a@b.c')
    .put('photo', new Uint8Array([1, 2]))
    .put('tags', ['x'])
    .put('attrs', new Map([['k', 'v']]))
    .put('balance', '12.34')
    .put('born', new Date(Date.UTC(1990, 4, 6)))
    .put('seen', new Date(1_705_326_330_123));
}

const ALL = 'age,big,score,active,email,note,photo,tags,attrs,balance,born,seen';

describe('MaskField', () => {
  it('has $Key and $Value plugins aliased to the Java classes', () => {
    assert.deepEqual(maskFieldKey.aliases, ['org.apache.kafka.connect.transforms.MaskField$Key']);
    assert.deepEqual(maskFieldValue.aliases, ['org.apache.kafka.connect.transforms.MaskField$Value']);
  });

  it('masks struct fields with the empty value of their schema type and leaves the others', () => {
    const out = mask({ fields: ALL }).apply(record({ valueSchema: SCHEMA, value: user() }));
    assert.ok(out !== null);
    assert.equal(out.valueSchema, SCHEMA);
    const v = out.value as Struct;
    assert.ok(v instanceof Struct);
    v.validate();
    assert.equal(v.get('id'), 7);
    assert.equal(v.get('age'), 0);
    assert.equal(v.get('big'), 0n);
    assert.equal(v.get('score'), 0);
    assert.equal(v.get('active'), false);
    assert.equal(v.get('email'), '');
    assert.equal(v.get('note'), null);
    assert.deepEqual(v.get('photo'), new Uint8Array(0));
    assert.deepEqual(v.get('tags'), []);
    assert.deepEqual(v.get('attrs'), new Map());
    assert.equal(v.get('balance'), '0.00');
    assert.deepEqual(v.get('born'), new Date(0));
    assert.deepEqual(v.get('seen'), new Date(0));
  });

  it('parses a replacement to each numeric or string field type', () => {
    const out = mask({ fields: 'id,age,big,score,email,balance', replacement: '12' }).apply(
      record({ valueSchema: SCHEMA, value: user() }),
    );
    const v = out?.value as Struct;
    assert.equal(v.get('id'), 12);
    assert.equal(v.get('age'), 12);
    assert.equal(v.get('big'), 12n);
    assert.equal(v.get('score'), 12);
    assert.equal(v.get('email'), '12');
    assert.equal(v.get('balance'), '12.00');
  });

  it('fails naming the field when the replacement cannot be had in its type', () => {
    const apply = (fields: string, replacement: string) => () =>
      mask({ fields, replacement }).apply(record({ valueSchema: SCHEMA, value: user() }));
    assert.throws(
      apply('age', '300'),
      (e: unknown) => e instanceof DataError && /field "age".*"300" is not a valid INT8/.test(e.message),
    );
    assert.throws(apply('id', 'abc'), (e: unknown) => e instanceof DataError && /field "id"/.test(e.message));
    assert.throws(
      apply('score', 'x'),
      (e: unknown) => e instanceof DataError && /field "score".*FLOAT64/.test(e.message),
    );
    assert.throws(
      apply('balance', '1.234'),
      (e: unknown) => e instanceof DataError && /field "balance".*Decimal/.test(e.message),
    );
    assert.throws(
      apply('active', '1'),
      (e: unknown) =>
        e instanceof DataError && /field "active" of type BOOLEAN with a custom replacement/.test(e.message),
    );
    assert.throws(
      apply('seen', '1'),
      (e: unknown) =>
        e instanceof DataError && /field "seen" of type org.apache.kafka.connect.data.Timestamp/.test(e.message),
    );
  });

  it('cannot mask a nested struct', () => {
    const inner = SchemaBuilder.struct().field('a', Schemas.INT32).build();
    const schema = SchemaBuilder.struct().field('inner', inner).build();
    const value = new Struct(schema).put('inner', new Struct(inner).put('a', 1));
    assert.throws(
      () => mask({ fields: 'inner' }).apply(record({ valueSchema: schema, value })),
      (e: unknown) => e instanceof DataError && /field "inner"/.test(e.message),
    );
  });

  it('masks the default of an unset field unless replace.null.with.default is false', () => {
    const schema = SchemaBuilder.struct()
      .field('pin', SchemaBuilder.int32().optional().defaultValue(1234).build())
      .build();
    const value = new Struct(schema);
    const withDefault = mask({ fields: 'pin' }).apply(record({ valueSchema: schema, value }));
    assert.equal(structOf(withDefault?.value).getWithoutDefault('pin'), 0);
    const withoutDefault = mask({ fields: 'pin', 'replace.null.with.default': 'false' }).apply(
      record({ valueSchema: schema, value }),
    );
    assert.equal(structOf(withoutDefault?.value).getWithoutDefault('pin'), null);
  });

  it('masks schemaless maps by the type of each value, leaving absent fields absent', () => {
    const value = {
      id: 1,
      name: 'Ann',
      n: 5n,
      ok: true,
      at: new Date(5),
      list: [1],
      obj: { a: 1 },
      none: null,
      keep: 'x',
    };
    const out = mask({ fields: 'id,name,n,ok,at,list,obj,none,missing' }).apply(record({ value }));
    assert.deepEqual(out?.value, {
      id: 0,
      name: '',
      n: 0n,
      ok: false,
      at: new Date(0),
      list: [],
      obj: {},
      none: null,
      keep: 'x',
    });
    assert.equal(value.id, 1);
  });

  it('does not mask inherited object properties', () => {
    const out = mask({ fields: 'toString,constructor' }).apply(record({ value: { id: 1 } }));
    assert.deepEqual(out?.value, { id: 1 });
  });

  it('applies a replacement to schemaless numbers and strings, and fails naming the field otherwise', () => {
    const out = mask({ fields: 'id,name', replacement: '99' }).apply(record({ value: { id: 1.5, name: 'Ann' } }));
    assert.deepEqual(out?.value, { id: 99, name: '99' });
    assert.throws(
      () => mask({ fields: 'id', replacement: 'nope' }).apply(record({ value: { id: 1 } })),
      (e: unknown) => e instanceof DataError && /field "id": replacement "nope" is not a valid number/.test(e.message),
    );
    assert.throws(
      () => mask({ fields: 'ok', replacement: 'x' }).apply(record({ value: { ok: true } })),
      (e: unknown) => e instanceof DataError && /field "ok"/.test(e.message),
    );
  });

  it('works on the key with MaskField$Key', () => {
    const out = mask({ fields: 'ssn' }, maskFieldKey).apply(
      record({ key: { ssn: '123', id: 4 }, value: { ssn: '123' } }),
    );
    assert.deepEqual(out?.key, { ssn: '', id: 4 });
    assert.deepEqual(out?.value, { ssn: '123' });
  });

  it('passes tombstones through and rejects values that are neither maps nor structs', () => {
    const tombstone = record({ key: 'k' });
    assert.equal(mask({ fields: 'a' }).apply(tombstone), tombstone);
    assert.throws(
      () => mask({ fields: 'a' }).apply(record({ value: 'text' })),
      /Only Map objects supported in absence of schema for \[mask fields\], found: string/,
    );
    assert.throws(
      () => mask({ fields: 'a' }).apply(record({ valueSchema: Schemas.STRING, value: 'text' })),
      /Only Struct objects supported for \[mask fields\]/,
    );
  });

  it('requires a non-empty fields list and a non-empty replacement, naming the key', () => {
    const keys = (props: Record<string, string>) => {
      try {
        maskFieldValue.config.parse(props);
        return [];
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems.map((p) => p.key);
      }
    };
    assert.deepEqual(keys({}), ['fields']);
    assert.deepEqual(keys({ fields: ' , ' }), ['fields']);
    assert.deepEqual(keys({ fields: 'a', replacement: '' }), ['replacement']);
    assert.deepEqual(keys({ fields: 'a', 'replace.null.with.default': 'maybe' }), ['replace.null.with.default']);
  });
});
