import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, type Header, SchemaBuilder, Schemas, type SourceRecord, Struct } from '@tributary/api';
import { headerFromKey, headerFromValue } from '../../src/transforms/header-from.js';
import { configure, orderBuilder, sourceRecord, structOf } from './fixtures.js';

/** A source record that already has one header, `existing`. */
const record = (over: Partial<SourceRecord>) =>
  sourceRecord({ headers: [{ key: 'existing', schema: null, value: 'e' }], ...over });

function headerFrom(props: Record<string, string>, part: 'key' | 'value' = 'value') {
  return configure(part === 'key' ? headerFromKey : headerFromValue, props);
}

const schema = orderBuilder()
  .field('region', SchemaBuilder.string().optional().defaultValue('eu').build())
  .field('amount', Schemas.FLOAT64)
  .build();

const order = () => new Struct(schema).put('id', 7).put('amount', 1.5);
const summary = (headers: readonly Header[] | undefined) =>
  headers?.map((h) => [h.key, h.value, h.schema?.type ?? null]);

describe('HeaderFrom', () => {
  it('declares $Key and $Value with the Java class names as aliases', () => {
    assert.deepEqual(headerFromKey.aliases, ['org.apache.kafka.connect.transforms.HeaderFrom$Key']);
    assert.deepEqual(headerFromValue.aliases, ['org.apache.kafka.connect.transforms.HeaderFrom$Value']);
  });

  it('copies struct fields into headers with their schemas', () => {
    const r = record({ valueSchema: schema, value: order() });
    const out = headerFrom({ fields: 'id,region', headers: 'h-id,h-region', operation: 'copy' }).apply(r);
    assert.deepEqual(summary(out?.headers), [
      ['existing', 'e', null],
      ['h-id', 7, 'int64'],
      ['h-region', 'eu', 'string'],
    ]);
    assert.equal(out?.valueSchema, schema);
    assert.equal(out?.value, r.value);
  });

  it('moves struct fields, dropping them from the schema (built once per schema)', () => {
    const t = headerFrom({ fields: 'region,amount', headers: 'r,a', operation: 'move' });
    const out = t.apply(record({ valueSchema: schema, value: order() }));
    assert.deepEqual(
      out?.valueSchema?.fields.map((f) => f.name),
      ['id'],
    );
    assert.equal(out?.valueSchema?.name, 'order');
    assert.equal(structOf(out?.value).get('id'), 7);
    assert.deepEqual(summary(out?.headers)?.slice(1), [
      ['r', 'eu', 'string'],
      ['a', 1.5, 'float64'],
    ]);
    assert.equal(t.apply(record({ valueSchema: schema, value: order() }))?.valueSchema, out?.valueSchema);
  });

  it('reads null instead of the default when replace.null.with.default=false', () => {
    const out = headerFrom({
      fields: 'region',
      headers: 'r',
      operation: 'copy',
      'replace.null.with.default': 'false',
    }).apply(record({ valueSchema: schema, value: order() }));
    assert.equal(out?.headers[1]?.value, null);
  });

  it('copies and moves map entries without a schema', () => {
    const copied = headerFrom({ fields: 'a,missing', headers: 'ha,hm', operation: 'copy' }, 'key').apply(
      record({ key: { a: 1, b: 2 } }),
    );
    assert.deepEqual(copied?.key, { a: 1, b: 2 });
    assert.deepEqual(summary(copied?.headers)?.slice(1), [
      ['ha', 1, null],
      ['hm', null, null],
    ]);
    const moved = headerFrom({ fields: 'a', headers: 'ha', operation: 'move' }).apply(
      record({ value: { a: 1, b: 2 } }),
    );
    assert.deepEqual(moved?.value, { b: 2 });
    assert.equal(moved?.headers[1]?.value, 1);
  });

  it('passes tombstones through', () => {
    const r = record({ valueSchema: schema, value: null });
    assert.equal(headerFrom({ fields: 'id', headers: 'h', operation: 'move' }).apply(r), r);
  });

  it('fails naming the field when the schema lacks it, and on values of the wrong shape', () => {
    const t = headerFrom({ fields: 'nope', headers: 'h', operation: 'copy' });
    assert.throws(
      () => t.apply(record({ valueSchema: schema, value: order() })),
      (err: unknown) => err instanceof DataError && err.message.includes('"nope"'),
    );
    assert.throws(
      () => t.apply(record({ value: 'text' })),
      /Only Map objects supported in absence of schema for \[header copy\]/,
    );
  });

  it('reports config errors naming the key', () => {
    const keyOf = (props: Record<string, string>) => {
      try {
        headerFrom(props);
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems.map((p) => p.key);
      }
      assert.fail('expected a ConfigError');
    };
    assert.deepEqual(keyOf({}), ['fields', 'headers', 'operation']);
    assert.deepEqual(keyOf({ fields: 'a', headers: 'h', operation: 'rename' }), ['operation']);
    assert.deepEqual(keyOf({ fields: 'a,b', headers: 'h', operation: 'copy' }), ['headers']);
  });
});
