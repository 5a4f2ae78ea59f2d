/**
 * What every conformance case shares: one embedded broker per suite, a fresh context per
 * test (directory, topic, connector name), the worker properties, a producer, and checks
 * on delivered ids that explain what is missing or duplicated.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
import type { ConformanceContext } from './conformance-spec.js';

/** `offset.flush.interval.ms` of the crash cases: duplicates after a SIGKILL are bounded by it. */
export const CRASH_FLUSH_INTERVAL_MS = 500;
/** Scheduling slack added to the flush interval when deciding which duplicates are allowed. */
export const CRASH_SLACK_MS = 1_500;

/** Cleanups run in reverse order of registration, all of them, errors reported after. */
export class Cleanup {
  readonly #steps: (() => unknown)[] = [];

  add(step: () => unknown): void {
    this.#steps.push(step);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'Cleanup failed');
  }
}

export class SuiteFixture {
  #broker: RunningBroker | null = null;
  #admin: Admin | null = null;
  #producer: Producer | null = null;

  async start(): Promise<void> {
    try {
      // Short minimum session timeout: a SIGKILLed sink worker's group member must expire quickly.
      this.#broker = await startBroker({ port: 0, groupMinSessionTimeoutMs: 1_000 });
    } catch (err) {
      throw new Error(`The conformance suite needs the embedded broker (@tributary/devstack startBroker), which did not start: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const kafka = new Kafka({ clientId: 'testkit', brokers: [this.bootstrap], logLevel: logLevel.NOTHING });
    this.#admin = kafka.admin();
    await this.#admin.connect();
    this.#producer = kafka.producer({ allowAutoTopicCreation: false });
    await this.#producer.connect();
  }

  async stop(): Promise<void> {
    await this.#producer?.disconnect().catch(() => undefined);
    await this.#admin?.disconnect().catch(() => undefined);
    await this.#broker?.stop();
    this.#broker = null;
  }

  get bootstrap(): string {
    if (this.#broker === null) throw new Error('The conformance suite’s broker is not running (did its before() hook fail?)');
    return this.#broker.bootstrap;
  }

  get admin(): Admin {
    if (this.#admin === null) throw new Error('The conformance suite’s broker is not running');
    return this.#admin;
  }

  /** A fresh context; its directory and `cleanup` run when `cleanup` runs. */
  async newContext(cleanup: Cleanup, onDispose: (ctx: ConformanceContext) => unknown): Promise<ConformanceContext> {
    const id = `c${randomUUID().slice(0, 8)}`;
    const dir = await mkdtemp(join(tmpdir(), `testkit-${id}-`));
    const topic = `conformance-${id}`;
    await this.createTopic(topic);
    const ctx: ConformanceContext = { id, connectorName: `conformance-${id}`, topic, dir, bootstrap: this.bootstrap };
    cleanup.add(() => rm(dir, { recursive: true, force: true }));
    cleanup.add(() => onDispose(ctx));
    return ctx;
  }

  async createTopic(topic: string): Promise<void> {
    await this.admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  }

  /** Worker properties for `ctx`: JSON converters without schemas, the offsets file in `ctx.dir`, a free REST port. */
  workerProps(ctx: ConformanceContext, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return {
      'bootstrap.servers': this.bootstrap,
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'offset.storage.file.filename': join(ctx.dir, 'connect.offsets'),
      'offset.flush.interval.ms': '1000',
      'task.shutdown.graceful.timeout.ms': '10000',
      listeners: 'http://127.0.0.1:0',
      'consumer.session.timeout.ms': '3000',
      'consumer.heartbeat.interval.ms': '500',
      ...extra,
    };
  }

  /** Produces `values` (raw bytes, no key) to `topic` in one batch, in order. */
  async produce(topic: string, values: readonly (Buffer | string)[]): Promise<void> {
    if (this.#producer === null) throw new Error('The conformance suite’s broker is not running');
    await this.#producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  }
}

/** `count` ids for `ctx`, numbered from `from`. */
export function makeIds(ctx: ConformanceContext, from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${ctx.id}-${from + i}`);
}

export function counts(ids: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of ids) out.set(id, (out.get(id) ?? 0) + 1);
  return out;
}

function sample(list: readonly string[]): string {
  return list.length <= 10 ? list.join(', ') : `${list.slice(0, 10).join(', ')} … (${list.length} in all)`;
}

/** True when every expected id is in `seen`. */
export function hasAll(expected: readonly string[], seen: readonly string[]): boolean {
  const have = new Set(seen);
  return expected.every((id) => have.has(id));
}

export function missingOf(expected: readonly string[], seen: readonly string[]): string[] {
  const have = new Set(seen);
  return expected.filter((id) => !have.has(id));
}

/** Every expected id exactly once, nothing else. */
export function assertExactlyOnce(expected: readonly string[], seen: readonly string[], where: string): void {
  const seenCounts = counts(seen);
  const missing = missingOf(expected, seen);
  const duplicated = [...seenCounts].filter(([, n]) => n > 1).map(([id, n]) => `${id}×${n}`);
  const expectedSet = new Set(expected);
  const unexpected = [...seenCounts.keys()].filter((id) => !expectedSet.has(id));
  assert.equal(missing.length, 0, `${where}: records missing: ${sample(missing)}`);
  assert.equal(duplicated.length, 0, `${where}: records delivered more than once: ${sample(duplicated)}`);
  assert.equal(unexpected.length, 0, `${where}: records that were never produced: ${sample(unexpected)}`);
}

/**
 * At-least-once after a crash: every expected id present, and each duplicated id one that
 * was first delivered within `windowMs` before the kill (what one offset-flush interval,
 * plus scheduling slack, can hold). `firstSeenAtMs` gives each id's first delivery time.
 */
export function assertAtLeastOnceAfterCrash(
  expected: readonly string[],
  seen: readonly string[],
  firstSeenAtMs: ReadonlyMap<string, number>,
  killedAtMs: number,
  windowMs: number,
  where: string,
): { duplicates: number; beforeWindow: number } {
  const missing = missingOf(expected, seen);
  assert.equal(missing.length, 0, `${where}: records lost after the crash: ${sample(missing)}`);
  const windowStart = killedAtMs - windowMs;
  const outside = [...counts(seen)]
    .filter(([id, n]) => n > 1 && (firstSeenAtMs.get(id) ?? Number.POSITIVE_INFINITY) < windowStart)
    .map(([id, n]) => `${id}×${n} (first seen ${killedAtMs - (firstSeenAtMs.get(id) ?? 0)} ms before the kill)`);
  assert.equal(
    outside.length,
    0,
    `${where}: records duplicated although they were delivered more than ${windowMs} ms (offset flush interval + slack) before the kill, so their offsets should have been committed: ${sample(outside)}`,
  );
  const beforeWindow = [...firstSeenAtMs.values()].filter((t) => t < windowStart).length;
  return { duplicates: seen.length - new Set(seen).size, beforeWindow };
}
