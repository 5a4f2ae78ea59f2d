/** The testkit's sink conformance suite, applied to the JDBC sink writing into SQLite. */
import { join } from 'node:path';
import { type Database, openDatabase, parseConnectionUrl } from '@tributary/jdbc';
import { runSinkConnectorConformance } from '@tributary/testkit';
import { jdbcSink } from '../src/index.js';

const urlOf = (dir: string) => `jdbc:sqlite:${join(dir, 'sink.sqlite')}`;

async function readIds(dir: string, table: string): Promise<string[]> {
  let db: Database;
  try {
    db = await openDatabase(parseConnectionUrl(urlOf(dir)), { attempts: 1, backoffMs: 0 });
  } catch {
    return []; // The sink has not created the file yet.
  }
  try {
    const q = db.dialect.quoteIdentifier;
    const exists = await db.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`, [table]);
    if (exists.rows.length === 0) return [];
    const result = await db.query(`SELECT ${q('id')} FROM ${q(table)} ORDER BY rowid`);
    return result.rows.map((r) => String(r[0]));
  } finally {
    await db.close();
  }
}

runSinkConnectorConformance({
  title: 'JdbcSinkConnector (SQLite) conformance',
  plugin: jdbcSink,
  pluginModule: { module: new URL('../src/index.ts', import.meta.url).href, exportName: 'jdbcSink' },
  baseConfig: (ctx) => ({ 'connection.url': urlOf(ctx.dir), 'auto.create': 'true', 'retry.backoff.ms': '100' }),
  recordValue: (id) => ({ id }),
  readSinkData: (ctx) => readIds(ctx.dir, ctx.topic),
});
