import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, parseConnectionUrl } from '@tributary/jdbc';
import {
  DB_KINDS,
  type Env,
  isFailed,
  type Message,
  openTestDatabase,
  SCHEMA_VALUES,
  startEnv,
  type TestDatabase,
  uniqueName,
  waitFor,
  withSchema,
} from './harness.js';

let env: Env;

before(async () => {
  env = await startEnv();
});

after(async () => {
  await env.close();
});

/** Values as text (drivers differ: bigint, string, number, boolean, 1/0). */
function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

for (const kind of DB_KINDS) {
  describe(`JdbcSinkConnector on ${kind}`, () => {
    let db: TestDatabase;
    const tables: string[] = [];

    before(async () => {
      db = await openTestDatabase(kind, env.dir);
    });

    after(async () => {
      for (const t of tables) await db.query(`DROP TABLE IF EXISTS ${db.q(t)}`).catch(() => undefined);
      await db.close();
    });

    /** A fresh topic (its name is the table's) with the messages on it. */
    async function topicWith(messages: readonly Message[], partitions = 1): Promise<string> {
      const topic = uniqueName('t');
      tables.push(topic);
      await env.createTopic(topic, partitions);
      if (messages.length > 0) await env.produce(topic, messages);
      return topic;
    }

    /** Runs the sink over `topic` until it committed the topic's end, then stops the worker. */
    async function sink(topic: string, config: Record<string, string>): Promise<string> {
      const w = await env.startWorker();
      const name = uniqueName('sink');
      try {
        await w.herder.putConnectorConfig(
          name,
          {
            'connector.class': 'JdbcSinkConnector',
            topics: topic,
            ...db.props,
            'retry.backoff.ms': '100',
            ...config,
          },
          { allowReplace: false },
        );
        await env.waitCommitted(name, topic, w);
      } finally {
        await w.stop();
      }
      return name;
    }

    /** Runs the sink until its task FAILED; returns the trace. */
    async function sinkFails(topic: string, config: Record<string, string>): Promise<string> {
      const w = await env.startWorker();
      const name = uniqueName('sink');
      try {
        await w.herder.putConnectorConfig(
          name,
          { 'connector.class': 'JdbcSinkConnector', topics: topic, ...db.props, 'retry.backoff.ms': '100', ...config },
          { allowReplace: false },
        );
        return await waitFor(`${name} to fail`, () => isFailed(w.herder.connectorStatus(name)));
      } finally {
        await w.stop();
      }
    }

    async function rows(table: string, orderBy: string, columns?: readonly string[]): Promise<(string | null)[][]> {
      const list = columns === undefined ? '*' : columns.map((c) => db.q(c)).join(', ');
      const result = await db.query(`SELECT ${list} FROM ${db.q(table)} ORDER BY ${db.q(orderBy)}`);
      return result.map((r) => Object.values(r).map(text));
    }

    const ORDER: [string, string, boolean?][] = [
      ['id', 'int32', false],
      ['item', 'string'],
      ['qty', 'int32'],
    ];
    const order = (id: number, item: string, qty: number | null) => ({
      value: withSchema(ORDER, { id, item, qty }, 'order'),
    });

    it('upsert with pk.mode=record_value auto-creates the table, updates rows in place, and a replay from 0 leaves it identical', async () => {
      const topic = await topicWith([
        order(1, 'apple', 3),
        order(2, 'pear', 1),
        order(3, 'fig', 7),
        order(2, 'pear', 9),
      ]);
      const config = {
        ...SCHEMA_VALUES,
        'insert.mode': 'upsert',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
        'auto.create': 'true',
      };
      await sink(topic, config);
      const expected = [
        ['1', 'apple', '3'],
        ['2', 'pear', '9'],
        ['3', 'fig', '7'],
      ];
      assert.deepEqual(await rows(topic, 'id', ['id', 'item', 'qty']), expected);
      await sink(topic, config); // a new group: replays from offset 0
      assert.deepEqual(await rows(topic, 'id', ['id', 'item', 'qty']), expected);
    });

    it('pk.mode=kafka names the row by topic, partition and offset; the same records twice stay one row each', async () => {
      const topic = await topicWith([order(1, 'a', 1), order(1, 'a', 2)]);
      const config = { ...SCHEMA_VALUES, 'insert.mode': 'upsert', 'pk.mode': 'kafka', 'auto.create': 'true' };
      await sink(topic, config);
      await sink(topic, config);
      assert.deepEqual(
        await rows(topic, '__connect_offset', ['__connect_topic', '__connect_partition', '__connect_offset', 'qty']),
        [
          [topic, '0', '0', '1'],
          [topic, '0', '1', '2'],
        ],
      );
    });

    it('pk.mode=kafka with three pk.fields renames the columns', async () => {
      const topic = await topicWith([order(5, 'a', 1)]);
      await sink(topic, { ...SCHEMA_VALUES, 'pk.mode': 'kafka', 'pk.fields': 'src,part,pos', 'auto.create': 'true' });
      assert.deepEqual(await rows(topic, 'pos', ['src', 'part', 'pos', 'id']), [[topic, '0', '0', '5']]);
    });

    it('pk.mode=record_key with a struct key: delete.enabled turns tombstones into deletes, in order with the upserts; the key fields are the key columns', async () => {
      const topic = await topicWith([
        { key: { id: 1 }, value: { item: 'a', qty: 1 } },
        { key: { id: 2 }, value: { item: 'b', qty: 2 } },
        { key: { id: 3 }, value: { item: 'c', qty: 3 } },
        { key: { id: 1 }, value: null },
        { key: { id: 3 }, value: { item: 'c', qty: 30 } },
        { key: { id: 9 }, value: null },
        { key: { id: 4 }, value: { item: 'd', qty: 4 } },
        { key: { id: 4 }, value: null },
        { key: { id: 4 }, value: { item: 'again', qty: 44 } },
        { key: { id: 2 }, value: null },
        { key: { id: 2 }, value: null },
      ]);
      await sink(topic, {
        'insert.mode': 'upsert',
        'pk.mode': 'record_key',
        'delete.enabled': 'true',
        'auto.create': 'true',
      });
      assert.deepEqual(await rows(topic, 'id', ['id', 'item', 'qty']), [
        ['3', 'c', '30'],
        ['4', 'again', '44'],
      ]);
    });

    it('pk.mode=record_key with a primitive key uses pk.fields[0] as the column; without pk.fields the record fails', async () => {
      const topic = await topicWith([
        { key: 'k1', value: { item: 'a' } },
        { key: 'k2', value: { item: 'b' } },
      ]);
      await sink(topic, {
        'insert.mode': 'upsert',
        'pk.mode': 'record_key',
        'pk.fields': 'code',
        'auto.create': 'true',
      });
      assert.deepEqual(await rows(topic, 'code', ['code', 'item']), [
        ['k1', 'a'],
        ['k2', 'b'],
      ]);
      const other = await topicWith([{ key: 'k1', value: { item: 'a' } }]);
      const trace = await sinkFails(other, { 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'auto.create': 'true' });
      assert.match(trace, new RegExp(`${other}-0@0`));
      assert.match(trace, /exactly one name in pk\.fields/);
    });

    it('pk.mode=record_value without pk.fields makes every value field part of the key; fields.whitelist filters the others', async () => {
      const topic = await topicWith([
        { value: { a: 1, b: 'x', note: 'n1', secret: 's' } },
        { value: { a: 1, b: 'x', note: 'n2', secret: 's' } },
      ]);
      await sink(topic, {
        'insert.mode': 'upsert',
        'pk.mode': 'record_value',
        'pk.fields': 'a,b',
        'fields.whitelist': 'note',
        'auto.create': 'true',
      });
      assert.deepEqual(await rows(topic, 'a'), [['1', 'x', 'n2']]);
      const all = await topicWith([
        { value: { a: 1, b: 'x' } },
        { value: { a: 1, b: 'x' } },
        { value: { a: 2, b: 'x' } },
      ]);
      await sink(all, { 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'auto.create': 'true' });
      assert.deepEqual(await rows(all, 'a'), [
        ['1', 'x'],
        ['2', 'x'],
      ]);
    });

    it('pk.mode=none inserts every record', async () => {
      const topic = await topicWith([{ value: { n: 1 } }, { value: { n: 1 } }]);
      await sink(topic, { 'auto.create': 'true' });
      assert.deepEqual(await rows(topic, 'n'), [['1'], ['1']]);
    });

    it('tombstones without delete.enabled fail the task naming the record', async () => {
      const topic = await topicWith([
        { key: { id: 1 }, value: { v: 1 } },
        { key: { id: 1 }, value: null },
      ]);
      const trace = await sinkFails(topic, { 'pk.mode': 'record_key', 'auto.create': 'true' });
      assert.match(trace, new RegExp(`${topic}-0@1`));
      assert.match(trace, /delete\.enabled/);
    });

    async function keyedTable(extra = ''): Promise<string> {
      const topic = await topicWith([]);
      await db.query(
        `CREATE TABLE ${db.q(topic)} (${db.q('id')} ${db.types.int} NOT NULL PRIMARY KEY, ${db.q('item')} ${db.types.key}, ${db.q('qty')} ${db.types.int}${extra})`,
      );
      return topic;
    }

    it('insert_ignore keeps the first row of a key; update changes existing rows only', async () => {
      const topic = await keyedTable();
      await env.produce(topic, [order(1, 'a', 1), order(1, 'b', 2), order(2, 'c', 3)]);
      await sink(topic, {
        ...SCHEMA_VALUES,
        'insert.mode': 'insert_ignore',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
      });
      assert.deepEqual(await rows(topic, 'id'), [
        ['1', 'a', '1'],
        ['2', 'c', '3'],
      ]);
      const updates = uniqueName('u');
      await env.createTopic(updates);
      await env.produce(updates, [order(2, 'cc', 30), order(7, 'new', 1)]);
      await sink(updates, {
        ...SCHEMA_VALUES,
        'table.name.format': topic,
        'insert.mode': 'update',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
      });
      assert.deepEqual(await rows(topic, 'id'), [
        ['1', 'a', '1'],
        ['2', 'cc', '30'],
      ]);
    });

    it('schemaless JSON into an existing table takes the types from the table', async () => {
      const topic = await keyedTable();
      await env.produce(topic, [
        { value: { id: 1, item: 'a', qty: 2 } },
        { value: { id: '2', item: { nested: true }, qty: '5' } },
        { value: { id: 3, item: null } },
      ]);
      await sink(topic, {});
      assert.deepEqual(await rows(topic, 'id'), [
        ['1', 'a', '2'],
        ['2', '{"nested":true}', '5'],
        ['3', null, null],
      ]);
    });

    it('bad rows with errors.tolerance=all go to the dead letter queue with the SQLSTATE, and the rest is written', async () => {
      const topic = await keyedTable(`, CHECK (${db.q('qty')} >= 0)`);
      const dlq = uniqueName('dlq');
      const messages: Message[] = [];
      for (let i = 1; i <= 20; i++) messages.push({ value: { id: i, item: `i${i}`, qty: i } });
      messages.splice(5, 0, { value: { id: 3, item: 'duplicate', qty: 0 } });
      messages.splice(12, 0, { value: { id: 100, item: 'negative', qty: -1 } });
      await env.produce(topic, messages);
      await sink(topic, {
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      });
      const written = await rows(topic, 'id', ['id']);
      assert.deepEqual(
        written.map((r) => r[0]),
        Array.from({ length: 20 }, (_, i) => String(i + 1)),
      );
      const dead = await env.consume(dlq, 2);
      assert.equal(dead.length, 2);
      const [first, second] = dead;
      assert.ok(second !== undefined);
      assert.equal(JSON.parse(second.value ?? 'null').item, 'negative');
      assert.equal(String(second.headers['__connect.errors.offset']), '12');
      assert.match(String(second.headers['__connect.errors.sql.state']), /^23/);
      assert.ok(first !== undefined);
      assert.equal(JSON.parse(first.value ?? 'null').item, 'duplicate');
      assert.equal(String(first.headers['__connect.errors.offset']), '5');
      assert.match(String(first.headers['__connect.errors.sql.state']), /^23/);
      assert.match(String(first.headers['__connect.errors.exception.message']), new RegExp(`${topic}-0@5`));
    });

    it('a bad row with errors.tolerance=none fails the task naming topic, partition and offset', async () => {
      const topic = await keyedTable();
      await env.produce(topic, [
        { value: { id: 1, item: 'a', qty: 1 } },
        { value: { id: 1, item: 'dup', qty: 1 } },
        { value: { id: 2, item: 'b', qty: 1 } },
      ]);
      // PostgreSQL trusts, SQLite and DuckDB ignore the password; MariaDB's root has none.
      const trace = await sinkFails(topic, kind === 'mariadb' ? {} : { 'connection.password': 'hunter2-secret' });
      assert.match(trace, new RegExp(`${topic}-0@1`));
      assert.doesNotMatch(trace, /hunter2-secret/);
      assert.deepEqual(await rows(topic, 'id', ['id']), [['1']]);
    });

    it('auto.evolve adds new optional columns, and a new required field without default as a NULL-able column', async () => {
      const v1 = [
        ['id', 'int32', false],
        ['item', 'string'],
      ] as [string, string, boolean?][];
      const v2 = [...v1, ['tms', 'int64'], ['note', 'string']] as [string, string, boolean?][];
      const topic = await topicWith([
        { value: withSchema(v1, { id: 1, item: 'a' }) },
        { value: withSchema(v2, { id: 2, item: 'b', tms: 1700000000000, note: 'n' }) },
        { value: withSchema(v1, { id: 3, item: 'c' }) },
      ]);
      const config = {
        ...SCHEMA_VALUES,
        'insert.mode': 'upsert',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
        'auto.create': 'true',
        'auto.evolve': 'true',
      };
      await sink(topic, config);
      assert.deepEqual(await rows(topic, 'id', ['id', 'item', 'tms', 'note']), [
        ['1', 'a', null, null],
        ['2', 'b', '1700000000000', 'n'],
        ['3', 'c', null, null],
      ]);
      const v3 = [...v2, ['extra', 'string'], ['must', 'int32', false]] as [string, string, boolean?][];
      await env.produce(topic, [
        { value: withSchema(v3, { id: 4, item: 'd', tms: null, note: null, extra: 'e', must: 1 }) },
      ]);
      // A required field without a default (a column added as NOT NULL DEFAULT <expr> at
      // the source) becomes a NULL-able column: the rows already there have no value.
      await sink(topic, config);
      assert.deepEqual(await rows(topic, 'id', ['id', 'extra', 'must']), [
        ['1', null, null],
        ['2', null, null],
        ['3', null, null],
        ['4', 'e', '1'],
      ]);
    });

    it('auto.evolve is off: a new field fails the record naming the table', async () => {
      const topic = await keyedTable();
      await env.produce(topic, [{ value: { id: 1, item: 'a', qty: 1, color: 'red' } }]);
      const trace = await sinkFails(topic, {});
      assert.match(trace, /missing fields \(color\) and auto\.evolve is disabled/);
    });

    it('auto.evolve.widen widens an INT column to BIGINT for an int64 field (SQLite: its INTEGER takes it as is)', async () => {
      const topic = await keyedTable();
      const fields = [
        ['id', 'int32', false],
        ['item', 'string'],
        ['qty', 'int64'],
      ] as [string, string, boolean?][];
      await env.produce(topic, [{ value: withSchema(fields, { id: 1, item: 'a', qty: 2 ** 40 }) }]);
      await sink(topic, {
        ...SCHEMA_VALUES,
        'insert.mode': 'upsert',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
        'auto.evolve': 'true',
        'auto.evolve.widen': 'true',
      });
      assert.deepEqual(await rows(topic, 'id'), [['1', 'a', String(2 ** 40)]]);
    });

    it('hostile field names are quoted: other rows never change', async () => {
      const topic = await topicWith([]);
      await db.query(
        `CREATE TABLE ${db.q(topic)} (${db.q('id')} ${db.types.int} NOT NULL PRIMARY KEY, ${db.q('v')} ${db.types.key})`,
      );
      await db.query(`INSERT INTO ${db.q(topic)} (${db.q('id')}, ${db.q('v')}) VALUES (1, 'keep'), (2, 'keep')`);
      const hostile = ['a" OR 1=1 --', 'b` OR 1=1 --', 'c] OR 1=1 --', "d' OR '1'='1"];
      await env.produce(topic, [
        { key: { id: 3 }, value: Object.fromEntries([['v', 'new'], ...hostile.map((h) => [h, 'x'])]) },
        { key: { id: 3 }, value: null },
        { key: { [hostile[0] ?? '']: 1 }, value: null },
      ]);
      await sink(topic, {
        'insert.mode': 'upsert',
        'pk.mode': 'record_key',
        'delete.enabled': 'true',
        'auto.evolve': 'true',
        'errors.tolerance': 'all',
      });
      assert.deepEqual(await rows(topic, 'id', ['id', 'v']), [
        ['1', 'keep'],
        ['2', 'keep'],
      ]);
      const columns = Object.keys((await db.query(`SELECT * FROM ${db.q(topic)}`))[0] ?? {});
      for (const h of hostile) assert.ok(columns.includes(h), `column ${h} exists as named`);
    });

    it('a 300-character field name is refused with a clear error where the database limits names, and kept where it does not', async () => {
      const long = 'f'.repeat(300);
      const topic = await topicWith([{ value: { id: 1, [long]: 'x' } }]);
      const config = { 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id', 'insert.mode': 'upsert' };
      if (kind === 'postgres' || kind === 'mariadb') {
        const trace = await sinkFails(topic, config);
        assert.match(trace, new RegExp(`${topic}-0@0`));
        assert.match(trace, /longer|too long|identifier/i);
      } else {
        await sink(topic, config);
        assert.deepEqual(await rows(topic, 'id'), [['1', 'x']]);
      }
    });

    it('several tasks auto-creating and evolving the same table concurrently all succeed', async () => {
      const messages: Message[] = [];
      for (let i = 0; i < 60; i++) messages.push({ partition: i % 3, value: { id: i, [`p${i % 3}`]: i } });
      const topic = await topicWith(messages, 3);
      await sink(topic, {
        'tasks.max': '3',
        'insert.mode': 'upsert',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
        'auto.create': 'true',
        'auto.evolve': 'true',
      });
      const result = await rows(topic, 'id', ['id']);
      assert.equal(result.length, 60);
    });

    it('auto.create maps every Connect type to a column that reads back the value', async () => {
      const field = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
        field: name,
        type,
        optional: true,
        ...extra,
      });
      const schema = {
        type: 'struct',
        name: 'all',
        optional: false,
        fields: [
          { field: 'id', type: 'int32', optional: false },
          field('i8', 'int8'),
          field('i16', 'int16'),
          field('i64', 'int64'),
          field('f32', 'float'),
          field('f64', 'double'),
          field('b', 'boolean'),
          field('s', 'string'),
          field('bin', 'bytes'),
          field('dec', 'bytes', {
            name: 'org.apache.kafka.connect.data.Decimal',
            version: 1,
            parameters: { scale: '2' },
          }),
          field('day', 'int32', { name: 'org.apache.kafka.connect.data.Date', version: 1 }),
          field('ts', 'int64', { name: 'org.apache.kafka.connect.data.Timestamp', version: 1 }),
        ],
      };
      const payload = {
        id: 1,
        i8: -8,
        i16: 1600,
        i64: 9_007_199_254_740_991,
        f32: 1.5,
        f64: 2.25,
        b: true,
        s: 'héllo "quoted" \'single\'',
        bin: Buffer.from('bytes!').toString('base64'),
        dec: Buffer.from([0x30, 0x39]).toString('base64'), // 12345 → 123.45
        day: 19_905, // 2024-07-01
        ts: Date.parse('2024-07-01T10:00:00.250Z'),
      };
      const topic = await topicWith([{ value: { schema, payload } }, { value: { schema, payload: { id: 2 } } }]);
      await sink(topic, {
        ...SCHEMA_VALUES,
        'auto.create': 'true',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
        'insert.mode': 'upsert',
      });
      const [full, empty] = await db.query(`SELECT * FROM ${db.q(topic)} ORDER BY ${db.q('id')}`);
      assert.ok(full !== undefined && empty !== undefined);
      const bool = (v: unknown) => v === true || v === 1 || v === '1' || v === 1n || v === 't' || v === 'true';
      assert.equal(Number(full['i8']), -8);
      assert.equal(Number(full['i16']), 1600);
      assert.equal(String(full['i64']), '9007199254740991');
      assert.equal(Number(full['f32']), 1.5);
      assert.equal(Number(full['f64']), 2.25);
      assert.ok(bool(full['b']), `boolean read back as ${String(full['b'])}`);
      assert.equal(full['s'], payload.s);
      assert.equal(Buffer.from(full['bin'] as Uint8Array).toString(), 'bytes!');
      assert.equal(Number(full['dec']), 123.45);
      assert.match(String(full['day'] instanceof Date ? full['day'].toISOString() : full['day']), /^2024-07-01/);
      assert.equal(
        new Date(`${String(full['ts']).replace(' ', 'T').replace(/Z$/, '')}Z`).toISOString(),
        '2024-07-01T10:00:00.250Z',
      );
      for (const [name, v] of Object.entries(empty)) if (name !== 'id') assert.equal(v, null, `${name} is NULL`);
    });

    it('db.timezone: a Timestamp is written as the wall-clock time of that zone', async () => {
      const fields: [string, string, boolean?, string?][] = [
        ['id', 'int32', false],
        ['ts', 'int64', true, 'org.apache.kafka.connect.data.Timestamp'],
      ];
      const instant = Date.parse('2024-07-01T10:00:00.250Z');
      const topic = await topicWith([{ value: withSchema(fields, { id: 1, ts: instant }) }]);
      await sink(topic, { ...SCHEMA_VALUES, 'auto.create': 'true', 'db.timezone': 'Europe/Paris' });
      const [row] = await rows(topic, 'id', ['ts']);
      // Zone-less text (drivers differ in trailing zeros): read as UTC it must show Paris's wall clock.
      const wallClock = `${(row?.[0] ?? '').replace(' ', 'T').replace(/Z$/, '')}Z`;
      assert.equal(new Date(wallClock).toISOString(), '2024-07-01T12:00:00.250Z');
    });

    it('an upsert clashing on another unique key never changes the other row', async () => {
      const topic = await topicWith([]);
      await db.query(
        `CREATE TABLE ${db.q(topic)} (${db.q('id')} ${db.types.int} NOT NULL PRIMARY KEY, ${db.q('email')} ${db.types.key} UNIQUE, ${db.q('n')} ${db.types.int})`,
      );
      await db.query(`INSERT INTO ${db.q(topic)} (${db.q('id')}, ${db.q('email')}, ${db.q('n')}) VALUES (1, 'a@x', 1)`);
      await env.produce(topic, [{ value: { id: 2, email: 'a@x', n: 2 } }, { value: { id: 3, email: 'b@x', n: 3 } }]);
      await sink(topic, {
        'insert.mode': 'upsert',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
        'errors.tolerance': 'all',
      });
      const result = await rows(topic, 'id', ['id', 'email', 'n']);
      assert.deepEqual(result[0], ['1', 'a@x', '1']);
      assert.deepEqual(result.at(-1), ['3', 'b@x', '3']);
    });

    it('table.name.dots=keep keeps a dotted topic name as one table name', async () => {
      const topic = `shop.public.${uniqueName('orders')}`;
      tables.push(topic);
      await env.createTopic(topic);
      await env.produce(topic, [{ value: { id: 1 } }]);
      await sink(topic, { 'auto.create': 'true', 'table.name.dots': 'keep' });
      assert.deepEqual(await rows(topic, 'id'), [['1']]);
    });
  });
}

for (const [kind, path, clashState] of [
  ['postgres', 'COPY', '23505'],
  ['duckdb', 'appender', '23000'],
] as const) {
  describe(`JdbcSinkConnector on ${kind}: ${path} fast path for large batches`, () => {
    it(`upserts, insert_ignore and inserts of 600-row runs (${path} + INSERT … SELECT) give the same results, bad rows bisected out`, async () => {
      const db = await openTestDatabase(kind, env.dir);
      const topic = uniqueName('t');
      const dlq = uniqueName('dlq');
      const created: string[] = [topic];
      const run = async (table: string, config: Record<string, string>) => {
        const w = await env.startWorker();
        const name = uniqueName('sink');
        try {
          await w.herder.putConnectorConfig(
            name,
            {
              'connector.class': 'JdbcSinkConnector',
              topics: topic,
              ...db.props,
              'table.name.format': table,
              'batch.size': '600',
              'errors.tolerance': 'all',
              'errors.deadletterqueue.topic.name': dlq,
              'errors.deadletterqueue.topic.replication.factor': '1',
              'errors.deadletterqueue.context.headers.enable': 'true',
              ...config,
            },
            { allowReplace: false },
          );
          await env.waitCommitted(name, topic, w);
        } finally {
          await w.stop();
        }
      };
      const contents = async (table: string) =>
        (await db.query(`SELECT id, v, n FROM ${db.q(table)} ORDER BY id`)).map(
          (r) => `${r['id']}:${r['v']}:${r['n']}`,
        );
      try {
        await env.createTopic(topic);
        const messages: Message[] = [];
        for (let i = 0; i < 1000; i++) messages.push({ value: { id: i, v: `v${i}`, n: i } });
        for (let i = 0; i < 200; i++) messages.push({ value: { id: i, v: `w${i}`, n: -i } });
        await env.produce(topic, messages);

        const upserted = uniqueName('up');
        created.push(upserted);
        await run(upserted, {
          'insert.mode': 'upsert',
          'pk.mode': 'record_value',
          'pk.fields': 'id',
          'auto.create': 'true',
        });
        const expected = Array.from({ length: 1000 }, (_, i) => (i < 200 ? `${i}:w${i}:${-i}` : `${i}:v${i}:${i}`));
        assert.deepEqual(await contents(upserted), expected);

        const ignored = uniqueName('ig');
        created.push(ignored);
        await run(ignored, {
          'insert.mode': 'insert_ignore',
          'pk.mode': 'record_value',
          'pk.fields': 'id',
          'auto.create': 'true',
        });
        assert.deepEqual(
          await contents(ignored),
          Array.from({ length: 1000 }, (_, i) => `${i}:v${i}:${i}`),
        );

        // Plain inserts into a table with a key: the 200 repeated ids are bad rows.
        const inserted = uniqueName('in');
        created.push(inserted);
        await db.query(`CREATE TABLE ${db.q(inserted)} (id BIGINT PRIMARY KEY, v TEXT, n BIGINT)`);
        await run(inserted, {});
        assert.deepEqual(
          await contents(inserted),
          Array.from({ length: 1000 }, (_, i) => `${i}:v${i}:${i}`),
        );
        const dead = await env.consume(dlq, 200);
        assert.equal(dead.length, 200);
        assert.deepEqual(
          dead.map((d) => String(d.headers['__connect.errors.sql.state'])),
          Array.from({ length: 200 }, () => clashState),
        );
      } finally {
        for (const t of created) await db.query(`DROP TABLE IF EXISTS ${db.q(t)}`);
        await db.close();
      }
    });
  });
}

describe('JdbcSinkConnector: batch.linger.ms', () => {
  it('writes buffered rows and commits their offsets after batch.linger.ms, long before offset.flush.interval.ms', async () => {
    const db = await openTestDatabase('sqlite', env.dir);
    const topic = uniqueName('t');
    const w = await env.startWorker({ 'offset.flush.interval.ms': '600000' });
    const name = uniqueName('sink');
    try {
      await env.createTopic(topic);
      await w.herder.putConnectorConfig(
        name,
        {
          'connector.class': 'JdbcSinkConnector',
          topics: topic,
          ...db.props,
          'auto.create': 'true',
          'batch.linger.ms': '200',
        },
        { allowReplace: false },
      );
      // The worker commits once after the first batch; the next commit is 10 minutes away.
      await env.produce(topic, [{ value: { id: 1 } }]);
      await env.waitCommitted(name, topic, w, 30_000);
      await env.produce(topic, [{ value: { id: 2 } }, { value: { id: 3 } }]);
      await env.waitCommitted(name, topic, w, 20_000);
      const rows = await db.query(`SELECT ${db.q('id')} FROM ${db.q(topic)} ORDER BY ${db.q('id')}`);
      assert.deepEqual(
        rows.map((r) => String(r['id'])),
        ['1', '2', '3'],
      );
    } finally {
      await w.stop();
      await db.close();
    }
  });
});

describe('JdbcSinkConnector on postgres: transient errors', () => {
  // max.retries=0 with batch.size=2: the write fails inside put, which gives the batch back
  // to the worker; the redelivered records must not be buffered twice.
  for (const [maxRetries, batchSize] of [
    ['10', '3000'],
    ['0', '2'],
  ] as const) {
    it(`a connection killed mid-batch is retried (max.retries=${maxRetries}, batch.size=${batchSize}), not dead-lettered; every row arrives once`, async () => {
      const db = await openTestDatabase('postgres', env.dir);
      // One connection, so BEGIN, LOCK and COMMIT run on the same session.
      const holder = await openDatabase(parseConnectionUrl(db.url, { user: 'postgres' }), { poolSize: 1, attempts: 1 });
      const topic = uniqueName('t');
      const dlq = uniqueName('dlq');
      const w = await env.startWorker();
      const name = uniqueName('sink');
      try {
        await db.query(`CREATE TABLE ${db.q(topic)} (${db.q('id')} INT PRIMARY KEY, ${db.q('v')} TEXT)`);
        await env.createTopic(topic);
        await env.produce(topic, [
          { value: { id: 1, v: 'a' } },
          { value: { id: 2, v: 'b' } },
          { value: { id: 3, v: 'c' } },
        ]);
        await holder.query('BEGIN');
        await holder.query(`LOCK TABLE ${db.q(topic)} IN ACCESS EXCLUSIVE MODE`);
        await w.herder.putConnectorConfig(
          name,
          {
            'connector.class': 'JdbcSinkConnector',
            topics: topic,
            ...db.props,
            'max.retries': maxRetries,
            'batch.size': batchSize,
            'retry.backoff.ms': '100',
            'errors.tolerance': 'all',
            'errors.deadletterqueue.topic.name': dlq,
            'errors.deadletterqueue.topic.replication.factor': '1',
          },
          { allowReplace: false },
        );
        const blocked = async () => {
          const found = await db.query(
            `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
            [`INSERT INTO "${topic}"%`],
          );
          return found[0]?.['pid'] as number | undefined;
        };
        const first = await waitFor('the sink to wait for the lock', blocked);
        await db.query('SELECT pg_terminate_backend($1)', [first]);
        const second = await waitFor('the sink to retry', async () => {
          const pid = await blocked();
          return pid !== undefined && pid !== first ? pid : undefined;
        });
        assert.notEqual(second, first);
        await holder.query('COMMIT');
        await env.waitCommitted(name, topic, w);
        const rows = await db.query(`SELECT ${db.q('id')}, ${db.q('v')} FROM ${db.q(topic)} ORDER BY ${db.q('id')}`);
        assert.deepEqual(
          rows.map((r) => [r['id'], r['v']]),
          [
            [1, 'a'],
            [2, 'b'],
            [3, 'c'],
          ],
        );
        const status = w.herder.connectorStatus(name);
        assert.deepEqual(
          status.tasks.map((t) => t.state),
          ['RUNNING'],
        );
        assert.equal((await env.admin.listTopics()).includes(dlq), false, 'nothing was dead-lettered');
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        await w.stop();
        await db.query(`DROP TABLE IF EXISTS ${db.q(topic)}`);
        await holder.close();
        await db.close();
      }
    });
  }
});
