import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, SchemaBuilder, Schemas, Struct } from '@tributary/api';
import { extractFieldKey, extractFieldValue, parseFieldPath } from '../../src/transforms/extract-field.js';
import { configure, record } from './fixtures.js';

function extract(props: Record<string, string>, part: 'key' | 'value' = 'value') {
  return configure(part === 'key' ? extractFieldKey : extractFieldValue, props);
}

const address = SchemaBuilder.struct()
  .optional()
  .field('city', Schemas.STRING)
  .field('zip.code', Schemas.OPTIONAL_STRING)
  .build();
const person = SchemaBuilder.struct()
  .field('id', Schemas.INT64)
  .field('nick', SchemaBuilder.string().optional().defaultValue('anon').build())
  .field('address', address)
  .field('a.b', Schemas.OPTIONAL_STRING)
  .build();

function alice(): Struct {
  return new Struct(person)
    .put('id', 7)
    .put('address', new Struct(address).put('city', 'Oslo').put('zip.code', '0150'))
    .put('a.b', 'dotted');
}

describe('ExtractField', () => {
  it('declares $Key and $Value with the Java class names as aliases', () => {
    assert.deepEqual(extractFieldKey.aliases, ['org.apache.kafka.connect.transforms.ExtractField$Key']);
    assert.deepEqual(extractFieldValue.aliases, ['org.apache.kafka.connect.transforms.ExtractField$Value']);
  });

  it('extracts a struct field with its schema', () => {
    const out = extract({ field: 'id' }, 'key').apply(record({ keySchema: person, key: alice(), value: 'v' }));
    assert.equal(out?.key, 7);
    assert.equal(out?.keySchema, Schemas.INT64);
    assert.equal(out?.value, 'v');
  });

  it('extracts a map entry without a schema, null when missing', () => {
    const t = extract({ field: 'id' });
    const out = t.apply(record({ value: { id: 42, name: 'x' } }));
    assert.equal(out?.value, 42);
    assert.equal(out?.valueSchema, null);
    assert.equal(t.apply(record({ value: { name: 'x' } }))?.value, null);
  });

  it('treats a dotted name as one field with V1 (the default)', () => {
    const out = extract({ field: 'a.b' }).apply(record({ valueSchema: person, value: alice() }));
    assert.equal(out?.value, 'dotted');
    assert.equal(extract({ field: 'a.b' }).apply(record({ value: { 'a.b': 1, a: { b: 2 } } }))?.value, 1);
  });

  it('follows nested paths with V2, with backticks for names containing dots', () => {
    const t = extract({ field: 'address.city', 'field.syntax.version': 'v2' });
    const out = t.apply(record({ valueSchema: person, value: alice() }));
    assert.equal(out?.value, 'Oslo');
    assert.equal(out?.valueSchema, Schemas.STRING);
    const zip = extract({ field: 'address.`zip.code`', 'field.syntax.version': 'V2' }).apply(
      record({ valueSchema: person, value: alice() }),
    );
    assert.equal(zip?.value, '0150');
    const map = extract({ field: 'a.b.c', 'field.syntax.version': 'V2' }).apply(
      record({ value: { a: { b: { c: 'deep' } } } }),
    );
    assert.equal(map?.value, 'deep');
    const missing = extract({ field: 'a.x.c', 'field.syntax.version': 'V2' }).apply(record({ value: { a: { b: 1 } } }));
    assert.equal(missing?.value, null);
  });

  it('gives null when a V2 path crosses a null struct', () => {
    const t = extract({ field: 'address.city', 'field.syntax.version': 'V2' });
    const out = t.apply(record({ valueSchema: person, value: new Struct(person).put('id', 1) }));
    assert.equal(out?.value, null);
    assert.equal(out?.valueSchema, Schemas.STRING);
  });

  it('parses V2 paths as Kafka does', () => {
    assert.deepEqual(parseFieldPath('a.b.c', 'field'), ['a', 'b', 'c']);
    assert.deepEqual(parseFieldPath('`a.b`.c', 'field'), ['a.b', 'c']);
    assert.deepEqual(parseFieldPath('a.`b.c`', 'field'), ['a', 'b.c']);
    assert.deepEqual(parseFieldPath('`a\\`.b`.c', 'field'), ['a`.b', 'c']);
    assert.deepEqual(parseFieldPath('`a`b`', 'field'), ['a`b']);
    assert.deepEqual(parseFieldPath('a.', 'field'), ['a', '']);
    assert.deepEqual(parseFieldPath('a..b', 'field'), ['a', '', 'b']);
    assert.throws(
      () => parseFieldPath('`a.b', 'field'),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'field',
    );
  });

  it('applies field defaults per replace.null.with.default', () => {
    assert.equal(extract({ field: 'nick' }).apply(record({ valueSchema: person, value: alice() }))?.value, 'anon');
    assert.equal(
      extract({ field: 'nick', 'replace.null.with.default': 'false' }).apply(
        record({ valueSchema: person, value: alice() }),
      )?.value,
      null,
    );
  });

  it('passes tombstones through with the field schema', () => {
    const out = extract({ field: 'id' }).apply(record({ valueSchema: person, value: null }));
    assert.equal(out?.value, null);
    assert.equal(out?.valueSchema, Schemas.INT64);
    assert.equal(extract({ field: 'id' }).apply(record({ value: null }))?.value, null);
  });

  it('fails naming the field when the schema lacks it', () => {
    assert.throws(
      () => extract({ field: 'nope' }).apply(record({ valueSchema: person, value: alice() })),
      (err: unknown) => err instanceof DataError && /Unknown field: nope/.test(err.message),
    );
    assert.throws(
      () =>
        extract({ field: 'id.x', 'field.syntax.version': 'V2' }).apply(record({ valueSchema: person, value: alice() })),
      (err: unknown) => err instanceof DataError && err.message.includes('"x"'),
    );
  });

  it('fails on values of the wrong shape', () => {
    assert.throws(
      () => extract({ field: 'id' }).apply(record({ value: 'text' })),
      /Only Map objects supported in absence of schema for \[field extraction\]/,
    );
    assert.throws(
      () => extract({ field: 'id' }).apply(record({ valueSchema: person, value: 'text' })),
      /Only Struct objects supported for \[field extraction\]/,
    );
    assert.throws(
      () => extract({ field: 'a.b', 'field.syntax.version': 'V2' }).apply(record({ value: { a: 'flat' } })),
      /nested field access/,
    );
  });

  it('reports config errors naming the key', () => {
    assert.throws(
      () => extractFieldValue.config.parse({}),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'field',
    );
    assert.throws(
      () => extractFieldValue.config.parse({ field: 'a', 'field.syntax.version': 'V3' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'field.syntax.version',
    );
    assert.throws(
      () => extract({ field: '`a.b', 'field.syntax.version': 'V2' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'field',
    );
  });
});
