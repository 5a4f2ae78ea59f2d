import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import {
  DataError,
  DateType,
  Decimal,
  SchemaBuilder,
  Schemas,
  Struct,
  Time,
  Timestamp,
  valuesEqual,
} from '@tributary/api';
import { schemaRegistryConverterConfig } from '../src/config.js';
import {
  ProtobufConverter,
  ProtobufFormat,
  protoFromConnect,
  readMessageIndexes,
  writeMessageIndexes,
} from '../src/protobuf-converter.js';
import { registryCall, type Stack, startStack, uniqueTopic } from './helpers/registry.js';

const address = SchemaBuilder.struct().name('shop.Address').field('city', Schemas.STRING).optional().build();
const customer = SchemaBuilder.struct()
  .name('shop.Customer')
  .field('id', Schemas.INT64)
  .field('name', Schemas.STRING)
  .field('score', Schemas.FLOAT64)
  .field('active', Schemas.BOOLEAN)
  .field('avatar', Schemas.BYTES)
  .field('tags', SchemaBuilder.array(Schemas.STRING).build())
  .field('counts', SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build())
  .field('address', address)
  .field('seen', Timestamp.builder().optional().build())
  .build();

function customerValue(id: number | bigint): Struct {
  return new Struct(customer)
    .put('id', id)
    .put('name', 'Ada')
    .put('score', 2.5)
    .put('active', true)
    .put('avatar', Buffer.from([9, 8]))
    .put('tags', ['x', 'y'])
    .put('counts', new Map([['a', 1]]))
    .put('address', new Struct(address).put('city', 'Oslo'))
    .put('seen', new Date('2024-01-15T13:45:30.123Z'));
}

describe('ProtobufConverter', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack.stop();
  });

  it('writes proto3 for a Connect struct, nested messages inside', () => {
    assert.equal(
      protoFromConnect(customer).text,
      [
        'syntax = "proto3";',
        'package shop;',
        'import "google/protobuf/timestamp.proto";',
        '',
        'message Customer {',
        '  int64 id = 1;',
        '  string name = 2;',
        '  double score = 3;',
        '  bool active = 4;',
        '  bytes avatar = 5;',
        '  repeated string tags = 6;',
        '  map<string, int32> counts = 7;',
        '  Address address = 8;',
        '  google.protobuf.Timestamp seen = 9;',
        '  message Address {',
        '    string city = 1;',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it('writes and reads message indexes as Confluent does (a single 0x00 for the first message)', () => {
    assert.deepEqual(writeMessageIndexes([0]), Buffer.from([0]));
    // [1, 0]: count 2 → zigzag 4, then 1 → 2, 0 → 0
    assert.deepEqual(writeMessageIndexes([1, 0]), Buffer.from([4, 2, 0]));
    assert.deepEqual(readMessageIndexes(Buffer.from([4, 2, 0, 0x08])), { indexes: [1, 0], offset: 3 });
    assert.deepEqual(readMessageIndexes(Buffer.from([0, 0x08])), { indexes: [0], offset: 1 });
  });

  it('round-trips through the registry with magic 0, the id and the 0x00 message index', async () => {
    const topic = uniqueTopic('customers');
    const config = schemaRegistryConverterConfig.parse({ 'schema.registry.url': stack.registry.url });
    const bytes = Buffer.from(
      (await new ProtobufConverter(config, { isKey: false }).fromConnectData(
        topic,
        [],
        customer,
        customerValue(2n ** 60n),
      )) ?? [],
    );
    const latest = (await registryCall(stack.registry.url, 'GET', `/subjects/${topic}-value/versions/latest`)).json as {
      id: number;
      schemaType: string;
    };
    assert.equal(latest.schemaType, 'PROTOBUF');
    assert.equal(bytes[0], 0);
    assert.equal(bytes.readInt32BE(1), latest.id);
    assert.equal(bytes[5], 0, 'message index array [0]');
    // Field 1 (id), varint wire type: tag 0x08.
    assert.equal(bytes[6], 0x08);

    const { schema, value } = await new ProtobufConverter(config, { isKey: false }).toConnectData(topic, [], bytes);
    assert.equal(schema?.name, 'shop.Customer');
    assert.equal(schema?.version, 1);
    assert.equal(schema?.field('seen')?.schema.name, Timestamp.LOGICAL_NAME);
    const expected = customerValue(2n ** 60n);
    for (const f of customer.fields)
      if (f.name !== 'address') assert.ok(valuesEqual((value as Struct).get(f.name), expected.get(f.name)), f.name);
    assert.equal(((value as Struct).get('address') as Struct).get('city'), 'Oslo');
  });

  it('writes what @kafkajs/confluent-schema-registry decodes', async () => {
    // Without the Timestamp field: that library does not resolve google/protobuf imports.
    const plain = SchemaBuilder.struct()
      .name('shop.Plain')
      .field('name', Schemas.STRING)
      .field('tags', SchemaBuilder.array(Schemas.STRING).build())
      .field('address', address)
      .build();
    const value = new Struct(plain)
      .put('name', 'Ada')
      .put('tags', ['x', 'y'])
      .put('address', new Struct(address).put('city', 'Oslo'));
    const topic = uniqueTopic('customers');
    const config = schemaRegistryConverterConfig.parse({ 'schema.registry.url': stack.registry.url });
    const bytes = Buffer.from(
      (await new ProtobufConverter(config, { isKey: false }).fromConnectData(topic, [], plain, value)) ?? [],
    );
    const client = new SchemaRegistry({ host: stack.registry.url });
    const decoded = (await client.decode(bytes)) as { name: string; tags: string[]; address: { city: string } };
    assert.equal(decoded.name, 'Ada');
    assert.deepEqual(decoded.tags, ['x', 'y']);
    assert.equal(decoded.address.city, 'Oslo');
  });

  it('maps Date and Time to google.type.Date and google.type.TimeOfDay and back', () => {
    const s = SchemaBuilder.struct()
      .name('p.Shift')
      .field('day', DateType.builder().optional().build())
      .field('start', Time.builder().optional().build())
      .build();
    const value = new Struct(s)
      .put('day', new Date('2024-01-15T00:00:00Z'))
      .put('start', new Date('1970-01-01T13:45:30.123Z'));
    const format = new ProtobufFormat();
    const writer = format.forConnectSchema(s);
    assert.match(writer.text, /import "google\/type\/date.proto";\nimport "google\/type\/timeofday.proto";/);
    assert.match(writer.text, /google\.type\.Date day = 1;/);
    const bytes = writer.encode(value, Buffer.from([0, 0, 0, 0, 1, 0]));
    // day: field 1, length-delimited (0x0a), 7 bytes: year 2024 (08 e8 0f), month 1 (10 01), day 15 (18 0f)
    assert.equal(bytes.subarray(6, 15).toString('hex'), '0a0708e80f1001180f');
    const reader = format.forRegistered({ schemaType: 'PROTOBUF', schema: writer.text, references: [] }, null);
    assert.equal(reader.schema?.field('day')?.schema.name, DateType.LOGICAL_NAME);
    const back = reader.decode(bytes.subarray(5)) as Struct;
    assert.deepEqual(back.get('day'), new Date('2024-01-15T00:00:00Z'));
    assert.deepEqual(back.get('start'), new Date('1970-01-01T13:45:30.123Z'));
  });

  it('registers Date and Time fields (known-type imports) and reads them back through the registry', async () => {
    const s = SchemaBuilder.struct()
      .name('p.Shift')
      .field('day', DateType.builder().optional().build())
      .field('start', Time.builder().optional().build())
      .build();
    const value = new Struct(s)
      .put('day', new Date('2024-01-15T00:00:00Z'))
      .put('start', new Date('1970-01-01T08:00:00.000Z'));
    const topic = uniqueTopic('shifts');
    const config = schemaRegistryConverterConfig.parse({ 'schema.registry.url': stack.registry.url });
    const bytes = await new ProtobufConverter(config, { isKey: false }).fromConnectData(topic, [], s, value);
    const { value: back } = await new ProtobufConverter(config, { isKey: false }).toConnectData(topic, [], bytes);
    assert.deepEqual((back as Struct).get('day'), new Date('2024-01-15T00:00:00Z'));
    assert.deepEqual((back as Struct).get('start'), new Date('1970-01-01T08:00:00.000Z'));
  });

  it('refuses Decimal with a DataError naming the field', () => {
    const s = SchemaBuilder.struct().name('p.P').field('price', Decimal.schema(2)).build();
    assert.throws(
      () => protoFromConnect(s),
      (err: unknown) => err instanceof DataError && err.message.includes('"price"'),
    );
  });
});
