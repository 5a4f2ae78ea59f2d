import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectError, DataError, RetriableError, Schemas, type SourceRecord } from '@tributary/api';
import { createErrorHandler, RETRY_DELAY_MIN_MS } from '../../src/errors/error-handler.js';
import { errorsConfig } from '../../src/errors/errors-config.js';
import type { OperationContext, TaskMetrics } from '../../src/task-parts.js';
import { capturedLogger, fakeClock } from './test-support.js';

const record: SourceRecord = {
  topic: 'orders',
  kafkaPartition: null,
  keySchema: Schemas.STRING,
  key: 'order-17',
  valueSchema: Schemas.STRING,
  value: 'card 4111-1111-1111-1111',
  timestamp: null,
  headers: [{ key: 'h', schema: Schemas.STRING, value: 'header-value' }],
  sourcePartition: { table: 'orders' },
  sourceOffset: { id: 17 },
};

const context: OperationContext = { stage: 'VALUE_CONVERTER', pluginName: 'JsonConverter', record };

function countingMetrics(): TaskMetrics & { failed: number } {
  const m = {
    failed: 0,
    recordsPolled() {},
    recordsWritten() {},
    recordsFailed(count: number) {
      m.failed += count;
    },
    offsetCommit() {},
    sinkLag() {},
  };
  return m;
}

function handler(props: Record<string, string>, extra: { metrics?: TaskMetrics } = {}) {
  const clock = fakeClock();
  const log = capturedLogger();
  const errorHandler = createErrorHandler({
    connectorName: 'c1',
    taskId: 0,
    errors: errorsConfig.parse(props),
    deadLetterQueue: null,
    producer: null,
    logger: log.logger,
    clock,
    random: () => 0.5,
    ...extra,
  });
  return { errorHandler, clock, log };
}

/** An operation that throws each of `errors` in turn, then returns 'done'. */
function failing(...errors: Error[]) {
  const op = () => {
    op.calls++;
    const error = errors.shift();
    if (error !== undefined) throw error;
    return 'done';
  };
  op.calls = 0;
  return op;
}

describe('createErrorHandler', () => {
  it('returns the value of an operation that succeeds', async () => {
    const { errorHandler } = handler({});
    assert.deepEqual(await errorHandler.execute(() => 42, context), { ok: true, value: 42 });
    assert.deepEqual(await errorHandler.execute(async () => 'async', context), { ok: true, value: 'async' });
  });

  it('retries a RetriableError with exponential back-off from 300 ms', async () => {
    const { errorHandler, clock } = handler({ 'errors.retry.timeout': '60000' });
    const op = failing(new RetriableError('busy 1'), new RetriableError('busy 2'), new RetriableError('busy 3'));
    assert.deepEqual(await errorHandler.execute(op, context), { ok: true, value: 'done' });
    assert.equal(op.calls, 4);
    assert.deepEqual(clock.sleeps, [RETRY_DELAY_MIN_MS, 600, 1200]);
  });

  it('never retries an error that is not retriable', async () => {
    const { errorHandler, clock } = handler({ 'errors.retry.timeout': '-1', 'errors.tolerance': 'all' });
    const op = failing(new DataError('bad bytes'));
    const outcome = await errorHandler.execute(op, context);
    assert.equal(outcome.ok, false);
    assert.equal(op.calls, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('does not retry by default (errors.retry.timeout=0)', async () => {
    const { errorHandler } = handler({});
    const op = failing(new RetriableError('busy'));
    await assert.rejects(errorHandler.execute(op, context), /Tolerance exceeded/);
    assert.equal(op.calls, 1);
  });

  it('stops retrying at errors.retry.timeout and then applies tolerance none', async () => {
    const { errorHandler, clock } = handler({ 'errors.retry.timeout': '1000' });
    const last = new RetriableError('still busy');
    const op = failing(
      new RetriableError('busy'),
      new RetriableError('busy'),
      new RetriableError('busy'),
      last,
      new RetriableError('never'),
    );
    await assert.rejects(errorHandler.execute(op, context), (err: Error) => {
      assert.ok(err instanceof ConnectError);
      assert.equal(err.message, 'Tolerance exceeded in error handler');
      assert.equal(err.cause, last);
      return true;
    });
    // 300 + 600, then the 100 ms left of the timeout.
    assert.deepEqual(clock.sleeps, [300, 600, 100]);
    assert.equal(op.calls, 4);
  });

  it('caps the delay at errors.retry.delay.max.ms, with jitter', async () => {
    const { errorHandler, clock } = handler({ 'errors.retry.timeout': '-1', 'errors.retry.delay.max.ms': '1000' });
    const op = failing(...Array.from({ length: 6 }, (_, i) => new RetriableError(`busy ${i}`)));
    assert.deepEqual(await errorHandler.execute(op, context), { ok: true, value: 'done' });
    assert.equal(clock.sleeps.length, 6);
    assert.deepEqual(clock.sleeps.slice(0, 2), [300, 600]);
    for (const ms of clock.sleeps.slice(2)) assert.ok(ms >= 500 && ms <= 1000, `delay ${ms}`);
  });

  it('with tolerance all, skips the record, counts it and logs nothing unless errors.log.enable', async () => {
    const metrics = countingMetrics();
    const { errorHandler, log } = handler({ 'errors.tolerance': 'all' }, { metrics });
    assert.equal(errorHandler.isTolerant, true);
    const error = new DataError('cannot convert');
    assert.deepEqual(await errorHandler.execute(failing(error), context), { ok: false, error });
    assert.equal(errorHandler.toleratedCount, 1);
    assert.equal(metrics.failed, 1);
    assert.deepEqual(
      log.lines.filter((l) => l['level'] === 'error'),
      [],
    );
  });

  it('logs a tolerated error with its stage and class, and the record only with include.messages', async () => {
    const quiet = handler({ 'errors.tolerance': 'all', 'errors.log.enable': 'true' });
    await quiet.errorHandler.execute(failing(new DataError('cannot convert')), context);
    const [line] = quiet.log.lines.filter((l) => l['level'] === 'error');
    assert.ok(line !== undefined);
    assert.match(
      String(line['msg']),
      /Error encountered in task c1-0\. Executing stage 'VALUE_CONVERTER' with class 'JsonConverter'/,
    );
    assert.doesNotMatch(JSON.stringify(line), /4111/);
    assert.doesNotMatch(JSON.stringify(line), /header-value/);

    const verbose = handler({
      'errors.tolerance': 'all',
      'errors.log.enable': 'true',
      'errors.log.include.messages': 'true',
    });
    await verbose.errorHandler.execute(failing(new DataError('cannot convert')), context);
    const [full] = verbose.log.lines.filter((l) => l['level'] === 'error');
    assert.match(JSON.stringify(full), /4111/);
    assert.match(JSON.stringify(full), /header-value/);
  });

  it('with tolerance none, report() throws and counts nothing', async () => {
    const metrics = countingMetrics();
    const { errorHandler } = handler({}, { metrics });
    assert.equal(errorHandler.isTolerant, false);
    const error = new DataError('bad');
    await assert.rejects(errorHandler.report(context, error), (err: Error) => err.cause === error);
    assert.equal(errorHandler.toleratedCount, 0);
    assert.equal(metrics.failed, 0);
  });

  it('does not skip a record when stopped while retrying, even with tolerance all', async () => {
    const { errorHandler } = handler({ 'errors.tolerance': 'all', 'errors.retry.timeout': '-1' });
    const controller = new AbortController();
    const op = () => {
      controller.abort();
      throw new RetriableError('busy');
    };
    await assert.rejects(
      errorHandler.execute(op, context, controller.signal),
      (err: ConnectError) => err.code === 'ABORTED',
    );
    assert.equal(errorHandler.toleratedCount, 0);
  });
});
