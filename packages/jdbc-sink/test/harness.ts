/**
 * Test fixtures: the four databases (failing with a message naming the one that is down),
 * a standalone worker with the JDBC sink registered, a kafkajs producer, and waits on the
 * sink's committed offsets (committed only after the database commit).
 *
 * DuckDB allows one open instance of a file, so the DuckDB test database opens the file
 * for each statement; tests stop the worker before reading a DuckDB table.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { type Database, openDatabase, parseConnectionUrl } from '@tributary/jdbc';
import {
  builtinPlugins,
  type ConnectorStateInfo,
  createRootLogger,
  FileOffsetStore,
  MetricsRegistry,
  PluginRegistry,
  parseWorkerConfig,
  StandaloneHerder,
} from '@tributary/runtime';
import { type Admin, type IHeaders, Kafka, logLevel, type Producer } from 'kafkajs';
import { jdbcSink } from '../src/index.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

export type DbKind = 'mariadb' | 'postgres' | 'sqlite' | 'duckdb';
export const DB_KINDS: readonly DbKind[] = ['postgres', 'mariadb', 'sqlite', 'duckdb'];

export interface TestDatabase {
  readonly kind: DbKind;
  readonly url: string;
  readonly props: Record<string, string>;
  /** Runs one statement (values bound); DuckDB opens and closes the file around it. */
  query(sql: string, bindings?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  q(name: string): string;
  /** Column types per dialect for tests that create tables. */
  readonly types: { readonly int: string; readonly bigint: string; readonly text: string; readonly key: string };
  close(): Promise<void>;
}

const SETTINGS = {
  mariadb: {
    url: () => 'jdbc:mariadb://127.0.0.1:3306/test',
    user: 'root',
    what: 'MariaDB at 127.0.0.1:3306 (user root, database test)',
    types: { int: 'INT', bigint: 'BIGINT', text: 'TEXT', key: 'VARCHAR(200)' },
  },
  postgres: {
    url: () => 'jdbc:postgresql://127.0.0.1:5432/test',
    user: 'postgres',
    what: 'PostgreSQL at 127.0.0.1:5432 (user postgres, database test)',
    types: { int: 'INT', bigint: 'BIGINT', text: 'TEXT', key: 'TEXT' },
  },
  sqlite: {
    url: (dir: string) => `jdbc:sqlite:${join(dir, `db-${randomUUID().slice(0, 8)}.sqlite`)}`,
    user: null,
    what: 'SQLite',
    types: { int: 'INTEGER', bigint: 'INTEGER', text: 'TEXT', key: 'TEXT' },
  },
  duckdb: {
    url: (dir: string) => `jdbc:duckdb:${join(dir, `db-${randomUUID().slice(0, 8)}.duckdb`)}`,
    user: null,
    what: 'DuckDB',
    types: { int: 'INTEGER', bigint: 'BIGINT', text: 'VARCHAR', key: 'VARCHAR' },
  },
} as const;

async function open(url: string, user: string | null, what: string): Promise<Database> {
  try {
    const db = await openDatabase(parseConnectionUrl(url, { user, password: null }), {
      attempts: 1,
      backoffMs: 0,
      createIfMissing: true,
    });
    await db.query('SELECT 1');
    return db;
  } catch (err) {
    throw new Error(`${what} is not available: ${(err as Error).message}`, { cause: err });
  }
}

function toObjects(result: { columns: readonly { name: string }[]; rows: readonly (readonly unknown[])[] }) {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
}

export async function openTestDatabase(kind: DbKind, dir: string): Promise<TestDatabase> {
  const s = SETTINGS[kind];
  const url = s.url(dir);
  const shared = await open(url, s.user, s.what);
  const dialect = shared.dialect;
  let held: Database | null = shared;
  if (kind === 'duckdb') {
    await shared.close();
    held = null;
  }
  const props: Record<string, string> = { 'connection.url': url };
  if (s.user !== null) props['connection.user'] = s.user;
  return {
    kind,
    url,
    props,
    types: s.types,
    q: (name) => dialect.quoteIdentifier(name),
    async query(sql, bindings = []) {
      if (held !== null) return toObjects(await held.query(sql, bindings));
      const db = await open(url, s.user, s.what);
      try {
        return toObjects(await db.query(sql, bindings));
      } finally {
        await db.close();
      }
    },
    close: async () => {
      await held?.close();
    },
  };
}

export function uniqueName(prefix = 't'): string {
  return `${prefix}_${randomUUID().slice(0, 8)}`;
}

export interface Worker {
  readonly herder: StandaloneHerder;
  stop(): Promise<void>;
}

export interface Message {
  readonly key?: unknown;
  readonly value: unknown;
  readonly partition?: number;
}

export interface Env {
  readonly broker: RunningBroker;
  readonly dir: string;
  readonly admin: Admin;
  /** A standalone worker; `props` override the test defaults (offsets flushed every 100 ms). */
  startWorker(props?: Record<string, string>): Promise<Worker>;
  createTopic(topic: string, partitions?: number): Promise<void>;
  /** Produces JSON (`undefined` value: no message value, i.e. a tombstone). */
  produce(topic: string, messages: readonly Message[]): Promise<void>;
  /** Waits until the connector's group committed the end offset of every partition of `topic`. */
  waitCommitted(connector: string, topic: string, worker: Worker, timeoutMs?: number): Promise<void>;
  /** Reads `count` records of `topic` (the DLQ), with headers. */
  consume(
    topic: string,
    count: number,
    timeoutMs?: number,
  ): Promise<{ value: string | null; headers: IHeaders; offset: string }[]>;
  close(): Promise<void>;
}

const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

export async function startEnv(): Promise<Env> {
  const broker = await startBroker({ port: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'jdbc-sink-'));
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer();
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  return {
    broker,
    dir,
    admin,
    async startWorker(props = {}) {
      const worker = parseWorkerConfig(
        {
          'bootstrap.servers': broker.bootstrap,
          'key.converter': JSON_CONVERTER,
          'key.converter.schemas.enable': 'false',
          'value.converter': JSON_CONVERTER,
          'value.converter.schemas.enable': 'false',
          'offset.storage.file.filename': join(dir, `offsets-${randomUUID().slice(0, 8)}.json`),
          'offset.flush.interval.ms': '100',
          listeners: 'http://127.0.0.1:0',
          ...props,
        },
        'test worker',
      );
      const offsetStore = new FileOffsetStore(worker.config['offset.storage.file.filename']);
      await offsetStore.start();
      const herder = new StandaloneHerder({
        worker,
        registry: new PluginRegistry([...builtinPlugins, jdbcSink]),
        offsetStore,
        logger: createRootLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent', destination: 2 }),
        metrics: new MetricsRegistry(),
      });
      await herder.start();
      herder.markReady();
      return {
        herder,
        async stop() {
          await herder.stop();
          await offsetStore.stop();
        },
      };
    },
    async createTopic(topic, partitions = 1) {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    },
    async produce(topic, messages) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({
          key: m.key === undefined || m.key === null ? null : JSON.stringify(m.key),
          value: m.value === undefined || m.value === null ? null : JSON.stringify(m.value),
          ...(m.partition === undefined ? {} : { partition: m.partition }),
        })),
      });
    },
    async waitCommitted(connector, topic, worker, timeoutMs = 60_000) {
      const ends = await admin.fetchTopicOffsets(topic);
      await waitFor(
        `${connector} to commit the end of ${topic}`,
        async () => {
          const status = worker.herder.connectorStatus(connector);
          for (const t of status.tasks)
            if (t.state === 'FAILED') throw new Error(`${connector} task FAILED: ${t.trace ?? ''}`);
          const [committed] = await admin.fetchOffsets({ groupId: `connect-${connector}`, topics: [topic] });
          const isDone = ends.every((e) => {
            const c = committed?.partitions.find((p) => p.partition === e.partition);
            return c !== undefined && Number(c.offset) >= Number(e.high);
          });
          return isDone ? true : undefined;
        },
        timeoutMs,
      );
    },
    async consume(topic, count, timeoutMs = 30_000) {
      const consumer = kafka.consumer({ groupId: `g-${randomUUID()}`, maxWaitTimeInMs: 200 });
      const out: { value: string | null; headers: IHeaders; offset: string }[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            out.push({
              value: message.value?.toString() ?? null,
              headers: message.headers ?? {},
              offset: message.offset,
            });
          },
        });
        await waitFor(`${count} records on ${topic}`, () => (out.length >= count ? true : undefined), timeoutMs);
        return out;
      } finally {
        await consumer.disconnect();
      }
    },
    async close() {
      await producer.disconnect();
      await admin.disconnect();
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      if ((err as Error).message.includes('FAILED')) throw err;
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function isFailed(status: ConnectorStateInfo): string | undefined {
  if (status.connector.state === 'FAILED') return status.connector.trace ?? 'connector FAILED';
  const task = status.tasks.find((t) => t.state === 'FAILED');
  return task === undefined ? undefined : (task.trace ?? 'task FAILED');
}

/** JsonConverter `schemas.enable=true` envelope for a struct value. */
export function withSchema(
  fields: readonly [string, string, boolean?, string?][],
  payload: Record<string, unknown> | null,
  name = 'row',
) {
  return {
    schema: {
      type: 'struct',
      name,
      optional: false,
      fields: fields.map(([field, type, optional = true, logical]) => ({
        field,
        type,
        optional,
        ...(logical === undefined ? {} : { name: logical, version: 1 }),
      })),
    },
    payload,
  };
}

export const SCHEMA_VALUES = {
  'value.converter': JSON_CONVERTER,
  'value.converter.schemas.enable': 'true',
} as const;

export const SCHEMA_KEYS = {
  'key.converter': JSON_CONVERTER,
  'key.converter.schemas.enable': 'true',
} as const;
