/**
 * Helpers of the end-to-end proofs: the real `tributary connect-mirror-maker` as a child
 * process (from source through tsx, as a user runs it), MM2 files for two embedded
 * brokers, fast producing with the wire client, and waiting with a deadline.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWireClient, encodeRecordBatch, type KafkaWireClient, type NewRecord } from '@tributary/protocol';
import { parseProperties } from '@tributary/runtime';
import { type MirrorMakerPlan, mirrorMakerPlan } from '../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const cliDir = join(here, '..', '..', '..', 'cli');
const cliBin = join(cliDir, 'src', 'bin.ts');

/** The MM2 driver file users bring (shared/compat beside the project root). */
export const compatMirrorMakerFile = join(
  here,
  '..',
  '..',
  '..',
  '..',
  '..',
  'shared',
  'compat',
  'connect-mirror-maker.properties',
);

/**
 * The compat MM2 file with its hosts set to the two brokers. Replication factors of 3
 * become 1: a one-broker cluster cannot hold three replicas (Kafka answers
 * INVALID_REPLICATION_FACTOR, and so does the embedded broker). `extra` lines are
 * appended (later keys win in a properties file).
 */
export function compatFileFor(a: string, b: string, extra: readonly string[] = []): string {
  const text = readFileSync(compatMirrorMakerFile, 'utf8')
    .replace(/^A\.bootstrap\.servers\s*=.*$/m, `A.bootstrap.servers = ${a}`)
    .replace(/^B\.bootstrap\.servers\s*=.*$/m, `B.bootstrap.servers = ${b}`)
    .replace(/^([\w.-]*replication\.factor)\s*=\s*3\s*$/gm, '$1=1');
  return `${text}\n${extra.join('\n')}\n`;
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The plan of an MM2 file, as `tributary mirror …` builds it. */
export function planOf(path: string, stateDir: string): MirrorMakerPlan {
  return mirrorMakerPlan(parseProperties(readFileSync(path, 'utf8'), path), { stateDir });
}

export interface MirrorMakerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** The first stdout line ("tributary connect-mirror-maker: running flows …"). */
  readonly running: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  stderr(): string;
}

/** Starts `tributary connect-mirror-maker args…`; killed after `timeoutMs` so a hang fails the test. */
export function startMirrorMaker(args: readonly string[], timeoutMs = 300_000): MirrorMakerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cliBin, 'connect-mirror-maker', '--log-level', 'warn', ...args],
    {
      cwd: cliDir,
      stdio: 'pipe',
    },
  );
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  let onLine: ((line: string) => void) | null = null;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    const nl = stdout.indexOf('\n');
    if (nl >= 0 && onLine !== null) onLine(stdout.slice(0, nl));
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
  const running = new Promise<string>((resolve, reject) => {
    onLine = resolve;
    exited.then((r) =>
      reject(new Error(`connect-mirror-maker exited (code ${r.code}) before running; stderr:\n${r.stderr}`)),
    );
  });
  running.catch(() => {});
  return { child, running, exited, stderr: () => stderr };
}

/** SIGTERM and the exit. */
export async function stopMirrorMaker(mm: MirrorMakerProcess): Promise<{ code: number | null; stderr: string }> {
  if (mm.child.exitCode === null && mm.child.signalCode === null) mm.child.kill('SIGTERM');
  return mm.exited;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function wireClient(bootstrap: string): KafkaWireClient {
  return createWireClient({ bootstrapServers: [bootstrap], clientId: 'mirror-e2e' });
}

/**
 * Produces `count` records per partition, `batchSize` per request, made by `make(partition,
 * index)`; returns the records per partition in order.
 */
export async function produceRecords(
  client: KafkaWireClient,
  topic: string,
  partitions: number,
  count: number,
  make: (partition: number, index: number) => NewRecord,
  batchSize = 500,
): Promise<NewRecord[][]> {
  const all: NewRecord[][] = Array.from({ length: partitions }, () => []);
  for (let start = 0; start < count; start += batchSize) {
    const inputs = [];
    for (let p = 0; p < partitions; p++) {
      const records: NewRecord[] = [];
      for (let i = start; i < Math.min(count, start + batchSize); i++) records.push(make(p, i));
      all[p]?.push(...records);
      inputs.push({ topic, partition: p, data: encodeRecordBatch(records) });
    }
    await client.produce(inputs);
  }
  return all;
}

/** A JSON value like the ones the proof sends. */
export function jsonRecord(topic: string, partition: number, index: number): NewRecord {
  return {
    key: Buffer.from(`${topic}-${partition}-${index}`),
    value: Buffer.from(JSON.stringify({ topic, partition, index, at: 1_700_000_000_000 + index, note: 'mirror e2e' })),
    timestamp: 1_700_000_000_000 + index,
    headers: [{ key: 'source', value: Buffer.from(topic) }],
  };
}
