import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError, type Schema } from '@tributary/api';
import {
  integerMapping,
  intTypeForPrecision,
  numericMapping,
  timeMapping,
} from '../../src/dialects/column-mappings.js';
import type { ColumnDefinition, NumericMapping } from '../../src/index.js';

function column(overrides: Partial<ColumnDefinition> = {}): ColumnDefinition {
  return {
    name: 'amount',
    typeName: 'numeric',
    declaredType: 'numeric',
    isUnsigned: false,
    precision: null,
    scale: null,
    isNullable: false,
    isAutoIncrement: false,
    primaryKeyPosition: null,
    ...overrides,
  };
}

function kind(schema: Schema): string {
  return schema.name === null ? schema.type : `${schema.name.split('.').pop()}(${schema.parameters?.['scale']})`;
}

function mapped(precision: number | null, scale: number | null, mode: NumericMapping): string {
  return kind(numericMapping(column({ precision, scale }), precision, scale, mode).schema);
}

describe('numeric.mapping (Confluent rules, for DECIMAL and NUMERIC alike)', () => {
  test('none: always Decimal with the scale and connect.decimal.precision', () => {
    const m = numericMapping(column({ precision: 10, scale: 2 }), 10, 2, 'none');
    assert.equal(kind(m.schema), 'Decimal(2)');
    assert.equal(m.schema.parameters?.['connect.decimal.precision'], '10');
    assert.equal(m.schema.isOptional, false);
    assert.equal(mapped(5, 0, 'none'), 'Decimal(0)');
  });

  test('precision_only: scale 0 and precision up to 18 become the narrowest integer', () => {
    assert.deepEqual(
      [2, 3, 4, 5, 9, 10, 18, 19].map((p) => mapped(p, 0, 'precision_only')),
      ['int8', 'int16', 'int16', 'int32', 'int32', 'int64', 'int64', 'Decimal(0)'],
    );
    assert.equal(mapped(10, 2, 'precision_only'), 'Decimal(2)');
  });

  test('best_fit: integers by precision, float64 for fractions up to precision 18, Decimal beyond', () => {
    assert.equal(mapped(9, 0, 'best_fit'), 'int32');
    assert.equal(mapped(18, -84, 'best_fit'), 'int64');
    assert.equal(mapped(18, -85, 'best_fit'), 'Decimal(-85)');
    assert.equal(mapped(18, 4, 'best_fit'), 'float64');
    assert.equal(mapped(19, 4, 'best_fit'), 'Decimal(4)');
    assert.equal(mapped(19, 0, 'best_fit'), 'Decimal(0)');
  });

  test('best_fit_eager_double: any fraction is float64', () => {
    assert.equal(mapped(38, 10, 'best_fit_eager_double'), 'float64');
    assert.equal(mapped(38, 0, 'best_fit_eager_double'), 'Decimal(0)');
    assert.equal(mapped(4, 0, 'best_fit_eager_double'), 'int16');
  });

  test('no declared precision: Decimal(0) without precision, float64 under best_fit', () => {
    assert.equal(mapped(null, null, 'none'), 'Decimal(0)');
    assert.equal(mapped(null, null, 'precision_only'), 'Decimal(0)');
    assert.equal(mapped(null, null, 'best_fit'), 'float64');
  });

  test('int width by precision', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 9, 10].map(intTypeForPrecision), [
      'int8',
      'int8',
      'int16',
      'int16',
      'int32',
      'int32',
      'int64',
    ]);
  });

  test('values are normalised to the schema scale; excess digits are a DataError naming the column', () => {
    const m = numericMapping(column({ precision: 10, scale: 2 }), 10, 2, 'none');
    assert.equal(m.read('12.3'), '12.30');
    assert.equal(m.read('-0.5'), '-0.50');
    assert.equal(m.read(null), null);
    assert.throws(
      () => m.read('1.234'),
      (e: unknown) => e instanceof DataError && /"amount"/.test(e.message),
    );
  });

  test('integers out of the schema range are a DataError, not a silent wrap', () => {
    const m = integerMapping(column({ name: 'n', typeName: 'int', precision: null }), 'int8');
    assert.equal(m.read('127'), 127);
    assert.throws(
      () => m.read(128),
      (e: unknown) => e instanceof DataError && /"n"/.test(e.message),
    );
    const big = integerMapping(column({ name: 'b' }), 'int64');
    assert.equal(big.read('9223372036854775807'), 9223372036854775807n);
    assert.throws(() => big.read('9223372036854775808'), DataError);
  });

  test('TIME beyond a day (MySQL allows 838:59:59) or negative is a DataError', () => {
    const m = timeMapping(column({ name: 'dur', typeName: 'time' }));
    assert.throws(() => m.read('25:00:00'), DataError);
    assert.throws(() => m.read('-01:00:00'), DataError);
    assert.deepEqual(m.read('01:02:03.4567'), new Date(3_723_456));
  });
});
