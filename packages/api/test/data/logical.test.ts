import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bigintToBytes, bytesToBigint, DataError, DateType, Decimal, Time, Timestamp } from '../../src/index.js';

describe('Decimal', () => {
  it('encodes as Kafka Connect does (two\'s complement, minimal length)', () => {
    assert.equal(Decimal.toBytes('12.34', 2).toString('base64'), 'BNI=');
    assert.equal(Decimal.toBytes('-12.34', 2).toString('base64'), '+y4=');
    assert.deepEqual([...Decimal.toBytes('1.28', 2)], [0x00, 0x80]);
    assert.deepEqual([...Decimal.toBytes('-1.28', 2)], [0x80]);
    assert.deepEqual([...Decimal.toBytes('-1.29', 2)], [0xff, 0x7f]);
    assert.deepEqual([...Decimal.toBytes('0', 2)], [0x00]);
  });
  it('round-trips strings, numbers and bigints at a scale', () => {
    assert.equal(Decimal.fromBytes(Decimal.toBytes('12.3', 2), 2), '12.30');
    assert.equal(Decimal.fromBytes(Decimal.toBytes(-0.5, 3), 3), '-0.500');
    assert.equal(Decimal.fromBytes(Decimal.toBytes(5n, 0), 0), '5');
    assert.equal(Decimal.fromBytes(Decimal.toBytes('1e3', 1), 1), '1000.0');
    assert.equal(Decimal.unscaled('123456789012345678901234567890.12', 2), 12345678901234567890123456789012n);
  });
  it('refuses values with more fractional digits than the scale, and non-numbers', () => {
    assert.throws(() => Decimal.toBytes('1.234', 2), DataError);
    assert.equal(Decimal.unscaled('1.230', 2), 123n);
    assert.throws(() => Decimal.unscaled('abc', 2), /not a decimal/);
  });
  it('reads the scale parameter of its schema', () => {
    const schema = Decimal.schema(4, 10);
    assert.equal(schema.name, Decimal.LOGICAL_NAME);
    assert.equal(schema.version, 1);
    assert.equal(Decimal.scale(schema), 4);
    assert.equal(schema.parameters?.['connect.decimal.precision'], '10');
  });
  it('bigint byte helpers agree with each other', () => {
    for (const v of [0n, 1n, -1n, 127n, 128n, -128n, -129n, 255n, 256n, 2n ** 70n, -(2n ** 70n)]) {
      assert.equal(bytesToBigint(bigintToBytes(v)), v, String(v));
    }
  });
});

describe('Date, Time, Timestamp', () => {
  it('use Kafka Connect\'s numbers', () => {
    assert.equal(DateType.toDays(new Date('2024-01-15T00:00:00Z')), 19737);
    assert.equal(Time.toMillis(new Date('1970-01-01T13:45:30.123Z')), 49530123);
    assert.equal(Timestamp.toMillis(new Date('2024-01-15T13:45:30.123Z')), 1705326330123);
    assert.equal(DateType.fromDays(19737).toISOString(), '2024-01-15T00:00:00.000Z');
  });
  it('refuse dates with a time part and times with a date part', () => {
    assert.throws(() => DateType.toDays(new Date('2024-01-15T01:00:00Z')), /Date type should not have any time fields/);
    assert.throws(() => Time.toMillis(new Date('1970-01-02T00:00:00Z')), /Time type should not have any date fields/);
  });
});
