/**
 * `runSinkConnectorConformance(spec)`: the cases every sink connector must pass, each a
 * real run on the embedded broker with the standalone worker:
 * - start/stop: RUNNING with its tasks, records arrive, stopping the connector and the
 *   worker is clean and idempotent, a stopped connector resumes;
 * - graceful restart: a new worker (same consumer group `connect-<name>`) continues where
 *   the first stopped, every record exactly once;
 * - crash: the worker in a child process is killed with SIGKILL mid-stream and restarted;
 *   no record is missing and only records stored within one offset-flush interval (plus
 *   slack) before the kill are duplicated;
 * - dead-letter queue: with `errors.tolerance=all`, 50% malformed JSON → the good half in
 *   the sink, the bad half in the DLQ, in order, with the `__connect.errors.*` headers; with
 *   `none` the task is FAILED with a trace, nothing after the bad record is stored and the
 *   committed offset does not pass it;
 * - configuration errors (see `config-conformance.ts`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Props } from '@tributary/api';
import type { ConformanceContext, SinkConformanceSpec } from './conformance-spec.js';
import { registerConfigCases } from './config-conformance.js';
import { describeStatus, waitRunning } from './connector-status.js';
import {
  assertAtLeastOnceAfterCrash,
  assertExactlyOnce,
  CRASH_FLUSH_INTERVAL_MS,
  CRASH_SLACK_MS,
  Cleanup,
  hasAll,
  makeIds,
  missingOf,
  SuiteFixture,
} from './suite-fixture.js';
import { TopicReader } from './topic-reader.js';
import { waitFor } from './wait-for.js';
import { ChildWorker, startWorker, writeConnectorFile, writeWorkerFile } from './worker-harness.js';

const TIMEOUT = { timeout: 300_000 };
const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
const ERROR_HEADERS = [
  '__connect.errors.topic',
  '__connect.errors.partition',
  '__connect.errors.offset',
  '__connect.errors.connector.name',
  '__connect.errors.task.id',
  '__connect.errors.stage',
  '__connect.errors.class.name',
  '__connect.errors.exception.class.name',
  '__connect.errors.exception.message',
] as const;

export function runSinkConnectorConformance(spec: SinkConformanceSpec): void {
  const fixture = new SuiteFixture();
  const waitMs = spec.waitTimeoutMs ?? 60_000;
  const recordValue = spec.recordValue ?? ((id: string) => id);
  const encode = (id: string) => JSON.stringify(recordValue(id));
  const dispose = (ctx: ConformanceContext) => spec.cleanup?.(ctx);

  const connectorConfig = async (ctx: ConformanceContext): Promise<Props> => ({
    ...(await spec.baseConfig(ctx)),
    name: ctx.connectorName,
    'connector.class': spec.plugin.name,
    topics: ctx.topic,
  });

  /** Produces the ids' values to the context's topic. */
  const produce = (ctx: ConformanceContext, ids: readonly string[]) => fixture.produce(ctx.topic, ids.map(encode));

  /** Waits until the sink holds every id of `ids`. */
  const waitStored = (ctx: ConformanceContext, ids: readonly string[], what: string) => {
    let last: readonly string[] = [];
    return waitFor(
      what,
      async () => {
        last = await spec.readSinkData(ctx);
        return hasAll(ids, last) ? true : undefined;
      },
      {
        timeoutMs: waitMs,
        intervalMs: 100,
        describe: () => {
          const missing = missingOf(ids, last);
          return `${missing.length} of ${ids.length} missing from the sink, e.g. ${missing.slice(0, 5).join(', ')}`;
        },
      },
    );
  };

  describe(spec.title ?? `${spec.plugin.name} sink connector conformance`, () => {
    before(() => fixture.start());
    after(() => fixture.stop());

    it('runs RUNNING with its tasks; stopping the connector and the worker is clean and idempotent', TIMEOUT, async () => {
      const cleanup = new Cleanup();
      try {
        const ctx = await fixture.newContext(cleanup, dispose);
        const handle = await startWorker(ctx.dir, spec.plugin, fixture.workerProps(ctx, spec.workerProps));
        cleanup.add(() => handle.stop());
        const { herder } = handle;
        await herder.putConnectorConfig(ctx.connectorName, await connectorConfig(ctx), { allowReplace: false });
        const status = await waitRunning(herder, ctx.connectorName, waitMs);
        assert.equal(status.type, 'sink');
        assert.equal(herder.taskConfigs(ctx.connectorName).length, status.tasks.length, 'one task status per task configuration');

        const ids = makeIds(ctx, 0, 10);
        await produce(ctx, ids);
        await waitStored(ctx, ids, 'the first records in the sink');

        await herder.stopConnector(ctx.connectorName);
        const stopped = herder.connectorStatus(ctx.connectorName);
        assert.equal(stopped.connector.state, 'STOPPED');
        assert.deepEqual(stopped.tasks, [], 'a stopped connector has no tasks');
        await herder.stopConnector(ctx.connectorName);
        assert.equal(herder.connectorStatus(ctx.connectorName).connector.state, 'STOPPED', 'stopping twice keeps it STOPPED');

        await herder.resumeConnector(ctx.connectorName);
        await waitRunning(herder, ctx.connectorName, waitMs);
        const more = makeIds(ctx, 10, 10);
        await produce(ctx, more);
        await waitStored(ctx, more, 'records produced after resuming the stopped connector');

        await handle.stop();
        await handle.stop();
        assertExactlyOnce([...ids, ...more], await spec.readSinkData(ctx), 'after stop and resume');
      } finally {
        await cleanup.run();
      }
    });

    it('resumes from its committed offsets after a graceful restart: every record exactly once', TIMEOUT, async () => {
      const cleanup = new Cleanup();
      try {
        const ctx = await fixture.newContext(cleanup, dispose);
        const props = fixture.workerProps(ctx, spec.workerProps);
        const config = await connectorConfig(ctx);

        const first = await startWorker(ctx.dir, spec.plugin, props);
        cleanup.add(() => first.stop());
        await first.herder.putConnectorConfig(ctx.connectorName, config, { allowReplace: false });
        await waitRunning(first.herder, ctx.connectorName, waitMs);
        const before = makeIds(ctx, 0, 200);
        await produce(ctx, before);
        await waitStored(ctx, before, 'the records of the first worker');
        await first.stop();

        const afterRestart = makeIds(ctx, 200, 200);
        await produce(ctx, afterRestart);
        const second = await startWorker(ctx.dir, spec.plugin, props);
        cleanup.add(() => second.stop());
        await second.herder.putConnectorConfig(ctx.connectorName, config, { allowReplace: false });
        await waitRunning(second.herder, ctx.connectorName, waitMs);
        await waitStored(ctx, afterRestart, 'the records produced while the worker was down');
        await second.stop();
        assertExactlyOnce([...before, ...afterRestart], await spec.readSinkData(ctx), 'after a graceful restart');
      } finally {
        await cleanup.run();
      }
    });

    it('stores every record at least once after kill -9 of the worker; duplicates bounded by one offset flush', TIMEOUT, async (t) => {
      const cleanup = new Cleanup();
      try {
        const ctx = await fixture.newContext(cleanup, dispose);
        const workerPath = await writeWorkerFile(
          ctx.dir,
          fixture.workerProps(ctx, { ...spec.workerProps, 'offset.flush.interval.ms': String(CRASH_FLUSH_INTERVAL_MS) }),
        );
        const connectorPath = await writeConnectorFile(ctx.dir, ctx.connectorName, await connectorConfig(ctx));
        const windowMs = CRASH_FLUSH_INTERVAL_MS + CRASH_SLACK_MS;
        const all: string[] = [];
        const firstSeen = new Map<string, number>();
        let next = 0;
        const round = async (count: number) => {
          const ids = makeIds(ctx, next, count);
          next += count;
          all.push(...ids);
          await produce(ctx, ids);
          return ids;
        };
        const observe = async () => {
          const now = Date.now();
          for (const id of await spec.readSinkData(ctx)) if (!firstSeen.has(id)) firstSeen.set(id, now);
        };

        const first = await ChildWorker.start(spec.pluginModule, workerPath, [connectorPath]);
        cleanup.add(() => first.kill());
        await waitStored(ctx, await round(20), 'the first records stored by the child worker');
        await observe();
        const streamUntil = Date.now() + windowMs + 2_000;
        while (Date.now() < streamUntil) {
          await round(20);
          await sleep(50);
          await observe();
        }
        const killedAtMs = Date.now();
        await first.kill();
        await observe();
        await round(100);

        const second = await ChildWorker.start(spec.pluginModule, workerPath, [connectorPath]);
        cleanup.add(() => second.kill());
        await round(100);
        await waitStored(ctx, all, 'every record after the restart');
        await second.stop();
        await observe();

        const { duplicates, beforeWindow } = assertAtLeastOnceAfterCrash(
          all,
          await spec.readSinkData(ctx),
          firstSeen,
          killedAtMs,
          windowMs,
          'sink after kill -9',
        );
        assert.ok(beforeWindow > 0, 'no record was stored before the duplicate window, so the case proves nothing');
        t.diagnostic(`${all.length} records, ${duplicates} duplicates after kill -9 (window ${windowMs} ms)`);
      } finally {
        await cleanup.run();
      }
    });

    it('errors.tolerance=all: 50% malformed JSON → good records stored, bad ones in the DLQ with context headers', TIMEOUT, async () => {
      const cleanup = new Cleanup();
      try {
        const ctx = await fixture.newContext(cleanup, dispose);
        const dlqTopic = `dlq-${ctx.id}`;
        const handle = await startWorker(ctx.dir, spec.plugin, fixture.workerProps(ctx, spec.workerProps));
        cleanup.add(() => handle.stop());
        const config: Props = {
          ...(await connectorConfig(ctx)),
          'errors.tolerance': 'all',
          'errors.deadletterqueue.topic.name': dlqTopic,
          'errors.deadletterqueue.topic.replication.factor': '1',
          'errors.deadletterqueue.context.headers.enable': 'true',
          'value.converter': JSON_CONVERTER,
          'value.converter.schemas.enable': 'false',
        };
        await handle.herder.putConnectorConfig(ctx.connectorName, config, { allowReplace: false });
        await waitRunning(handle.herder, ctx.connectorName, waitMs);

        const ids = makeIds(ctx, 0, 40);
        const good = ids.filter((_, i) => i % 2 === 0);
        const payloads = ids.map((id, i) => (i % 2 === 0 ? encode(id) : `{"id": "${id}", "broken`));
        await fixture.produce(ctx.topic, payloads);
        await waitStored(ctx, good, 'the well-formed records in the sink');

        const dlq = await TopicReader.open(ctx.bootstrap, dlqTopic);
        cleanup.add(() => dlq.close());
        await waitFor(`${ids.length - good.length} records in the dead-letter queue ${dlqTopic}`, () => (dlq.records.length >= ids.length - good.length ? true : undefined), {
          timeoutMs: waitMs,
          describe: () => `${dlq.records.length} records; status: ${describeStatus(handle.herder.connectorStatus(ctx.connectorName))}`,
        });
        await handle.stop();
        await dlq.drain(waitMs);

        assertExactlyOnce(good, await spec.readSinkData(ctx), 'the sink with errors.tolerance=all');
        const bad = payloads.flatMap((payload, offset) => (offset % 2 === 1 ? [{ payload, offset }] : []));
        assert.deepEqual(
          dlq.records.map((r) => r.value?.toString('utf8')),
          bad.map((b) => b.payload),
          'the DLQ holds exactly the malformed records, in order, with their original bytes',
        );
        for (const [i, record] of dlq.records.entries()) {
          for (const header of ERROR_HEADERS) {
            assert.ok((record.headers[header] ?? '') !== '', `DLQ record ${i} lacks the header ${header}: ${JSON.stringify(record.headers)}`);
          }
          assert.equal(record.headers['__connect.errors.topic'], ctx.topic);
          assert.equal(record.headers['__connect.errors.partition'], '0');
          assert.equal(record.headers['__connect.errors.offset'], String(bad[i]?.offset));
          assert.equal(record.headers['__connect.errors.connector.name'], ctx.connectorName);
          assert.equal(record.headers['__connect.errors.task.id'], '0');
          assert.equal(record.headers['__connect.errors.stage'], 'VALUE_CONVERTER');
        }
      } finally {
        await cleanup.run();
      }
    });

    it('errors.tolerance=none: a malformed record fails the task with a trace; nothing after it is stored', TIMEOUT, async () => {
      const cleanup = new Cleanup();
      try {
        const ctx = await fixture.newContext(cleanup, dispose);
        const handle = await startWorker(ctx.dir, spec.plugin, fixture.workerProps(ctx, spec.workerProps));
        cleanup.add(() => handle.stop());
        const config: Props = {
          ...(await connectorConfig(ctx)),
          'errors.tolerance': 'none',
          'value.converter': JSON_CONVERTER,
          'value.converter.schemas.enable': 'false',
        };
        await handle.herder.putConnectorConfig(ctx.connectorName, config, { allowReplace: false });
        await waitRunning(handle.herder, ctx.connectorName, waitMs);

        const before = makeIds(ctx, 0, 10);
        const afterBad = makeIds(ctx, 11, 10);
        const badOffset = before.length;
        await fixture.produce(ctx.topic, [...before.map(encode), '{"broken', ...afterBad.map(encode)]);
        const failed = await waitFor(
          'the task to be FAILED',
          () => handle.herder.connectorStatus(ctx.connectorName).tasks.find((task) => task.state === 'FAILED'),
          { timeoutMs: waitMs, describe: () => describeStatus(handle.herder.connectorStatus(ctx.connectorName)) },
        );
        assert.ok((failed.trace ?? '').length > 0, 'a FAILED task must carry a trace');
        await handle.stop();

        const stored = await spec.readSinkData(ctx);
        const leaked = afterBad.filter((id) => stored.includes(id));
        assert.deepEqual(leaked, [], 'records after the malformed one were stored although the task failed');
        const [committed] = await fixture.admin.fetchOffsets({ groupId: `connect-${ctx.connectorName}`, topics: [ctx.topic] });
        const offset = Number(committed?.partitions[0]?.offset ?? '-1');
        assert.ok(offset <= badOffset, `the committed offset ${offset} passes the malformed record at offset ${badOffset}`);
      } finally {
        await cleanup.run();
      }
    });

    registerConfigCases({
      fixture,
      plugin: spec.plugin,
      ...(spec.workerProps === undefined ? {} : { workerProps: spec.workerProps }),
      connectorConfig,
      dispose,
    });
  });
}
