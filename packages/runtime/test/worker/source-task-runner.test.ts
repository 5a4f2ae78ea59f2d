import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ConnectError,
  type Converter,
  DataError,
  defineConfig,
  defineTransform,
  type Props,
  type RecordMetadata,
  RetriableError,
  Schemas,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  string,
} from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { createWireClient, type KafkaWireClient } from '@tributary/protocol';
import { type Admin, type IHeaders, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { builtinPlugins } from '../../src/builtin-plugins.js';
import { SimpleHeaderConverter } from '../../src/converters/simple-header-converter.js';
import { StringConverter } from '../../src/converters/string-converter.js';
import { createErrorHandler } from '../../src/errors/error-handler.js';
import { errorsConfig } from '../../src/errors/errors-config.js';
import { createRootLogger } from '../../src/logging/root-logger.js';
import { MetricsRegistry } from '../../src/metrics/metrics-registry.js';
import { createTaskMetrics } from '../../src/metrics/task-metrics.js';
import { FileOffsetStore } from '../../src/offsets/file-offset-store.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import { buildTransformChain } from '../../src/plugins/transform-chain.js';
import type { TaskState } from '../../src/task-parts.js';
import { SourceTaskRunner, type SourceTaskRunnerDependencies } from '../../src/worker/source-task-runner.js';
import { createTopicCreator, parseTopicCreationSettings } from '../../src/worker/topic-creator.js';
import { WireRecordSender, wireSenderDecision } from '../../src/worker/wire-record-sender.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let broker: RunningBroker;
let kafka: Kafka;
let producer: Producer;
let admin: Admin;
let dir: string;

before(async () => {
  broker = await startBroker({ port: 0 });
  kafka = new Kafka({
    clientId: 'source-runner-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
  producer = kafka.producer();
  await producer.connect();
  admin = kafka.admin();
  await admin.connect();
  dir = await mkdtemp(path.join(tmpdir(), 'source-runner-'));
});

after(async () => {
  await producer.disconnect();
  await admin.disconnect();
  await broker.stop();
  await rm(dir, { recursive: true, force: true });
});

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const logger = createRootLogger({ level: 'silent' });
const PARTITION = { source: 'numbers' } as const;

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function createTopic(topic: string, partitions: number): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
}

interface Read {
  key: string | null;
  value: string | null;
  partition: number;
  offset: number;
  headers: IHeaders;
}

async function readAll(topic: string, count: number, client = kafka): Promise<Read[]> {
  const consumer = client.consumer({ groupId: unique('reader'), maxWaitTimeInMs: 200, heartbeatInterval: 300 });
  const seen: Read[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        seen.push({
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          partition,
          offset: Number(message.offset),
          headers: message.headers ?? {},
        });
      },
    });
    await waitFor(`${count} records in ${topic}`, () => seen.length >= count);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** Keys spread over the partitions, each where kafkajs's (Java-compatible) default partitioner puts it. */
function assertDefaultPartitioning(topic: string, read: readonly Read[], partitions: number): void {
  assert.equal(new Set(read.map((r) => r.partition)).size, partitions, 'keys spread over the partitions');
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  for (const r of read) {
    const key = Buffer.from(r.key ?? '');
    assert.equal(r.partition, partitioner({ topic, partitionMetadata, message: { key, value: null } }), r.key ?? '');
  }
}

/** Records in the topic (sum of the partitions' end offsets). */
async function topicSize(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

async function storedPosition(file: string, connector: string): Promise<unknown> {
  const store = new FileOffsetStore(file);
  await store.start();
  return store.get(connector, PARTITION)?.['pos'] ?? null;
}

// ---- a real source task: numbered records, resuming from its stored offset ----

interface SourceOptions {
  topic: string;
  /** Records in all; `Infinity` never ends. */
  count: number;
  perPoll: number;
  kafkaPartition?: number | null;
  /** Thrown by the first polls, in order. */
  pollErrors?: Error[];
}

class NumberedSource implements SourceTask {
  next = 0;
  startedFrom = -1;
  polls = 0;
  emitted = 0;
  commits = 0;
  stops = 0;
  props: Props | null = null;
  readonly committed: { record: SourceRecord; metadata: RecordMetadata | null }[] = [];

  constructor(private readonly options: SourceOptions) {}

  async start(props: Props, context: SourceTaskContext): Promise<void> {
    this.props = props;
    const stored = await context.offsetStorageReader.offset(PARTITION);
    this.next = stored === null ? 0 : Number(stored['pos']) + 1;
    this.startedFrom = this.next;
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    this.polls++;
    const error = this.options.pollErrors?.shift();
    if (error !== undefined) throw error;
    if (this.next >= this.options.count) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return [];
    }
    await new Promise((resolve) => setImmediate(resolve));
    // As the contract asks: return early once stopped (records polled after a stop are not produced).
    if (signal.aborted) return [];
    const records: SourceRecord[] = [];
    while (records.length < this.options.perPoll && this.next < this.options.count)
      records.push(this.#record(this.next++));
    this.emitted += records.length;
    return records;
  }

  commit(): void {
    this.commits++;
  }

  commitRecord(record: SourceRecord, metadata: RecordMetadata | null): void {
    this.committed.push({ record, metadata });
  }

  stop(): void {
    this.stops++;
  }

  #record(i: number): SourceRecord {
    return {
      topic: this.options.topic,
      kafkaPartition: this.options.kafkaPartition ?? null,
      keySchema: Schemas.STRING,
      key: `k${i}`,
      valueSchema: Schemas.STRING,
      value: `v${i}`,
      timestamp: 1_700_000_000_000 + i,
      headers: [{ key: 'n', schema: Schemas.INT32, value: i }],
      sourcePartition: PARTITION,
      sourceOffset: { pos: i },
    };
  }
}

/** A transform (plugin as users would write one) failing on one value. */
const failOn = defineTransform({
  name: 'FailOn',
  aliases: [],
  version: '0.0.0',
  description: 'Fails on records whose value is `value`.',
  config: defineConfig({ value: string({ doc: 'The value to fail on.' }) }),
  create: (config) => ({
    apply(record) {
      if (record.value === config.value) throw new DataError(`cannot transform ${String(record.value)}`);
      return record;
    },
  }),
});
const registry = new PluginRegistry([...builtinPlugins, failOn]);

interface Harness {
  runner: SourceTaskRunner;
  metrics: MetricsRegistry;
  states: TaskState[];
  offsetFile: string;
  value(metric: string): number;
}

async function startRunner(
  connector: string,
  task: SourceTask,
  options: {
    offsetFile?: string;
    connectorProps?: Record<string, string>;
    errorsProps?: Record<string, string>;
    overrides?: Partial<SourceTaskRunnerDependencies>;
  } = {},
): Promise<Harness> {
  const offsetFile = options.offsetFile ?? path.join(dir, `${connector}.offsets.json`);
  const offsetStore = new FileOffsetStore(offsetFile);
  await offsetStore.start();
  const metricsRegistry = new MetricsRegistry();
  const metrics = createTaskMetrics(metricsRegistry, { connector, task: 0, type: 'source' });
  const runner = new SourceTaskRunner({
    connectorName: connector,
    taskId: 0,
    task,
    props: { 'task.prop': 'x' },
    keyConverter: new StringConverter({ 'converter.encoding': 'UTF8' }),
    valueConverter: new StringConverter({ 'converter.encoding': 'UTF8' }),
    headerConverter: new SimpleHeaderConverter(),
    transforms: buildTransformChain(options.connectorProps ?? {}, registry),
    producer,
    topicCreator: null,
    offsetStore,
    errorHandler: createErrorHandler({
      connectorName: connector,
      taskId: 0,
      errors: errorsConfig.parse(options.errorsProps ?? {}),
      deadLetterQueue: null,
      producer: null,
      logger,
      metrics,
    }),
    logger,
    metrics,
    offsetFlushIntervalMs: 60_000,
    offsetFlushTimeoutMs: 5_000,
    shutdownTimeoutMs: 10_000,
    ...options.overrides,
  });
  const states: TaskState[] = [];
  runner.onStateChange((state) => states.push(state));
  await runner.start();
  const value = (metric: string) =>
    metricsRegistry.counter(metric, '', ['connector', 'task']).get({ connector, task: 0 });
  return { runner, metrics: metricsRegistry, states, offsetFile, value };
}

describe('SourceTaskRunner', () => {
  it('produces the polled records in order, converted, and hands commitRecord their metadata', async () => {
    const topic = unique('numbers');
    const connector = unique('ordered');
    await createTopic(topic, 1);
    const task = new NumberedSource({ topic, count: 25, perPoll: 10 });
    const h = await startRunner(connector, task);
    await waitFor('25 records committed', () => task.committed.length >= 25);
    await h.runner.stop();

    const read = await readAll(topic, 25);
    assert.deepEqual(
      read.map((r) => r.value),
      Array.from({ length: 25 }, (_, i) => `v${i}`),
    );
    assert.deepEqual(
      read.map((r) => r.key),
      Array.from({ length: 25 }, (_, i) => `k${i}`),
    );
    assert.equal(String(read[7]?.headers['n']), '7');
    for (const [i, { record, metadata }] of task.committed.entries()) {
      assert.equal(record.value, `v${i}`);
      assert.deepEqual(metadata, { topic, partition: 0, offset: i, timestamp: 1_700_000_000_000 + i });
    }
    assert.deepEqual(task.props, { 'task.prop': 'x' });
    assert.equal(h.value('tributary_task_records_polled_total'), 25);
    assert.equal(h.value('tributary_task_records_written_total'), 25);
    assert.deepEqual(h.states, ['RUNNING', 'STOPPED']);
  });

  it('partitions keyed records like Kafka and reports each record exact partition and offset', async () => {
    const topic = unique('spread');
    const connector = unique('spread');
    await createTopic(topic, 3);
    const task = new NumberedSource({ topic, count: 60, perPoll: 20 });
    const h = await startRunner(connector, task, { overrides: { admin } });
    await waitFor('60 records committed', () => task.committed.length >= 60);
    await h.runner.stop();

    const read = await readAll(topic, 60);
    const where = new Map(read.map((r) => [r.key, `${r.partition}@${r.offset}`]));
    assertDefaultPartitioning(topic, read, 3);
    for (const { record, metadata } of task.committed) {
      assert.equal(`${metadata?.partition}@${metadata?.offset}`, where.get(String(record.key)), String(record.key));
    }
    // Per partition, poll order is kept.
    for (const p of [0, 1, 2]) {
      const values = read.filter((r) => r.partition === p).map((r) => Number(r.value?.slice(1)));
      assert.deepEqual(
        values,
        [...values].sort((a, b) => a - b),
      );
    }
  });

  it('flushes offsets every offset.flush.interval.ms and on stop, then calls commit()', async () => {
    const topic = unique('flushed');
    const connector = unique('flushed');
    await createTopic(topic, 1);
    const task = new NumberedSource({ topic, count: 30, perPoll: 7 });
    const h = await startRunner(connector, task, { overrides: { offsetFlushIntervalMs: 50 } });
    await waitFor(
      'offset 29 flushed while running',
      async () => (await storedPosition(h.offsetFile, connector)) === 29,
    );
    await waitFor('commit() after the flush', () => task.commits >= 1);
    assert.equal(h.runner.state, 'RUNNING');
    await h.runner.stop();
    await h.runner.stop();
    assert.equal(task.stops, 1);
    const text = h.metrics.render();
    assert.match(
      text,
      new RegExp(`tributary_task_offset_commit_seconds_count\\{connector="${connector}",task="0"\\} [1-9]`),
    );
  });

  it('resumes after a restart from the offsets flushed at stop, without gaps or duplicates', async () => {
    const topic = unique('resumed');
    const connector = unique('resumed');
    await createTopic(topic, 1);
    const first = new NumberedSource({ topic, count: 30, perPoll: 4 });
    const a = await startRunner(connector, first);
    await waitFor('30 records acknowledged', () => first.committed.length >= 30);
    await a.runner.stop();
    assert.equal(await storedPosition(a.offsetFile, connector), 29);
    assert.equal(first.commits, 1);

    const second = new NumberedSource({ topic, count: 50, perPoll: 4 });
    const b = await startRunner(connector, second, { offsetFile: a.offsetFile });
    assert.equal(second.startedFrom, 30);
    await waitFor('20 more records acknowledged', () => second.committed.length >= 20);
    await b.runner.stop();
    assert.equal(await storedPosition(a.offsetFile, connector), 49);
    const read = await readAll(topic, 50);
    assert.deepEqual(
      read.map((r) => r.value),
      Array.from({ length: 50 }, (_, i) => `v${i}`),
    );
    assert.equal(await topicSize(topic), 50);
  });

  it('skips and counts a record a transform fails on with errors.tolerance=all', async () => {
    const topic = unique('tolerant');
    const connector = unique('tolerant');
    await createTopic(topic, 1);
    const task = new NumberedSource({ topic, count: 6, perPoll: 6 });
    const h = await startRunner(connector, task, {
      connectorProps: { transforms: 'boom', 'transforms.boom.type': 'FailOn', 'transforms.boom.value': 'v3' },
      errorsProps: { 'errors.tolerance': 'all' },
    });
    await waitFor('6 records done', () => task.committed.length >= 6);
    await h.runner.stop();
    const read = await readAll(topic, 5);
    assert.deepEqual(
      read.map((r) => r.value),
      ['v0', 'v1', 'v2', 'v4', 'v5'],
    );
    assert.equal(await topicSize(topic), 5);
    const skipped = task.committed.find((c) => c.record.value === 'v3');
    assert.equal(skipped?.metadata, null);
    assert.equal(h.value('tributary_task_records_failed_total'), 1);
    // A skipped record counts as done: the offset moves past it.
    assert.equal(await storedPosition(h.offsetFile, connector), 5);
    assert.equal(h.runner.state, 'STOPPED');
  });

  it('fails the task with the transform error when errors.tolerance=none, committing only what was sent before', async () => {
    const topic = unique('intolerant');
    const connector = unique('intolerant');
    await createTopic(topic, 1);
    const task = new NumberedSource({ topic, count: 10, perPoll: 10 });
    const h = await startRunner(connector, task, {
      connectorProps: { transforms: 'boom', 'transforms.boom.type': 'FailOn', 'transforms.boom.value': 'v3' },
    });
    await waitFor('FAILED', () => h.runner.state === 'FAILED');
    await h.runner.stop();
    assert.equal(h.runner.state, 'FAILED');
    const failure = h.runner.failure;
    assert.ok(failure instanceof ConnectError);
    assert.equal(failure.message, 'Tolerance exceeded in error handler');
    assert.match(String((failure.cause as Error).message), /boom \(FailOn\).*cannot transform v3/);
    assert.ok(failure.stack?.includes('Tolerance exceeded'));
    assert.deepEqual(h.states, ['RUNNING', 'FAILED']);
    assert.equal(task.stops, 1);
    assert.equal(await topicSize(topic), 3);
    assert.equal(await storedPosition(h.offsetFile, connector), 2);
  });

  it('polls again after a RetriableError and fails on any other poll error', async () => {
    const topic = unique('retried');
    const connector = unique('retried');
    await createTopic(topic, 1);
    const task = new NumberedSource({
      topic,
      count: 3,
      perPoll: 3,
      pollErrors: [new RetriableError('source busy'), new RetriableError('still busy')],
    });
    const h = await startRunner(connector, task);
    await waitFor('3 records acknowledged', () => task.committed.length >= 3);
    assert.equal(h.runner.state, 'RUNNING');
    await h.runner.stop();

    const broken = new Error('source gone');
    const failing = new NumberedSource({ topic, count: 3, perPoll: 3, pollErrors: [broken] });
    const f = await startRunner(unique('broken'), failing);
    await waitFor('FAILED', () => f.runner.state === 'FAILED');
    assert.equal(f.runner.failure, broken);
    await f.runner.stop();
    assert.equal(failing.stops, 1);
  });

  it('stops polling while paused and continues after resume', async () => {
    const topic = unique('paused');
    const connector = unique('paused');
    await createTopic(topic, 1);
    const task = new NumberedSource({ topic, count: Number.POSITIVE_INFINITY, perPoll: 1 });
    const h = await startRunner(connector, task);
    await waitFor('some records', () => task.committed.length >= 5);
    h.runner.pause();
    assert.equal(h.runner.state, 'PAUSED');
    const pollsAtPause = task.polls;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // At most the poll that was already running when pause() was called.
    assert.ok(task.polls <= pollsAtPause + 1, `${task.polls - pollsAtPause} polls while paused`);
    h.runner.resume();
    assert.equal(h.runner.state, 'RUNNING');
    await waitFor('polling again', () => task.polls > pollsAtPause + 3);
    await h.runner.stop();
    assert.deepEqual(h.states, ['RUNNING', 'PAUSED', 'RUNNING', 'STOPPED']);
    // Every polled record was produced and acknowledged before stop() returned.
    assert.equal(h.value('tributary_task_records_written_total'), task.emitted);
    assert.equal(await storedPosition(h.offsetFile, connector), task.emitted - 1);
  });

  it('creates a missing topic per topic.creation.* before producing to it', async () => {
    const topic = unique('created');
    const connector = unique('created');
    const settings = parseTopicCreationSettings({
      'topic.creation.default.replication.factor': '-1',
      'topic.creation.default.partitions': '4',
    });
    assert.ok(settings !== null);
    const used: string[] = [];
    const task = new NumberedSource({ topic, count: 3, perPoll: 3 });
    const h = await startRunner(connector, task, {
      overrides: { topicCreator: createTopicCreator({ admin, settings, logger }), onTopicUsed: (t) => used.push(t) },
    });
    await waitFor('3 records', () => task.committed.length >= 3);
    await h.runner.stop();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(topics[0]?.partitions.length, 4);
    assert.deepEqual(used, [topic]);
  });

  it('awaits asynchronous converters and retries a RetriableError from one, keeping order', async () => {
    const topic = unique('async-conv');
    const connector = unique('async-conv');
    await createTopic(topic, 1);
    const calls = new Map<string, number>();
    const flaky: Converter = {
      async fromConnectData(_topic, _headers, _schema, value) {
        const text = String(value);
        calls.set(text, (calls.get(text) ?? 0) + 1);
        await new Promise((resolve) => setImmediate(resolve));
        if (text === 'v2' && calls.get(text) === 1) throw new RetriableError('registry unavailable');
        return Buffer.from(text.toUpperCase());
      },
      toConnectData: () => ({ schema: null, value: null }),
    };
    const task = new NumberedSource({ topic, count: 5, perPoll: 5 });
    const h = await startRunner(connector, task, {
      errorsProps: { 'errors.retry.timeout': '10000' },
      overrides: { valueConverter: flaky },
    });
    await waitFor('5 records acknowledged', () => task.committed.length >= 5);
    await h.runner.stop();
    const read = await readAll(topic, 5);
    assert.deepEqual(
      read.map((r) => r.value),
      ['V0', 'V1', 'V2', 'V3', 'V4'],
    );
    assert.equal(calls.get('v2'), 2);
    assert.equal(calls.get('v3'), 1);
  });

  it('skips a record whose key cannot be converted with errors.tolerance=all', async () => {
    const topic = unique('bad-key');
    const connector = unique('bad-key');
    await createTopic(topic, 1);
    const strings = new StringConverter({ 'converter.encoding': 'UTF8' });
    const picky: Converter = {
      fromConnectData(t, headers, schema, value) {
        if (value === 'k1') throw new DataError('key k1 is not convertible');
        return strings.fromConnectData(t, headers, schema, value);
      },
      toConnectData: (t, headers, bytes) => strings.toConnectData(t, headers, bytes),
    };
    const task = new NumberedSource({ topic, count: 3, perPoll: 3 });
    const h = await startRunner(connector, task, {
      errorsProps: { 'errors.tolerance': 'all' },
      overrides: { keyConverter: picky },
    });
    await waitFor('3 records done', () => task.committed.length >= 3);
    await h.runner.stop();
    const read = await readAll(topic, 2);
    assert.deepEqual(
      read.map((r) => r.key),
      ['k0', 'k2'],
    );
    assert.equal(await topicSize(topic), 2);
    assert.equal(h.value('tributary_task_records_failed_total'), 1);
    assert.equal(await storedPosition(h.offsetFile, connector), 2);
  });

  it('fails when start() throws, without calling stop()', async () => {
    const task = new NumberedSource({ topic: 'unused', count: 0, perPoll: 1 });
    task.start = async () => {
      throw new ConnectError('cannot connect');
    };
    await assert.rejects(startRunner(unique('nostart'), task), /cannot connect/);
    assert.equal(task.stops, 0);
  });
});

describe('SourceTaskRunner with the protocol client (WireRecordSender)', () => {
  const clients: KafkaWireClient[] = [];
  const wireSender = (options: { metadataWaitMs?: number } = {}) => {
    const client = createWireClient({ bootstrapServers: [broker.bootstrap] });
    clients.push(client);
    return new WireRecordSender(client, { acks: -1, compression: 'none', ...options });
  };
  after(async () => {
    for (const client of clients) await client.close();
  });

  it('chooses the protocol client only for plain producers', () => {
    assert.equal(wireSenderDecision({}).usesWire, true);
    assert.equal(wireSenderDecision({ 'compression.type': 'gzip' }).usesWire, true);
    assert.match(wireSenderDecision({ 'security.protocol': 'SASL_SSL' }).reason, /SASL_SSL/);
    assert.match(wireSenderDecision({ 'enable.idempotence': 'true' }).reason, /idempotence/);
    assert.match(wireSenderDecision({ 'transactional.id': 't' }).reason, /transactional/);
    for (const codec of ['snappy', 'lz4', 'zstd'])
      assert.equal(wireSenderDecision({ 'compression.type': codec }).usesWire, true);
  });

  it('produces records, headers and timestamps as kafkajs reads them, with exact commitRecord metadata', async () => {
    const topic = unique('wire');
    const connector = unique('wire');
    await createTopic(topic, 3);
    const task = new NumberedSource({ topic, count: 60, perPoll: 20 });
    const h = await startRunner(connector, task, { overrides: { wireSender: wireSender() } });
    await waitFor('60 records committed', () => task.committed.length >= 60);
    await h.runner.stop();

    const read = await readAll(topic, 60);
    assert.equal(read.length, 60);
    const where = new Map(read.map((r) => [r.key, `${r.partition}@${r.offset}`]));
    assertDefaultPartitioning(topic, read, 3);
    for (const r of read) assert.equal(String(r.headers['n']), r.value?.slice(1));
    for (const { record, metadata } of task.committed) {
      assert.equal(`${metadata?.partition}@${metadata?.offset}`, where.get(String(record.key)), String(record.key));
      assert.equal(metadata?.timestamp, 1_700_000_000_000 + Number(String(record.value).slice(1)));
    }
    assert.equal(h.value('tributary_task_records_written_total'), 60);
  });

  it('lets the broker auto-create a topic it produces to, as a producer does', async () => {
    const topic = unique('wire-auto');
    const task = new NumberedSource({ topic, count: 5, perPoll: 5 });
    const h = await startRunner(unique('wire-auto'), task, { overrides: { wireSender: wireSender() } });
    await waitFor('5 records committed', () => task.committed.length >= 5);
    await h.runner.stop();
    assert.equal(await topicSize(topic), 5);
  });

  it('fails the task naming the topic when it does not exist and cannot be created', async () => {
    const closed = await startBroker({ port: 0, autoCreateTopics: false });
    const client = createWireClient({ bootstrapServers: [closed.bootstrap] });
    try {
      const topic = unique('wire-missing');
      const task = new NumberedSource({ topic, count: 5, perPoll: 5 });
      const h = await startRunner(unique('wire-missing'), task, {
        overrides: { wireSender: new WireRecordSender(client, { acks: -1, compression: 'none', metadataWaitMs: 200 }) },
      });
      await waitFor('FAILED', () => h.states.includes('FAILED'));
      assert.match(String(h.runner.failure?.message), new RegExp(topic));
      assert.equal(task.committed.length, 0);
      await h.runner.stop();
    } finally {
      await client.close();
      await closed.stop();
    }
  });
});

describe('SourceTaskRunner when Kafka goes away', () => {
  it('stops polling at maxInFlightRecords, fails the task and commits nothing past the last acknowledged record', async () => {
    const lonely = await startBroker({ port: 0 });
    const client = new Kafka({
      clientId: 'source-runner-outage',
      brokers: [lonely.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 300 },
    });
    const outageProducer = client.producer();
    await outageProducer.connect();
    const topic = unique('outage');
    const connector = unique('outage');
    const task = new NumberedSource({ topic, count: Number.POSITIVE_INFINITY, perPoll: 5 });
    const maxInFlightRecords = 20;
    try {
      const h = await startRunner(connector, task, {
        overrides: { producer: outageProducer, maxInFlightRecords, shutdownTimeoutMs: 2_000 },
      });
      await waitFor('records flowing', () => h.value('tributary_task_records_written_total') >= 30);
      await lonely.stop();
      await waitFor('FAILED', () => h.runner.state === 'FAILED');
      await h.runner.stop();
      const written = h.value('tributary_task_records_written_total');
      const unacknowledged = task.emitted - written;
      assert.ok(unacknowledged > 0, 'some records were never acknowledged');
      // poll is not called at the bound; one poll can take it past by at most perPoll − 1.
      assert.ok(unacknowledged <= maxInFlightRecords + 5 - 1, `${unacknowledged} records in flight`);
      assert.match(String(h.runner.failure?.message), /failed to send \d+ record\(s\) to Kafka/);
      // Records are acknowledged in order on one partition: the prefix 0..written−1.
      assert.equal(await storedPosition(h.offsetFile, connector), written - 1);
    } finally {
      await outageProducer.disconnect().catch(() => {});
      await lonely.stop();
    }
  });
});
