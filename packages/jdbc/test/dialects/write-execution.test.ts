// The write side run against the real databases: DDL, upserts, insert-ignore, deletes,
// transactions and error classification, for each dialect.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ConnectError,
  DataError,
  DateType,
  Decimal,
  RetriableError,
  SchemaBuilder,
  Schemas,
  Timestamp,
} from '@tributary/api';
import type { Database, DialectName, TableId, WriteColumn } from '../../src/index.js';
import { createTableIfMissing, sqlErrorDetails } from '../../src/index.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const TZ = { dbTimezone: 'Europe/Paris' };
const COLUMNS: WriteColumn[] = [
  { name: 'id', schema: Schemas.INT64, isPrimaryKey: true },
  { name: 'name', schema: Schemas.OPTIONAL_STRING, isPrimaryKey: false },
  { name: 'qty', schema: Schemas.OPTIONAL_INT32, isPrimaryKey: false },
  { name: 'price', schema: Decimal.builder(2, 10).optional().build(), isPrimaryKey: false },
  { name: 'day', schema: DateType.builder().optional().build(), isPrimaryKey: false },
  { name: 'at', schema: Timestamp.builder().optional().build(), isPrimaryKey: false },
  { name: 'ok', schema: Schemas.OPTIONAL_BOOLEAN, isPrimaryKey: false },
  { name: 'raw', schema: Schemas.OPTIONAL_BYTES, isPrimaryKey: false },
];
const NAMES = COLUMNS.map((c) => c.name);

function bind(db: Database, rows: readonly (readonly unknown[])[]): unknown[] {
  return rows.flatMap((row) => row.map((v, i) => db.dialect.toSqlValue((COLUMNS[i] as WriteColumn).schema, v, TZ)));
}

function row(id: bigint, name: string, qty: number): unknown[] {
  return [
    id,
    name,
    qty,
    '12.34',
    new Date('2024-02-29T00:00:00Z'),
    new Date('2024-07-01T10:00:00.123Z'),
    true,
    new Uint8Array([0, 1, 255]),
  ];
}

async function readAll(db: Database, table: TableId): Promise<unknown[][]> {
  const d = db.dialect;
  const columns = await d.describeTable(db, table);
  const mappings = columns.map((c) => d.columnMapping(c, { numericMapping: 'none', dbTimezone: TZ.dbTimezone }));
  const { rows } = await db.query(`SELECT * FROM ${d.quoteTable(table)} ORDER BY ${d.quoteIdentifier('id')}`);
  return rows.map((r) => r.map((raw, i) => mappings[i]?.read(raw)));
}

function expectSqlState(error: unknown, cls: typeof ConnectError, statePrefix: string): true {
  assert.ok(error instanceof cls, `expected ${cls.name}, got ${String(error)}`);
  const details = sqlErrorDetails(error);
  assert.ok(details !== null && details.sqlState !== null, `no SQLSTATE on ${String(error)}`);
  assert.ok(details.sqlState.startsWith(statePrefix), `SQLSTATE ${details.sqlState}, expected ${statePrefix}…`);
  assert.equal((error as { sqlState?: unknown }).sqlState, details.sqlState);
  return true;
}

for (const dialect of ['postgresql', 'mysql', 'sqlite', 'duckdb'] as DialectName[]) {
  describe(`write side on ${dialect}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await openTestDatabase(dialect, { poolSize: 3 });
    });
    after(async () => {
      await t?.close();
    });
    const id = (table: string): TableId => ({ catalog: null, schema: null, table });

    test('create (twice, and concurrently), upsert twice, insert-ignore, update, delete', async () => {
      const { db } = t;
      const d = db.dialect;
      const table = id(t.table('w'));
      await Promise.all([1, 2, 3].map(() => createTableIfMissing(db, table, COLUMNS, ['id'])));
      await db.query(d.createTableSql(table, COLUMNS, ['id']));
      assert.deepEqual(await d.primaryKey(db, table), ['id']);

      const rows = [row(1n, 'a', 1), row(2n, 'b', 2)];
      const upsert = d.upsertSql(table, NAMES, ['id'], 2);
      await db.transaction((tx) => tx.execute(upsert, bind(db, rows)));
      const changed = [row(1n, 'a2', 10), row(2n, 'b', 2)];
      await db.transaction((tx) => tx.execute(upsert, bind(db, changed)));
      await db.transaction((tx) => tx.execute(upsert, bind(db, changed)));
      const expected = (r: unknown[]) => {
        const values = [...r];
        values[4] = new Date('2024-02-29T00:00:00Z');
        values[7] = Buffer.from([0, 1, 255]);
        return values;
      };
      const back = await readAll(db, table);
      assert.equal(back.length, 2);
      // SQLite reads every INTEGER column back as int64.
      assert.deepEqual(back[0]?.slice(0, 3), [1n, 'a2', dialect === 'sqlite' ? 10n : 10]);
      assert.equal(String(back[0]?.[3]), '12.34');
      assert.deepEqual(back[0]?.slice(4), expected(changed[0] as unknown[]).slice(4));

      const ignored = await db.transaction((tx) =>
        tx.execute(d.insertIgnoreSql(table, NAMES, 2), bind(db, [row(2n, 'zzz', 99), row(3n, 'c', 3)])),
      );
      assert.equal(ignored.affectedRows, 1);
      assert.deepEqual(
        (await readAll(db, table)).map((r) => r.slice(0, 2)),
        [
          [1n, 'a2'],
          [2n, 'b'],
          [3n, 'c'],
        ],
      );

      const updated = await db.transaction((tx) =>
        tx.execute(d.updateSql(table, ['name'], ['id']), [
          d.toSqlValue(Schemas.STRING, 'B', TZ),
          d.toSqlValue(Schemas.INT64, 2n, TZ),
        ]),
      );
      assert.equal(updated.affectedRows, 1);
      const deleted = await db.transaction((tx) =>
        tx.execute(
          d.deleteSql(table, ['id'], 2),
          [1n, 3n].map((k) => d.toSqlValue(Schemas.INT64, k, TZ)),
        ),
      );
      assert.equal(deleted.affectedRows, 2);
      assert.deepEqual(
        (await readAll(db, table)).map((r) => r.slice(0, 2)),
        [[2n, 'B']],
      );
    });

    test('one statement may carry maxBindParameters values; int64 extremes survive', async () => {
      const { db } = t;
      const d = db.dialect;
      const table = id(t.table('m'));
      await db.query(d.createTableSql(table, [{ name: 'id', schema: Schemas.INT64, isPrimaryKey: true }], ['id']));
      const ids = Array.from({ length: d.maxBindParameters }, (_, i) => BigInt(i) - 2n ** 63n);
      ids[ids.length - 1] = 2n ** 63n - 1n;
      const result = await db.transaction((tx) =>
        tx.execute(
          d.insertSql(table, ['id'], ids.length),
          ids.map((v) => d.toSqlValue(Schemas.INT64, v, TZ)),
        ),
      );
      assert.equal(result.affectedRows, d.maxBindParameters);
      const q = d.quoteIdentifier('id');
      const { rows } = await db.query(`SELECT min(${q}), max(${q}), count(*) FROM ${d.quoteTable(table)}`);
      assert.deepEqual(
        rows[0]?.map((v) => String(v)),
        [String(-(2n ** 63n)), String(2n ** 63n - 1n), String(d.maxBindParameters)],
      );
      if (dialect === 'sqlite') {
        const version = String((await db.query('SELECT sqlite_version()')).rows[0]?.[0]);
        const [major = 0, minor = 0] = version.split('.').map(Number);
        assert.ok(major > 3 || minor >= 32, `SQLite ${version} allows 999 parameters only`);
      }
    });

    test('execute: one statement on its own, all or nothing, its errors classified as in a transaction', async () => {
      const { db } = t;
      const d = db.dialect;
      const table = id(t.table('x'));
      await db.query(d.createTableSql(table, COLUMNS.slice(0, 3), ['id']));
      const upsert = (count: number) => d.upsertSql(table, NAMES.slice(0, 3), ['id'], count);
      const bindRows = (rows: unknown[][]) =>
        rows.flatMap((r) => r.map((v, i) => d.toSqlValue((COLUMNS[i] as WriteColumn).schema, v, TZ)));
      const written = await db.execute(
        upsert(2),
        bindRows([
          [1n, 'a', 1],
          [2n, 'b', 2],
        ]),
      );
      assert.ok(written.affectedRows >= 2, `affected ${written.affectedRows}`);
      // The second row breaks NOT NULL on the key: the first row of the same statement is not written either.
      await assert.rejects(
        db.execute(
          upsert(2),
          bindRows([
            [3n, 'c', 3],
            [null, 'd', 4],
          ]),
        ),
        (error: unknown) => expectSqlState(error, DataError, '23'),
      );
      const q = d.quoteIdentifier('id');
      const { rows } = await db.query(`SELECT ${q} FROM ${d.quoteTable(table)} ORDER BY ${q}`);
      assert.deepEqual(
        rows.map((r) => Number(r[0])),
        [1, 2],
      );
      await assert.rejects(db.execute(`INSERT INTO ${d.quoteTable(id(t.table('missing')))} VALUES (1)`), (error) => {
        assert.ok(error instanceof ConnectError && !(error instanceof DataError) && !(error instanceof RetriableError));
        return true;
      });
      assert.equal(db.canCopyRows, dialect === 'postgresql' || dialect === 'duckdb');
    });

    test('hostile table and column names are only ever names', async () => {
      const { db } = t;
      const d = db.dialect;
      const table = id(`${t.table('h')}" OR 1=1 --\`x\`[y]`);
      const names = ['k" OR 1=1 --', 'v`; DROP TABLE x; --', "[w]'z"];
      const columns: WriteColumn[] = [
        { name: names[0] as string, schema: Schemas.STRING, isPrimaryKey: true },
        { name: names[1] as string, schema: Schemas.OPTIONAL_STRING, isPrimaryKey: false },
        { name: names[2] as string, schema: Schemas.OPTIONAL_INT32, isPrimaryKey: false },
      ];
      await createTableIfMissing(db, table, columns, [names[0] as string]);
      const upsert = d.upsertSql(table, names, [names[0] as string], 1);
      await db.transaction((tx) => tx.execute(upsert, ["'; --", 'a', 1]));
      await db.transaction((tx) => tx.execute(upsert, ["'; --", 'b', 2]));
      assert.deepEqual(
        (await d.describeTable(db, table)).map((c) => c.name),
        names,
      );
      const { rows } = await db.query(`SELECT * FROM ${d.quoteTable(table)}`);
      assert.deepEqual(
        rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v))),
        [["'; --", 'b', 2]],
      );
      await db.query(`DROP TABLE ${d.quoteTable(table)}`);
    });

    test('an all-key table: upsert behaves as insert-ignore; composite keys delete', async () => {
      const { db } = t;
      const d = db.dialect;
      const table = id(t.table('k'));
      const keys: WriteColumn[] = [
        { name: 'a', schema: Schemas.STRING, isPrimaryKey: true },
        { name: 'b', schema: Schemas.INT32, isPrimaryKey: true },
      ];
      await db.query(d.createTableSql(table, keys, ['a', 'b']));
      const sql = d.upsertSql(table, ['a', 'b'], ['a', 'b'], 2);
      await db.transaction((tx) => tx.execute(sql, ['x', 1, 'y', 2]));
      await db.transaction((tx) => tx.execute(sql, ['x', 1, 'y', 3]));
      assert.equal((await db.query(`SELECT * FROM ${d.quoteTable(table)}`)).rows.length, 3);
      await db.transaction((tx) => tx.execute(d.deleteSql(table, ['a', 'b'], 2), ['x', 1, 'y', 3]));
      assert.deepEqual((await db.query(`SELECT ${d.quoteIdentifier('a')} FROM ${d.quoteTable(table)}`)).rows, [['y']]);
    });

    test('add a column, then widen columns where the dialect can', async () => {
      const { db } = t;
      const d = db.dialect;
      const table = id(t.table('e'));
      await db.query(
        d.createTableSql(
          table,
          [
            { name: 'id', schema: Schemas.INT32, isPrimaryKey: true },
            { name: 'n', schema: Schemas.OPTIONAL_INT32, isPrimaryKey: false },
            { name: 'f', schema: Schemas.FLOAT32, isPrimaryKey: false },
          ],
          ['id'],
        ),
      );
      await db.query(`INSERT INTO ${d.quoteTable(table)} VALUES (1, 2, 1.5)`);
      await db.query(
        d.addColumnSql(table, {
          name: 'note',
          schema: SchemaBuilder.string().defaultValue("it's").build(),
          isPrimaryKey: false,
        }),
      );
      await db.query(d.addColumnSql(table, { name: 'opt', schema: Schemas.OPTIONAL_INT64, isPrimaryKey: false }));
      const { rows } = await db.query(
        `SELECT ${d.quoteIdentifier('note')}, ${d.quoteIdentifier('opt')} FROM ${d.quoteTable(table)}`,
      );
      assert.deepEqual(rows, [["it's", null]]);
      const before = await d.describeTable(db, table);
      const widenN = d.widenColumnSql(
        table,
        { name: 'n', schema: Schemas.OPTIONAL_INT64, isPrimaryKey: false },
        before[1] as (typeof before)[number],
      );
      const widenF = d.widenColumnSql(
        table,
        { name: 'f', schema: Schemas.FLOAT64, isPrimaryKey: false },
        before[2] as (typeof before)[number],
      );
      if (dialect === 'sqlite') {
        assert.equal(widenN, null);
        assert.equal(widenF, null);
        return;
      }
      assert.ok(widenN !== null && widenF !== null);
      await db.query(widenN);
      await db.query(widenF);
      const after = await d.describeTable(db, table);
      assert.match(after[1]?.typeName ?? '', /^(bigint|int8)$/);
      assert.match(after[2]?.typeName ?? '', /^(double|float8)$/);
      assert.equal(after[2]?.isNullable, false, 'widening keeps NOT NULL');
      await db.query(
        `INSERT INTO ${d.quoteTable(table)} (${d.quoteIdentifier('id')}, ${d.quoteIdentifier('n')}, ${d.quoteIdentifier('f')}) VALUES (2, 9007199254740993, 0.1)`,
      );
      const widened = await db.query(
        `SELECT ${d.quoteIdentifier('n')} FROM ${d.quoteTable(table)} WHERE ${d.quoteIdentifier('id')} = 2`,
      );
      assert.equal(String(widened.rows[0]?.[0]), '9007199254740993');
    });

    test('a transaction rolls back when its function throws', async () => {
      const { db } = t;
      const d = db.dialect;
      const table = id(t.table('tx'));
      await db.query(d.createTableSql(table, COLUMNS.slice(0, 2), ['id']));
      const insert = d.insertSql(table, ['id', 'name'], 1);
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.execute(insert, [1n, 'kept?']);
          await tx.execute(insert, [1n, 'duplicate']);
        }),
        (e: unknown) => expectSqlState(e, DataError, '23'),
      );
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.execute(insert, [2n, 'x']);
          throw new Error('app failure');
        }),
        /app failure/,
      );
      assert.deepEqual((await db.query(`SELECT * FROM ${d.quoteTable(table)}`)).rows, []);
      // The connection is usable afterwards, and a committed transaction persists.
      const result = await db.transaction(async (tx) => {
        await tx.execute(insert, [3n, 'y']);
        return (await tx.query(`SELECT count(*) FROM ${d.quoteTable(table)}`)).rows[0]?.[0];
      });
      assert.equal(Number(result), 1);
    });

    test('errors carry SQLSTATE: NOT NULL and type errors are DataErrors, syntax is not', async () => {
      const { db } = t;
      const d = db.dialect;
      const table = id(t.table('err'));
      await db.query(
        d.createTableSql(
          table,
          [COLUMNS[0] as WriteColumn, { name: 'n', schema: Schemas.INT32, isPrimaryKey: false }],
          ['id'],
        ),
      );
      await assert.rejects(db.query(d.insertSql(table, ['id', 'n'], 1), [1n, null]), (e: unknown) =>
        expectSqlState(e, DataError, '23'),
      );
      if (dialect !== 'sqlite') {
        await assert.rejects(
          db.query(d.insertSql(table, ['id', 'n'], 1), [2n, 'not a number']),
          (e: unknown) => e instanceof DataError || expectSqlState(e, DataError, '22'),
        );
      }
      await assert.rejects(db.query('SELEC 1'), (e: unknown) => {
        assert.ok(e instanceof ConnectError && !(e instanceof DataError) && !(e instanceof RetriableError));
        return true;
      });
    });
  });
}

describe('MySQL guarded upsert (KCJ #575)', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('mysql');
  });
  after(async () => {
    await t?.close();
  });

  test('a clash on another unique key does not overwrite the other row', async () => {
    const { db } = t;
    const d = db.dialect;
    const table: TableId = { catalog: null, schema: null, table: t.table('g') };
    await db.query(
      d.createTableSql(
        table,
        [
          { name: 'id', schema: Schemas.INT32, isPrimaryKey: true },
          { name: 'email', schema: Schemas.STRING, isPrimaryKey: true },
          { name: 'name', schema: Schemas.OPTIONAL_STRING, isPrimaryKey: false },
        ],
        ['id'],
      ),
    );
    await db.query(`ALTER TABLE ${d.quoteTable(table)} ADD UNIQUE KEY uq_email (email)`);
    const upsert = d.upsertSql(table, ['id', 'email', 'name'], ['id'], 1);
    await db.query(upsert, [1, 'a@x', 'Alice']);
    // Record id 2 with id 1's email: the unique email clashes. Unguarded, MySQL would update row 1.
    const clash = await db.transaction((tx) => tx.execute(upsert, [2, 'a@x', 'Mallory']));
    assert.equal(clash.affectedRows, 1, 'found (CLIENT_FOUND_ROWS), not changed');
    assert.deepEqual((await db.query(`SELECT id, email, name FROM ${d.quoteTable(table)} ORDER BY id`)).rows, [
      [1, 'a@x', 'Alice'],
    ]);
    // Same key: updated as usual (MySQL counts an updated row as 2).
    const update = await db.transaction((tx) => tx.execute(upsert, [1, 'a@x', 'Alice B']));
    assert.equal(update.affectedRows, 2);
    assert.deepEqual((await db.query(`SELECT id, email, name FROM ${d.quoteTable(table)} ORDER BY id`)).rows, [
      [1, 'a@x', 'Alice B'],
    ]);
  });

  test('a lock wait timeout is retriable with SQLSTATE and errno 1205', async () => {
    const { db } = t;
    const d = db.dialect;
    const table: TableId = { catalog: null, schema: null, table: t.table('l') };
    await db.query(d.createTableSql(table, [{ name: 'id', schema: Schemas.INT32, isPrimaryKey: true }], ['id']));
    await db.query(d.insertSql(table, ['id'], 1), [1]);
    await db.transaction(async (holder) => {
      await holder.execute(`UPDATE ${d.quoteTable(table)} SET id = 1 WHERE id = 1`);
      await assert.rejects(
        db.transaction(async (waiter) => {
          await waiter.execute('SET SESSION innodb_lock_wait_timeout = 1');
          await waiter.execute(`UPDATE ${d.quoteTable(table)} SET id = 1 WHERE id = 1`);
        }),
        (e: unknown) => {
          assert.ok(e instanceof RetriableError, String(e));
          assert.equal(sqlErrorDetails(e)?.errno, 1205);
          return true;
        },
      );
    });
  });
});

describe('PostgreSQL lock timeout', () => {
  test('55P03 is retriable', async () => {
    const t = await openTestDatabase('postgresql', { poolSize: 3 });
    try {
      const { db } = t;
      const d = db.dialect;
      const table: TableId = { catalog: null, schema: null, table: t.table('l') };
      await db.query(d.createTableSql(table, [{ name: 'id', schema: Schemas.INT32, isPrimaryKey: true }], ['id']));
      await db.query(d.insertSql(table, ['id'], 1), [1]);
      await db.transaction(async (holder) => {
        await holder.execute(`UPDATE ${d.quoteTable(table)} SET id = 1 WHERE id = 1`);
        await assert.rejects(
          db.transaction(async (waiter) => {
            await waiter.execute("SET LOCAL lock_timeout = '200ms'");
            await waiter.execute(`UPDATE ${d.quoteTable(table)} SET id = 1 WHERE id = 1`);
          }),
          (e: unknown) => expectSqlState(e, RetriableError, '55P03'),
        );
      });
    } finally {
      await t.close();
    }
  });
});

describe('PostgreSQL COPY FROM STDIN', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('postgresql', { poolSize: 8 });
  });
  after(async () => {
    await t?.close();
  });

  test('copyRows loads escaped text, NULLs, bytes and logical values; a clash fails and rolls back', async () => {
    const { db } = t;
    const d = db.dialect;
    const table: TableId = { catalog: null, schema: null, table: t.table('copy') };
    await createTableIfMissing(db, table, COLUMNS, ['id']);
    const tricky = 'tab\there\nnew line \\ back\\slash \r end \\N';
    const rows = [row(1n, tricky, 1), [2n, null, null, null, null, null, false, null], row(3n, 'ü €', 3)];
    const copied = await db.transaction(async (tx) => {
      assert.ok(tx.copyRows !== undefined, 'PostgreSQL transactions can COPY');
      return tx.copyRows(
        table,
        NAMES,
        rows.map((r) => r.map((v, i) => d.toSqlValue((COLUMNS[i] as WriteColumn).schema, v, TZ))),
      );
    });
    assert.equal(copied.affectedRows, 3);
    const back = await readAll(db, table);
    assert.deepEqual(back[0]?.slice(0, 3), [1n, tricky, 1]);
    assert.equal(back[0]?.[3], '12.34');
    assert.deepEqual(back[0]?.slice(4), [
      new Date('2024-02-29T00:00:00Z'),
      new Date('2024-07-01T10:00:00.123Z'),
      true,
      Buffer.from([0, 1, 255]),
    ]);
    assert.deepEqual(back[1], [2n, null, null, null, null, null, false, null]);
    assert.equal(back[2]?.[1], 'ü €');
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.execute(d.insertSql(table, ['id'], 1), ['10']);
        await tx.copyRows?.(
          table,
          ['id', 'name'],
          [
            ['4', 'x'],
            ['1', 'clash'],
          ],
        );
      }),
      (e: unknown) => expectSqlState(e, DataError, '23505'),
    );
    assert.equal((await readAll(db, table)).length, 3);
    // The connection went back to the pool in a usable state.
    for (let i = 0; i < 8; i++) assert.deepEqual((await db.query('SELECT 1')).rows, [[1]]);
  });

  test('racing creators all succeed through createTableIfMissing', async () => {
    const { db } = t;
    for (let round = 0; round < 3; round++) {
      const table: TableId = { catalog: null, schema: null, table: t.table('race') };
      await Promise.all(Array.from({ length: 8 }, () => createTableIfMissing(db, table, COLUMNS, ['id'])));
      assert.deepEqual(await db.dialect.primaryKey(db, table), ['id']);
    }
  });

  test('other dialects have no copyRows', async () => {
    const s = await openTestDatabase('sqlite');
    try {
      await s.db.transaction(async (tx) => assert.equal(tx.copyRows, undefined));
    } finally {
      await s.close();
    }
  });
});

describe('DuckDB appender copyRows', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('duckdb');
  });
  after(async () => {
    await t?.close();
  });

  test('copyRows appends typed and logical values and NULLs in the transaction; a bad value rolls back as a DataError', async () => {
    const { db } = t;
    const d = db.dialect;
    const table: TableId = { catalog: null, schema: null, table: t.table('append') };
    await createTableIfMissing(db, table, COLUMNS, ['id']);
    const rows = [row(1n, 'tab\there', 1), [2n, null, null, null, null, null, false, null]];
    const copied = await db.transaction(async (tx) => {
      assert.ok(tx.copyRows !== undefined, 'DuckDB transactions can append');
      return tx.copyRows(
        table,
        NAMES,
        rows.map((r) => r.map((v, i) => d.toSqlValue((COLUMNS[i] as WriteColumn).schema, v, TZ))),
      );
    });
    assert.equal(copied.affectedRows, 2);
    const back = await readAll(db, table);
    assert.deepEqual(back[0]?.slice(0, 3), [1n, 'tab\there', 1]);
    assert.equal(back[0]?.[3], '12.34');
    assert.deepEqual(back[0]?.slice(4), [
      new Date('2024-02-29T00:00:00Z'),
      new Date('2024-07-01T10:00:00.123Z'),
      true,
      Buffer.from([0, 1, 255]),
    ]);
    assert.deepEqual(back[1], [2n, null, null, null, null, null, false, null]);
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.execute(d.insertSql(table, ['id'], 1), [10n]);
        await tx.copyRows?.(table, NAMES, [[11n, null, null, 'not a number', null, null, null, null]]);
      }),
      (e: unknown) => expectSqlState(e, DataError, '22'),
    );
    await assert.rejects(
      db.transaction(async (tx) => tx.copyRows?.(table, ['id'], [[12n]])),
      /has 8 columns, not the 1 given/,
    );
    assert.equal((await readAll(db, table)).length, 2);
  });
});
