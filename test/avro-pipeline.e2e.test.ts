// Issue 7's end-to-end proof: MariaDB → JDBC source → Kafka as Avro (Confluent wire format,
// schemas in the embedded registry) → upsert JDBC sinks → PostgreSQL and DuckDB. One
// standalone worker runs in this process with the CLI's plugins; connectors are created
// over its REST API. The scenarios build on each other, in order:
// 1. the sinks create their tables from the registered schema; the records carry the
//    registry's ids (magic byte 0 + 4-byte id);
// 2. `ADD COLUMN note … NULL` registers version 2 of `<topic>-value` and the sinks add
//    the column;
// 3. `MODIFY COLUMN qty VARCHAR` (int → string, which Avro BACKWARD forbids) fails the
//    source task with an error naming the subject and the version; nothing reaches Kafka or
//    the sinks;
// 4. a new registry on the same broker serves every id as before, and a fresh sink pointed
//    at it reads the whole topic into a new table.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { type RunningBroker, type RunningSchemaRegistry, startBroker, startSchemaRegistry } from '@tributary/devstack';
import { type Database, openDatabase, parseConnectionUrl } from '@tributary/jdbc';
import { jdbcSink } from '@tributary/jdbc-sink';
import { jdbcSource } from '@tributary/jdbc-source';
import { builtinPlugins, PluginRegistry, runStandalone, type StandaloneHandle } from '@tributary/runtime';
import { schemaRegistryPlugins } from '@tributary/schema-registry';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type mysql from 'mysql2/promise';
import type pg from 'pg';
import { MYSQL, mariadb, POSTGRES, postgres, waitFor, writeProperties } from './e2e-support.js';

const AVRO = 'io.confluent.connect.avro.AvroConverter';
const TIMEOUT_MS = 30_000;

/** A sink or source row, normalised so that MariaDB, PostgreSQL and DuckDB compare equal. */
interface Row {
  readonly id: number;
  readonly name: string;
  readonly qty: number | null;
  /** The decimal's text with its two fraction digits. */
  readonly amount: string;
  /** Epoch milliseconds. */
  readonly updated: number;
  /** Undefined while the table has no note column. */
  readonly note?: string | null;
}

function toRow(r: Record<string, unknown>, hasNote: boolean): Row {
  const row: Row = {
    id: Number(r['id']),
    name: String(r['name']),
    qty: r['qty'] === null ? null : Number(r['qty']),
    amount: String(r['amount']),
    updated: Number(r['updated']),
  };
  return hasNote ? { ...row, note: r['note'] === null ? null : String(r['note']) } : row;
}

/**
 * A value as @kafkajs/confluent-schema-registry decodes it (an independent Avro reader):
 * the decimal arrives as its unscaled big-endian two's-complement bytes, the timestamp as
 * epoch milliseconds.
 */
function decodedRow(value: Record<string, unknown>): Row {
  const bytes = value['amount'] as Buffer;
  let unscaled = 0n;
  for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
  if (bytes.length > 0 && ((bytes[0] ?? 0) & 0x80) !== 0) unscaled -= 1n << BigInt(bytes.length * 8);
  const sign = unscaled < 0n ? '-' : '';
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(3, '0');
  return toRow({ ...value, amount: `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}` }, Object.hasOwn(value, 'note'));
}

/** Decodes every message's key and value with @kafkajs/confluent-schema-registry against `registryUrl`. */
async function decodeAll(
  registryUrl: string,
  messages: readonly { key: Buffer | null; value: Buffer | null }[],
): Promise<{ key: Record<string, unknown>; value: Row }[]> {
  const client = new SchemaRegistry({ host: registryUrl });
  const decoded: { key: Record<string, unknown>; value: Row }[] = [];
  for (const message of messages) {
    assert.ok(message.key !== null && message.value !== null);
    decoded.push({
      // avsc decodes records as instances of a class named after the record: compare plain objects.
      key: { ...((await client.decode(message.key)) as Record<string, unknown>) },
      value: decodedRow((await client.decode(message.value)) as Record<string, unknown>),
    });
  }
  return decoded;
}

// ---- the registry's REST API ------------------------------------------------------------

async function registryGet(url: string, path: string): Promise<unknown> {
  const response = await fetch(`${url}${path}`);
  const body: unknown = await response.json();
  assert.equal(response.status, 200, `GET ${path}: ${JSON.stringify(body)}`);
  return body;
}

async function subjectVersions(url: string, subject: string): Promise<number[]> {
  const response = await fetch(`${url}/subjects/${encodeURIComponent(subject)}/versions`);
  return response.status === 404 ? [] : ((await response.json()) as number[]);
}

async function schemaById(url: string, id: number): Promise<string> {
  return ((await registryGet(url, `/schemas/ids/${id}`)) as { schema: string }).schema;
}

async function subjectVersion(url: string, subject: string, version: number): Promise<{ id: number; schema: string }> {
  return (await registryGet(url, `/subjects/${encodeURIComponent(subject)}/versions/${version}`)) as {
    id: number;
    schema: string;
  };
}

// ---- Kafka ------------------------------------------------------------------------------

/** The schema id of a Confluent-framed message (magic byte 0, big-endian 4-byte id); asserts the framing. */
function framedId(bytes: Buffer | null, what: string): number {
  assert.ok(bytes !== null && bytes.length >= 5, `${what}: too short for the Confluent wire format`);
  assert.equal(bytes[0], 0, `${what}: magic byte`);
  return bytes.readInt32BE(1);
}

/** Every message of a single-partition topic, from the beginning up to its current end. */
async function readTopic(kafka: Kafka, topic: string): Promise<{ key: Buffer | null; value: Buffer | null }[]> {
  const admin = kafka.admin();
  await admin.connect();
  const end = Number((await admin.fetchTopicOffsets(topic))[0]?.high ?? 0);
  await admin.disconnect();
  const messages: { key: Buffer | null; value: Buffer | null }[] = [];
  if (end === 0) return messages;
  const consumer = kafka.consumer({ groupId: `e2e-read-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages.push({ key: message.key, value: message.value });
      },
    });
    await waitFor(`${end} messages of ${topic}`, () => (messages.length >= end ? true : undefined), TIMEOUT_MS);
  } finally {
    await consumer.disconnect();
  }
  return messages.slice(0, end);
}

async function endOffset(admin: Admin, topic: string): Promise<number> {
  return Number((await admin.fetchTopicOffsets(topic))[0]?.high ?? 0);
}

/** What the sink `connector`'s group has committed of `topic`. */
async function committedOffset(admin: Admin, topic: string, connector: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId: `connect-${connector}`, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

// ---- the warehouses ---------------------------------------------------------------------

interface ColumnType {
  readonly name: string;
  readonly type: string;
}

/** A sink target read from this process (DuckDB through @tributary/jdbc, which shares the sink's instance). */
interface Warehouse {
  readonly kind: 'postgresql' | 'duckdb';
  readonly url: string;
  readonly user: string;
  columns(table: string): Promise<ColumnType[]>;
  /** Every row by id; [] while the table does not exist. */
  rows(table: string): Promise<Row[]>;
  dropTable(table: string): Promise<void>;
  close(): Promise<void>;
}

async function postgresWarehouse(): Promise<Warehouse> {
  const client: pg.Client = await postgres('test');
  const columns = async (table: string): Promise<ColumnType[]> => {
    const result = await client.query(
      `SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    return result.rows.map((r: Record<string, unknown>) => ({
      name: String(r['column_name']),
      type:
        r['data_type'] === 'numeric'
          ? `numeric(${String(r['numeric_precision'])},${String(r['numeric_scale'])})`
          : String(r['data_type']),
    }));
  };
  return {
    kind: 'postgresql',
    url: `jdbc:postgresql://${POSTGRES.host}:${POSTGRES.port}/test`,
    user: POSTGRES.user,
    columns,
    async rows(table) {
      const names = (await columns(table)).map((c) => c.name);
      if (names.length === 0) return [];
      const hasNote = names.includes('note');
      const result = await client.query(
        `SELECT id, name, qty, amount::text AS amount, (extract(epoch FROM updated) * 1000)::bigint AS updated
         ${hasNote ? ', note' : ''} FROM ${pgId(table)} ORDER BY id`,
      );
      return result.rows.map((r: Record<string, unknown>) => toRow(r, hasNote));
    },
    async dropTable(table) {
      await client.query(`DROP TABLE IF EXISTS ${pgId(table)}`);
    },
    async close() {
      await client.end();
    },
  };
}

async function duckdbWarehouse(file: string): Promise<Warehouse> {
  const url = `jdbc:duckdb:${file}`;
  // The same module instance as the sink's: both share one DuckDB instance on the file.
  const db: Database = await openDatabase(parseConnectionUrl(url), { createIfMissing: true });
  const columns = async (table: string): Promise<ColumnType[]> => {
    const result = await db.query(
      'SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position',
      [table],
    );
    return result.rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  };
  return {
    kind: 'duckdb',
    url,
    user: '',
    columns,
    async rows(table) {
      const names = (await columns(table)).map((c) => c.name);
      if (names.length === 0) return [];
      const hasNote = names.includes('note');
      const result = await db.query(
        `SELECT id, name, qty, CAST(amount AS VARCHAR) AS amount, epoch_ms(updated) AS updated
         ${hasNote ? ', note' : ''} FROM "${table}" ORDER BY id`,
      );
      const keys = ['id', 'name', 'qty', 'amount', 'updated', ...(hasNote ? ['note'] : [])];
      return result.rows.map((r) => toRow(Object.fromEntries(keys.map((k, i) => [k, r[i]])), hasNote));
    },
    async dropTable(table) {
      await db.query(`DROP TABLE IF EXISTS "${table}"`);
    },
    async close() {
      await db.close();
    },
  };
}

function pgId(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

// ---- the tests --------------------------------------------------------------------------

describe('Avro pipeline: MariaDB → JDBC source → Kafka (Avro, schema registry) → upsert sink → PostgreSQL and DuckDB', () => {
  const suffix = randomUUID().slice(0, 8);
  const table = `avro_${suffix}`;
  const topic = `avro-${table}`;
  const valueSubject = `${topic}-value`;
  const keySubject = `${topic}-key`;
  const source = `avro-source-${suffix}`;
  const sinks = { postgresql: `avro-sink-pg-${suffix}`, duckdb: `avro-sink-duck-${suffix}` } as const;
  const sinkTable = `avro_sink_${suffix}`;
  const freshSink = `avro-sink-fresh-${suffix}`;
  const freshTable = `avro_fresh_${suffix}`;

  let dir = '';
  let broker: RunningBroker;
  let registry: RunningSchemaRegistry;
  let kafka: Kafka;
  let admin: Admin;
  let worker: StandaloneHandle;
  let db: mysql.Connection;
  let warehouses: Warehouse[] = [];
  let log = '';
  /** The MariaDB rows as scenario 2 left them: what every sink must hold from then on. */
  let expectedRows: Row[] = [];

  const logTail = (): string => log.slice(-6000);

  async function rest(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${worker.restUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: HTTP ${response.status} ${text}`);
    return text === '' ? null : JSON.parse(text);
  }

  async function taskStates(connector: string): Promise<{ state: string; trace?: string }[]> {
    const status = (await rest('GET', `/connectors/${encodeURIComponent(connector)}/status`)) as {
      tasks?: { state: string; trace?: string }[];
    };
    return status.tasks ?? [];
  }

  async function assertRunning(connector: string): Promise<void> {
    const failed = (await taskStates(connector)).find((t) => t.state === 'FAILED');
    if (failed !== undefined)
      throw new Error(`a task of ${connector} failed: ${failed.trace ?? ''}\nlog:\n${logTail()}`);
  }

  function avroConverters(registryUrl: string): Record<string, string> {
    return {
      'key.converter': AVRO,
      'key.converter.schema.registry.url': registryUrl,
      'value.converter': AVRO,
      'value.converter.schema.registry.url': registryUrl,
    };
  }

  function sinkConfig(warehouse: Warehouse, target: string, registryUrl: string): Record<string, string> {
    return {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'tasks.max': '1',
      topics: topic,
      'connection.url': warehouse.url,
      'connection.user': warehouse.user,
      'insert.mode': 'upsert',
      'pk.mode': 'record_key',
      'table.name.format': target,
      'auto.create': 'true',
      'auto.evolve': 'true',
      'batch.linger.ms': '50',
      ...avroConverters(registryUrl),
    };
  }

  async function mariadbRows(): Promise<Row[]> {
    const [columns] = await db.query<mysql.RowDataPacket[]>(
      'SELECT column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?',
      [table],
    );
    const hasNote = columns.some((c) => c['c'] === 'note');
    const [rows] = await db.query<mysql.RowDataPacket[]>(
      `SELECT id, name, qty, CAST(amount AS CHAR) AS amount, CAST(UNIX_TIMESTAMP(updated) * 1000 AS SIGNED) AS updated
       ${hasNote ? ', note' : ''} FROM \`${table}\` ORDER BY id`,
    );
    return rows.map((r) => toRow(r, hasNote));
  }

  /** Waits until `warehouse`'s `target` holds exactly `expected`, the sink task staying RUNNING. */
  async function waitForRows(warehouse: Warehouse, target: string, connector: string, expected: Row[]): Promise<void> {
    let last: Row[] = [];
    await waitFor(
      () =>
        `${warehouse.kind} table ${target} to equal the MariaDB rows\nexpected ${JSON.stringify(expected)}\nlast ${JSON.stringify(last)}\nlog:\n${logTail()}`,
      async () => {
        await assertRunning(connector);
        last = await warehouse.rows(target);
        try {
          assert.deepEqual(last, expected);
          return true;
        } catch {
          return undefined;
        }
      },
      TIMEOUT_MS,
    );
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'avro-pipeline-e2e-'));
    broker = await startBroker({ port: 0 });
    registry = await startSchemaRegistry({ port: 0, bootstrapServers: [broker.bootstrap] });
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    db = await mariadb('test');
    warehouses = [await postgresWarehouse(), await duckdbWarehouse(join(dir, 'warehouse.duckdb'))];
    const workerFile = writeProperties(join(dir, 'worker.properties'), {
      'bootstrap.servers': broker.bootstrap,
      // Every connector here sets its own Avro converters.
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.storage.file.filename': join(dir, 'worker.offsets'),
      'offset.flush.interval.ms': 200,
      listeners: 'http://127.0.0.1:0',
    });
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log = (log + chunk.toString()).slice(-50_000);
        done();
      },
    });
    worker = await runStandalone({
      workerPropsPath: workerFile,
      connectorPaths: [],
      // The plugins the CLI registers (packages/cli/src/plugins.ts), minus the mirror.
      registry: new PluginRegistry([...builtinPlugins, jdbcSource, jdbcSink, ...schemaRegistryPlugins]),
      stdout: { write: () => {} },
      log: { level: 'info', destination },
    });
  });

  after(async () => {
    await worker?.stop();
    for (const warehouse of warehouses) {
      for (const target of [sinkTable, freshTable]) await warehouse.dropTable(target).catch(() => {});
      await warehouse.close();
    }
    await db?.query(`DROP TABLE IF EXISTS \`${table}\``);
    await db?.end();
    await admin?.disconnect();
    await registry?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('1. creates the sink tables from the registered schema; records carry the registry ids', async () => {
    await db.query(
      `CREATE TABLE \`${table}\` (
         id INT AUTO_INCREMENT PRIMARY KEY,
         name VARCHAR(64) NOT NULL,
         qty INT NULL,
         amount DECIMAL(10,2) NOT NULL,
         updated TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
       )`,
    );
    for (let i = 1; i <= 5; i++)
      await db.execute(`INSERT INTO \`${table}\` (name, qty, amount) VALUES (?, ?, ?)`, [
        `name-${i}`,
        i === 3 ? null : i * 10,
        `${i}.${i}5`,
      ]);
    await rest('PUT', `/connectors/${source}/config`, {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      'tasks.max': '1',
      'connection.url': `jdbc:mysql://${MYSQL.host}:${MYSQL.port}/test`,
      'connection.user': MYSQL.user,
      'connection.password': MYSQL.password,
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'updated',
      'incrementing.column.name': 'id',
      'table.whitelist': table,
      'topic.prefix': 'avro-',
      'poll.interval.ms': '200',
      ...avroConverters(registry.url),
    });
    const [postgresql, duckdb] = warehouses as [Warehouse, Warehouse];
    await rest('PUT', `/connectors/${sinks.postgresql}/config`, sinkConfig(postgresql, sinkTable, registry.url));
    await rest('PUT', `/connectors/${sinks.duckdb}/config`, sinkConfig(duckdb, sinkTable, registry.url));

    const expected = await mariadbRows();
    assert.equal(expected.length, 5);
    await assertRunning(source);
    await waitForRows(postgresql, sinkTable, sinks.postgresql, expected);
    await waitForRows(duckdb, sinkTable, sinks.duckdb, expected);

    // The tables as the sinks created them from the Avro schema.
    assert.deepEqual(await postgresql.columns(sinkTable), [
      { name: 'id', type: 'integer' },
      { name: 'name', type: 'text' },
      { name: 'qty', type: 'integer' },
      { name: 'amount', type: 'numeric(10,2)' },
      { name: 'updated', type: 'timestamp without time zone' },
    ]);
    assert.deepEqual(await duckdb.columns(sinkTable), [
      { name: 'id', type: 'INTEGER' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'qty', type: 'INTEGER' },
      { name: 'amount', type: 'DECIMAL(10,2)' },
      { name: 'updated', type: 'TIMESTAMP' },
    ]);

    // The registered schemas, and the Kafka records framed with their ids.
    assert.deepEqual(await subjectVersions(registry.url, valueSubject), [1]);
    assert.deepEqual(await subjectVersions(registry.url, keySubject), [1]);
    const value1 = await subjectVersion(registry.url, valueSubject, 1);
    const key1 = await subjectVersion(registry.url, keySubject, 1);
    const avro = JSON.parse(value1.schema) as {
      type: string;
      name: string;
      fields: { name: string; type: unknown }[];
    };
    assert.equal(avro.type, 'record');
    assert.equal(avro.name, table);
    assert.deepEqual(
      avro.fields.map((f) => f.name),
      ['id', 'name', 'qty', 'amount', 'updated'],
    );
    const field = (name: string): unknown => avro.fields.find((f) => f.name === name)?.type;
    assert.equal(field('id'), 'int');
    assert.equal(field('name'), 'string');
    assert.deepEqual(field('qty'), ['null', 'int']);
    assert.deepEqual(
      [
        (field('amount') as Record<string, unknown>)['logicalType'],
        (field('amount') as Record<string, unknown>)['scale'],
      ],
      ['decimal', 2],
    );
    assert.equal((field('updated') as Record<string, unknown>)['logicalType'], 'timestamp-millis');

    const messages = await readTopic(kafka, topic);
    assert.equal(messages.length, 5);
    for (const [i, message] of messages.entries()) {
      assert.equal(framedId(message.value, `value of record ${i}`), value1.id);
      assert.equal(framedId(message.key, `key of record ${i}`), key1.id);
    }
    assert.equal(await schemaById(registry.url, value1.id), value1.schema);
    assert.equal(await schemaById(registry.url, key1.id), key1.schema);
    // An independent Avro reader gets the MariaDB rows back, keyed by their primary key.
    const decoded = await decodeAll(registry.url, messages);
    assert.deepEqual(
      decoded.map((d) => d.value),
      expected,
    );
    assert.deepEqual(
      decoded.map((d) => d.key),
      expected.map((r) => ({ id: r.id })),
    );
  });

  it('2. ADD COLUMN note registers version 2 of <topic>-value and the sinks add the column', async () => {
    await db.query(`ALTER TABLE \`${table}\` ADD COLUMN note VARCHAR(50) NULL`);
    // The update before the inserts: rows sharing a millisecond are then read in id order,
    // which is what timestamp+incrementing relies on.
    await db.execute(`UPDATE \`${table}\` SET note = ?, amount = ? WHERE id = 2`, ['updated', '-2.50']);
    await db.execute(`INSERT INTO \`${table}\` (name, qty, amount, note) VALUES (?, ?, ?, ?)`, [
      'name-6',
      60,
      '6.65',
      'added',
    ]);
    await db.execute(`INSERT INTO \`${table}\` (name, qty, amount) VALUES (?, ?, ?)`, ['name-7', 70, '7.75']);

    await waitFor(
      () => `version 2 of ${valueSubject}; log:\n${logTail()}`,
      async () => ((await subjectVersions(registry.url, valueSubject)).length >= 2 ? true : undefined),
      TIMEOUT_MS,
    );
    assert.deepEqual(await subjectVersions(registry.url, valueSubject), [1, 2]);
    assert.deepEqual(await subjectVersions(registry.url, keySubject), [1], 'the key did not change');
    const value2 = JSON.parse((await subjectVersion(registry.url, valueSubject, 2)).schema) as {
      fields: { name: string; type: unknown; default?: unknown }[];
    };
    const note = value2.fields.find((f) => f.name === 'note');
    assert.deepEqual(note?.type, ['null', 'string']);
    assert.equal(note?.default, null);

    expectedRows = await mariadbRows();
    assert.equal(expectedRows.length, 7);
    assert.equal(expectedRows.find((r) => r.id === 2)?.note, 'updated');
    for (const warehouse of warehouses) {
      await waitForRows(warehouse, sinkTable, sinks[warehouse.kind], expectedRows);
      const columns = await warehouse.columns(sinkTable);
      assert.deepEqual(
        columns.map((c) => c.name),
        ['id', 'name', 'qty', 'amount', 'updated', 'note'],
      );
      assert.equal(columns.at(-1)?.type, warehouse.kind === 'postgresql' ? 'text' : 'VARCHAR');
    }
  });

  it('3. a change BACKWARD forbids (INT → VARCHAR) fails the source naming subject and version; nothing is written', async (t) => {
    const endBefore = await endOffset(admin, topic);
    const before = await Promise.all(
      warehouses.map(async (w) => ({ columns: await w.columns(sinkTable), rows: await w.rows(sinkTable) })),
    );
    await db.query(`ALTER TABLE \`${table}\` MODIFY COLUMN qty VARCHAR(20) NULL`);
    await db.execute(`INSERT INTO \`${table}\` (name, qty, amount, note) VALUES (?, ?, ?, ?)`, [
      'name-8',
      'eighty',
      '8.85',
      'refused',
    ]);

    const failed = await waitFor(
      () => `the source task to fail; log:\n${logTail()}`,
      async () => (await taskStates(source)).find((t) => t.state === 'FAILED'),
      TIMEOUT_MS,
    );
    const trace = failed.trace ?? '';
    assert.match(trace, /incompatible/i, trace);
    assert.match(trace, /BACKWARD/, `the error names the compatibility level: ${trace}`);
    assert.ok(trace.includes(`"${valueSubject}"`), `the error names the subject ${valueSubject}: ${trace}`);
    assert.match(trace, /version 2\b/, `the error names the version: ${trace}`);
    t.diagnostic(`source task trace: ${trace.split('\n').find((line) => /incompatible/i.test(line)) ?? ''}`);
    // The registry kept its two versions, and nothing of the new shape reached Kafka.
    assert.deepEqual(await subjectVersions(registry.url, valueSubject), [1, 2]);
    assert.equal(await endOffset(admin, topic), endBefore);

    // The sinks have consumed everything there is, and their tables are as before.
    for (const [i, warehouse] of warehouses.entries()) {
      const connector = sinks[warehouse.kind];
      await waitFor(
        () => `${connector} to commit offset ${endBefore}; log:\n${logTail()}`,
        async () => ((await committedOffset(admin, topic, connector)) === endBefore ? true : undefined),
        TIMEOUT_MS,
      );
      await assertRunning(connector);
      assert.deepEqual(await warehouse.columns(sinkTable), before[i]?.columns);
      assert.deepEqual(await warehouse.rows(sinkTable), before[i]?.rows);
      assert.deepEqual(await warehouse.rows(sinkTable), expectedRows);
    }
  });

  it('4. a restarted registry serves the same ids, and a fresh sink reads every record into a new table', async () => {
    const ids = new Map<number, string>();
    for (const [subject, versions] of [
      [valueSubject, [1, 2]],
      [keySubject, [1]],
    ] as const) {
      for (const version of versions) {
        const registered = await subjectVersion(registry.url, subject, version);
        ids.set(registered.id, registered.schema);
      }
    }
    const messages = await readTopic(kafka, topic);
    assert.equal(messages.length, 8, 'five inserts, two inserts and one update');
    const usedIds = new Set(
      messages.flatMap((m, i) => [framedId(m.key, `key of record ${i}`), framedId(m.value, `value of record ${i}`)]),
    );
    assert.deepEqual([...usedIds].sort(), [...ids.keys()].sort(), 'the records use exactly the registered ids');

    await rest('DELETE', `/connectors/${source}`);
    await registry.stop();
    registry = await startSchemaRegistry({ port: 0, bootstrapServers: [broker.bootstrap] });
    for (const [id, schema] of ids) assert.equal(await schemaById(registry.url, id), schema, `schema id ${id}`);
    assert.deepEqual(await subjectVersions(registry.url, valueSubject), [1, 2]);
    assert.deepEqual(await subjectVersions(registry.url, keySubject), [1]);
    for (const version of [1, 2]) {
      const registered = await subjectVersion(registry.url, valueSubject, version);
      assert.equal(ids.get(registered.id), registered.schema, `${valueSubject} version ${version}`);
    }

    // An independent client on the new registry decodes every record; the last one per id is the row.
    const latest = new Map<number, Row>();
    for (const { key, value } of await decodeAll(registry.url, messages)) {
      assert.deepEqual(key, { id: value.id });
      latest.set(value.id, value);
    }
    assert.deepEqual(
      [...latest.values()].sort((a, b) => a.id - b.id),
      // Ids 1, 3, 4 and 5 were last written with version 1, before the note column existed.
      expectedRows.map(({ note, ...v1 }) => ([1, 3, 4, 5].includes(v1.id) ? v1 : { ...v1, note })),
    );

    const [postgresql] = warehouses as [Warehouse, Warehouse];
    await rest('PUT', `/connectors/${freshSink}/config`, sinkConfig(postgresql, freshTable, registry.url));
    await waitForRows(postgresql, freshTable, freshSink, expectedRows);
    assert.deepEqual(
      (await postgresql.columns(freshTable)).map((c) => c.name),
      ['id', 'name', 'qty', 'amount', 'updated', 'note'],
    );
  });
});
