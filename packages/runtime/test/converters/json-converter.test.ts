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
  Time,
  Timestamp,
  valuesEqual,
} from '@tributary/api';
import {
  JsonConverter,
  jsonConverter,
  jsonConverterConfig,
  jsonHeaderConverter,
} from '../../src/converters/json-converter.js';

function converter(props: Record<string, string> = {}): JsonConverter {
  return new JsonConverter(jsonConverterConfig.parse(props));
}

function write(c: JsonConverter, schema: Schema | null, value: unknown): string | null {
  const bytes = c.fromConnectData('orders', [], schema, value);
  return bytes === null ? null : Buffer.from(bytes).toString('utf8');
}

function read(c: JsonConverter, text: string | null) {
  return c.toConnectData('orders', [], text === null ? null : Buffer.from(text, 'utf8'));
}

const ordersSchema = SchemaBuilder.struct()
  .name('orders')
  .field('id', Schemas.INT64)
  .field('amount', Decimal.builder(2, 10).optional().build())
  .field('d', DateType.builder().optional().build())
  .field('t', Time.builder().optional().build())
  .field('ts', Timestamp.builder().optional().build())
  .build();

function ordersRow(): Struct {
  return new Struct(ordersSchema)
    .put('id', 1)
    .put('amount', '12.34')
    .put('d', new Date('2024-01-15T00:00:00.000Z'))
    .put('t', new Date('1970-01-01T13:45:30.123Z'))
    .put('ts', new Date(1705326330123));
}

/** The example of mission-anchors §5.1. */
const ANCHOR_EXAMPLE = `{"schema":{"type":"struct","name":"orders","optional":false,"fields":[
  {"field":"id","type":"int64","optional":false},
  {"field":"amount","type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
   "parameters":{"scale":"2","connect.decimal.precision":"10"}},
  {"field":"d","type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1},
  {"field":"t","type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Time","version":1},
  {"field":"ts","type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1}]},
 "payload":{"id":1,"amount":"BNI=","d":19737,"t":49530123,"ts":1705326330123}}`;

/** The same record as Kafka's JsonConverter writes it (Jackson keeps the order fields were put in). */
const KAFKA_BYTES =
  '{"schema":{"type":"struct","fields":[' +
  '{"type":"int64","optional":false,"field":"id"},' +
  '{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"amount"},' +
  '{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"d"},' +
  '{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Time","version":1,"field":"t"},' +
  '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"}],' +
  '"optional":false,"name":"orders"},' +
  '"payload":{"id":1,"amount":"BNI=","d":19737,"t":49530123,"ts":1705326330123}}';

describe('JsonConverter envelope (mission-anchors §5.1)', () => {
  it('writes the §5.1 example with the same content', () => {
    const text = write(converter(), ordersSchema, ordersRow());
    assert.ok(text !== null);
    assert.deepEqual(JSON.parse(text), JSON.parse(ANCHOR_EXAMPLE));
  });

  it("writes Kafka's exact bytes, schema keys in Kafka's order", () => {
    const text = write(converter(), ordersSchema, ordersRow());
    assert.equal(text, KAFKA_BYTES);
    const envelope = JSON.parse(text ?? '') as { schema: { fields: Record<string, unknown>[] } };
    assert.deepEqual(Object.keys(envelope), ['schema', 'payload']);
    assert.deepEqual(Object.keys(envelope.schema), ['type', 'fields', 'optional', 'name']);
    assert.deepEqual(Object.keys(envelope.schema.fields[0] ?? {}), ['type', 'optional', 'field']);
    assert.deepEqual(Object.keys(envelope.schema.fields[1] ?? {}), [
      'type',
      'optional',
      'name',
      'version',
      'parameters',
      'field',
    ]);
  });

  it('reads the §5.1 example (any key order, whitespace) into the same struct', () => {
    const result = read(converter(), ANCHOR_EXAMPLE);
    assert.ok(result.value instanceof Struct);
    assert.ok(result.value.equals(ordersRow()));
    assert.equal(result.schema?.name, 'orders');
    assert.deepEqual(result.schema?.field('amount')?.schema.parameters, {
      scale: '2',
      'connect.decimal.precision': '10',
    });
  });

  it('reads back what it wrote, twice (the second time from the schema cache)', () => {
    const c = converter();
    const first = read(c, KAFKA_BYTES);
    const second = read(c, KAFKA_BYTES);
    assert.ok(valuesEqual(first.value, ordersRow()));
    assert.ok(valuesEqual(second.value, ordersRow()));
    assert.equal(second.schema, first.schema);
  });
});

describe('JsonConverter round trips', () => {
  const inner = SchemaBuilder.struct().name('inner').field('x', Schemas.INT32).build();
  const everything = SchemaBuilder.struct()
    .name('everything')
    .doc('all the types')
    .version(3)
    .field('i8', Schemas.INT8)
    .field('i16', Schemas.INT16)
    .field('i32', Schemas.INT32)
    .field('i64', Schemas.INT64)
    .field('f32', Schemas.FLOAT32)
    .field('f64', Schemas.FLOAT64)
    .field('bool', Schemas.BOOLEAN)
    .field('str', Schemas.STRING)
    .field('bytes', Schemas.BYTES)
    .field('arr', SchemaBuilder.array(Schemas.STRING).build())
    .field('smap', SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build())
    .field('imap', SchemaBuilder.map(Schemas.INT32, Schemas.STRING).build())
    .field('nested', inner)
    .field('dec', Decimal.schema(3))
    .field('date', DateType.schema())
    .field('time', Time.schema())
    .field('ts', Timestamp.schema())
    .field('opt', Schemas.OPTIONAL_STRING)
    .build();

  function everythingValue(): Struct {
    return new Struct(everything)
      .put('i8', -128)
      .put('i16', 32_767)
      .put('i32', -2_147_483_648)
      .put('i64', 9_223_372_036_854_775_807n)
      .put('f32', 1.5)
      .put('f64', -0.1)
      .put('bool', true)
      .put('str', 'héllo "wörld"\n\u0001')
      .put('bytes', Buffer.from([0, 1, 254, 255]))
      .put('arr', ['a', 'b'])
      .put('smap', new Map([['k', 7]]))
      .put(
        'imap',
        new Map([
          [1, 'one'],
          [2, 'two'],
        ]),
      )
      .put('nested', new Struct(inner).put('x', 5))
      .put('dec', '-0.001')
      .put('date', new Date('1969-12-31T00:00:00.000Z'))
      .put('time', new Date(86_399_999))
      .put('ts', new Date(-1));
  }

  for (const props of [{}, { 'decimal.format': 'NUMERIC' }]) {
    it(`every Connect type and logical type survives a round trip (${JSON.stringify(props)})`, () => {
      const c = converter(props);
      const text = write(c, everything, everythingValue());
      assert.ok(text !== null);
      const result = read(c, text);
      assert.ok(result.value instanceof Struct);
      assert.ok(result.value.equals(everythingValue()), `got ${String(result.value)}`);
      assert.equal(result.schema?.doc, 'all the types');
      assert.equal(result.schema?.version, 3);
    });
  }

  it('writes the JSON type names float and double, bytes as base64, non-string-keyed maps as pairs', () => {
    const text = write(converter(), everything, everythingValue()) ?? '';
    const envelope = JSON.parse(text) as {
      schema: { fields: { field: string; type: string }[] };
      payload: Record<string, unknown>;
    };
    const types = Object.fromEntries(envelope.schema.fields.map((f) => [f.field, f.type]));
    assert.equal(types['f32'], 'float');
    assert.equal(types['f64'], 'double');
    assert.equal(envelope.payload['bytes'], 'AAH+/w==');
    assert.deepEqual(envelope.payload['smap'], { k: 7 });
    assert.deepEqual(envelope.payload['imap'], [
      [1, 'one'],
      [2, 'two'],
    ]);
    assert.match(text, /"i64":9223372036854775807[,}]/);
  });

  it('writes map schemas with keys and values, array schemas with items', () => {
    const schema = SchemaBuilder.array(SchemaBuilder.map(Schemas.INT64, Schemas.OPTIONAL_FLOAT64).build())
      .optional()
      .build();
    const text = write(converter(), schema, [new Map([[3n, 2.5]])]);
    assert.equal(
      text,
      '{"schema":{"type":"array","items":{"type":"map","keys":{"type":"int64","optional":false},"values":{"type":"double","optional":true},"optional":false},"optional":true},"payload":[[[3,2.5]]]}',
    );
  });

  it("writes floating-point numbers as Java does (100.0, 1.0E7, Float's shortest text)", () => {
    const c = converter({ 'schemas.enable': 'false' });
    assert.equal(write(c, Schemas.FLOAT64, 100), '100.0');
    assert.equal(write(c, Schemas.FLOAT64, 1e7), '1.0E7');
    assert.equal(write(c, Schemas.FLOAT32, Math.fround(1.1)), '1.1');
    assert.equal(write(c, Schemas.FLOAT64, Number.NaN), '"NaN"');
    assert.equal(
      read(converter(), '{"schema":{"type":"double","optional":false},"payload":"Infinity"}').value,
      Number.POSITIVE_INFINITY,
    );
  });
});

describe('JsonConverter decimals', () => {
  const schema = Decimal.schema(2);

  it('writes BASE64 of the two\'s-complement unscaled value: 12.34 → "BNI=", -12.34 → "+y4="', () => {
    const c = converter({ 'schemas.enable': 'false' });
    assert.equal(write(c, schema, '12.34'), '"BNI="');
    assert.equal(write(c, schema, '-12.34'), '"+y4="');
    assert.equal(write(c, schema, 12.3), '"BM4="');
    assert.equal(
      read(
        converter(),
        '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"+y4="}',
      ).value,
      '-12.34',
    );
  });

  it('writes NUMERIC as a JSON number at the schema scale, as BigDecimal.toString does', () => {
    const c = converter({ 'schemas.enable': 'false', 'decimal.format': 'numeric' });
    assert.equal(write(c, schema, '12.34'), '12.34');
    assert.equal(write(c, schema, '-12.3'), '-12.30');
    assert.equal(write(c, Decimal.schema(-2), '1200'), '1.2E+3');
  });

  it('reads NUMERIC decimals exactly, beyond what a double holds', () => {
    const c = converter({ 'decimal.format': 'NUMERIC' });
    const wide = Decimal.schema(20);
    const value = '-12345678901234567890.12345678901234567890';
    const text = write(c, wide, value) ?? '';
    assert.match(text, /"payload":-12345678901234567890\.12345678901234567890}$/);
    assert.equal(read(c, text).value, value);
    assert.equal(read(converter(), text).value, value, 'a BASE64 converter reads numbers too');
  });

  it('rejects a decimal with more fraction digits than the scale', () => {
    assert.throws(() => write(converter(), schema, '1.234'), DataError);
  });

  it('writes the same BASE64 as the unscaled BigInt bytes for any decimal text, short or long', () => {
    const c = converter({ 'schemas.enable': 'false' });
    const texts = ['0', '-0', '-0.00', '0.5', '5.', '007.10', '-128', '127', '-129', '255.99', '99999999999999.9'];
    texts.push('9999999999999.99', '-9999999999999.99', '99999999999999.99', '1e3', '+1.5', ' 2.5', '.5', '-');
    for (let i = 0; i < 2_000; i++) {
      const intDigits = Math.floor(Math.random() * 17);
      const int = Array.from({ length: intDigits }, () => Math.floor(Math.random() * 10)).join('') || '0';
      const fraction = Array.from({ length: Math.floor(Math.random() * 4) }, () => Math.floor(Math.random() * 10));
      texts.push(`${Math.random() < 0.5 ? '-' : ''}${int}${fraction.length > 0 ? `.${fraction.join('')}` : ''}`);
    }
    for (const scale of [0, 2, 3]) {
      const decimal = Decimal.schema(scale);
      for (const text of texts) {
        let expected: string;
        try {
          expected = `"${Decimal.toBytes(text, scale).toString('base64')}"`;
        } catch {
          assert.throws(() => write(c, decimal, text), DataError, text);
          continue;
        }
        assert.equal(write(c, decimal, text), expected, `${text} at scale ${scale}`);
      }
    }
  });
});

describe('JsonConverter envelope errors', () => {
  const message =
    'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. ' +
    'If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

  for (const text of [
    '{"id":1}',
    '{"schema":null,"payload":1,"extra":2}',
    '{"payload":1}',
    '[1,2]',
    '42',
    'null',
    '',
  ]) {
    it(`throws Kafka's DataError for ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => read(converter(), text),
        (err: unknown) => err instanceof DataError && err.message === message,
      );
    });
  }

  it('names the topic when the bytes are not JSON', () => {
    assert.throws(
      () => read(converter(), '{"schema":'),
      (err: unknown) =>
        err instanceof DataError &&
        err.message.startsWith(
          'Converting byte[] to Kafka Connect data failed due to serialization error of topic orders: ',
        ),
    );
    assert.throws(() => read(converter({ 'schemas.enable': 'false' }), '{oops}'), /of topic orders/);
  });

  it('rejects a schema without a type and a payload that does not fit the schema', () => {
    assert.throws(
      () => read(converter(), '{"schema":{"optional":true},"payload":1}'),
      /Schema must contain 'type' field/,
    );
    assert.throws(() => read(converter(), '{"schema":{"type":"int8"},"payload":"x"}'), DataError);
    assert.throws(() => read(converter(), '{"schema":{"type":"int8"},"payload":128}'), DataError);
    assert.throws(
      () => read(converter(), '{"schema":{"type":"struct","fields":[{"type":"int32"}]},"payload":{}}'),
      /field name/,
    );
  });

  it('one converter keeps every rule after a run of envelopes with the same schema bytes', () => {
    const c = converter();
    const prefix = '{"schema":{"type":"struct","fields":[{"field":"n","type":"string"}],"optional":false},"payload":';
    assert.equal((read(c, `${prefix}{"n":"a"}}`).value as Struct).get('n'), 'a');
    assert.equal((read(c, `${prefix}{"n":"b"}}`).value as Struct).get('n'), 'b');
    assert.equal((read(c, `${prefix}{"n":"ü €"}}\n `).value as Struct).get('n'), 'ü €');
    assert.throws(
      () => read(c, `${prefix}{"n":"c"},"extra":2}`),
      (err: unknown) => err instanceof DataError && err.message === message,
    );
    assert.throws(() => read(c, `${prefix}{"n":"d"}`), /serialization error of topic orders/);
    assert.throws(() => read(c, `${prefix}{"n":5}}`), DataError);
    assert.equal((read(c, `${prefix}{"n":"e"}}`).value as Struct).get('n'), 'e');
    // Another schema after the run is read as itself.
    const other = read(c, '{"schema":{"type":"int64","optional":false},"payload":9007199254740993}');
    assert.equal(other.value, 9007199254740993n);
  });

  it('reads the same values, and fails with the same errors, through the per-schema reader as on first sight', () => {
    const schema = JSON.stringify({
      type: 'struct',
      optional: false,
      fields: [
        { field: 'i', type: 'int32', optional: false },
        { field: 'l', type: 'int64', optional: true },
        { field: 'd', type: 'double', optional: false },
        { field: 'b', type: 'boolean', optional: true },
        { field: 's', type: 'string', optional: true, default: 'dflt' },
        { field: 't', type: 'int64', optional: true, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 },
        { field: 'n', type: 'struct', optional: true, fields: [{ field: 'x', type: 'int8', optional: false }] },
      ],
    });
    const payloads = [
      '{"i":1,"l":2,"d":1.5,"b":true,"s":"a","t":5,"n":{"x":3}}',
      '{"i":1,"d":"NaN","s":null,"n":null}',
      '{"i":1,"l":9007199254740993,"d":12345678901234567890,"t":null}',
      '{"i":2147483648,"d":1}',
      '{"i":1.5,"d":1}',
      '{"d":1}',
      '{"i":1,"d":"x"}',
      '{"i":1,"d":1,"b":"yes"}',
      '{"i":1,"d":1,"s":7}',
      '{"i":1,"d":1,"t":1.5}',
      '{"i":1,"d":1,"n":{"x":128}}',
      '{"i":1,"d":1,"n":[]}',
      '[1]',
      'null',
    ];
    const outcome = (c: JsonConverter, payload: string) => {
      try {
        const { value } = read(c, `{"schema":${schema},"payload":${payload}}`);
        return { value: value instanceof Struct ? value.toString() : value };
      } catch (err) {
        return { error: err instanceof DataError ? err.message : String(err) };
      }
    };
    for (const payload of payloads) {
      const c = converter();
      const first = outcome(c, payload);
      // The second read of the same schema bytes takes the per-schema reader, the third the known-prefix path.
      assert.deepEqual(outcome(c, payload), first, payload);
      assert.deepEqual(outcome(c, payload), first, payload);
    }
    const c = converter();
    assert.equal(outcome(c, payloads[0] as string).error, undefined);
    assert.match(outcome(c, payloads[3] as string).error ?? '', /INT32/);
    assert.match(outcome(c, payloads[5] as string).error ?? '', /Invalid null value for required INT32 field/);
    assert.match(outcome(c, payloads[1] as string).value as string, /s=dflt/);
  });

  it('reads an envelope written with the payload first', () => {
    const result = read(converter(), '{ "payload" : 5, "schema" : {"type":"int32","optional":false} }');
    assert.equal(result.value, 5);
    assert.equal(result.schema?.type, 'int32');
  });
});

describe('JsonConverter nulls and defaults', () => {
  it('null bytes are a null schema and value; null with no schema is a tombstone', () => {
    assert.deepEqual(read(converter(), null), { schema: null, value: null });
    assert.equal(write(converter(), null, null), null);
    assert.equal(write(converter({ 'schemas.enable': 'false' }), null, null), null);
  });

  it('a null value with a schema is written as a null payload', () => {
    assert.equal(
      write(converter(), Schemas.OPTIONAL_STRING, null),
      '{"schema":{"type":"string","optional":true},"payload":null}',
    );
    assert.throws(() => write(converter(), Schemas.STRING, null), /null value for field that is required/);
  });

  it('writes defaults in the schema and, with replace.null.with.default, for null values', () => {
    const schema = SchemaBuilder.int32().optional().defaultValue(42).build();
    assert.equal(
      write(converter(), schema, null),
      '{"schema":{"type":"int32","optional":true,"default":42},"payload":42}',
    );
    assert.equal(
      write(converter({ 'replace.null.with.default': 'false' }), schema, null),
      '{"schema":{"type":"int32","optional":true,"default":42},"payload":null}',
    );
    assert.equal(
      read(converter(), '{"schema":{"type":"int32","optional":true,"default":42},"payload":null}').value,
      42,
    );
    assert.equal(
      read(
        converter({ 'replace.null.with.default': 'false' }),
        '{"schema":{"type":"int32","optional":true,"default":42},"payload":null}',
      ).value,
      null,
    );
  });

  it('applies struct field defaults unless replace.null.with.default=false', () => {
    const schema = SchemaBuilder.struct()
      .field('n', SchemaBuilder.string().optional().defaultValue('dflt').build())
      .build();
    const struct = new Struct(schema);
    assert.match(write(converter(), schema, struct) ?? '', /"payload":\{"n":"dflt"\}/);
    assert.match(
      write(converter({ 'replace.null.with.default': 'false' }), schema, struct) ?? '',
      /"payload":\{"n":null\}/,
    );
  });

  it('reads a decimal default from the schema', () => {
    const schema = Decimal.builder(2).optional().defaultValue('1.50').build();
    const text = write(converter(), schema, null) ?? '';
    assert.match(text, /"default":"AJY="/);
    const back = read(converter(), text);
    assert.equal(back.schema?.defaultValue, '1.50');
    assert.equal(back.value, '1.50');
  });
});

describe('JsonConverter schemaless (schemas.enable=false)', () => {
  const c = converter({ 'schemas.enable': 'false' });

  it('writes JSON-like values as bare JSON', () => {
    const value = {
      a: 1,
      b: [true, null, 'x'],
      c: { d: 1.5 },
      big: 2n ** 70n,
      bytes: new Uint8Array([1, 2]),
      skipped: undefined,
    };
    assert.equal(
      write(c, null, value),
      '{"a":1,"b":[true,null,"x"],"c":{"d":1.5},"big":1180591620717411303424,"bytes":"AQI="}',
    );
    assert.equal(write(c, null, new Map([['k', 1]])), '{"k":1}');
    assert.equal(write(c, null, new Map([[1, 'v']])), '[[1,"v"]]');
    assert.equal(write(c, null, 'text'), '"text"');
  });

  it('writes a value with a schema but without the envelope', () => {
    assert.equal(
      write(c, ordersSchema, ordersRow()),
      '{"id":1,"amount":"BNI=","d":19737,"t":49530123,"ts":1705326330123}',
    );
    assert.equal(write(c, Schemas.OPTIONAL_INT32, null), 'null');
  });

  it('reads any JSON into plain values with a null schema', () => {
    assert.deepEqual(read(c, '{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}'), {
      schema: null,
      value: { a: 1, b: [true, null, 'x'], c: { d: 1.5 } },
    });
    assert.deepEqual(read(c, '"s"'), { schema: null, value: 's' });
    assert.deepEqual(read(c, 'null'), { schema: null, value: null });
    assert.deepEqual(read(c, ''), { schema: null, value: null });
  });

  it('rejects values JSON cannot hold', () => {
    assert.throws(() => write(c, null, new Date(0)), DataError);
  });
});

describe('JsonConverter int64 precision', () => {
  const big = 9_007_199_254_740_993n; // 2^53 + 1: a double would read …992

  it('writes a bigint as a JSON number and reads it back exactly, with and without schemas', () => {
    assert.equal(write(converter({ 'schemas.enable': 'false' }), Schemas.INT64, big), '9007199254740993');
    const withSchema = read(converter(), write(converter(), Schemas.INT64, big));
    assert.equal(withSchema.value, big);
    assert.deepEqual(
      read(converter({ 'schemas.enable': 'false' }), '{"id":9007199254740993,"small":9007199254740991}').value,
      {
        id: big,
        small: 9_007_199_254_740_991,
      },
    );
    assert.equal(read(converter({ 'schemas.enable': 'false' }), '-9223372036854775808').value, -(2n ** 63n));
  });

  it('keeps int64 struct fields exact through the cached-schema path', () => {
    const schema = SchemaBuilder.struct().field('id', Schemas.INT64).build();
    const c = converter();
    for (const id of [big, 2n ** 63n - 1n, -(2n ** 63n)]) {
      const result = read(c, write(c, schema, new Struct(schema).put('id', id)));
      assert.equal((result.value as Struct).get('id'), id);
    }
  });
});

describe('JsonConverter plugin', () => {
  it("is declared with Kafka's class name and config keys", () => {
    assert.equal(jsonConverter.kind, 'converter');
    assert.deepEqual(jsonConverter.aliases, ['org.apache.kafka.connect.json.JsonConverter']);
    assert.deepEqual(Object.keys(jsonConverter.config.keys), [
      'schemas.enable',
      'schemas.cache.size',
      'decimal.format',
      'replace.null.with.default',
    ]);
    const defaults = jsonConverterConfig.parse({});
    assert.deepEqual(
      { ...defaults },
      {
        'schemas.enable': true,
        'schemas.cache.size': 1000,
        'decimal.format': 'BASE64',
        'replace.null.with.default': true,
      },
    );
    assert.throws(
      () => jsonConverterConfig.parse({ 'decimal.format': 'HEX' }),
      (err: unknown) => err instanceof ConfigError && /decimal\.format/.test(err.message),
    );
  });

  it('creates working key converters and header converters', () => {
    const key = jsonConverter.create(jsonConverterConfig.parse({ 'schemas.enable': 'false' }), { isKey: true });
    assert.deepEqual(key.toConnectData('t', [], Buffer.from('{"k":1}')), { schema: null, value: { k: 1 } });
    const header = jsonHeaderConverter.create(jsonConverterConfig.parse({}));
    const bytes = header.fromConnectHeader('t', 'h', Schemas.BOOLEAN, true);
    assert.equal(Buffer.from(bytes ?? []).toString(), '{"schema":{"type":"boolean","optional":false},"payload":true}');
    assert.deepEqual(header.toConnectHeader('t', 'h', bytes).value, true);
  });

  it('keeps a bounded schema cache (schemas.cache.size=1 still converts every schema)', () => {
    const c = converter({ 'schemas.cache.size': '1' });
    for (const schema of [Schemas.INT32, Schemas.STRING, Schemas.INT32]) {
      const value = schema.type === 'string' ? 's' : 1;
      assert.deepEqual(read(c, write(c, schema, value)).value, value);
    }
  });
});
