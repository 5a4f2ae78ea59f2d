import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, ConnectError, type Logger } from '@tributary/api';
import { type Database, openDatabase, parseConnectionUrl, type RowBatch } from '../src/index.js';
import { openTestDatabase, type TestDatabase } from './helpers/databases.js';

const ROWS = 100_000;
const BATCH = 500;
const SECRET = 'n0t-in-messages';

function recordingLogger(lines: string[]): Logger {
  const log = (fieldsOrMessage: object | string, message?: string) => {
    lines.push(typeof fieldsOrMessage === 'string' ? fieldsOrMessage : (message ?? ''));
  };
  const ignore = () => undefined;
  const logger: Logger = { trace: ignore, debug: ignore, info: ignore, warn: log, error: log, child: () => logger };
  return logger;
}

// 1..100000 without recursion (MariaDB limits recursive CTEs to max_recursive_iterations).
const HUNDRED_THOUSAND = `WITH d(x) AS (SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9),
  numbers(n) AS (SELECT 1 + a.x + 10 * b.x + 100 * c.x + 1000 * e.x + 10000 * f.x FROM d a, d b, d c, d e, d f)`;

async function fillTable(db: Database, table: string): Promise<void> {
  const q = (n: string) => db.dialect.quoteIdentifier(n);
  await db.query(`CREATE TABLE ${q(table)} (id BIGINT NOT NULL PRIMARY KEY, payload VARCHAR(200) NOT NULL)`);
  if (db.dialect.name === 'postgresql') {
    await db.query(`INSERT INTO ${q(table)} SELECT g, repeat('x', 200) FROM generate_series(1, $1::int) g`, [ROWS]);
  } else {
    await db.query(
      `INSERT INTO ${q(table)} (id, payload) ${HUNDRED_THOUSAND} SELECT n, ${db.dialect.name === 'mysql' ? "REPEAT('x', 200)" : "printf('%.200c', 'x')"} FROM numbers`,
    );
  }
}

async function streamAll(
  db: Database,
  table: string,
  batchSize: number,
): Promise<{ batches: number; count: number; maxBatch: number }> {
  const q = (n: string) => db.dialect.quoteIdentifier(n);
  let count = 0;
  let batches = 0;
  let maxBatch = 0;
  let expectedId = 1n;
  for await (const batch of db.stream(`SELECT id, payload FROM ${q(table)} ORDER BY id`, [], { batchSize })) {
    batches++;
    maxBatch = Math.max(maxBatch, batch.rows.length);
    assert.ok(batch.rows.length > 0 && batch.rows.length <= batchSize, `batch of ${batch.rows.length} rows`);
    assert.deepEqual(
      batch.columns.map((c) => c.name),
      ['id', 'payload'],
    );
    for (const row of batch.rows) {
      assert.equal(BigInt(row[0] as string | bigint), expectedId);
      expectedId++;
      count++;
    }
  }
  return { batches, count, maxBatch };
}

for (const dialect of ['mysql', 'postgresql', 'sqlite'] as const) {
  describe(`Database on ${dialect}`, () => {
    let t: TestDatabase;
    let big: string;
    before(async () => {
      t = await openTestDatabase(dialect);
      big = t.table('big');
      await fillTable(t.db, big);
    });
    after(async () => {
      await t?.close();
    });

    test(`streams ${ROWS} rows in batches of at most ${BATCH}`, async () => {
      const result = await streamAll(t.db, big, BATCH);
      assert.equal(result.count, ROWS);
      assert.equal(result.maxBatch, BATCH);
      assert.equal(result.batches, ROWS / BATCH);
    });

    test('binds parameters with the dialect placeholders', async () => {
      const { db } = t;
      const q = (n: string) => db.dialect.quoteIdentifier(n);
      const sql = `SELECT id FROM ${q(big)} WHERE id > ${db.dialect.placeholder(1)} AND payload LIKE ${db.dialect.placeholder(2)} ORDER BY id`;
      const seen: unknown[] = [];
      for await (const batch of db.stream(sql, [ROWS - 3, 'x%'], { batchSize: 2 }))
        seen.push(...batch.rows.map((r) => String(r[0])));
      assert.deepEqual(seen, [String(ROWS - 2), String(ROWS - 1), String(ROWS)]);
    });

    test('leaving a stream early releases the connection for the next query', async () => {
      const { db } = t;
      for (let i = 0; i < 3; i++) {
        for await (const batch of db.stream(`SELECT * FROM ${db.dialect.quoteIdentifier(big)}`, [], {
          batchSize: 10,
        })) {
          assert.equal(batch.rows.length, 10);
          break;
        }
        const { rows } = await db.query(`SELECT COUNT(*) FROM ${db.dialect.quoteIdentifier(big)}`);
        assert.equal(String(rows[0]?.[0]), String(ROWS));
      }
    });

    test('aborting the signal ends the stream with its reason and frees the connection', async () => {
      const { db } = t;
      const controller = new AbortController();
      const reason = new Error('stop now');
      const seen: RowBatch[] = [];
      await assert.rejects(
        (async () => {
          for await (const batch of db.stream(`SELECT * FROM ${db.dialect.quoteIdentifier(big)}`, [], {
            batchSize: 100,
            signal: controller.signal,
          })) {
            seen.push(batch);
            controller.abort(reason);
          }
        })(),
        (e: unknown) => e === reason,
      );
      assert.equal(seen.length, 1);
      // Both pooled connections work afterwards.
      const results = await Promise.all([db.query('SELECT 1'), db.query('SELECT 2'), db.dialect.currentTime(db)]);
      assert.equal(results.length, 3);
    });

    test('an already aborted signal reads nothing', async () => {
      const controller = new AbortController();
      controller.abort(new Error('early'));
      await assert.rejects(
        (async () => {
          for await (const _ of t.db.stream('SELECT 1', [], { batchSize: 1, signal: controller.signal }))
            assert.fail('no batch expected');
        })(),
        /early/,
      );
    });

    test('SQL errors are ConnectErrors naming the database, not retriable', async () => {
      await assert.rejects(t.db.query('SELEKT nonsense'), (e: unknown) => {
        assert.ok(e instanceof ConnectError);
        assert.equal(e.isRetriable, false);
        assert.ok(e.message.includes(t.db.spec.address), e.message);
        return true;
      });
      await assert.rejects(
        (async () => {
          for await (const _ of t.db.stream('SELECT * FROM no_such_table_here', [], { batchSize: 10 }))
            assert.fail('no batch expected');
        })(),
        ConnectError,
      );
    });
  });
}

describe('streams read ahead a bounded number of rows', () => {
  test('postgresql: a cursor evaluates about one batch ahead of the consumer', async () => {
    const t = await openTestDatabase('postgresql');
    const seq = t.table('seq');
    const q = (n: string) => t.db.dialect.quoteIdentifier(n);
    try {
      await t.db.query(`CREATE SEQUENCE ${q(seq)}`);
      const stream = t.db.stream(`SELECT nextval('${q(seq)}'), repeat('x', 100) FROM generate_series(1, ${ROWS})`, [], {
        batchSize: 100,
      });
      for await (const batch of stream) {
        assert.equal(batch.rows.length, 100);
        const { rows } = await t.db.query(`SELECT last_value FROM ${q(seq)}`);
        assert.ok(
          Number(rows[0]?.[0]) <= 300,
          `the database produced ${String(rows[0]?.[0])} rows for one batch of 100`,
        );
        break;
      }
    } finally {
      await t.db.query(`DROP SEQUENCE IF EXISTS ${q(seq)}`);
      await t.close();
    }
  });

  test('mysql: the first batch arrives before the result is fully produced', async () => {
    const t = await openTestDatabase('mysql');
    const seq = t.table('seq');
    const q = (n: string) => t.db.dialect.quoteIdentifier(n);
    try {
      await t.db.query(`CREATE SEQUENCE ${q(seq)} NOCACHE`);
      const stream = t.db.stream(`${HUNDRED_THOUSAND} SELECT NEXTVAL(${q(seq)}), REPEAT('x', 1000) FROM numbers`, [], {
        batchSize: 100,
      });
      for await (const batch of stream) {
        assert.equal(batch.rows.length, 100);
        const { rows } = await t.db.query(`SELECT NEXTVAL(${q(seq)})`);
        assert.ok(
          Number(rows[0]?.[0]) < ROWS,
          `the whole result (${String(rows[0]?.[0])} rows) was produced before the first batch`,
        );
        break;
      }
    } finally {
      await t.db.query(`DROP SEQUENCE IF EXISTS ${q(seq)}`);
      await t.close();
    }
  });

  test('sqlite: iterate() evaluates about one batch ahead of the consumer', async () => {
    const db = await openDatabase(parseConnectionUrl('jdbc:sqlite::memory:'), { attempts: 1 });
    try {
      let produced = 0;
      const knex = db.knex;
      assert.ok(knex !== null, 'SQLite databases have a knex instance');
      const raw = (await knex.client.acquireConnection()) as {
        function(name: string, fn: (x: unknown) => unknown): void;
      };
      raw.function('tick', (x) => {
        produced++;
        return x;
      });
      await knex.client.releaseConnection(raw);
      const sql = `${HUNDRED_THOUSAND} SELECT tick(n) FROM numbers`;
      for await (const batch of db.stream(sql, [], { batchSize: 100 })) {
        assert.equal(batch.rows.length, 100);
        assert.ok(produced <= 300, `SQLite produced ${produced} rows for one batch of 100`);
        break;
      }
    } finally {
      await db.close();
    }
  });
});

describe('aborting a slow statement cancels it on the server', () => {
  const slow = {
    mysql: {
      sql: (marker: string) => `SELECT SLEEP(600) AS ${marker}`,
      running: (marker: string) =>
        [
          `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()`,
          [`%AS ${marker}%`],
        ] as const,
    },
    postgresql: {
      sql: (marker: string) => `SELECT pg_sleep(600) AS ${marker}`,
      running: (marker: string) =>
        [
          `SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`,
          [`%AS ${marker}%`],
        ] as const,
    },
  };
  for (const dialect of ['mysql', 'postgresql'] as const) {
    // The statement sleeps 10 minutes: without cancellation the test runs into this timeout.
    test(dialect, { timeout: 60_000 }, async () => {
      const t = await openTestDatabase(dialect);
      const marker = `slow_${randomUUID().slice(0, 8)}`;
      const [runningSql, runningBindings] = slow[dialect].running(marker);
      const isRunning = async () => Number((await t.db.query(runningSql, runningBindings)).rows[0]?.[0]) > 0;
      try {
        const controller = new AbortController();
        const reading = (async () => {
          for await (const _ of t.db.stream(slow[dialect].sql(marker), [], { batchSize: 1, signal: controller.signal }))
            assert.fail('no row expected');
        })();
        while (!(await isRunning())) await sleep(20);
        controller.abort(new Error('stop'));
        await assert.rejects(reading, /stop/);
        // The server stops the statement (MySQL's KILL QUERY lands asynchronously).
        for (let i = 0; i < 250 && (await isRunning()); i++) await sleep(20);
        assert.equal(await isRunning(), false, 'the statement is still running on the server');
      } finally {
        await t.close();
      }
    });
  }
});

describe('a connection the server drops is replaced', () => {
  const kill = {
    mysql: { id: 'SELECT CONNECTION_ID()', kill: 'KILL CONNECTION ?' },
    postgresql: { id: 'SELECT pg_backend_pid()', kill: 'SELECT pg_terminate_backend($1)' },
  };
  for (const dialect of ['mysql', 'postgresql'] as const) {
    test(dialect, async () => {
      const t = await openTestDatabase(dialect);
      const admin = await openTestDatabase(dialect);
      try {
        const id = (await t.db.query(kill[dialect].id)).rows[0]?.[0];
        await admin.db.query(kill[dialect].kill, [id]);
        // Queries may meet the dead connection (the server ends it asynchronously): those
        // fail with a retriable error, and the pool replaces the connection.
        let after: unknown = id;
        for (let i = 0; i < 100 && String(after) === String(id); i++) {
          try {
            after = (await t.db.query(kill[dialect].id)).rows[0]?.[0];
          } catch (error) {
            assert.ok(error instanceof ConnectError && error.isRetriable, `not retriable: ${String(error)}`);
          }
          if (String(after) === String(id)) await sleep(20);
        }
        assert.notEqual(String(after), String(id));
      } finally {
        await admin.close();
        await t.close();
      }
    });
  }
});

describe('a connection lost in the middle of a stream', () => {
  const kill = {
    mysql: { id: 'SELECT CONNECTION_ID()', kill: 'KILL CONNECTION ?' },
    postgresql: { id: 'SELECT pg_backend_pid()', kill: 'SELECT pg_terminate_backend($1)' },
  };
  for (const dialect of ['mysql', 'postgresql'] as const) {
    test(`${dialect}: fails the stream with a retriable error, and the database recovers`, {
      timeout: 60_000,
    }, async () => {
      const t = await openTestDatabase(dialect);
      const admin = await openTestDatabase(dialect);
      try {
        const table = t.table('lost');
        await fillTable(t.db, table);
        let batches = 0;
        await assert.rejects(
          (async () => {
            const sql = `SELECT id, payload, (${kill[dialect].id.replace('SELECT ', '')}) AS backend FROM ${t.db.dialect.quoteIdentifier(table)}`;
            for await (const batch of t.db.stream(sql, [], { batchSize: 10 })) {
              if (batches++ === 0) await admin.db.query(kill[dialect].kill, [batch.rows[0]?.[2]]);
            }
          })(),
          (e: unknown) => e instanceof ConnectError && e.isRetriable,
        );
        assert.ok(batches < ROWS / 10, 'the stream ended early');
        let recovered = false;
        for (let i = 0; i < 100 && !recovered; i++) {
          recovered = await t.db.query('SELECT 1').then(
            () => true,
            () => false,
          );
        }
        assert.ok(recovered);
      } finally {
        await admin.close();
        await t.close();
      }
    });
  }
});

describe('openDatabase', () => {
  for (const [dialect, url] of [
    ['mysql', `mysql://root:${SECRET}@127.0.0.1:1/test`],
    ['postgresql', `postgres://postgres:${SECRET}@127.0.0.1:1/test`],
  ] as const) {
    test(`${dialect}: a wrong port fails after connection.attempts, naming host:port and the attempts`, async () => {
      const lines: string[] = [];
      await assert.rejects(
        openDatabase(parseConnectionUrl(url), { attempts: 2, backoffMs: 10, logger: recordingLogger(lines) }),
        (e: unknown) => {
          assert.ok(e instanceof ConnectError);
          assert.equal(e.code, 'CONNECTION');
          assert.match(e.message, /127\.0\.0\.1:1\b/);
          assert.match(e.message, /after 2 attempts/);
          assert.ok(!e.message.includes(SECRET), e.message);
          return true;
        },
      );
      assert.equal(lines.length, 2);
      assert.match(lines[0] ?? '', /attempt 1 of 2/);
      assert.ok(!lines.join('\n').includes(SECRET));
    });
  }

  test('aborting during the back-off stops retrying', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const logger = recordingLogger(lines);
    const opening = openDatabase(parseConnectionUrl('jdbc:mysql://127.0.0.1:1/test'), {
      attempts: 100,
      backoffMs: 60_000,
      signal: controller.signal,
      logger: {
        ...logger,
        warn: (...args: [object | string, string?]) => {
          (logger.warn as (a: object | string, b?: string) => void)(...args);
          controller.abort(new Error('worker stopping'));
        },
      } as Logger,
    });
    await assert.rejects(opening, /worker stopping/);
    assert.equal(lines.length, 1);
  });

  test('sqlite: a missing file is a ConfigError unless creating it is allowed', async () => {
    const url = `jdbc:sqlite:/tmp/tributary-missing-${process.pid}-${Date.now()}/nothing.db`;
    await assert.rejects(
      openDatabase(parseConnectionUrl(url)),
      (e: unknown) => e instanceof ConfigError && /does not exist/.test(e.message),
    );
  });

  test('close is idempotent and later queries fail clearly', async () => {
    const db = await openDatabase(parseConnectionUrl('sqlite::memory:'));
    await db.close();
    await db.close();
    await assert.rejects(db.query('SELECT 1'), /closed/);
  });
});
