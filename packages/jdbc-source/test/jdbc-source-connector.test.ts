import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LogFn, Logger, SourceConnectorContext } from '@tributary/api';
import { parseSourceConfig } from '../src/config.js';
import { JdbcSourceConnector } from '../src/jdbc-source-connector.js';
import { TABLES_KEY } from '../src/jdbc-source-task.js';
import { openTestDatabase, q, type TestDatabase } from './harness.js';

/** Collects warnings; the other levels are dropped. */
function recordingLogger(warnings: string[]): Logger {
  const ignore: LogFn = () => {};
  const warn: LogFn = (first: object | string, message?: string) => {
    warnings.push(typeof first === 'string' ? first : (message ?? ''));
  };
  const logger: Logger = { trace: ignore, debug: ignore, info: ignore, warn, error: ignore, child: () => logger };
  return logger;
}

function contextWith(warnings: string[], reconfigurations: { count: number }): SourceConnectorContext {
  return {
    logger: recordingLogger(warnings),
    workerBootstrapServers: [],
    requestTaskReconfiguration: () => {
      reconfigurations.count++;
    },
    raiseError: (err) => {
      throw err;
    },
    offsetStorageReader: {
      offset: async () => null,
      offsets: async () => new Map(),
    },
  };
}

describe('JdbcSourceConnector (SQLite)', () => {
  let dir = '';
  let db: TestDatabase;
  const names = ['alpha', 'beta', 'gamma'];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jdbc-connector-'));
    db = await openTestDatabase('sqlite', dir);
    for (const n of names)
      await db.db.query(`CREATE TABLE ${q(db, n)} (id INTEGER PRIMARY KEY AUTOINCREMENT, ts DATETIME NOT NULL)`);
  });

  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function started(props: Record<string, string>, warnings: string[] = [], reconfigurations = { count: 0 }) {
    const all = { ...db.props, ...props };
    const connector = new JdbcSourceConnector();
    await connector.start(parseSourceConfig(all, 'test'), all, contextWith(warnings, reconfigurations));
    return connector;
  }

  it('spreads the tables round-robin over min(tasks.max, tables) tasks', async () => {
    const connector = await started({ mode: 'bulk', 'table.include.list': '.*a' });
    try {
      const tablesOf = (configs: Record<string, string>[]) =>
        configs.map((c) => (JSON.parse(c[TABLES_KEY] ?? '[]') as { table: string }[]).map((t) => t.table));
      assert.deepEqual(tablesOf(await connector.taskConfigs(2)), [['alpha', 'gamma'], ['beta']]);
      assert.deepEqual(tablesOf(await connector.taskConfigs(5)), [['alpha'], ['beta'], ['gamma']]);
      assert.deepEqual(tablesOf(await connector.taskConfigs(1)), [['alpha', 'beta', 'gamma']]);
    } finally {
      await connector.stop();
    }
  });

  it('warns about pure incrementing and about timestamp modes without a delay', async () => {
    const incWarnings: string[] = [];
    const inc = await started({ mode: 'incrementing', 'table.whitelist': 'alpha' }, incWarnings);
    await inc.stop();
    assert.ok(
      incWarnings.some((w) => /mode=incrementing misses rows/.test(w)),
      JSON.stringify(incWarnings),
    );

    const tsWarnings: string[] = [];
    const ts = await started(
      { mode: 'timestamp', 'timestamp.column.name': 'ts', 'table.whitelist': 'alpha' },
      tsWarnings,
    );
    await ts.stop();
    assert.ok(
      tsWarnings.some((w) => /timestamp\.delay\.interval\.ms=0/.test(w)),
      JSON.stringify(tsWarnings),
    );

    const quietWarnings: string[] = [];
    const quiet = await started(
      {
        mode: 'timestamp',
        'timestamp.column.name': 'ts',
        'timestamp.delay.interval.ms': '5000',
        'table.whitelist': 'alpha',
      },
      quietWarnings,
    );
    await quiet.stop();
    assert.deepEqual(quietWarnings, []);
  });

  it('asks for new task configurations when a matching table appears', async () => {
    const reconfigurations = { count: 0 };
    const connector = await started(
      { mode: 'bulk', 'table.include.list': 'delta', 'table.poll.interval.ms': '50' },
      [],
      reconfigurations,
    );
    try {
      assert.equal((await connector.taskConfigs(1))[0]?.[TABLES_KEY], '[]');
      await db.db.query(`CREATE TABLE ${q(db, 'delta')} (id INTEGER PRIMARY KEY)`);
      const deadline = Date.now() + 10_000;
      while (reconfigurations.count === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(reconfigurations.count, 1);
      const tables = JSON.parse((await connector.taskConfigs(1))[0]?.[TABLES_KEY] ?? '[]') as { table: string }[];
      assert.deepEqual(
        tables.map((t) => t.table),
        ['delta'],
      );
    } finally {
      await connector.stop();
    }
  });

  it("refuses offsets written through the REST API that are not in Confluent's shapes", () => {
    const connector = new JdbcSourceConnector();
    connector.alterOffsets({}, new Map([[{ protocol: '1', table: 'test.orders' }, { incrementing: 5 }]]));
    connector.alterOffsets({}, new Map([[{ query: 'query' }, { timestamp: 1, timestamp_nanos: 1_000_000 }]]));
    assert.throws(
      () => connector.alterOffsets({}, new Map([[{ file: 'x' }, { incrementing: 5 }]])),
      /partition: .*"table"/,
    );
    assert.throws(
      () => connector.alterOffsets({}, new Map([[{ table: 'orders' }, { incrementing: 'many' }]])),
      /offset: .*invalid incrementing/,
    );
  });
});
