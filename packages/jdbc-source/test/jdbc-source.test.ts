import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import {
  type DbKind,
  dropTable,
  type Env,
  insert,
  isRunning,
  type Message,
  openTestDatabase,
  q,
  startEnv,
  type TestDatabase,
  uniqueTable,
  type Worker,
  waitFor,
} from './harness.js';

const T1 = '2024-01-01 10:00:00.000';
const T2 = '2024-01-01 10:00:01.250';
const T3 = '2024-01-01 10:00:02.000';
const ms = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

let env: Env;

before(async () => {
  env = await startEnv();
});

after(async () => {
  await env.close();
});

async function offsetOf(
  w: Worker,
  connector: string,
  partition: Record<string, string>,
  expected: unknown,
): Promise<void> {
  await waitFor(`offset ${JSON.stringify(expected)} of ${JSON.stringify(partition)}`, () => {
    const found = w.offsetStore.get(connector, partition);
    try {
      assert.deepEqual(found, expected);
      return true;
    } catch {
      return undefined;
    }
  });
}

async function running(w: Worker, name: string, tasks?: number): Promise<void> {
  await waitFor(`${name} RUNNING`, () => {
    const status = w.herder.connectorStatus(name);
    if (status.connector.state === 'FAILED') throw new Error(`${name} FAILED: ${status.connector.trace ?? ''}`);
    for (const t of status.tasks) if (t.state === 'FAILED') throw new Error(`${name} task FAILED: ${t.trace ?? ''}`);
    return isRunning(status) && (tasks === undefined || status.tasks.length === tasks) ? true : undefined;
  });
}

for (const kind of ['mariadb', 'postgres', 'sqlite'] as DbKind[]) {
  describe(`JdbcSourceConnector on ${kind}`, () => {
    let db: TestDatabase;
    const tables: string[] = [];

    before(async () => {
      db = await openTestDatabase(kind, env.dir);
    });

    after(async () => {
      for (const t of tables) await dropTable(db, t).catch(() => undefined);
      await db.close();
    });

    async function createTable(columns: string): Promise<string> {
      const table = uniqueTable();
      tables.push(table);
      await db.db.query(`CREATE TABLE ${q(db, table)} (${columns})`);
      return table;
    }

    function idTable(): Promise<string> {
      return createTable(`id ${db.types.serialPk}, name ${db.types.text} NOT NULL`);
    }

    function tsTable(): Promise<string> {
      return createTable(`id ${db.types.serialPk}, name ${db.types.text} NOT NULL, ts ${db.types.timestamp} NOT NULL`);
    }

    it('incrementing: primary-key keys, offsets {"incrementing":N}, later rows picked up', async () => {
      const table = await idTable();
      await insert(db, table, [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
      const name = `inc-${randomUUID().slice(0, 8)}`;
      const prefix = `p${randomUUID().slice(0, 6)}-`;
      const w = await env.startWorker();
      try {
        await w.herder.putConnectorConfig(
          name,
          {
            'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
            ...db.props,
            mode: 'incrementing',
            'incrementing.column.name': 'id',
            'table.whitelist': table,
            'topic.prefix': prefix,
            'poll.interval.ms': '100',
          },
          { allowReplace: false },
        );
        const first = await env.consume(`${prefix}${table}`, 3);
        assert.deepEqual(
          first.map((m) => m.value),
          [
            { id: 1, name: 'a' },
            { id: 2, name: 'b' },
            { id: 3, name: 'c' },
          ],
        );
        assert.deepEqual(
          first.map((m) => m.key),
          [{ id: 1 }, { id: 2 }, { id: 3 }],
        );
        const partition = { protocol: '1', table: `${db.prefix}${table}` };
        await offsetOf(w, name, partition, { incrementing: 3 });
        await insert(db, table, [{ name: 'd' }]);
        const all = await env.consume(`${prefix}${table}`, 4);
        assert.deepEqual(all[3]?.value, { id: 4, name: 'd' });
        await offsetOf(w, name, partition, { incrementing: 4 });
        await running(w, name);
      } finally {
        await w.stop();
      }
    });

    it('timestamp+incrementing: offsets carry the timestamp, its nanos and the id; updates arrive again', async () => {
      const table = await tsTable();
      await insert(db, table, [
        { name: 'a', ts: T1 },
        { name: 'b', ts: T1 },
        { name: 'c', ts: T2 },
      ]);
      const name = `tsinc-${randomUUID().slice(0, 8)}`;
      const w = await env.startWorker();
      try {
        await w.herder.putConnectorConfig(
          name,
          {
            'connector.class': 'JdbcSourceConnector',
            ...db.props,
            mode: 'timestamp+incrementing',
            'incrementing.column.name': 'id',
            'timestamp.column.name': 'ts',
            'table.whitelist': table,
            'poll.interval.ms': '100',
          },
          { allowReplace: false },
        );
        const first = await env.consume(table, 3);
        assert.deepEqual(
          first.map((m) => [m.value['name'], m.value['ts']]),
          [
            ['a', ms(T1)],
            ['b', ms(T1)],
            ['c', ms(T2)],
          ],
        );
        const partition = { protocol: '1', table: `${db.prefix}${table}` };
        await offsetOf(w, name, partition, { incrementing: 3, timestamp: ms(T2), timestamp_nanos: 250_000_000 });
        await db.db.query(`UPDATE ${q(db, table)} SET ts = ${db.db.dialect.placeholder(1)} WHERE id = 1`, [T3]);
        const all = await env.consume(table, 4);
        assert.deepEqual([all[3]?.value['id'], all[3]?.value['ts']], [1, ms(T3)]);
        await offsetOf(w, name, partition, { incrementing: 1, timestamp: ms(T3), timestamp_nanos: 0 });
      } finally {
        await w.stop();
      }
    });

    it('timestamp: rows sharing a timestamp across batch.max.rows and a restart are all delivered', async () => {
      const table = await tsTable();
      const rows = [T1, T1, T2, T2, T2, T2, T3].map((ts, i) => ({ name: `r${i + 1}`, ts }));
      await insert(db, table, rows);
      const name = `ts-${randomUUID().slice(0, 8)}`;
      const config = {
        'connector.class': 'JdbcSourceConnector',
        ...db.props,
        mode: 'timestamp',
        'timestamp.column.name': 'ts',
        'table.whitelist': table,
        'batch.max.rows': '2',
        'poll.interval.ms': '100',
      };
      const offsetFile = `${env.dir}/offsets-${name}.json`;
      const w1 = await env.startWorker(offsetFile);
      try {
        await w1.herder.putConnectorConfig(name, config, { allowReplace: false });
        await env.consume(table, 2);
      } finally {
        await w1.stop();
      }
      const w2 = await env.startWorker(offsetFile);
      try {
        await w2.herder.putConnectorConfig(name, config, { allowReplace: false });
        const partition = { protocol: '1', table: `${db.prefix}${table}` };
        await offsetOf(w2, name, partition, { timestamp: ms(T3), timestamp_nanos: 0 });
        // The rows of the group at T2 that the first worker sent are sent again by the
        // second (at-least-once), so the topic holds 7 or more records: read until every
        // row has been seen, and fail naming what arrived if one never does.
        const nameSet = (messages: readonly Message[]) => new Set(messages.map((m) => m.value['name']));
        const all = await env.consumeUntil(table, (messages) => nameSet(messages).size >= rows.length, 'every row');
        assert.deepEqual([...nameSet(all)].sort(), rows.map((r) => r.name).sort());
      } finally {
        await w2.stop();
      }
    });

    it('bulk: the whole table at every poll, no offsets; key.mode=none gives null keys', async () => {
      const table = await idTable();
      await insert(db, table, [{ name: 'a' }, { name: 'b' }]);
      const name = `bulk-${randomUUID().slice(0, 8)}`;
      const w = await env.startWorker();
      try {
        await w.herder.putConnectorConfig(
          name,
          {
            'connector.class': 'JdbcSourceConnector',
            ...db.props,
            mode: 'bulk',
            'table.whitelist': table,
            'poll.interval.ms': '200',
            'key.mode': 'none',
          },
          { allowReplace: false },
        );
        const messages = await env.consume(table, 4);
        assert.deepEqual(
          messages.slice(0, 4).map((m) => [m.key, m.value['name']]),
          [
            [null, 'a'],
            [null, 'b'],
            [null, 'a'],
            [null, 'b'],
          ],
        );
        assert.deepEqual(w.offsetStore.entries(name), []);
      } finally {
        await w.stop();
      }
    });

    it('query mode: named placeholders are bound in a query with its own WHERE, query.suffix is appended', async () => {
      const table = await idTable();
      await insert(db, table, [{ name: 'a' }, { name: 'skip' }, { name: 'b' }, { name: 'c' }]);
      const name = `query-${randomUUID().slice(0, 8)}`;
      const topic = `q-${randomUUID().slice(0, 8)}`;
      const w = await env.startWorker();
      try {
        await w.herder.putConnectorConfig(
          name,
          {
            'connector.class': 'JdbcSourceConnector',
            ...db.props,
            mode: 'incrementing',
            'incrementing.column.name': 'id',
            query: `SELECT id, name FROM ${q(db, table)} WHERE name <> 'skip' AND id > :incrementing ORDER BY id`,
            'query.suffix': 'LIMIT 2',
            'topic.prefix': topic,
            'poll.interval.ms': '100',
          },
          { allowReplace: false },
        );
        const messages = await env.consume(topic, 3);
        assert.deepEqual(
          messages.map((m) => [m.key, m.value['name']]),
          [
            [null, 'a'],
            [null, 'b'],
            [null, 'c'],
          ],
        );
        await offsetOf(w, name, { query: 'query' }, { incrementing: 4 });
      } finally {
        await w.stop();
      }
    });

    it('query mode: timestamp+incrementing placeholders, repeated, in a query with its own WHERE', async () => {
      const table = await tsTable();
      await insert(db, table, [
        { name: 'a', ts: T1 },
        { name: 'skip', ts: T1 },
        { name: 'b', ts: T2 },
      ]);
      const name = `queryts-${randomUUID().slice(0, 8)}`;
      const topic = `qts-${randomUUID().slice(0, 8)}`;
      const ts = q(db, 'ts');
      const w = await env.startWorker();
      try {
        await w.herder.putConnectorConfig(
          name,
          {
            'connector.class': 'JdbcSourceConnector',
            ...db.props,
            mode: 'timestamp+incrementing',
            'incrementing.column.name': 'id',
            'timestamp.column.name': 'ts',
            query:
              `SELECT * FROM ${q(db, table)} WHERE name <> 'skip' AND ${ts} < :end_timestamp ` +
              `AND ((${ts} = :timestamp AND id > :incrementing) OR ${ts} > :timestamp) ORDER BY ${ts}, id`,
            'topic.prefix': topic,
            'poll.interval.ms': '100',
          },
          { allowReplace: false },
        );
        const messages = await env.consume(topic, 2);
        assert.deepEqual(
          messages.map((m) => m.value['name']),
          ['a', 'b'],
        );
        await offsetOf(
          w,
          name,
          { query: 'query' },
          { incrementing: 3, timestamp: ms(T2), timestamp_nanos: 250_000_000 },
        );
        await insert(db, table, [{ name: 'c', ts: T3 }]);
        const all = await env.consume(topic, 3);
        assert.equal(all[2]?.value['name'], 'c');
      } finally {
        await w.stop();
      }
    });

    it('tables added and dropped reconfigure the tasks', async () => {
      const a = await idTable();
      const b = uniqueTable();
      tables.push(b);
      await insert(db, a, [{ name: 'a1' }]);
      const name = `mon-${randomUUID().slice(0, 8)}`;
      const w = await env.startWorker();
      try {
        await w.herder.putConnectorConfig(
          name,
          {
            'connector.class': 'JdbcSourceConnector',
            ...db.props,
            mode: 'incrementing',
            'incrementing.column.name': 'id',
            'table.whitelist': `${a},${b}`,
            'table.poll.interval.ms': '200',
            'poll.interval.ms': '100',
            'tasks.max': '2',
          },
          { allowReplace: false },
        );
        await env.consume(a, 1);
        await running(w, name, 1);
        await db.db.query(`CREATE TABLE ${q(db, b)} (id ${db.types.serialPk}, name ${db.types.text} NOT NULL)`);
        await insert(db, b, [{ name: 'b1' }]);
        const fromB = await env.consume(b, 1);
        assert.deepEqual(fromB[0]?.value, { id: 1, name: 'b1' });
        await running(w, name, 2);
        await dropTable(db, a);
        await running(w, name, 1);
        await insert(db, b, [{ name: 'b2' }]);
        const again = await env.consume(b, 2);
        assert.deepEqual(again[1]?.value, { id: 2, name: 'b2' });
        await running(w, name, 1);
      } finally {
        await w.stop();
      }
    });
  });
}

describe('JdbcSourceConnector configuration errors', () => {
  it('names every bad key when the connector is created', async () => {
    const w = await env.startWorker();
    try {
      const error = await w.herder
        .putConnectorConfig(
          `bad-${randomUUID().slice(0, 8)}`,
          {
            'connector.class': 'JdbcSourceConnector',
            'connection.url': 'jdbc:sqlite::memory:',
            mode: 'sometimes',
            'batch.max.rows': 'many',
            'table.whitelist': 'x',
          },
          { allowReplace: false },
        )
        .then(
          () => null,
          (err: unknown) => err,
        );
      assert.ok(error instanceof ConfigError, String(error));
      const keys = error.problems.map((p) => p.key);
      assert.ok(keys.includes('mode') && keys.includes('batch.max.rows'), JSON.stringify(keys));
    } finally {
      await w.stop();
    }
  });

  it('fails the connector naming both keys when they exclude each other', async () => {
    const w = await env.startWorker();
    const name = `excl-${randomUUID().slice(0, 8)}`;
    try {
      await w.herder.putConnectorConfig(
        name,
        {
          'connector.class': 'JdbcSourceConnector',
          'connection.url': 'jdbc:sqlite::memory:',
          'connection.password': 'hunter2-secret',
          mode: 'bulk',
          'table.whitelist': 'x',
          'table.blacklist': 'y',
        },
        { allowReplace: false },
      );
      const status = await waitFor('FAILED', () => {
        const s = w.herder.connectorStatus(name);
        return s.connector.state === 'FAILED' ? s : undefined;
      });
      assert.match(status.connector.trace ?? '', /table\.whitelist: .*exclusive/);
      assert.match(status.connector.trace ?? '', /table\.blacklist: .*exclusive/);
      assert.doesNotMatch(status.connector.trace ?? '', /hunter2-secret/);
    } finally {
      await w.stop();
    }
  });
});

describe('JdbcSourceConnector on postgres: duplicate table names', () => {
  it('fails naming the tables whose unqualified names collide', async () => {
    const db = await openTestDatabase('postgres', env.dir);
    const table = uniqueTable();
    const schemas = [`s_${randomUUID().slice(0, 8)}`, `s_${randomUUID().slice(0, 8)}`];
    const w = await env.startWorker();
    const name = `dup-${randomUUID().slice(0, 8)}`;
    try {
      for (const s of schemas) {
        await db.db.query(`CREATE SCHEMA ${q(db, s)}`);
        await db.db.query(`CREATE TABLE ${q(db, s)}.${q(db, table)} (id SERIAL PRIMARY KEY)`);
      }
      await w.herder.putConnectorConfig(
        name,
        {
          'connector.class': 'JdbcSourceConnector',
          ...db.props,
          mode: 'bulk',
          'table.include.list': `s_.*\\.${table}`,
        },
        { allowReplace: false },
      );
      const status = await waitFor('FAILED', () => {
        const s = w.herder.connectorStatus(name);
        return s.connector.state === 'FAILED' ? s : undefined;
      });
      for (const s of schemas) assert.match(status.connector.trace ?? '', new RegExp(`${s}\\.${table}`));
    } finally {
      await w.stop();
      for (const s of schemas) await db.db.query(`DROP SCHEMA IF EXISTS ${q(db, s)} CASCADE`).catch(() => undefined);
      await db.close();
    }
  });
});
