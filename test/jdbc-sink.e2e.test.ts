// The JDBC sink end to end, as users run it: `tributary connect-standalone` as a child
// process, against the local MariaDB/PostgreSQL, DuckDB files and an embedded broker started
// here.
// - The Databend guide's scenario, database → Kafka → warehouse, into PostgreSQL and into
//   DuckDB: the JDBC source reads MariaDB's test_kafka (../shared/compat/mysql-*.properties)
//   and the sink writes it with ../shared/compat/databend-sink.properties (only its
//   connection keys changed). Incrementing inserts auto-create the table, the added `tms`
//   column auto-evolves it, the update of id 20 changes the row, not a second one. Each run
//   gets a database of its own (MariaDB and PostgreSQL) or a file (DuckDB), so that the
//   guide's names (test_kafka) are kept without touching anything another test uses; the
//   source files' `table.whitelist` names that database instead of `mydb`.
// - kill -9 of the worker after the rows are in the database but before the sink's offsets
//   are committed; the restarted worker consumes the records again and the table ends equal
//   to the expected state (upserts are idempotent).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { type Admin, Kafka, logLevel } from 'kafkajs';
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

// ---- DuckDB -----------------------------------------------------------------------------

interface DuckReader {
  getRowObjectsJS(): Record<string, unknown>[];
}
interface DuckConnection {
  runAndReadAll(sql: string): Promise<DuckReader>;
  closeSync(): void;
}
interface DuckInstance {
  connect(): Promise<DuckConnection>;
  closeSync(): void;
}

/** DuckDB's driver, from the CLI's @tributary/jdbc (this package has no direct dependency on it). */
function duckdbDriver(): { DuckDBInstance: { create(path: string): Promise<DuckInstance> } } {
  const cliDir = dirname(dirname(fileURLToPath(import.meta.resolve('@tributary/cli'))));
  const jdbcDir = realpathSync(join(cliDir, 'node_modules', '@tributary', 'jdbc'));
  return createRequire(join(jdbcDir, 'package.json'))('@duckdb/node-api') as {
    DuckDBInstance: { create(path: string): Promise<DuckInstance> };
  };
}

/** Rows of one query on a DuckDB file that no other process holds open. */
async function duckdbRows(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await duckdbDriver().DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// ---- Kafka ------------------------------------------------------------------------------

/** Records in `topic` (its end offsets added up) and what the sink's group has committed of it. */
async function sinkProgress(
  admin: Admin,
  topic: string,
  connector: string,
): Promise<{ end: number; committed: number }> {
  const ends = await admin.fetchTopicOffsets(topic).catch(() => []);
  const end = ends.reduce((sum, p) => sum + Number(p.high), 0);
  const [offsets] = await admin.fetchOffsets({ groupId: `connect-${connector}`, topics: [topic] });
  const committed = (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  return { end, committed };
}

/**
 * Waits until `topic` holds at least `records` records and the sink `connector` has committed
 * all of them (a sink commits offsets only after its rows are in the database).
 */
async function waitForSink(
  admin: Admin,
  topic: string,
  connector: string,
  records: number,
  worker: WorkerProcess,
): Promise<void> {
  let last = { end: 0, committed: 0 };
  await waitFor(
    () =>
      `the sink ${connector} to commit ${records} records of ${topic} (end ${last.end}, committed ${last.committed}); worker log:\n${worker.logTail()}`,
    async () => {
      await worker.assertRunning(connector);
      last = await sinkProgress(admin, topic, connector);
      return last.end >= records && last.committed === last.end ? true : undefined;
    },
  );
}

// ---- files ------------------------------------------------------------------------------

/**
 * A copy of a compat file with the lines of `changes` replaced (key → new value) and the
 * keys of `added` appended; asserts that every key to change is in the file, and leaves
 * every other line as in the original.
 */
function adjustedCompatFile(
  name: string,
  dir: string,
  changes: Readonly<Record<string, string>>,
  added: Readonly<Record<string, string>> = {},
): string {
  const original = readFileSync(join(compatDir, name), 'utf8').split('\n');
  const adjusted = original.map((line) => {
    const key = line.slice(0, line.indexOf('='));
    return !line.startsWith('#') && key in changes ? `${key}=${changes[key]}` : line;
  });
  const changed = original
    .filter((line) => !line.startsWith('#') && line.includes('='))
    .map((line) => line.slice(0, line.indexOf('=')))
    .filter((key) => key in changes);
  assert.deepEqual(changed.sort(), Object.keys(changes).sort(), `${name}: a key to change is missing from the file`);
  const path = join(dir, `${randomUUID().slice(0, 8)}-${name}`);
  const extra = Object.entries(added).map(([key, value]) => `${key}=${value}`);
  writeFileSync(path, [...adjusted, ...extra, ''].join('\n'));
  return path;
}

function workerFile(dir: string, bootstrap: string, offsetFlushMs: number): string {
  return workerProperties(dir, randomUUID().slice(0, 8), bootstrap, offsetFlushMs).path;
}

// ---- the warehouse under test -----------------------------------------------------------

interface WarehouseRow {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  /** Epoch milliseconds, or null (no column yet, or no value). */
  readonly tms: number | null;
}

/** Where the sink writes: a database of its own in PostgreSQL, or a DuckDB file. */
interface Warehouse {
  readonly kind: 'postgresql' | 'duckdb';
  /** The sink's `connection.url`. */
  readonly url: string;
  columns(table: string): Promise<string[]>;
  rows(table: string): Promise<WarehouseRow[]>;
  drop(): Promise<void>;
}

async function postgresWarehouse(): Promise<Warehouse> {
  const database = `e2e_sink_${randomUUID().slice(0, 8)}`;
  const admin = await postgres('postgres');
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const query = async (sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> => {
    const client = await postgres(database);
    try {
      return (await client.query(sql, values)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
  const columns = async (table: string): Promise<string[]> => {
    const rows = await query(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
      [table],
    );
    return rows.map((r) => String(r['column_name']));
  };
  return {
    kind: 'postgresql',
    url: `jdbc:postgresql://${POSTGRES.host}:${POSTGRES.port}/${database}`,
    columns,
    async rows(table) {
      const tms = (await columns(table)).includes('tms') ? `(extract(epoch FROM "tms") * 1000)::bigint` : 'NULL';
      const rows = await query(`SELECT "id", "name", "description", ${tms} AS tms FROM "${table}" ORDER BY "id"`);
      return rows.map(warehouseRow);
    },
    async drop() {
      const client = await postgres('postgres');
      try {
        await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

function duckdbWarehouse(dir: string): Warehouse {
  const file = join(dir, `warehouse-${randomUUID().slice(0, 8)}.duckdb`);
  const columns = async (table: string): Promise<string[]> => {
    const rows = await duckdbRows(
      file,
      `SELECT column_name FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`,
    );
    return rows.map((r) => String(r['column_name']));
  };
  return {
    kind: 'duckdb',
    url: `jdbc:duckdb:${file}`,
    columns,
    async rows(table) {
      const tms = (await columns(table)).includes('tms') ? 'epoch_ms("tms")' : 'NULL';
      const rows = await duckdbRows(
        file,
        `SELECT "id", "name", "description", ${tms} AS tms FROM "${table}" ORDER BY "id"`,
      );
      return rows.map(warehouseRow);
    },
    async drop() {
      rmSync(file, { force: true });
      rmSync(`${file}.wal`, { force: true });
    },
  };
}

function warehouseRow(r: Record<string, unknown>): WarehouseRow {
  return {
    id: Number(r['id']),
    name: String(r['name']),
    description: r['description'] === null ? null : String(r['description']),
    tms: r['tms'] === null || r['tms'] === undefined ? null : Number(r['tms']),
  };
}

// ---- the tests --------------------------------------------------------------------------

describe('JDBC sink through tributary connect-standalone (MariaDB → Kafka → PostgreSQL / DuckDB)', () => {
  // tms as issue 4's proof adds it (NOT NULL: a required field without a default in the
  // records), and nullable (an optional field; the source then needs validate.non.null=false,
  // as Confluent's does).
  for (const [kind, tmsNull] of [
    ['postgresql', 'NOT NULL'],
    ['duckdb', 'NOT NULL'],
    ['postgresql', 'NULL'],
    ['duckdb', 'NULL'],
  ] as const) {
    it(`follows the Databend guide into ${kind}: auto.create, auto.evolve of a ${tmsNull} tms, the update of id 20 in place`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'jdbc-sink-e2e-'));
      const sourceDb = `e2e_src_${randomUUID().slice(0, 8)}`;
      const broker: RunningBroker = await startBroker({ port: 0 });
      const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      const root = await mariadb();
      const warehouse = kind === 'postgresql' ? await postgresWarehouse() : duckdbWarehouse(dir);
      let db: mysql.Connection | null = null;
      let running: WorkerProcess | null = null;
      try {
        await root.query(`CREATE DATABASE \`${sourceDb}\``);
        db = await mariadb(sourceDb);
        await createGuideTable(db);
        const worker = workerFile(dir, broker.bootstrap, 200);
        const sourceChanges = {
          'connection.url': `jdbc:mysql://${MYSQL.host}:${MYSQL.port}/${sourceDb}?useSSL=false`,
          'connection.password': MYSQL.password,
          'table.whitelist': `${sourceDb}.test_kafka`,
        };
        const sinkFile = adjustedCompatFile('databend-sink.properties', dir, {
          'connection.url': warehouse.url,
          ...(kind === 'duckdb' ? { 'connection.user': '', 'connection.password': '' } : {}),
        });

        // 1. incrementing: ids 10..19 arrive, the sink creates test_kafka from their schema.
        running = await WorkerProcess.start(
          worker,
          adjustedCompatFile('mysql-incrementing.properties', dir, sourceChanges),
          sinkFile,
        );
        await waitForSink(admin, 'test_kafka', 'databend', 10, running);
        assert.equal(await running.stop(), 0);
        running = null;
        assert.deepEqual(await warehouse.columns('test_kafka'), ['id', 'name', 'description']);
        const created = await warehouse.rows('test_kafka');
        assert.deepEqual(
          created,
          Array.from({ length: 10 }, (_, i) => ({
            id: 10 + i,
            name: `name-${i + 1}`,
            description: i === 4 ? null : `description ${i + 1}`,
            tms: null,
          })),
        );

        // 2. the guide adds tms and switches the source to timestamp+incrementing: the ten
        // rows come again with tms, and the sink adds the column.
        await db.query(
          `ALTER TABLE test_kafka ADD COLUMN tms TIMESTAMP ${tmsNull} DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP`,
        );
        running = await WorkerProcess.start(
          worker,
          adjustedCompatFile(
            'mysql-timestamp-incrementing.properties',
            dir,
            sourceChanges,
            tmsNull === 'NULL' ? { 'validate.non.null': 'false' } : {},
          ),
          sinkFile,
        );
        await waitForSink(admin, 'test_kafka', 'databend', 20, running);
        await db.execute('INSERT INTO test_kafka (id, name, description) VALUES (20, ?, ?)', ['name-20', 'inserted']);
        await waitForSink(admin, 'test_kafka', 'databend', 21, running);
        // TIMESTAMP has second precision: update in a later second so that tms moves forward.
        const database = db;
        await waitFor('the database clock to pass the insert second', async () => {
          const [rows] = await database.query<mysql.RowDataPacket[]>(
            'SELECT NOW() > tms AS later FROM test_kafka WHERE id = 20',
          );
          return Number(rows[0]?.['later']) === 1 ? true : undefined;
        });
        await db.execute('UPDATE test_kafka SET description = ? WHERE id = 20', ['updated']);
        await waitForSink(admin, 'test_kafka', 'databend', 22, running);
        const states = await running.taskStates('databend');
        assert.deepEqual(
          states.map((s) => s.state),
          ['RUNNING'],
          `sink task states: ${JSON.stringify(states)}`,
        );
        const log = running.logTail(3000);
        assert.equal(await running.stop(), 0);
        running = null;

        assert.deepEqual(
          await warehouse.columns('test_kafka'),
          ['id', 'name', 'description', 'tms'],
          `the sink did not add tms; worker log:\n${log}`,
        );
        const [expected] = await db.query<mysql.RowDataPacket[]>(
          'SELECT id, name, description, UNIX_TIMESTAMP(tms) * 1000 AS tms FROM test_kafka ORDER BY id',
        );
        const evolved = await warehouse.rows('test_kafka');
        assert.deepEqual(
          evolved,
          expected.map((r) => warehouseRow(r)),
        );
        assert.equal(evolved.length, 11, 'ids 10..20, one row each');
        assert.equal(evolved.filter((r) => r.id === 20).length, 1);
        assert.equal(evolved.find((r) => r.id === 20)?.description, 'updated');
        assert.ok(evolved.every((r) => r.tms !== null));
        t.diagnostic(`${kind}: ${evolved.length} rows, columns ${(await warehouse.columns('test_kafka')).join(', ')}`);
      } finally {
        await running?.kill();
        await db?.end();
        await root.query(`DROP DATABASE IF EXISTS \`${sourceDb}\``);
        await root.end();
        await warehouse.drop();
        await admin.disconnect();
        await broker.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  for (const kind of ['postgresql', 'mariadb'] as const) {
    it(`kill -9 between the ${kind} commit and the offset commit: after a restart the table equals the expected state`, async (t) => {
      const RECORDS = 5000;
      const IDS = 2000;
      const dir = mkdtempSync(join(tmpdir(), 'jdbc-sink-e2e-'));
      const suffix = randomUUID().slice(0, 8);
      const table = `e2e_sink_kill_${suffix}`;
      const topic = `e2e-sink-kill-${suffix}`;
      const connector = `e2e-sink-kill-${suffix}`;
      const broker = await startBroker({ port: 0 });
      const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      const target = await KillTarget.open(kind, table);
      let running: WorkerProcess | null = null;
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
        const expected = new Map<number, { name: string; qty: number | null }>();
        const producer = kafka.producer();
        await producer.connect();
        // Record n upserts id n % IDS: every id is written two or three times, the last one wins.
        const produce = async (from: number, to: number): Promise<void> => {
          const messages = [];
          for (let n = from; n < to; n++) {
            const id = n % IDS;
            const value = { id, name: `v${n}`, qty: n % 7 === 0 ? null : n };
            expected.set(id, { name: value.name, qty: value.qty });
            messages.push({
              key: JSON.stringify({ schema: { type: 'int32', optional: false }, payload: id }),
              value: JSON.stringify({ schema: VALUE_SCHEMA, payload: value }),
            });
          }
          await producer.send({ topic, messages });
        };
        await produce(0, RECORDS / 2);

        const connectorFile = writeProperties(join(dir, `${connector}.properties`), {
          name: connector,
          'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
          'tasks.max': 1,
          topics: topic,
          'connection.url': target.url,
          'connection.user': kind === 'postgresql' ? POSTGRES.user : MYSQL.user,
          'insert.mode': 'upsert',
          'pk.mode': 'record_value',
          'pk.fields': 'id',
          'table.name.format': table,
          'auto.create': 'true',
          'batch.size': 100,
        });
        // Offsets are committed every 10 minutes: none before the kill.
        running = await WorkerProcess.start(workerFile(dir, broker.bootstrap, 600_000), connectorFile);
        const first = running;
        const half = new Map(expected);
        await waitFor(
          () => `the first ${RECORDS / 2} records in ${table}; worker log:\n${first.logTail()}`,
          async () => {
            await first.assertRunning(connector);
            return (await target.isEqualTo(half)) ? true : undefined;
          },
        );
        const atKill = await sinkProgress(admin, topic, connector);
        await running.kill();
        running = null;
        assert.equal(atKill.committed, 0, 'the rows are in the database and no offset is committed yet');

        await produce(RECORDS / 2, RECORDS);
        await producer.disconnect();
        running = await WorkerProcess.start(workerFile(dir, broker.bootstrap, 200), connectorFile);
        await waitForSink(admin, topic, connector, RECORDS, running);
        assert.equal(await running.stop(), 0);
        running = null;
        const rows = await target.rows();
        assert.equal(rows.length, IDS, 'one row per id');
        assert.deepEqual(
          rows,
          [...expected.entries()].sort(([a], [b]) => a - b).map(([id, v]) => ({ id, ...v })),
        );
        t.diagnostic(`killed with ${atKill.end} records in the topic, ${half.size} rows written, 0 offsets committed`);
      } finally {
        await running?.kill();
        await target.close();
        await admin.disconnect();
        await broker.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

const VALUE_SCHEMA = {
  type: 'struct',
  name: 'e2e_kill',
  optional: false,
  fields: [
    { field: 'id', type: 'int32', optional: false },
    { field: 'name', type: 'string', optional: false },
    { field: 'qty', type: 'int64', optional: true },
  ],
};

/** The kill test's table in MariaDB or PostgreSQL (database test), read while the worker runs. */
class KillTarget {
  readonly #my: mysql.Connection | null;
  readonly #pg: pg.Client | null;
  readonly #table: string;
  readonly url: string;

  private constructor(my: mysql.Connection | null, client: pg.Client | null, table: string, url: string) {
    this.#my = my;
    this.#pg = client;
    this.#table = table;
    this.url = url;
  }

  static async open(kind: 'postgresql' | 'mariadb', table: string): Promise<KillTarget> {
    if (kind === 'mariadb')
      return new KillTarget(await mariadb('test'), null, table, `jdbc:mysql://${MYSQL.host}:${MYSQL.port}/test`);
    return new KillTarget(
      null,
      await postgres('test'),
      table,
      `jdbc:postgresql://${POSTGRES.host}:${POSTGRES.port}/test`,
    );
  }

  /** Every row, by id; [] while the table does not exist. */
  async rows(): Promise<{ id: number; name: string; qty: number | null }[]> {
    let raw: Record<string, unknown>[];
    try {
      if (this.#my !== null) {
        const [rows] = await this.#my.query<mysql.RowDataPacket[]>(
          `SELECT id, name, qty FROM \`${this.#table}\` ORDER BY id`,
        );
        raw = rows;
      } else {
        raw = (await (this.#pg as pg.Client).query(`SELECT id, name, qty FROM "${this.#table}" ORDER BY id`)).rows;
      }
    } catch (err) {
      if (/doesn't exist|does not exist/.test((err as Error).message)) return [];
      throw err;
    }
    return raw.map((r) => ({
      id: Number(r['id']),
      name: String(r['name']),
      qty: r['qty'] === null ? null : Number(r['qty']),
    }));
  }

  async isEqualTo(expected: ReadonlyMap<number, { name: string; qty: number | null }>): Promise<boolean> {
    const rows = await this.rows();
    return (
      rows.length === expected.size &&
      rows.every((r) => {
        const e = expected.get(r.id);
        return e !== undefined && e.name === r.name && e.qty === r.qty;
      })
    );
  }

  async close(): Promise<void> {
    if (this.#my !== null) {
      await this.#my.query(`DROP TABLE IF EXISTS \`${this.#table}\``);
      await this.#my.end();
    }
    if (this.#pg !== null) {
      await this.#pg.query(`DROP TABLE IF EXISTS "${this.#table}"`);
      await this.#pg.end();
    }
  }
}
