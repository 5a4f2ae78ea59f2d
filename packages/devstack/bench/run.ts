/**
 * `pnpm bench` for the embedded broker: kcat (librdkafka) producing and consuming
 * against our broker and, in the same run, against librdkafka's own in-memory mock
 * cluster, 1 KB and 100 B records, 64 partitions. Prints throughput, the ratio to the
 * mock, and our broker's peak RSS. Needs kcat, a C compiler and librdkafka-dev
 * (apt-get install kcat librdkafka-dev gcc).
 *
 * Timing is the wall time of each kcat process, startup included, for both targets
 * alike; each figure is the median of BENCH_RUNS runs (default 3).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const PARTITIONS = 64;
const CASES = [
  { size: 1024, count: Number(process.env['BENCH_COUNT_1K'] ?? 200_000) },
  { size: 100, count: Number(process.env['BENCH_COUNT_100B'] ?? 1_000_000) },
];

interface Target {
  name: string;
  bootstrap: string;
  proc: ChildProcess;
}

function requireTool(cmd: string, args: string[], hint: string): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    console.error(`bench: ${cmd} is required (${hint})`);
    process.exit(1);
  }
}

function firstLine(proc: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl).trim());
    });
    proc.on('exit', (code) => reject(new Error(`${what} exited with ${code} before printing its address`)));
  });
}

async function startMock(work: string, topics: string[]): Promise<Target> {
  const bin = join(work, 'mock-cluster');
  execFileSync('cc', ['-O2', '-o', bin, join(here, 'mock-cluster.c'), '-lrdkafka']);
  const proc = spawn(
    bin,
    topics.map((t) => `${t}:${PARTITIONS}`),
    { stdio: ['pipe', 'pipe', 'ignore'] },
  );
  return { name: 'librdkafka mock', bootstrap: await firstLine(proc, 'mock cluster'), proc };
}

async function startOurs(work: string): Promise<Target> {
  const entry = join(here, '..', 'dist', 'index.js');
  const script = `
    import { startBroker } from ${JSON.stringify(entry)};
    const b = await startBroker({ port: 0, dataDir: ${JSON.stringify(join(work, 'data'))}, numPartitions: ${PARTITIONS} });
    console.log(b.bootstrap);
    process.stdin.resume();
    process.stdin.on('end', () => b.stop().then(() => process.exit(0)));
  `;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  return { name: 'tributary broker', bootstrap: await firstLine(proc, 'our broker'), proc };
}

function timeKcat(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('kcat', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code === 0) resolve(seconds);
      else reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`));
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function payloadFile(work: string, size: number, count: number): string {
  const file = join(work, `payload-${size}.txt`);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const line = Buffer.alloc(size + 1);
  const chunks: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < size; j++) line[j] = alphabet.charCodeAt((i * 7 + j * 13) % alphabet.length);
    line[size] = 10;
    chunks.push(Buffer.from(line));
  }
  writeFileSync(file, Buffer.concat(chunks));
  return file;
}

function rssOf(pid: number | undefined): { rssMb: number; peakMb: number } {
  if (pid === undefined) return { rssMb: 0, peakMb: 0 };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number =>
    Number(/(\d+)/.exec(status.split('\n').find((l) => l.startsWith(key)) ?? '')?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function main(): Promise<void> {
  requireTool('kcat', ['-V'], 'apt-get install kcat');
  requireTool('cc', ['--version'], 'apt-get install gcc');
  const work = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  const topicNames: string[] = [];
  for (const c of CASES) for (let r = 0; r < RUNS; r++) topicNames.push(`produce-${c.size}-${r}`, `consume-${c.size}`);
  const targets = [await startMock(work, [...new Set(topicNames)]), await startOurs(work)];
  const results: { target: string; size: number; direction: string; msgsPerSec: number; mbPerSec: number }[] = [];
  try {
    for (const c of CASES) {
      const file = payloadFile(work, c.size, c.count);
      for (const t of targets) {
        const produceTimes: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          produceTimes.push(await timeKcat(['-b', t.bootstrap, '-P', '-t', `produce-${c.size}-${r}`, '-l', file]));
        }
        // The consume topic is loaded with per-message partitioning so the mock's 5 MB
        // per-partition retention keeps every record.
        await timeKcat([
          '-b',
          t.bootstrap,
          '-P',
          '-t',
          `consume-${c.size}`,
          '-X',
          'sticky.partitioning.linger.ms=0',
          '-l',
          file,
        ]);
        const consumeTimes: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          consumeTimes.push(
            await timeKcat([
              '-b',
              t.bootstrap,
              '-C',
              '-t',
              `consume-${c.size}`,
              '-o',
              'beginning',
              '-c',
              String(c.count),
              '-q',
            ]),
          );
        }
        for (const [direction, times] of [
          ['produce', produceTimes],
          ['consume', consumeTimes],
        ] as const) {
          const seconds = median(times);
          results.push({
            target: t.name,
            size: c.size,
            direction,
            msgsPerSec: c.count / seconds,
            mbPerSec: (c.count * c.size) / seconds / 1e6,
          });
        }
      }
      rmSync(file);
    }
    const ours = rssOf(targets[1]?.proc.pid);
    console.log(`\nEmbedded broker vs librdkafka mock — kcat, ${PARTITIONS} partitions, median of ${RUNS} runs`);
    console.log('records   direction  mock msg/s   (MB/s)   ours msg/s   (MB/s)   ours/mock');
    for (const c of CASES) {
      for (const direction of ['produce', 'consume']) {
        const m = results.find((x) => x.target === 'librdkafka mock' && x.size === c.size && x.direction === direction);
        const o = results.find(
          (x) => x.target === 'tributary broker' && x.size === c.size && x.direction === direction,
        );
        if (!m || !o) continue;
        const label = `${c.count} x ${c.size} B`.padEnd(9);
        console.log(
          `${label} ${direction.padEnd(9)} ${fmt(m.msgsPerSec)} ${`(${m.mbPerSec.toFixed(0)})`.padStart(8)} ${fmt(o.msgsPerSec)} ${`(${o.mbPerSec.toFixed(0)})`.padStart(8)}   ${(o.msgsPerSec / m.msgsPerSec).toFixed(2)}x`,
        );
      }
    }
    console.log(
      `our broker RSS: ${ours.rssMb.toFixed(0)} MB now, ${ours.peakMb.toFixed(0)} MB peak (data dir on disk)`,
    );
    for (const direction of ['produce', 'consume']) {
      const m = results.find((x) => x.target === 'librdkafka mock' && x.size === 1024 && x.direction === direction);
      const o = results.find((x) => x.target === 'tributary broker' && x.size === 1024 && x.direction === direction);
      if (m && o) {
        const ratio = o.msgsPerSec / m.msgsPerSec;
        console.log(
          `target 1 KB ${direction} >= 0.50x of the mock: ${ratio >= 0.5 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`,
        );
      }
    }
  } finally {
    for (const t of targets) t.proc.stdin?.end();
    await new Promise((r) => setTimeout(r, 300));
    for (const t of targets) t.proc.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(11);
}

await main();
