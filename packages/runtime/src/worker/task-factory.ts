/**
 * Builds a connector's tasks: per task its converters (the connector's overrides or the
 * worker's), header converter, transform chain, error handler, metrics and logger, then a
 * SourceTaskRunner or SinkTaskRunner — or, for a source task that can hand over record
 * batches unchanged (batch-passthrough.ts), a BatchSourceTaskRunner with its own protocol
 * client. What the tasks of one connector share is opened once per connector start: sources
 * one producer (and an admin client for partition metadata and topic creation), sinks a
 * kafkajs client for their consumers and, with a dead-letter queue, a producer. The configuration given is already resolved (config
 * providers); nothing here keeps or shows it.
 */
import {
  ConfigError,
  type ConfigProblem,
  type ConnectorPlugin,
  type Logger,
  type Props,
  type SinkTask,
  type SourceTask,
} from '@tributary/api';
import { createWireClient, type RecordCompression } from '@tributary/protocol';
import { type Admin, CompressionTypes, type Kafka, Partitioners, type Producer, type ProducerConfig } from 'kafkajs';
import { parseConnectorConfig } from '../config/connector-config.js';
import {
  applyOverrides,
  bootstrapServersOf,
  clientProps,
  consumerConfig,
  producerConfig,
} from '../config/kafka-client.js';
import type { ParsedWorkerConfig } from '../config/worker-config.js';
import { createErrorHandler } from '../errors/error-handler.js';
import { deadLetterQueueConfig, errorsConfig } from '../errors/errors-config.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import { createTaskMetrics } from '../metrics/task-metrics.js';
import { collectProblems } from '../plugins/plugin-config.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { buildConverter, buildHeaderConverter, buildTransformChain } from '../plugins/transform-chain.js';
import type { OffsetStore, TaskRunner, TransformChain } from '../task-parts.js';
import { passthroughDecision, wireClientOptions } from './batch-passthrough.js';
import { BatchSourceTaskRunner } from './batch-source-task-runner.js';
import type { BuiltTask, TaskFactory } from './connector-worker.js';
import { createKafka } from './kafka-clients.js';
import { sinkGroupId } from './sink-offsets.js';
import { SinkTaskRunner } from './sink-task-runner.js';
import { SourceTaskRunner } from './source-task-runner.js';
import { createTopicCreator, parseTopicCreationSettings, type TopicCreator } from './topic-creator.js';
import { logConsumerChoice, wireConsumerDecision } from './wire-fetch.js';
import { logSenderChoice, WireRecordSender, wireSenderDecision } from './wire-record-sender.js';

export interface TaskFactoryOptions {
  readonly connectorName: string;
  readonly plugin: ConnectorPlugin;
  /** The connector configuration, config providers resolved. */
  readonly connectorProps: Props;
  readonly worker: ParsedWorkerConfig;
  readonly registry: PluginRegistry;
  readonly offsetStore: OffsetStore;
  readonly metrics: MetricsRegistry;
  /** The connector's logger, for what the tasks share. */
  readonly logger: Logger;
  readonly taskLogger: (taskId: number) => Logger;
  /** Called when a task first produces to (source) or consumes from (sink) a topic. */
  readonly onTopicUsed: (topic: string) => void;
}

/** Opens what the connector's tasks share; throws (ConfigError naming keys) when the configuration cannot work. */
export async function createTaskFactory(options: TaskFactoryOptions): Promise<TaskFactory> {
  const { connectorProps: props, worker } = options;
  const parsed = parseConnectorConfig(props, options.registry, { overridePolicy: worker.overridePolicy });
  const overrides = applyOverrides(props, worker.overridePolicy);
  const errors = errorsConfig.parse(props);
  const log = options.logger;
  const clients = new SharedClients();
  const clientOptions = { workerProps: worker.props, logger: log };
  const name = options.connectorName;
  try {
    if (options.plugin.kind === 'source') {
      const settings = producerConfig(producerProps(worker, overrides.producer));
      warnIgnored(log, 'producer', settings.ignored);
      const taskProducerProps = clientProps(worker.props, 'producer', overrides.producer);
      // Both task paths produce with the protocol client when the producer settings allow it
      // (batches always do); only otherwise does the connector need a kafkajs producer.
      const senderChoice = wireSenderDecision(taskProducerProps);
      const producer = senderChoice.usesWire
        ? null
        : await clients.producer(
            createKafka({
              ...clientOptions,
              kind: 'producer',
              overrides: overrides.producer,
              clientId: `connector-producer-${name}`,
            }).kafka,
            settings.config,
          );
      const admin = await clients.admin(
        createKafka({
          ...clientOptions,
          kind: 'admin',
          overrides: overrides.admin,
          clientId: `connector-adminclient-${name}`,
        }).kafka,
      );
      const topicCreation = parseTopicCreationSettings(props, worker.config['topic.creation.enable']);
      const topicCreator: TopicCreator | null =
        topicCreation === null ? null : createTopicCreator({ admin, settings: topicCreation, logger: log });
      const plugin = options.plugin;
      return {
        create: async (taskId, taskProps) =>
          build(options, taskId, 'source', (parts) => {
            const task = plugin.task() as SourceTask;
            const decision = passthroughDecision({
              task,
              ...parts.converters,
              converterNames: parts.converterNames,
              transforms: parts.transforms,
              producerProps: taskProducerProps,
            });
            if (task.pollBatches !== undefined || decision.usesBatches) {
              const path = decision.usesBatches ? 'passes record batches through unchanged' : 'uses the record path';
              log.info(
                { task: taskId, reasons: decision.reasons },
                `Task ${name}-${taskId} ${path}: ${decision.reasons.join('; ')}`,
              );
            }
            if (decision.usesBatches) {
              const client = createWireClient(
                wireClientOptions(taskProducerProps, `connector-producer-${name}-${taskId}`),
              );
              const runner = new BatchSourceTaskRunner({
                connectorName: name,
                workerBootstrapServers: bootstrapServersOf(worker.props),
                taskId,
                task,
                props: taskProps,
                producer: client,
                // The batch client has no acks=0 (it needs the base offsets): at least the leader's ack.
                acks: settings.acks === 0 ? 1 : settings.acks,
                topicCreator,
                offsetStore: options.offsetStore,
                logger: parts.logger,
                metrics: parts.metrics,
                ...timing(worker),
                onTopicUsed: options.onTopicUsed,
              });
              return { runner, closesParts: false, close: () => client.close() };
            }
            logSenderChoice(parts.logger, senderChoice);
            const wireClient = senderChoice.usesWire
              ? createWireClient(wireClientOptions(taskProducerProps, `connector-producer-${name}-${taskId}`))
              : null;
            const runner = new SourceTaskRunner({
              connectorName: name,
              workerBootstrapServers: bootstrapServersOf(worker.props),
              taskId,
              task,
              props: taskProps,
              ...parts.converters,
              converterNames: parts.converterNames,
              transforms: parts.transforms,
              producer,
              wireSender:
                wireClient === null
                  ? null
                  : new WireRecordSender(wireClient, {
                      acks: settings.acks,
                      compression: COMPRESSION_NAMES[settings.compression],
                    }),
              sendOptions: { acks: settings.acks, compression: settings.compression },
              admin,
              topicCreator,
              offsetStore: options.offsetStore,
              errorHandler: createErrorHandler({
                connectorName: name,
                taskId,
                errors,
                deadLetterQueue: null,
                producer: null,
                logger: parts.logger,
                metrics: parts.metrics,
              }),
              logger: parts.logger,
              metrics: parts.metrics,
              ...timing(worker),
              onTopicUsed: options.onTopicUsed,
            });
            return wireClient === null
              ? { runner, closesParts: false }
              : { runner, closesParts: false, close: () => wireClient.close() };
          }),
        close: () => clients.close(),
      };
    }

    const plugin = options.plugin;
    const common = parsed.common;
    const dlq = deadLetterQueueConfig.parse(props);
    const dlqTopic = dlq['errors.deadletterqueue.topic.name'];
    const consumerSettings = consumerConfig(consumerProps(worker, overrides.consumer), { groupId: sinkGroupId(name) });
    warnIgnored(log, 'consumer', consumerSettings.ignored);
    const consumerKafka = createKafka({
      ...clientOptions,
      kind: 'consumer',
      overrides: overrides.consumer,
      clientId: `connector-consumer-${name}`,
    }).kafka;
    let dlqProducer: Producer | null = null;
    let dlqAdmin: Admin | null = null;
    if (dlqTopic !== '') {
      const settings = producerConfig(producerProps(worker, overrides.producer));
      dlqProducer = await clients.producer(
        createKafka({
          ...clientOptions,
          kind: 'producer',
          overrides: overrides.producer,
          clientId: `connector-dlq-producer-${name}`,
        }).kafka,
        settings.config,
      );
      dlqAdmin = await clients.admin(
        createKafka({
          ...clientOptions,
          kind: 'admin',
          overrides: overrides.admin,
          clientId: `connector-dlq-adminclient-${name}`,
        }).kafka,
      );
    }
    const topics = common.topics ?? [];
    const topicsRegex = common['topics.regex'] ?? '';
    const taskConsumerProps = clientProps(worker.props, 'consumer', overrides.consumer);
    const fetchChoice = wireConsumerDecision(taskConsumerProps);
    return {
      create: async (taskId, taskProps) =>
        build(options, taskId, 'sink', (parts) => {
          logConsumerChoice(parts.logger, fetchChoice);
          const wireClient = fetchChoice.usesWire
            ? createWireClient(wireClientOptions(taskConsumerProps, `connector-consumer-${name}-${taskId}`))
            : null;
          const runner = new SinkTaskRunner({
            ...(wireClient === null ? {} : { wireClient }),
            workerBootstrapServers: bootstrapServersOf(worker.props),
            connectorName: name,
            taskId,
            task: plugin.task() as SinkTask,
            props: taskProps,
            ...(topicsRegex !== '' ? { topicsRegex: new RegExp(`^(?:${topicsRegex})$`) } : { topics }),
            kafka: consumerKafka,
            consumerConfig: consumerSettings.config,
            fromBeginning: consumerSettings.fromBeginning,
            ...parts.converters,
            transforms: parts.transforms,
            onTopicUsed: options.onTopicUsed,
            errorHandler: createErrorHandler({
              connectorName: name,
              taskId,
              errors,
              deadLetterQueue: dlq,
              producer: dlqProducer,
              admin: dlqAdmin,
              logger: parts.logger,
              metrics: parts.metrics,
            }),
            logger: parts.logger,
            metrics: parts.metrics,
            ...timing(worker),
            pluginNames: {
              connector: plugin.name,
              keyConverter: parts.converterNames.key,
              valueConverter: parts.converterNames.value,
              headerConverter: parts.converterNames.header,
            },
          });
          return wireClient === null
            ? { runner, closesParts: true }
            : { runner, closesParts: true, close: () => wireClient.close() };
        }),
      close: () => clients.close(),
    };
  } catch (err) {
    await clients.close();
    throw err;
  }
}

interface TaskParts {
  readonly converters: {
    readonly keyConverter: ReturnType<typeof buildConverter>['converter'];
    readonly valueConverter: ReturnType<typeof buildConverter>['converter'];
    readonly headerConverter: ReturnType<typeof buildHeaderConverter>['converter'];
  };
  readonly converterNames: { readonly key: string; readonly value: string; readonly header: string };
  readonly transforms: TransformChain;
  readonly logger: Logger;
  readonly metrics: ReturnType<typeof createTaskMetrics>;
}

/** Builds the parts of one task and its runner; `closesParts` tells whether the runner closes converters and transforms itself. */
async function build(
  options: TaskFactoryOptions,
  taskId: number,
  type: 'source' | 'sink',
  createRunner: (parts: TaskParts) => {
    runner: TaskRunner;
    closesParts: boolean;
    /** Releases what only this runner uses (e.g. its own client), after it stopped. */
    close?: () => Promise<void>;
  },
): Promise<BuiltTask> {
  const converterProps = { worker: options.worker.props, connector: options.connectorProps };
  // Every problem at once: a converter and a transform may both be misconfigured.
  const problems: ConfigProblem[] = [];
  const key = collectProblems(() => buildConverter(converterProps, 'key.converter', options.registry), problems);
  const value = collectProblems(() => buildConverter(converterProps, 'value.converter', options.registry), problems);
  const header = collectProblems(() => buildHeaderConverter(converterProps, options.registry), problems);
  const transforms = collectProblems(() => buildTransformChain(options.connectorProps, options.registry), problems);
  if (key === undefined || value === undefined || header === undefined || transforms === undefined) {
    transforms?.close();
    throw new ConfigError(problems, { context: `task ${options.connectorName}-${taskId}` });
  }
  const metrics = createTaskMetrics(options.metrics, { connector: options.connectorName, task: taskId, type });
  const parts: TaskParts = {
    converters: { keyConverter: key.converter, valueConverter: value.converter, headerConverter: header.converter },
    converterNames: { key: key.plugin.name, value: value.plugin.name, header: header.plugin.name },
    transforms,
    logger: options.taskLogger(taskId),
    metrics,
  };
  const { runner, closesParts, close } = createRunner(parts);
  return {
    runner,
    close: async () => {
      metrics.close();
      await close?.();
      if (closesParts) return;
      await key.converter.close?.();
      await value.converter.close?.();
      header.converter.close?.();
      transforms.close();
    },
  };
}

/** kafkajs' compression type → the protocol client's name for it. */
const COMPRESSION_NAMES: Readonly<Record<CompressionTypes, RecordCompression>> = {
  [CompressionTypes.None]: 'none',
  [CompressionTypes.GZIP]: 'gzip',
  [CompressionTypes.Snappy]: 'snappy',
  [CompressionTypes.LZ4]: 'lz4',
  [CompressionTypes.ZSTD]: 'zstd',
};

function warnIgnored(logger: Logger, client: 'producer' | 'consumer', keys: readonly string[]): void {
  if (keys.length > 0) logger.warn({ keys }, `These ${client} settings have no kafkajs equivalent and are ignored`);
}

function timing(worker: ParsedWorkerConfig) {
  return {
    offsetFlushIntervalMs: worker.config['offset.flush.interval.ms'],
    offsetFlushTimeoutMs: worker.config['offset.flush.timeout.ms'],
    shutdownTimeoutMs: worker.config['task.shutdown.graceful.timeout.ms'],
  };
}

function producerProps(
  worker: ParsedWorkerConfig,
  overrides: Readonly<Record<string, string>>,
): Record<string, string> {
  return { ...worker.producer, ...overrides };
}

function consumerProps(
  worker: ParsedWorkerConfig,
  overrides: Readonly<Record<string, string>>,
): Record<string, string> {
  return { ...worker.consumer, ...overrides };
}

/** Producers and admin clients opened for a connector, closed together. */
class SharedClients {
  readonly #closers: (() => Promise<void>)[] = [];

  /**
   * As Kafka's producer, metadata requests may auto-create a missing topic when the broker
   * allows it (the quickstart's source topic is created that way).
   */
  async producer(kafka: Kafka, config: ProducerConfig): Promise<Producer> {
    const producer = kafka.producer({ ...config, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    this.#closers.push(() => producer.disconnect());
    return producer;
  }

  async admin(kafka: Kafka): Promise<Admin> {
    const admin = kafka.admin();
    await admin.connect();
    this.#closers.push(() => admin.disconnect());
    return admin;
  }

  async close(): Promise<void> {
    const closers = this.#closers.splice(0);
    await Promise.allSettled(closers.map((close) => close()));
  }
}
