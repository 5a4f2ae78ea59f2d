/**
 * Kafka client properties → kafkajs options. A task's client properties are built as Kafka
 * Connect builds them, lowest precedence first: `bootstrap.servers` and the security keys
 * of the worker, then the worker's `producer.` / `consumer.` / `admin.`
 * sub-map, then the connector's `producer.override.` / `consumer.override.` /
 * `admin.override.` keys (checked against the worker's override policy by
 * `applyOverrides`).
 *
 * kafkajs lacks some Kafka settings; those that have no meaning here are returned in
 * `ignored` so the caller can warn about them.
 */
import { ConfigError, type ConfigProblem } from '@tributary/api';
import { canCompress } from '@tributary/protocol';
import {
  CompressionTypes,
  type ConsumerConfig,
  type KafkaConfig,
  type ProducerConfig,
  type RetryOptions,
} from 'kafkajs';
import { clientSecurity, clientSecurityConfig } from './client-security.js';
import { type OverridePolicy, subMap } from './worker-config.js';

export type ClientKind = 'producer' | 'consumer' | 'admin';

/**
 * Worker keys every client inherits. Not `client.id`: task clients get their own
 * (`connector-producer-<connector>-<task>`) unless `producer.client.id` sets one.
 */
const INHERITED = ['bootstrap.servers', ...Object.keys(clientSecurityConfig.keys)];

/** The merged client properties for one client kind. */
export function clientProps(
  workerProps: Readonly<Record<string, string>>,
  kind: ClientKind,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of INHERITED) {
    const value = workerProps[key];
    if (value !== undefined) out[key] = value;
  }
  return { ...out, ...subMap(workerProps, `${kind}.`), ...overrides };
}

/** Connection options: brokers, client id, TLS, SASL, timeouts. */
export function kafkaConfig(
  props: Readonly<Record<string, string>>,
  options: { readonly clientId?: string } = {},
): KafkaConfig {
  const problems: ConfigProblem[] = [];
  const brokers = bootstrapServersOf(props);
  if (brokers.length === 0)
    problems.push({ key: 'bootstrap.servers', value: props['bootstrap.servers'], message: 'No brokers given' });
  let security = {};
  try {
    security = clientSecurity(clientSecurityConfig.parse(props));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  const requestTimeout = optionalInt(props, 'request.timeout.ms', problems);
  const connectionTimeout = optionalInt(props, 'socket.connection.setup.timeout.ms', problems);
  const retry = retryOptions(props, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const clientId = props['client.id']?.trim() || options.clientId;
  return {
    brokers,
    ...(clientId === undefined || clientId === '' ? {} : { clientId }),
    ...security,
    ...(requestTimeout === undefined ? {} : { requestTimeout }),
    ...(connectionTimeout === undefined ? {} : { connectionTimeout }),
    ...(retry === undefined ? {} : { retry }),
  };
}

/** What a producer needs: kafkajs `ProducerConfig` plus the per-send options kafkajs takes on `send`. */
export interface ProducerSettings {
  readonly config: ProducerConfig;
  /** `acks` of every `send`: -1 (all, Connect's default), 0 or 1. */
  readonly acks: -1 | 0 | 1;
  readonly compression: CompressionTypes;
  /** `linger.ms`: how long the runtime may wait to fill a batch (kafkajs has no linger). */
  readonly lingerMs: number;
  /** `batch.size`: the most bytes the runtime puts in one send. */
  readonly batchSizeBytes: number;
  readonly ignored: readonly string[];
}

const PRODUCER_KEYS = new Set([
  'acks',
  'retries',
  'retry.backoff.ms',
  'retry.backoff.max.ms',
  'max.in.flight.requests.per.connection',
  'linger.ms',
  'batch.size',
  'compression.type',
  'enable.idempotence',
  'transactional.id',
  'transaction.timeout.ms',
  'metadata.max.age.ms',
  'request.timeout.ms',
  'socket.connection.setup.timeout.ms',
]);

/** `compression.type` values; zstd only where this Node.js can write it (node:zlib, Node.js ≥ 22.15). */
const COMPRESSION: Readonly<Record<string, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  ...(canCompress(CompressionTypes.ZSTD) ? { zstd: CompressionTypes.ZSTD } : {}),
};

/**
 * Producer options. Connect's task defaults apply: `acks=all`, one request in flight per
 * connection (ordering survives retries), no idempotence unless `enable.idempotence=true`.
 * `compression.type`: none, gzip, snappy, lz4, and zstd on Node.js ≥ 22.15 (the protocol
 * package's codecs, which kafkajs is given too: see worker/kafka-clients.ts).
 */
export function producerConfig(props: Readonly<Record<string, string>>): ProducerSettings {
  const problems: ConfigProblem[] = [];
  const acksRaw = (props['acks'] ?? 'all').trim().toLowerCase();
  const acks = acksRaw === 'all' || acksRaw === '-1' ? -1 : acksRaw === '1' ? 1 : acksRaw === '0' ? 0 : undefined;
  if (acks === undefined) problems.push({ key: 'acks', value: props['acks'], message: 'Must be all, -1, 0 or 1' });
  const compressionRaw = (props['compression.type'] ?? 'none').trim().toLowerCase();
  const compression = COMPRESSION[compressionRaw];
  if (compression === undefined)
    problems.push({
      key: 'compression.type',
      value: props['compression.type'],
      message: `Must be one of ${Object.keys(COMPRESSION).join(', ')}${COMPRESSION['zstd'] === undefined ? ' (zstd needs Node.js ≥ 22.15)' : ''}`,
    });
  const idempotent = optionalBoolean(props, 'enable.idempotence', problems) ?? false;
  if (idempotent && acks !== -1)
    problems.push({ key: 'acks', value: props['acks'], message: 'enable.idempotence=true requires acks=all' });
  const maxInFlightRequests = optionalInt(props, 'max.in.flight.requests.per.connection', problems) ?? 1;
  const transactionTimeout = optionalInt(props, 'transaction.timeout.ms', problems);
  const metadataMaxAge = optionalInt(props, 'metadata.max.age.ms', problems);
  const lingerMs = optionalInt(props, 'linger.ms', problems) ?? 0;
  const batchSizeBytes = optionalInt(props, 'batch.size', problems) ?? 16_384;
  const retry = retryOptions(props, problems);
  const transactionalId = props['transactional.id']?.trim();
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    config: {
      idempotent,
      maxInFlightRequests,
      // Kafka's producer lets the broker auto-create a topic it sends to (when the broker
      // allows it); a source whose topic does not exist yet relies on that.
      allowAutoTopicCreation: true,
      ...(retry === undefined ? {} : { retry }),
      ...(transactionalId === undefined || transactionalId === '' ? {} : { transactionalId }),
      ...(transactionTimeout === undefined ? {} : { transactionTimeout }),
      ...(metadataMaxAge === undefined ? {} : { metadataMaxAge }),
    },
    acks: acks ?? -1,
    compression: compression ?? CompressionTypes.None,
    lingerMs,
    batchSizeBytes,
    ignored: ignoredKeys(props, PRODUCER_KEYS),
  };
}

/** What a sink task's consumer needs: kafkajs `ConsumerConfig` plus subscribe/run options. */
export interface ConsumerSettings {
  readonly config: ConsumerConfig;
  /** `auto.offset.reset`: earliest (Connect's default) → true, latest → false. */
  readonly fromBeginning: boolean;
  /** `max.poll.records`: kafkajs has no equivalent; the runtime may split batches by it. */
  readonly maxPollRecords: number;
  readonly ignored: readonly string[];
}

const CONSUMER_KEYS = new Set([
  'group.id',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'max.poll.interval.ms',
  'max.poll.records',
  'fetch.max.bytes',
  'fetch.min.bytes',
  'fetch.max.wait.ms',
  'max.partition.fetch.bytes',
  'auto.offset.reset',
  'isolation.level',
  'client.rack',
  'allow.auto.create.topics',
  'metadata.max.age.ms',
  'enable.auto.commit',
  'retry.backoff.ms',
  'retry.backoff.max.ms',
  'request.timeout.ms',
  'socket.connection.setup.timeout.ms',
]);

/** Consumer options; `groupId` is used when `group.id` is not set (Connect: `connect-<connector>`). */
export function consumerConfig(
  props: Readonly<Record<string, string>>,
  defaults: { readonly groupId: string },
): ConsumerSettings {
  const problems: ConfigProblem[] = [];
  const groupId = props['group.id']?.trim() || defaults.groupId;
  const reset = (props['auto.offset.reset'] ?? 'earliest').trim().toLowerCase();
  if (reset !== 'earliest' && reset !== 'latest') {
    problems.push({
      key: 'auto.offset.reset',
      value: props['auto.offset.reset'],
      message: 'Must be earliest or latest',
    });
  }
  const isolation = (props['isolation.level'] ?? 'read_uncommitted').trim().toLowerCase();
  if (isolation !== 'read_uncommitted' && isolation !== 'read_committed') {
    problems.push({
      key: 'isolation.level',
      value: props['isolation.level'],
      message: 'Must be read_uncommitted or read_committed',
    });
  }
  const numbers = {
    sessionTimeout: optionalInt(props, 'session.timeout.ms', problems),
    heartbeatInterval: optionalInt(props, 'heartbeat.interval.ms', problems),
    rebalanceTimeout: optionalInt(props, 'max.poll.interval.ms', problems),
    maxBytes: optionalInt(props, 'fetch.max.bytes', problems),
    minBytes: optionalInt(props, 'fetch.min.bytes', problems),
    // Kafka's consumer default; kafkajs would wait 5 s, which also delays every stop.
    maxWaitTimeInMs: optionalInt(props, 'fetch.max.wait.ms', problems) ?? 500,
    maxBytesPerPartition: optionalInt(props, 'max.partition.fetch.bytes', problems),
    metadataMaxAge: optionalInt(props, 'metadata.max.age.ms', problems),
  };
  const maxPollRecords = optionalInt(props, 'max.poll.records', problems) ?? 500;
  const allowAutoTopicCreation = optionalBoolean(props, 'allow.auto.create.topics', problems);
  const retry = retryOptions(props, problems);
  const rackId = props['client.rack']?.trim();
  if (problems.length > 0) throw new ConfigError(problems);
  const config: ConsumerConfig = { groupId, readUncommitted: isolation === 'read_uncommitted' };
  for (const [name, value] of Object.entries(numbers))
    if (value !== undefined) Object.assign(config, { [name]: value });
  if (allowAutoTopicCreation !== undefined) config.allowAutoTopicCreation = allowAutoTopicCreation;
  if (retry !== undefined) config.retry = retry;
  if (rackId !== undefined && rackId !== '') config.rackId = rackId;
  return { config, fromBeginning: reset !== 'latest', maxPollRecords, ignored: ignoredKeys(props, CONSUMER_KEYS) };
}

/** Keys the `Principal` policy allows (Kafka's PrincipalConnectorClientConfigOverridePolicy). */
const PRINCIPAL_KEYS = new Set(['sasl.jaas.config', 'sasl.mechanism', 'security.protocol']);

/** True when `policy` lets a connector override client key `key`. */
export function isOverrideAllowed(policy: OverridePolicy, key: string): boolean {
  switch (policy) {
    case 'All':
      return true;
    case 'None':
      return false;
    case 'Principal':
      return PRINCIPAL_KEYS.has(key);
    case 'AllExceptSecurity':
      return !(
        key === 'security.protocol' ||
        key === 'bootstrap.servers' ||
        key.startsWith('sasl.') ||
        key.startsWith('ssl.')
      );
  }
}

export interface ClientOverrides {
  readonly producer: Record<string, string>;
  readonly consumer: Record<string, string>;
  readonly admin: Record<string, string>;
}

/**
 * The connector's `producer.override.*`, `consumer.override.*` and `admin.override.*` keys,
 * by client kind with the prefix removed. Throws one ConfigError naming every key the
 * worker's `connector.client.config.override.policy` refuses (values are not shown: they
 * may be credentials).
 */
export function applyOverrides(
  connectorProps: Readonly<Record<string, string>>,
  policy: OverridePolicy,
): ClientOverrides {
  const out: ClientOverrides = { producer: {}, consumer: {}, admin: {} };
  const problems: ConfigProblem[] = [];
  for (const kind of ['producer', 'consumer', 'admin'] as const) {
    const prefix = `${kind}.override.`;
    for (const [key, value] of Object.entries(subMap(connectorProps, prefix))) {
      if (isOverrideAllowed(policy, key)) out[kind][key] = value;
      else
        problems.push({
          key: `${prefix}${key}`,
          value: undefined,
          message: `Not allowed by the worker's connector.client.config.override.policy (${policy})`,
        });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

function optionalInt(
  props: Readonly<Record<string, string>>,
  key: string,
  problems: ConfigProblem[],
): number | undefined {
  const raw = props[key];
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    problems.push({ key, value: raw, message: 'Expected an integer' });
    return undefined;
  }
  return Number(text);
}

function optionalBoolean(
  props: Readonly<Record<string, string>>,
  key: string,
  problems: ConfigProblem[],
): boolean | undefined {
  const raw = props[key];
  if (raw === undefined) return undefined;
  const text = raw.trim().toLowerCase();
  if (text === 'true' || text === 'false') return text === 'true';
  problems.push({ key, value: raw, message: 'Expected true or false' });
  return undefined;
}

function retryOptions(props: Readonly<Record<string, string>>, problems: ConfigProblem[]): RetryOptions | undefined {
  const retries = optionalInt(props, 'retries', problems);
  const initialRetryTime = optionalInt(props, 'retry.backoff.ms', problems);
  const maxRetryTime = optionalInt(props, 'retry.backoff.max.ms', problems);
  if (retries === undefined && initialRetryTime === undefined && maxRetryTime === undefined) return undefined;
  return {
    // Kafka's retries default is Integer.MAX_VALUE; kafkajs counts the same way.
    ...(retries === undefined ? {} : { retries: Math.min(retries, Number.MAX_SAFE_INTEGER) }),
    ...(initialRetryTime === undefined ? {} : { initialRetryTime }),
    ...(maxRetryTime === undefined ? {} : { maxRetryTime }),
  };
}

const CONNECTION_KEYS = new Set(['bootstrap.servers', 'client.id', ...Object.keys(clientSecurityConfig.keys)]);

function ignoredKeys(props: Readonly<Record<string, string>>, known: ReadonlySet<string>): string[] {
  return Object.keys(props).filter((k) => !known.has(k) && !CONNECTION_KEYS.has(k));
}

/** `bootstrap.servers` of worker properties as a list (Kafka's default when absent). */
export function bootstrapServersOf(props: Readonly<Record<string, string>>): string[] {
  return (props['bootstrap.servers'] ?? 'localhost:9092')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
