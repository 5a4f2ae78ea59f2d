/**
 * Runs the `tributary` command as a child process, from source through tsx, and kcat
 * (librdkafka) asynchronously. Every child is killed after a timeout so that a hung
 * command fails its test instead of hanging the run.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(packageDir, 'src', 'bin.ts');

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the first line the command printed on stdout. */
  firstLine(): Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessResult>;
}

export function startCli(args: readonly string[], timeoutMs = 60_000): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], { cwd: packageDir, stdio: 'pipe' });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  const lineWaiters: ((line: string) => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    const nl = stdout.indexOf('\n');
    if (nl >= 0) for (const waiter of lineWaiters.splice(0)) waiter(stdout.slice(0, nl));
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<ProcessResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    exited,
    firstLine() {
      const nl = stdout.indexOf('\n');
      if (nl >= 0) return Promise.resolve(stdout.slice(0, nl));
      return Promise.race([
        new Promise<string>((resolve) => lineWaiters.push(resolve)),
        exited.then((r) => {
          throw new Error(`tributary exited (code ${r.code}) before printing a line; stderr:\n${r.stderr}`);
        }),
      ]);
    },
  };
}

/** Runs `tributary args…` to completion. */
export function runCli(args: readonly string[], timeoutMs?: number): Promise<ProcessResult> {
  return startCli(args, timeoutMs).exited;
}

/** Sends `signal` and waits for the exit. */
export function stopCli(cli: CliProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<ProcessResult> {
  cli.child.kill(signal);
  return cli.exited;
}

/** Runs kcat (librdkafka); fails with an install hint when kcat is missing. */
export function kcat(args: readonly string[], input = '', timeoutMs = 30_000): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new Error(
          `kcat (librdkafka) is required for this test and could not be run: ${e.message}. Install it with: apt-get install kcat`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input);
  });
}
