import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import {
  ConnectError,
  type Converter,
  DataError,
  DateType,
  Decimal,
  RetriableError,
  type Schema,
  SchemaBuilder,
  Schemas,
  Struct,
  Timestamp,
  valuesEqual,
} from '@tributary/api';
import { startSchemaRegistry } from '@tributary/devstack';
import { AvroConverter } from '../src/avro-converter.js';
import { schemaRegistryConverterConfig } from '../src/config.js';
import { avroConverter } from '../src/plugins.js';
import { registryCall, type Stack, startStack, uniqueTopic } from './helpers/registry.js';

const orderV1 = SchemaBuilder.struct()
  .name('shop.Order')
  .field('id', Schemas.INT64)
  .field('amount', Decimal.builder(2, 10).optional().build())
  .field('day', DateType.builder().optional().build())
  .field('at', Timestamp.builder().optional().build())
  .field('tags', SchemaBuilder.array(Schemas.STRING).build())
  .build();

function order(id: number): Struct {
  return new Struct(orderV1)
    .put('id', id)
    .put('amount', '12.34')
    .put('day', new Date('2024-01-15T00:00:00Z'))
    .put('at', new Date('2024-01-15T13:45:30.123Z'))
    .put('tags', ['a']);
}

function converter(url: string, props: Record<string, string> = {}, isKey = false): AvroConverter {
  return new AvroConverter(schemaRegistryConverterConfig.parse({ 'schema.registry.url': url, ...props }), { isKey });
}

/** Field-by-field equality (the read schema carries the registry version, so Struct.equals differs). */
function sameValues(actual: unknown, expected: Struct): boolean {
  return (
    actual instanceof Struct &&
    expected.schema.fields.every((f) => valuesEqual(actual.get(f.name), expected.get(f.name)))
  );
}

async function write(c: Converter, topic: string, schema: Schema | null, value: unknown): Promise<Buffer> {
  const bytes = await c.fromConnectData(topic, [], schema, value);
  assert.ok(bytes !== null);
  return Buffer.from(bytes);
}

describe('AvroConverter against the embedded schema registry', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack.stop();
  });

  it('registers the schema under <topic>-value and writes magic 0, the id big-endian, then the Avro datum', async () => {
    const topic = uniqueTopic('orders');
    const c = converter(stack.registry.url);
    const bytes = await write(c, topic, orderV1, order(7));
    const latest = await registryCall(stack.registry.url, 'GET', `/subjects/${topic}-value/versions/latest`);
    assert.equal(latest.status, 200);
    const { id, version } = latest.json as { id: number; version: number };
    assert.equal(version, 1);
    const header = Buffer.alloc(5);
    header.writeInt32BE(id, 1);
    // id 7 → zigzag 14; amount: union branch 1, 2 bytes 04 d2; day: branch 1, 19737;
    // at: branch 1, 1705326330123; tags: block of 1, "a", end.
    const datum = Buffer.from(
      '0e' + '02' + '0404d2' + '02' + 'b2b402' + '02' + '9684f6d5a163' + '02' + '0261' + '00',
      'hex',
    );
    assert.equal(bytes.toString('hex'), Buffer.concat([header, datum]).toString('hex'));
    // The second record uses the cached id (no new version).
    await write(c, topic, orderV1, order(8));
    const versions = await registryCall(stack.registry.url, 'GET', `/subjects/${topic}-value/versions`);
    assert.deepEqual(versions.json, [1]);
  });

  it('reads back the Connect schema (with the registry version) and value', async () => {
    const topic = uniqueTopic('orders');
    const bytes = await write(converter(stack.registry.url), topic, orderV1, order(9));
    const reader = converter(stack.registry.url);
    const { schema, value } = await reader.toConnectData(topic, [], bytes);
    assert.equal(schema?.name, 'shop.Order');
    assert.equal(schema?.version, 1);
    assert.equal(schema?.field('amount')?.schema.name, Decimal.LOGICAL_NAME);
    assert.ok(sameValues(value, order(9)));
    // Cached: the second read is synchronous.
    const again = reader.toConnectData(topic, [], bytes);
    assert.ok(!(again instanceof Promise));
  });

  it('writes what @kafkajs/confluent-schema-registry decodes, and reads what it encodes', async () => {
    const topic = uniqueTopic('orders');
    const bytes = await write(converter(stack.registry.url), topic, orderV1, order(10));
    const client = new SchemaRegistry({ host: stack.registry.url });
    const decoded = (await client.decode(bytes)) as Record<string, unknown>;
    assert.equal(decoded['id'], 10);
    assert.deepEqual(decoded['tags'], ['a']);
    assert.deepEqual(decoded['amount'], Buffer.from([0x04, 0xd2]));
    const id = bytes.readInt32BE(1);
    const theirs = await client.encode(id, { ...decoded, id: 11 });
    const { value } = await converter(stack.registry.url).toConnectData(topic, [], theirs);
    assert.ok(sameValues(value, order(11)));
  });

  it('writes keys under <topic>-key and tombstones as null', async () => {
    const topic = uniqueTopic('orders');
    const c = converter(stack.registry.url, {}, true);
    await write(c, topic, Schemas.STRING, 'k1');
    const latest = await registryCall(stack.registry.url, 'GET', `/subjects/${topic}-key/versions/latest`);
    assert.equal((latest.json as { schema: string }).schema, '"string"');
    assert.equal(await c.fromConnectData(topic, [], orderV1, null), null);
    assert.deepEqual(await c.toConnectData(topic, [], null), { schema: null, value: null });
  });

  it('names subjects with RecordNameStrategy and TopicRecordNameStrategy (Confluent class names accepted)', async () => {
    const topic = uniqueTopic('orders');
    const record = SchemaBuilder.struct().name(`rec.R${Date.now()}`).field('x', Schemas.INT32).build();
    const value = new Struct(record).put('x', 1);
    const byRecord = converter(stack.registry.url, {
      'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.RecordNameStrategy',
    });
    const bytes = await write(byRecord, topic, record, value);
    assert.equal(
      (await registryCall(stack.registry.url, 'GET', `/subjects/${record.name}/versions/latest`)).status,
      200,
    );
    const byTopicRecord = converter(stack.registry.url, { 'value.subject.name.strategy': 'TopicRecordNameStrategy' });
    await write(byTopicRecord, topic, record, value);
    const subject = `${topic}-${record.name}`;
    assert.equal((await registryCall(stack.registry.url, 'GET', `/subjects/${subject}/versions/latest`)).status, 200);
    const read = await byRecord.toConnectData(topic, [], bytes);
    assert.equal(read.schema?.version, 1);
    assert.throws(() => byRecord.subjectName(topic, null), /RecordNameStrategy needs a named record/);
  });

  it('with auto.register.schemas=false, finds a registered schema and refuses a missing one clearly', async () => {
    const topic = uniqueTopic('orders');
    const strict = converter(stack.registry.url, { 'auto.register.schemas': 'false' });
    await assert.rejects(
      async () => write(strict, topic, orderV1, order(1)),
      (err: unknown) =>
        err instanceof DataError &&
        err.message.includes(`Schema not found in subject "${topic}-value"`) &&
        err.message.includes('auto.register.schemas=false'),
    );
    const registered = await write(converter(stack.registry.url), topic, orderV1, order(1));
    const bytes = await write(strict, topic, orderV1, order(1));
    assert.equal(bytes.toString('hex'), registered.toString('hex'));
  });

  it('with use.latest.version, writes with the latest registered schema and its id', async () => {
    const topic = uniqueTopic('users');
    const v1 = SchemaBuilder.struct().name('u.User').field('name', Schemas.STRING).build();
    const v2 = SchemaBuilder.struct()
      .name('u.User')
      .field('name', Schemas.STRING)
      .field('email', SchemaBuilder.string().optional().build())
      .build();
    const registering = converter(stack.registry.url);
    await write(registering, topic, v1, new Struct(v1).put('name', 'a'));
    await write(registering, topic, v2, new Struct(v2).put('name', 'a').put('email', 'e'));
    const latest = (await registryCall(stack.registry.url, 'GET', `/subjects/${topic}-value/versions/latest`)).json as {
      id: number;
      version: number;
    };
    assert.equal(latest.version, 2);
    const c = converter(stack.registry.url, { 'auto.register.schemas': 'false', 'use.latest.version': 'true' });
    const bytes = await write(c, topic, v1, new Struct(v1).put('name', 'bob'));
    assert.equal(bytes.readInt32BE(1), latest.id);
    // name "bob", then email as union branch 0 (null), its default.
    assert.equal(bytes.subarray(5).toString('hex'), '06626f62' + '00');
    const { schema, value } = await converter(stack.registry.url).toConnectData(topic, [], bytes);
    assert.equal(schema?.version, 2);
    assert.equal((value as Struct).get('email'), null);
  });

  it('with use.latest.version and latest.compatibility.strict, refuses a record the latest schema cannot read', async () => {
    const topic = uniqueTopic('users');
    const latestSchema = SchemaBuilder.struct()
      .name('u.Person')
      .field('name', Schemas.STRING)
      .field('age', Schemas.INT32)
      .build();
    await write(
      converter(stack.registry.url),
      topic,
      latestSchema,
      new Struct(latestSchema).put('name', 'a').put('age', 1),
    );
    const own = SchemaBuilder.struct().name('u.Person').field('name', Schemas.STRING).build();
    const c = converter(stack.registry.url, { 'auto.register.schemas': 'false', 'use.latest.version': 'true' });
    await assert.rejects(
      async () => write(c, topic, own, new Struct(own).put('name', 'b')),
      (err: unknown) => err instanceof DataError && /latest.compatibility.strict=true/.test(err.message),
    );
  });

  it('refuses an incompatible evolution with an error naming the subject and the version', async () => {
    const topic = uniqueTopic('orders');
    const c = converter(stack.registry.url);
    await write(c, topic, orderV1, order(1));
    const changed = SchemaBuilder.struct().name('shop.Order').field('id', Schemas.STRING).build();
    await assert.rejects(
      async () => write(c, topic, changed, new Struct(changed).put('id', 'x')),
      (err: unknown) =>
        err instanceof ConnectError &&
        !err.isRetriable &&
        err.message.includes(`subject "${topic}-value"`) &&
        err.message.includes('version 1'),
    );
  });

  it('throws RetriableError and writes nothing when the registry is unreachable', async () => {
    const own = await startStack();
    const c = converter(own.registry.url);
    await own.stop();
    await assert.rejects(
      async () => write(c, uniqueTopic('orders'), orderV1, order(1)),
      (err: unknown) => err instanceof RetriableError && err.isRetriable && /unreachable/.test(err.message),
    );
  });

  it('writes schemaless values with the Anything schema and reads them back without a schema', async () => {
    const topic = uniqueTopic('loose');
    const c = converter(stack.registry.url);
    const bytes = await write(c, topic, null, { id: 1, tags: ['a'] });
    const latest = await registryCall(stack.registry.url, 'GET', `/subjects/${topic}-value/versions/latest`);
    assert.match((latest.json as { schema: string }).schema, /io\.confluent\.connect\.avro|"Anything"/);
    assert.deepEqual(await converter(stack.registry.url).toConnectData(topic, [], bytes), {
      schema: null,
      value: { id: 1, tags: ['a'] },
    });
  });

  it('reads records written before a registry restart with a fresh converter (the ids survive)', async () => {
    const own = await startStack();
    let restarted: Awaited<ReturnType<typeof startSchemaRegistry>> | null = null;
    try {
      const topic = uniqueTopic('orders');
      const bytes = await write(converter(own.registry.url), topic, orderV1, order(3));
      await own.registry.stop();
      restarted = await startSchemaRegistry({
        port: 0,
        bootstrapServers: [own.broker.bootstrap],
        topic: own.registryTopic,
      });
      const { schema, value } = await converter(restarted.url).toConnectData(topic, [], bytes);
      assert.equal(schema?.version, 1);
      assert.ok(sameValues(value, order(3)));
      // Writing again finds the same id.
      const again = await write(converter(restarted.url), topic, orderV1, order(3));
      assert.equal(again.toString('hex'), bytes.toString('hex'));
    } finally {
      await restarted?.stop();
      await own.stop();
    }
  });

  it('rejects bytes without the magic byte', () => {
    assert.throws(
      () => converter(stack.registry.url).toConnectData('t', [], Buffer.from('{"a":1}')),
      /Unknown magic byte/,
    );
  });

  it('is a converter plugin under the Confluent class name', () => {
    assert.deepEqual(avroConverter.aliases, ['io.confluent.connect.avro.AvroConverter']);
    const c = avroConverter.create(avroConverter.config.parse({ 'schema.registry.url': stack.registry.url }), {
      isKey: false,
    });
    assert.ok(c instanceof AvroConverter);
  });
});
