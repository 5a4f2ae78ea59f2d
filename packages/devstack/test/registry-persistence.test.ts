import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ConfigResourceTypes } from 'kafkajs';
import { startBroker, startSchemaRegistry } from '../src/index.js';
import { kafkaFor, uniqueName } from './fixtures.js';
import { avro, call, type RegistryStack, record, startRegistryStack } from './registry-http.js';

// kafkajs's ConfigResourceTypes enum is not visible to ESM imports of the CommonJS package.
const TOPIC_RESOURCE: ConfigResourceTypes = 2;

const stacks: RegistryStack[] = [];
const dirs: string[] = [];
after(async () => {
  for (const s of stacks) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function stack(topic?: string): Promise<RegistryStack> {
  const s = await startRegistryStack(topic);
  stacks.push(s);
  return s;
}

const V1 = record('Order', [{ name: 'id', type: 'long' }]);
const V2 = record('Order', [
  { name: 'id', type: 'long' },
  { name: 'total', type: 'double', default: 0 },
]);

describe('registry persistence in the _schemas topic', () => {
  it('a new registry on the same broker keeps subjects, versions, ids, deletes and config', async () => {
    const s = await stack();
    const orders = uniqueName('orders-value');
    const copy = uniqueName('copy-value');
    const gone = uniqueName('gone-value');
    const json = uniqueName('json-value');
    const r1 = await call(s.registry.url, 'POST', `/subjects/${orders}/versions`, avro(V1));
    const r2 = await call(s.registry.url, 'POST', `/subjects/${orders}/versions`, avro(V2));
    await call(s.registry.url, 'POST', `/subjects/${copy}/versions`, avro(V1));
    const rj = await call(s.registry.url, 'POST', `/subjects/${json}/versions`, {
      schemaType: 'JSON',
      schema: '{"type":"string"}',
    });
    const rg = await call(s.registry.url, 'POST', `/subjects/${gone}/versions`, avro(record('Gone', [])));
    await call(s.registry.url, 'DELETE', `/subjects/${gone}`);
    await call(s.registry.url, 'DELETE', `/subjects/${gone}?permanent=true`);
    await call(s.registry.url, 'DELETE', `/subjects/${copy}/versions/1`);
    await call(s.registry.url, 'PUT', `/config/${orders}`, { compatibility: 'FULL' });
    await call(s.registry.url, 'PUT', '/config', { compatibility: 'FORWARD' });
    const before = {
      subjects: (await call(s.registry.url, 'GET', '/subjects?deleted=true')).body,
      latest: (await call(s.registry.url, 'GET', `/subjects/${orders}/versions/latest`)).body,
    };

    await s.restartRegistry();
    const url = s.registry.url;
    assert.deepEqual((await call(url, 'GET', '/subjects?deleted=true')).body, before.subjects);
    assert.deepEqual((await call(url, 'GET', '/subjects')).body, [json, orders].sort());
    assert.deepEqual((await call(url, 'GET', `/subjects/${orders}/versions/latest`)).body, before.latest);
    assert.deepEqual((await call(url, 'GET', `/subjects/${orders}/versions`)).body, [1, 2]);
    assert.equal((await call(url, 'GET', `/schemas/ids/${r1.body.id}`)).body.schema, JSON.stringify(V1));
    assert.deepEqual((await call(url, 'GET', `/schemas/ids/${rj.body.id}`)).body, {
      schemaType: 'JSON',
      schema: '{"type":"string"}',
    });
    assert.equal((await call(url, 'GET', `/schemas/ids/${rg.body.id}`)).body.error_code, 40403);
    assert.deepEqual((await call(url, 'GET', `/subjects/${copy}/versions?deleted=true`)).body, [1]);
    assert.equal((await call(url, 'GET', `/subjects/${copy}/versions`)).body.error_code, 40401);
    assert.deepEqual((await call(url, 'GET', `/config/${orders}`)).body, { compatibilityLevel: 'FULL' });
    assert.deepEqual((await call(url, 'GET', '/config')).body, { compatibilityLevel: 'FORWARD' });

    // Registration continues where it stopped: same id for known schemas, new ids above every old one.
    const again = await call(url, 'POST', `/subjects/${copy}/versions`, avro(V1));
    assert.deepEqual([again.body.id, again.body.version], [r1.body.id, 2]);
    const fresh = await call(url, 'POST', `/subjects/${uniqueName('new')}/versions`, avro(record('Fresh', [])));
    assert.equal(fresh.body.id, Math.max(r2.body.id, rj.body.id, rg.body.id) + 1);
    const refused = await call(
      url,
      'POST',
      `/subjects/${orders}/versions`,
      avro(record('Order', [{ name: 'x', type: 'int' }])),
    );
    assert.equal(refused.status, 409, 'FULL survived the restart');
  });

  it('keeps the state in a one-partition compacted topic with Confluent-shaped keys, written before the answer', async () => {
    const topic = uniqueName('_schemas');
    const s = await stack(topic);
    const subject = uniqueName('keys-value');
    const reg = await call(s.registry.url, 'POST', `/subjects/${subject}/versions`, avro(V1));
    await call(s.registry.url, 'PUT', `/config/${subject}`, { compatibility: 'NONE' });

    const kafka = kafkaFor(s.broker);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      assert.equal(meta.topics[0]?.partitions.length, 1);
      const configs = await admin.describeConfigs({
        resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: ['cleanup.policy'] }],
        includeSynonyms: false,
      });
      assert.equal(configs.resources[0]?.configEntries[0]?.configValue, 'compact');
      const offsets = await admin.fetchTopicOffsets(topic);
      assert.equal(offsets[0]?.high, '2', 'both writes are in the topic once answered');
    } finally {
      await admin.disconnect();
    }

    const consumer = kafka.consumer({ groupId: uniqueName('g'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    const seen: { key: unknown; value: unknown }[] = [];
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out reading the schemas topic')), 30_000);
        consumer
          .run({
            eachMessage: async ({ message }) => {
              seen.push({
                key: JSON.parse(message.key?.toString() ?? 'null'),
                value: message.value === null ? null : JSON.parse(message.value.toString()),
              });
              if (seen.length === 2) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    assert.deepEqual(seen, [
      {
        key: { keytype: 'SCHEMA', subject, version: 1, magic: 1 },
        value: { subject, version: 1, id: reg.body.id, schema: JSON.stringify(V1), deleted: false },
      },
      { key: { keytype: 'CONFIG', subject, magic: 0 }, value: { compatibilityLevel: 'NONE' } },
    ]);
  });

  it('skips records it does not know (Confluent NOOP keys, garbage) and logs them', async () => {
    const topic = uniqueName('_schemas');
    const s = await stack(topic);
    const subject = uniqueName('mixed-value');
    await call(s.registry.url, 'POST', `/subjects/${subject}/versions`, avro(V1));
    const producer = kafkaFor(s.broker).producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: '{"keytype":"NOOP","magic":0}', value: null },
        { key: 'not json', value: 'x' },
        { key: '{"keytype":"SCHEMA","subject":"broken","version":1,"magic":1}', value: '{"schema":1}' },
      ],
    });
    await producer.disconnect();
    await s.registry.stop();
    const logged: string[] = [];
    s.registry = await startSchemaRegistry({
      port: 0,
      bootstrapServers: [s.broker.bootstrap],
      topic,
      log: (level, message) => logged.push(`${level} ${message}`),
    });
    assert.deepEqual((await call(s.registry.url, 'GET', '/subjects')).body, [subject]);
    assert.equal(logged.filter((l) => l.startsWith('warn skipping record')).length, 2, logged.join('\n'));
    assert.ok(
      logged.some((l) => l.includes(`${topic}-0 offset 2`)),
      'the log names topic, partition and offset',
    );
  });

  it('a second registry on the same topic catches up before each write, so ids and versions never collide', async () => {
    const topic = uniqueName('_schemas');
    const s = await stack(topic);
    const other = await startSchemaRegistry({ port: 0, bootstrapServers: [s.broker.bootstrap], topic });
    try {
      const subject = uniqueName('shared-value');
      const a1 = await call(s.registry.url, 'POST', `/subjects/${subject}/versions`, avro(V1));
      const b2 = await call(other.url, 'POST', `/subjects/${subject}/versions`, avro(V2));
      assert.deepEqual([b2.status, b2.body.version], [200, 2], JSON.stringify(b2.body));
      assert.equal(b2.body.id, a1.body.id + 1);
      const b1 = await call(other.url, 'POST', `/subjects/${subject}/versions`, avro(V1));
      assert.deepEqual([b1.body.id, b1.body.version], [a1.body.id, 1], 'the other registry knows version 1');
      const a3 = await call(s.registry.url, 'POST', `/subjects/${uniqueName('x')}/versions`, avro(record('X', [])));
      assert.equal(a3.body.id, b2.body.id + 1, 'and the first one knows the id the other gave');
    } finally {
      await other.stop();
    }
  });

  it('serialises concurrent registrations: distinct schemas get distinct ids, one schema one id', async () => {
    const s = await stack();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call(s.registry.url, 'POST', `/subjects/${uniqueName('par')}/versions`, avro(record(`P${i % 6}`, []))),
      ),
    );
    assert.ok(results.every((r) => r.status === 200));
    const idsByName = new Map<string, Set<number>>();
    for (const [i, r] of results.entries()) {
      const name = `P${i % 6}`;
      idsByName.set(name, (idsByName.get(name) ?? new Set()).add(r.body.id));
    }
    assert.ok(
      [...idsByName.values()].every((ids) => ids.size === 1),
      'one id per schema',
    );
    assert.equal(new Set([...idsByName.values()].map((ids) => [...ids][0])).size, 6, 'six schemas, six ids');
  });

  it('survives a restart of both broker (with a data dir) and registry', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'registry-'));
    dirs.push(dataDir);
    const subject = uniqueName('durable-value');
    let broker = await startBroker({ port: 0, dataDir });
    let registry = await startSchemaRegistry({ port: 0, bootstrapServers: [broker.bootstrap] });
    const reg = await call(registry.url, 'POST', `/subjects/${subject}/versions`, avro(V1));
    await registry.stop();
    await broker.stop();

    broker = await startBroker({ port: 0, dataDir });
    registry = await startSchemaRegistry({ port: 0, bootstrapServers: [broker.bootstrap] });
    try {
      assert.deepEqual((await call(registry.url, 'GET', `/subjects/${subject}/versions/1`)).body.id, reg.body.id);
    } finally {
      await registry.stop();
      await broker.stop();
    }
  });

  it('without the broker: writes answer 500 / 50001, reads and known registrations are served from memory', async () => {
    const broker = await startBroker({ port: 0 });
    const registry = await startSchemaRegistry({ port: 0, bootstrapServers: [broker.bootstrap], retryTimeoutMs: 1000 });
    try {
      const known = uniqueName('known-value');
      const before = await call(registry.url, 'POST', `/subjects/${known}/versions`, avro(V1));
      await broker.stop();
      const subject = uniqueName('down-value');
      const r = await call(registry.url, 'POST', `/subjects/${subject}/versions`, avro(V1));
      assert.equal(r.status, 500, JSON.stringify(r.body));
      assert.equal(r.body.error_code, 50001);
      assert.ok(r.body.message.includes(subject), r.body.message);
      assert.equal((await call(registry.url, 'GET', `/subjects/${subject}/versions`)).body.error_code, 40401);
      const config = await call(registry.url, 'PUT', `/config/${known}`, { compatibility: 'NONE' });
      assert.deepEqual([config.status, config.body.error_code], [500, 50001]);

      const again = await call(registry.url, 'POST', `/subjects/${known}/versions`, avro(V1));
      assert.deepEqual([again.status, again.body.id], [200, before.body.id]);
      assert.equal((await call(registry.url, 'GET', `/schemas/ids/${before.body.id}`)).status, 200);
      assert.equal((await call(registry.url, 'POST', `/subjects/${known}`, avro(V1))).body.version, 1);
    } finally {
      await registry.stop();
    }
  });

  it('fails to start with a clear error when the broker is unreachable', async () => {
    const broker = await startBroker({ port: 0 });
    const bootstrap = broker.bootstrap;
    await broker.stop();
    await assert.rejects(startSchemaRegistry({ port: 0, bootstrapServers: [bootstrap], retryTimeoutMs: 500 }));
  });
});
