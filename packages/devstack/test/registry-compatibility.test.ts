import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName } from './fixtures.js';
import { avro, call, type RegistryStack, record, startRegistryStack } from './registry-http.js';

let stack: RegistryStack;
const url = () => stack.registry.url;

before(async () => {
  stack = await startRegistryStack();
});
after(async () => {
  await stack.stop();
});

/** A fresh subject at `level` with `schemas` registered in order (each must be accepted). */
async function subjectWith(level: string | null, schemas: readonly unknown[]): Promise<string> {
  const subject = uniqueName('compat');
  if (level !== null) await call(url(), 'PUT', `/config/${subject}`, { compatibility: level });
  for (const schema of schemas) {
    const r = await call(url(), 'POST', `/subjects/${subject}/versions`, avro(schema));
    assert.equal(r.status, 200, `setting up ${subject}: ${JSON.stringify(r.body)}`);
  }
  return subject;
}

async function register(subject: string, schema: unknown) {
  return call(url(), 'POST', `/subjects/${subject}/versions`, avro(schema));
}

async function assertRefused(subject: string, schema: unknown, failingVersion: number, level: string) {
  const r = await register(subject, schema);
  assert.equal(r.status, 409, JSON.stringify(r.body));
  assert.equal(r.body.error_code, 409);
  assert.ok(r.body.message.includes(`subject "${subject}"`), r.body.message);
  assert.ok(r.body.message.includes(`version ${failingVersion}`), r.body.message);
  assert.ok(r.body.message.includes(level), r.body.message);
}

const V1 = record('Customer', [{ name: 'id', type: 'long' }]);
const WITH_NAME = record('Customer', [
  { name: 'id', type: 'long' },
  { name: 'name', type: 'string' },
]);
const WITH_NAME_DEFAULT = record('Customer', [
  { name: 'id', type: 'long' },
  { name: 'name', type: 'string', default: '' },
]);
const EMPTY = record('Customer', []);

describe('registry compatibility: Avro levels', () => {
  it('BACKWARD (the default) refuses a new field without default, naming subject and version', async () => {
    const subject = await subjectWith(null, [V1]);
    await assertRefused(subject, WITH_NAME, 1, 'BACKWARD');
    const r = await register(subject, WITH_NAME_DEFAULT);
    assert.equal(r.status, 200);
    assert.equal(r.body.version, 2);
    assert.equal(
      (await register(subject, record('Customer', [{ name: 'name', type: 'string', default: '' }]))).status,
      200,
      'removing a field is backward compatible',
    );
  });

  it('BACKWARD allows type promotions the reader can do and refuses narrowing', async () => {
    const subject = await subjectWith(null, [record('N', [{ name: 'n', type: 'int' }])]);
    await assertRefused(subject, record('N', [{ name: 'n', type: 'string' }]), 1, 'BACKWARD');
    assert.equal((await register(subject, record('N', [{ name: 'n', type: 'long' }]))).status, 200);
    // (the doc keeps it from being version 1 again, which would be answered without a check)
    await assertRefused(subject, record('N', [{ name: 'n', type: 'int', doc: 'narrowed' }]), 2, 'BACKWARD');
    assert.equal(
      (await register(subject, record('N', [{ name: 'n', type: ['null', 'double'], default: null }]))).status,
      200,
    );
  });

  it('FORWARD refuses removing a field the old schema needs, and accepts adding one', async () => {
    const subject = await subjectWith('FORWARD', [WITH_NAME]);
    await assertRefused(subject, V1, 1, 'FORWARD');
    const added = record('Customer', [
      { name: 'id', type: 'long' },
      { name: 'name', type: 'string' },
      { name: 'email', type: 'string' },
    ]);
    assert.equal((await register(subject, added)).status, 200);
  });

  it('FULL needs both directions', async () => {
    const subject = await subjectWith('FULL', [V1]);
    await assertRefused(subject, WITH_NAME, 1, 'FULL');
    assert.equal((await register(subject, WITH_NAME_DEFAULT)).status, 200);
    await assertRefused(subject, record('Customer', [{ name: 'name', type: 'string', default: '' }]), 2, 'FULL');
  });

  it('BACKWARD checks the latest version only; BACKWARD_TRANSITIVE every version', async () => {
    const plain = await subjectWith('BACKWARD', [V1, WITH_NAME_DEFAULT]);
    assert.equal((await register(plain, WITH_NAME)).status, 200, 'reads version 2 data');
    const transitive = await subjectWith('BACKWARD_TRANSITIVE', [V1, WITH_NAME_DEFAULT]);
    await assertRefused(transitive, WITH_NAME, 1, 'BACKWARD_TRANSITIVE');
  });

  it('FORWARD_TRANSITIVE checks that every old version reads the new data', async () => {
    const plain = await subjectWith('FORWARD', [WITH_NAME, WITH_NAME_DEFAULT]);
    assert.equal((await register(plain, V1)).status, 200);
    const transitive = await subjectWith('FORWARD_TRANSITIVE', [WITH_NAME, WITH_NAME_DEFAULT]);
    await assertRefused(transitive, V1, 1, 'FORWARD_TRANSITIVE');
  });

  it('FULL_TRANSITIVE checks both directions against every version', async () => {
    const plain = await subjectWith('FULL', [V1, WITH_NAME_DEFAULT]);
    assert.equal((await register(plain, WITH_NAME)).status, 200);
    const transitive = await subjectWith('FULL_TRANSITIVE', [V1, WITH_NAME_DEFAULT]);
    await assertRefused(transitive, WITH_NAME, 1, 'FULL_TRANSITIVE');
  });

  it('NONE accepts anything, including another schema type', async () => {
    const subject = await subjectWith('NONE', [V1]);
    assert.equal((await register(subject, 'string')).status, 200);
    const json = await call(url(), 'POST', `/subjects/${subject}/versions`, { schemaType: 'JSON', schema: '{}' });
    assert.equal(json.status, 200);
  });

  it('changing the schema type is incompatible under any other level', async () => {
    const subject = await subjectWith(null, [V1]);
    const r = await call(url(), 'POST', `/subjects/${subject}/versions`, { schemaType: 'JSON', schema: '{}' });
    assert.equal(r.status, 409, JSON.stringify(r.body));
  });

  it('enum symbols: adding is backward compatible, removing is not', async () => {
    const e = (symbols: string[]) => record('E', [{ name: 'e', type: { type: 'enum', name: 'Color', symbols } }]);
    const subject = await subjectWith(null, [e(['RED', 'GREEN'])]);
    assert.equal((await register(subject, e(['RED', 'GREEN', 'BLUE']))).status, 200);
    await assertRefused(subject, e(['RED']), 2, 'BACKWARD');
  });

  it('the global level applies to subjects without their own, and a subject level overrides it', async () => {
    const subject = await subjectWith(null, [V1]);
    await call(url(), 'PUT', '/config', { compatibility: 'NONE' });
    try {
      assert.equal((await register(subject, WITH_NAME)).status, 200);
      await call(url(), 'PUT', `/config/${subject}`, { compatibility: 'BACKWARD' });
      await assertRefused(subject, record('Customer', [{ name: 'x', type: 'int' }]), 2, 'BACKWARD');
    } finally {
      assert.deepEqual((await call(url(), 'DELETE', '/config')).body, { compatibilityLevel: 'NONE' });
    }
    assert.deepEqual((await call(url(), 'GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
  });

  it('soft-deleted versions are not checked', async () => {
    const subject = await subjectWith(null, [V1]);
    await call(url(), 'DELETE', `/subjects/${subject}/versions/1`);
    const r = await register(subject, WITH_NAME);
    assert.equal(r.status, 200);
    assert.equal(r.body.version, 2);
  });

  it('registering the same schema again skips the check even after the level got stricter', async () => {
    const subject = await subjectWith('NONE', [V1, WITH_NAME]);
    await call(url(), 'PUT', `/config/${subject}`, { compatibility: 'FULL_TRANSITIVE' });
    const r = await register(subject, V1);
    assert.deepEqual([r.status, r.body.version], [200, 1]);
  });
});

describe('registry compatibility: the /compatibility endpoint', () => {
  it('answers is_compatible against latest, one version or all versions, with messages when verbose', async () => {
    const subject = await subjectWith('NONE', [V1, EMPTY]);
    await call(url(), 'PUT', `/config/${subject}`, { compatibility: 'BACKWARD' });
    const path = `/compatibility/subjects/${subject}/versions`;
    const onlyName = record('Customer', [{ name: 'name', type: 'string', default: '' }]);
    assert.deepEqual((await call(url(), 'POST', `${path}/latest`, avro(WITH_NAME))).body, { is_compatible: false });
    assert.deepEqual((await call(url(), 'POST', `${path}/latest`, avro(onlyName))).body, { is_compatible: true });
    // Version 2 has no id field, version 1 has it.
    assert.deepEqual((await call(url(), 'POST', `${path}/latest`, avro(WITH_NAME_DEFAULT))).body, {
      is_compatible: false,
    });
    assert.deepEqual((await call(url(), 'POST', `${path}/1`, avro(WITH_NAME_DEFAULT))).body, { is_compatible: true });
    const verbose = await call(url(), 'POST', `${path}/latest?verbose=true`, avro(WITH_NAME));
    assert.equal(verbose.body.is_compatible, false);
    assert.ok(
      verbose.body.messages.some((m: string) => m.includes('Customer.')),
      JSON.stringify(verbose.body),
    );
    assert.ok(verbose.body.messages.some((m: string) => m.includes('oldSchemaVersion: 2')));
    assert.deepEqual((await call(url(), 'POST', `${path}/latest?verbose=true`, avro(onlyName))).body, {
      is_compatible: true,
      messages: [],
    });
    // Without a version: what a registration would check (BACKWARD: the latest only).
    assert.deepEqual((await call(url(), 'POST', path, avro(onlyName))).body, { is_compatible: true });
    assert.deepEqual((await call(url(), 'POST', path, avro(WITH_NAME_DEFAULT))).body, { is_compatible: false });
    assert.deepEqual(
      (await call(url(), 'POST', `/compatibility/subjects/${uniqueName('new')}/versions`, avro(V1))).body,
      {
        is_compatible: true,
      },
    );
    const noSubject = await call(
      url(),
      'POST',
      `/compatibility/subjects/${uniqueName('none')}/versions/latest`,
      avro(V1),
    );
    assert.deepEqual([noSubject.status, noSubject.body.error_code], [404, 40401]);
    const noVersion = await call(url(), 'POST', `${path}/9`, avro(V1));
    assert.deepEqual([noVersion.status, noVersion.body.error_code], [404, 40402]);
    const invalid = await call(url(), 'POST', `${path}/latest`, { schema: '{"type":"nope"}' });
    assert.deepEqual([invalid.status, invalid.body.error_code], [422, 42201]);
  });
});

describe('registry compatibility: JSON Schema and Protobuf subsets', () => {
  async function jsonSubject(schema: unknown): Promise<string> {
    const subject = uniqueName('json');
    const r = await call(url(), 'POST', `/subjects/${subject}/versions`, {
      schemaType: 'JSON',
      schema: JSON.stringify(schema),
    });
    assert.equal(r.status, 200);
    return subject;
  }
  const registerJson = (subject: string, schema: unknown) =>
    call(url(), 'POST', `/subjects/${subject}/versions`, { schemaType: 'JSON', schema: JSON.stringify(schema) });

  it('JSON: a newly required property, a changed type or a narrowed enum is refused; widening is accepted', async () => {
    const base = {
      type: 'object',
      properties: { id: { type: 'integer' }, kind: { enum: ['a', 'b'] } },
      required: ['id'],
    };
    const subject = await jsonSubject(base);
    const required = {
      ...base,
      properties: { ...base.properties, name: { type: 'string' } },
      required: ['id', 'name'],
    };
    assert.equal((await registerJson(subject, required)).status, 409);
    const retyped = { ...base, properties: { ...base.properties, id: { type: 'string' } } };
    const r = await registerJson(subject, retyped);
    assert.equal(r.status, 409);
    assert.ok(r.body.message.includes('#/properties/id'), r.body.message);
    assert.equal(
      (await registerJson(subject, { ...base, properties: { ...base.properties, kind: { enum: ['a'] } } })).status,
      409,
    );
    const widened = {
      ...base,
      properties: { id: { type: 'number' }, kind: { enum: ['a', 'b', 'c'] }, note: { type: 'string' } },
    };
    assert.equal((await registerJson(subject, widened)).status, 200);
  });

  it('JSON: FORWARD refuses a writer property a closed reader does not allow', async () => {
    const closed = { type: 'object', properties: { id: { type: 'integer' } }, additionalProperties: false };
    const subject = await jsonSubject(closed);
    await call(url(), 'PUT', `/config/${subject}`, { compatibility: 'FORWARD' });
    const r = await registerJson(subject, {
      type: 'object',
      properties: { id: { type: 'integer' }, x: { type: 'string' } },
    });
    assert.equal(r.status, 409, JSON.stringify(r.body));
  });

  it('Protobuf: a field number with another wire type is refused; new fields and renames are accepted', async () => {
    const subject = uniqueName('proto');
    const proto = (fields: string) => ({
      schemaType: 'PROTOBUF',
      schema: `syntax = "proto3"; message M { ${fields} }`,
    });
    assert.equal((await call(url(), 'POST', `/subjects/${subject}/versions`, proto('string a = 1;'))).status, 200);
    const changed = await call(url(), 'POST', `/subjects/${subject}/versions`, proto('int64 a = 1;'));
    assert.equal(changed.status, 409, JSON.stringify(changed.body));
    assert.ok(changed.body.message.includes('M field 1'), changed.body.message);
    const repeated = await call(url(), 'POST', `/subjects/${subject}/versions`, proto('repeated string a = 1;'));
    assert.equal(repeated.status, 409);
    const ok = await call(url(), 'POST', `/subjects/${subject}/versions`, proto('bytes renamed = 1; int32 b = 2;'));
    assert.deepEqual([ok.status, ok.body.version], [200, 2]);
  });

  it("Protobuf: Confluent's known types (google/type/date.proto, timeofday, confluent/type/decimal) import without references", async () => {
    const subject = uniqueName('proto');
    const schema = [
      'syntax = "proto3";',
      'import "google/type/date.proto";',
      'import "google/type/timeofday.proto";',
      'import "confluent/type/decimal.proto";',
      'import "google/protobuf/timestamp.proto";',
      'message Shift { google.type.Date day = 1; google.type.TimeOfDay start = 2; confluent.type.Decimal pay = 3; google.protobuf.Timestamp at = 4; }',
    ].join('\n');
    const r = await call(url(), 'POST', `/subjects/${subject}/versions`, { schemaType: 'PROTOBUF', schema });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const unknown = await call(url(), 'POST', `/subjects/${subject}-x/versions`, {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; import "other/thing.proto"; message M { other.Thing t = 1; }',
    });
    assert.equal(unknown.status, 422, JSON.stringify(unknown.body));
  });
});
