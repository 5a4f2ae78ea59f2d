/**
 * One measurement of the sink benchmark, in a process of its own so that its peak RSS is
 * its own: `node dist-bench/measure.js '<json MeasureRequest>'` (compiled by `pnpm bench`). Prints one JSON line
 * (`MeasureResult`) on stdout as its last line.
 * - `consume`: raw kafkajs reads the whole topic (the runtime's consumer settings, a fresh
 *   group, `eachBatch`, nothing decoded) — the Kafka ceiling. With `isParsing`, it also
 *   JSON.parses every value (for reference: the floor of any JSON converter).
 * - `copy` (PostgreSQL): the sink's fast path through @tributary/jdbc, per batch one
 *   transaction of CREATE TEMPORARY TABLE … ON COMMIT DROP, COPY FROM STDIN into it, and one
 *   INSERT … SELECT … ON CONFLICT DO UPDATE — to set against `upsert`.
 * - `upsert`: the raw driver writes the same rows, BATCH_ROWS per statement, with the
 *   dialect's native upsert (PostgreSQL and SQLite `INSERT … ON CONFLICT (id) DO UPDATE`,
 *   MariaDB `INSERT … ON DUPLICATE KEY UPDATE`), one transaction per batch; DuckDB through its
 *   appender into a staging table, then one `INSERT … SELECT … ON CONFLICT DO UPDATE` per
 *   batch (multi-row VALUES is several times slower in DuckDB) — the database ceiling.
 * - `sink`: the JDBC sink (upsert, record_value id, auto.create) in `tributary
 *   connect-standalone` as users run it, a process of its own (compiled JavaScript, every
 *   built-in plugin loaded), timed from its ready line until its consumer group has committed
 *   the end of the topic (offsets are committed only after the rows are in the database); the
 *   table is counted afterwards. Its peak RSS is that process's.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, parseConnectionUrl, type TableId } from '@tributary/jdbc';
import { consumerConfig, sinkGroupId } from '@tributary/runtime';
import { Kafka, logLevel } from 'kafkajs';
import {
  BATCH_ROWS,
  type BenchDialect,
  type BenchRow,
  benchRow,
  COLUMNS,
  connectionUrl,
  connectionUser,
  createTableSql,
  duckdb,
  mariadbConnection,
  POSTGRES,
  postgresClient,
  quoteIdentifier,
  Sqlite,
} from './bench-rows.js';

export type MeasureKind = 'consume' | 'upsert' | 'copy' | 'sink';

/** The sink measurement's probe: committed offsets every POLL_MS, the task's status every STATUS_EVERY_POLLS polls. */
const POLL_MS = 100;
const STATUS_EVERY_POLLS = 10;

export interface MeasureRequest {
  readonly kind: MeasureKind;
  /** Absent for `consume`. */
  readonly dialect?: BenchDialect;
  readonly rows: number;
  readonly bootstrap?: string;
  readonly topic?: string;
  /** `consume`: JSON.parse every value. */
  readonly isParsing?: boolean;
}

export interface MeasureResult {
  readonly kind: MeasureKind;
  readonly dialect: BenchDialect | null;
  /** Records consumed, or rows in the table at the end. */
  readonly count: number;
  readonly ms: number;
  readonly perSecond: number;
  /** Peak resident set size of the measuring process (`sink`: of the worker), in MB. */
  readonly peakRssMb: number;
  /** `sink`: from starting the worker process to its ready line (not timed). */
  readonly startupMs?: number;
}

// ---- (a) raw kafkajs --------------------------------------------------------------------

async function consumeTopic(
  bootstrap: string,
  topic: string,
  rows: number,
  isParsing: boolean,
): Promise<{ count: number; ms: number }> {
  const settings = consumerConfig({}, { groupId: `bench-consume-${process.pid}-${Date.now()}` });
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-consume', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer(settings.config);
  const started = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          if (isParsing) for (const message of batch.messages) JSON.parse(message.value?.toString() ?? 'null');
          count += batch.messages.length;
          if (count >= rows) resolve();
        },
      })
      .catch(reject);
  });
  const ms = performance.now() - started;
  await consumer.disconnect();
  return { count, ms };
}

// ---- (b) raw driver upserts -------------------------------------------------------------

function batches(rows: number): Iterable<BenchRow[]> {
  return {
    *[Symbol.iterator]() {
      for (let first = 1; first <= rows; first += BATCH_ROWS) {
        const batch: BenchRow[] = [];
        for (let id = first; id < first + BATCH_ROWS && id <= rows; id++) batch.push(benchRow(id));
        yield batch;
      }
    },
  };
}

function flatValues(batch: readonly BenchRow[]): unknown[] {
  const values: unknown[] = [];
  for (const r of batch) values.push(r.id, r.name, r.amount, r.qty, r.note);
  return values;
}

function upsertSql(dialect: BenchDialect, table: string, count: number): string {
  const q = (c: string): string => quoteIdentifier(dialect, c);
  const columns = COLUMNS.map(q).join(', ');
  const tuples: string[] = [];
  for (let r = 0; r < count; r++) {
    const marks = COLUMNS.map((_, c) => (dialect === 'postgresql' ? `$${r * COLUMNS.length + c + 1}` : '?'));
    tuples.push(`(${marks.join(', ')})`);
  }
  const nonKey = COLUMNS.filter((c) => c !== 'id');
  const tail =
    dialect === 'mariadb'
      ? `ON DUPLICATE KEY UPDATE ${nonKey.map((c) => `${q(c)} = VALUES(${q(c)})`).join(', ')}`
      : `ON CONFLICT (${q('id')}) DO UPDATE SET ${nonKey.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ')}`;
  return `INSERT INTO ${table} (${columns}) VALUES ${tuples.join(', ')} ${tail}`;
}

async function rawUpsert(dialect: BenchDialect, rows: number, dir: string): Promise<{ count: number; ms: number }> {
  const tableName = `bench_sink_raw_${process.pid}`;
  const table = quoteIdentifier(dialect, tableName);
  const sqlFor = new Map<number, string>();
  const sql = (n: number): string => {
    let text = sqlFor.get(n);
    if (text === undefined) {
      text = upsertSql(dialect, table, n);
      sqlFor.set(n, text);
    }
    return text;
  };
  switch (dialect) {
    case 'postgresql': {
      const client = await postgresClient();
      try {
        await client.query(`DROP TABLE IF EXISTS ${table}`);
        await client.query(createTableSql(dialect, table));
        const started = performance.now();
        for (const batch of batches(rows)) await client.query(sql(batch.length), flatValues(batch));
        const ms = performance.now() - started;
        const { rows: counted } = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
        return { count: Number(counted[0]?.['n']), ms };
      } finally {
        await client.query(`DROP TABLE IF EXISTS ${table}`);
        await client.end();
      }
    }
    case 'mariadb': {
      const connection = await mariadbConnection();
      try {
        await connection.query(`DROP TABLE IF EXISTS ${table}`);
        await connection.query(createTableSql(dialect, table));
        const started = performance.now();
        for (const batch of batches(rows)) await connection.query(sql(batch.length), flatValues(batch));
        const ms = performance.now() - started;
        const [counted] = await connection.query(`SELECT count(*) AS n FROM ${table}`);
        return { count: Number((counted as Record<string, unknown>[])[0]?.['n']), ms };
      } finally {
        await connection.query(`DROP TABLE IF EXISTS ${table}`);
        await connection.end();
      }
    }
    case 'sqlite': {
      const db = new Sqlite(join(dir, 'raw.sqlite'));
      try {
        db.exec(createTableSql(dialect, table));
        const full = db.prepare(sql(BATCH_ROWS));
        const write = db.transaction((batch: BenchRow[]) => {
          const statement = batch.length === BATCH_ROWS ? full : db.prepare(sql(batch.length));
          statement.run(...flatValues(batch));
        });
        const started = performance.now();
        for (const batch of batches(rows)) write(batch);
        const ms = performance.now() - started;
        const counted = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
        return { count: counted.n, ms };
      } finally {
        db.close();
      }
    }
    case 'duckdb': {
      const instance = await duckdb.DuckDBInstance.create(join(dir, 'raw.duckdb'));
      const connection = await instance.connect();
      try {
        await connection.run(createTableSql(dialect, table));
        await connection.run(createTableSql(dialect, quoteIdentifier(dialect, `${tableName}_stage`)));
        const stage = quoteIdentifier(dialect, `${tableName}_stage`);
        const nonKey = COLUMNS.filter((c) => c !== 'id').map((c) => quoteIdentifier(dialect, c));
        const merge = `INSERT INTO ${table} SELECT * FROM ${stage} ON CONFLICT ("id") DO UPDATE SET ${nonKey.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
        const started = performance.now();
        for (const batch of batches(rows)) {
          const appender = await connection.createAppender(`${tableName}_stage`);
          for (const r of batch) {
            appender.appendBigInt(BigInt(r.id));
            appender.appendVarchar(r.name);
            appender.appendDouble(r.amount);
            appender.appendInteger(r.qty);
            if (r.note === null) appender.appendNull();
            else appender.appendVarchar(r.note);
            appender.endRow();
          }
          appender.flushSync();
          appender.closeSync();
          await connection.run('BEGIN TRANSACTION');
          await connection.run(merge);
          await connection.run(`DELETE FROM ${stage}`);
          await connection.run('COMMIT');
        }
        const ms = performance.now() - started;
        const reader = await connection.runAndReadAll(`SELECT count(*) FROM ${table}`);
        return { count: Number(reader.getRowsJS()[0]?.[0]), ms };
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    }
  }
}

// ---- the PostgreSQL COPY fast path ------------------------------------------------------

async function copyUpsert(rows: number): Promise<{ count: number; ms: number }> {
  const tableName = `bench_sink_copy_${process.pid}`;
  const table = quoteIdentifier('postgresql', tableName);
  const db = await openDatabase(parseConnectionUrl(connectionUrl('postgresql', ''), { user: POSTGRES.user }), {});
  try {
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.query(createTableSql('postgresql', table));
    const list = COLUMNS.map((c) => quoteIdentifier('postgresql', c)).join(', ');
    const stage: TableId = { catalog: null, schema: null, table: `bench_stage_${process.pid}` };
    const stageSql = db.dialect.quoteTable(stage);
    const updates = COLUMNS.filter((c) => c !== 'id')
      .map((c) => `${quoteIdentifier('postgresql', c)} = EXCLUDED.${quoteIdentifier('postgresql', c)}`)
      .join(', ');
    const started = performance.now();
    for (const batch of batches(rows)) {
      await db.transaction(async (tx) => {
        if (tx.copyRows === undefined) throw new Error('@tributary/jdbc offers no COPY for PostgreSQL');
        await tx.execute(
          `CREATE TEMPORARY TABLE ${stageSql} ON COMMIT DROP AS SELECT ${list} FROM ${table} WITH NO DATA`,
        );
        await tx.copyRows(
          stage,
          COLUMNS,
          batch.map((r) => [r.id, r.name, r.amount, r.qty, r.note]),
        );
        await tx.execute(
          `INSERT INTO ${table} (${list}) SELECT ${list} FROM ${stageSql} ON CONFLICT ("id") DO UPDATE SET ${updates}`,
        );
      });
    }
    const ms = performance.now() - started;
    const { rows: counted } = await db.query(`SELECT count(*)::int FROM ${table}`);
    return { count: Number(counted[0]?.[0]), ms };
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.close();
  }
}

// ---- (c) the sink -----------------------------------------------------------------------

async function runSink(
  dialect: BenchDialect,
  rows: number,
  bootstrap: string,
  topic: string,
  dir: string,
): Promise<{ count: number; ms: number; peakKb: number; startupMs: number }> {
  const tableName = `bench_sink_connector_${process.pid}`;
  const file = join(dir, `sink.${dialect === 'duckdb' ? 'duckdb' : 'sqlite'}`);
  const name = `bench-jdbc-sink-${dialect}-${process.pid}`;
  const workerFile = join(dir, 'worker.properties');
  const connectorFile = join(dir, 'sink.properties');
  writeFileSync(
    workerFile,
    [
      `bootstrap.servers=${bootstrap}`,
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      `offset.storage.file.filename=${join(dir, 'offsets')}`,
      'offset.flush.interval.ms=250',
      'listeners=http://127.0.0.1:0',
      '',
    ].join('\n'),
  );
  writeFileSync(
    connectorFile,
    [
      `name=${name}`,
      'connector.class=io.confluent.connect.jdbc.JdbcSinkConnector',
      'tasks.max=1',
      `topics=${topic}`,
      `connection.url=${connectionUrl(dialect, file)}`,
      ...(dialect === 'postgresql' || dialect === 'mariadb' ? [`connection.user=${connectionUser(dialect)}`] : []),
      'insert.mode=upsert',
      'pk.mode=record_value',
      'pk.fields=id',
      'auto.create=true',
      `table.name.format=${tableName}`,
      `batch.size=${BATCH_ROWS}`,
      '',
    ].join('\n'),
  );
  await dropTable(dialect, tableName);
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-sink-probe', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const spawned = performance.now();
  const worker = await startCli(workerFile, connectorFile);
  // From the worker's ready line: plugins loaded, REST up, the connector and its task started.
  const started = performance.now();
  let ms = 0;
  let peakKb = 0;
  try {
    // Polled gently: this process shares the two cores with the worker it measures.
    for (let poll = 1; ; poll++) {
      const [offsets] = await admin.fetchOffsets({ groupId: sinkGroupId(name), topics: [topic] });
      const committed = (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
      if (committed >= rows) break;
      if (worker.exitCode !== null)
        throw new Error(`the worker exited with code ${worker.exitCode}: ${worker.stderr()}`);
      if (poll % STATUS_EVERY_POLLS === 0) {
        const failed = await failedTask(worker.restUrl, name);
        if (failed !== null) throw new Error(`the sink task failed: ${failed}`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    ms = performance.now() - started;
    peakKb = peakRssKb(worker.pid);
  } finally {
    await worker.stop();
    await admin.disconnect();
  }
  const count = await countRows(dialect, tableName, file);
  await dropTable(dialect, tableName);
  return { count, ms, peakKb, startupMs: started - spawned };
}

const CLI_BIN = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

interface CliWorker {
  readonly pid: number;
  readonly restUrl: string;
  readonly exitCode: number | null;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * `tributary connect-standalone` as users run it (compiled JavaScript, every built-in
 * plugin loaded), resolved once it prints its ready line. BENCH_SINK_CPU_PROF profiles it.
 */
function startCli(workerFile: string, connectorFile: string): Promise<CliWorker> {
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: build the CLI first (pnpm build at the root)`);
  const profileDir = process.env['BENCH_SINK_CPU_PROF'];
  const profile = profileDir === undefined || profileDir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const args = [...profile, CLI_BIN, 'connect-standalone', '--log-level', 'warn', workerFile, connectorFile];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const ready = /REST API listening on (http:\/\/\S+)/.exec(stdout);
      if (ready?.[1] === undefined || child.pid === undefined) return;
      const pid = child.pid;
      resolve({
        pid,
        restUrl: ready[1],
        get exitCode() {
          return child.exitCode;
        },
        stderr: () => stderr,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`tributary connect-standalone exited with code ${code}: ${stderr}`)));
  });
}

/** The trace of the first failed task of `connector`, or null. */
async function failedTask(restUrl: string, connector: string): Promise<string | null> {
  const response = await fetch(`${restUrl}/connectors/${encodeURIComponent(connector)}/status`);
  if (!response.ok) return null;
  const status = (await response.json()) as { tasks?: { state?: string; trace?: string }[] };
  const failed = status.tasks?.find((t) => t.state === 'FAILED');
  return failed === undefined ? null : (failed.trace ?? 'no trace');
}

async function countRows(dialect: BenchDialect, tableName: string, file: string): Promise<number> {
  const table = quoteIdentifier(dialect, tableName);
  switch (dialect) {
    case 'postgresql': {
      const client = await postgresClient();
      try {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
        return Number(rows[0]?.['n']);
      } finally {
        await client.end();
      }
    }
    case 'mariadb': {
      const connection = await mariadbConnection();
      try {
        const [rows] = await connection.query(`SELECT count(*) AS n FROM ${table}`);
        return Number((rows as Record<string, unknown>[])[0]?.['n']);
      } finally {
        await connection.end();
      }
    }
    case 'sqlite': {
      const db = new Sqlite(file);
      try {
        return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      } finally {
        db.close();
      }
    }
    case 'duckdb': {
      const instance = await duckdb.DuckDBInstance.create(file);
      const connection = await instance.connect();
      try {
        const reader = await connection.runAndReadAll(`SELECT count(*) FROM ${table}`);
        return Number(reader.getRowsJS()[0]?.[0]);
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    }
  }
}

/** Drops the sink's table in the server databases (SQLite and DuckDB files are new each run). */
async function dropTable(dialect: BenchDialect, tableName: string): Promise<void> {
  const table = quoteIdentifier(dialect, tableName);
  if (dialect === 'postgresql') {
    const client = await postgresClient();
    await client.query(`DROP TABLE IF EXISTS ${table}`).finally(() => client.end());
  } else if (dialect === 'mariadb') {
    const connection = await mariadbConnection();
    await connection.query(`DROP TABLE IF EXISTS ${table}`).finally(() => connection.end());
  }
}

// ---- main -------------------------------------------------------------------------------

/**
 * This process's peak RSS in KB: VmHWM on Linux (getrusage's maxRSS of a spawned child can
 * start from its parent's RSS), maxRSS elsewhere.
 */
function peakRssKb(pid: number | 'self' = 'self'): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

async function measure(request: MeasureRequest): Promise<MeasureResult> {
  const dir = mkdtempSync(join(tmpdir(), 'jdbc-sink-bench-'));
  try {
    let outcome: { count: number; ms: number; peakKb?: number; startupMs?: number };
    const need = <T>(value: T | undefined, what: string): T => {
      if (value === undefined) throw new Error(`${request.kind} needs ${what}`);
      return value;
    };
    switch (request.kind) {
      case 'consume':
        outcome = await consumeTopic(
          need(request.bootstrap, 'bootstrap'),
          need(request.topic, 'topic'),
          request.rows,
          request.isParsing === true,
        );
        break;
      case 'upsert':
        outcome = await rawUpsert(need(request.dialect, 'dialect'), request.rows, dir);
        break;
      case 'copy':
        outcome = await copyUpsert(request.rows);
        break;
      case 'sink':
        outcome = await runSink(
          need(request.dialect, 'dialect'),
          request.rows,
          need(request.bootstrap, 'bootstrap'),
          need(request.topic, 'topic'),
          dir,
        );
        break;
    }
    return {
      kind: request.kind,
      dialect: request.dialect ?? null,
      count: outcome.count,
      ms: outcome.ms,
      perSecond: (outcome.count / outcome.ms) * 1000,
      peakRssMb: (outcome.peakKb ?? peakRssKb()) / 1024,
      ...(outcome.startupMs === undefined ? {} : { startupMs: outcome.startupMs }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const request = JSON.parse(process.argv[2] ?? '{}') as MeasureRequest;
const result = await measure(request);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
