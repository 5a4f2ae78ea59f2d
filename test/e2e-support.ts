// What the JDBC end-to-end tests share: the local MariaDB/PostgreSQL, `tributary
// connect-standalone` as a child process, waiting on a probe, and properties files.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';

export const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;
export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
export const compatDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../shared/compat');
const cliBin = join(dirname(fileURLToPath(import.meta.resolve('@tributary/cli'))), 'bin.js');

// ---- services ---------------------------------------------------------------------------

/** A connection to the local MariaDB/MySQL, in `database` when given. */
export async function mariadb(database?: string): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({ ...MYSQL, ...(database === undefined ? {} : { database }) });
  } catch (err) {
    const named = database === undefined ? '' : `, database ${database}`;
    throw new Error(
      `MariaDB/MySQL is required at ${MYSQL.host}:${MYSQL.port} (user ${MYSQL.user}${named}) and could not be reached: ${(err as Error).message}`,
    );
  }
}

/** A connected client of the local PostgreSQL's `database`. */
export async function postgres(database: string): Promise<pg.Client> {
  const client = new pg.Client({ ...POSTGRES, database });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is required at ${POSTGRES.host}:${POSTGRES.port} (user ${POSTGRES.user}, database ${database}) and could not be reached: ${(err as Error).message}`,
    );
  }
  return client;
}

/**
 * The Databend guide's table `test_kafka` in `db`: ids auto-incremented from 10, and ten rows
 * `name-1`…`name-10` whose description is `description <i>`, NULL for the fifth.
 */
export async function createGuideTable(db: mysql.Connection): Promise<void> {
  await db.query(
    'CREATE TABLE test_kafka (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, description VARCHAR(512)) AUTO_INCREMENT=10',
  );
  for (let i = 1; i <= 10; i++) {
    await db.execute('INSERT INTO test_kafka (name, description) VALUES (?, ?)', [
      `name-${i}`,
      i === 5 ? null : `description ${i}`,
    ]);
  }
}

// ---- the worker as a child process ------------------------------------------------------

const LISTENING = /^tributary connect-standalone: REST API listening on (http:\/\/[^ ,]+)/;

export class WorkerProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stdout = '';
  #stderr = '';
  restUrl = '';

  private constructor(args: readonly string[]) {
    if (!existsSync(cliBin)) throw new Error(`${cliBin} is missing: build the CLI first (pnpm build)`);
    this.#child = spawn(process.execPath, [cliBin, 'connect-standalone', '--log-format', 'json', ...args], {
      stdio: 'pipe',
    });
    this.#child.stdin.end();
    this.#child.stdout.on('data', (d: Buffer) => {
      this.#stdout += d.toString();
    });
    this.#child.stderr.on('data', (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-50_000);
    });
    const guard = setTimeout(() => this.#child.kill('SIGKILL'), 240_000);
    this.#exited = new Promise((resolveExit) => {
      this.#child.on('close', (code, signal) => {
        clearTimeout(guard);
        resolveExit({ code, signal });
      });
    });
  }

  /** Starts `tributary connect-standalone worker connector…` and waits for its "listening" line. */
  static async start(workerFile: string, ...connectorFiles: string[]): Promise<WorkerProcess> {
    const worker = new WorkerProcess([workerFile, ...connectorFiles]);
    let hasExited = false;
    void worker.#exited.then(() => {
      hasExited = true;
    });
    const url = await waitFor('the worker to start', () => {
      const match = LISTENING.exec(worker.#stdout);
      if (match !== null) return match[1];
      if (hasExited) throw new Error(`the worker exited before listening; stderr:\n${worker.logTail()}`);
      return undefined;
    });
    worker.restUrl = url ?? '';
    return worker;
  }

  logTail(chars = 6000): string {
    return this.#stderr.slice(-chars);
  }

  /** SIGTERM: tasks flush and commit; resolves with the exit code. */
  async stop(): Promise<number | null> {
    this.#child.kill('SIGTERM');
    return (await this.#exited).code;
  }

  /** SIGKILL: nothing flushed, nothing committed beyond what the offset file already holds. */
  async kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  /** Throws with the trace when a task of `connector` has failed. */
  async assertRunning(connector: string): Promise<void> {
    const failed = (await this.taskStates(connector)).find((t) => t.state === 'FAILED');
    if (failed !== undefined)
      throw new Error(`a task of ${connector} failed: ${failed.trace ?? ''}\nworker log:\n${this.logTail()}`);
  }

  async taskStates(connector: string): Promise<{ state: string; trace?: string }[]> {
    const response = await fetch(`${this.restUrl}/connectors/${encodeURIComponent(connector)}/status`);
    const body = (await response.json()) as { tasks?: { state: string; trace?: string }[] };
    return body.tasks ?? [];
  }
}

/**
 * Polls `probe` every `pollMs` until it returns a value; throws naming `what` after `timeoutMs`.
 */
export async function waitFor<T>(
  what: string | (() => string),
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 120_000,
  pollMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

// ---- files ------------------------------------------------------------------------------

export function writeProperties(path: string, props: Readonly<Record<string, string | number>>): string {
  writeFileSync(
    path,
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  return path;
}

/**
 * `<dir>/<name>-worker.properties` for a standalone worker on `bootstrap` with JSON converters,
 * the offset file `<dir>/<name>.offsets` and a REST listener on a free port.
 */
export function workerProperties(
  dir: string,
  name: string,
  bootstrap: string,
  offsetFlushMs: number,
): { path: string; offsetFile: string } {
  const offsetFile = join(dir, `${name}.offsets`);
  const path = writeProperties(join(dir, `${name}-worker.properties`), {
    'bootstrap.servers': bootstrap,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.storage.file.filename': offsetFile,
    'offset.flush.interval.ms': offsetFlushMs,
    // A worker killed with -9 stays in its sink's consumer group until its session expires,
    // and the restarted worker's consumer waits for that: 6 s (the broker's minimum), not 30.
    'consumer.session.timeout.ms': 6000,
    'consumer.heartbeat.interval.ms': 1000,
    listeners: 'http://127.0.0.1:0',
  });
  return { path, offsetFile };
}
