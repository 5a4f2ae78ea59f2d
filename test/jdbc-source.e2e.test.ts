// The JDBC source end to end, as users run it: `tributary connect-standalone` as a child
// process, against the local MariaDB/PostgreSQL and an embedded broker started here.
// - The Databend guide's scenario with ../shared/compat/mysql-*.properties, only the host and
//   credentials changed. The compat files name `mydb.test_kafka`, so this test creates the
//   database `mydb` when missing and is the only user of the table `mydb.test_kafka`.
// - kill -9 of the worker in timestamp mode between batches of rows sharing a timestamp,
//   then a restart on the same offset file: nothing missing, duplicates only after the
//   committed timestamp.
// - The database dropping the worker's connections mid-stream: the task keeps going and
//   nothing is missing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import type mysql from 'mysql2/promise';
import type pg from 'pg';
import {
  compatDir,
  createGuideTable,
  MYSQL,
  mariadb,
  POSTGRES,
  postgres,
  WorkerProcess,
  waitFor,
  workerProperties,
  writeProperties,
} from './e2e-support.js';

const TIMESTAMP_SCHEMA_NAME = 'org.apache.kafka.connect.data.Timestamp';

// ---- Kafka ------------------------------------------------------------------------------

interface Envelope {
  readonly schema: {
    readonly name?: string;
    readonly fields?: readonly { field: string; type: string; name?: string; optional: boolean }[];
  };
  readonly payload: Record<string, unknown>;
}

interface Received {
  readonly key: unknown;
  readonly value: Envelope;
}

/** Every record of a single-partition topic, from the beginning, as they arrive. */
class TopicReader {
  readonly records: Received[] = [];
  readonly #consumer: Consumer;

  private constructor(consumer: Consumer) {
    this.#consumer = consumer;
  }

  static async start(kafka: Kafka, topic: string): Promise<TopicReader> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const reader = new TopicReader(kafka.consumer({ groupId: `e2e-${randomUUID()}`, maxWaitTimeInMs: 100 }));
    await reader.#consumer.connect();
    await reader.#consumer.subscribe({ topic, fromBeginning: true });
    await reader.#consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          reader.records.push({
            key: message.key === null ? null : JSON.parse(message.key.toString()),
            value: JSON.parse(message.value?.toString() ?? 'null') as Envelope,
          });
        }
      },
    });
    return reader;
  }

  stop(): Promise<void> {
    return this.#consumer.disconnect();
  }
}

function payloadIds(records: readonly Received[]): number[] {
  return records.map((r) => Number(r.value.payload['id']));
}

/** Ids of `0..count-1` that `records` lack. */
function missingIds(records: readonly Received[], count: number): number[] {
  const seen = new Set(payloadIds(records));
  const missing: number[] = [];
  for (let id = 0; id < count; id++) if (!seen.has(id)) missing.push(id);
  return missing;
}

// ---- files ------------------------------------------------------------------------------

/**
 * A copy of a compat file with only `connection.url`'s host and the credentials changed for
 * the local database; asserts that every other line is unchanged.
 */
function adjustedCompatFile(name: string, dir: string): string {
  const original = readFileSync(join(compatDir, name), 'utf8').split('\n');
  const adjusted = original.map((line) => {
    if (line.startsWith('connection.url=')) return line.replace('//localhost:3306/', `//${MYSQL.host}:${MYSQL.port}/`);
    if (line.startsWith('connection.user=')) return `connection.user=${MYSQL.user}`;
    if (line.startsWith('connection.password=')) return `connection.password=${MYSQL.password}`;
    return line;
  });
  const changed = adjusted.flatMap((line, i) => (line === original[i] ? [] : [line.slice(0, line.indexOf('='))]));
  assert.deepEqual(
    changed.filter((key) => key !== 'connection.user'),
    ['connection.url', 'connection.password'],
    `${name}: unexpected lines changed`,
  );
  assert.ok(
    adjusted.includes('connection.url=jdbc:mysql://127.0.0.1:3306/mydb?useSSL=false'),
    `${name}: the URL should still name mydb`,
  );
  const path = join(dir, name);
  writeFileSync(path, adjusted.join('\n'));
  return path;
}

/** The committed source offset of `connector` in a standalone offset file, or null. */
function committedOffset(offsetFile: string, connector: string): Record<string, unknown> | null {
  if (!existsSync(offsetFile)) return null;
  const entries = JSON.parse(readFileSync(offsetFile, 'utf8')) as [[string, unknown], Record<string, unknown> | null][];
  const entry = entries.find(([[name]]) => name === connector);
  return entry?.[1] ?? null;
}

// ---- the tests --------------------------------------------------------------------------

describe('JDBC source through tributary connect-standalone (MariaDB, PostgreSQL, embedded broker)', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let dir = '';

  before(async () => {
    broker = await startBroker({ port: 0 });
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    dir = mkdtempSync(join(tmpdir(), 'jdbc-source-e2e-'));
  });

  after(async () => {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function workerFile(name: string): { path: string; offsetFile: string } {
    return workerProperties(dir, name, broker.bootstrap, 100);
  }

  it('follows the Databend guide: incrementing, then ADD COLUMN tms and timestamp+incrementing', async () => {
    const admin = await mariadb('test');
    await admin.query('CREATE DATABASE IF NOT EXISTS `mydb`');
    await admin.end();
    const db = await mariadb('mydb');
    const worker = workerFile('databend');
    let running: WorkerProcess | null = null;
    let reader: TopicReader | null = null;
    try {
      await db.query('DROP TABLE IF EXISTS test_kafka');
      await createGuideTable(db);
      reader = await TopicReader.start(kafka, 'test_kafka');

      // 1. incrementing mode: the ten rows, ids 10..19.
      running = await WorkerProcess.start(worker.path, adjustedCompatFile('mysql-incrementing.properties', dir));
      const first = reader;
      const firstProcess = running;
      await waitFor(
        () => `ten records on test_kafka; worker log:\n${firstProcess.logTail()}`,
        () => (first.records.length >= 10 ? true : undefined),
      );
      const initial = reader.records.slice(0, 10);
      assert.deepEqual(payloadIds(initial), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      for (const [i, record] of initial.entries()) {
        assert.equal(record.value.schema.name, 'test_kafka');
        assert.deepEqual(
          record.value.schema.fields?.map((f) => [f.field, f.type, f.optional]),
          [
            ['id', 'int32', false],
            ['name', 'string', false],
            ['description', 'string', true],
          ],
        );
        assert.equal(record.value.payload['name'], `name-${i + 1}`);
        assert.equal(record.value.payload['description'], i === 4 ? null : `description ${i + 1}`);
        assert.notEqual(record.key, null, 'the primary key is the record key');
        assert.match(JSON.stringify(record.key), new RegExp(`\\b${10 + i}\\b`));
      }
      assert.equal(await running.stop(), 0);
      running = null;
      assert.deepEqual(committedOffset(worker.offsetFile, 'test-source-mysql-autoincrement'), { incrementing: 19 });

      // 2. the guide adds a timestamp column and switches to timestamp+incrementing.
      await db.query(
        'ALTER TABLE test_kafka ADD COLUMN tms TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP',
      );
      running = await WorkerProcess.start(
        worker.path,
        adjustedCompatFile('mysql-timestamp-incrementing.properties', dir),
      );
      const second = running;
      // A new connector name has no offset: it starts at timestamp 0 and reads the ten rows again, now with tms.
      await waitFor(
        () => `the ten rows again with tms; worker log:\n${second.logTail()}`,
        () => (reader !== null && reader.records.length >= 20 ? true : undefined),
      );
      await db.execute('INSERT INTO test_kafka (id, name, description) VALUES (20, ?, ?)', ['name-20', 'inserted']);
      const inserted = await waitFor(
        () => `the insert of id 20; worker log:\n${second.logTail()}`,
        () => reader?.records.find((r) => r.value.payload['id'] === 20),
      );
      // TIMESTAMP has second precision: update in a later second so that tms moves forward.
      await waitFor('the database clock to pass the insert second', async () => {
        const [rows] = await db.query<mysql.RowDataPacket[]>(
          'SELECT NOW() > tms AS later FROM test_kafka WHERE id = 20',
        );
        return Number(rows[0]?.['later']) === 1 ? true : undefined;
      });
      await db.execute('UPDATE test_kafka SET description = ? WHERE id = 20', ['updated']);
      const updated = await waitFor(
        () => `the update of id 20; worker log:\n${second.logTail()}`,
        () => reader?.records.find((r) => r.value.payload['id'] === 20 && r.value.payload['description'] === 'updated'),
      );
      for (const record of [...reader.records.slice(10, 20), inserted, updated]) {
        const tms = record.value.schema.fields?.find((f) => f.field === 'tms');
        assert.deepEqual(tms, {
          field: 'tms',
          type: 'int64',
          name: TIMESTAMP_SCHEMA_NAME,
          optional: false,
          version: 1,
        });
        assert.equal(typeof record.value.payload['tms'], 'number');
      }
      assert.deepEqual(payloadIds(reader.records.slice(10, 20)), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      assert.ok(Number(updated.value.payload['tms']) > Number(inserted.value.payload['tms']));
      const [rows] = await db.query<mysql.RowDataPacket[]>(
        'SELECT UNIX_TIMESTAMP(tms) AS s FROM test_kafka WHERE id = 20',
      );
      assert.equal(updated.value.payload['tms'], Number(rows[0]?.['s']) * 1000);
      assert.equal(await running.stop(), 0);
      running = null;
      assert.deepEqual(committedOffset(worker.offsetFile, 'test-source-mysql-jdbc-autoincrement'), {
        incrementing: 20,
        timestamp: updated.value.payload['tms'],
        timestamp_nanos: 0,
      });
    } finally {
      await running?.kill();
      await reader?.stop();
      await db.query('DROP TABLE IF EXISTS test_kafka');
      await db.end();
    }
  });

  it('loses no row when the worker is killed (-9) between batches of rows sharing a timestamp', async (t) => {
    const ROWS = 100_000;
    const GROUP = 1000; // rows per timestamp; batch.max.rows is 100
    const table = `t_${randomUUID().slice(0, 8)}`;
    const topic = `e2e-${table}`;
    const db = await mariadb('test');
    const worker = workerFile(`kill-${table}`);
    let running: WorkerProcess | null = null;
    let reader: TopicReader | null = null;
    try {
      await db.query(
        `CREATE TABLE ${myId(table)} (id BIGINT PRIMARY KEY, ts DATETIME(3) NOT NULL, v VARCHAR(64) NOT NULL)`,
      );
      await db.query(
        `INSERT INTO ${myId(table)} SELECT n, TIMESTAMP'2024-01-01 00:00:00' + INTERVAL (n DIV ?) SECOND, CONCAT('row-', n) FROM (${digitsSql(5)}) s`,
        [GROUP],
      );
      const connector = `kill-${table}`;
      const connectorFile = writeProperties(join(dir, `${connector}.properties`), {
        name: connector,
        'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
        'tasks.max': 1,
        'connection.url': `jdbc:mysql://${MYSQL.host}:${MYSQL.port}/test`,
        'connection.user': MYSQL.user,
        'connection.password': MYSQL.password,
        mode: 'timestamp',
        'timestamp.column.name': 'ts',
        'table.whitelist': table,
        'topic.prefix': 'e2e-',
        'batch.max.rows': 100,
        'poll.interval.ms': 500,
      });
      reader = await TopicReader.start(kafka, topic);
      running = await WorkerProcess.start(worker.path, connectorFile);
      const producing = running;
      const admin = kafka.admin();
      await admin.connect();
      const highWatermark = async (): Promise<number> => Number((await admin.fetchTopicOffsets(topic))[0]?.high ?? 0);
      let atKill = 0;
      try {
        await waitFor(
          () => `20000 records on ${topic}; worker log:\n${producing.logTail()}`,
          async () => ((await highWatermark()) >= 20_000 ? true : undefined),
        );
        await running.kill();
        running = null;
        atKill = await highWatermark();
      } finally {
        await admin.disconnect();
      }
      assert.ok(
        atKill < ROWS,
        `the worker wrote ${atKill} records before the kill: too fast for this test, raise ROWS`,
      );
      const committed = committedOffset(worker.offsetFile, connector);
      const committedMs =
        typeof committed?.['timestamp'] === 'number' ? committed['timestamp'] : Number.NEGATIVE_INFINITY;

      const reading = reader;
      await waitFor(`the ${atKill} records written before the kill`, () =>
        reading.records.length >= atKill ? true : undefined,
      );
      const beforeKill = reader.records.slice(0, atKill);
      // The committed timestamp never passes a partially read group: every row at or before it was written.
      const tsOf = (r: Received): number => Number(r.value.payload['ts']);
      const base = Date.UTC(2024, 0, 1);
      const rowsUpToCommitted = Number.isFinite(committedMs)
        ? Math.min(ROWS, ((committedMs - base) / 1000 + 1) * GROUP)
        : 0;
      assert.equal(beforeKill.filter((r) => tsOf(r) <= committedMs).length, rowsUpToCommitted);

      running = await WorkerProcess.start(worker.path, connectorFile);
      const resumed = running;
      await waitFor(
        () => `every row on ${topic} after the restart; worker log:\n${resumed.logTail()}`,
        () => (missingIds(reading.records, ROWS).length === 0 ? true : undefined),
      );
      assert.equal(await running.stop(), 0);
      running = null;
      const counts = new Map<number, number>();
      for (const record of reader.records)
        counts.set(Number(record.value.payload['id']), (counts.get(Number(record.value.payload['id'])) ?? 0) + 1);
      const duplicates = reader.records.filter((r) => (counts.get(Number(r.value.payload['id'])) ?? 0) > 1);
      // Duplicates: only rows after the committed timestamp, each at most twice.
      assert.ok(
        duplicates.every((r) => tsOf(r) > committedMs && counts.get(Number(r.value.payload['id'])) === 2),
        `duplicates beyond the committed timestamp ${committedMs}`,
      );
      assert.ok(duplicates.length / 2 <= atKill - rowsUpToCommitted, `${duplicates.length / 2} rows written twice`);
      t.diagnostic(
        `killed after ${atKill} of ${ROWS} records; committed up to ${rowsUpToCommitted} rows (timestamp ${committedMs}); ${duplicates.length / 2} rows written twice`,
      );
    } finally {
      await running?.kill();
      await reader?.stop();
      await db.query(`DROP TABLE IF EXISTS ${myId(table)}`);
      await db.end();
    }
  });

  for (const dialect of ['mariadb', 'postgresql'] as const) {
    it(`keeps streaming when ${dialect} drops the worker's connections mid-read`, async (t) => {
      const ROWS = 200_000;
      const table = `t_${randomUUID().slice(0, 8)}`;
      const user = `u_${table}`;
      const password = randomUUID();
      const connector = `lost-${table}`;
      const topic = `e2e-${table}`;
      const database = await DatabaseUnderTest.open(dialect);
      const worker = workerFile(connector);
      let running: WorkerProcess | null = null;
      let reader: TopicReader | null = null;
      try {
        await database.createTable(table, ROWS, user, password);
        const connectorFile = writeProperties(join(dir, `${connector}.properties`), {
          name: connector,
          'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
          'tasks.max': 1,
          'connection.url': database.url,
          'connection.user': user,
          'connection.password': password,
          'connection.backoff.ms': 200,
          mode: 'incrementing',
          'incrementing.column.name': 'id',
          'table.whitelist': table,
          'topic.prefix': 'e2e-',
          'batch.max.rows': 500,
          'poll.interval.ms': 200,
        });
        reader = await TopicReader.start(kafka, topic);
        running = await WorkerProcess.start(worker.path, connectorFile);
        const streaming = running;
        const reading = reader;
        await waitFor(
          () => `20000 records on ${topic}; worker log:\n${streaming.logTail()}`,
          () => (reading.records.length >= 20_000 ? true : undefined),
        );
        const killed = await database.killConnectionsOf(user);
        assert.ok(killed > 0, `no connection of ${user} to kill`);
        const atKill = reading.records.length;
        assert.ok(atKill < ROWS, `the worker read all ${atKill} rows before the connections were killed: raise ROWS`);
        await waitFor(
          () =>
            `every row on ${topic} after the connections were killed (${atKill} records at the kill, ${reading.records.length} now, ${missingIds(reading.records, ROWS).length} rows missing); worker log:\n${streaming.logTail()}`,
          () => (missingIds(reading.records, ROWS).length === 0 ? true : undefined),
        );
        t.diagnostic(
          `killed ${killed} connection(s) after ${atKill} of ${ROWS} records; ${reading.records.length} records in the end`,
        );
        const states = await running.taskStates(connector);
        assert.deepEqual(
          states.map((t) => t.state),
          ['RUNNING'],
          `task states after the connections were killed: ${JSON.stringify(states)}`,
        );
        assert.equal(await running.stop(), 0);
        running = null;
      } finally {
        await running?.kill();
        await reader?.stop();
        await database.dropTable(table, user);
        await database.close();
      }
    });
  }
});

/** A MySQL identifier, quoted, embedded backquotes doubled. */
function myId(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** A PostgreSQL identifier, quoted, embedded double quotes doubled. */
function pgId(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `SELECT n` for n in 0 .. 10^digits − 1, portable MySQL/MariaDB SQL (no sequence engine, no recursion limit). */
function digitsSql(digits: number): string {
  const d =
    'SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9';
  const parts = Array.from({ length: digits }, (_, i) => `d${i}.d * ${10 ** i}`);
  const from = Array.from({ length: digits }, (_, i) => `(${d}) d${i}`);
  return `SELECT ${parts.join(' + ')} AS n FROM ${from.join(' CROSS JOIN ')}`;
}

/** The database side of the connection-loss test: a table read by a user of its own, whose connections can be killed. */
class DatabaseUnderTest {
  readonly #mysql: mysql.Connection | null;
  readonly #pg: pg.Client | null;
  readonly url: string;

  private constructor(my: mysql.Connection | null, client: pg.Client | null, url: string) {
    this.#mysql = my;
    this.#pg = client;
    this.url = url;
  }

  static async open(dialect: 'mariadb' | 'postgresql'): Promise<DatabaseUnderTest> {
    if (dialect === 'mariadb')
      return new DatabaseUnderTest(await mariadb('test'), null, `jdbc:mysql://${MYSQL.host}:${MYSQL.port}/test`);
    return new DatabaseUnderTest(
      null,
      await postgres('test'),
      `jdbc:postgresql://${POSTGRES.host}:${POSTGRES.port}/test`,
    );
  }

  async createTable(table: string, rows: number, user: string, password: string): Promise<void> {
    if (this.#mysql !== null) {
      const my = this.#mysql;
      await my.query(`CREATE TABLE ${myId(table)} (id BIGINT PRIMARY KEY, v VARCHAR(64) NOT NULL, n INT NOT NULL)`);
      await my.query(
        `INSERT INTO ${myId(table)} (id, v, n) SELECT n, CONCAT('value-', n), n % 1000 FROM (${digitsSql(6)}) s WHERE n < ?`,
        [rows],
      );
      // mysql2's query() escapes the ? values client-side (CREATE USER/GRANT take no server-side parameters).
      await my.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
      await my.query(`GRANT SELECT ON \`test\`.${myId(table)} TO ?@'%'`, [user]);
      return;
    }
    const client = this.#pg as pg.Client;
    await client.query(`CREATE TABLE ${pgId(table)} (id BIGINT PRIMARY KEY, v VARCHAR(64) NOT NULL, n INT NOT NULL)`);
    await client.query(
      `INSERT INTO ${pgId(table)} SELECT g, 'value-' || g, g % 1000 FROM generate_series(0, $1::int - 1) g`,
      [rows],
    );
    // CREATE ROLE takes no parameters: the password goes in as an escaped literal.
    await client.query(`CREATE ROLE ${pgId(user)} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
    await client.query(`GRANT SELECT ON ${pgId(table)} TO ${pgId(user)}`);
  }

  /** Kills every connection of `user`; returns how many. */
  async killConnectionsOf(user: string): Promise<number> {
    if (this.#mysql !== null) {
      const [rows] = await this.#mysql.query<mysql.RowDataPacket[]>(
        'SELECT id FROM information_schema.processlist WHERE user = ?',
        [user],
      );
      for (const row of rows) await this.#mysql.query(`KILL ${Number(row['id'])}`).catch(() => {});
      return rows.length;
    }
    const client = this.#pg as pg.Client;
    const result = await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [
      user,
    ]);
    return result.rowCount ?? 0;
  }

  async dropTable(table: string, user: string): Promise<void> {
    if (this.#mysql !== null) {
      await this.#mysql.query(`DROP TABLE IF EXISTS ${myId(table)}`);
      await this.#mysql.query(`DROP USER IF EXISTS ?@'%'`, [user]);
      return;
    }
    const client = this.#pg as pg.Client;
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [user]);
    await client.query(`DROP TABLE IF EXISTS ${pgId(table)}`);
    await client.query(`DROP ROLE IF EXISTS ${pgId(user)}`);
  }

  async close(): Promise<void> {
    await this.#mysql?.end();
    await this.#pg?.end();
  }
}
