import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, DateType, Decimal, Schemas, Time, Timestamp } from '@tributary/api';
import { coerceSchemaless } from '../src/schemaless-values.js';

describe('schemaless values into table columns', () => {
  it('converts JSON values to the column schema', () => {
    assert.equal(coerceSchemaless('12', Schemas.INT32, 'f'), 12);
    assert.equal(coerceSchemaless('9007199254740993', Schemas.INT64, 'f'), 9007199254740993n);
    assert.equal(coerceSchemaless(1.5, Decimal.schema(2), 'f'), '1.5');
    assert.equal(coerceSchemaless(1, Schemas.BOOLEAN, 'f'), true);
    assert.equal(coerceSchemaless({ a: [1] }, Schemas.STRING, 'f'), '{"a":[1]}');
    assert.equal(coerceSchemaless(5, Schemas.STRING, 'f'), '5');
    assert.deepEqual(coerceSchemaless('aGk=', Schemas.BYTES, 'f'), Buffer.from('hi'));
    assert.equal(
      (coerceSchemaless('2024-05-06T07:08:09.010Z', Timestamp.schema(), 'f') as Date).toISOString(),
      '2024-05-06T07:08:09.010Z',
    );
    assert.equal((coerceSchemaless(0, Timestamp.schema(), 'f') as Date).getTime(), 0);
    assert.equal(
      (coerceSchemaless('2024-05-06', DateType.schema(), 'f') as Date).toISOString(),
      '2024-05-06T00:00:00.000Z',
    );
    assert.equal((coerceSchemaless('07:08:09.5', Time.schema(), 'f') as Date).getTime(), 25_689_500);
    assert.equal(coerceSchemaless(null, Schemas.INT32, 'f'), null);
  });

  it('refuses values that do not fit, naming the field', () => {
    assert.throws(
      () => coerceSchemaless('abc', Schemas.INT32, 'qty'),
      (err: unknown) => err instanceof DataError && /"qty"/.test(err.message),
    );
    assert.throws(() => coerceSchemaless('yesterday', Timestamp.schema(), 'ts'), DataError);
    assert.throws(() => coerceSchemaless('maybe', Schemas.BOOLEAN, 'b'), DataError);
  });
});
