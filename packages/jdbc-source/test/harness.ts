/**
 * Test fixtures: the three databases (failing with a message naming the one that is
 * down), a standalone worker with the JDBC source registered, and a consumer.
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
import { Kafka, logLevel } from 'kafkajs';
import { jdbcSource } from '../src/index.js';

export type DbKind = 'mariadb' | 'postgres' | 'sqlite';

export interface TestDatabase {
  readonly kind: DbKind;
  readonly url: string;
  readonly props: Record<string, string>;
  readonly db: Database;
  /** Column types per dialect. */
  readonly types: { readonly serialPk: string; readonly timestamp: string; readonly text: string };
  /** The catalog/schema prefix of `tableIdString` (`test.`, `public.`, ``). */
  readonly prefix: string;
  close(): Promise<void>;
}

export async function openTestDatabase(kind: DbKind, dir: string): Promise<TestDatabase> {
  const settings = {
    mariadb: {
      url: 'jdbc:mariadb://127.0.0.1:3306/test',
      user: 'root',
      what: 'MariaDB at 127.0.0.1:3306 (user root, database test)',
      types: { serialPk: 'INT AUTO_INCREMENT PRIMARY KEY', timestamp: 'DATETIME(3)', text: 'VARCHAR(100)' },
      prefix: 'test.',
    },
    postgres: {
      url: 'jdbc:postgresql://127.0.0.1:5432/test',
      user: 'postgres',
      what: 'PostgreSQL at 127.0.0.1:5432 (user postgres, database test)',
      types: { serialPk: 'SERIAL PRIMARY KEY', timestamp: 'TIMESTAMP(3)', text: 'VARCHAR(100)' },
      prefix: 'public.',
    },
    sqlite: {
      url: `jdbc:sqlite:${join(dir, `db-${randomUUID().slice(0, 8)}.sqlite`)}`,
      user: null,
      what: 'SQLite',
      types: { serialPk: 'INTEGER PRIMARY KEY AUTOINCREMENT', timestamp: 'DATETIME', text: 'TEXT' },
      prefix: '',
    },
  }[kind];
  let db: Database;
  try {
    db = await openDatabase(parseConnectionUrl(settings.url, { user: settings.user, password: null }), {
      attempts: 1,
      backoffMs: 0,
      createIfMissing: true,
    });
    await db.query('SELECT 1');
  } catch (err) {
    throw new Error(`${settings.what} is not available: ${(err as Error).message}`, { cause: err });
  }
  const props: Record<string, string> = { 'connection.url': settings.url };
  if (settings.user !== null) props['connection.user'] = settings.user;
  return {
    kind,
    url: settings.url,
    props,
    db,
    types: settings.types,
    prefix: settings.prefix,
    close: () => db.close(),
  };
}

export function uniqueTable(): string {
  return `t_${randomUUID().slice(0, 8)}`;
}

export function q(db: TestDatabase, name: string): string {
  return db.db.dialect.quoteIdentifier(name);
}

/** Inserts rows with bound values. */
export async function insert(db: TestDatabase, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row);
    const marks = columns.map((_, i) => db.db.dialect.placeholder(i + 1));
    await db.db.query(
      `INSERT INTO ${q(db, table)} (${columns.map((c) => q(db, c)).join(', ')}) VALUES (${marks.join(', ')})`,
      Object.values(row),
    );
  }
}

export async function dropTable(db: TestDatabase, table: string): Promise<void> {
  await db.db.query(`DROP TABLE IF EXISTS ${q(db, table)}`);
}

export interface Worker {
  readonly herder: StandaloneHerder;
  readonly offsetStore: FileOffsetStore;
  stop(): Promise<void>;
}

export interface Env {
  readonly broker: RunningBroker;
  readonly dir: string;
  startWorker(offsetFile?: string): Promise<Worker>;
  consume(topic: string, count: number, timeoutMs?: number): Promise<Message[]>;
  /**
   * Reads `topic` from the beginning until `isDone(messagesSoFar)`; fails after `timeoutMs`
   * listing what arrived. For topics whose record count is not known in advance (redelivery).
   */
  consumeUntil(
    topic: string,
    isDone: (messages: readonly Message[]) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Message[]>;
  close(): Promise<void>;
}

export interface Message {
  readonly key: unknown;
  readonly value: Record<string, unknown>;
}

export async function startEnv(): Promise<Env> {
  const broker = await startBroker({ port: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'jdbc-source-'));
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  return {
    broker,
    dir,
    async startWorker(offsetFile = join(dir, `offsets-${randomUUID().slice(0, 8)}.json`)) {
      const worker = parseWorkerConfig(
        {
          'bootstrap.servers': broker.bootstrap,
          'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
          'key.converter.schemas.enable': 'false',
          'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
          'value.converter.schemas.enable': 'false',
          'offset.storage.file.filename': offsetFile,
          'offset.flush.interval.ms': '100',
          listeners: 'http://127.0.0.1:0',
        },
        'test worker',
      );
      const offsetStore = new FileOffsetStore(worker.config['offset.storage.file.filename']);
      await offsetStore.start();
      const herder = new StandaloneHerder({
        worker,
        registry: new PluginRegistry([...builtinPlugins, jdbcSource]),
        offsetStore,
        logger: createRootLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent', destination: 2 }),
        metrics: new MetricsRegistry(),
      });
      await herder.start();
      herder.markReady();
      return {
        herder,
        offsetStore,
        async stop() {
          await herder.stop();
          await offsetStore.stop();
        },
      };
    },
    consume(topic, count, timeoutMs = 30_000) {
      return consumeUntil(topic, (messages) => messages.length >= count, `${count} records`, timeoutMs);
    },
    consumeUntil,
    async close() {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };

  async function consumeUntil(
    topic: string,
    isDone: (messages: readonly Message[]) => boolean,
    what: string,
    timeoutMs = 30_000,
  ): Promise<Message[]> {
    const consumer = kafka.consumer({ groupId: `g-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const messages: Message[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      let resolveDone: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        resolveDone = resolve;
      });
      await consumer.run({
        eachMessage: async ({ message }) => {
          messages.push({
            key: message.key === null ? null : JSON.parse(message.key.toString()),
            value: JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>,
          });
          if (isDone(messages)) resolveDone();
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([done, timeout]);
      clearTimeout(timer);
      if (!isDone(messages)) {
        throw new Error(
          `Expected ${what} on ${topic}, got ${messages.length} records: ${JSON.stringify(messages.map((m) => m.value))}`,
        );
      }
      return messages;
    } finally {
      await consumer.disconnect();
    }
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function isRunning(status: ConnectorStateInfo): boolean {
  return (
    status.connector.state === 'RUNNING' && status.tasks.length > 0 && status.tasks.every((t) => t.state === 'RUNNING')
  );
}
