// The runtime's public surface: what the CLI, the testkit and embedding applications use.
// Connectors compile against @tributary/api, not against this package.

// Plugins that ship with the runtime
export { builtinPlugins } from './builtin-plugins.js';
// Configuration
export { clientSecurityConfig, parseJaasConfig } from './config/client-security.js';
export {
  type ConfigProviders,
  createConfigProviders,
  hasProviderReference,
  keysFromProviders,
} from './config/config-providers.js';
export {
  connectorConfig,
  connectorValidation,
  parseConnectorConfig,
  sinkConnectorConfig,
  sourceConnectorConfig,
  validateConnectorConfig,
} from './config/connector-config.js';
export { type ConnectorFile, loadConnectorFile } from './config/connector-file.js';
export {
  applyOverrides,
  type ClientKind,
  type ConsumerSettings,
  clientProps,
  consumerConfig,
  isOverrideAllowed,
  kafkaConfig,
  type ProducerSettings,
  producerConfig,
} from './config/kafka-client.js';
export { parseProperties, readPropertiesFile } from './config/properties.js';
export {
  OVERRIDE_POLICIES,
  type OverridePolicy,
  type ParsedWorkerConfig,
  parseWorkerConfig,
  type StandaloneWorkerConfigValues,
  standaloneWorkerConfig,
  type WorkerConfigValues,
  workerConfig,
} from './config/worker-config.js';
export { fileStreamSink, fileStreamSinkConfig } from './connectors/file-stream/file-stream-sink.js';
export { fileStreamSource, fileStreamSourceConfig } from './connectors/file-stream/file-stream-source.js';
// Converters
export {
  ByteArrayConverter,
  byteArrayConverter,
  byteArrayHeaderConverter,
  doubleConverter,
  floatConverter,
  integerConverter,
  JsonConverter,
  type JsonConverterConfig,
  jsonConverter,
  jsonConverterConfig,
  jsonHeaderConverter,
  longConverter,
  NumberConverter,
  SimpleHeaderConverter,
  StringConverter,
  type StringConverterConfig,
  shortConverter,
  simpleHeaderConverter,
  stringConverter,
  stringConverterConfig,
  stringHeaderConverter,
} from './converters/index.js';
// Error handling
export { type Clock, systemClock } from './errors/clock.js';
export { ERROR_HEADER_PREFIX } from './errors/dead-letter-queue.js';
export { createErrorHandler, type ErrorHandlerOptions } from './errors/error-handler.js';
export {
  type DeadLetterQueueConfig,
  deadLetterQueueConfig,
  type ErrorsConfig,
  errorsConfig,
} from './errors/errors-config.js';
// Contracts between the runtime's parts
export {
  type ConfigInfo,
  type ConfigInfos,
  ConflictError,
  type ConnectorInfo,
  type ConnectorOffset,
  type ConnectorState,
  type ConnectorStateInfo,
  type ConnectorTaskId,
  type ConnectorType,
  type Herder,
  type PluginDescription,
  type RestartRequest,
  type TargetState,
  type TaskInfo,
  type TaskStatus,
} from './herder.js';
// Logging and metrics
export { type Log4jLevel, type LoggerLevel, LoggerLevels, ROOT_LOGGER, toPinoLevel } from './logging/logger-levels.js';
export {
  createRootLogger,
  HIDDEN,
  loggerFor,
  REDACT_PATHS,
  type RootLoggerOptions,
  redact,
  SECRET_KEYS,
} from './logging/root-logger.js';
export {
  Counter,
  Gauge,
  Histogram,
  type Labels,
  MetricsRegistry,
  PROMETHEUS_CONTENT_TYPE,
} from './metrics/metrics-registry.js';
export { createTaskMetrics, type TaskMetricsHandle } from './metrics/task-metrics.js';
// Offsets
export {
  FileOffsetStore,
  type OffsetEntry,
  parseOffsetFile,
  readOffsetFile,
  writeOffsetFile,
} from './offsets/file-offset-store.js';
export { createOffsetStorageReader } from './offsets/offset-storage-reader.js';
// Plugins
export { PluginRegistry } from './plugins/registry.js';
export {
  buildConverter,
  buildHeaderConverter,
  buildTransformChain,
  TransformError,
} from './plugins/transform-chain.js';
// REST API
export type { LoggerLevelsLike, RestLoggerLevel } from './rest/admin-loggers-routes.js';
export type { BasicAuthCredentials } from './rest/basic-auth.js';
export {
  type Listener,
  parseListeners,
  type RestServer,
  type RestServerOptions,
  startRestServer,
} from './rest/rest-server.js';
export type {
  ConsumedRecord,
  ErrorHandler,
  OffsetStore,
  OperationContext,
  Outcome,
  Stage,
  TaskMetrics,
  TaskRunner,
  TaskState,
  TransformChain,
} from './task-parts.js';
export {
  type BatchProducer,
  BatchSourceTaskRunner,
  type BatchSourceTaskRunnerDependencies,
} from './worker/batch-source-task-runner.js';
// Task loops and the standalone worker
export { type RunStandaloneOptions, runStandalone, type StandaloneHandle } from './worker/run-standalone.js';
export { sinkGroupId } from './worker/sink-offsets.js';
export { SinkTaskRunner, type SinkTaskRunnerDeps } from './worker/sink-task-runner.js';
export { SourceTaskRunner, type SourceTaskRunnerDependencies } from './worker/source-task-runner.js';
export { StandaloneHerder, type StandaloneHerderOptions } from './worker/standalone-herder.js';
export {
  createTopicCreator,
  parseTopicCreationSettings,
  type TopicCreationGroup,
  type TopicCreationSettings,
  type TopicCreator,
} from './worker/topic-creator.js';
