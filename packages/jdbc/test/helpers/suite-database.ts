// One test database per describe(): opened before its tests, closed (its tables dropped) after.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Database, DialectName } from '../../src/index.js';
import { openTestDatabase, type TestDatabase } from './databases.js';

/**
 * Registers before/after hooks in the calling describe() that open `dialect`'s test database
 * and close it; the returned TestDatabase stands for it while the tests run.
 */
export function suiteDatabase(dialect: DialectName): TestDatabase {
  let opened: TestDatabase | undefined;
  before(async () => {
    opened = await openTestDatabase(dialect);
  });
  after(async () => {
    await opened?.close();
  });
  const current = (): TestDatabase => {
    if (opened === undefined) throw new Error(`the ${dialect} test database is used outside its tests`);
    return opened;
  };
  return {
    get db() {
      return current().db;
    },
    table: (prefix) => current().table(prefix),
    close: () => current().close(),
  };
}

/** Asserts that `db`'s dialect reads the database clock and that it is close to ours. */
export async function assertCurrentTimeNearOurs(db: Database): Promise<void> {
  const now = await db.dialect.currentTime(db);
  assert.ok(Math.abs(now.getTime() - Date.now()) < 5_000, `database time ${now.toISOString()}`);
}
