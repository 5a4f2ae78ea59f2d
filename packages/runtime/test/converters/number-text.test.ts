import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bigDecimalText, doubleText, floatText } from '../../src/converters/number-text.js';

describe('doubleText (Java Double.toString)', () => {
  const cases: [number, string][] = [
    [100, '100.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [1.5, '1.5'],
    [-0.1, '-0.1'],
    [0.001, '0.001'],
    [0.000123, '1.23E-4'],
    [1234567.5, '1234567.5'],
    [9999999, '9999999.0'],
    [1e7, '1.0E7'],
    [12345678.9, '1.23456789E7'],
    [1e21, '1.0E21'],
    [-1.7976931348623157e308, '-1.7976931348623157E308'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ];
  for (const [value, text] of cases) {
    it(`${value} → ${text}`, () => assert.equal(doubleText(value), text));
  }
});

describe('floatText (Java Float.toString)', () => {
  const cases: [number, string][] = [
    [1.1, '1.1'],
    [Math.fround(1.1), '1.1'],
    [0.1, '0.1'],
    [100, '100.0'],
    [16777216, '1.6777216E7'],
    [3.4028234663852886e38, '3.4028235E38'],
    [1e-4, '1.0E-4'],
  ];
  for (const [value, text] of cases) {
    it(`${value} → ${text}`, () => assert.equal(floatText(value), text));
  }
});

describe('bigDecimalText (Java BigDecimal.toString)', () => {
  const cases: [bigint, number, string][] = [
    [1234n, 2, '12.34'],
    [-1234n, 2, '-12.34'],
    [1230n, 2, '12.30'],
    [0n, 2, '0.00'],
    [-5n, 1, '-0.5'],
    [5n, 0, '5'],
    [12n, -3, '1.2E+4'],
    [1n, -2, '1E+2'],
    [1234n, 9, '0.000001234'],
    [1234n, 10, '1.234E-7'],
  ];
  for (const [unscaled, scale, text] of cases) {
    it(`${unscaled} scale ${scale} → ${text}`, () => assert.equal(bigDecimalText(unscaled, scale), text));
  }
});
