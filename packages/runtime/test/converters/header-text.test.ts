import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateType, Decimal, SchemaBuilder, Schemas, Struct, Time, Timestamp } from '@tributary/api';
import { headerText, parseHeaderText } from '../../src/converters/header-text.js';

function inferred(text: string): { type: string | null; value: unknown } {
  const { schema, value } = parseHeaderText(text);
  return { type: schema === null ? null : (schema.name ?? schema.type), value };
}

describe('parseHeaderText (Values.parseString)', () => {
  const cases: [string, string | null, unknown][] = [
    ['', 'string', ''],
    ['   ', 'string', '   '],
    ['null', null, null],
    ['true', 'boolean', true],
    [' false ', 'boolean', false],
    ['0', 'int8', 0],
    ['-128', 'int8', -128],
    ['128', 'int16', 128],
    ['-32769', 'int32', -32_769],
    ['2147483648', 'int64', 2_147_483_648],
    ['9223372036854775807', 'int64', 9_223_372_036_854_775_807n],
    ['9223372036854775808', Decimal.LOGICAL_NAME, '9223372036854775808'],
    ['1.0', 'int8', 1],
    ['1e3', 'int16', 1000],
    ['1.5', 'float64', 1.5],
    ['-0.25', 'float64', -0.25],
    ['hello', 'string', 'hello'],
    ['12abc', 'string', '12abc'],
    ['hello, world', 'string', 'hello, world'],
    ['[1,2', 'string', '[1,2'],
    ['2024-01-15', DateType.LOGICAL_NAME, new Date('2024-01-15T00:00:00.000Z')],
    ['13:45:30.123Z', Time.LOGICAL_NAME, new Date('1970-01-01T13:45:30.123Z')],
    ['2024-01-15T13:45:30.123Z', Timestamp.LOGICAL_NAME, new Date('2024-01-15T13:45:30.123Z')],
  ];
  for (const [text, type, value] of cases) {
    it(`${JSON.stringify(text)} → ${type} ${String(value)}`, () => assert.deepEqual(inferred(text), { type, value }));
  }

  it('infers arrays with a common element schema, widening numbers', () => {
    const ints = parseHeaderText('[1, 2, 3]');
    assert.equal(ints.schema?.type, 'array');
    assert.equal(ints.schema?.valueSchema?.type, 'int8');
    assert.deepEqual(ints.value, [1, 2, 3]);
    assert.equal(parseHeaderText('[1,300,2.5]').schema?.valueSchema?.type, 'float64');
    assert.equal(parseHeaderText('["a","b"]').schema?.valueSchema?.type, 'string');
    const mixed = parseHeaderText('[1,"a"]');
    assert.equal(mixed.schema?.valueSchema, null);
    assert.deepEqual(mixed.value, [1, 'a']);
    assert.deepEqual(parseHeaderText('[]').value, []);
  });

  it('infers maps with key and value schemas', () => {
    const map = parseHeaderText('{"a":1,"b":70000}');
    assert.equal(map.schema?.type, 'map');
    assert.equal(map.schema?.keySchema?.type, 'string');
    assert.equal(map.schema?.valueSchema?.type, 'int32');
    assert.deepEqual(
      map.value,
      new Map([
        ['a', 1],
        ['b', 70_000],
      ]),
    );
    const byInt = parseHeaderText('{1:"x",2:"y"}');
    assert.equal(byInt.schema?.keySchema?.type, 'int8');
    assert.deepEqual(
      byInt.value,
      new Map([
        [1, 'x'],
        [2, 'y'],
      ]),
    );
    assert.deepEqual(
      parseHeaderText('{"k":13:45:30.123Z}').value,
      new Map([['k', new Date('1970-01-01T13:45:30.123Z')]]),
    );
  });

  it('unescapes quoted strings inside arrays and maps', () => {
    assert.deepEqual(parseHeaderText('["a\\"b","c\\\\d"]').value, ['a"b', 'c\\d']);
  });
});

describe('headerText (Values.convertToString)', () => {
  it('writes strings as they are and other values as text', () => {
    assert.equal(headerText(Schemas.STRING, 'plain "text"'), 'plain "text"');
    assert.equal(headerText(Schemas.INT32, 42), '42');
    assert.equal(headerText(Schemas.INT64, 2n ** 63n - 1n), '9223372036854775807');
    assert.equal(headerText(Schemas.FLOAT64, 1), '1.0');
    assert.equal(headerText(null, 2.5), '2.5');
    assert.equal(headerText(Schemas.BOOLEAN, true), 'true');
    assert.equal(headerText(Schemas.BYTES, new Uint8Array([1, 2])), 'AQI=');
    assert.equal(headerText(Decimal.schema(2), '12.30'), '12.30');
  });

  it('writes dates, times and timestamps in their ISO-8601 forms (UTC)', () => {
    assert.equal(headerText(DateType.schema(), new Date('2024-01-15T00:00:00.000Z')), '2024-01-15');
    assert.equal(headerText(Time.schema(), new Date('1970-01-01T13:45:30.123Z')), '13:45:30.123Z');
    assert.equal(headerText(Timestamp.schema(), new Date('2024-01-15T13:45:30.123Z')), '2024-01-15T13:45:30.123Z');
  });

  it('writes arrays, maps and structs as JSON-like text with embedded strings quoted', () => {
    assert.equal(headerText(null, ['a', 1, null, ['b"c']]), '["a",1,null,["b\\"c"]]');
    assert.equal(
      headerText(
        null,
        new Map<unknown, unknown>([
          ['k', 'v'],
          [1, 2],
        ]),
      ),
      '{"k":"v",1:2}',
    );
    assert.equal(headerText(null, { a: true }), '{"a":true}');
    const schema = SchemaBuilder.struct().field('id', Schemas.INT32).field('name', Schemas.OPTIONAL_STRING).build();
    assert.equal(headerText(schema, new Struct(schema).put('id', 7).put('name', 'x')), '{"id":7,"name":"x"}');
  });

  it('round-trips through parseHeaderText for the common types', () => {
    for (const value of [
      true,
      5,
      40_000,
      2.5,
      'text',
      [1, 2, 3],
      new Map([['a', 'b']]),
      new Date('2024-01-15T00:00:00.000Z'),
    ]) {
      assert.deepEqual(parseHeaderText(headerText(null, value)).value, value);
    }
  });
});
