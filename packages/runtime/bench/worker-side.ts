/**
 * The worker's side of the bench: a SourceTaskRunner or SinkTaskRunner assembled from the
 * same parts the standalone worker gives its tasks (converters from the registry, empty
 * transform chain, error handler, file offset store, metrics, kafkajs clients built from
 * worker properties), around a trivial task.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@tributary/api';
import { createWireClient } from '@tributary/protocol';
import { builtinPlugins } from '../dist/builtin-plugins.js';
import {
  type ConsumerSettings,
  consumerConfig,
  type ProducerSettings,
  producerConfig,
} from '../dist/config/kafka-client.js';
import { createErrorHandler } from '../dist/errors/error-handler.js';
import { deadLetterQueueConfig, errorsConfig } from '../dist/errors/errors-config.js';
import { createRootLogger } from '../dist/logging/root-logger.js';
import { MetricsRegistry } from '../dist/metrics/metrics-registry.js';
import { createTaskMetrics } from '../dist/metrics/task-metrics.js';
import { FileOffsetStore } from '../dist/offsets/file-offset-store.js';
import { PluginRegistry } from '../dist/plugins/registry.js';
import { buildConverter, buildHeaderConverter, buildTransformChain } from '../dist/plugins/transform-chain.js';
import type { TaskMetrics, TaskRunner } from '../dist/task-parts.js';
import { createKafka } from '../dist/worker/kafka-clients.js';
import { sinkGroupId } from '../dist/worker/sink-offsets.js';
import { SinkTaskRunner } from '../dist/worker/sink-task-runner.js';
import { SourceTaskRunner } from '../dist/worker/source-task-runner.js';
import type { TrivialSink, TrivialSource } from './trivial-tasks.js';

export interface WorkerBench {
  readonly bootstrap: string;
  readonly offsetsFile: string;
}

const CONVERTERS = {
  bytes: 'org.apache.kafka.connect.converters.ByteArrayConverter',
  string: 'org.apache.kafka.connect.storage.StringConverter',
} as const;

const TIMING = { offsetFlushIntervalMs: 60_000, offsetFlushTimeoutMs: 5_000, shutdownTimeoutMs: 5_000 };

/** The worker's default producer and consumer settings (also given to the raw clients). */
export function clientSettings(): { producer: ProducerSettings; consumer: ConsumerSettings } {
  return { producer: producerConfig({}), consumer: consumerConfig({}, { groupId: 'bench' }) };
}

function logger(): Logger {
  return createRootLogger({ level: process.env['BENCH_LOG_LEVEL'] ?? 'silent', destination: 2 });
}

function parts(side: WorkerBench, converter: 'bytes' | 'string', connector: string, type: 'source' | 'sink') {
  const workerProps = {
    'bootstrap.servers': side.bootstrap,
    'key.converter': CONVERTERS[converter],
    'value.converter': CONVERTERS[converter],
    'offset.storage.file.filename': side.offsetsFile,
  };
  const registry = new PluginRegistry(builtinPlugins);
  const props = { worker: workerProps, connector: {} };
  const log = logger();
  const metrics = createTaskMetrics(new MetricsRegistry(), { connector, task: 0, type });
  return {
    workerProps,
    log,
    metrics,
    keyConverter: buildConverter(props, 'key.converter', registry).converter,
    valueConverter: buildConverter(props, 'value.converter', registry).converter,
    headerConverter: buildHeaderConverter(props, registry).converter,
    transforms: buildTransformChain({}, registry),
  };
}

/** Resolves once `target` records were written; rejects if the runner fails. */
function written(
  runner: TaskRunner,
  inner: TaskMetrics,
  target: number,
): { metrics: TaskMetrics; done: Promise<void> } {
  let count = 0;
  let resolve: () => void = () => {};
  let reject: (err: Error) => void = () => {};
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  runner.onStateChange((state, failure) => {
    if (state === 'FAILED') reject(failure ?? new Error('the task failed'));
  });
  const metrics: TaskMetrics = {
    recordsPolled: (n) => inner.recordsPolled(n),
    recordsWritten: (n) => {
      inner.recordsWritten(n);
      count += n;
      if (count >= target) resolve();
    },
    recordsFailed: (n) => inner.recordsFailed(n),
    offsetCommit: (ms, ok) => inner.offsetCommit(ms, ok),
    sinkLag: (t, p, lag) => inner.sinkLag(t, p, lag),
  };
  return { metrics, done };
}

/** Seconds from `start()` until the broker acknowledged every record. */
export async function runSourceRunner(
  side: WorkerBench,
  source: TrivialSource,
  options: { readonly acks: -1 | 1 },
): Promise<number> {
  const connector = `bench-source-${randomUUID()}`;
  const p = parts(side, source.converter, connector, 'source');
  const settings = producerConfig({ acks: String(options.acks) });
  const producerKafka = createKafka({
    workerProps: p.workerProps,
    kind: 'producer',
    clientId: `connector-producer-${connector}`,
    logger: p.log,
  }).kafka;
  const adminKafka = createKafka({
    workerProps: p.workerProps,
    kind: 'admin',
    clientId: `connector-adminclient-${connector}`,
    logger: p.log,
  }).kafka;
  const producer = producerKafka.producer(settings.config);
  const admin = adminKafka.admin();
  await producer.connect();
  await admin.connect();
  const offsetStore = new FileOffsetStore(side.offsetsFile);
  await offsetStore.start();
  let counted: { metrics: TaskMetrics; done: Promise<void> } | null = null;
  const metrics: TaskMetrics = {
    recordsPolled: (n) => counted?.metrics.recordsPolled(n),
    recordsWritten: (n) => counted?.metrics.recordsWritten(n),
    recordsFailed: (n) => counted?.metrics.recordsFailed(n),
    offsetCommit: (ms, ok) => counted?.metrics.offsetCommit(ms, ok),
    sinkLag: (t, pa, lag) => counted?.metrics.sinkLag(t, pa, lag),
  };
  const runner = new SourceTaskRunner({
    connectorName: connector,
    taskId: 0,
    task: source.task,
    props: {},
    keyConverter: p.keyConverter,
    valueConverter: p.valueConverter,
    headerConverter: p.headerConverter,
    transforms: p.transforms,
    producer,
    sendOptions: { acks: settings.acks, compression: settings.compression },
    admin,
    topicCreator: null,
    offsetStore,
    errorHandler: createErrorHandler({
      connectorName: connector,
      taskId: 0,
      errors: errorsConfig.parse({}),
      deadLetterQueue: null,
      producer: null,
      logger: p.log,
      metrics: p.metrics,
    }),
    logger: p.log,
    metrics,
    ...TIMING,
  });
  counted = written(runner, p.metrics, source.count);
  try {
    const started = process.hrtime.bigint();
    await runner.start();
    await counted.done;
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    await runner.stop();
    p.metrics.close();
    await producer.disconnect();
    await admin.disconnect();
    await offsetStore.stop();
  }
}

/** Seconds from the first `put` to the last record (the sink task measures it). */
export async function runSinkRunner(
  side: WorkerBench,
  sink: TrivialSink,
  topic: string,
  options: { readonly converter: 'bytes' | 'string'; readonly fetch: 'protocol' | 'kafkajs' },
): Promise<number> {
  const connector = `bench-sink-${randomUUID()}`;
  // The worker fetches with the protocol client on a PLAINTEXT cluster (wireConsumerDecision).
  const wireClient = options.fetch === 'protocol' ? createWireClient({ bootstrapServers: [side.bootstrap] }) : null;
  const p = parts(side, options.converter, connector, 'sink');
  const settings = consumerConfig({}, { groupId: sinkGroupId(connector) });
  const kafka = createKafka({
    workerProps: p.workerProps,
    kind: 'consumer',
    clientId: `connector-consumer-${connector}`,
    logger: p.log,
  }).kafka;
  const runner = new SinkTaskRunner({
    connectorName: connector,
    taskId: 0,
    task: sink.task,
    props: {},
    topics: [topic],
    kafka,
    ...(wireClient === null ? {} : { wireClient }),
    consumerConfig: settings.config,
    keyConverter: p.keyConverter,
    valueConverter: p.valueConverter,
    headerConverter: p.headerConverter,
    transforms: p.transforms,
    errorHandler: createErrorHandler({
      connectorName: connector,
      taskId: 0,
      errors: errorsConfig.parse({}),
      deadLetterQueue: deadLetterQueueConfig.parse({}),
      producer: null,
      logger: p.log,
      metrics: p.metrics,
    }),
    logger: p.log,
    metrics: p.metrics,
    ...TIMING,
  });
  const failed = new Promise<never>((_, reject) =>
    runner.onStateChange((state, failure) => {
      if (state === 'FAILED') reject(failure ?? new Error('the sink task failed'));
    }),
  );
  try {
    await runner.start();
    return await Promise.race([sink.elapsedSeconds, failed]);
  } finally {
    await runner.stop();
    await wireClient?.close();
    p.metrics.close();
  }
}
