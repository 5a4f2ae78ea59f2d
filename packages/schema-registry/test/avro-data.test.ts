import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
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
import avro from 'avsc';
import { AvroReader, AvroWriter } from '../src/avro-binary.js';
import {
  ANYTHING_SCHEMA,
  compileDecoder,
  compileEncoder,
  DEFAULT_AVRO_DATA_OPTIONS,
  fromConnectSchema,
  readAnything,
  scrubName,
  toConnectSchema,
  writeAnything,
} from '../src/avro-data.js';
import { parseAvroSchema } from '../src/avro-schema.js';

const nested = SchemaBuilder.struct().field('a', Schemas.INT32).build();
const everySchema = SchemaBuilder.struct()
  .name('com.example.Every')
  .version(3)
  .doc('every type')
  .field('i8', Schemas.INT8)
  .field('i16', Schemas.INT16)
  .field('i32', Schemas.INT32)
  .field('i64', Schemas.INT64)
  .field('f32', Schemas.FLOAT32)
  .field('f64', Schemas.FLOAT64)
  .field('bool', Schemas.BOOLEAN)
  .field('str', Schemas.STRING)
  .field('bytes', Schemas.BYTES)
  .field('dec', Decimal.schema(2, 10))
  .field('date', DateType.schema())
  .field('time', Time.schema())
  .field('ts', Timestamp.schema())
  .field('opt_str', Schemas.OPTIONAL_STRING)
  .field('opt_int', Schemas.OPTIONAL_INT32)
  .field('arr', SchemaBuilder.array(Schemas.STRING).build())
  .field('map', SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build())
  .field('imap', SchemaBuilder.map(Schemas.INT32, Schemas.STRING).build())
  .field('nested', nested)
  .field('opt_default', SchemaBuilder.string().optional().defaultValue('dflt').build())
  .build();

function everyValue(): Struct {
  return new Struct(everySchema)
    .put('i8', -3)
    .put('i16', 300)
    .put('i32', -1)
    .put('i64', 1234567890123)
    .put('f32', 1.5)
    .put('f64', -2.25)
    .put('bool', true)
    .put('str', 'héllo')
    .put('bytes', Buffer.from([0xde, 0xad]))
    .put('dec', '-12.34')
    .put('date', new Date('2024-01-15T00:00:00Z'))
    .put('time', new Date('1970-01-01T13:45:30.123Z'))
    .put('ts', new Date('2024-01-15T13:45:30.123Z'))
    .put('opt_str', null)
    .put('opt_int', 7)
    .put('arr', ['a', 'b'])
    .put('map', new Map([['k', 1]]))
    .put('imap', new Map([[1, 'x']]))
    .put('nested', new Struct(nested).put('a', 5))
    .put('opt_default', 'z');
}

// The Avro schema Confluent's AvroData writes for everySchema (property order as Avro's
// Schema.toString writes them: base attributes, then props in insertion order).
const EXPECTED_SCHEMA_TEXT = JSON.stringify({
  type: 'record',
  name: 'Every',
  namespace: 'com.example',
  fields: [
    { name: 'i8', type: { type: 'int', 'connect.type': 'int8' } },
    { name: 'i16', type: { type: 'int', 'connect.type': 'int16' } },
    { name: 'i32', type: 'int' },
    { name: 'i64', type: 'long' },
    { name: 'f32', type: 'float' },
    { name: 'f64', type: 'double' },
    { name: 'bool', type: 'boolean' },
    { name: 'str', type: 'string' },
    { name: 'bytes', type: 'bytes' },
    {
      name: 'dec',
      type: {
        type: 'bytes',
        scale: 2,
        precision: 10,
        'connect.version': 1,
        'connect.parameters': { scale: '2', 'connect.decimal.precision': '10' },
        'connect.name': 'org.apache.kafka.connect.data.Decimal',
        logicalType: 'decimal',
      },
    },
    {
      name: 'date',
      type: {
        type: 'int',
        'connect.version': 1,
        'connect.name': 'org.apache.kafka.connect.data.Date',
        logicalType: 'date',
      },
    },
    {
      name: 'time',
      type: {
        type: 'int',
        'connect.version': 1,
        'connect.name': 'org.apache.kafka.connect.data.Time',
        logicalType: 'time-millis',
      },
    },
    {
      name: 'ts',
      type: {
        type: 'long',
        'connect.version': 1,
        'connect.name': 'org.apache.kafka.connect.data.Timestamp',
        logicalType: 'timestamp-millis',
      },
    },
    { name: 'opt_str', type: ['null', 'string'], default: null },
    { name: 'opt_int', type: ['null', 'int'], default: null },
    { name: 'arr', type: { type: 'array', items: 'string' } },
    { name: 'map', type: { type: 'map', values: 'int' } },
    {
      name: 'imap',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'MapEntry',
          namespace: 'io.confluent.connect.avro',
          fields: [
            { name: 'key', type: 'int' },
            { name: 'value', type: 'string' },
          ],
        },
      },
    },
    {
      name: 'nested',
      type: {
        type: 'record',
        name: 'ConnectDefault',
        namespace: 'io.confluent.connect.avro',
        fields: [{ name: 'a', type: 'int' }],
      },
    },
    { name: 'opt_default', type: [{ type: 'string', 'connect.default': 'dflt' }, 'null'], default: 'dflt' },
  ],
  'connect.doc': 'every type',
  'connect.version': 3,
  'connect.name': 'com.example.Every',
});

// The Avro binary encoding of everyValue(), written out from the Avro 1.11 specification
// ("Binary Encoding"): int/long = zig-zag varint, float/double = IEEE 754 little-endian,
// bytes/string = zig-zag length + data, union = zig-zag branch index + value, array/map =
// blocks (zig-zag count, items) ended by a 0 count, record = its fields in order.
const EXPECTED_DATUM = [
  ['i8 -3 → zigzag 5', '05'],
  ['i16 300 → zigzag 600 = 0b100_1011000', 'd8 04'],
  ['i32 -1 → zigzag 1', '01'],
  ['i64 1234567890123 → zigzag 2469135780246', '96 93 d8 9f ee 47'],
  ['f32 1.5 = 0x3fc00000, little-endian', '00 00 c0 3f'],
  ['f64 -2.25 = 0xc002000000000000, little-endian', '00 00 00 00 00 00 02 c0'],
  ['bool true', '01'],
  ['str "héllo": 6 UTF-8 bytes → length zigzag 12', '0c 68 c3 a9 6c 6c 6f'],
  ['bytes de ad: length 2 → 04', '04 de ad'],
  ["dec -12.34 scale 2 → unscaled -1234 = two's complement fb 2e", '04 fb 2e'],
  ['date 2024-01-15 = day 19737 → zigzag 39474', 'b2 b4 02'],
  ['time 13:45:30.123 = 49530123 ms', '96 94 9e 2f'],
  ['ts 2024-01-15T13:45:30.123Z = 1705326330123 ms', '96 84 f6 d5 a1 63'],
  ['opt_str null → union branch 0 ("null")', '00'],
  ['opt_int 7 → union branch 1, then zigzag 14', '02 0e'],
  ['arr ["a","b"] → block of 2, "a", "b", end', '04 02 61 02 62 00'],
  ['map {"k":1} → block of 1, key "k", value 1, end', '02 02 6b 02 00'],
  ['imap {1:"x"} → array block of 1 MapEntry{key 1, value "x"}, end', '02 02 02 78 00'],
  ['nested {a:5}', '0a'],
  ['opt_default "z" → union branch 0 (string first: it has a default)', '00 02 7a'],
];
const expectedDatum = Buffer.from(
  EXPECTED_DATUM.map(([, hex]) => hex)
    .join('')
    .replace(/ /g, ''),
  'hex',
);

function encode(schema: Schema, value: unknown): Buffer {
  const node = parseAvroSchema(JSON.stringify(fromConnectSchema(schema)));
  const w = new AvroWriter(8);
  compileEncoder(schema, node)(w, value);
  return w.finish();
}

function decode(avroSchemaText: string, bytes: Buffer) {
  const node = parseAvroSchema(avroSchemaText);
  const schema = toConnectSchema(node);
  const r = new AvroReader(bytes);
  const value = compileDecoder(node, schema)(r);
  assert.equal(r.pos, bytes.length, 'every byte read');
  return { schema, value };
}

describe('AvroData schemas (Connect → Avro)', () => {
  it('writes the schema AvroData writes for a record with every Connect type', () => {
    assert.equal(JSON.stringify(fromConnectSchema(everySchema)), EXPECTED_SCHEMA_TEXT);
  });

  it('is a valid Avro schema for avsc', () => {
    assert.doesNotThrow(() => avro.Type.forSchema(JSON.parse(EXPECTED_SCHEMA_TEXT)));
  });

  it('names nested unnamed structs ConnectDefault, ConnectDefault2, … and reuses an equal one by name', () => {
    const inner = SchemaBuilder.struct().field('value', Schemas.INT64).optional().build();
    const outer = SchemaBuilder.struct()
      .field('struct', inner)
      .field('array', SchemaBuilder.array(inner).build())
      .build();
    assert.deepEqual(fromConnectSchema(outer), {
      type: 'record',
      name: 'ConnectDefault',
      namespace: 'io.confluent.connect.avro',
      fields: [
        {
          name: 'struct',
          type: ['null', { type: 'record', name: 'ConnectDefault2', fields: [{ name: 'value', type: 'long' }] }],
          default: null,
        },
        { name: 'array', type: { type: 'array', items: ['null', 'ConnectDefault2'] } },
      ],
    });
  });

  it('writes precision 64 for a Decimal without connect.decimal.precision', () => {
    assert.deepEqual(fromConnectSchema(Decimal.schema(3)), {
      type: 'bytes',
      scale: 3,
      precision: 64,
      'connect.version': 1,
      'connect.parameters': { scale: '3' },
      'connect.name': 'org.apache.kafka.connect.data.Decimal',
      logicalType: 'decimal',
    });
  });

  it('keeps defaults: field default and connect.default', () => {
    const s = SchemaBuilder.struct()
      .name('d')
      .field('n', SchemaBuilder.int32().defaultValue(5).build())
      .field(
        'b',
        SchemaBuilder.bytes()
          .defaultValue(Buffer.from([0xff, 0x00]))
          .build(),
      )
      .build();
    assert.deepEqual(fromConnectSchema(s), {
      type: 'record',
      name: 'd',
      fields: [
        { name: 'n', type: { type: 'int', 'connect.default': 5 }, default: 5 },
        { name: 'b', type: { type: 'bytes', 'connect.default': 'ÿ\u0000' }, default: 'ÿ\u0000' },
      ],
      'connect.name': 'd',
    });
  });

  it('leaves connect.* out with connect.meta.data=false, but keeps logical types', () => {
    const options = { ...DEFAULT_AVRO_DATA_OPTIONS, connectMetaData: false };
    assert.deepEqual(fromConnectSchema(Timestamp.schema(), options), { type: 'long', logicalType: 'timestamp-millis' });
    assert.deepEqual(fromConnectSchema(Schemas.INT16, options), 'int');
  });

  it('refuses invalid Avro names unless scrub.invalid.names', () => {
    const s = SchemaBuilder.struct().name('my-table').field('first name', Schemas.STRING).build();
    assert.throws(() => fromConnectSchema(s), DataError);
    const scrubbed = fromConnectSchema(s, { ...DEFAULT_AVRO_DATA_OPTIONS, scrubInvalidNames: true }) as {
      name: string;
      fields: { name: string }[];
    };
    assert.equal(scrubbed.name, 'my_table');
    assert.equal(scrubbed.fields[0]?.name, 'first_name');
    assert.equal(scrubName('1abc'), 'x1abc');
  });
});

describe('Avro binary encoding', () => {
  it('encodes a record with every Connect type to the bytes the Avro specification gives', () => {
    assert.equal(encode(everySchema, everyValue()).toString('hex'), expectedDatum.toString('hex'));
  });

  it('decodes those bytes back to the same Connect schema and value', () => {
    const { schema, value } = decode(EXPECTED_SCHEMA_TEXT, expectedDatum);
    assert.equal(schema.name, 'com.example.Every');
    assert.equal(schema.version, 3);
    assert.equal(schema.doc, 'every type');
    assert.ok(valuesEqual(value, everyValue()), `${String(value)}`);
    const opt = schema.field('opt_default')?.schema;
    assert.equal(opt?.defaultValue, 'dflt');
    assert.equal(opt?.isOptional, true);
    assert.equal(schema.field('i8')?.schema.type, 'int8');
    assert.equal(schema.field('imap')?.schema.type, 'map');
    assert.equal(schema.field('imap')?.schema.keySchema?.type, 'int32');
    assert.equal(schema.field('nested')?.schema.name, null);
    assert.equal(schema.field('dec')?.schema.parameters?.['connect.decimal.precision'], '10');
  });

  it('agrees with avsc, an independent Avro implementation, in both directions', () => {
    const type = avro.Type.forSchema(JSON.parse(EXPECTED_SCHEMA_TEXT));
    const decoded = type.fromBuffer(expectedDatum) as Record<string, unknown>;
    assert.equal(decoded['i16'], 300);
    assert.equal(decoded['str'], 'héllo');
    assert.deepEqual(decoded['dec'], Buffer.from([0xfb, 0x2e]));
    assert.deepEqual({ ...(decoded['imap'] as object[])[0] }, { key: 1, value: 'x' });
    assert.ok(type.toBuffer(decoded).equals(expectedDatum));
  });

  it('writes longs beyond 2^53 from bigints and reads them back as bigints', () => {
    const s = SchemaBuilder.struct().name('big').field('n', Schemas.INT64).build();
    for (const [n, hex] of [
      [-9007199254740993n, '81808080808080 20'],
      [2n ** 63n - 1n, 'feffffffffffffffff 01'],
      [-(2n ** 63n), 'ffffffffffffffffff 01'],
    ] as const) {
      const bytes = encode(s, new Struct(s).put('n', n));
      assert.equal(bytes.toString('hex'), hex.replace(/ /g, ''));
      const back = decode(JSON.stringify(fromConnectSchema(s)), bytes).value as Struct;
      assert.equal(back.get('n'), n);
    }
  });

  it('writes negative decimals and Decimal precision as Java BigInteger bytes', () => {
    const s = Decimal.schema(2);
    assert.equal(encode(s, '12.34').toString('hex'), '0404d2');
    assert.equal(encode(s, '-0.01').toString('hex'), '02ff');
    assert.equal(encode(s, '1.28').toString('hex'), '040080');
  });

  it('rejects a null for a required field, naming it', () => {
    const s = SchemaBuilder.struct().name('r').field('id', Schemas.INT64).build();
    const struct = new Struct(s);
    assert.throws(() => encode(s, struct), /field "id"/);
  });
});

describe('Avro schemas from other tools (Avro → Connect)', () => {
  it('maps unions, enums, fixed, logical types and defaults', () => {
    const text = JSON.stringify({
      type: 'record',
      name: 'Order',
      namespace: 'shop',
      doc: 'an order',
      fields: [
        { name: 'id', type: 'long', doc: 'the id' },
        { name: 'note', type: ['null', 'string'], default: null },
        { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
        { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 2 } },
        { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
        { name: 'day', type: { type: 'int', logicalType: 'date' } },
        { name: 'either', type: ['int', 'string'] },
        { name: 'qty', type: 'int', default: 1 },
      ],
    });
    const type = avro.Type.forSchema(JSON.parse(text), { wrapUnions: true });
    const bytes = type.toBuffer({
      id: 42,
      note: { string: 'hi' },
      status: 'PAID',
      hash: Buffer.from([1, 2]),
      price: Buffer.from([0x30, 0x39]),
      day: 1,
      either: { string: 's' },
      qty: 3,
    });
    const { schema, value } = decode(text, bytes);
    assert.equal(schema.name, 'shop.Order');
    assert.equal(schema.parameters?.['io.confluent.connect.avro.record.doc'], 'an order');
    assert.equal(schema.parameters?.['io.confluent.connect.avro.field.doc.id'], 'the id');
    assert.equal(schema.field('note')?.schema.isOptional, true);
    const status = schema.field('status')?.schema;
    assert.equal(status?.type, 'string');
    assert.equal(status?.name, 'shop.Status');
    assert.equal(status?.parameters?.['io.confluent.connect.avro.Enum'], 'shop.Status');
    assert.equal(status?.parameters?.['io.confluent.connect.avro.Enum.PAID'], 'PAID');
    assert.equal(schema.field('hash')?.schema.type, 'bytes');
    assert.equal(schema.field('price')?.schema.name, Decimal.LOGICAL_NAME);
    assert.equal(schema.field('day')?.schema.name, DateType.LOGICAL_NAME);
    const either = schema.field('either')?.schema;
    assert.equal(either?.name, 'io.confluent.connect.avro.Union');
    assert.deepEqual(
      either?.fields.map((f) => f.name),
      ['int', 'string'],
    );
    const qty = schema.field('qty')?.schema;
    assert.equal(qty?.defaultValue, 1);
    assert.equal(qty?.parameters?.['io.confluent.connect.avro.field.default'], 'true');
    const struct = value as Struct;
    assert.equal(struct.get('id'), 42);
    assert.equal(struct.get('note'), 'hi');
    assert.equal(struct.get('status'), 'PAID');
    assert.equal(struct.get('price'), '123.45');
    assert.deepEqual(struct.get('day'), new Date('1970-01-02T00:00:00Z'));
    assert.equal((struct.get('either') as Struct).get('string'), 's');

    // Written back with the Connect schema it was read as, the bytes are the same.
    const node = parseAvroSchema(text);
    const w = new AvroWriter();
    compileEncoder(schema, node)(w, value);
    assert.equal(w.finish().toString('hex'), bytes.toString('hex'));
  });

  it('round-trips enums as Avro enums with enhanced.avro.schema.support', () => {
    const options = { ...DEFAULT_AVRO_DATA_OPTIONS, enhancedSchemaSupport: true };
    const text = JSON.stringify({ type: 'enum', name: 'Color', namespace: 'x', symbols: ['RED', 'GREEN'] });
    const schema = toConnectSchema(parseAvroSchema(text), null, options);
    const back = fromConnectSchema(schema, options) as Record<string, unknown>;
    assert.equal(back['type'], 'enum');
    assert.equal(back['name'], 'Color');
    assert.deepEqual(back['symbols'], ['RED', 'GREEN']);
  });

  it('uses the registry version when the schema has no connect.version', () => {
    const schema = toConnectSchema(parseAvroSchema('{"type":"record","name":"r","fields":[]}'), 7);
    assert.equal(schema.version, 7);
  });
});

describe('schemaless data (io.confluent.connect.avro.Anything)', () => {
  // Anything's fields in order: boolean, bytes, double, float, int, long, string, array, map,
  // each ["null", T]: branch 0 (00) when unset, branch 1 (02) and the value when set.
  const keyA = '00 00 00 00 00 00 02 0261 00 00'; // string "a"
  const one = '00 00 00 00 00 02 02 00 00 00'; // long 1
  const expected = `00 00 00 00 00 00 00 00 02 02 ${keyA} ${one} 00`; // map: block of 1 entry, end

  it('writes {"a": 1} as Confluent\'s Anything record', () => {
    const w = new AvroWriter();
    writeAnything(w, { a: 1 });
    assert.equal(w.finish().toString('hex'), expected.replace(/ /g, ''));
  });

  it('reads it back, and avsc reads the same record', () => {
    const bytes = Buffer.from(expected.replace(/ /g, ''), 'hex');
    const r = new AvroReader(bytes);
    assert.deepEqual(readAnything(r), { a: 1 });
    assert.equal(r.pos, bytes.length);
    const decoded = avro.Type.forSchema(ANYTHING_SCHEMA as avro.Schema).fromBuffer(bytes) as {
      map: { key: { string: string } }[];
    };
    assert.equal(decoded.map[0]?.key.string, 'a');
  });

  it('round-trips nested JSON-like values, bigints and bytes', () => {
    const value = { list: [true, 'x', null, 2.5], n: 2n ** 60n, raw: Buffer.from([1]), nested: { k: 'v' } };
    const w = new AvroWriter();
    writeAnything(w, value);
    assert.deepEqual(readAnything(new AvroReader(w.finish())), value);
  });
});
