/**
 * `pnpm bench` (in packages/jdbc-sink): JDBC sink throughput for BENCH_SINK_ROWS records
 * (default 1,000,000) from one topic on an embedded broker (a child process) into
 * PostgreSQL, MariaDB, SQLite and DuckDB (BENCH_SINK_DIALECTS=postgresql,mariadb,sqlite,duckdb),
 * next to two ceilings measured in the same run: (a) raw kafkajs consuming the topic and
 * (b) the raw driver's batched upsert of the same rows. Each measurement runs in its own
 * process (bench/measure.ts) so that its peak RSS is its own; (c) runs the sink in
 * `tributary connect-standalone` (the CLI must be built), as users run it.
 * Targets: (c) ≥ 70% of the slower of (a) and (b), and (c)'s peak RSS < 300 MB; the
 * PostgreSQL COPY fast path (as the sink runs it, through @tributary/jdbc) ≥ 100% of (b)'s raw
 * multi-row INSERT … ON CONFLICT.
 * BENCH_SINK_CPU_PROF=<dir> writes a V8 CPU profile of every measurement (and of the worker) into <dir>.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { BENCH_DIALECTS, type BenchDialect, benchRecord } from './bench-rows.js';
import type { MeasureRequest, MeasureResult } from './measure.js';

const RATIO_TARGET = 0.7;
const RSS_TARGET_MB = 300;
const COPY_TARGET = 1.0;
// Compiled next to this file (tsconfig.bench.json): every measurement runs as plain JavaScript,
// like the worker it is compared with, not under a TypeScript loader.
const measureScript = fileURLToPath(new URL('./measure.js', import.meta.url));
const brokerScript = fileURLToPath(new URL('./broker.js', import.meta.url));

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not '${raw}'`);
  return value;
}

function dialectsToRun(): BenchDialect[] {
  const raw = process.env['BENCH_SINK_DIALECTS'];
  if (raw === undefined || raw === '') return [...BENCH_DIALECTS];
  return raw.split(',').map((d) => {
    const name = d.trim();
    const dialect = BENCH_DIALECTS.find((known) => known === name);
    if (dialect === undefined)
      throw new Error(`BENCH_SINK_DIALECTS: unknown dialect '${name}' (${BENCH_DIALECTS.join(', ')})`);
    return dialect;
  });
}

/** Prefixes every line of a child's stderr, so interleaved output stays readable. */
function relayStderr(child: ChildProcess, prefix: string): void {
  let pending = '';
  child.stderr?.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) process.stderr.write(`${prefix}${line}\n`);
  });
}

function runMeasurement(request: MeasureRequest): Promise<MeasureResult> {
  return new Promise((resolve, reject) => {
    const profileDir = process.env['BENCH_SINK_CPU_PROF'];
    const profile = profileDir === undefined || profileDir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
    const child = spawn(process.execPath, [...profile, measureScript, JSON.stringify(request)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    relayStderr(child, `  [${request.kind}${request.dialect === undefined ? '' : ` ${request.dialect}`}] `);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || last === '') {
        reject(new Error(`${request.kind} (${request.dialect ?? 'kafka'}) exited with code ${code}`));
        return;
      }
      resolve(JSON.parse(last) as MeasureResult);
    });
  });
}

interface BrokerChild {
  readonly bootstrap: string;
  stop(): Promise<void>;
}

function startBrokerChild(): Promise<BrokerChild> {
  const child = spawn(process.execPath, [brokerScript], { stdio: ['pipe', 'pipe', 'pipe'] });
  relayStderr(child, '  [broker] ');
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.on('error', reject);
    void exited.then(() => reject(new Error('the broker process exited before listening')));
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      const { bootstrap } = JSON.parse(stdout.slice(0, nl)) as { bootstrap: string };
      resolve({
        bootstrap,
        stop: async () => {
          child.stdin?.end();
          await exited;
        },
      });
    });
  });
}

/** Fills `topic` (one partition) with records 1..rows; returns the time it took. */
async function fillTopic(bootstrap: string, topic: string, rows: number): Promise<number> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-fill', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = performance.now();
  const PER_SEND = 1500; // about 700 KB: under the broker's 1 MB message.max.bytes
  const IN_FLIGHT = 4;
  let next = 1;
  const sendOne = async (): Promise<void> => {
    while (next <= rows) {
      const first = next;
      next = Math.min(rows + 1, next + PER_SEND);
      const messages: Message[] = [];
      for (let id = first; id < next; id++) messages.push(benchRecord(id));
      await producer.send({ topic, acks: 1, messages });
    }
  };
  // One partition: records sent concurrently may land out of id order, which changes
  // nothing for an upsert by id.
  await Promise.all(Array.from({ length: IN_FLIGHT }, sendOne));
  const ms = performance.now() - started;
  const end = await admin.fetchTopicOffsets(topic);
  const total = end.reduce((sum, p) => sum + Number(p.high), 0);
  await producer.disconnect();
  await admin.disconnect();
  if (total !== rows) throw new Error(`the topic holds ${total} records, not ${rows}`);
  return ms;
}

const rate = (r: MeasureResult): string => `${Math.round(r.perSecond).toLocaleString('en-US')}/s`;
const mb = (r: MeasureResult): string => `${Math.round(r.peakRssMb)} MB`;

interface DialectRow {
  readonly dialect: BenchDialect;
  readonly upsert: MeasureResult;
  readonly sink: MeasureResult;
}

function printTable(
  rows: number,
  consume: MeasureResult,
  parse: MeasureResult,
  results: readonly DialectRow[],
  copy: MeasureResult | null,
): string[] {
  const misses: string[] = [];
  const header = ['dialect', '(a) kafkajs', '(b) raw upsert', '(c) sink', '(c)/min(a,b)', 'peak RSS (c)', 'RSS (b)'];
  const lines = results.map((r) => {
    const ratio = r.sink.perSecond / Math.min(consume.perSecond, r.upsert.perSecond);
    const isRatioMet = ratio >= RATIO_TARGET;
    const isRssMet = r.sink.peakRssMb < RSS_TARGET_MB;
    if (!isRatioMet) misses.push(`${r.dialect}: (c)/min(a,b) = ${ratio.toFixed(2)} < ${RATIO_TARGET}`);
    if (!isRssMet) misses.push(`${r.dialect}: peak RSS of (c) ${mb(r.sink)} ≥ ${RSS_TARGET_MB} MB`);
    if (r.sink.count !== rows) misses.push(`${r.dialect}: the sink's table holds ${r.sink.count} rows, not ${rows}`);
    if (r.upsert.count !== rows) misses.push(`${r.dialect}: the raw upsert's table holds ${r.upsert.count} rows`);
    return [
      r.dialect,
      rate(consume),
      rate(r.upsert),
      rate(r.sink),
      `${ratio.toFixed(2)} ${isRatioMet ? 'ok' : 'BELOW'}`,
      `${mb(r.sink)} ${isRssMet ? 'ok' : 'ABOVE'}`,
      mb(r.upsert),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(
    `\nKafka → JDBC sink (upsert), ${rows.toLocaleString('en-US')} records (targets: (c) ≥ ${RATIO_TARGET} × the slower ceiling, peak RSS < ${RSS_TARGET_MB} MB)`,
  );
  console.log(format(header));
  console.log(format(widths.map((w) => '-'.repeat(w))));
  for (const line of lines) console.log(format(line));
  console.log(`(a) peak RSS ${mb(consume)}; kafkajs + JSON.parse of every value (reference only): ${rate(parse)}`);
  const pgUpsert = results.find((r) => r.dialect === 'postgresql')?.upsert;
  if (copy !== null && pgUpsert !== undefined) {
    const ratio = copy.perSecond / pgUpsert.perSecond;
    const isMet = ratio >= COPY_TARGET;
    if (!isMet)
      misses.push(`postgresql: COPY fast path / raw INSERT … ON CONFLICT = ${ratio.toFixed(2)} < ${COPY_TARGET}`);
    if (copy.count !== rows) misses.push(`postgresql: the COPY path's table holds ${copy.count} rows`);
    console.log(
      `PostgreSQL COPY fast path ${rate(copy)} vs raw multi-row INSERT … ON CONFLICT ${rate(pgUpsert)}: ${ratio.toFixed(2)} ${isMet ? 'ok' : 'BELOW'} (target ≥ ${COPY_TARGET})`,
    );
  }
  return misses;
}

const rows = positiveInt('BENCH_SINK_ROWS', 1_000_000);
const dialects = dialectsToRun();
const started = performance.now();
const broker = await startBrokerChild();
let misses: string[] = [];
try {
  const topic = `bench-jdbc-sink-${rows}`;
  const fillMs = await fillTopic(broker.bootstrap, topic, rows);
  console.log(`topic ${topic}: ${rows.toLocaleString('en-US')} records written in ${(fillMs / 1000).toFixed(1)} s`);
  const consume = await runMeasurement({ kind: 'consume', rows, bootstrap: broker.bootstrap, topic });
  console.log(`(a) kafkajs consume ${rate(consume)}`);
  const parse = await runMeasurement({ kind: 'consume', rows, bootstrap: broker.bootstrap, topic, isParsing: true });
  console.log(`(a') kafkajs consume + JSON.parse ${rate(parse)}`);
  const results: DialectRow[] = [];
  for (const dialect of dialects) {
    const upsert = await runMeasurement({ kind: 'upsert', dialect, rows });
    console.log(`${dialect}: (b) raw upsert ${rate(upsert)}`);
    const sink = await runMeasurement({ kind: 'sink', dialect, rows, bootstrap: broker.bootstrap, topic });
    const startup =
      sink.startupMs === undefined
        ? ''
        : ` (worker ready ${(sink.startupMs / 1000).toFixed(1)} s after its start, not timed)`;
    console.log(`${dialect}: (c) sink ${rate(sink)}${startup}`);
    results.push({ dialect, upsert, sink });
  }
  let copy: MeasureResult | null = null;
  if (dialects.includes('postgresql')) {
    copy = await runMeasurement({ kind: 'copy', dialect: 'postgresql', rows });
    console.log(`postgresql: COPY fast path ${rate(copy)}`);
  }
  misses = printTable(rows, consume, parse, results, copy);
} finally {
  await broker.stop();
}
console.log(misses.length === 0 ? '\nevery target met' : `\ntargets missed:\n  ${misses.join('\n  ')}`);
console.log(`(total ${((performance.now() - started) / 1000).toFixed(0)} s)`);
