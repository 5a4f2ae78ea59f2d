import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, ConnectError, NotFoundError } from '@tributary/api';
import { duckdbDialect, openDatabase, parseConnectionUrl } from '../../src/index.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { instant, roundTrip, type TypeCase, timeOfDay, utcDate } from '../helpers/round-trip.js';

describe('DuckDB connection URLs', () => {
  test('jdbc:duckdb: and duckdb: name a file or :memory:', () => {
    const file = parseConnectionUrl('jdbc:duckdb:/data/shop.duckdb');
    assert.equal(file.dialect, 'duckdb');
    assert.equal(file.filename, '/data/shop.duckdb');
    assert.equal(file.host, null);
    assert.equal(file.address, '/data/shop.duckdb');
    assert.equal(file.toString(), 'duckdb:/data/shop.duckdb');
    assert.equal(parseConnectionUrl('jdbc:duckdb::memory:').filename, ':memory:');
    assert.equal(parseConnectionUrl('jdbc:duckdb:').filename, ':memory:');
    assert.equal(parseConnectionUrl('duckdb:/tmp/x.duckdb').filename, '/tmp/x.duckdb');
  });

  test('a missing file is a ConfigError unless creating is allowed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-duckdb-'));
    try {
      const spec = parseConnectionUrl(`jdbc:duckdb:${join(dir, 'missing.duckdb')}`);
      await assert.rejects(openDatabase(spec, { attempts: 1 }), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /missing\.duckdb does not exist/);
        return true;
      });
      const db = await openDatabase(spec, { attempts: 1, createIfMissing: true });
      assert.equal(db.knex, null);
      await db.close();
      await db.close();
      await assert.rejects(db.query('SELECT 1'), ConnectError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDB databases on one file', () => {
  test("share one instance: each sees the other's writes, and closing one keeps the other open", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-duckdb-'));
    try {
      const spec = parseConnectionUrl(`jdbc:duckdb:${join(dir, 'shared.duckdb')}`);
      const a = await openDatabase(spec, { createIfMissing: true });
      const b = await openDatabase(parseConnectionUrl(`duckdb:${dir}/./shared.duckdb`));
      await a.query('CREATE TABLE t (i INTEGER)');
      await a.query('INSERT INTO t VALUES (1)');
      assert.deepEqual((await b.query('SELECT count(*) FROM t')).rows, [[1n]]);
      await a.close();
      await b.query('INSERT INTO t VALUES (2)');
      await b.close();
      const c = await openDatabase(spec);
      assert.deepEqual((await c.query('SELECT sum(i) FROM t')).rows, [[3n]]);
      await c.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('duckdbDialect quoting (no database)', () => {
  test('identifiers use double quotes, tables every non-null part, placeholders $n', () => {
    assert.equal(duckdbDialect.quoteIdentifier('a"b'), '"a""b"');
    assert.equal(duckdbDialect.quoteTable({ catalog: 'db', schema: 'main', table: 'x"y' }), '"db"."main"."x""y"');
    assert.equal(duckdbDialect.tableIdString({ catalog: 'db', schema: 'main', table: 'orders' }), 'main.orders');
    assert.equal(duckdbDialect.placeholder(3), '$3');
  });
});

describe('duckdbDialect on a DuckDB file', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('duckdb');
  });
  after(async () => {
    await t?.close();
  });

  test('currentTime is the database clock, close to ours', async () => {
    const now = await t.db.dialect.currentTime(t.db);
    assert.ok(Math.abs(now.getTime() - Date.now()) < 60_000, `DuckDB says ${now.toISOString()}`);
  });

  test('listTables, describeTable and primaryKey', async () => {
    const { db } = t;
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    const table = `${t.table('lt')}"x`;
    await db.query(
      `CREATE TABLE ${q(table)} (id INTEGER NOT NULL, name VARCHAR NOT NULL, price DECIMAL(10,2), "at" TIMESTAMP, PRIMARY KEY (name, id))`,
    );
    await db.query(`CREATE VIEW ${q(`${table}_v`)} AS SELECT id FROM ${q(table)}`);
    const tables = await db.dialect.listTables(db);
    const mine = tables.find((x) => x.table === table);
    assert.deepEqual(mine, { catalog: 'test', schema: 'main', table });
    assert.ok(!tables.some((x) => x.table === `${table}_v`));
    assert.ok((await db.dialect.listTables(db, { tableTypes: ['VIEW'] })).some((x) => x.table === `${table}_v`));
    assert.deepEqual(await db.dialect.listTables(db, { schemaPattern: 'other%' }), []);
    for (const id of [{ catalog: null, schema: null, table }, mine ?? { catalog: null, schema: null, table }]) {
      assert.deepEqual(
        (await db.dialect.describeTable(db, id)).map((c) => [
          c.name,
          c.typeName,
          c.precision,
          c.scale,
          c.isNullable,
          c.primaryKeyPosition,
        ]),
        [
          ['id', 'integer', null, null, false, 2],
          ['name', 'varchar', null, null, false, 1],
          ['price', 'decimal', 10, 2, true, null],
          ['at', 'timestamp', null, null, true, null],
        ],
      );
      assert.deepEqual(await db.dialect.primaryKey(db, id), ['name', 'id']);
    }
    await db.query(`DROP VIEW ${q(`${table}_v`)}`);
    await assert.rejects(
      db.dialect.describeTable(db, { catalog: null, schema: null, table: `${table}_none` }),
      NotFoundError,
    );
  });

  test('stream reads in bounded batches and stops early', async () => {
    const { db } = t;
    const sizes: number[] = [];
    for await (const batch of db.stream('SELECT range AS n FROM range(5000)', [], { batchSize: 1000 })) {
      sizes.push(batch.rows.length);
      assert.equal(batch.columns[0]?.typeName, 'bigint');
    }
    assert.deepEqual(sizes, [1000, 1000, 1000, 1000, 1000]);
    let seen = 0;
    for await (const batch of db.stream('SELECT range FROM range(100000)', [], { batchSize: 10 })) {
      seen += batch.rows.length;
      break;
    }
    assert.equal(seen, 10);
    const controller = new AbortController();
    const reason = new Error('stop');
    await assert.rejects(async () => {
      for await (const _ of db.stream('SELECT range FROM range(100000)', [], {
        batchSize: 10,
        signal: controller.signal,
      }))
        controller.abort(reason);
    }, /stop/);
    assert.deepEqual((await db.query('SELECT $1::INTEGER + 1', [41])).rows, [[42]]);
  });

  test('a bad statement is a ConnectError naming the database', async () => {
    await assert.rejects(t.db.query('SELECT * FROM no_such_table_here'), (e: unknown) => {
      assert.ok(e instanceof ConnectError);
      assert.match(e.message, /^duckdb at .*test\.duckdb: .*no_such_table_here/s);
      return true;
    });
  });

  test('types map to Connect and read back exactly', async () => {
    const cases: TypeCase[] = [
      { column: 'i8', ddl: 'TINYINT', values: [-128, null], expected: [-128, null], connectType: 'int8' },
      { column: 'i16', ddl: 'SMALLINT', values: [32767, null], expected: [32767, null], connectType: 'int16' },
      { column: 'i32', ddl: 'INTEGER', values: [-2147483648, 1], expected: [-2147483648, 1], connectType: 'int32' },
      {
        column: 'i64',
        ddl: 'BIGINT',
        values: [9223372036854775807n, -1n],
        expected: [9223372036854775807n, -1n],
        connectType: 'int64',
      },
      { column: 'u32', ddl: 'UINTEGER', values: [4294967295n, 0], expected: [4294967295n, 0n], connectType: 'int64' },
      { column: 'f32', ddl: 'REAL', values: [1.5, null], expected: [1.5, null], connectType: 'float32' },
      { column: 'f64', ddl: 'DOUBLE', values: [0.1, -2], expected: [0.1, -2], connectType: 'float64' },
      {
        column: 'dec',
        ddl: 'DECIMAL(20,4)',
        values: ['1234567890123456.7891', '-0.5'],
        expected: ['1234567890123456.7891', '-0.5000'],
        connectType: 'Decimal',
        decimal: [4, 20],
      },
      { column: 'b', ddl: 'BOOLEAN', values: [true, false], expected: [true, false], connectType: 'boolean' },
      { column: 's', ddl: 'VARCHAR', values: ['héllo', ''], expected: ['héllo', ''], connectType: 'string' },
      {
        column: 'bin',
        ddl: 'BLOB',
        values: [Buffer.from([0, 255, 1]), null],
        expected: [Buffer.from([0, 255, 1]), null],
        connectType: 'bytes',
      },
      {
        column: 'd',
        ddl: 'DATE',
        values: ['2024-02-29', '1969-12-31'],
        expected: [utcDate('2024-02-29'), utcDate('1969-12-31')],
        connectType: 'Date',
      },
      {
        column: 't',
        ddl: 'TIME',
        values: ['23:59:59.999', '00:00:00'],
        expected: [timeOfDay('23:59:59.999'), timeOfDay('00:00:00')],
        connectType: 'Time',
      },
      {
        column: 'ts',
        ddl: 'TIMESTAMP',
        values: ['2024-01-02 03:04:05.123456', null],
        // Zone-less: wall clock in db.timezone (Asia/Kolkata, +05:30).
        expected: [new Date('2024-01-01T21:34:05.123Z'), null],
        connectType: 'Timestamp',
        instants: [instant('2024-01-01T21:34:05.123Z', 123_456_000), null],
      },
      {
        column: 'tstz',
        ddl: 'TIMESTAMPTZ',
        values: ['2024-01-02 03:04:05.5+02', null],
        expected: [new Date('2024-01-02T01:04:05.500Z'), null],
        connectType: 'Timestamp',
      },
      {
        column: 'u',
        ddl: 'UUID',
        values: ['00000000-0000-0000-0000-000000000001', null],
        expected: ['00000000-0000-0000-0000-000000000001', null],
        connectType: 'string',
      },
      { column: 'l', ddl: 'INTEGER[]', values: [null, null], expected: [null, null], connectType: 'unsupported' },
    ];
    await roundTrip(t.db, t.table('types'), cases, { numericMapping: 'none', dbTimezone: 'Asia/Kolkata' });
  });

  test('timestampParameter binds wall clock for TIMESTAMP and UTC for TIMESTAMPTZ', async () => {
    const { db } = t;
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    const table = t.table('tp');
    await db.query(`CREATE TABLE ${q(table)} (ts TIMESTAMP, tz TIMESTAMPTZ)`);
    await db.query(`INSERT INTO ${q(table)} VALUES ('2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+00')`);
    const columns = await db.dialect.describeTable(db, { catalog: null, schema: null, table });
    const value = instant('2024-01-02T03:04:05.123Z', 123_456_000);
    const ts = db.dialect.timestampParameter(value, columns[0] ?? null, 'UTC');
    const tz = db.dialect.timestampParameter(value, columns[1] ?? null, 'UTC');
    assert.equal(ts, '2024-01-02 03:04:05.123456');
    assert.equal(tz, '2024-01-02 03:04:05.123456+00');
    const { rows } = await db.query(`SELECT count(*) FROM ${q(table)} WHERE ts = $1 AND tz = $2`, [ts, tz]);
    assert.deepEqual(rows, [[1n]]);
  });
});
