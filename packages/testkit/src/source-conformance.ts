/**
 * `runSourceConnectorConformance(spec)`: the cases every source connector must pass, each
 * a real run on the embedded broker with the standalone worker:
 * - start/stop: RUNNING with its tasks, records flow, stopping the connector and the
 *   worker is clean and idempotent, a stopped connector resumes;
 * - graceful restart: a new worker on the same offsets file continues where the first
 *   stopped, every record exactly once;
 * - crash: the worker in a child process is killed with SIGKILL mid-stream and restarted;
 *   no record is missing and only records delivered within one offset-flush interval
 *   (plus slack) before the kill are duplicated;
 * - configuration errors (see `config-conformance.ts`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Props } from '@tributary/api';
import type { ConformanceContext, SourceConformanceSpec } from './conformance-spec.js';
import { registerConfigCases } from './config-conformance.js';
import { waitRunning } from './connector-status.js';
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
import { type ReadRecord, TopicReader } from './topic-reader.js';
import { waitFor } from './wait-for.js';
import { ChildWorker, startWorker, writeConnectorFile, writeWorkerFile } from './worker-harness.js';

const TIMEOUT = { timeout: 300_000 };

function defaultIdOf(record: { readonly value: Buffer | null }): string {
  const value: unknown = record.value === null ? null : JSON.parse(record.value.toString('utf8'));
  if (typeof value !== 'string') {
    throw new Error(`Cannot find the id in the record value ${JSON.stringify(value)}: give the spec an idOf`);
  }
  return value;
}

export function runSourceConnectorConformance(spec: SourceConformanceSpec): void {
  const fixture = new SuiteFixture();
  const waitMs = spec.waitTimeoutMs ?? 60_000;
  const idOf = spec.idOf ?? defaultIdOf;
  const dispose = (ctx: ConformanceContext) => spec.cleanup?.(ctx);

  const connectorConfig = async (ctx: ConformanceContext): Promise<Props> => ({
    ...(await spec.baseConfig(ctx)),
    name: ctx.connectorName,
    'connector.class': spec.plugin.name,
  });
  const idsOf = (records: readonly ReadRecord[]) => records.map((r) => idOf(r));

  /** Waits until the topic holds every id of `ids`. */
  const waitDelivered = (reader: TopicReader, ids: readonly string[], what: string) =>
    waitFor(what, () => (hasAll(ids, idsOf(reader.records)) ? true : undefined), {
      timeoutMs: waitMs,
      describe: () => {
        const missing = missingOf(ids, idsOf(reader.records));
        return `${missing.length} of ${ids.length} missing, e.g. ${missing.slice(0, 5).join(', ')}`;
      },
    });

  describe(spec.title ?? `${spec.plugin.name} source connector conformance`, () => {
    before(() => fixture.start());
    after(() => fixture.stop());

    it('runs RUNNING with its tasks; stopping the connector and the worker is clean and idempotent', TIMEOUT, async () => {
      const cleanup = new Cleanup();
      try {
        const ctx = await fixture.newContext(cleanup, dispose);
        const reader = await TopicReader.open(ctx.bootstrap, ctx.topic);
        cleanup.add(() => reader.close());
        const handle = await startWorker(ctx.dir, spec.plugin, fixture.workerProps(ctx, spec.workerProps));
        cleanup.add(() => handle.stop());
        const { herder } = handle;
        await herder.putConnectorConfig(ctx.connectorName, await connectorConfig(ctx), { allowReplace: false });
        const status = await waitRunning(herder, ctx.connectorName, waitMs);
        assert.equal(status.type, 'source');
        assert.equal(herder.taskConfigs(ctx.connectorName).length, status.tasks.length, 'one task status per task configuration');

        const ids = makeIds(ctx, 0, 10);
        await spec.produceSourceData(ctx, ids);
        await waitDelivered(reader, ids, 'the first records on the topic');

        await herder.stopConnector(ctx.connectorName);
        const stopped = herder.connectorStatus(ctx.connectorName);
        assert.equal(stopped.connector.state, 'STOPPED');
        assert.deepEqual(stopped.tasks, [], 'a stopped connector has no tasks');
        await herder.stopConnector(ctx.connectorName);
        assert.equal(herder.connectorStatus(ctx.connectorName).connector.state, 'STOPPED', 'stopping twice keeps it STOPPED');

        await herder.resumeConnector(ctx.connectorName);
        await waitRunning(herder, ctx.connectorName, waitMs);
        const more = makeIds(ctx, 10, 10);
        await spec.produceSourceData(ctx, more);
        await waitDelivered(reader, more, 'records produced after resuming the stopped connector');

        await handle.stop();
        await handle.stop();
        await reader.drain(waitMs);
        assertExactlyOnce([...ids, ...more], idsOf(reader.records), 'after stop and resume');
      } finally {
        await cleanup.run();
      }
    });

    it('resumes from its stored offsets after a graceful restart: every record exactly once', TIMEOUT, async () => {
      const cleanup = new Cleanup();
      try {
        const ctx = await fixture.newContext(cleanup, dispose);
        const reader = await TopicReader.open(ctx.bootstrap, ctx.topic);
        cleanup.add(() => reader.close());
        const props = fixture.workerProps(ctx, spec.workerProps);
        const config = await connectorConfig(ctx);

        const first = await startWorker(ctx.dir, spec.plugin, props);
        cleanup.add(() => first.stop());
        await first.herder.putConnectorConfig(ctx.connectorName, config, { allowReplace: false });
        await waitRunning(first.herder, ctx.connectorName, waitMs);
        const before = makeIds(ctx, 0, 200);
        await spec.produceSourceData(ctx, before);
        await waitDelivered(reader, before, 'the records of the first worker');
        await first.stop();

        const second = await startWorker(ctx.dir, spec.plugin, props);
        cleanup.add(() => second.stop());
        await second.herder.putConnectorConfig(ctx.connectorName, config, { allowReplace: false });
        await waitRunning(second.herder, ctx.connectorName, waitMs);
        const afterRestart = makeIds(ctx, 200, 200);
        await spec.produceSourceData(ctx, afterRestart);
        await waitDelivered(reader, afterRestart, 'the records added after the restart');
        await second.stop();
        await reader.drain(waitMs);
        assertExactlyOnce([...before, ...afterRestart], idsOf(reader.records), 'after a graceful restart');
      } finally {
        await cleanup.run();
      }
    });

    it('delivers every record at least once after kill -9 of the worker; duplicates bounded by one offset flush', TIMEOUT, async (t) => {
      const cleanup = new Cleanup();
      try {
        const ctx = await fixture.newContext(cleanup, dispose);
        const reader = await TopicReader.open(ctx.bootstrap, ctx.topic);
        cleanup.add(() => reader.close());
        const workerPath = await writeWorkerFile(
          ctx.dir,
          fixture.workerProps(ctx, { ...spec.workerProps, 'offset.flush.interval.ms': String(CRASH_FLUSH_INTERVAL_MS) }),
        );
        const connectorPath = await writeConnectorFile(ctx.dir, ctx.connectorName, await connectorConfig(ctx));
        const windowMs = CRASH_FLUSH_INTERVAL_MS + CRASH_SLACK_MS;
        const all: string[] = [];
        let next = 0;
        const round = async (count: number) => {
          const ids = makeIds(ctx, next, count);
          next += count;
          all.push(...ids);
          await spec.produceSourceData(ctx, ids);
          return ids;
        };

        const first = await ChildWorker.start(spec.pluginModule, workerPath, [connectorPath]);
        cleanup.add(() => first.kill());
        await waitDelivered(reader, await round(20), 'the first records from the child worker');
        // Stream for longer than the duplicate window, then kill in the middle of it.
        const streamUntil = Date.now() + windowMs + 2_000;
        while (Date.now() < streamUntil) {
          await round(20);
          await sleep(50);
        }
        const killedAtMs = Date.now();
        await first.kill();
        await round(100);

        const second = await ChildWorker.start(spec.pluginModule, workerPath, [connectorPath]);
        cleanup.add(() => second.kill());
        await round(100);
        await waitDelivered(reader, all, 'every record after the restart');
        await second.stop();
        await reader.drain(waitMs);

        const firstSeen = new Map<string, number>();
        for (const r of reader.records) {
          const id = idOf(r);
          if (!firstSeen.has(id)) firstSeen.set(id, r.seenAtMs);
        }
        const { duplicates, beforeWindow } = assertAtLeastOnceAfterCrash(
          all,
          idsOf(reader.records),
          firstSeen,
          killedAtMs,
          windowMs,
          'source after kill -9',
        );
        assert.ok(beforeWindow > 0, 'no record was delivered before the duplicate window, so the case proves nothing');
        t.diagnostic(`${all.length} records, ${duplicates} duplicates after kill -9 (window ${windowMs} ms)`);
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
