import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SourceOffset, SourceRecord } from '@tributary/api';
import { createOffsetStorageReader, createRootLogger, FileOffsetStore } from '@tributary/runtime';
import { JdbcSourceTask, TABLES_KEY } from '../src/jdbc-source-task.js';
import { type DbKind, dropTable, insert, openTestDatabase, q, type TestDatabase, uniqueTable } from './harness.js';

const T1 = '2024-01-01 10:00:00.000';
const T2 = '2024-01-01 10:00:01.250';
const T3 = '2024-01-01 10:00:02.000';
const ms = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
const at = (text: string) => ({ timestamp: ms(text), timestamp_nanos: (ms(text) % 1000) * 1_000_000 });
const START = { timestamp: 0, timestamp_nanos: 0 };

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jdbc-querier-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

for (const kind of ['mariadb', 'postgres', 'sqlite'] as DbKind[]) {
  describe(`TableQuerier on ${kind}`, () => {
    let db: TestDatabase;
    let table = '';
    let store: FileOffsetStore;

    before(async () => {
      db = await openTestDatabase(kind, dir);
      table = uniqueTable();
      await db.db.query(
        `CREATE TABLE ${q(db, table)} (id ${db.types.serialPk}, name ${db.types.text} NOT NULL, ts ${db.types.timestamp} NOT NULL)`,
      );
      await insert(
        db,
        table,
        [T1, T1, T2, T2, T2, T2, T3].map((ts, i) => ({ name: `r${i + 1}`, ts })),
      );
      store = new FileOffsetStore(join(dir, `offsets-${table}-${kind}.json`));
      await store.start();
    });

    after(async () => {
      await store.stop();
      await dropTable(db, table).catch(() => undefined);
      await db.close();
    });

    async function startTask(connector: string, extra: Record<string, string> = {}): Promise<JdbcSourceTask> {
      const tables = await db.db.dialect.listTables(db.db);
      const id = tables.find((t) => t.table === table);
      assert.ok(id, `table ${table} is listed`);
      const task = new JdbcSourceTask();
      await task.start(
        {
          ...db.props,
          mode: 'timestamp',
          'timestamp.column.name': 'ts',
          'table.whitelist': table,
          'batch.max.rows': '3',
          'poll.interval.ms': '60000',
          'poll.linger.ms': '100',
          [TABLES_KEY]: JSON.stringify([id]),
          ...extra,
        },
        {
          taskId: 0,
          connectorName: connector,
          logger: createRootLogger({ level: 'silent' }),
          workerBootstrapServers: [],
          offsetStorageReader: createOffsetStorageReader(store, connector),
        },
      );
      return task;
    }

    const view = (records: SourceRecord[]) =>
      records.map((r) => [(r.value as { get(f: string): unknown }).get('name'), r.sourceOffset]);

    it('a record carries its timestamp only when the next row has a later one, across polls', async () => {
      const task = await startTask('c1');
      const signal = new AbortController().signal;
      try {
        assert.deepEqual(view(await task.poll(signal)), [
          ['r1', START],
          ['r2', at(T1)],
          ['r3', at(T1)],
        ]);
        assert.deepEqual(view(await task.poll(signal)), [
          ['r4', at(T1)],
          ['r5', at(T1)],
          ['r6', at(T2)],
        ]);
        assert.deepEqual(view(await task.poll(signal)), [['r7', at(T3)]]);
        // Nothing is due again before poll.interval.ms: an empty poll, not a busy loop.
        assert.deepEqual(await task.poll(signal), []);
      } finally {
        await task.stop();
      }
    });

    it('a restart after a poll that ended inside a timestamp group re-reads the whole group', async () => {
      const first = await startTask('c2');
      const signal = new AbortController().signal;
      let committed: SourceOffset;
      try {
        const records = await first.poll(signal);
        committed = (records.at(-1) as SourceRecord).sourceOffset;
        await store.set('c2', [[(records.at(-1) as SourceRecord).sourcePartition, committed]]);
      } finally {
        await first.stop();
      }
      assert.deepEqual(committed, at(T1));
      const second = await startTask('c2');
      try {
        const names = [...(await second.poll(signal)), ...(await second.poll(signal))].map((r) =>
          (r.value as { get(f: string): unknown }).get('name'),
        );
        assert.deepEqual(names, ['r3', 'r4', 'r5', 'r6', 'r7']);
      } finally {
        await second.stop();
      }
    });

    it('starts at timestamp.initial when there is no stored offset; -1 means the database clock', async () => {
      const from = await startTask('c4', { 'timestamp.initial': String(ms(T2) - 1) });
      try {
        const names = (await from.poll(new AbortController().signal)).map((r) =>
          (r.value as { get(f: string): unknown }).get('name'),
        );
        assert.deepEqual(names, ['r3', 'r4', 'r5']);
      } finally {
        await from.stop();
      }
      const now = await startTask('c5', { 'timestamp.initial': '-1' });
      try {
        assert.deepEqual(await now.poll(new AbortController().signal), []);
      } finally {
        await now.stop();
      }
    });

    it('detects the auto-increment column when incrementing.column.name is empty', async () => {
      const task = await startTask('c6', { mode: 'incrementing', 'timestamp.column.name': '' });
      try {
        const records = await task.poll(new AbortController().signal);
        assert.deepEqual(
          records.map((r) => r.sourceOffset),
          [{ incrementing: 1 }, { incrementing: 2 }, { incrementing: 3 }],
        );
        assert.deepEqual(
          records.map((r) => (r.key as { get(f: string): unknown }).get('id')),
          [1, 2, 3].map((n) => (records[0]?.keySchema?.field('id')?.schema.type === 'int64' ? BigInt(n) : n)),
        );
      } finally {
        await task.stop();
      }
    });

    it('refuses a nullable timestamp column unless validate.non.null=false', async () => {
      const nullable = uniqueTable();
      await db.db.query(`CREATE TABLE ${q(db, nullable)} (id ${db.types.serialPk}, ts ${db.types.timestamp} NULL)`);
      try {
        const id = (await db.db.dialect.listTables(db.db)).find((t) => t.table === nullable);
        const task = await startTask('c7', { 'table.whitelist': nullable, [TABLES_KEY]: JSON.stringify([id]) });
        try {
          await assert.rejects(task.poll(new AbortController().signal), (err: Error) => {
            assert.match(
              err.message,
              new RegExp(`timestamp columns ts on table [\\w.]*${nullable} because all of these columns are nullable`),
            );
            return true;
          });
        } finally {
          await task.stop();
        }
        const lax = await startTask('c8', {
          'table.whitelist': nullable,
          'validate.non.null': 'false',
          [TABLES_KEY]: JSON.stringify([id]),
        });
        try {
          assert.deepEqual(await lax.poll(new AbortController().signal), []);
        } finally {
          await lax.stop();
        }
      } finally {
        await dropTable(db, nullable);
      }
    });

    it('writes timestamps as timestamp.granularity says', async () => {
      const tsOf = async (granularity: string) => {
        const task = await startTask(`g-${granularity}`, { 'timestamp.granularity': granularity });
        try {
          const [first] = await task.poll(new AbortController().signal);
          assert.ok(first, 'a record');
          return (first.value as { get(f: string): unknown }).get('ts');
        } finally {
          await task.stop();
        }
      };
      assert.deepEqual(await tsOf('connect_logical'), new Date(ms(T1)));
      assert.equal(await tsOf('micros_long'), BigInt(ms(T1)) * 1000n);
      assert.equal(await tsOf('nanos_string'), (BigInt(ms(T1)) * 1_000_000n).toString());
      assert.equal(await tsOf('nanos_iso_datetime_string'), '2024-01-01T10:00:00.000000000');
      assert.equal(await tsOf('micros_iso_datetime_string'), '2024-01-01T10:00:00.000000');
    });

    it('reads a Confluent protocol-0 offset {"table":name} when there is no protocol-1 one', async () => {
      await store.set('c3', [[{ table }, at(T2)]]);
      const task = await startTask('c3');
      try {
        const records = await task.poll(new AbortController().signal);
        assert.deepEqual(view(records), [['r7', at(T3)]]);
      } finally {
        await task.stop();
      }
    });
  });
}
