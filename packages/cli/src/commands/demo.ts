/**
 * `tributary demo`: database → Kafka → warehouse, with nothing to install or configure.
 * In this process: the embedded broker; a SQLite "shop" database whose `orders` table keeps
 * receiving inserts and updates; the JDBC source (timestamp+incrementing) copying it into
 * Kafka and the JDBC sink (upsert, auto.create, auto.evolve) keeping a DuckDB "warehouse"
 * table equal to the topic, both run by the standalone herder. Half-way a column is added
 * to `orders`, and the warehouse gains it. When the shop stops changing and the warehouse
 * has caught up, both tables are compared row by row and summarised side by side; exit 0
 * when they are equal, 1 when they still differ after a timeout. Everything lives in a
 * temporary directory that is removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { type Database, openDatabase, parseConnectionUrl } from '@tributary/jdbc';
import {
  createRootLogger,
  FileOffsetStore,
  LoggerLevels,
  MetricsRegistry,
  PluginRegistry,
  parseWorkerConfig,
  StandaloneHerder,
} from '@tributary/runtime';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { Command, CommandContext, Output } from '../command.js';
import { hostPort } from '../host-port.js';
import { integerOption, parseOrThrow } from '../parse-options.js';
import { cliPlugins } from '../plugins.js';
import { untilAborted } from '../until-aborted.js';

const SOURCE = 'shop-orders-source';
const SINK = 'warehouse-orders-sink';
const TOPIC = 'shop-orders';
const ADDED_COLUMN = 'coupon';
const CATCH_UP_TIMEOUT_MS = 30_000;
const DEFAULT_DURATION_S = 20;
const DEFAULT_RATE = 100;

const usage = `Usage: tributary demo [options]

Database → Kafka → warehouse, all in this process, in a temporary directory:
  - the embedded broker;
  - a SQLite "shop" database whose orders table keeps receiving inserts and updates;
  - the JDBC source (mode timestamp+incrementing) copying orders into the topic "${TOPIC}";
  - the JDBC sink (upsert, auto.create, auto.evolve) keeping the table orders of a DuckDB
    "warehouse" equal to the topic.
Prints progress every second, adds a column to the shop's orders half-way (the warehouse
gains it through auto.evolve), then stops changing the shop, waits for the warehouse to
catch up, and prints both tables' summaries side by side. Exits 0 when they are equal,
1 when they still differ after ${CATCH_UP_TIMEOUT_MS / 1000} s.

Options:
  --duration S  seconds the shop keeps changing (default ${DEFAULT_DURATION_S})
  --rate N      new orders per second; about half as many updates (default ${DEFAULT_RATE})
  --port N      port for the embedded broker (default 0: a free one)
  -h, --help    show this help
`;

const options = {
  duration: { type: 'string' },
  rate: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface DemoOptions {
  readonly port: number;
  readonly durationMs: number;
  readonly ordersPerSecond: number;
}

/** Everything started, for the cleanup; filled in as things start. */
interface Resources {
  dir?: string;
  broker?: RunningBroker;
  admin?: Admin;
  shop?: Database;
  herder?: StandaloneHerder | undefined;
  offsetStore?: FileOffsetStore;
  generator?: OrderGenerator;
  progress?: NodeJS.Timeout;
}

async function run(args: readonly string[], { stdout, stderr, signal }: CommandContext): Promise<number> {
  const { values } = parseOrThrow(() => parseArgs({ args: [...args], options, strict: true, allowPositionals: false }));
  if (values.help) {
    stdout.write(usage);
    return 0;
  }
  const demo: DemoOptions = {
    port: values.port === undefined ? 0 : integerOption('port', values.port, 0, 65535),
    durationMs:
      1000 * (values.duration === undefined ? DEFAULT_DURATION_S : integerOption('duration', values.duration, 2, 3600)),
    ordersPerSecond: values.rate === undefined ? DEFAULT_RATE : integerOption('rate', values.rate, 1, 10_000),
  };
  const resources: Resources = {};
  const aborted = new AbortController();
  const work = pipeline(demo, resources, stdout, stderr, aborted.signal);
  // Cleanup below closes what the pipeline uses, which may make an abandoned run reject.
  work.catch(() => {});
  try {
    const outcome = await Promise.race([work, untilAborted(signal).then(() => 'interrupted' as const)]);
    if (outcome === 'interrupted') {
      aborted.abort();
      stderr.write('tributary demo: interrupted\n');
      return 130;
    }
    return outcome;
  } catch (err) {
    stderr.write(`tributary demo: failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    aborted.abort();
    await cleanUp(resources, stderr);
  }
}

async function pipeline(
  demo: DemoOptions,
  resources: Resources,
  stdout: Output,
  stderr: Output,
  signal: AbortSignal,
): Promise<number> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'tributary-demo-'));
  resources.dir = dir;
  const shopFile = join(dir, 'shop.sqlite');
  const warehouseFile = join(dir, 'warehouse.duckdb');

  const broker = await startBroker({
    port: demo.port,
    log: (level, message) => stderr.write(`tributary demo: broker [${level}] ${message}\n`),
  });
  resources.broker = broker;
  stdout.write(`embedded broker listening on ${hostPort(broker.host, broker.port)} (memory only)\n`);
  const kafka = new Kafka({ clientId: 'tributary-demo', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  resources.admin = admin;
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });

  const shop = await openDatabase(parseConnectionUrl(`jdbc:sqlite:${shopFile}`, {}), { createIfMissing: true });
  resources.shop = shop;
  await createShop(shop);
  const generator = new OrderGenerator(shop, demo.ordersPerSecond);
  resources.generator = generator;
  await generator.tick(Math.max(10, Math.round(demo.ordersPerSecond / 2)));
  generator.start();
  stdout.write(
    `shop: SQLite database ${shopFile}, table orders receiving ~${demo.ordersPerSecond} inserts/s and updates\n`,
  );

  const metrics = new MetricsRegistry();
  const herder = await startHerder(broker.bootstrap, dir, metrics, stderr);
  resources.herder = herder.herder;
  resources.offsetStore = herder.offsetStore;
  await herder.herder.putConnectorConfig(SOURCE, sourceConfig(shopFile), { allowReplace: false });
  await herder.herder.putConnectorConfig(SINK, sinkConfig(warehouseFile), { allowReplace: false });
  herder.herder.markReady();
  stdout.write(`source: JDBC source, mode timestamp+incrementing, orders → topic ${TOPIC}\n`);
  stdout.write(`sink:   JDBC sink, upsert by id, auto.create + auto.evolve, ${TOPIC} → DuckDB ${warehouseFile}\n`);

  const progress = new Progress(stdout, admin, metrics, generator, started);
  resources.progress = setInterval(() => void progress.print().catch(() => {}), 1000);

  await sleep(demo.durationMs / 2, signal);
  signal.throwIfAborted();
  await checkTasks(herder.herder);
  await generator.addColumn();
  stdout.write(`shop: ALTER TABLE orders ADD COLUMN ${ADDED_COLUMN} TEXT (new orders now carry a coupon)\n`);
  await sleep(demo.durationMs / 2, signal);
  signal.throwIfAborted();
  await generator.stop();
  stdout.write(
    `shop: stopped changing after ${generator.inserted} inserts and ${generator.updated} updates; waiting for the warehouse\n`,
  );

  const isCaughtUp = await waitForCatchUp(shop, herder.herder, admin, metrics, signal);
  clearInterval(resources.progress);
  await progress.print();
  await herder.herder.stop();
  resources.herder = undefined;
  signal.throwIfAborted();

  const warehouse = await openDatabase(parseConnectionUrl(`jdbc:duckdb:${warehouseFile}`, {}));
  try {
    const shopTable = await readTable(shop, 'sqlite');
    const warehouseTable = await readTable(warehouse, 'duckdb');
    stdout.write(`\nwarehouse table orders, columns: ${warehouseTable.columns.join(', ')}`);
    stdout.write(warehouseTable.columns.includes(ADDED_COLUMN) ? ` (${ADDED_COLUMN} added by auto.evolve)\n` : '\n');
    const differences = compareTables(shopTable, warehouseTable);
    printSummaries(stdout, summarize(shopTable), summarize(warehouseTable));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (differences.length === 0) {
      const rowCount = shopTable.rows.size.toLocaleString('en-US');
      stdout.write(`every row equal, column by column (${rowCount} rows)\n`);
      stdout.write(`demo done: the warehouse equals the shop (${rowCount} rows, ${seconds} s)\n`);
      return 0;
    }
    const why = isCaughtUp ? '' : ` (it had not caught up after ${CATCH_UP_TIMEOUT_MS / 1000} s)`;
    stderr.write(
      `tributary demo: the warehouse differs from the shop${why}; ${differences.length} difference(s), the first ones:\n  ${differences.slice(0, 10).join('\n  ')}\n`,
    );
    return 1;
  } finally {
    await warehouse.close();
  }
}

// ---- the shop ---------------------------------------------------------------------------

const PRODUCTS = ['kettle', 'teapot', 'mug', 'grinder', 'scale', 'filter papers', 'beans 1 kg', 'tray'];
const CUSTOMERS = ['ada', 'grace', 'linus', 'barbara', 'ken', 'margaret', 'dennis', 'frances', 'edsger', 'radia'];
const NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

async function createShop(shop: Database): Promise<void> {
  // WAL: the source's open read does not block the generator's writes.
  await shop.query('PRAGMA journal_mode = WAL');
  await shop.query(
    `CREATE TABLE orders (
      id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
      customer TEXT NOT NULL,
      product TEXT NOT NULL,
      quantity INTEGER NOT NULL,
      amount_cents BIGINT NOT NULL,
      status TEXT NOT NULL,
      revision INTEGER NOT NULL,
      updated_at DATETIME NOT NULL
    )`,
  );
}

/** Inserts new orders and updates existing ones a few times a second, with a deterministic pseudo-random sequence. */
class OrderGenerator {
  inserted = 0;
  updated = 0;
  #seed = 42;
  #hasCoupon = false;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> = Promise.resolve();
  #debt = 0;
  readonly #shop: Database;
  readonly #ordersPerSecond: number;

  constructor(shop: Database, ordersPerSecond: number) {
    this.#shop = shop;
    this.#ordersPerSecond = ordersPerSecond;
  }

  start(): void {
    const tickMs = 100;
    this.#timer = setInterval(() => {
      this.#debt += (this.#ordersPerSecond * tickMs) / 1000;
      const count = Math.floor(this.#debt);
      this.#debt -= count;
      this.#running = this.#running.then(() => this.tick(count));
    }, tickMs);
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** ALTER TABLE while the pipeline runs: the sink's auto.evolve adds the column. */
  async addColumn(): Promise<void> {
    this.#running = this.#running.then(async () => {
      await this.#shop.query(`ALTER TABLE orders ADD COLUMN ${ADDED_COLUMN} TEXT`);
      this.#hasCoupon = true;
    });
    await this.#running;
  }

  /** One transaction: `count` new orders, and about half as many updates of earlier ones. */
  async tick(count: number): Promise<void> {
    if (count === 0) return;
    const inserted = this.inserted;
    await this.#shop.transaction(async (tx) => {
      for (let i = 0; i < count; i++) {
        const quantity = 1 + this.#next(5);
        const values: unknown[] = [
          CUSTOMERS[this.#next(CUSTOMERS.length)],
          PRODUCTS[this.#next(PRODUCTS.length)],
          quantity,
          quantity * (199 + this.#next(9800)),
          'new',
        ];
        if (this.#hasCoupon) {
          values.push(this.#next(3) === 0 ? `SPRING${5 * (1 + this.#next(4))}` : null);
          await tx.execute(
            `INSERT INTO orders (customer, product, quantity, amount_cents, status, revision, updated_at, ${ADDED_COLUMN}) VALUES (?, ?, ?, ?, ?, 0, ${NOW}, ?)`,
            values,
          );
        } else {
          await tx.execute(
            `INSERT INTO orders (customer, product, quantity, amount_cents, status, revision, updated_at) VALUES (?, ?, ?, ?, ?, 0, ${NOW})`,
            values,
          );
        }
      }
      const updates = inserted === 0 ? 0 : Math.ceil(count / 2);
      for (let i = 0; i < updates; i++) {
        const id = 1 + this.#next(inserted);
        const status = ['paid', 'shipped', 'delivered', 'refunded'][this.#next(4)];
        await tx.execute(
          `UPDATE orders SET status = ?, amount_cents = amount_cents + ?, revision = revision + 1, updated_at = ${NOW} WHERE id = ?`,
          [status, status === 'refunded' ? -100 : 50, id],
        );
      }
      this.updated += updates;
    });
    this.inserted += count;
  }

  /** 0 … n−1 from a linear congruential sequence (the same shop on every run). */
  #next(n: number): number {
    this.#seed = (this.#seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return this.#seed % n;
  }
}

// ---- the worker -------------------------------------------------------------------------

async function startHerder(
  bootstrap: string,
  dir: string,
  metrics: MetricsRegistry,
  stderr: Output,
): Promise<{ herder: StandaloneHerder; offsetStore: FileOffsetStore }> {
  const worker = parseWorkerConfig(
    {
      'bootstrap.servers': bootstrap,
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.storage.file.filename': join(dir, 'connect.offsets'),
      'offset.flush.interval.ms': '500',
    },
    'tributary demo',
  );
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      stderr.write(`tributary demo: ${chunk.toString()}`);
      callback();
    },
  });
  const loggers = new LoggerLevels(createRootLogger({ level: 'warn', destination: logStream, pretty: true }));
  const offsetStore = new FileOffsetStore(worker.config['offset.storage.file.filename']);
  await offsetStore.start();
  const herder = new StandaloneHerder({
    worker,
    registry: new PluginRegistry(cliPlugins),
    offsetStore,
    logger: loggers.logger('tributary.demo'),
    loggerFor: (name, bindings) => loggers.logger(name, bindings),
    metrics,
    workerId: 'tributary-demo',
  });
  await herder.start();
  return { herder, offsetStore };
}

function sourceConfig(shopFile: string): Record<string, string> {
  return {
    'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
    'tasks.max': '1',
    'connection.url': `jdbc:sqlite:${shopFile}`,
    mode: 'timestamp+incrementing',
    'timestamp.column.name': 'updated_at',
    'incrementing.column.name': 'id',
    'timestamp.delay.interval.ms': '50',
    'table.whitelist': 'orders',
    'topic.prefix': 'shop-',
    'poll.interval.ms': '200',
  };
}

function sinkConfig(warehouseFile: string): Record<string, string> {
  return {
    'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
    'tasks.max': '1',
    topics: TOPIC,
    'connection.url': `jdbc:duckdb:${warehouseFile}`,
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
    'table.name.format': 'orders',
    'auto.create': 'true',
    'auto.evolve': 'true',
  };
}

/** Throws with the task's trace when a task of the demo failed. */
async function checkTasks(herder: StandaloneHerder): Promise<void> {
  for (const name of [SOURCE, SINK]) {
    const failed = herder.connectorStatus(name).tasks.find((t) => t.state === 'FAILED');
    if (failed !== undefined) throw new Error(`the task of ${name} failed: ${failed.trace ?? 'no trace'}`);
  }
}

/**
 * Waits until the source has committed the shop's last change and the sink has accepted
 * every record in the topic; false after CATCH_UP_TIMEOUT_MS.
 */
async function waitForCatchUp(
  shop: Database,
  herder: StandaloneHerder,
  admin: Admin,
  metrics: MetricsRegistry,
  signal: AbortSignal,
): Promise<boolean> {
  const { rows } = await shop.query('SELECT id, updated_at FROM orders ORDER BY updated_at DESC, id DESC LIMIT 1');
  const last = rows[0];
  const lastId = Number(last?.[0] ?? 0);
  const lastMs = Date.parse(`${String(last?.[1] ?? '').replace(' ', 'T')}Z`);
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await checkTasks(herder);
    const offsets = await herder.connectorOffsets(SOURCE);
    const offset = offsets[0]?.offset ?? null;
    const isSourceDone =
      offset !== null && Number(offset['incrementing']) === lastId && Number(offset['timestamp']) === lastMs;
    const inKafka = await recordsInKafka(admin);
    if (isSourceDone && counterOf(metrics, 'tributary_task_records_written_total', SINK) >= inKafka) return true;
    await sleep(200, signal);
  }
  return false;
}

async function recordsInKafka(admin: Admin): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(TOPIC);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/** A task counter's value, read from the registry's exposition text (0 before the task registered it). */
function counterOf(metrics: MetricsRegistry, name: string, connector: string): number {
  const line = metrics
    .render()
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && l.includes(`connector="${connector}"`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

class Progress {
  readonly #stdout: Output;
  readonly #admin: Admin;
  readonly #metrics: MetricsRegistry;
  readonly #generator: OrderGenerator;
  readonly #started: number;

  constructor(stdout: Output, admin: Admin, metrics: MetricsRegistry, generator: OrderGenerator, started: number) {
    this.#stdout = stdout;
    this.#admin = admin;
    this.#metrics = metrics;
    this.#generator = generator;
    this.#started = started;
  }

  async print(): Promise<void> {
    const inKafka = await recordsInKafka(this.#admin);
    const read = counterOf(this.#metrics, 'tributary_task_records_polled_total', SOURCE);
    const upserted = counterOf(this.#metrics, 'tributary_task_records_written_total', SINK);
    const seconds = Math.round((Date.now() - this.#started) / 1000);
    const n = (value: number): string => value.toLocaleString('en-US');
    this.#stdout.write(
      `${String(seconds).padStart(3)} s  shop: ${n(this.#generator.inserted)} orders, ${n(this.#generator.updated)} updates` +
        `  | rows read ${n(read)}  | records in Kafka ${n(inKafka)}  | rows upserted ${n(upserted)}  | lag ${n(Math.max(0, inKafka - upserted))}\n`,
    );
  }
}

// ---- comparing ------------------------------------------------------------------------

const COMPARED = [
  'id',
  'customer',
  'product',
  'quantity',
  'amount_cents',
  'status',
  'revision',
  'updated_at',
  ADDED_COLUMN,
];

interface TableSnapshot {
  readonly columns: readonly string[];
  /** Canonical text of each row's compared columns, by id. */
  readonly rows: ReadonlyMap<number, readonly string[]>;
}

async function readTable(db: Database, kind: 'sqlite' | 'duckdb'): Promise<TableSnapshot> {
  const columns = (await db.dialect.describeTable(db, { catalog: null, schema: null, table: 'orders' })).map(
    (c) => c.name,
  );
  // updated_at as epoch milliseconds: SQLite keeps the text strftime wrote, DuckDB a TIMESTAMP.
  const updatedAt =
    kind === 'sqlite'
      ? 'CAST(ROUND((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER)'
      : 'epoch_ms(updated_at)';
  const selected = COMPARED.map((c) =>
    c === 'updated_at' ? updatedAt : columns.includes(c) ? db.dialect.quoteIdentifier(c) : 'NULL',
  );
  const { rows } = await db.query(`SELECT ${selected.join(', ')} FROM orders`);
  const byId = new Map<number, readonly string[]>();
  for (const row of rows)
    byId.set(
      Number(row[0]),
      row.map((v) => (v === null || v === undefined ? 'NULL' : String(v))),
    );
  return { columns, rows: byId };
}

/** Human-readable differences (missing rows, extra rows, differing columns), at most a few per kind. */
function compareTables(shop: TableSnapshot, warehouse: TableSnapshot): string[] {
  const differences: string[] = [];
  if (!warehouse.columns.includes(ADDED_COLUMN)) differences.push(`the warehouse has no column ${ADDED_COLUMN}`);
  for (const [id, row] of shop.rows) {
    const other = warehouse.rows.get(id);
    if (other === undefined) {
      differences.push(`order ${id} is missing from the warehouse`);
      continue;
    }
    COMPARED.forEach((column, i) => {
      if (row[i] !== other[i])
        differences.push(`order ${id}: ${column} is ${row[i]} in the shop, ${other[i]} in the warehouse`);
    });
  }
  for (const id of warehouse.rows.keys()) {
    if (!shop.rows.has(id)) differences.push(`order ${id} is in the warehouse but not in the shop`);
  }
  return differences;
}

interface Summary {
  readonly rows: number;
  readonly amountCents: bigint;
  readonly revisions: number;
  readonly maxId: number;
  readonly lastUpdatedId: number;
  readonly withCoupon: number;
  readonly lastUpdateMs: number;
}

function summarize(table: TableSnapshot): Summary {
  const at = (name: string): number => COMPARED.indexOf(name);
  let amountCents = 0n;
  let revisions = 0;
  let maxId = 0;
  let withCoupon = 0;
  let lastUpdateMs = 0;
  let lastUpdatedId = 0;
  for (const [id, row] of table.rows) {
    amountCents += BigInt(row[at('amount_cents')] ?? '0');
    revisions += Number(row[at('revision')]);
    maxId = Math.max(maxId, id);
    if (row[at(ADDED_COLUMN)] !== 'NULL') withCoupon++;
    const updatedMs = Number(row[at('updated_at')]);
    if (
      Number(row[at('revision')]) > 0 &&
      (updatedMs > lastUpdateMs || (updatedMs === lastUpdateMs && id > lastUpdatedId))
    ) {
      lastUpdateMs = updatedMs;
      lastUpdatedId = id;
    }
  }
  return { rows: table.rows.size, amountCents, revisions, maxId, lastUpdatedId, withCoupon, lastUpdateMs };
}

function printSummaries(stdout: Output, shop: Summary, warehouse: Summary): void {
  const n = (value: number): string => value.toLocaleString('en-US');
  const money = (cents: bigint): string => {
    const sign = cents < 0n ? '-' : '';
    const abs = cents < 0n ? -cents : cents;
    return `${sign}$${(abs / 100n).toLocaleString('en-US')}.${String(abs % 100n).padStart(2, '0')}`;
  };
  const lines: [string, (s: Summary) => string][] = [
    ['rows', (s) => n(s.rows)],
    ['sum of amounts', (s) => money(s.amountCents)],
    ['updates applied (sum of revisions)', (s) => n(s.revisions)],
    ['max id', (s) => n(s.maxId)],
    ['last updated id', (s) => n(s.lastUpdatedId)],
    [`orders with a ${ADDED_COLUMN}`, (s) => n(s.withCoupon)],
    ['last update', (s) => (s.lastUpdateMs === 0 ? '-' : new Date(s.lastUpdateMs).toISOString())],
  ];
  const width = Math.max(...lines.map(([label]) => label.length));
  const cells = lines.map(([label, of]) => [label, of(shop), of(warehouse)] as const);
  const shopWidth = Math.max('shop (SQLite)'.length, ...cells.map((c) => c[1].length));
  stdout.write(`\n${''.padEnd(width)}  ${'shop (SQLite)'.padEnd(shopWidth)}  warehouse (DuckDB)\n`);
  for (const [label, left, right] of cells) {
    stdout.write(
      `${label.padEnd(width)}  ${left.padEnd(shopWidth)}  ${right}${left === right ? '' : '   <- differs'}\n`,
    );
  }
}

// ---- cleanup --------------------------------------------------------------------------

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Stops whatever was started, in reverse order, and removes the temporary directory; never throws. */
async function cleanUp(resources: Resources, stderr: Output): Promise<void> {
  const attempt = async (what: string, step: () => unknown): Promise<void> => {
    try {
      await step();
    } catch (err) {
      stderr.write(`tributary demo: cleanup: ${what}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  };
  if (resources.progress !== undefined) clearInterval(resources.progress);
  await attempt('stopping the generator', () => resources.generator?.stop());
  await attempt('stopping the connectors', () => resources.herder?.stop());
  await attempt('closing the offset file', () => resources.offsetStore?.stop());
  await attempt('closing the shop', () => resources.shop?.close());
  await attempt('disconnecting', () => resources.admin?.disconnect());
  await attempt('stopping the broker', () => resources.broker?.stop());
  const dir = resources.dir;
  if (dir !== undefined)
    await attempt('removing the temporary directory', () => rmSync(dir, { recursive: true, force: true }));
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'database → Kafka → warehouse: SQLite orders through the JDBC source and sink into DuckDB, in-process',
  usage,
  run,
};
