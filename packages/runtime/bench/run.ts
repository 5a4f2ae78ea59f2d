/**
 * `pnpm bench` for the runtime: the worker's task loops next to raw kafkajs in the same run,
 * on one embedded broker.
 *
 * - produce: raw kafkajs `sendBatch` (chunks of at most 1,000 records / 512 KiB, as the
 *   SourceTaskRunner sends, one send in flight, the worker's producer settings and acks) vs a
 *   SourceTaskRunner whose trivial task emits the same records (2,000 per poll), converted
 *   by ByteArrayConverter or StringConverter. Both count until the broker acknowledged the
 *   last record. (With 10,000-record chunks raw kafkajs is ~25% slower at 100 B, so the
 *   chunk size is the runner's, which makes raw the stronger baseline.)
 * - consume: a raw kafkajs consumer (`eachBatch`, the worker's consumer settings) vs a
 *   SinkTaskRunner with a trivial task counting `put` records, both reading the same
 *   preloaded topic from the beginning in a new group; timed from the first batch to the
 *   last record, so group joins are left out of both. The runner fetches with the protocol
 *   client as the worker does on a PLAINTEXT cluster, and once more with kafkajs.
 *
 * The worker side is the compiled runtime in dist/ (what ships; `pnpm bench` builds first),
 * not the TypeScript sources through tsx. The broker runs in a child process: a broker in
 * this process would share the event loop with the client under test and hide (or
 * exaggerate) the worker's own cost; in production Kafka is another process too. Everything else about the two sides is the same: the
 * payload bytes, one partition, the kafkajs client settings. Each figure is the median of
 * BENCH_RUNS runs (default 3), raw and worker runs interleaved; N is BENCH_RECORDS (default
 * 200,000). Target: worker ≥ 0.80 × raw. BENCH_ONLY=produce|consume runs one direction.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Admin, Kafka, logLevel, type Message } from 'kafkajs';
import { createTrivialSink, createTrivialSource, type TrivialSourceOptions } from './trivial-tasks.js';
import type { WorkerBench } from './worker-side.js';

const RUNS = positive('BENCH_RUNS', 3);
const RECORDS = positive('BENCH_RECORDS', 200_000);
const TARGET_RATIO = 0.8;
const MAX_SEND_BYTES = 512 * 1024;
const MAX_SEND_RECORDS = 1_000;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`bench: ${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

interface Case {
  readonly direction: 'produce' | 'consume';
  readonly sizeBytes: number;
  readonly acks: -1 | 1;
  readonly converter: TrivialSourceOptions['converter'];
  /** consume: who fetches for the SinkTaskRunner (the worker uses the protocol client on PLAINTEXT). */
  readonly fetch?: 'kafkajs';
}

const CASES: readonly Case[] = [
  { direction: 'produce', sizeBytes: 100, acks: -1, converter: 'bytes' },
  { direction: 'produce', sizeBytes: 100, acks: 1, converter: 'bytes' },
  { direction: 'produce', sizeBytes: 100, acks: -1, converter: 'string' },
  { direction: 'produce', sizeBytes: 1024, acks: -1, converter: 'bytes' },
  { direction: 'produce', sizeBytes: 1024, acks: 1, converter: 'bytes' },
  { direction: 'consume', sizeBytes: 100, acks: -1, converter: 'bytes' },
  { direction: 'consume', sizeBytes: 100, acks: -1, converter: 'string' },
  { direction: 'consume', sizeBytes: 1024, acks: -1, converter: 'bytes' },
  { direction: 'consume', sizeBytes: 100, acks: -1, converter: 'bytes', fetch: 'kafkajs' },
];

async function startBrokerProcess(): Promise<{ bootstrap: string; child: ChildProcess }> {
  const entry = fileURLToPath(import.meta.resolve('@tributary/devstack'));
  const script = `
    import { startBroker } from ${JSON.stringify(entry)};
    const b = await startBroker({ port: 0 });
    console.log(b.bootstrap);
    process.stdin.resume();
    process.stdin.on('end', () => b.stop().then(() => process.exit(0)));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl).trim());
    });
    child.once('exit', (code) =>
      reject(
        new Error(
          `bench: the embedded broker (${entry}) exited with code ${code} before printing its address; is @tributary/devstack built?`,
        ),
      ),
    );
  });
  return { bootstrap, child };
}

function payloadOf(sizeBytes: number): Buffer {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Buffer.from(Array.from({ length: sizeBytes }, (_, i) => alphabet[i % alphabet.length]).join(''));
}

/** Raw kafkajs: sequential `sendBatch` of chunks, the way the worker sends. */
async function rawProduce(
  kafka: Kafka,
  producerConfig: Parameters<Kafka['producer']>[0],
  topic: string,
  payload: Buffer,
  count: number,
  acks: -1 | 1,
): Promise<number> {
  const producer = kafka.producer(producerConfig);
  await producer.connect();
  try {
    const perSend = Math.max(1, Math.min(MAX_SEND_RECORDS, Math.floor(MAX_SEND_BYTES / payload.length)));
    const started = process.hrtime.bigint();
    for (let sent = 0; sent < count; ) {
      const n = Math.min(perSend, count - sent);
      const messages: Message[] = new Array(n);
      for (let i = 0; i < n; i++) messages[i] = { value: payload, timestamp: String(Date.now()) };
      await producer.sendBatch({ acks, topicMessages: [{ topic, messages }] });
      sent += n;
    }
    return seconds(started);
  } finally {
    await producer.disconnect();
  }
}

/** Raw kafkajs: a consumer in a new group reading `count` records with `eachBatch`. */
async function rawConsume(
  kafka: Kafka,
  consumerConfig: Parameters<Kafka['consumer']>[0],
  topic: string,
  count: number,
): Promise<number> {
  const consumer = kafka.consumer({ ...consumerConfig, groupId: `bench-raw-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let seen = 0;
    let bytes = 0;
    let started: bigint | null = null;
    const elapsed = await new Promise<number>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            started ??= process.hrtime.bigint();
            for (const m of batch.messages) bytes += m.value?.length ?? 0;
            seen += batch.messages.length;
            if (seen >= count && started !== null) resolve(seconds(started));
          },
        })
        .catch(reject);
    });
    if (bytes === 0) throw new Error('bench: the raw consumer read no bytes');
    return elapsed;
  } finally {
    await consumer.disconnect();
  }
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function createTopic(admin: Admin, topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
}

async function main(): Promise<void> {
  const benchStarted = Date.now();
  // The worker side runs the compiled runtime (dist/), as it ships; `pnpm bench` builds it first.
  if (!existsSync(fileURLToPath(new URL('../dist/worker/source-task-runner.js', import.meta.url)))) {
    console.error(
      'bench: packages/runtime/dist is missing; build first (pnpm build, or npx tsc -b in packages/runtime)',
    );
    process.exit(1);
  }
  const { clientSettings, runSinkRunner, runSourceRunner } = await import('./worker-side.js');
  const work = mkdtempSync(join(tmpdir(), 'tributary-runtime-bench-'));
  const broker = await startBrokerProcess();
  const side: WorkerBench = { bootstrap: broker.bootstrap, offsetsFile: join(work, 'connect.offsets') };
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const rows: string[][] = [];
  let isBelowTarget = false;
  try {
    const { producer: producerSettings, consumer: consumerSettings } = clientSettings();
    const preloaded = new Map<number, string>();
    for (const c of CASES.filter((k) => (process.env['BENCH_ONLY'] ?? k.direction) === k.direction)) {
      const payload = payloadOf(c.sizeBytes);
      const raw: number[] = [];
      const worker: number[] = [];
      let topic = preloaded.get(c.sizeBytes);
      if (c.direction === 'consume' && topic === undefined) {
        topic = `bench-consume-${c.sizeBytes}-${randomUUID()}`;
        await createTopic(admin, topic);
        await rawProduce(kafka, producerSettings.config, topic, payload, RECORDS, -1);
        preloaded.set(c.sizeBytes, topic);
      }
      for (let run = 0; run < RUNS; run++) {
        if (c.direction === 'produce') {
          const rawTopic = `bench-raw-${randomUUID()}`;
          const workerTopic = `bench-worker-${randomUUID()}`;
          await createTopic(admin, rawTopic);
          await createTopic(admin, workerTopic);
          raw.push(await rawProduce(kafka, producerSettings.config, rawTopic, payload, RECORDS, c.acks));
          worker.push(
            await runSourceRunner(
              side,
              createTrivialSource({ topic: workerTopic, payload, count: RECORDS, converter: c.converter }),
              c,
            ),
          );
          // Frees the broker's memory for the next run.
          await admin.deleteTopics({ topics: [rawTopic, workerTopic] });
        } else {
          const from = topic ?? '';
          raw.push(await rawConsume(kafka, consumerSettings.config, from, RECORDS));
          worker.push(
            await runSinkRunner(side, createTrivialSink(RECORDS), from, {
              converter: c.converter,
              fetch: c.fetch ?? 'protocol',
            }),
          );
        }
      }
      const rawRate = RECORDS / median(raw);
      const workerRate = RECORDS / median(worker);
      const ratio = workerRate / rawRate;
      if (ratio < TARGET_RATIO) isBelowTarget = true;
      const what =
        c.direction === 'produce'
          ? `produce acks=${c.acks}`
          : c.fetch === 'kafkajs'
            ? 'consume (kafkajs fetch)'
            : 'consume';
      rows.push([
        what,
        c.sizeBytes === 1024 ? '1 KB' : `${c.sizeBytes} B`,
        c.converter === 'bytes' ? 'ByteArray' : 'String',
        RECORDS.toLocaleString('en-US'),
        Math.round(rawRate).toLocaleString('en-US'),
        Math.round(workerRate).toLocaleString('en-US'),
        `${ratio.toFixed(2)}${ratio < TARGET_RATIO ? ' (below 0.80)' : ''}`,
      ]);
      console.error(
        `bench: ${what} ${c.sizeBytes} B ${c.converter} done (raw ${raw.map((s) => s.toFixed(2)).join('/')} s, worker ${worker.map((s) => s.toFixed(2)).join('/')} s)`,
      );
    }
  } finally {
    await admin.disconnect();
    broker.child.stdin?.end();
    await new Promise((resolve) => broker.child.once('exit', resolve));
    rmSync(work, { recursive: true, force: true });
  }
  printTable(['direction', 'size', 'converter', 'records', 'msg/s raw', 'msg/s worker', 'ratio'], rows);
  console.log(
    `\nmedian of ${RUNS} run(s) each; target ratio ≥ ${TARGET_RATIO.toFixed(2)}; total ${((Date.now() - benchStarted) / 1000).toFixed(0)} s`,
  );
  if (isBelowTarget) console.log('Some ratios are below the target.');
}

function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
