import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sqliteDriver } from '../../src/drivers/sqlite-driver.js';

// Regression: a column added (by another connection) between preparing a read and its first
// row came back as an extra value with no column, and readers dropped it — the demo lost
// its `coupon` column that way.
it('a table altered while a read is pending reads the new column instead of dropping it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-sqlite-driver-'));
  const file = join(dir, 'shop.db');
  const reader = new BetterSqlite3(file);
  const writer = new BetterSqlite3(file);
  try {
    writer.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO orders VALUES (1, 'one')");
    const opened = sqliteDriver.stream(reader, 'SELECT * FROM orders', [], 10, undefined as never);
    writer.exec("ALTER TABLE orders ADD COLUMN coupon TEXT; INSERT INTO orders VALUES (2, 'two', 'SPRING5')");
    const rows: unknown[] = [];
    for await (const row of opened.rows) rows.push(row);
    assert.deepEqual(
      (await opened.columns()).map((c) => c.name),
      ['id', 'v', 'coupon'],
    );
    assert.deepEqual(rows, [
      [1, 'one', null],
      [2, 'two', 'SPRING5'],
    ]);
  } finally {
    reader.close();
    writer.close();
    await rm(dir, { recursive: true, force: true });
  }
});

// `execute` keeps its prepared statements per connection; what it runs must still follow
// the table as it is now, whoever changed it.
it('execute reuses prepared statements and still follows tables altered, dropped or re-created', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-sqlite-driver-'));
  const db = new BetterSqlite3(join(dir, 'cache.db'));
  const other = new BetterSqlite3(join(dir, 'cache.db'));
  try {
    const insert = 'INSERT INTO t (a) VALUES (?)';
    db.exec('CREATE TABLE t (a INTEGER)');
    assert.deepEqual(await sqliteDriver.execute(db, insert, [1]), { affectedRows: 1 });
    other.exec('ALTER TABLE t ADD COLUMN b TEXT');
    assert.deepEqual(await sqliteDriver.execute(db, insert, [2]), { affectedRows: 1 });
    other.exec('DROP TABLE t; CREATE TABLE t (z INTEGER)');
    await assert.rejects(sqliteDriver.execute(db, insert, [3]), /no column named a/);
    other.exec('DROP TABLE t; CREATE TABLE t (a INTEGER)');
    assert.deepEqual(await sqliteDriver.execute(db, insert, [4]), { affectedRows: 1 });
    // More distinct statements than are kept: the oldest are prepared again when needed.
    for (let i = 0; i < 40; i++) await sqliteDriver.execute(db, `INSERT INTO t (a) VALUES (${i} + ?)`, [1000]);
    assert.deepEqual(await sqliteDriver.execute(db, insert, [5]), { affectedRows: 1 });
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 42);
  } finally {
    db.close();
    other.close();
    await rm(dir, { recursive: true, force: true });
  }
});
