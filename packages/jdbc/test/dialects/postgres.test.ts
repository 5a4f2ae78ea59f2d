import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError, NotFoundError } from '@tributary/api';
import { postgresDialect } from '../../src/index.js';
import { instant, roundTrip, type TypeCase, timeOfDay, utcDate } from '../helpers/round-trip.js';
import { assertCurrentTimeNearOurs, suiteDatabase } from '../helpers/suite-database.js';
import { edgeValues, typeCase } from '../helpers/type-case.js';

describe('postgresDialect quoting (no database)', () => {
  test('identifiers use double quotes with embedded quotes doubled', () => {
    assert.equal(postgresDialect.quoteIdentifier('orders'), '"orders"');
    assert.equal(postgresDialect.quoteIdentifier('id" OR 1=1 --'), '"id"" OR 1=1 --"');
    assert.equal(
      postgresDialect.quoteTable({ catalog: 'test', schema: 'pub"lic', table: 'Orders' }),
      '"pub""lic"."Orders"',
    );
  });

  test('the partition table string is schema.table, and placeholders are $n', () => {
    assert.equal(
      postgresDialect.tableIdString({ catalog: 'test', schema: 'public', table: 'orders' }),
      'public.orders',
    );
    assert.equal(postgresDialect.placeholder(1), '$1');
    assert.equal(postgresDialect.placeholder(12), '$12');
  });
});

describe('postgresDialect on PostgreSQL', () => {
  const t = suiteDatabase('postgresql');

  test('a table whose name contains quotes round-trips through quoting', async () => {
    const { db } = t;
    const table = `${t.table('q')}"x`;
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    try {
      await db.query(`CREATE TABLE ${q(table)} (${q('i"d')} INT PRIMARY KEY, ${q('A b')} TEXT)`);
      await db.query(`INSERT INTO ${q(table)} VALUES ($1, $2)`, [1, 'x']);
      const { rows } = await db.query(
        `SELECT ${q('i"d')}, ${q('A b')} FROM ${db.dialect.quoteTable({ catalog: null, schema: 'public', table })}`,
      );
      assert.deepEqual(rows, [[1, 'x']]);
      assert.deepEqual(await db.dialect.primaryKey(db, { catalog: null, schema: 'public', table }), ['i"d']);
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${q(table)}`);
    }
  });

  test('listTables: user schemas only, views when asked, schema.pattern', async () => {
    const { db } = t;
    const schema = t.table('s');
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    await db.query(`CREATE SCHEMA ${q(schema)}`);
    try {
      await db.query(`CREATE TABLE ${q(schema)}.${q('orders')} (id INT)`);
      await db.query(`CREATE VIEW ${q(schema)}.${q('orders_v')} AS SELECT id FROM ${q(schema)}.${q('orders')}`);
      const tables = await db.dialect.listTables(db);
      assert.ok(tables.some((x) => x.schema === schema && x.table === 'orders' && x.catalog === 'test'));
      assert.ok(!tables.some((x) => x.schema === schema && x.table === 'orders_v'));
      assert.ok(!tables.some((x) => x.schema === 'pg_catalog' || x.schema === 'information_schema'));
      const views = await db.dialect.listTables(db, { schemaPattern: schema, tableTypes: ['VIEW'] });
      assert.deepEqual(views, [{ catalog: 'test', schema, table: 'orders_v' }]);
      // As pgjdbc: the catalog pattern is ignored, an empty schema pattern filters nothing.
      assert.deepEqual(await db.dialect.listTables(db, { schemaPattern: schema, catalogPattern: 'other' }), [
        { catalog: 'test', schema, table: 'orders' },
      ]);
      assert.ok((await db.dialect.listTables(db, { schemaPattern: '' })).some((x) => x.schema === schema));
    } finally {
      await db.query(`DROP SCHEMA ${q(schema)} CASCADE`);
    }
  });

  test('describeTable and primaryKey: types, typmods, nullability, serial/identity, key order', async () => {
    const { db } = t;
    const table = t.table('dt');
    await db.query(
      `CREATE TABLE ${db.dialect.quoteIdentifier(table)} (
         id BIGSERIAL, tenant VARCHAR(20) NOT NULL, amount NUMERIC(12,3), seq INT GENERATED ALWAYS AS IDENTITY,
         created TIMESTAMP(3) NOT NULL, PRIMARY KEY (tenant, id))`,
    );
    const id = { catalog: null, schema: 'public', table };
    const columns = await db.dialect.describeTable(db, id);
    assert.deepEqual(
      columns.map((c) => [
        c.name,
        c.typeName,
        c.precision,
        c.scale,
        c.isNullable,
        c.isAutoIncrement,
        c.primaryKeyPosition,
      ]),
      [
        ['id', 'int8', null, null, false, true, 2],
        ['tenant', 'varchar', 20, null, false, false, 1],
        ['amount', 'numeric', 12, 3, true, false, null],
        ['seq', 'int4', null, null, false, true, null],
        ['created', 'timestamp', null, 3, false, false, null],
      ],
    );
    assert.equal(columns[2]?.declaredType, 'numeric(12,3)');
    assert.deepEqual(await db.dialect.primaryKey(db, id), ['tenant', 'id']);
    // schema null means the current schema.
    assert.equal((await db.dialect.describeTable(db, { catalog: null, schema: null, table })).length, 5);
    await assert.rejects(
      db.dialect.describeTable(db, { catalog: null, schema: 'public', table: `${table}_missing` }),
      NotFoundError,
    );
  });

  test('currentTime is the database clock, close to ours', async () => {
    await assertCurrentTimeNearOurs(t.db);
  });

  test('timestampParameter: timestamp compares in db.timezone, timestamptz as an instant', async () => {
    const { db } = t;
    const table = t.table('tp');
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    await db.query(`CREATE TABLE ${q(table)} (id INT, ts TIMESTAMP(6), tz TIMESTAMPTZ(6))`);
    await db.query(`INSERT INTO ${q(table)} VALUES (1, '2024-01-15 10:00:00.000001', '2024-01-15 10:00:00.000001+00')`);
    const [, ts, tz] = await db.dialect.describeTable(db, { catalog: null, schema: null, table });
    assert.ok(ts !== undefined && tz !== undefined);
    const count = async (sql: string, value: unknown) =>
      (await db.query(`SELECT COUNT(*) FROM ${q(table)} WHERE ${sql}`, [value])).rows[0]?.[0];
    // 10:00 in Paris (CET, UTC+1) is 09:00 UTC.
    const parisTen = { epochMs: Date.parse('2024-01-15T09:00:00.000Z'), nanos: 1000 };
    assert.equal(await count('ts = $1', db.dialect.timestampParameter(parisTen, ts, 'Europe/Paris')), '1');
    assert.equal(await count('ts < $1', db.dialect.timestampParameter(parisTen, ts, 'Europe/Paris')), '0');
    const utcTen = { epochMs: Date.parse('2024-01-15T10:00:00.000Z'), nanos: 1000 };
    assert.equal(await count('tz = $1', db.dialect.timestampParameter(utcTen, tz, 'Europe/Paris')), '1');
  });

  test('type round trip: every supported type, edge values and NULLs, db.timezone Europe/Paris', async () => {
    const { db } = t;
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    const mood = t.table('mood');
    const posint = t.table('posint');
    await db.query(`CREATE TYPE ${q(mood)} AS ENUM ('sad', 'happy')`);
    await db.query(`CREATE DOMAIN ${q(posint)} AS integer CHECK (VALUE > 0)`);
    const table = t.table('types');
    try {
      const cases: TypeCase[] = [
        typeCase('c_bool', 'BOOLEAN', 'boolean', edgeValues.boolean),
        typeCase('c_int2', 'SMALLINT', 'int16', edgeValues.int16),
        typeCase('c_int4', 'INTEGER', 'int32', edgeValues.int32),
        typeCase('c_int8', 'BIGINT', 'int64', edgeValues.int64),
        typeCase('c_int8_beyond_2_53', 'BIGINT', 'int64', edgeValues.int64BeyondDouble),
        typeCase(
          'c_numeric',
          'NUMERIC(38,10)',
          'Decimal',
          ['1234567890123456789012345678.1234567890', '-9999999999999999999999999999.9999999999', null],
          { decimal: [10, 38] },
        ),
        typeCase('c_numeric_small', 'NUMERIC(10,2)', 'Decimal', ['12.3', '-0.01', null], {
          expected: ['12.30', '-0.01', null],
          decimal: [2, 10],
        }),
        typeCase('c_numeric_free', 'NUMERIC', 'Decimal', ['123456789012345678901234567890', '-1', null], {
          decimal: [0, null],
        }),
        typeCase('c_real', 'REAL', 'float32', [3.5, -1.25, null]),
        typeCase('c_double', 'DOUBLE PRECISION', 'float64', [1.7976931348623157e308, -5e-324, null]),
        typeCase('c_char', 'CHAR(3)', 'string', ['abc', 'a', null], { expected: ['abc', 'a  ', null] }),
        typeCase('c_varchar', 'VARCHAR(255)', 'string', ['héllo 🌊 "\'', '', null]),
        typeCase('c_text', 'TEXT', 'string', edgeValues.longText),
        typeCase('c_bytea', 'BYTEA', 'bytes', edgeValues.bytes),
        typeCase('c_date', 'DATE', 'Date', ['9999-12-31', '0001-01-01', null], {
          expected: [utcDate('9999-12-31'), utcDate('0001-01-01'), null],
        }),
        typeCase('c_time', 'TIME(6)', 'Time', ['23:59:59.999999', '00:00:00', null], {
          expected: [timeOfDay('23:59:59.999'), timeOfDay('00:00:00'), null],
        }),
        typeCase('c_timetz', 'TIMETZ', 'Time', ['12:00:00+02', '00:30:00-01', null], {
          expected: [timeOfDay('10:00:00'), timeOfDay('01:30:00'), null],
        }),
        // Zone-less: wall clock in db.timezone (Paris: UTC+1 in January and in 1969).
        typeCase(
          'c_timestamp',
          'TIMESTAMP(6)',
          'Timestamp',
          ['2024-01-15 10:00:00.123456', '1969-12-31 23:59:59.5', null],
          {
            expected: [new Date('2024-01-15T09:00:00.123Z'), new Date('1969-12-31T22:59:59.500Z'), null],
            instants: [
              instant('2024-01-15T09:00:00.123Z', 123_456_000),
              instant('1969-12-31T22:59:59.500Z', 500_000_000),
              null,
            ],
          },
        ),
        typeCase(
          'c_timestamptz',
          'TIMESTAMPTZ(6)',
          'Timestamp',
          ['2024-01-15 10:00:00.123456+05:30', '1970-01-01 00:00:00+00', null],
          {
            expected: [new Date('2024-01-15T04:30:00.123Z'), new Date(0), null],
            instants: [instant('2024-01-15T04:30:00.123Z', 123_456_000), instant('1970-01-01T00:00:00Z'), null],
          },
        ),
        typeCase('c_json', 'JSON', 'string', ['{"a": [1, 2.5, "x"]}', '[]', null]),
        typeCase('c_jsonb', 'JSONB', 'string', ['{"b":2,"a":[1]}', '{}', null], {
          expected: ['{"a": [1], "b": 2}', '{}', null],
        }),
        typeCase('c_uuid', 'UUID', 'string', [
          'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
          '00000000-0000-0000-0000-000000000000',
          null,
        ]),
        typeCase('c_enum', q(mood), 'string', ['happy', 'sad', null]),
        typeCase('c_domain', q(posint), 'int32', [2147483647, 1, null]),
        typeCase('c_int_array', 'INTEGER[]', 'unsupported', [[1, 2], [], null], { expected: [null, null, null] }),
        typeCase('c_interval', 'INTERVAL', 'unsupported', ['1 day', '0', null], { expected: [null, null, null] }),
        typeCase('c_inet', 'INET', 'unsupported', ['10.0.0.1', '::1', null], { expected: [null, null, null] }),
      ];
      await roundTrip(db, table, cases, { numericMapping: 'none', dbTimezone: 'Europe/Paris' });
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${q(table)}`);
      await db.query(`DROP TYPE IF EXISTS ${q(mood)}`);
      await db.query(`DROP DOMAIN IF EXISTS ${q(posint)}`);
    }
  });

  test('numeric.mapping: best_fit_eager_double, and an unconstrained NUMERIC with a fraction fails naming the column', async () => {
    const { db } = t;
    const cases: TypeCase[] = [
      typeCase('n_int', 'NUMERIC(4,0)', 'int16', ['9999', null], { expected: [9999, null] }),
      typeCase('n_frac', 'NUMERIC(30,2)', 'float64', ['-12.5', null], { expected: [-12.5, null] }),
      typeCase('n_wide', 'NUMERIC(30,0)', 'Decimal', ['123456789012345678901234567890', null], { decimal: [0, 30] }),
      typeCase('n_free', 'NUMERIC', 'float64', ['1.5', null], { expected: [1.5, null] }),
    ];
    await roundTrip(db, t.table('nm'), cases, { numericMapping: 'best_fit_eager_double', dbTimezone: 'UTC' });
    const { rows, columns } = await db.query('SELECT 1.5::numeric AS avg');
    const column = columns[0];
    assert.ok(column !== undefined);
    const m = db.dialect.columnMapping(column, { numericMapping: 'none', dbTimezone: 'UTC' });
    assert.throws(
      () => m?.read(rows[0]?.[0]),
      (e: unknown) => e instanceof DataError && /"avg"/.test(e.message) && /best_fit/.test(e.message),
    );
  });
});
