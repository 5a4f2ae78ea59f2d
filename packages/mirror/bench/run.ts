/**
 * `pnpm bench` for the mirror: MirrorSourceConnector under `tributary connect-mirror-maker`
 * (record batches passed through, not decoded) next to, in the same run and on the same
 * two brokers, a kcat pipe — `kcat -C` reading cluster A piped into `kcat -P` writing
 * cluster B, the baseline of perf-anchors §1c (a plain pipe: it does not keep partitions,
 * keys, headers or timestamps, and has no offsets to commit). 1 KB and 100 B records, 64
 * partitions. Prints msg/s, MB/s, the ratio to the pipe, the mirror's CPU per message and
 * its peak RSS.
 *
 * Clusters A and B are embedded brokers, each in its own process (`tributary broker`),
 * competing for the same cores as kcat and the mirror (perf-anchors §0): ratios measured in
 * one run are what counts, not absolute numbers. The source topic is filled beforehand by
 * kcat with large batches. Pipe time is the wall time of the whole pipe, startup included.
 * The mirror is timed twice: "total" from process start until the target holds every
 * record (the figure the target is judged on, like the pipe's), and "after start-up" from
 * its "running flows" line (connectors created, Node and clients loaded) to the last record.
 *
 * Needs kcat and a build (`pnpm build`: packages/cli/dist). Env: BENCH_RUNS (default 3, the
 * median is printed), BENCH_COUNT_1K (default 200 000), BENCH_COUNT_100B (default 1 000 000).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWireClient, type KafkaWireClient } from '@tributary/protocol';

const here = dirname(fileURLToPath(import.meta.url));
const cliBin = join(here, '..', '..', 'cli', 'dist', 'bin.js');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const PARTITIONS = 64;
const CASES = [
  { size: 1024, count: Number(process.env['BENCH_COUNT_1K'] ?? 200_000) },
  { size: 100, count: Number(process.env['BENCH_COUNT_100B'] ?? 1_000_000) },
];

interface Broker {
  readonly bootstrap: string;
  readonly proc: ChildProcess;
}

function firstLine(proc: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl).trim());
    });
    proc.on('exit', (code) => reject(new Error(`${what} exited with ${code} before printing its first line`)));
  });
}

async function startBroker(work: string, name: string): Promise<Broker> {
  const proc = spawn(
    process.execPath,
    [cliBin, 'broker', '--port', '0', '--partitions', String(PARTITIONS), '--data-dir', join(work, name)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await firstLine(proc, `broker ${name}`);
  const match = /listening on (\S+)/.exec(line);
  if (match?.[1] === undefined) throw new Error(`broker ${name}: unexpected first line: ${line}`);
  return { bootstrap: match[1], proc };
}

function run(cmd: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code === 0) resolve(seconds);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`));
    });
  });
}

function payloadFile(work: string, size: number, count: number): string {
  const file = join(work, `payload-${size}.txt`);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const all = Buffer.alloc((size + 1) * count);
  for (let i = 0; i < count; i++) {
    const base = i * (size + 1);
    for (let j = 0; j < size; j++) all[base + j] = alphabet.charCodeAt((i * 7 + j * 13) % alphabet.length);
    all[base + size] = 10;
  }
  writeFileSync(file, all);
  return file;
}

async function totalRecords(client: KafkaWireClient, topic: string): Promise<number> {
  const metadata = await client.metadata([topic]);
  const info = metadata.topics.find((t) => t.name === topic);
  if (info === undefined || info.errorCode !== 0 || info.partitions.length === 0) return 0;
  const ends = await client.listOffsets(
    info.partitions.map((p) => ({ topic, partition: p.partition })),
    'latest',
  );
  return ends.reduce((sum, e) => sum + e.offset, 0);
}

function procStatus(pid: number | undefined): { peakRssMb: number; cpuSeconds: number } {
  if (pid === undefined) return { peakRssMb: 0, cpuSeconds: 0 };
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    return { peakRssMb: hwm / 1024, cpuSeconds: ticks / 100 };
  } catch {
    return { peakRssMb: 0, cpuSeconds: 0 };
  }
}

interface MirrorRun {
  readonly totalSeconds: number;
  readonly afterStartSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
}

async function runMirror(
  work: string,
  a: Broker,
  b: Broker,
  topic: string,
  count: number,
  r: number,
): Promise<MirrorRun> {
  const target = createWireClient({ bootstrapServers: [b.bootstrap], clientId: 'mirror-bench' });
  const remote = `A.${topic}`;
  try {
    const base = await totalRecords(target, remote);
    const file = join(work, `mm2-${topic}-${r}.properties`);
    writeFileSync(
      file,
      [
        'clusters = A, B',
        `A.bootstrap.servers = ${a.bootstrap}`,
        `B.bootstrap.servers = ${b.bootstrap}`,
        'A->B.enabled = true',
        `A->B.topics = ${topic}`,
        'emit.heartbeats.enabled = false',
        'replication.factor = 1',
        'offset-syncs.topic.replication.factor = 1',
        'checkpoints.topic.replication.factor = 1',
        '',
      ].join('\n'),
    );
    const started = process.hrtime.bigint();
    const mm = spawn(
      process.execPath,
      [cliBin, 'connect-mirror-maker', file, '--state-dir', join(work, `state-${topic}-${r}`), '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<void>((resolve) => mm.on('exit', () => resolve()));
    let running: bigint | null = null;
    firstLine(mm, 'connect-mirror-maker').then(
      () => {
        running = process.hrtime.bigint();
      },
      () => {},
    );
    let status = { peakRssMb: 0, cpuSeconds: 0 };
    for (;;) {
      const n = (await totalRecords(target, remote)) - base;
      if (n >= count) break;
      if (mm.exitCode !== null) throw new Error(`connect-mirror-maker exited with ${mm.exitCode}`);
      await new Promise((res) => setTimeout(res, 10));
    }
    const ended = process.hrtime.bigint();
    status = procStatus(mm.pid);
    mm.kill('SIGTERM');
    await exited;
    return {
      totalSeconds: Number(ended - started) / 1e9,
      afterStartSeconds: Number(ended - (running ?? started)) / 1e9,
      ...status,
    };
  } finally {
    await target.close();
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(11);
}

async function main(): Promise<void> {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
  } catch {
    console.error('bench: kcat is required (apt-get install kcat)');
    process.exit(1);
  }
  if (!existsSync(cliBin)) {
    console.error(`bench: ${cliBin} is missing; run pnpm build first`);
    process.exit(1);
  }
  const work = mkdtempSync(join(tmpdir(), 'tributary-mirror-bench-'));
  const a = await startBroker(work, 'A');
  const b = await startBroker(work, 'B');
  const rows: string[] = [];
  let ratio1k: number | null = null;
  try {
    for (const c of CASES) {
      const topic = `bench-${c.size}`;
      const file = payloadFile(work, c.size, c.count);
      // The source: large batches spread over the 64 partitions (perf-anchors' "big-batch").
      await run('kcat', [
        '-b',
        a.bootstrap,
        '-P',
        '-t',
        topic,
        '-X',
        'sticky.partitioning.linger.ms=0',
        '-X',
        'linger.ms=1000',
        '-X',
        'batch.size=1000000',
        '-l',
        file,
      ]);
      rmSync(file);
      const pipes: number[] = [];
      const mirrors: MirrorRun[] = [];
      for (let r = 0; r < RUNS; r++) {
        pipes.push(
          await run('sh', [
            '-c',
            `kcat -C -b ${a.bootstrap} -t ${topic} -o beginning -c ${c.count} -q -f '%s\\n' | kcat -P -b ${b.bootstrap} -t pipe-${topic}-${r}`,
          ]),
        );
        mirrors.push(await runMirror(work, a, b, topic, c.count, r));
      }
      const pipeRate = c.count / median(pipes);
      const totalRate = c.count / median(mirrors.map((m) => m.totalSeconds));
      const afterStartRate = c.count / median(mirrors.map((m) => m.afterStartSeconds));
      const cpuUs = (median(mirrors.map((m) => m.cpuSeconds)) / c.count) * 1e6;
      const rss = Math.max(...mirrors.map((m) => m.peakRssMb));
      const mb = (rate: number): string => `(${((rate * c.size) / 1e6).toFixed(0)})`.padStart(7);
      rows.push(
        `${`${c.count} x ${c.size} B`.padEnd(16)} ${fmt(pipeRate)} ${mb(pipeRate)}  ${fmt(totalRate)} ${mb(totalRate)} ${(totalRate / pipeRate).toFixed(2).padStart(5)}x  ${fmt(afterStartRate)} ${mb(afterStartRate)} ${(afterStartRate / pipeRate).toFixed(2).padStart(5)}x  ${cpuUs.toFixed(1).padStart(6)} µs  ${rss.toFixed(0).padStart(5)} MB`,
      );
      if (c.size === 1024) ratio1k = totalRate / pipeRate;
    }
    console.log(
      `\nMirror A -> B vs a kcat pipe, ${PARTITIONS} partitions, two embedded brokers, median of ${RUNS} runs`,
    );
    console.log(
      'records           pipe msg/s  (MB/s)  mirror total  (MB/s)  ratio  after start-up (MB/s)  ratio    CPU/msg   RSS peak',
    );
    for (const row of rows) console.log(row);
    if (ratio1k !== null) {
      console.log(
        `target: mirror >= 0.50x of the kcat pipe at 1 KB (total, start-up included): ${ratio1k >= 0.5 ? 'met' : 'NOT met'} (${ratio1k.toFixed(2)}x)`,
      );
    }
  } finally {
    a.proc.kill('SIGTERM');
    b.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
