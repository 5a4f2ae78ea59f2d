// CREATE TABLE IF NOT EXISTS is not enough when creators race: PostgreSQL may fail one of
// them on its catalog's unique index (23505 on pg_type) or with 42P07, and DuckDB with a
// catalog write-write conflict. The table exists in all of these cases.
import type { Database, Queryable, TableId, WriteColumn } from './dialect.js';
import { sqlErrorDetails } from './driver-errors.js';

function isLostCreateRace(error: unknown): boolean {
  const state = sqlErrorDetails(error)?.sqlState;
  // PostgreSQL: the catalog's unique index (23505), the table (42P07) or its row type (42710)
  // created by the other creator between our existence check and our insert.
  if (state === '23505' || state === '42P07' || state === '42710') return true;
  return error instanceof Error && /write-write conflict on create/i.test(error.message);
}

/**
 * Creates `table` unless it exists (`Dialect.createTableSql`), succeeding when another task
 * or worker creates it at the same moment. The caller re-reads the table's metadata after.
 */
export async function createTableIfMissing(
  db: Pick<Database, 'dialect'> & Queryable,
  table: TableId,
  columns: readonly WriteColumn[],
  primaryKey: readonly string[],
): Promise<void> {
  const sql = db.dialect.createTableSql(table, columns, primaryKey);
  try {
    await db.query(sql);
  } catch (error) {
    if (!isLostCreateRace(error)) throw error;
  }
}
