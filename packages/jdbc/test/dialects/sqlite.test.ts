import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError } from '@tributary/api';
import { sqliteDialect } from '../../src/index.js';
import { instant, roundTrip, type TypeCase, timeOfDay, utcDate } from '../helpers/round-trip.js';
import { assertCurrentTimeNearOurs, suiteDatabase } from '../helpers/suite-database.js';
import { edgeValues, typeCase } from '../helpers/type-case.js';

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
  const t = suiteDatabase('sqlite');

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
    await assertCurrentTimeNearOurs(t.db);
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
      typeCase('c_tinyint', 'TINYINT', 'int8', edgeValues.int8),
      typeCase('c_smallint', 'SMALLINT', 'int16', edgeValues.int16),
      typeCase('c_mediumint', 'MEDIUMINT', 'int32', edgeValues.int24),
      typeCase('c_integer', 'INTEGER', 'int64', edgeValues.int64),
      typeCase('c_bigint', 'BIGINT', 'int64', edgeValues.int64BeyondDouble),
      typeCase('c_bool', 'BOOLEAN', 'boolean', edgeValues.boolean),
      typeCase('c_decimal', 'DECIMAL(10,2)', 'Decimal', ['12.34', '-0.01', null], { decimal: [2, 10] }),
      typeCase('c_numeric0', 'NUMERIC(20,0)', 'Decimal', ['12345678901234567', '-1', null], { decimal: [0, 20] }),
      typeCase('c_real', 'REAL', 'float64', [1.5, -1e-300, null]),
      typeCase('c_varchar', 'VARCHAR(20)', 'string', ['héllo 🌊', '', null]),
      typeCase('c_text', 'TEXT', 'string', edgeValues.longText),
      typeCase('c_blob', 'BLOB', 'bytes', edgeValues.bytes),
      typeCase('c_date', 'DATE', 'Date', ['2024-02-29', '1970-01-01', null], {
        expected: [utcDate('2024-02-29'), utcDate('1970-01-01'), null],
      }),
      typeCase('c_time', 'TIME', 'Time', ['13:14:15.678', '00:00', null], {
        expected: [timeOfDay('13:14:15.678'), timeOfDay('00:00:00'), null],
      }),
      // Zone-less text: wall clock in db.timezone (India: UTC+5:30).
      typeCase('c_datetime', 'DATETIME', 'Timestamp', ['2024-07-01 12:34:56.789', '1970-01-01 05:30:00', null], {
        expected: [new Date('2024-07-01T07:04:56.789Z'), new Date(0), null],
        instants: [instant('2024-07-01T07:04:56.789Z'), instant('1970-01-01T00:00:00Z'), null],
      }),
      typeCase(
        'c_timestamp_offset',
        'TIMESTAMP',
        'Timestamp',
        ['2024-07-01T12:34:56.123456Z', '2024-07-01 12:00:00+02:00', null],
        {
          expected: [new Date('2024-07-01T12:34:56.123Z'), new Date('2024-07-01T10:00:00Z'), null],
          instants: [instant('2024-07-01T12:34:56.123Z', 123_456_000), instant('2024-07-01T10:00:00Z'), null],
        },
      ),
      typeCase('c_json', 'JSON', 'string', ['{"a":1}', '[]', null]),
      typeCase('c_untyped', '', 'unsupported', [1, 'x', null], { expected: [null, null, null] }),
    ];
    await roundTrip(db, t.table('types'), cases, { numericMapping: 'none', dbTimezone: 'Asia/Kolkata' });
  });
});
