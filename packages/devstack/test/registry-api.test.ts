import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName } from './fixtures.js';
import { avro, call, type RegistryStack, record, startRegistryStack } from './registry-http.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

let stack: RegistryStack;
const url = () => stack.registry.url;

before(async () => {
  stack = await startRegistryStack();
});
after(async () => {
  await stack.stop();
});

describe('registry: register, read back, ids', () => {
  it('registers a schema, answers the same id and version for the same schema, and serves it everywhere', async () => {
    const subject = uniqueName('orders-value');
    const schema = record('Order', [{ name: 'id', type: 'long' }]);
    const first = await call(url(), 'POST', `/subjects/${subject}/versions`, avro(schema));
    assert.equal(first.status, 200);
    assert.equal(first.contentType, CONTENT_TYPE);
    assert.equal(typeof first.body.id, 'number');
    assert.equal(first.body.version, 1);
    const again = await call(url(), 'POST', `/subjects/${subject}/versions`, avro(schema));
    assert.deepEqual([again.body.id, again.body.version], [first.body.id, 1]);

    const latest = await call(url(), 'GET', `/subjects/${subject}/versions/latest`);
    assert.deepEqual(latest.body, { subject, version: 1, id: first.body.id, schema: JSON.stringify(schema) });
    assert.equal('schemaType' in latest.body, false, 'AVRO answers carry no schemaType');
    assert.deepEqual((await call(url(), 'GET', `/subjects/${subject}/versions/1`)).body, latest.body);
    assert.deepEqual((await call(url(), 'GET', `/subjects/${subject}/versions/-1`)).body, latest.body);
    assert.deepEqual((await call(url(), 'GET', `/subjects/${subject}/versions`)).body, [1]);
    assert.deepEqual((await call(url(), 'GET', `/schemas/ids/${first.body.id}`)).body, {
      schema: JSON.stringify(schema),
    });
    assert.deepEqual((await call(url(), 'GET', `/subjects/${subject}/versions/1/schema`)).body, schema);
    assert.deepEqual((await call(url(), 'GET', `/schemas/ids/${first.body.id}/schema`)).body, schema);
    assert.ok((await call(url(), 'GET', '/subjects')).body.includes(subject));
  });

  it('shares one id between identical schemas in different subjects, and gives new schemas new ids', async () => {
    const a = uniqueName('a-value');
    const b = uniqueName('b-value');
    const schema = record('Shared', [{ name: 'x', type: 'string' }]);
    const inA = await call(url(), 'POST', `/subjects/${a}/versions`, avro(schema));
    // The same schema written with other whitespace and attribute order is the same schema.
    const reordered = `{ "fields": [ { "type": "string", "name": "x" } ],\n "name": "Shared", "type": "record" }`;
    const inB = await call(url(), 'POST', `/subjects/${b}/versions`, { schema: reordered });
    assert.equal(inB.status, 200);
    assert.equal(inB.body.id, inA.body.id);
    assert.equal(inB.body.version, 1);
    const versions = await call(url(), 'GET', `/schemas/ids/${inA.body.id}/versions`);
    assert.deepEqual(
      versions.body,
      [
        { subject: a, version: 1 },
        { subject: b, version: 1 },
      ].sort((x, y) => x.subject.localeCompare(y.subject)),
    );
    const other = await call(
      url(),
      'POST',
      `/subjects/${a}/versions`,
      avro(
        record('Shared', [
          { name: 'x', type: 'string' },
          { name: 'y', type: 'int', default: 0 },
        ]),
      ),
    );
    assert.equal(other.body.version, 2);
    assert.ok(other.body.id > inA.body.id, 'ids grow');
  });

  it('writes Avro names as Java does: simple name, namespace only where it changes', async () => {
    const dotted = {
      type: 'record',
      name: 'com.example.Dotted',
      fields: [
        { name: 'inner', type: { type: 'record', name: 'Inner', namespace: 'com.example', fields: [] } },
        { name: 'other', type: { type: 'enum', name: 'org.other.Kind', symbols: ['A'] } },
      ],
    };
    const split = {
      type: 'record',
      name: 'Dotted',
      namespace: 'com.example',
      fields: [
        { name: 'inner', type: { type: 'record', name: 'Inner', fields: [] } },
        { name: 'other', type: { type: 'enum', name: 'Kind', namespace: 'org.other', symbols: ['A'] } },
      ],
    };
    const a = await call(url(), 'POST', `/subjects/${uniqueName('dotted')}/versions`, avro(dotted));
    const b = await call(url(), 'POST', `/subjects/${uniqueName('split')}/versions`, avro(split));
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(b.body.id, a.body.id);
    assert.deepEqual(JSON.parse(a.body.schema), split);
  });

  it('keeps logical types, docs, defaults and connect.* properties in the stored Avro schema', async () => {
    const subject = uniqueName('typed-value');
    const schema = {
      type: 'record',
      name: 'Typed',
      namespace: 'com.example',
      doc: 'a row',
      fields: [
        {
          name: 'ts',
          type: {
            type: 'long',
            logicalType: 'timestamp-millis',
            'connect.name': 'org.apache.kafka.connect.data.Timestamp',
          },
        },
        {
          name: 'amount',
          type: {
            type: 'bytes',
            logicalType: 'decimal',
            precision: 10,
            scale: 2,
            'connect.parameters': { scale: '2' },
          },
        },
        { name: 'note', type: ['null', 'string'], default: null, doc: 'optional' },
        { name: 'small', type: { type: 'int', 'connect.type': 'int16' } },
      ],
      'connect.name': 'com.example.Typed',
    };
    const reg = await call(url(), 'POST', `/subjects/${subject}/versions`, avro(schema));
    assert.equal(reg.status, 200, JSON.stringify(reg.body));
    const stored = JSON.parse((await call(url(), 'GET', `/schemas/ids/${reg.body.id}`)).body.schema);
    assert.deepEqual(stored, schema);
    const primitive = await call(url(), 'POST', `/subjects/${uniqueName('p')}/versions`, avro({ type: 'string' }));
    assert.equal(primitive.body.schema, '"string"', '{"type":"string"} is stored as "string"');
  });

  it('registers and serves JSON Schema and Protobuf with their schemaType', async () => {
    const json = uniqueName('json-value');
    const jsonSchema = { type: 'object', properties: { a: { type: 'string' } } };
    const j = await call(url(), 'POST', `/subjects/${json}/versions`, {
      schemaType: 'JSON',
      schema: JSON.stringify(jsonSchema, null, 2),
    });
    assert.equal(j.status, 200, JSON.stringify(j.body));
    assert.deepEqual((await call(url(), 'GET', `/schemas/ids/${j.body.id}`)).body, {
      schemaType: 'JSON',
      schema: JSON.stringify(jsonSchema),
    });

    const proto = uniqueName('proto-value');
    const text = `syntax = "proto3";
package demo;
import "google/protobuf/timestamp.proto";
// an order
message Order {
  int64 id = 1;   // key
  google.protobuf.Timestamp at = 2;
  map<string, string> tags = 3;
}`;
    const p = await call(url(), 'POST', `/subjects/${proto}/versions`, { schemaType: 'PROTOBUF', schema: text });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    const got = await call(url(), 'GET', `/subjects/${proto}/versions/1`);
    assert.equal(got.body.schemaType, 'PROTOBUF');
    assert.ok(got.body.schema.includes('message Order {'));
    assert.ok(!got.body.schema.includes('// key'), 'comments are not part of the canonical text');
    const relaid = text.replace(/\n\s*/g, ' ').replace('// an order', '').replace('// key', '');
    const again = await call(url(), 'POST', `/subjects/${uniqueName('proto2')}/versions`, {
      schemaType: 'PROTOBUF',
      schema: relaid.replace(/ {2,}/g, ' '),
    });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.id, p.body.id, 'layout and comments do not make a new schema');
  });

  it('answers 42201 for schemas that do not parse as their type', async () => {
    const subject = uniqueName('bad');
    const cases = [
      { schema: '{"type":"record","name":"X"}' },
      { schema: '{"type":"record","name":"X","fields":[{"name":"a","type":"nope"}]}' },
      { schema: '{"type":"record","name":"X","fields":[{"name":"a","type":"int","default":"x"}]}' },
      { schema: 'not json' },
      { schema: '' },
      { schemaType: 'JSON', schema: '[1, 2' },
      { schemaType: 'JSON', schema: '42' },
      { schemaType: 'PROTOBUF', schema: 'message {' },
      { schemaType: 'PROTOBUF', schema: 'syntax = "proto3"; message A { Missing m = 1; }' },
      { schemaType: 'XML', schema: '<a/>' },
    ];
    for (const body of cases) {
      const r = await call(url(), 'POST', `/subjects/${subject}/versions`, body);
      assert.equal(r.status, 422, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error_code, 42201, JSON.stringify(body));
      assert.equal(typeof r.body.message, 'string');
    }
    assert.equal((await call(url(), 'GET', `/subjects/${subject}/versions`)).body.error_code, 40401);
  });

  it('looks a schema up in a subject (POST /subjects/{s})', async () => {
    const subject = uniqueName('lookup');
    const v1 = record('L', [{ name: 'a', type: 'int' }]);
    const v2 = record('L', [
      { name: 'a', type: 'int' },
      { name: 'b', type: 'int', default: 1 },
    ]);
    const r1 = await call(url(), 'POST', `/subjects/${subject}/versions`, avro(v1));
    await call(url(), 'POST', `/subjects/${subject}/versions`, avro(v2));
    const found = await call(url(), 'POST', `/subjects/${subject}`, avro(v1));
    assert.deepEqual(found.body, { subject, version: 1, id: r1.body.id, schema: JSON.stringify(v1) });
    const missing = await call(url(), 'POST', `/subjects/${subject}`, avro(record('L', [{ name: 'z', type: 'int' }])));
    assert.deepEqual([missing.status, missing.body.error_code], [404, 40403]);
    const noSubject = await call(url(), 'POST', `/subjects/${uniqueName('none')}`, avro(v1));
    assert.deepEqual([noSubject.status, noSubject.body.error_code], [404, 40401]);
    const invalid = await call(url(), 'POST', `/subjects/${subject}`, { schema: '{' });
    assert.deepEqual([invalid.status, invalid.body.error_code], [422, 42201]);
  });

  it('answers Confluent error codes for unknown subjects, versions, ids and routes', async () => {
    const subject = uniqueName('errs');
    await call(url(), 'POST', `/subjects/${subject}/versions`, avro('int'));
    const expectations: [string, string, number, number][] = [
      ['GET', `/subjects/${uniqueName('none')}/versions`, 404, 40401],
      ['GET', `/subjects/${uniqueName('none')}/versions/latest`, 404, 40401],
      ['GET', `/subjects/${subject}/versions/7`, 404, 40402],
      ['GET', `/subjects/${subject}/versions/0`, 422, 42202],
      ['GET', `/subjects/${subject}/versions/abc`, 422, 42202],
      ['GET', `/subjects/${subject}/versions/2147483648`, 422, 42202],
      ['GET', '/schemas/ids/987654', 404, 40403],
      ['GET', '/schemas/ids/987654/versions', 404, 40403],
      ['GET', '/no/such/route', 404, 404],
      ['PATCH', '/subjects', 405, 405],
    ];
    for (const [method, path, status, code] of expectations) {
      const r = await call(url(), method, path);
      assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error_code, code, `${method} ${path}`);
      assert.equal(typeof r.body.message, 'string');
      assert.equal(r.contentType, CONTENT_TYPE);
    }
    const badJson = await fetch(`${url()}/subjects/${subject}/versions`, { method: 'POST', body: '{"schema": ' });
    assert.equal(badJson.status, 400);
  });

  it('serves the fixed endpoints: /, /schemas/types, /mode, a subject name with a slash', async () => {
    assert.deepEqual((await call(url(), 'GET', '/')).body, {});
    assert.deepEqual((await call(url(), 'GET', '/schemas/types')).body, ['JSON', 'PROTOBUF', 'AVRO']);
    assert.deepEqual((await call(url(), 'GET', '/mode')).body, { mode: 'READWRITE' });
    assert.deepEqual((await call(url(), 'PUT', '/mode', { mode: 'READWRITE' })).body, { mode: 'READWRITE' });
    assert.equal((await call(url(), 'PUT', '/mode', { mode: 'IMPORT' })).body.error_code, 42204);
    const subject = `${uniqueName('ns')}/with slash`;
    const r = await call(url(), 'POST', `/subjects/${encodeURIComponent(subject)}/versions`, avro('long'));
    assert.equal(r.status, 200);
    const got = await call(url(), 'GET', `/subjects/${encodeURIComponent(subject)}/versions/1`);
    assert.equal(got.body.subject, subject);
  });
});

describe('registry: deletes', () => {
  it('soft-deletes a subject, then hard-deletes it only after that', async () => {
    const subject = uniqueName('del');
    const v1 = await call(
      url(),
      'POST',
      `/subjects/${subject}/versions`,
      avro(record('D', [{ name: 'a', type: 'int' }])),
    );
    await call(url(), 'POST', `/subjects/${subject}/versions`, avro(record('D', [])));
    await call(url(), 'PUT', `/config/${subject}`, { compatibility: 'FULL' });

    const hardFirst = await call(url(), 'DELETE', `/subjects/${subject}?permanent=true`);
    assert.deepEqual([hardFirst.status, hardFirst.body.error_code], [404, 40405]);
    assert.deepEqual((await call(url(), 'DELETE', `/subjects/${subject}`)).body, [1, 2]);
    const twice = await call(url(), 'DELETE', `/subjects/${subject}`);
    assert.deepEqual([twice.status, twice.body.error_code], [404, 40404]);

    assert.ok(!(await call(url(), 'GET', '/subjects')).body.includes(subject));
    assert.ok((await call(url(), 'GET', '/subjects?deleted=true')).body.includes(subject));
    assert.ok((await call(url(), 'GET', '/subjects?deletedOnly=true')).body.includes(subject));
    assert.equal((await call(url(), 'GET', `/subjects/${subject}/versions`)).body.error_code, 40401);
    assert.deepEqual((await call(url(), 'GET', `/subjects/${subject}/versions?deleted=true`)).body, [1, 2]);
    assert.equal((await call(url(), 'GET', `/subjects/${subject}/versions/1`)).body.error_code, 40401);
    assert.equal((await call(url(), 'GET', `/subjects/${subject}/versions/1?deleted=true`)).body.version, 1);
    // Records already written with the id must stay readable.
    assert.equal((await call(url(), 'GET', `/schemas/ids/${v1.body.id}`)).status, 200);
    assert.deepEqual((await call(url(), 'GET', `/schemas/ids/${v1.body.id}/versions`)).body, []);

    assert.deepEqual((await call(url(), 'DELETE', `/subjects/${subject}?permanent=true`)).body, [1, 2]);
    assert.equal((await call(url(), 'GET', `/schemas/ids/${v1.body.id}`)).body.error_code, 40403);
    assert.ok(!(await call(url(), 'GET', '/subjects?deleted=true')).body.includes(subject));
    assert.equal(
      (await call(url(), 'GET', `/config/${subject}`)).body.error_code,
      40408,
      'hard delete drops the config',
    );
    assert.equal((await call(url(), 'DELETE', `/subjects/${subject}`)).body.error_code, 40401);

    const again = await call(
      url(),
      'POST',
      `/subjects/${subject}/versions`,
      avro(record('D', [{ name: 'a', type: 'int' }])),
    );
    assert.equal(again.body.version, 1);
    assert.ok(again.body.id > v1.body.id, 'a hard-deleted id is never given again');
  });

  it('soft-deletes one version, keeps numbering, and hard-deletes it after that', async () => {
    const subject = uniqueName('delv');
    const s1 = record('V', [{ name: 'a', type: 'int' }]);
    const s2 = record('V', [
      { name: 'a', type: 'int' },
      { name: 'b', type: 'int', default: 0 },
    ]);
    await call(url(), 'POST', `/subjects/${subject}/versions`, avro(s1));
    await call(url(), 'POST', `/subjects/${subject}/versions`, avro(s2));

    const hardFirst = await call(url(), 'DELETE', `/subjects/${subject}/versions/2?permanent=true`);
    assert.deepEqual([hardFirst.status, hardFirst.body.error_code], [404, 40407]);
    assert.equal((await call(url(), 'DELETE', `/subjects/${subject}/versions/latest`)).body, 2);
    const twice = await call(url(), 'DELETE', `/subjects/${subject}/versions/2`);
    assert.deepEqual([twice.status, twice.body.error_code], [404, 40406]);
    assert.equal((await call(url(), 'GET', `/subjects/${subject}/versions/latest`)).body.version, 1);
    assert.equal((await call(url(), 'GET', `/subjects/${subject}/versions/2`)).body.error_code, 40402);
    assert.deepEqual((await call(url(), 'GET', `/subjects/${subject}/versions?deleted=true`)).body, [1, 2]);
    assert.deepEqual((await call(url(), 'GET', `/subjects/${subject}/versions?deletedOnly=true`)).body, [2]);

    // The same schema again is a new version (3): versions are never renumbered.
    const back = await call(url(), 'POST', `/subjects/${subject}/versions`, avro(s2));
    assert.equal(back.body.version, 3);
    assert.equal((await call(url(), 'DELETE', `/subjects/${subject}/versions/2?permanent=true`)).body, 2);
    assert.deepEqual((await call(url(), 'GET', `/subjects/${subject}/versions?deleted=true`)).body, [1, 3]);
    assert.equal((await call(url(), 'GET', `/schemas/ids/${back.body.id}`)).status, 200, 'version 3 still has the id');
    assert.equal((await call(url(), 'DELETE', `/subjects/${subject}/versions/9`)).body.error_code, 40402);
  });
});

describe('registry: references', () => {
  it('resolves Avro references, lists referencedby, and refuses deleting a referenced version', async () => {
    const common = uniqueName('common');
    const user = uniqueName('user-value');
    const address = {
      type: 'record',
      name: 'Address',
      namespace: 'com.example',
      fields: [{ name: 'city', type: 'string' }],
    };
    const a = await call(url(), 'POST', `/subjects/${common}/versions`, avro(address));
    assert.equal(a.status, 200);
    const references = [{ name: 'com.example.Address', subject: common, version: 1 }];
    const userSchema = record('User', [{ name: 'home', type: 'com.example.Address' }], { namespace: 'com.example' });
    const u = await call(url(), 'POST', `/subjects/${user}/versions`, { ...avro(userSchema), references });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    assert.deepEqual((await call(url(), 'GET', `/schemas/ids/${u.body.id}`)).body.references, references);
    assert.deepEqual((await call(url(), 'GET', `/subjects/${user}/versions/1`)).body.references, references);
    assert.deepEqual((await call(url(), 'GET', `/subjects/${common}/versions/1/referencedby`)).body, [u.body.id]);
    const del = await call(url(), 'DELETE', `/subjects/${common}/versions/1`);
    assert.deepEqual([del.status, del.body.error_code], [422, 42206]);

    const without = await call(url(), 'POST', `/subjects/${uniqueName('x')}/versions`, avro(userSchema));
    assert.equal(without.body.error_code, 42201, 'an unresolvable named type is an invalid schema');
    const dangling = await call(url(), 'POST', `/subjects/${uniqueName('x')}/versions`, {
      ...avro(userSchema),
      references: [{ name: 'com.example.Address', subject: common, version: 5 }],
    });
    assert.equal(dangling.body.error_code, 42201);
  });
});

describe('registry: Protobuf references', () => {
  it('resolves an import through a reference named by its import path', async () => {
    const common = uniqueName('common-proto');
    const money = 'syntax = "proto3";\npackage shop;\nmessage Money { string currency = 1; int64 units = 2; }';
    assert.equal(
      (await call(url(), 'POST', `/subjects/${common}/versions`, { schemaType: 'PROTOBUF', schema: money })).status,
      200,
    );
    const order = 'syntax = "proto3";\npackage shop;\nimport "shop/money.proto";\nmessage Order { Money total = 1; }';
    const references = [{ name: 'shop/money.proto', subject: common, version: 1 }];
    const r = await call(url(), 'POST', `/subjects/${uniqueName('order')}/versions`, {
      schemaType: 'PROTOBUF',
      schema: order,
      references,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual((await call(url(), 'GET', `/schemas/ids/${r.body.id}`)).body.references, references);
    const unresolved = await call(url(), 'POST', `/subjects/${uniqueName('order')}/versions`, {
      schemaType: 'PROTOBUF',
      schema: order,
    });
    assert.equal(unresolved.body.error_code, 42201, 'Money is unknown without the reference');
  });
});

describe('registry: config', () => {
  it('has a global level (BACKWARD by default) and per-subject levels that are 404 until set', async () => {
    const subject = uniqueName('cfg');
    assert.deepEqual((await call(url(), 'GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
    const none = await call(url(), 'GET', `/config/${subject}`);
    assert.deepEqual([none.status, none.body.error_code], [404, 40408]);
    assert.deepEqual((await call(url(), 'GET', `/config/${subject}?defaultToGlobal=true`)).body, {
      compatibilityLevel: 'BACKWARD',
    });
    assert.deepEqual((await call(url(), 'PUT', `/config/${subject}`, { compatibility: 'full_transitive' })).body, {
      compatibility: 'FULL_TRANSITIVE',
    });
    assert.deepEqual((await call(url(), 'GET', `/config/${subject}`)).body, { compatibilityLevel: 'FULL_TRANSITIVE' });
    const bad = await call(url(), 'PUT', `/config/${subject}`, { compatibility: 'SIDEWAYS' });
    assert.deepEqual([bad.status, bad.body.error_code], [422, 42203]);
    assert.deepEqual((await call(url(), 'DELETE', `/config/${subject}`)).body, {
      compatibilityLevel: 'FULL_TRANSITIVE',
    });
    assert.equal((await call(url(), 'GET', `/config/${subject}`)).body.error_code, 40408);
    assert.equal((await call(url(), 'DELETE', `/config/${subject}`)).body.error_code, 40401);
  });
});
