/**
 * `pnpm bench` (in packages/jdbc-source): JDBC source throughput from a table of
 * BENCH_JDBC_ROWS rows (default 1,000,000) into the embedded broker, for MariaDB and
 * PostgreSQL (BENCH_JDBC_DIALECTS=mariadb,postgresql), next to two ceilings measured in the
 * same run: (a) the raw driver's streamed read of the table and (b) a bare loop producing
 * the same serialized records, with kafkajs and (b2) with the protocol client that the
 * runtime's source path uses for plain producers. Each measurement runs in its own process (bench/measure.ts)
 * so that its peak RSS is its own; each writing measurement gets a fresh broker, run here.
 * Targets (issue 4): (c) ≥ 70% of the slower of (a) and (b), and (c)'s peak RSS < 300 MB.
 * (c)/(b2) is for information: (b2) times the producer alone, without reading rows or
 * converting them, which the connector does on the same thread.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBroker } from '@tributary/devstack';
import { Kafka, logLevel } from 'kafkajs';
import { type BenchDialect, benchTableName, ensureBenchTable } from './bench-table.js';
import type { MeasureKind, MeasureRequest, MeasureResult } from './measure.js';

const RATIO_TARGET = 0.7;
const RSS_TARGET_MB = 300;
const measureScript = fileURLToPath(new URL('./measure.ts', import.meta.url));

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not '${raw}'`);
  return value;
}

function dialectsToRun(): BenchDialect[] {
  const raw = process.env['BENCH_JDBC_DIALECTS'] ?? 'mariadb,postgresql';
  return raw.split(',').map((d) => {
    const name = d.trim();
    if (name !== 'mariadb' && name !== 'postgresql')
      throw new Error(`BENCH_JDBC_DIALECTS: unknown dialect '${name}' (mariadb, postgresql)`);
    return name;
  });
}

function runMeasurement(request: MeasureRequest): Promise<MeasureResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', measureScript, JSON.stringify(request)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || last === '') {
        reject(new Error(`${request.kind} (${request.dialect}) exited with code ${code}`));
        return;
      }
      resolve(JSON.parse(last) as MeasureResult);
    });
  });
}

/** Runs a writing measurement against a fresh broker; returns it with the first record of its topic. */
async function withBroker(
  kind: MeasureKind,
  dialect: BenchDialect,
  rows: number,
): Promise<{ result: MeasureResult; first: string }> {
  const broker = await startBroker({ port: 0 });
  try {
    const topic = `bench-${kind}-${benchTableName(rows)}`;
    const result = await runMeasurement({ kind, dialect, rows, bootstrap: broker.bootstrap, topic });
    return { result, first: await firstRecord(broker.bootstrap, topic) };
  } finally {
    await broker.stop();
  }
}

/** Key and value of the topic's first record, as text. */
async function firstRecord(bootstrap: string, topic: string): Promise<string> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-check-${topic}`, maxBytes: 64 * 1024, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<string>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          resolve(`${message.key?.toString() ?? 'null'}\n${message.value?.toString() ?? 'null'}`);
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

interface DialectRow {
  readonly dialect: BenchDialect;
  readonly read: MeasureResult;
  readonly produce: MeasureResult;
  readonly produceWire: MeasureResult;
  readonly connector: MeasureResult;
  readonly isSameBytes: boolean;
}

const rate = (r: MeasureResult): string => `${Math.round(r.perSecond).toLocaleString('en-US')}/s`;
const mb = (r: MeasureResult): string => `${Math.round(r.peakRssMb)} MB`;

function printTable(rows: number, results: readonly DialectRow[]): void {
  const header = [
    'dialect',
    '(a) driver read',
    '(b) kafkajs produce',
    '(b2) protocol client produce',
    '(c) JDBC source',
    '(c)/min(a,b)',
    '(c)/(b2)',
    'peak RSS (c)',
    'RSS (a) / (b)',
  ];
  const lines = results.map((r) => {
    const ratio = r.connector.perSecond / Math.min(r.read.perSecond, r.produce.perSecond);
    return [
      r.dialect,
      rate(r.read),
      rate(r.produce),
      rate(r.produceWire),
      rate(r.connector),
      `${ratio.toFixed(2)} ${ratio >= RATIO_TARGET ? 'ok' : 'BELOW'}`,
      (r.connector.perSecond / r.produceWire.perSecond).toFixed(2),
      `${mb(r.connector)} ${r.connector.peakRssMb < RSS_TARGET_MB ? 'ok' : 'ABOVE'}`,
      `${mb(r.read)} / ${mb(r.produce)}`,
      r.isSameBytes ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(
    `\nJDBC source → Kafka, ${rows.toLocaleString('en-US')} rows (targets: (c) ≥ ${RATIO_TARGET} × the slower ceiling, peak RSS < ${RSS_TARGET_MB} MB)`,
  );
  console.log(format(header));
  console.log(format(widths.map((w) => '-'.repeat(w))));
  for (const line of lines) console.log(format(line));
  for (const r of results) {
    if (!r.isSameBytes)
      console.log(
        `${r.dialect}: (b) or (b2) did not produce the same bytes as the connector for the first record; they are not comparable`,
      );
    if (r.connector.count < rows) console.log(`${r.dialect}: the connector wrote only ${r.connector.count} records`);
  }
}

const rows = positiveInt('BENCH_JDBC_ROWS', 1_000_000);
const results: DialectRow[] = [];
const started = performance.now();
for (const dialect of dialectsToRun()) {
  const table = await ensureBenchTable(dialect, rows);
  console.log(
    `${dialect}: table ${benchTableName(rows)} ${table.isBuilt ? `built in ${(table.ms / 1000).toFixed(1)} s` : 'reused'}`,
  );
  const read = await runMeasurement({ kind: 'read', dialect, rows });
  console.log(`${dialect}: (a) driver read ${rate(read)}`);
  const produce = await withBroker('produce', dialect, rows);
  console.log(`${dialect}: (b) kafkajs produce ${rate(produce.result)}`);
  const produceWire = await withBroker('produce-wire', dialect, rows);
  console.log(`${dialect}: (b2) protocol client produce ${rate(produceWire.result)}`);
  const connector = await withBroker('connector', dialect, rows);
  console.log(`${dialect}: (c) JDBC source ${rate(connector.result)}`);
  results.push({
    dialect,
    read,
    produce: produce.result,
    produceWire: produceWire.result,
    connector: connector.result,
    isSameBytes: produce.first === connector.first && produceWire.first === connector.first,
  });
  if (produce.first !== connector.first)
    console.log(`first record of (b):\n${produce.first}\nfirst record of (c):\n${connector.first}`);
}
printTable(rows, results);
console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(0)} s)`);
