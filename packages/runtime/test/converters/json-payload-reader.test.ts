import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, type Schema, Struct } from '@tributary/api';
import { JsonConverter, jsonConverterConfig } from '../../src/converters/json-converter.js';
import { payloadReaderOf } from '../../src/converters/json-payload-reader.js';

const SCHEMA = {
  type: 'struct',
  optional: false,
  fields: [
    { field: 'i8', type: 'int8', optional: true },
    { field: 'i32', type: 'int32', optional: false },
    { field: 'l', type: 'int64', optional: true },
    { field: 'f', type: 'float', optional: true },
    { field: 'd', type: 'double', optional: false },
    { field: 'b', type: 'boolean', optional: true },
    { field: 's', type: 'string', optional: true },
    { field: 'dflt', type: 'string', optional: true, default: 'x' },
    { field: 'n', type: 'struct', optional: true, fields: [{ field: 'q"k', type: 'int16', optional: false }] },
  ],
};
const SCHEMA_TEXT = JSON.stringify(SCHEMA);

function envelope(payload: string): Buffer {
  return Buffer.from(`{"schema":${SCHEMA_TEXT},"payload":${payload}}`, 'utf8');
}

/** A Connect value as plain data; Object.is-equal numbers stay distinguishable (-0). */
function plain(value: unknown): unknown {
  if (value instanceof Struct) return value.schema.fields.map((f) => plain(value.getWithoutDefault(f.name)));
  return value;
}

/** How a fresh converter reads `payload` on first sight (the general way): a value or an error message. */
function general(payload: string): { value?: unknown; error?: string } {
  const c = new JsonConverter(jsonConverterConfig.parse({}));
  try {
    return { value: plain(c.toConnectData('t', [], envelope(payload)).value) };
  } catch (err) {
    return { error: err instanceof DataError ? err.message : String(err) };
  }
}

const schema: Schema = (() => {
  const c = new JsonConverter(jsonConverterConfig.parse({}));
  const read = c.toConnectData('t', [], envelope('{"i32":1,"d":1}'));
  if (read.schema === null) throw new Error('no schema');
  return read.schema;
})();
const fast = payloadReaderOf(schema);

function fastRead(payload: string): unknown {
  assert.ok(fast !== null);
  const bytes = Buffer.from(`  ${payload} }`, 'utf8');
  // The payload sits between two spaces and the envelope's closing brace, as in a record.
  return fast(bytes, 2, bytes.length - 1);
}

const canonical = (v: Record<string, unknown>) => JSON.stringify(v);

/** Payloads as Kafka's JsonConverter writes them (keys in schema order): the fast path takes every one. */
const taken = [
  canonical({ i8: 1, i32: 2, l: 3, f: 1.5, d: 2.25, b: true, s: 'a', dflt: 'y', n: { 'q"k': 7 } }),
  canonical({ i8: null, i32: -2147483648, l: null, f: null, d: -0, b: false, s: null, dflt: 'z', n: null }),
  canonical({ i8: -128, i32: 2147483647, l: 999999999999999, f: 0.1, d: 1e-7, b: null, s: '', dflt: '', n: null }),
  canonical({ i8: 127, i32: 0, l: -999999999999999, f: 1e21, d: 123.456, b: true, s: 'ü € 😀', dflt: 'a', n: null }),
  canonical({ i8: 0, i32: -0, l: 0, f: 5e-324 * 0, d: 1e22, b: true, s: 'plain', dflt: 'b', n: { 'q"k': -32768 } }),
  '{ "i8" : 1 , "i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":{ "q\\"k" : 1 } }',
  '{"i8":1,"i32":2,"l":3,"f":1E2,"d":2.5e-3,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1e+2,"d":0.000001,"b":true,"s":"a","dflt":"b","n":null}',
];

/** Payloads the fast path must hand to the general way (or read exactly as it does). */
const edges = [
  // Order, missing and extra fields.
  '{"i32":2,"i8":1,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i32":1,"d":1}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null,"x":1}',
  '{}',
  // Nulls: a default, a required field.
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":null,"n":null}',
  '{"i8":1,"i32":null,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  // Numbers: ranges, fractions for integers, long digit runs, odd syntax.
  '{"i8":128,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":-129,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2147483648,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1.0,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2e0,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":9007199254740993,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":1234567890123456,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":0.1234567890123456789,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":1e23,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":1e-23,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":1e400,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":"NaN","b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":01,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":-,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1.,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1e,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":.5,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  '{"i8":+1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}',
  // Strings: escapes, control characters, wrong types.
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a\\"b\\u00e9\\n","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a\tb","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":5,"dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":"true","s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":tru,"s":"a","dflt":"b","n":null}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":nul}',
  // Nested struct and syntax.
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":{"q\\"k":40000}}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":{"q\\u0022k":1}}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":[]}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null}}',
  '{"i8":1,"i32":2,"l":3,"f":1,"d":2,"b":true,"s":"a","dflt":"b","n":null},',
  '[1]',
  'null',
  '',
];

describe('the JsonConverter payload reader (the known-schema fast path)', () => {
  it('takes payloads as Kafka writes them and reads them as the general way does', () => {
    for (const payload of taken) {
      const value = fastRead(payload);
      assert.notEqual(value, undefined, `not taken: ${payload}`);
      assert.deepStrictEqual({ value: plain(value) }, general(payload), payload);
    }
  });

  it('gives up on anything else, or reads it exactly as the general way does', () => {
    for (const payload of edges) {
      const value = fastRead(payload);
      if (value !== undefined) assert.deepStrictEqual({ value: plain(value) }, general(payload), payload);
    }
    // These the general way reads, but not this path: a default to apply, another key order, an escape.
    for (const payload of [edges[0], edges[4], edges[24], edges[31]] as string[]) {
      assert.equal(fastRead(payload), undefined, payload);
      assert.equal(general(payload).error, undefined, payload);
    }
  });

  it('reads numbers as JSON.parse does: integers to 15 digits, others when one rounding is exact', () => {
    const read = (d: string) => {
      const value = fastRead(`{"i8":1,"i32":2,"l":3,"f":1,"d":${d},"b":true,"s":"a","dflt":"b","n":null}`);
      return value === undefined ? undefined : plain(value);
    };
    let taken = 0;
    for (let k = 0; k < 20_000; k++) {
      const digits = 1 + (k % 15);
      const mantissa = String(Math.floor(Math.random() * 10 ** digits));
      const point = k % (digits + 1);
      const exponent = k % 7 === 0 ? `e${(k % 45) - 22}` : '';
      const text = `${k % 2 ? '-' : ''}${mantissa.slice(0, point) || '0'}${point < mantissa.length ? `.${mantissa.slice(point)}` : ''}${exponent}`;
      const value = read(text);
      if (value === undefined) continue;
      taken++;
      assert.ok(Object.is((value as unknown[])[4], JSON.parse(text)), `${text}: ${(value as unknown[])[4]}`);
    }
    assert.ok(taken > 15_000, `only ${taken} of 20000 numbers were read by this path`);
  });

  it('one converter: a run of the same schema goes through this path, a bad record still fails as before', () => {
    const c = new JsonConverter(jsonConverterConfig.parse({}));
    const payloads = [...taken, ...edges];
    for (const payload of payloads) {
      let outcome: { value?: unknown; error?: string };
      try {
        // Twice: the second read of a run is the one on the known prefix.
        c.toConnectData('t', [], envelope(taken[0] as string));
        outcome = { value: plain(c.toConnectData('t', [], envelope(payload)).value) };
      } catch (err) {
        outcome = { error: err instanceof DataError ? err.message : String(err) };
      }
      assert.deepStrictEqual(outcome, general(payload), payload);
    }
  });

  it('has no reader for bytes, arrays, maps or logical types', () => {
    const c = new JsonConverter(jsonConverterConfig.parse({}));
    const schemaOf = (text: string, payload = 'null') =>
      c.toConnectData('t', [], Buffer.from(`{"schema":${text},"payload":${payload}}`)).schema;
    for (const text of [
      '{"type":"bytes","optional":true}',
      '{"type":"array","items":{"type":"int32"},"optional":true}',
      '{"type":"map","keys":{"type":"string"},"values":{"type":"int32"},"optional":true}',
      '{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp","optional":true}',
      '{"type":"struct","fields":[{"field":"a","type":"bytes"}],"optional":true}',
    ]) {
      const s = schemaOf(text);
      assert.ok(s !== null);
      assert.equal(payloadReaderOf(s), null, text);
    }
    const int64 = schemaOf('{"type":"int64","optional":false}', '1');
    assert.ok(int64 !== null);
    assert.equal(payloadReaderOf(int64)?.(Buffer.from('42'), 0, 2), 42);
  });
});
