import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type BatchMetadata,
  defineConfig,
  defineSourceConnector,
  defineTransform,
  int,
  type Props,
  Schemas,
  type SourceBatch,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  string,
} from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { createWireClient, encodeRecordBatch, type KafkaWireClient, readBatchRecords } from '@tributary/protocol';
import { type Admin, type IHeaders, Kafka, logLevel } from 'kafkajs';
import { builtinPlugins } from '../../src/builtin-plugins.js';
import { parseWorkerConfig } from '../../src/config/worker-config.js';
import { ByteArrayConverter } from '../../src/converters/byte-array-converter.js';
import { StringConverter } from '../../src/converters/string-converter.js';
import { createRootLogger } from '../../src/logging/root-logger.js';
import { MetricsRegistry } from '../../src/metrics/metrics-registry.js';
import { createTaskMetrics } from '../../src/metrics/task-metrics.js';
import { FileOffsetStore } from '../../src/offsets/file-offset-store.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import { buildTransformChain } from '../../src/plugins/transform-chain.js';
import { passthroughDecision } from '../../src/worker/batch-passthrough.js';
import {
  BatchSourceTaskRunner,
  type BatchSourceTaskRunnerDependencies,
} from '../../src/worker/batch-source-task-runner.js';
import { SourceTaskRunner } from '../../src/worker/source-task-runner.js';
import { createTaskFactory } from '../../src/worker/task-factory.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let broker: RunningBroker;
let kafka: Kafka;
let admin: Admin;
let client: KafkaWireClient;
let dir: string;

before(async () => {
  // Topics are created by the tests: a produce to a missing one must fail.
  broker = await startBroker({ port: 0, autoCreateTopics: false });
  kafka = new Kafka({
    clientId: 'batch-runner-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
  admin = kafka.admin();
  await admin.connect();
  client = createWireClient({ bootstrapServers: [broker.bootstrap], retryTimeoutMs: 3_000 });
  dir = await mkdtemp(path.join(tmpdir(), 'batch-runner-'));
});

after(async () => {
  await client.close();
  await admin.disconnect();
  await broker.stop();
  await rm(dir, { recursive: true, force: true });
});

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const logger = createRootLogger({ level: 'silent' });

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
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

/** End offset of each partition. */
async function endOffsets(topic: string): Promise<number[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const ends: number[] = [];
  for (const p of offsets) ends[p.partition] = Number(p.high);
  return ends;
}

interface Read {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: IHeaders;
}

async function readAll(topic: string, count: number): Promise<Read[]> {
  const consumer = kafka.consumer({ groupId: unique('reader'), maxWaitTimeInMs: 200, heartbeatInterval: 300 });
  const seen: Read[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        seen.push({
          partition,
          offset: Number(message.offset),
          key: message.key,
          value: message.value,
          timestamp: Number(message.timestamp),
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

// ---- a real source task copying "upstream" partitions, as the mirror does ----------------

/** Record `i` of upstream partition `p`: binary keys and values, nulls, repeated headers. */
function upstreamRecord(p: number, i: number) {
  return {
    key: i % 7 === 3 ? null : Buffer.from([0x00, 0xff, p, i & 0xff, ...Buffer.from(`k${i}`)]),
    value:
      i % 11 === 5
        ? null
        : Buffer.concat([Buffer.from([0xfe, 0x80, p]), Buffer.from(`value ${i} `.repeat(1 + (i % 3)))]),
    timestamp: 1_700_000_000_000 + i * 1000 + p,
    headers: [
      { key: 'h', value: Buffer.from([i & 0xff, 0x00, 0xc3]) },
      { key: 'h', value: Buffer.from('again') },
      { key: 'empty', value: null },
    ],
  };
}

interface CopyOptions {
  topic: string;
  partitions: number;
  /** Records per partition the task emits before it waits for more (`limit` can be raised). */
  limit: number;
  recordsPerBatch: number;
  /** Batches per partition per poll. */
  batchesPerPoll: number;
}

const upstreamPartition = (p: number) => ({ cluster: 'up', partition: p });

class CopySource implements SourceTask {
  readonly next: number[] = [];
  readonly startedFrom: number[] = [];
  readonly committedBatches: { batch: SourceBatch; metadata: BatchMetadata }[] = [];
  commits = 0;
  stops = 0;
  pollBatchCalls = 0;
  pollCalls = 0;
  emittedRecords = 0;
  /** The most records polled and not yet handed to commitBatch when pollBatches was called. */
  maxUnacknowledgedAtPoll = 0;

  constructor(readonly options: CopyOptions) {}

  async start(_props: Props, context: SourceTaskContext): Promise<void> {
    for (let p = 0; p < this.options.partitions; p++) {
      const stored = await context.offsetStorageReader.offset(upstreamPartition(p));
      this.next[p] = stored === null ? 0 : Number(stored['offset']) + 1;
      this.startedFrom[p] = this.next[p] as number;
    }
  }

  async pollBatches(signal: AbortSignal): Promise<SourceBatch[]> {
    this.pollBatchCalls++;
    const committed = this.committedBatches.reduce((n, c) => n + c.batch.recordCount, 0);
    this.maxUnacknowledgedAtPoll = Math.max(this.maxUnacknowledgedAtPoll, this.emittedRecords - committed);
    const batches: SourceBatch[] = [];
    for (let p = 0; p < this.options.partitions; p++) {
      for (let b = 0; b < this.options.batchesPerPoll; b++) {
        const from = this.next[p] as number;
        const to = Math.min(from + this.options.recordsPerBatch, this.options.limit);
        if (to <= from) break;
        batches.push(this.#batch(p, from, to));
        this.next[p] = to;
      }
    }
    if (batches.length === 0) await sleep(20, signal);
    else await new Promise((resolve) => setImmediate(resolve));
    if (signal.aborted) return [];
    this.emittedRecords += batches.reduce((n, b) => n + b.recordCount, 0);
    return batches;
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    this.pollCalls++;
    const batches = await this.pollBatches(signal);
    return batches.flatMap((b) => b.toRecords());
  }

  commitBatch(batch: SourceBatch, metadata: BatchMetadata): void {
    this.committedBatches.push({ batch, metadata });
  }

  commit(): void {
    this.commits++;
  }

  stop(): void {
    this.stops++;
  }

  #batch(p: number, from: number, to: number): SourceBatch {
    const records = [];
    for (let i = from; i < to; i++) records.push(upstreamRecord(p, i));
    // Every other batch gzip-compressed: compressed batches must pass through too.
    const data = encodeRecordBatch(records, {
      compression: (from / this.options.recordsPerBatch) % 2 === 1 ? 'gzip' : 'none',
    });
    const { topic } = this.options;
    const sourcePartition = upstreamPartition(p);
    return {
      topic,
      kafkaPartition: p,
      data,
      recordCount: to - from,
      sourcePartition,
      sourceOffset: { offset: to - 1 },
      toRecords: () =>
        readBatchRecords(data).map(
          (r): SourceRecord => ({
            topic,
            kafkaPartition: p,
            keySchema: Schemas.OPTIONAL_BYTES,
            key: r.key,
            valueSchema: Schemas.OPTIONAL_BYTES,
            value: r.value,
            timestamp: r.timestamp,
            headers: r.headers.map((h) => ({ key: h.key, schema: Schemas.OPTIONAL_BYTES, value: h.value })),
            sourcePartition,
            sourceOffset: { offset: from + r.offset },
          }),
        ),
    };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

interface Harness {
  runner: BatchSourceTaskRunner;
  metrics: MetricsRegistry;
  offsetFile: string;
  value(metric: string): number;
}

async function startRunner(
  connector: string,
  task: SourceTask,
  options: { offsetFile?: string; overrides?: Partial<BatchSourceTaskRunnerDependencies> } = {},
): Promise<Harness> {
  const offsetFile = options.offsetFile ?? path.join(dir, `${connector}.offsets.json`);
  const offsetStore = new FileOffsetStore(offsetFile);
  await offsetStore.start();
  const metricsRegistry = new MetricsRegistry();
  const runner = new BatchSourceTaskRunner({
    connectorName: connector,
    taskId: 0,
    task,
    props: {},
    producer: client,
    topicCreator: null,
    offsetStore,
    logger,
    metrics: createTaskMetrics(metricsRegistry, { connector, task: 0, type: 'source' }),
    offsetFlushIntervalMs: 100,
    offsetFlushTimeoutMs: 5_000,
    shutdownTimeoutMs: 10_000,
    ...options.overrides,
  });
  await runner.start();
  return {
    runner,
    metrics: metricsRegistry,
    offsetFile,
    value: (metric) => metricsRegistry.counter(metric, '', ['connector', 'task']).get({ connector, task: 0 }),
  };
}

async function storedOffsets(file: string, connector: string, partitions: number): Promise<(number | null)[]> {
  const store = new FileOffsetStore(file);
  await store.start();
  const out: (number | null)[] = [];
  for (let p = 0; p < partitions; p++) {
    const offset = store.get(connector, upstreamPartition(p))?.['offset'];
    out.push(offset === undefined ? null : Number(offset));
  }
  return out;
}

function headerValues(headers: IHeaders, key: string): (Buffer | null)[] {
  const value = headers[key];
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => (v === undefined || v === null ? null : Buffer.from(v)));
}

describe('BatchSourceTaskRunner', () => {
  it('produces every batch unchanged: key, value, headers, timestamp and partition arrive byte-identical', async () => {
    const connector = unique('copy');
    const topic = unique('copied');
    await createTopic(topic, 3);
    const task = new CopySource({ topic, partitions: 3, limit: 240, recordsPerBatch: 20, batchesPerPoll: 2 });
    const h = await startRunner(connector, task);
    try {
      const read = await readAll(topic, 720);
      assert.equal(read.length, 720);
      for (const r of read) {
        // A fresh topic: downstream offset = upstream offset.
        const expected = upstreamRecord(r.partition, r.offset);
        assert.deepEqual(r.key, expected.key, `key of ${r.partition}/${r.offset}`);
        assert.deepEqual(r.value, expected.value, `value of ${r.partition}/${r.offset}`);
        assert.equal(r.timestamp, expected.timestamp);
        assert.deepEqual(headerValues(r.headers, 'h'), [expected.headers[0]?.value, expected.headers[1]?.value]);
        assert.deepEqual(headerValues(r.headers, 'empty'), [null]);
      }
      assert.deepEqual(await endOffsets(topic), [240, 240, 240]);
      await waitFor('recordsWritten', () => h.value('tributary_task_records_written_total') === 720);
      assert.equal(h.value('tributary_task_records_polled_total'), 720);
      assert.equal(task.pollCalls, 0, 'poll() is not called on the batch path');
    } finally {
      await h.runner.stop();
    }
    assert.equal(h.runner.state, 'STOPPED');
    assert.equal(task.stops, 1);
  });

  it('calls commitBatch with the base offset the broker gave each batch', async () => {
    const connector = unique('copy');
    const topic = unique('copied');
    await createTopic(topic, 2);
    // Records already in partition 1: its batches land after them.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [0, 1, 2, 3, 4].map((i) => ({ partition: 1, value: `before ${i}` })) });
    await producer.disconnect();
    const task = new CopySource({ topic, partitions: 2, limit: 100, recordsPerBatch: 10, batchesPerPoll: 3 });
    const h = await startRunner(connector, task);
    try {
      await waitFor('commitBatch for every batch', () => task.committedBatches.length === 20);
    } finally {
      await h.runner.stop();
    }
    for (const p of [0, 1]) {
      const committed = task.committedBatches.filter((c) => c.metadata.partition === p);
      assert.deepEqual(
        committed.map((c) => c.metadata),
        Array.from({ length: 10 }, (_, b) => ({ topic, partition: p, baseOffset: b * 10 + (p === 1 ? 5 : 0) })),
      );
      assert.deepEqual(
        committed.map((c) => c.batch.sourceOffset),
        Array.from({ length: 10 }, (_, b) => ({ offset: b * 10 + 9 })),
      );
    }
    assert.deepEqual(await endOffsets(topic), [100, 105]);
  });

  it('commits source offsets only for acknowledged batches and resumes after a restart without gaps or duplicates', async () => {
    const connector = unique('copy');
    const topic = unique('copied');
    await createTopic(topic, 2);
    const offsetFile = path.join(dir, `${connector}.offsets.json`);
    const options = { topic, partitions: 2, limit: 300, recordsPerBatch: 25, batchesPerPoll: 1 };
    const first = new CopySource(options);
    const h1 = await startRunner(connector, first, { offsetFile });
    let checks = 0;
    try {
      await waitFor('the first 300 records per partition, committed', async () => {
        // Read the topic before the offsets: a stored offset must point at a written record.
        const ends = await endOffsets(topic);
        const stored = await storedOffsets(offsetFile, connector, 2);
        for (let p = 0; p < 2; p++) {
          const offset = stored[p] ?? null;
          if (offset !== null)
            assert.ok(offset < (ends[p] ?? 0), `stored offset ${offset} of partition ${p} is written`);
        }
        checks++;
        return stored.every((o) => o === 299) && first.commits > 0;
      });
    } finally {
      await h1.runner.stop();
    }
    assert.ok(checks > 0);
    assert.deepEqual(await storedOffsets(offsetFile, connector, 2), [299, 299]);

    const second = new CopySource({ ...options, limit: 500 });
    const h2 = await startRunner(connector, second, { offsetFile });
    try {
      assert.deepEqual(second.startedFrom, [300, 300]);
      await waitFor('500 records per partition', async () => (await endOffsets(topic)).every((e) => e === 500));
    } finally {
      await h2.runner.stop();
    }
    assert.deepEqual(await storedOffsets(offsetFile, connector, 2), [499, 499]);
    const read = await readAll(topic, 1000);
    for (const p of [0, 1]) {
      const offsets = read.filter((r) => r.partition === p).map((r) => r.offset);
      assert.deepEqual(
        offsets.sort((a, b) => a - b),
        Array.from({ length: 500 }, (_, i) => i),
      );
      for (const r of read.filter((x) => x.partition === p))
        assert.deepEqual(r.value, upstreamRecord(p, r.offset).value);
    }
  });

  it('stops polling while too many records are unacknowledged and goes on as acknowledgements come in', async () => {
    const connector = unique('copy');
    const topic = unique('copied');
    await createTopic(topic, 1);
    const task = new CopySource({ topic, partitions: 1, limit: 2000, recordsPerBatch: 100, batchesPerPoll: 1 });
    const h = await startRunner(connector, task, { overrides: { maxInFlightRecords: 100, maxInFlightBytes: 1024 } });
    try {
      await waitFor('2000 records', async () => (await endOffsets(topic))[0] === 2000);
    } finally {
      await h.runner.stop();
    }
    assert.equal(task.committedBatches.length, 20);
    // Each poll returns 100 records: with the limit at 100, it is called only once all are acknowledged.
    assert.equal(task.maxUnacknowledgedAtPoll, 0);
    assert.deepEqual(
      task.committedBatches.map((c) => c.metadata.baseOffset),
      Array.from({ length: 20 }, (_, i) => i * 100),
    );
  });

  it('fails the task with an error naming the topic when the topic does not exist and auto-creation is off', async () => {
    const connector = unique('copy');
    const topic = unique('missing');
    const task = new CopySource({ topic, partitions: 1, limit: 10, recordsPerBatch: 10, batchesPerPoll: 1 });
    const h = await startRunner(connector, task);
    try {
      await waitFor('the task to fail', () => h.runner.state === 'FAILED');
      const failure = h.runner.failure;
      assert.ok(failure !== null);
      assert.match(failure.message, new RegExp(topic));
      assert.match(failure.message, /failed to produce/);
      assert.equal(task.committedBatches.length, 0);
    } finally {
      await h.runner.stop();
    }
    assert.equal(task.stops, 1);
    assert.deepEqual(await storedOffsets(h.offsetFile, connector, 1), [null]);
  });
});

// ---- which runner the task factory picks ---------------------------------------------------

const copySource = defineSourceConnector({
  name: 'copy-source',
  aliases: [],
  version: '0.0.1',
  description: 'Copies generated upstream partitions as record batches (tests).',
  config: defineConfig({
    topic: string({ doc: 'Target topic.' }),
    partitions: int({ default: 1, doc: 'Partitions.' }),
    limit: int({ default: 50, doc: 'Records per partition.' }),
  }),
  connector: () => {
    let props: Props = {};
    return {
      start: (_config, p) => {
        props = p;
      },
      taskConfigs: () => [props],
      stop: () => {},
    };
  },
  task: () => {
    let inner: CopySource | null = null;
    return {
      start(props: Props, context: SourceTaskContext) {
        inner = new CopySource({
          topic: props['topic'] ?? '',
          partitions: Number(props['partitions'] ?? 1),
          limit: Number(props['limit'] ?? 50),
          recordsPerBatch: 10,
          batchesPerPoll: 1,
        });
        return inner.start(props, context);
      },
      pollBatches: (signal: AbortSignal) => inner?.pollBatches(signal) ?? Promise.resolve([]),
      poll: (signal: AbortSignal) => inner?.poll(signal) ?? Promise.resolve([]),
      commitBatch: (batch: SourceBatch, metadata: BatchMetadata) => inner?.commitBatch(batch, metadata),
      stop: () => inner?.stop(),
    };
  },
});

/** A transform that changes nothing, so that only its presence matters. */
const unchanged = defineTransform({
  name: 'Unchanged',
  aliases: [],
  version: '0.0.0',
  description: 'Returns every record as it is.',
  config: defineConfig({}),
  create: () => ({ apply: (record) => record }),
});

describe('task factory: the batch path or the record path', () => {
  const registry = new PluginRegistry([...builtinPlugins, copySource, unchanged]);
  const BYTES = 'org.apache.kafka.connect.converters.ByteArrayConverter';

  async function runThroughFactory(connectorProps: Record<string, string>, topic: string) {
    const offsetFile = path.join(dir, `${unique('factory')}.offsets.json`);
    const worker = parseWorkerConfig(
      {
        'bootstrap.servers': broker.bootstrap,
        'key.converter': BYTES,
        'value.converter': BYTES,
        'offset.storage.file.filename': offsetFile,
        'offset.flush.interval.ms': '100',
      },
      'test worker',
    );
    const offsetStore = new FileOffsetStore(offsetFile);
    await offsetStore.start();
    const name = unique('factory');
    const props = { name, 'connector.class': 'copy-source', topic, partitions: '2', limit: '50', ...connectorProps };
    const factory = await createTaskFactory({
      connectorName: name,
      plugin: copySource,
      connectorProps: props,
      worker,
      registry,
      offsetStore,
      metrics: new MetricsRegistry(),
      logger,
      taskLogger: () => logger,
      onTopicUsed: () => {},
    });
    const built = await factory.create(0, props);
    try {
      await built.runner.start();
      const read = await readAll(topic, 100);
      assert.equal(read.length, 100);
      return { runner: built.runner, read };
    } finally {
      await built.runner.stop();
      await built.close();
      await factory.close();
      await offsetStore.stop();
    }
  }

  it('passes batches through with ByteArray converters and no transforms', async () => {
    const topic = unique('factory-batches');
    await createTopic(topic, 2);
    const { runner, read } = await runThroughFactory({}, topic);
    assert.ok(runner instanceof BatchSourceTaskRunner);
    for (const r of read) assert.deepEqual(r.value, upstreamRecord(r.partition, r.offset).value);
  });

  it('takes the record path when a transform is configured, and the records still arrive', async () => {
    const topic = unique('factory-transform');
    await createTopic(topic, 2);
    const { runner, read } = await runThroughFactory(
      { transforms: 'same', 'transforms.same.type': 'Unchanged' },
      topic,
    );
    assert.ok(runner instanceof SourceTaskRunner);
    for (const r of read) {
      assert.deepEqual(r.key, upstreamRecord(r.partition, r.offset).key);
      assert.deepEqual(r.value, upstreamRecord(r.partition, r.offset).value);
    }
  });

  it('takes the record path when a converter is not ByteArrayConverter, and the records still arrive', async () => {
    const topic = unique('factory-converter');
    await createTopic(topic, 2);
    const { runner } = await runThroughFactory(
      { 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false' },
      topic,
    );
    assert.ok(runner instanceof SourceTaskRunner);
  });

  it('names every reason a task does not pass batches through', () => {
    const decision = passthroughDecision({
      task: { start() {}, poll: async () => [], stop() {} },
      keyConverter: new ByteArrayConverter(),
      valueConverter: new StringConverter({ 'converter.encoding': 'UTF8' }),
      converterNames: { key: 'ByteArrayConverter', value: 'StringConverter' },
      transforms: buildTransformChain({}, registry),
      producerProps: { 'security.protocol': 'SASL_SSL' },
    });
    assert.equal(decision.usesBatches, false);
    assert.deepEqual(decision.reasons, [
      'the task has no pollBatches()',
      'value.converter is StringConverter, not ByteArrayConverter',
      'security.protocol is SASL_SSL; the batch client speaks PLAINTEXT only',
    ]);
    const eligible = passthroughDecision({
      task: new CopySource({ topic: 't', partitions: 1, limit: 1, recordsPerBatch: 1, batchesPerPoll: 1 }),
      keyConverter: new ByteArrayConverter(),
      valueConverter: new ByteArrayConverter(),
      converterNames: { key: 'ByteArrayConverter', value: 'ByteArrayConverter' },
      transforms: buildTransformChain({}, registry),
      producerProps: { 'security.protocol': 'plaintext' },
    });
    assert.equal(eligible.usesBatches, true);
  });
});
