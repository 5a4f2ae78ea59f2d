/**
 * Test fixtures: a broker per test file, kafkajs clients that log only errors,
 * unique names, and kcat (librdkafka) run asynchronously — a synchronous child
 * process would block the in-process broker it talks to.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { type BrokerOptions, type RunningBroker, startBroker } from '../src/index.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function withBroker<T>(
  fn: (broker: RunningBroker) => Promise<T>,
  options: BrokerOptions = {},
): Promise<T> {
  const broker = await startBroker({ port: 0, ...options });
  try {
    return await fn(broker);
  } finally {
    await broker.stop();
  }
}

export function kafkaFor(broker: RunningBroker, config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'tributary-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
    ...config,
  });
}

export interface KcatResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs kcat; fails the test with a clear message when kcat is not installed. */
export function kcat(args: readonly string[], input?: string | Buffer, timeoutMs = 30_000): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new Error(
          `kcat (librdkafka) is required for this test and could not be run: ${e.message}. Install it with: apt-get install kcat`,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.end(input ?? '');
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
