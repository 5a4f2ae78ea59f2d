import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError } from '@tributary/api';
import { mysqlDialect } from '../../src/index.js';
import { instant, roundTrip, type TypeCase, timeOfDay, utcDate } from '../helpers/round-trip.js';
import { assertCurrentTimeNearOurs, suiteDatabase } from '../helpers/suite-database.js';
import { edgeValues, typeCase } from '../helpers/type-case.js';

describe('mysqlDialect quoting (no database)', () => {
  test('identifiers use backticks with embedded backticks doubled', () => {
    assert.equal(mysqlDialect.quoteIdentifier('orders'), '`orders`');
    assert.equal(mysqlDialect.quoteIdentifier('we`ird'), '`we``ird`');
    assert.equal(mysqlDialect.quoteIdentifier('id` OR 1=1 -- '), '`id`` OR 1=1 -- `');
    assert.equal(mysqlDialect.quoteTable({ catalog: 'sh`op', schema: null, table: 'orders' }), '`sh``op`.`orders`');
    assert.equal(mysqlDialect.quoteTable({ catalog: null, schema: null, table: 'orders' }), '`orders`');
  });

  test('the partition table string is catalog.table, and placeholders are ?', () => {
    assert.equal(mysqlDialect.tableIdString({ catalog: 'mydb', schema: null, table: 'orders' }), 'mydb.orders');
    assert.equal(mysqlDialect.placeholder(3), '?');
  });
});

describe('mysqlDialect on MariaDB', () => {
  const t = suiteDatabase('mysql');

  test('a table whose name and columns contain backticks round-trips through quoting', async () => {
    const { db } = t;
    const table = `${t.table('q')}\`x`;
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    try {
      await db.query(`CREATE TABLE ${q(table)} (${q('i`d')} INT PRIMARY KEY, ${q('a b')} VARCHAR(10))`);
      await db.query(`INSERT INTO ${q(table)} VALUES (?, ?)`, [1, 'x']);
      const { rows } = await db.query(
        `SELECT ${q('i`d')}, ${q('a b')} FROM ${db.dialect.quoteTable({ catalog: 'test', schema: null, table })}`,
      );
      assert.deepEqual(rows, [[1, 'x']]);
      assert.deepEqual(
        (await db.dialect.describeTable(db, { catalog: null, schema: null, table })).map((c) => c.name),
        ['i`d', 'a b'],
      );
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${q(table)}`);
    }
  });

  test('listTables: tables of the current database, views when asked, catalog.pattern', async () => {
    const { db } = t;
    const table = t.table('lt');
    const view = `${table}_v`;
    await db.query(`CREATE TABLE ${db.dialect.quoteIdentifier(table)} (id INT)`);
    await db.query(
      `CREATE VIEW ${db.dialect.quoteIdentifier(view)} AS SELECT id FROM ${db.dialect.quoteIdentifier(table)}`,
    );
    try {
      const tables = await db.dialect.listTables(db);
      assert.ok(tables.some((x) => x.table === table && x.catalog === 'test' && x.schema === null));
      assert.ok(!tables.some((x) => x.table === view));
      const both = await db.dialect.listTables(db, { tableTypes: ['TABLE', 'VIEW'] });
      assert.ok(both.some((x) => x.table === view));
      assert.ok((await db.dialect.listTables(db, { catalogPattern: 't_s%' })).some((x) => x.table === table));
      assert.ok(!(await db.dialect.listTables(db, { catalogPattern: 'no_such_db' })).some((x) => x.table === table));
      assert.ok(!(await db.dialect.listTables(db, { catalogPattern: '%' })).some((x) => x.catalog === 'mysql'));
    } finally {
      await db.query(`DROP VIEW IF EXISTS ${db.dialect.quoteIdentifier(view)}`);
    }
  });

  test('describeTable and primaryKey: types, precision, nullability, auto-increment, key order', async () => {
    const { db } = t;
    const table = t.table('dt');
    await db.query(
      `CREATE TABLE ${db.dialect.quoteIdentifier(table)} (
         id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, tenant VARCHAR(20) NOT NULL, amount DECIMAL(12,3), flag BOOLEAN,
         created DATETIME(3) NOT NULL, PRIMARY KEY (tenant, id), UNIQUE KEY (id))`,
    );
    const id = { catalog: null, schema: null, table };
    const columns = await db.dialect.describeTable(db, id);
    // MariaDB declares display widths (bigint(20)); MySQL 8 only for tinyint(1).
    assert.ok(columns[0]?.precision === 20 || columns[0]?.precision === null);
    assert.deepEqual(
      columns.map((c, i) => [
        c.name,
        c.typeName,
        c.isUnsigned,
        i === 0 ? null : c.precision,
        c.scale,
        c.isNullable,
        c.isAutoIncrement,
        c.primaryKeyPosition,
      ]),
      [
        ['id', 'bigint', true, null, null, false, true, 2],
        ['tenant', 'varchar', false, 20, null, false, false, 1],
        ['amount', 'decimal', false, 12, 3, true, false, null],
        ['flag', 'tinyint', false, 1, null, true, false, null],
        ['created', 'datetime', false, null, 3, false, false, null],
      ],
    );
    assert.deepEqual(await db.dialect.primaryKey(db, id), ['tenant', 'id']);
    await assert.rejects(
      db.dialect.describeTable(db, { catalog: null, schema: null, table: `${table}_missing` }),
      NotFoundError,
    );
  });

  test('currentTime is the database clock, close to ours', async () => {
    await assertCurrentTimeNearOurs(t.db);
  });

  test('timestampParameter: DATETIME compares in db.timezone, TIMESTAMP in UTC', async () => {
    const { db } = t;
    const table = t.table('tp');
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    await db.query(`CREATE TABLE ${q(table)} (id INT, dt DATETIME(6), ts TIMESTAMP(6) NULL)`);
    await db.query(`INSERT INTO ${q(table)} VALUES (1, '2024-07-01 12:00:00.000001', '2024-07-01 12:00:00.000001')`);
    const columns = await db.dialect.describeTable(db, { catalog: null, schema: null, table });
    const [, dt, ts] = columns;
    assert.ok(dt !== undefined && ts !== undefined);
    // 12:00:00.000001 in New York is 16:00:00.000001 UTC.
    const inNewYork = { epochMs: Date.parse('2024-07-01T16:00:00.000Z'), nanos: 1000 };
    const count = async (sql: string, value: unknown) =>
      (await db.query(`SELECT COUNT(*) FROM ${q(table)} WHERE ${sql}`, [value])).rows[0]?.[0];
    assert.equal(String(await count('dt = ?', db.dialect.timestampParameter(inNewYork, dt, 'America/New_York'))), '1');
    assert.equal(String(await count('dt > ?', db.dialect.timestampParameter(inNewYork, dt, 'America/New_York'))), '0');
    const utc = { epochMs: Date.parse('2024-07-01T12:00:00.000Z'), nanos: 1000 };
    assert.equal(String(await count('ts = ?', db.dialect.timestampParameter(utc, ts, 'America/New_York'))), '1');
  });

  test('type round trip: every supported type, edge values and NULLs, db.timezone America/New_York', async () => {
    const { db } = t;
    const cases: TypeCase[] = [
      typeCase('c_tinyint', 'TINYINT', 'int8', edgeValues.int8),
      typeCase('c_tinyint_u', 'TINYINT UNSIGNED', 'int16', [255, 0, null]),
      typeCase('c_smallint', 'SMALLINT', 'int16', edgeValues.int16),
      typeCase('c_smallint_u', 'SMALLINT UNSIGNED', 'int32', [65535, 0, null]),
      typeCase('c_mediumint', 'MEDIUMINT', 'int32', edgeValues.int24),
      typeCase('c_mediumint_u', 'MEDIUMINT UNSIGNED', 'int32', [16777215, 0, null]),
      typeCase('c_int', 'INT', 'int32', edgeValues.int32),
      typeCase('c_int_u', 'INT UNSIGNED', 'int64', [4294967295, 0, null], { expected: [4294967295n, 0n, null] }),
      typeCase('c_bigint', 'BIGINT', 'int64', edgeValues.int64),
      typeCase('c_bigint_beyond_2_53', 'BIGINT', 'int64', edgeValues.int64BeyondDouble),
      typeCase('c_bigint_u', 'BIGINT UNSIGNED', 'Decimal', [18446744073709551615n, 0, null], {
        expected: ['18446744073709551615', '0', null],
        decimal: [0, 20],
      }),
      typeCase('c_bool', 'BOOLEAN', 'boolean', edgeValues.boolean),
      typeCase('c_bit1', 'BIT(1)', 'boolean', [Buffer.from([1]), Buffer.from([0]), null], {
        expected: [true, false, null],
      }),
      typeCase('c_bit16', 'BIT(16)', 'bytes', [Buffer.from([0xff, 0x01]), Buffer.from([0, 0]), null]),
      typeCase(
        'c_dec',
        'DECIMAL(38,10)',
        'Decimal',
        ['1234567890123456789012345678.1234567890', '-9999999999999999999999999999.9999999999', null],
        { decimal: [10, 38] },
      ),
      typeCase('c_dec_small', 'DECIMAL(10,2)', 'Decimal', ['99999999.99', '-0.01', null], { decimal: [2, 10] }),
      typeCase('c_numeric', 'NUMERIC(5,0)', 'Decimal', [99999, -99999, null], {
        expected: ['99999', '-99999', null],
        decimal: [0, 5],
      }),
      typeCase('c_float', 'FLOAT', 'float32', [3.5, -1.25, null]),
      typeCase('c_double', 'DOUBLE', 'float64', [1.7976931348623157e308, -2.2250738585072014e-308, null]),
      typeCase('c_char', 'CHAR(3)', 'string', ['abc', '', null]),
      typeCase('c_varchar', 'VARCHAR(255)', 'string', ['héllo 🌊 "\'`', '', null]),
      typeCase('c_text', 'TEXT', 'string', edgeValues.longText),
      typeCase('c_enum', "ENUM('a','b')", 'string', ['b', 'a', null]),
      typeCase('c_set', "SET('x','y')", 'string', ['x,y', '', null]),
      typeCase('c_json', 'JSON', 'string', ['{"a":[1,2.5,"x"]}', '[]', null]),
      typeCase('c_binary', 'BINARY(4)', 'bytes', [Buffer.from([0, 1, 0, 2]), Buffer.from([0, 0, 0, 0]), null]),
      typeCase('c_varbinary', 'VARBINARY(16)', 'bytes', [Buffer.from([0, 0xff, 0]), Buffer.alloc(0), null]),
      typeCase('c_blob', 'BLOB', 'bytes', [Buffer.from([0, 1, 2, 0]), Buffer.alloc(0), null]),
      typeCase('c_date', 'DATE', 'Date', ['9999-12-31', '1000-01-01', null], {
        expected: [utcDate('9999-12-31'), utcDate('1000-01-01'), null],
      }),
      typeCase('c_time', 'TIME(3)', 'Time', ['23:59:59.999', '00:00:00', null], {
        expected: [timeOfDay('23:59:59.999'), timeOfDay('00:00:00'), null],
      }),
      // Zone-less: wall clock in db.timezone (EDT is UTC-4 in July, EST UTC-5 in January).
      typeCase('c_datetime', 'DATETIME(6)', 'Timestamp', ['2024-07-01 12:34:56.123456', '1970-01-01 00:00:00', null], {
        expected: [new Date('2024-07-01T16:34:56.123Z'), new Date('1970-01-01T05:00:00Z'), null],
        instants: [instant('2024-07-01T16:34:56.123Z', 123_456_000), instant('1970-01-01T05:00:00Z'), null],
      }),
      // Written in the session's UTC: an instant, whatever db.timezone says.
      typeCase(
        'c_timestamp',
        'TIMESTAMP(6) NULL',
        'Timestamp',
        ['2038-01-19 03:14:07.999999', '1970-01-01 00:00:01', null],
        {
          expected: [new Date('2038-01-19T03:14:07.999Z'), new Date('1970-01-01T00:00:01Z'), null],
          instants: [instant('2038-01-19T03:14:07.999Z', 999_999_000), instant('1970-01-01T00:00:01Z'), null],
        },
      ),
      typeCase('c_year', 'YEAR', 'Date', [2155, 1901, null], {
        expected: [utcDate('2155-01-01'), utcDate('1901-01-01'), null],
      }),
      typeCase('c_point', 'POINT', 'unsupported', [null, null, null]),
    ];
    await roundTrip(
      db,
      t.table('types'),
      cases,
      { numericMapping: 'none', dbTimezone: 'America/New_York' },
      ' DEFAULT CHARSET=utf8mb4',
    );
  });

  test('numeric.mapping applies to DECIMAL columns', async () => {
    const { db } = t;
    const cases: TypeCase[] = [
      typeCase('d_int', 'DECIMAL(9,0)', 'int32', ['123456789', null], { expected: [123456789, null] }),
      typeCase('d_long', 'DECIMAL(18,0)', 'int64', ['-999999999999999999', null], {
        expected: [-999999999999999999n, null],
      }),
      typeCase('d_frac', 'DECIMAL(10,2)', 'float64', ['-12.5', null], { expected: [-12.5, null] }),
      typeCase('d_wide', 'DECIMAL(30,4)', 'Decimal', ['1.0001', null], { decimal: [4, 30] }),
    ];
    await roundTrip(db, t.table('nm'), cases, { numericMapping: 'best_fit', dbTimezone: 'UTC' });
  });
});
