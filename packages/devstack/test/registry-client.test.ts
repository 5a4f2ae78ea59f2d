/**
 * The registry against @kafkajs/confluent-schema-registry 4.1.0, the client our
 * converters use: every call it makes (broker-spec.md §11.1) and its error handling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avsc from 'avsc';
import { uniqueName } from './fixtures.js';
import { call, type RegistryStack, startRegistryStack } from './registry-http.js';

let stack: RegistryStack;
/** A client with an empty cache, so that every lookup goes to the registry. */
const client = () => new SchemaRegistry({ host: stack.registry.url, retry: { retries: 0 } });

before(async () => {
  stack = await startRegistryStack();
});
after(async () => {
  await stack.stop();
});

function avroUser(namespace: string, extraFields: readonly object[] = []) {
  return {
    type: 'record',
    name: 'User',
    namespace,
    fields: [{ name: 'id', type: 'long' }, { name: 'name', type: 'string' }, ...extraFields],
  };
}

/** The error a client call rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error & { status?: number }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { status?: number };
  }
  assert.fail('expected the call to fail');
}

describe('registry with @kafkajs/confluent-schema-registry: AVRO', () => {
  it('registers, looks up, encodes in the Confluent wire format and decodes with a fresh client', async () => {
    const subject = uniqueName('users-value');
    const schema = avroUser(uniqueName('com.example').replace('-', '_'));
    const registry = client();
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
    assert.equal(
      (await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject })).id,
      id,
    );
    assert.equal(await client().getLatestSchemaId(subject), id);
    assert.equal(await client().getRegistryId(subject, 1), id);
    assert.equal(
      await client().getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(schema) }),
      id,
    );

    const encoded = await registry.encode(id, { id: 42, name: 'Ann' });
    const payload = avsc.Type.forSchema(schema as avsc.Schema).toBuffer({ id: 42, name: 'Ann' });
    const expected = Buffer.concat([Buffer.from([0]), Buffer.from([0, 0, 0, 0]), payload]);
    expected.writeInt32BE(id, 1);
    assert.deepEqual(encoded, expected, 'magic byte 0, big-endian id, Avro binary');
    assert.deepEqual({ ...(await client().decode(encoded)) }, { id: 42, name: 'Ann' });
    // The config the client set on first registration (BACKWARD) is the subject's level now.
    assert.deepEqual((await call(stack.registry.url, 'GET', `/config/${subject}`)).body, {
      compatibilityLevel: 'BACKWARD',
    });
  });

  it('names the subject namespace.name by default, as the client expects', async () => {
    const namespace = `ns_${uniqueName('x').replace('-', '_')}`;
    const schema = avroUser(namespace);
    const { id } = await client().register(schema as never);
    assert.equal(await client().getLatestSchemaId(`${namespace}.User`), id);
  });

  it('shares the id of an identical schema registered under two subjects', async () => {
    const schema = JSON.stringify(avroUser('com.shared'));
    const a = await client().register({ type: SchemaType.AVRO, schema }, { subject: uniqueName('a-value') });
    const b = await client().register({ type: SchemaType.AVRO, schema }, { subject: uniqueName('b-value') });
    assert.equal(b.id, a.id);
  });

  it('refuses an incompatible schema with 409 naming the subject and version; accepts a compatible one', async () => {
    const subject = uniqueName('evolve-value');
    const v1 = avroUser('com.evolve');
    await client().register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject });
    const required = avroUser('com.evolve', [{ name: 'email', type: 'string' }]);
    const err = await rejection(
      client().register({ type: SchemaType.AVRO, schema: JSON.stringify(required) }, { subject }),
    );
    assert.equal(err.status, 409);
    assert.match(err.message, new RegExp(`incompatible with an earlier schema for subject "${subject}"`));
    assert.match(err.message, /version 1/);
    assert.match(err.message, /email/);

    const optional = avroUser('com.evolve', [{ name: 'email', type: ['null', 'string'], default: null }]);
    const v2 = await client().register({ type: SchemaType.AVRO, schema: JSON.stringify(optional) }, { subject });
    assert.equal(await client().getRegistryId(subject, 2), v2.id);
    // Old data decodes with the new reader schema (what BACKWARD guarantees).
    const old = await client().encode(await client().getRegistryId(subject, 1), { id: 1, name: 'a' });
    const decoded = await client().decode(old, {
      [SchemaType.AVRO]: { readerSchema: { ...optional, type: 'record' as const } },
    });
    assert.deepEqual({ ...decoded }, { id: 1, name: 'a', email: null });
  });

  it('sets the requested level on first registration and enforces it (FORWARD, FULL_TRANSITIVE)', async () => {
    const forward = uniqueName('fwd-value');
    const withEmail = avroUser('com.fwd', [{ name: 'email', type: 'string' }]);
    await client().register(
      { type: SchemaType.AVRO, schema: JSON.stringify(withEmail) },
      { subject: forward, compatibility: COMPATIBILITY.FORWARD },
    );
    assert.deepEqual((await call(stack.registry.url, 'GET', `/config/${forward}`)).body, {
      compatibilityLevel: 'FORWARD',
    });
    const removed = await rejection(
      client().register(
        { type: SchemaType.AVRO, schema: JSON.stringify(avroUser('com.fwd')) },
        { subject: forward, compatibility: COMPATIBILITY.FORWARD },
      ),
    );
    assert.equal(removed.status, 409, 'FORWARD: version 1 cannot read data without email');
    // The client refuses to register under a level other than the subject's.
    const mismatch = await rejection(
      client().register({ type: SchemaType.AVRO, schema: JSON.stringify(withEmail) }, { subject: forward }),
    );
    assert.equal(mismatch.name, 'ConfluentSchemaRegistryCompatibilityError');

    const full = uniqueName('full-value');
    const opts = { subject: full, compatibility: COMPATIBILITY.FULL_TRANSITIVE };
    await client().register({ type: SchemaType.AVRO, schema: JSON.stringify(avroUser('com.full')) }, opts);
    const withDefault = avroUser('com.full', [{ name: 'email', type: 'string', default: '' }]);
    await client().register({ type: SchemaType.AVRO, schema: JSON.stringify(withDefault) }, opts);
    const noDefault = avroUser('com.full', [{ name: 'email', type: 'string' }]);
    const transitive = await rejection(
      client().register({ type: SchemaType.AVRO, schema: JSON.stringify(noDefault) }, opts),
    );
    assert.equal(transitive.status, 409);
    assert.match(transitive.message, /version 1/);
  });

  it('NONE accepts any change', async () => {
    const subject = uniqueName('none-value');
    const opts = { subject, compatibility: COMPATIBILITY.NONE };
    await client().register({ type: SchemaType.AVRO, schema: JSON.stringify(avroUser('com.none')) }, opts);
    const other = { type: 'record', name: 'User', namespace: 'com.none', fields: [{ name: 'id', type: 'string' }] };
    const { id } = await client().register({ type: SchemaType.AVRO, schema: JSON.stringify(other) }, opts);
    assert.equal(await client().getLatestSchemaId(subject), id);
  });

  it('reports an unknown id as a 404 error', async () => {
    const err = await rejection(client().getSchema(987_654));
    assert.equal(err.status, 404);
    assert.match(err.message, /987654 not found/);
  });
});

describe('registry with @kafkajs/confluent-schema-registry: JSON and PROTOBUF', () => {
  it('JSON Schema: register, encode, decode with a fresh client, lookup', async () => {
    const subject = uniqueName('json-value');
    const schema = JSON.stringify({
      type: 'object',
      properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['id'],
    });
    const { id } = await client().register({ type: SchemaType.JSON, schema }, { subject });
    const encoded = await client().encode(id, { id: 7, tags: ['a'] });
    assert.equal(encoded[0], 0);
    assert.equal(encoded.readInt32BE(1), id);
    assert.deepEqual(JSON.parse(encoded.subarray(5).toString('utf8')), { id: 7, tags: ['a'] });
    assert.deepEqual(await client().decode(encoded), { id: 7, tags: ['a'] });
    assert.equal(await client().getRegistryIdBySchema(subject, { type: SchemaType.JSON, schema }), id);

    const stricter = JSON.stringify({ ...JSON.parse(schema), required: ['id', 'tags'] });
    const err = await rejection(client().register({ type: SchemaType.JSON, schema: stricter }, { subject }));
    assert.equal(err.status, 409);
  });

  it('PROTOBUF: register, encode, decode with a fresh client, lookup, refuse a field type change', async () => {
    const subject = uniqueName('proto-value');
    const schema = `syntax = "proto3";
package tributary.test;

message Reading {
  string sensor = 1;
  double value = 2;
  repeated string labels = 3;
}
`;
    const { id } = await client().register({ type: SchemaType.PROTOBUF, schema }, { subject });
    const encoded = await client().encode(id, { sensor: 's1', value: 1.5, labels: ['x'] });
    assert.equal(encoded[0], 0);
    assert.equal(encoded.readInt32BE(1), id);
    const decoded = (await client().decode(encoded)) as { sensor: string; value: number; labels: string[] };
    assert.deepEqual([decoded.sensor, decoded.value, decoded.labels], ['s1', 1.5, ['x']]);
    assert.equal(await client().getRegistryIdBySchema(subject, { type: SchemaType.PROTOBUF, schema }), id);

    const changed = schema.replace('double value = 2;', 'string value = 2;');
    const err = await rejection(client().register({ type: SchemaType.PROTOBUF, schema: changed }, { subject }));
    assert.equal(err.status, 409);
    assert.match(err.message, /Reading field 2/);
  });
});

describe('registry with @kafkajs/confluent-schema-registry: restart', () => {
  it('decodes records encoded before a registry restart, and ids continue', async () => {
    const subject = uniqueName('restart-value');
    const schema = JSON.stringify(avroUser('com.restart'));
    const { id } = await client().register({ type: SchemaType.AVRO, schema }, { subject });
    const encoded = await client().encode(id, { id: 1, name: 'kept' });
    await stack.restartRegistry();
    assert.deepEqual({ ...(await client().decode(encoded)) }, { id: 1, name: 'kept' });
    assert.equal((await client().register({ type: SchemaType.AVRO, schema }, { subject })).id, id);
    const next = await client().register(
      { type: SchemaType.AVRO, schema: JSON.stringify(avroUser('com.restart2')) },
      { subject: uniqueName('other-value') },
    );
    assert.ok(next.id > id);
  });
});
