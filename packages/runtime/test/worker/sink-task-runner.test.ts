import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  type Converter,
  DataError,
  type Header,
  type Props,
  RetriableError,
  type SchemaAndValue,
  Schemas,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartition,
  type TopicPartitionOffset,
} from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { createWireClient, type KafkaWireClient } from '@tributary/protocol';
import { type ConsumerConfig, type IHeaders, Kafka, logLevel } from 'kafkajs';
import { JsonConverter, jsonConverterConfig } from '../../src/converters/json-converter.js';
import { SimpleHeaderConverter } from '../../src/converters/simple-header-converter.js';
import { StringConverter, stringConverterConfig } from '../../src/converters/string-converter.js';
import { createErrorHandler } from '../../src/errors/error-handler.js';
import { deadLetterQueueConfig, errorsConfig } from '../../src/errors/errors-config.js';
import { createRootLogger } from '../../src/logging/root-logger.js';
import { MetricsRegistry } from '../../src/metrics/metrics-registry.js';
import { createTaskMetrics } from '../../src/metrics/task-metrics.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import { buildTransformChain } from '../../src/plugins/transform-chain.js';
import type { ErrorHandler, TaskMetrics, TaskState } from '../../src/task-parts.js';
import { extractFieldValue } from '../../src/transforms/extract-field.js';
import { regexRouter } from '../../src/transforms/regex-router.js';
import { sinkGroupId } from '../../src/worker/sink-offsets.js';
import { SinkTaskRunner, type SinkTaskRunnerDeps } from '../../src/worker/sink-task-runner.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

/** Consumer settings that make joins and rebalances take about a second. */
const FAST: Partial<ConsumerConfig> = {
  maxWaitTimeInMs: 200,
  heartbeatInterval: 300,
  sessionTimeout: 6000,
  rebalanceTimeout: 20_000,
};

let broker: RunningBroker;
let kafka: Kafka;

before(async () => {
  broker = await startBroker({ port: 0 });
  kafka = new Kafka({
    clientId: 'sink-runner-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
});

after(async () => {
  await broker.stop();
});

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function produce(
  topic: string,
  messages: { key?: string; value: string | null; partition?: number; headers?: IHeaders; timestamp?: string }[],
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** The group's committed offsets for `topic`, by partition (−1: none). */
async function committed(connector: string, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId: sinkGroupId(connector), topics: [topic] });
    return new Map((result?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

async function readAll(topic: string, count: number): Promise<{ value: Buffer | null; headers: IHeaders }[]> {
  const consumer = kafka.consumer({ groupId: unique('reader'), ...FAST });
  const seen: { value: Buffer | null; headers: IHeaders }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ value: message.value, headers: message.headers ?? {} });
      },
    });
    await waitFor(`${count} records in ${topic}`, () => seen.length >= count);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

// ---- a real sink task and simple converters ----

interface TaskOptions {
  /** Throw RetriableError from the first put (after asking for this redelivery delay). */
  retriableOnce?: { timeoutMs: number };
  /** Throw this from every put. */
  putError?: Error;
  flushError?: Error;
  /** Report records whose value is this string through the errant-record reporter. */
  reportValue?: string;
  /** In `open`, move each partition to this offset (as tasks that store offsets themselves do). */
  seekOnOpen?: number;
}

class CollectingSinkTask implements SinkTask {
  readonly puts: SinkRecord[][] = [];
  readonly flushes: TopicPartitionOffset[][] = [];
  readonly opened: TopicPartition[][] = [];
  readonly closed: TopicPartition[][] = [];
  props: Props | null = null;
  context: SinkTaskContext | null = null;
  isStopped = false;
  #hasThrown = false;
  #nextPutFailure: { error: Error; timeoutMs: number } | null = null;

  constructor(private readonly options: TaskOptions = {}) {}

  get records(): SinkRecord[] {
    return this.puts.flat();
  }

  start(props: Props, context: SinkTaskContext): void {
    this.props = props;
    this.context = context;
  }

  open(partitions: readonly TopicPartition[]): void {
    this.opened.push([...partitions]);
    const offset = this.options.seekOnOpen;
    if (offset !== undefined) this.context?.offset(partitions.map((tp) => ({ ...tp, offset })));
  }

  /** The next `put` (with records) throws `error` after asking for a redelivery in `timeoutMs`. */
  failNextPut(error: Error, timeoutMs: number): void {
    this.#nextPutFailure = { error, timeoutMs };
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (this.options.putError !== undefined) throw this.options.putError;
    const failure = this.#nextPutFailure;
    if (failure !== null && records.length > 0) {
      this.#nextPutFailure = null;
      this.puts.push([...records]);
      this.context?.timeout(failure.timeoutMs);
      throw failure.error;
    }
    if (this.options.retriableOnce !== undefined && !this.#hasThrown && records.length > 0) {
      this.#hasThrown = true;
      this.puts.push([...records]);
      this.context?.timeout(this.options.retriableOnce.timeoutMs);
      throw new RetriableError('database is restarting');
    }
    const reporter = this.context?.errantRecordReporter ?? null;
    const kept: SinkRecord[] = [];
    for (const r of records) {
      if (this.options.reportValue !== undefined && r.value === this.options.reportValue && reporter !== null) {
        await reporter(r, new DataError(`cannot write ${String(r.value)}`));
      } else kept.push(r);
    }
    this.puts.push(kept);
  }

  flush(offsets: readonly TopicPartitionOffset[]): void {
    if (this.options.flushError !== undefined) throw this.options.flushError;
    this.flushes.push([...offsets]);
  }

  close(partitions: readonly TopicPartition[]): void {
    this.closed.push([...partitions]);
  }

  stop(): void {
    this.isStopped = true;
  }
}

/**
 * A sink whose `put` takes `putMs`; it records every other task call made while a `put`
 * runs (the runtime must never make one), and can rewind its partition once from `put`.
 */
class SlowSinkTask implements SinkTask {
  readonly puts: SinkRecord[][] = [];
  readonly overlaps: string[] = [];
  context: SinkTaskContext | null = null;
  #isInPut = false;
  #rewind: { afterRecords: number; offset: number } | null;

  constructor(
    private readonly putMs: number,
    options: { rewindOnce?: { afterRecords: number; offset: number } } = {},
  ) {
    this.#rewind = options.rewindOnce ?? null;
  }

  get records(): SinkRecord[] {
    return this.puts.flat();
  }

  #call(name: string): void {
    if (this.#isInPut) this.overlaps.push(name);
  }

  start(_props: Props, context: SinkTaskContext): void {
    this.context = context;
  }

  open(): void {
    this.#call('open');
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    this.#call('put');
    this.#isInPut = true;
    try {
      this.puts.push([...records]);
      await new Promise((resolve) => setTimeout(resolve, this.putMs));
      const rewind = this.#rewind;
      if (rewind !== null && this.records.length >= rewind.afterRecords && records[0] !== undefined) {
        this.#rewind = null;
        const { topic, kafkaPartition: partition } = records[0];
        this.context?.offset([{ topic, partition, offset: rewind.offset }]);
      }
    } finally {
      this.#isInPut = false;
    }
  }

  flush(): void {
    this.#call('flush');
  }

  close(): void {
    this.#call('close');
  }

  stop(): void {}
}

const stringConverter = () => new StringConverter(stringConverterConfig.parse({}));
const schemalessJson = () => new JsonConverter(jsonConverterConfig.parse({ 'schemas.enable': 'false' }));
const transformsFrom = (props: Record<string, string>) =>
  buildTransformChain(props, new PluginRegistry([regexRouter, extractFieldValue]));

/**
 * Upper-cases text values, synchronously or as a Promise. `flaky` fails with a
 * RetriableError the first time it is seen, `bad` always fails with a DataError.
 */
class ShoutingConverter implements Converter {
  readonly attempts = new Map<string, number>();

  constructor(private readonly isAsync: boolean) {}

  fromConnectData(): Uint8Array | null {
    throw new Error('not used by sinks');
  }

  toConnectData(
    _topic: string,
    _headers: readonly Header[],
    bytes: Uint8Array | null,
  ): SchemaAndValue | Promise<SchemaAndValue> {
    if (!this.isAsync) return this.#convert(bytes);
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(this.#convert(bytes));
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  #convert(bytes: Uint8Array | null): SchemaAndValue {
    const text = bytes === null ? null : Buffer.from(bytes).toString();
    if (text === null) return { schema: Schemas.OPTIONAL_STRING, value: null };
    const attempt = (this.attempts.get(text) ?? 0) + 1;
    this.attempts.set(text, attempt);
    if (text === 'flaky' && attempt === 1) throw new RetriableError('not yet');
    if (text === 'bad') throw new DataError('cannot shout bad');
    return { schema: Schemas.OPTIONAL_STRING, value: text.toUpperCase() };
  }
}

async function errorHandlerFor(
  connector: string,
  props: Record<string, string> = {},
  metrics?: TaskMetrics,
): Promise<{ handler: ErrorHandler; close: () => Promise<void> }> {
  const producer = kafka.producer();
  const isDlq = (props['errors.deadletterqueue.topic.name'] ?? '') !== '';
  if (isDlq) await producer.connect();
  const handler = createErrorHandler({
    connectorName: connector,
    taskId: 0,
    errors: errorsConfig.parse(props),
    deadLetterQueue: deadLetterQueueConfig.parse(props),
    producer: isDlq ? producer : null,
    logger: createRootLogger({ destination: new PassThrough(), level: 'silent' }),
    ...(metrics === undefined ? {} : { metrics }),
  });
  return { handler, close: () => (isDlq ? producer.disconnect() : Promise.resolve()) };
}

interface Harness {
  runner: SinkTaskRunner;
  states: TaskState[];
  logLines: () => Record<string, unknown>[];
  closeHandler: () => Promise<void>;
}

async function startRunner(
  connector: string,
  task: SinkTask,
  overrides: Partial<SinkTaskRunnerDeps> & { errorsProps?: Record<string, string>; metrics?: TaskMetrics } = {},
): Promise<Harness> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (d: Buffer) => chunks.push(d.toString()));
  const metrics: TaskMetrics =
    overrides.metrics ?? createTaskMetrics(new MetricsRegistry(), { connector, task: 0, type: 'sink' });
  const { handler, close } = await errorHandlerFor(connector, overrides.errorsProps, metrics);
  const { errorsProps: _ignored, ...deps } = overrides;
  const runner = new SinkTaskRunner({
    connectorName: connector,
    taskId: 0,
    task,
    props: { 'task.prop': 'x' },
    kafka,
    consumerConfig: FAST,
    keyConverter: stringConverter(),
    valueConverter: stringConverter(),
    headerConverter: new SimpleHeaderConverter(),
    transforms: transformsFrom({}),
    errorHandler: handler,
    logger: createRootLogger({ destination: out, level: 'debug' }),
    metrics,
    offsetFlushIntervalMs: 60_000,
    offsetFlushTimeoutMs: 5_000,
    shutdownTimeoutMs: 10_000,
    ...(wireClient === null ? {} : { wireClient }),
    ...deps,
  });
  const states: TaskState[] = [];
  runner.onStateChange((state) => states.push(state));
  await runner.start();
  return {
    runner,
    states,
    closeHandler: close,
    logLines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** The protocol client the runners of the suite running fetch with, or null: kafkajs fetches. */
let wireClient: KafkaWireClient | null = null;

// Every behaviour holds whichever client fetches the records.
for (const fetching of ['kafkajs', 'the protocol fetcher'] as const)
  describe(`SinkTaskRunner (records fetched by ${fetching})`, () => {
    before(() => {
      wireClient = fetching === 'kafkajs' ? null : createWireClient({ bootstrapServers: [broker.bootstrap] });
    });

    after(async () => {
      await wireClient?.close();
      wireClient = null;
    });

    it('delivers records in order with their sink fields, and commits what flush accepted on stop', async () => {
      const topic = unique('orders');
      const connector = unique('deliver');
      await createTopic(topic, 1);
      await produce(
        topic,
        [0, 1, 2, 3, 4].map((i) => ({
          key: `k${i}`,
          value: `v${i}`,
          timestamp: String(1_700_000_000_000 + i),
          headers: { trace: `t${i}` },
        })),
      );
      const task = new CollectingSinkTask();
      const { runner, states } = await startRunner(connector, task, { topics: [topic] });
      assert.equal(runner.state, 'RUNNING');
      assert.deepEqual(task.props, { 'task.prop': 'x' });
      await waitFor('5 records', () => task.records.length >= 5);
      const records = task.records;
      assert.deepEqual(
        records.map((r) => [r.kafkaOffset, r.key, r.value]),
        [0, 1, 2, 3, 4].map((i) => [i, `k${i}`, `v${i}`]),
      );
      const first = records[0];
      assert.ok(first);
      assert.equal(first.topic, topic);
      assert.equal(first.kafkaPartition, 0);
      assert.equal(first.timestamp, 1_700_000_000_000);
      assert.equal(first.timestampType, 'CreateTime');
      assert.deepEqual(
        first.headers.map((h) => [h.key, h.value]),
        [['trace', 't0']],
      );
      assert.deepEqual([first.originalTopic, first.originalKafkaPartition, first.originalKafkaOffset], [topic, 0, 0]);
      assert.deepEqual(first.keySchema, Schemas.OPTIONAL_STRING);
      assert.deepEqual(task.opened, [[{ topic, partition: 0 }]]);
      assert.deepEqual(task.context?.assignment(), [{ topic, partition: 0 }]);

      await runner.stop();
      assert.deepEqual(task.flushes.at(-1), [{ topic, partition: 0, offset: 5 }]);
      assert.deepEqual(task.closed, [[{ topic, partition: 0 }]]);
      assert.equal(task.isStopped, true);
      assert.equal((await committed(connector, topic)).get(0), 5);
      assert.deepEqual(states, ['RUNNING', 'STOPPED']);
      await runner.stop();
    });

    it('applies the transforms, keeping the consumed topic, partition and offset in the original fields', async () => {
      const topic = unique('raw');
      const connector = unique('routed');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'x' }]);
      const task = new CollectingSinkTask();
      const { runner } = await startRunner(connector, task, {
        topics: [topic],
        transforms: transformsFrom({
          transforms: 'route',
          'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
          'transforms.route.regex': 'raw-(.*)',
          'transforms.route.replacement': 'clean-$1',
        }),
      });
      try {
        await waitFor('the record', () => task.records.length === 1);
        const [r] = task.records;
        assert.equal(r?.topic, topic.replace('raw-', 'clean-'));
        assert.deepEqual([r?.originalTopic, r?.originalKafkaPartition, r?.originalKafkaOffset], [topic, 0, 0]);
      } finally {
        await runner.stop();
      }
    });

    it('commits at the flush interval and when the task requests it', async () => {
      const topic = unique('interval');
      const connector = unique('interval');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'a' }, { value: 'b' }]);
      const task = new CollectingSinkTask();
      const { runner } = await startRunner(connector, task, { topics: [topic], offsetFlushIntervalMs: 200 });
      try {
        await waitFor('a commit at the interval', async () => (await committed(connector, topic)).get(0) === 2);
        assert.deepEqual(task.flushes[0], [{ topic, partition: 0, offset: 2 }]);
      } finally {
        await runner.stop();
      }

      const topic2 = unique('requested');
      const connector2 = unique('requested');
      await createTopic(topic2, 1);
      await produce(topic2, [{ value: 'c' }]);
      const task2 = new CollectingSinkTask();
      const second = await startRunner(connector2, task2, { topics: [topic2] });
      try {
        await waitFor('1 record', () => task2.records.length === 1);
        task2.context?.requestCommit();
        await waitFor('a requested commit', async () => (await committed(connector2, topic2)).get(0) === 1);
      } finally {
        await second.runner.stop();
      }
    });

    it('commits nothing when flush fails, so a new runner receives the records again', async () => {
      const topic = unique('flaky-flush');
      const connector = unique('flaky-flush');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'x0' }, { value: 'x1' }, { value: 'x2' }]);
      const failing = new CollectingSinkTask({ flushError: new Error('disk full') });
      const first = await startRunner(connector, failing, { topics: [topic] });
      await waitFor('3 records', () => failing.records.length >= 3);
      failing.context?.requestCommit();
      await first.runner.stop();
      assert.equal(first.runner.state, 'STOPPED');
      assert.equal((await committed(connector, topic)).get(0), -1);
      assert.ok(first.logLines().some((l) => String(l['msg']).includes('Flush of offsets failed')));

      const healthy = new CollectingSinkTask();
      const second = await startRunner(connector, healthy, { topics: [topic] });
      await waitFor('the 3 records again', () => healthy.records.length >= 3);
      await second.runner.stop();
      assert.deepEqual(
        healthy.records.map((r) => [r.kafkaOffset, r.value]),
        [
          [0, 'x0'],
          [1, 'x1'],
          [2, 'x2'],
        ],
      );
      assert.equal((await committed(connector, topic)).get(0), 3);
    });

    it('redelivers the same batch after a RetriableError from put, after the timeout the task set', async () => {
      const topic = unique('retriable');
      const connector = unique('retriable');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'r0' }, { value: 'r1' }]);
      const task = new CollectingSinkTask({ retriableOnce: { timeoutMs: 50 } });
      const { runner, logLines } = await startRunner(connector, task, { topics: [topic] });
      try {
        await waitFor('a redelivery', () => task.puts.length >= 2);
        const [failed, redelivered] = task.puts;
        assert.deepEqual(
          redelivered?.map((r) => r.kafkaOffset),
          failed?.map((r) => r.kafkaOffset),
        );
        assert.deepEqual(
          redelivered?.map((r) => r.value),
          ['r0', 'r1'],
        );
        assert.equal(runner.state, 'RUNNING');
        assert.ok(logLines().some((l) => l['retryInMs'] === 50));
      } finally {
        await runner.stop();
      }
      assert.equal((await committed(connector, topic)).get(0), 2);
    });

    it('commits between the attempts of a put retried for longer than the flush interval, then goes on', async () => {
      const topic = unique('retry-commit');
      const connector = unique('retry-commit');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'a0' }]);
      const task = new CollectingSinkTask();
      const { runner } = await startRunner(connector, task, { topics: [topic], offsetFlushIntervalMs: 100 });
      try {
        await waitFor('the first record', () => task.records.length >= 1);
        await waitFor('its commit', async () => (await committed(connector, topic)).get(0) === 1);
        // The next put fails once and is retried 400 ms later: past the flush interval.
        task.failNextPut(new RetriableError('not yet'), 400);
        await produce(topic, [{ value: 'a1' }, { value: 'a2' }]);
        await waitFor(
          'the retried records',
          () => task.records.filter((r) => r.value === 'a1').length >= 2 && task.records.some((r) => r.value === 'a2'),
        );
        await produce(topic, [{ value: 'a3' }]);
        await waitFor('a record after the retry', () => task.records.some((r) => r.value === 'a3'));
        await waitFor('every record committed', async () => (await committed(connector, topic)).get(0) === 4);
        assert.equal(runner.state, 'RUNNING');
      } finally {
        await runner.stop();
      }
    });

    it('fails the task on any other error from put, without committing the batch', async () => {
      const topic = unique('broken');
      const connector = unique('broken');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'b0' }]);
      const boom = new Error('constraint violated');
      const task = new CollectingSinkTask({ putError: boom });
      const { runner, states } = await startRunner(connector, task, { topics: [topic] });
      await waitFor('FAILED', () => runner.state === 'FAILED');
      assert.equal(runner.failure, boom);
      await runner.stop();
      assert.equal(runner.state, 'FAILED');
      assert.deepEqual(states, ['RUNNING', 'FAILED']);
      assert.equal(task.isStopped, true);
      assert.equal((await committed(connector, topic)).get(0), -1);
    });

    it('fails start when task.start throws', async () => {
      const topic = unique('no-start');
      const task = new CollectingSinkTask();
      task.start = () => {
        throw new Error('cannot connect to the database');
      };
      await assert.rejects(
        () => startRunner(unique('no-start'), task, { topics: [topic] }),
        /cannot connect to the database/,
      );
    });

    it('with errors.tolerance=all sends a record its value converter rejects to the dead-letter queue with the original bytes', async () => {
      const topic = unique('json-in');
      const dlq = unique('dlq');
      const connector = unique('tolerant');
      await createTopic(topic, 1);
      await produce(topic, [
        { key: 'k0', value: '{"n":0}' },
        { key: 'k1', value: 'not json {', headers: { origin: 'test' } },
        { key: 'k2', value: '{"n":2}' },
      ]);
      const registry = new MetricsRegistry();
      const metrics = createTaskMetrics(registry, { connector, task: 0, type: 'sink' });
      const task = new CollectingSinkTask();
      const { runner, closeHandler } = await startRunner(connector, task, {
        topics: [topic],
        valueConverter: schemalessJson(),
        pluginNames: { valueConverter: 'org.apache.kafka.connect.json.JsonConverter' },
        metrics,
        errorsProps: {
          'errors.tolerance': 'all',
          'errors.deadletterqueue.topic.name': dlq,
          'errors.deadletterqueue.topic.replication.factor': '1',
          'errors.deadletterqueue.context.headers.enable': 'true',
        },
      });
      try {
        await waitFor('2 good records', () => task.records.length >= 2);
        assert.deepEqual(
          task.records.map((r) => [r.kafkaOffset, r.value]),
          [
            [0, { n: 0 }],
            [2, { n: 2 }],
          ],
        );
        const [dead] = await readAll(dlq, 1);
        assert.ok(dead);
        assert.equal(dead.value?.toString(), 'not json {');
        const header = (name: string) => String(dead.headers[name]);
        assert.equal(header('origin'), 'test');
        assert.equal(header('__connect.errors.topic'), topic);
        assert.equal(header('__connect.errors.partition'), '0');
        assert.equal(header('__connect.errors.offset'), '1');
        assert.equal(header('__connect.errors.stage'), 'VALUE_CONVERTER');
        assert.equal(header('__connect.errors.class.name'), 'org.apache.kafka.connect.json.JsonConverter');
        assert.equal(header('__connect.errors.connector.name'), connector);
        assert.equal(header('__connect.errors.exception.class.name'), 'DataError');
        assert.match(
          registry.render(),
          new RegExp(`tributary_task_records_failed_total\\{connector="${connector}",task="0"\\} 1\\n`),
        );
      } finally {
        await runner.stop();
        await closeHandler();
      }
      assert.equal((await committed(connector, topic)).get(0), 3);
    });

    it('gives the task an errant-record reporter when tolerant, which dead-letters the consumed bytes', async () => {
      const topic = unique('reported');
      const dlq = unique('reported-dlq');
      const connector = unique('reporter');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'good' }, { value: 'bad' }]);
      const task = new CollectingSinkTask({ reportValue: 'bad' });
      const { runner, closeHandler } = await startRunner(connector, task, {
        topics: [topic],
        errorsProps: {
          'errors.tolerance': 'all',
          'errors.deadletterqueue.topic.name': dlq,
          'errors.deadletterqueue.topic.replication.factor': '1',
          'errors.deadletterqueue.context.headers.enable': 'true',
        },
      });
      try {
        assert.notEqual(task.context?.errantRecordReporter, null);
        const [dead] = await readAll(dlq, 1);
        assert.equal(dead?.value?.toString(), 'bad');
        assert.equal(String(dead?.headers['__connect.errors.stage']), 'TASK_PUT');
        assert.equal(String(dead?.headers['__connect.errors.offset']), '1');
        assert.deepEqual(
          task.records.map((r) => r.value),
          ['good'],
        );
      } finally {
        await runner.stop();
        await closeHandler();
      }
    });

    it('dead-letters a failure in each stage with that stage and plugin, and reports a transformed record with its consumed bytes', async () => {
      const topic = unique('stages');
      const dlq = unique('stages-dlq');
      const connector = unique('stages');
      await createTopic(topic, 1);
      await produce(topic, [
        { key: '0', value: '{"s":"zero"}', headers: { h: '"ok"' } },
        { key: '1', value: '{"s":"one"}', headers: { h: 'not json {' } },
        { key: 'bad {', value: '{"s":"two"}' },
        { key: '3', value: 'bad {' },
        { key: '4', value: '"no fields"' },
        { key: '5', value: '{"s":"five"}' },
        { key: '6', value: '{"s":"six"}' },
      ]);
      const registry = new MetricsRegistry();
      const metrics = createTaskMetrics(registry, { connector, task: 0, type: 'sink' });
      const task = new CollectingSinkTask({ reportValue: 'five' });
      const { runner, closeHandler } = await startRunner(connector, task, {
        topics: [topic],
        keyConverter: schemalessJson(),
        valueConverter: schemalessJson(),
        headerConverter: schemalessJson(),
        pluginNames: { keyConverter: 'key-json', valueConverter: 'value-json' },
        transforms: transformsFrom({
          transforms: 'extract',
          'transforms.extract.type': 'org.apache.kafka.connect.transforms.ExtractField$Value',
          'transforms.extract.field': 's',
        }),
        metrics,
        errorsProps: {
          'errors.tolerance': 'all',
          'errors.deadletterqueue.topic.name': dlq,
          'errors.deadletterqueue.topic.replication.factor': '1',
          'errors.deadletterqueue.context.headers.enable': 'true',
        },
      });
      try {
        const dead = await readAll(dlq, 5);
        const header = (d: { headers: IHeaders }, name: string) => String(d.headers[`__connect.errors.${name}`]);
        assert.deepEqual(
          dead.map((d) => [header(d, 'offset'), header(d, 'stage'), header(d, 'class.name'), d.value?.toString()]),
          [
            ['1', 'HEADER_CONVERTER', 'JsonConverter', '{"s":"one"}'],
            ['2', 'KEY_CONVERTER', 'key-json', '{"s":"two"}'],
            ['3', 'VALUE_CONVERTER', 'value-json', 'bad {'],
            ['4', 'TRANSFORMATION', 'extract (ExtractField$Value)', '"no fields"'],
            ['5', 'TASK_PUT', 'CollectingSinkTask', '{"s":"five"}'],
          ],
        );
        assert.equal(String(dead[0]?.headers['h']), 'not json {');
        await waitFor('the last record', () => task.records.some((r) => r.kafkaOffset === 6));
        assert.deepEqual(
          task.records.map((r) => [r.kafkaOffset, r.key, r.value, r.headers.map((h) => [h.key, h.value])]),
          [
            [0, 0, 'zero', [['h', 'ok']]],
            [6, 6, 'six', []],
          ],
        );
        assert.match(
          registry.render(),
          new RegExp(`tributary_task_records_failed_total\\{connector="${connector}",task="0"\\} 5\\n`),
        );
      } finally {
        await runner.stop();
        await closeHandler();
      }
      assert.equal((await committed(connector, topic)).get(0), 7);
    });

    for (const isAsync of [false, true]) {
      it(`retries and tolerates ${isAsync ? 'a converter returning Promises' : 'a synchronous converter'} through the error handler, keeping the order`, async () => {
        const topic = unique('shout');
        const connector = unique('shout');
        await createTopic(topic, 1);
        await produce(topic, [{ value: 'a' }, { value: 'bad' }, { value: 'flaky' }, { value: null }, { value: 'e' }]);
        const converter = new ShoutingConverter(isAsync);
        const task = new CollectingSinkTask();
        const { runner, closeHandler } = await startRunner(connector, task, {
          topics: [topic],
          valueConverter: converter,
          errorsProps: { 'errors.tolerance': 'all', 'errors.retry.timeout': '60000', 'errors.retry.delay.max.ms': '1' },
        });
        try {
          await waitFor('4 records', () => task.records.length >= 4);
          assert.deepEqual(
            task.records.map((r) => [r.kafkaOffset, r.value]),
            [
              [0, 'A'],
              [2, 'FLAKY'],
              [3, null],
              [4, 'E'],
            ],
          );
          assert.equal(converter.attempts.get('flaky'), 2);
          assert.equal(converter.attempts.get('bad'), 1);
        } finally {
          await runner.stop();
          await closeHandler();
        }
        assert.equal(runner.failure, null);
        assert.equal((await committed(connector, topic)).get(0), 5);
      });
    }

    it('fails the task when the Promise of a converter rejects and errors are not tolerated', async () => {
      const topic = unique('rejected');
      const connector = unique('rejected');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'a' }, { value: 'bad' }, { value: 'c' }]);
      const task = new CollectingSinkTask();
      const { runner } = await startRunner(connector, task, {
        topics: [topic],
        valueConverter: new ShoutingConverter(true),
      });
      await waitFor('FAILED', () => runner.state === 'FAILED');
      assert.match(String(runner.failure?.message), /Tolerance exceeded/);
      assert.match(String((runner.failure?.cause as Error | undefined)?.message), /cannot shout bad/);
      await runner.stop();
      assert.deepEqual(task.records, []);
      assert.equal((await committed(connector, topic)).get(0), -1);
    });

    it('gives no errant-record reporter with errors.tolerance=none, and fails on a converter error', async () => {
      const topic = unique('intolerant');
      const connector = unique('intolerant');
      await createTopic(topic, 1);
      await produce(topic, [{ value: '{"ok":true}' }, { value: '{{' }]);
      const task = new CollectingSinkTask();
      const { runner } = await startRunner(connector, task, {
        topics: [topic],
        valueConverter: schemalessJson(),
      });
      assert.equal(task.context?.errantRecordReporter, null);
      await waitFor('FAILED', () => runner.state === 'FAILED');
      assert.match(String(runner.failure?.message), /Tolerance exceeded/);
      await runner.stop();
      assert.deepEqual(task.records, []);
    });

    it('subscribes by topics.regex', async () => {
      const prefix = unique('rx');
      const connector = unique('regex');
      await createTopic(`${prefix}-a`, 1);
      await createTopic(`${prefix}-b`, 1);
      await produce(`${prefix}-a`, [{ value: 'from a' }]);
      await produce(`${prefix}-b`, [{ value: 'from b' }]);
      const task = new CollectingSinkTask();
      const escaped = prefix.replace(/[-]/g, '\\-');
      const { runner } = await startRunner(connector, task, { topicsRegex: new RegExp(`^${escaped}-[ab]$`) });
      try {
        await waitFor('both topics', () => task.records.length >= 2);
        assert.deepEqual(task.records.map((r) => r.value).sort(), ['from a', 'from b']);
      } finally {
        await runner.stop();
      }
    });

    it('rewinds when the task calls context.offset', async () => {
      const topic = unique('rewind');
      const connector = unique('rewind');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'w0' }, { value: 'w1' }, { value: 'w2' }]);
      const task = new CollectingSinkTask();
      const { runner } = await startRunner(connector, task, { topics: [topic] });
      try {
        await waitFor('3 records', () => task.records.length >= 3);
        task.context?.offset([{ topic, partition: 0, offset: 1 }]);
        await waitFor('records from offset 1 again', () => task.records.length >= 5);
        assert.deepEqual(
          task.records.map((r) => r.kafkaOffset),
          [0, 1, 2, 1, 2],
        );
      } finally {
        await runner.stop();
      }
      assert.equal((await committed(connector, topic)).get(0), 3);
    });

    it('puts one batch while the next is fetched and converted, never overlapping put with another task call', async () => {
      const topic = unique('overlap');
      const connector = unique('overlap');
      await createTopic(topic, 2);
      const values = Array.from({ length: 40 }, (_, i) => ({ value: `o${i}`, partition: i % 2 }));
      for (let i = 0; i < values.length; i += 4) await produce(topic, values.slice(i, i + 4));
      const task = new SlowSinkTask(15);
      const { runner } = await startRunner(connector, task, { topics: [topic], offsetFlushIntervalMs: 20 });
      try {
        await waitFor('40 records', () => task.records.length >= 40);
      } finally {
        await runner.stop();
      }
      assert.deepEqual(task.overlaps, [], 'no task call while a put was running');
      for (const partition of [0, 1]) {
        const offsets = task.records.filter((r) => r.kafkaPartition === partition).map((r) => r.kafkaOffset);
        assert.deepEqual(
          offsets,
          Array.from({ length: 20 }, (_, i) => i),
          `partition ${partition} in order, once`,
        );
      }
      const done = await committed(connector, topic);
      assert.equal(done.get(0), 20);
      assert.equal(done.get(1), 20);
    });

    it('drops a batch converted during a put that rewound its partition, and delivers from the new offset', async () => {
      const topic = unique('rewind-in-put');
      const connector = unique('rewind-in-put');
      await createTopic(topic, 1);
      const task = new SlowSinkTask(40, { rewindOnce: { afterRecords: 2, offset: 1 } });
      const { runner } = await startRunner(connector, task, { topics: [topic] });
      const afterRewind = () => {
        const offsets = task.records.map((r) => r.kafkaOffset);
        const again = offsets.indexOf(1, offsets.indexOf(1) + 1);
        return again < 0 ? [] : offsets.slice(again);
      };
      try {
        // One batch per record, produced while earlier ones are being put.
        for (let i = 0; i < 6; i++) {
          await produce(topic, [{ value: `r${i}` }]);
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
        await waitFor('every record again after the rewind', () => afterRewind().includes(5));
      } finally {
        await runner.stop();
      }
      const offsets = task.records.map((r) => r.kafkaOffset);
      const rewoundAt = offsets.indexOf(1, offsets.indexOf(1) + 1);
      assert.ok(rewoundAt > 0, `offset 1 is delivered again after the rewind: ${offsets.join(',')}`);
      assert.deepEqual(
        offsets.slice(rewoundAt),
        [1, 2, 3, 4, 5],
        `after the rewind every record from offset 1, in order: ${offsets.join(',')}`,
      );
      assert.ok(
        offsets.slice(0, rewoundAt).every((o, i) => o === i),
        `before it, the records in order from 0: ${offsets.join(',')}`,
      );
    });

    it('starts a partition where the task asked in open', async () => {
      const topic = unique('seek-on-open');
      const connector = unique('seek-on-open');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 's0' }, { value: 's1' }, { value: 's2' }, { value: 's3' }]);
      const task = new CollectingSinkTask({ seekOnOpen: 2 });
      const { runner } = await startRunner(connector, task, { topics: [topic] });
      try {
        await waitFor('records from offset 2', () => task.records.length >= 2);
        task.context?.requestCommit();
        await waitFor('the commit', async () => (await committed(connector, topic)).get(0) === 4);
        assert.deepEqual(
          task.records.map((r) => r.value),
          ['s2', 's3'],
        );
      } finally {
        await runner.stop();
      }
    });

    it('starts from the committed offset, and from the beginning when that offset is out of range', async () => {
      const topic = unique('committed-start');
      await createTopic(topic, 2);
      await produce(topic, [
        { value: 'p0-0', partition: 0 },
        { value: 'p0-1', partition: 0 },
        { value: 'p0-2', partition: 0 },
        { value: 'p1-0', partition: 1 },
      ]);
      const connector = unique('committed-start');
      const admin = createWireClient({ bootstrapServers: [broker.bootstrap] });
      try {
        // Partition 0 resumes after its first record; partition 1's offset is past its end.
        await admin.commitGroupOffsets(sinkGroupId(connector), [
          { topic, partition: 0, offset: 1 },
          { topic, partition: 1, offset: 50 },
        ]);
      } finally {
        await admin.close();
      }
      const task = new CollectingSinkTask();
      const { runner, logLines } = await startRunner(connector, task, { topics: [topic] });
      try {
        await waitFor('3 records', () => task.records.length >= 3);
        assert.deepEqual(task.records.map((r) => r.value).sort(), ['p0-1', 'p0-2', 'p1-0']);
        if (fetching !== 'kafkajs') {
          const reset = logLines().find((l) => String(l['msg']).includes('resetting to earliest'));
          assert.equal(reset?.['partition'], `${topic}-1`);
          assert.match(String(reset?.['msg']), /OFFSET_OUT_OF_RANGE/);
        }
      } finally {
        await runner.stop();
      }
    });

    it('with auto.offset.reset=latest reads only records produced after it joined', async () => {
      const topic = unique('latest');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'old' }]);
      const task = new CollectingSinkTask();
      const { runner } = await startRunner(unique('latest'), task, { topics: [topic], fromBeginning: false });
      try {
        await waitFor('the assignment', () => task.opened.length > 0);
        // The runner may still be looking up where to start: produce until one arrives.
        for (let i = 0; task.records.length === 0; i++) {
          if (i === 100) assert.fail('no record produced after the join arrived within 30 s');
          await produce(topic, [{ value: `new-${i}` }]);
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        const values = task.records.map((r) => r.value);
        assert.ok(!values.includes('old'), `the record from before the join was skipped: ${values.join(',')}`);
      } finally {
        await runner.stop();
      }
    });

    it('pause and resume change the state and hold back records until resumed', async () => {
      const topic = unique('paused');
      const connector = unique('paused');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'p0' }]);
      const task = new CollectingSinkTask();
      const { runner, states } = await startRunner(connector, task, { topics: [topic] });
      try {
        await waitFor('the first record', () => task.records.length === 1);
        runner.pause();
        assert.equal(runner.state, 'PAUSED');
        await produce(topic, [{ value: 'p1' }]);
        runner.resume();
        assert.equal(runner.state, 'RUNNING');
        await waitFor('the record produced while paused', () => task.records.length === 2);
        assert.deepEqual(states, ['RUNNING', 'PAUSED', 'RUNNING']);
      } finally {
        await runner.stop();
      }
    });

    it('reports records polled, written, commit latency and partition lag to metrics', async () => {
      const topic = unique('measured');
      const connector = unique('measured');
      await createTopic(topic, 1);
      await produce(topic, [{ value: 'm0' }, { value: 'm1' }, { value: 'm2' }]);
      const registry = new MetricsRegistry();
      const metrics = createTaskMetrics(registry, { connector, task: 0, type: 'sink' });
      const task = new CollectingSinkTask();
      const { runner } = await startRunner(connector, task, { topics: [topic], metrics });
      await waitFor('3 records', () => task.records.length >= 3);
      await runner.stop();
      const text = registry.render();
      const l = `connector="${connector}",task="0"`;
      assert.ok(text.includes(`tributary_task_records_polled_total{${l}} 3\n`), text);
      assert.ok(text.includes(`tributary_task_records_written_total{${l}} 3\n`));
      assert.ok(text.includes(`tributary_task_offset_commit_seconds_count{${l}} 1\n`));
      assert.ok(text.includes(`tributary_sink_partition_lag{${l},topic="${topic}",partition="0"} 0\n`));
    });

    it('does not deliver again the records of a partition it keeps through a rebalance', async () => {
      const topic = unique('kept');
      const connector = unique('kept');
      await createTopic(topic, 2);
      await produce(topic, [
        { value: 'a0', partition: 0 },
        { value: 'b0', partition: 1 },
      ]);
      const taskA = new CollectingSinkTask();
      const a = await startRunner(connector, taskA, { topics: [topic] });
      const taskB = new CollectingSinkTask();
      let b: Harness | null = null;
      try {
        await waitFor('runner A to read both partitions', () => taskA.records.length >= 2);
        // Nothing committed yet: after the rejoin kafkajs restarts A's kept partition at the
        // beginning; the runner must skip what it already put.
        b = await startRunner(connector, taskB, { topics: [topic] });
        await waitFor(
          'the split',
          () => taskA.context?.assignment().length === 1 && taskB.context?.assignment().length === 1,
        );
        const kept = taskA.context?.assignment()[0]?.partition;
        await produce(topic, [{ value: 'late', partition: kept ?? 0 }]);
        await waitFor('the late record', () => taskA.records.some((r) => r.value === 'late'));
        const keptOffsets = taskA.records.filter((r) => r.kafkaPartition === kept).map((r) => r.kafkaOffset);
        assert.deepEqual(keptOffsets, [0, 1]);
        const all = new Set([...taskA.records, ...taskB.records].map((r) => r.value));
        assert.deepEqual([...all].sort(), ['a0', 'b0', 'late']);
      } finally {
        await b?.runner.stop();
        await a.runner.stop();
      }
    });

    it('splits partitions between two runners of one connector and calls close and open on rebalance', async () => {
      const topic = unique('shared');
      const connector = unique('shared');
      await createTopic(topic, 2);
      await produce(topic, [
        { value: 'a0', partition: 0 },
        { value: 'b0', partition: 1 },
      ]);
      const taskA = new CollectingSinkTask();
      const a = await startRunner(connector, taskA, { topics: [topic] });
      const taskB = new CollectingSinkTask();
      let b: Harness | null = null;
      try {
        await waitFor('runner A to read both partitions', () => taskA.records.length >= 2);
        assert.equal(taskA.context?.assignment().length, 2);
        // Commit first: a partition moving to B is read by B from its committed offset, and
        // with nothing committed B could receive a0/b0 again (allowed by at-least-once).
        taskA.context?.requestCommit();
        await waitFor('A to commit', async () => {
          const offsets = await committed(connector, topic);
          return offsets.get(0) === 1 && offsets.get(1) === 1;
        });
        b = await startRunner(connector, taskB, { topics: [topic] });
        await waitFor(
          'the partitions to be split',
          () => taskA.context?.assignment().length === 1 && taskB.context?.assignment().length === 1,
        );
        const ofA = taskA.context?.assignment()[0];
        const ofB = taskB.context?.assignment()[0];
        assert.notEqual(ofA?.partition, ofB?.partition);
        assert.deepEqual(taskA.closed, [[ofB]]);
        assert.deepEqual(taskB.opened, [[ofB]]);
        assert.deepEqual(taskA.flushes.at(-1), [{ topic, partition: ofB?.partition, offset: 1 }]);
        await produce(topic, [
          { value: 'a1', partition: 0 },
          { value: 'b1', partition: 1 },
        ]);
        await waitFor('the new records', () => taskA.records.length + taskB.records.length >= 4);
        const valuesOf = (t: CollectingSinkTask) => t.records.map((r) => r.value);
        assert.deepEqual(valuesOf(taskB), [ofB?.partition === 0 ? 'a1' : 'b1']);
        assert.deepEqual(valuesOf(taskA).sort(), ['a0', 'b0', ofA?.partition === 0 ? 'a1' : 'b1'].sort());
      } finally {
        await b?.runner.stop();
        await a.runner.stop();
      }
      const offsets = await committed(connector, topic);
      assert.deepEqual([offsets.get(0), offsets.get(1)], [2, 2]);
    });
  });
