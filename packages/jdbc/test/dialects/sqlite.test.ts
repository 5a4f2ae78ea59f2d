import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NotFoundError } from '@tributary/api';
import { sqliteDialect } from '../../src/index.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { instant, roundTrip, type TypeCase, timeOfDay, utcDate } from '../helpers/round-trip.js';

describe('sqliteDialect quoting (no database)', () => {
  test('identifiers use double quotes with embedded quotes doubled', () => {
    assert.equal(sqliteDialect.quoteIdentifier('a"b'), '"a""b"');
    assert.equal(
      sqliteDialect.quoteTable({ catalog: null, schema: null, table: 'x"; DROP TABLE y; --' }),
      '"x""; DROP TABLE y; --"',
    );
  });

  test('the partition table string is the table name, and placeholders are ?', () => {
    assert.equal(sqliteDialect.tableIdString({ catalog: null, schema: null, table: 'orders' }), 'orders');
    assert.equal(sqliteDialect.placeholder(2), '?');
  });
});

describe('sqliteDialect on a SQLite file', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('sqlite');
  });
  after(async () => {
    await t?.close();
  });

  test('listTables, describeTable and primaryKey', async () => {
    const { db } = t;
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    const table = `${t.table('lt')}"x`;
    await db.query(
      `CREATE TABLE ${q(table)} (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, price DECIMAL(10,2), note)`,
    );
    await db.query(`CREATE TABLE ${q(`${table}_pk2`)} (a TEXT NOT NULL, b INT NOT NULL, PRIMARY KEY (b, a))`);
    await db.query(`CREATE VIEW ${q(`${table}_v`)} AS SELECT id FROM ${q(table)}`);
    const tables = (await db.dialect.listTables(db)).map((x) => x.table);
    assert.ok(tables.includes(table) && tables.includes(`${table}_pk2`));
    assert.ok(!tables.includes(`${table}_v`));
    assert.ok((await db.dialect.listTables(db, { tableTypes: ['VIEW'] })).some((x) => x.table === `${table}_v`));
    assert.deepEqual(await db.dialect.listTables(db, { schemaPattern: 'public' }), []);
    const id = { catalog: null, schema: null, table };
    assert.deepEqual(
      (await db.dialect.describeTable(db, id)).map((c) => [
        c.name,
        c.typeName,
        c.precision,
        c.scale,
        c.isNullable,
        c.isAutoIncrement,
        c.primaryKeyPosition,
      ]),
      [
        ['id', 'integer', null, null, false, true, 1],
        ['name', 'varchar', 20, null, false, false, null],
        ['price', 'decimal', 10, 2, true, false, null],
        ['note', '', null, null, true, false, null],
      ],
    );
    assert.deepEqual(await db.dialect.primaryKey(db, { catalog: null, schema: null, table: `${table}_pk2` }), [
      'b',
      'a',
    ]);
    await assert.rejects(
      db.dialect.describeTable(db, { catalog: null, schema: null, table: 'missing' }),
      NotFoundError,
    );
    await db.query(`DROP VIEW ${q(`${table}_v`)}`);
    await db.query(`DROP TABLE ${q(`${table}_pk2`)}`);
  });

  test('currentTime is the database clock (UTC), close to ours', async () => {
    const { db } = t;
    const now = await db.dialect.currentTime(db);
    assert.ok(Math.abs(now.getTime() - Date.now()) < 5_000, `database time ${now.toISOString()}`);
  });

  test('timestampParameter writes the stored text form in db.timezone', async () => {
    const { db } = t;
    const table = t.table('tp');
    await db.query(`CREATE TABLE ${db.dialect.quoteIdentifier(table)} (ts DATETIME)`);
    await db.query(`INSERT INTO ${db.dialect.quoteIdentifier(table)} VALUES ('2024-07-01 12:34:56.789')`);
    const value = db.dialect.timestampParameter(
      { epochMs: Date.parse('2024-07-01T07:04:56.789Z'), nanos: 789_000_000 },
      null,
      'Asia/Kolkata',
    );
    assert.equal(value, '2024-07-01 12:34:56.789');
    const { rows } = await db.query(`SELECT COUNT(*) FROM ${db.dialect.quoteIdentifier(table)} WHERE ts = ?`, [value]);
    assert.equal(rows[0]?.[0], 1n);
  });

  test('type round trip: every supported type, edge values and NULLs, db.timezone Asia/Kolkata', async () => {
    const { db } = t;
    const cases: TypeCase[] = [
      {
        column: 'c_tinyint',
        ddl: 'TINYINT',
        values: [127, -128, null],
        expected: [127, -128, null],
        connectType: 'int8',
      },
      {
        column: 'c_smallint',
        ddl: 'SMALLINT',
        values: [32767, -32768, null],
        expected: [32767, -32768, null],
        connectType: 'int16',
      },
      {
        column: 'c_mediumint',
        ddl: 'MEDIUMINT',
        values: [8388607, -8388608, null],
        expected: [8388607, -8388608, null],
        connectType: 'int32',
      },
      {
        column: 'c_integer',
        ddl: 'INTEGER',
        values: [9223372036854775807n, -9223372036854775808n, null],
        expected: [9223372036854775807n, -9223372036854775808n, null],
        connectType: 'int64',
      },
      {
        column: 'c_bigint',
        ddl: 'BIGINT',
        values: [9007199254740993n, -9007199254740993n, null],
        expected: [9007199254740993n, -9007199254740993n, null],
        connectType: 'int64',
      },
      {
        column: 'c_bool',
        ddl: 'BOOLEAN',
        values: [true, false, null],
        expected: [true, false, null],
        connectType: 'boolean',
      },
      {
        column: 'c_decimal',
        ddl: 'DECIMAL(10,2)',
        values: ['12.34', '-0.01', null],
        expected: ['12.34', '-0.01', null],
        connectType: 'Decimal',
        decimal: [2, 10],
      },
      {
        column: 'c_numeric0',
        ddl: 'NUMERIC(20,0)',
        values: ['12345678901234567', '-1', null],
        expected: ['12345678901234567', '-1', null],
        connectType: 'Decimal',
        decimal: [0, 20],
      },
      {
        column: 'c_real',
        ddl: 'REAL',
        values: [1.5, -1e-300, null],
        expected: [1.5, -1e-300, null],
        connectType: 'float64',
      },
      {
        column: 'c_varchar',
        ddl: 'VARCHAR(20)',
        values: ['héllo 🌊', '', null],
        expected: ['héllo 🌊', '', null],
        connectType: 'string',
      },
      {
        column: 'c_text',
        ddl: 'TEXT',
        values: ['x'.repeat(5000), '', null],
        expected: ['x'.repeat(5000), '', null],
        connectType: 'string',
      },
      {
        column: 'c_blob',
        ddl: 'BLOB',
        values: [Buffer.from([0, 1, 0, 0xff]), Buffer.alloc(0), null],
        expected: [Buffer.from([0, 1, 0, 0xff]), Buffer.alloc(0), null],
        connectType: 'bytes',
      },
      {
        column: 'c_date',
        ddl: 'DATE',
        values: ['2024-02-29', '1970-01-01', null],
        expected: [utcDate('2024-02-29'), utcDate('1970-01-01'), null],
        connectType: 'Date',
      },
      {
        column: 'c_time',
        ddl: 'TIME',
        values: ['13:14:15.678', '00:00', null],
        expected: [timeOfDay('13:14:15.678'), timeOfDay('00:00:00'), null],
        connectType: 'Time',
      },
      {
        column: 'c_datetime',
        ddl: 'DATETIME',
        values: ['2024-07-01 12:34:56.789', '1970-01-01 05:30:00', null],
        // Zone-less text: wall clock in db.timezone (India: UTC+5:30).
        expected: [new Date('2024-07-01T07:04:56.789Z'), new Date(0), null],
        instants: [instant('2024-07-01T07:04:56.789Z'), instant('1970-01-01T00:00:00Z'), null],
        connectType: 'Timestamp',
      },
      {
        column: 'c_timestamp_offset',
        ddl: 'TIMESTAMP',
        values: ['2024-07-01T12:34:56.123456Z', '2024-07-01 12:00:00+02:00', null],
        expected: [new Date('2024-07-01T12:34:56.123Z'), new Date('2024-07-01T10:00:00Z'), null],
        instants: [instant('2024-07-01T12:34:56.123Z', 123_456_000), instant('2024-07-01T10:00:00Z'), null],
        connectType: 'Timestamp',
      },
      {
        column: 'c_json',
        ddl: 'JSON',
        values: ['{"a":1}', '[]', null],
        expected: ['{"a":1}', '[]', null],
        connectType: 'string',
      },
      {
        column: 'c_untyped',
        ddl: '',
        values: [1, 'x', null],
        expected: [null, null, null],
        connectType: 'unsupported',
      },
    ];
    await roundTrip(db, t.table('types'), cases, { numericMapping: 'none', dbTimezone: 'Asia/Kolkata' });
  });
});
