import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DataError,
  Decimal,
  SchemaBuilder,
  Schemas,
  Struct,
  schemasEqual,
  validateValue,
  valuesEqual,
} from '../../src/index.js';

const orders = SchemaBuilder.struct()
  .name('orders')
  .field('id', Schemas.INT64)
  .field('note', Schemas.OPTIONAL_STRING)
  .field('amount', Decimal.builder(2).optional().build())
  .field('qty', SchemaBuilder.int32().defaultValue(1).build())
  .build();

describe('schemas', () => {
  it('build immutable schemas with fields in order', () => {
    assert.deepEqual(
      orders.fields.map((f) => [f.name, f.index]),
      [
        ['id', 0],
        ['note', 1],
        ['amount', 2],
        ['qty', 3],
      ],
    );
    assert.equal(orders.field('note')?.schema.isOptional, true);
    assert.throws(() => Schemas.INT32.field('x'), /non-struct/);
    assert.throws(() => SchemaBuilder.struct().field('a', Schemas.INT8).field('a', Schemas.INT8), /Duplicate field/);
    assert.ok(Object.isFrozen(orders));
  });
  it('compare structurally', () => {
    const again = SchemaBuilder.from(orders).build();
    assert.ok(schemasEqual(orders, again));
    assert.ok(!schemasEqual(orders, SchemaBuilder.from(orders).version(2).build()));
    assert.ok(!schemasEqual(Schemas.INT32, Schemas.OPTIONAL_INT32));
  });
});

describe('values', () => {
  it('accept what the type table allows', () => {
    validateValue(Schemas.INT8, 127);
    validateValue(Schemas.INT64, 2n ** 62n);
    validateValue(Schemas.INT64, 5);
    validateValue(Schemas.BYTES, Buffer.from('x'));
    validateValue(SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(), new Map([['a', 1]]));
    validateValue(SchemaBuilder.array(Schemas.STRING).build(), ['a']);
    validateValue(Schemas.OPTIONAL_STRING, null);
  });
  it('refuse values that do not fit, naming the field', () => {
    assert.throws(() => validateValue(Schemas.INT8, 128), DataError);
    assert.throws(() => validateValue(Schemas.INT32, 1.5), DataError);
    assert.throws(() => validateValue(Schemas.INT64, 2n ** 63n), DataError);
    assert.throws(() => validateValue(Schemas.STRING, null), /null used for required field/);
    assert.throws(() => new Struct(orders).put('id', 'x'), /field "id"/);
    assert.throws(() => new Struct(orders).put('nope', 1), /nope is not a valid field name/);
  });
  it('structs apply defaults and validate required fields', () => {
    const s = new Struct(orders).put('amount', '12.34');
    assert.equal(s.get('qty'), 1);
    assert.equal(s.getWithoutDefault('qty'), null);
    assert.throws(() => s.validate(), /"id"/);
    s.put('id', 7n);
    s.validate();
    assert.ok(valuesEqual(s, new Struct(orders).put('amount', '12.34').put('id', 7n)));
    assert.ok(!valuesEqual(s, new Struct(orders).put('id', 8n)));
  });
  it('structs built from all their values check each one as put does', () => {
    const s = new Struct(orders, [7n, undefined, '12.34', null]);
    assert.equal(s.get('id'), 7n);
    assert.equal(s.getWithoutDefault('note'), null);
    assert.equal(s.get('qty'), 1);
    assert.ok(valuesEqual(s, new Struct(orders).put('id', 7n).put('amount', '12.34')));
    assert.throws(() => new Struct(orders, ['x', null, null, null]), /field "id"/);
    assert.throws(() => new Struct(orders, [null, null, null, null]), /null used for required field: "id"/);
    assert.throws(() => new Struct(orders, [7n]), /4 fields cannot take 1 values/);
  });
  it('compare values deeply', () => {
    assert.ok(valuesEqual(Buffer.from('ab'), new Uint8Array([97, 98])));
    assert.ok(valuesEqual(5n, 5));
    assert.ok(valuesEqual(new Map([[1, [new Date(5)]]]), new Map([[1, [new Date(5)]]])));
    assert.ok(valuesEqual({ a: 1, b: [Buffer.from('x')] }, { b: [Buffer.from('x')], a: 1 }));
    assert.ok(!valuesEqual({ a: 1 }, { a: 1, b: null }));
  });
});
