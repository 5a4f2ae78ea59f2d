/**
 * Clients of one cluster (source or target): a kafkajs Admin for topics, configs and
 * groups, and the lean wire client of `@tributary/protocol` for fetching and producing
 * record batches. Both are built from a ClusterSettings (`<side>.cluster.*` keys merged
 * with the per-kind keys, see config.ts).
 *
 * Only known client keys are read; connector configs are untrusted input, so nothing is
 * passed to a client as an opaque property (no JAAS configs, no class names). Keys that
 * mean nothing here are reported in `ignored` for a warning. The wire client speaks
 * PLAINTEXT only, so `security.protocol` must be PLAINTEXT.
 */
import { ConfigError, type ConfigProblem, type Logger } from '@tributary/api';
import { createWireClient, type KafkaWireClient, type WireClientOptions } from '@tributary/protocol';
import { type Admin, Kafka, type KafkaConfig, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { ClusterSettings } from './config.js';

export type ClientKind = 'admin' | 'consumer' | 'producer';

/** Keys every kind understands. */
const CONNECTION_KEYS = new Set([
  'client.id',
  'request.timeout.ms',
  'socket.connection.setup.timeout.ms',
  'retry.backoff.ms',
  'security.protocol',
  'metadata.max.age.ms',
  'default.api.timeout.ms',
]);

/** Consumer keys the mirror's fetcher uses, or that it fixes itself (group, commits, deserializers). */
const CONSUMER_KEYS = new Set([
  'max.poll.records',
  'fetch.max.bytes',
  'max.partition.fetch.bytes',
  'fetch.max.wait.ms',
  'fetch.min.bytes',
  'isolation.level',
  'auto.offset.reset',
  'enable.auto.commit',
  'group.id',
  'key.deserializer',
  'value.deserializer',
  'auto.commit.interval.ms',
  'session.timeout.ms',
  'heartbeat.interval.ms',
]);

const PRODUCER_KEYS = new Set([
  'acks',
  'linger.ms',
  'batch.size',
  'compression.type',
  'key.serializer',
  'value.serializer',
  'enable.idempotence',
  'max.in.flight.requests.per.connection',
  'retries',
  'delivery.timeout.ms',
]);

function intOf(
  props: Readonly<Record<string, string>>,
  key: string,
  problems: ConfigProblem[],
  prefix: string,
): number | undefined {
  const raw = props[key];
  if (raw === undefined) return undefined;
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0) {
    problems.push({ key: `${prefix}${key}`, value: raw, message: 'Expected a non-negative integer' });
    return undefined;
  }
  return n;
}

/** Connection settings of one client kind, checked. */
export interface ClientSettings {
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  readonly requestTimeoutMs: number | undefined;
  readonly connectTimeoutMs: number | undefined;
  readonly retryBackoffMs: number | undefined;
  /** The kind's own keys (e.g. `max.poll.records`), as given. */
  readonly props: Readonly<Record<string, string>>;
  /** Keys given that this client does not use. */
  readonly ignored: readonly string[];
}

function propsOf(cluster: ClusterSettings, kind: ClientKind): Readonly<Record<string, string>> {
  return kind === 'admin' ? cluster.admin : kind === 'consumer' ? cluster.consumer : cluster.producer;
}

/**
 * The settings of one client kind of `cluster`; ConfigError naming the prefixed key for a
 * bad value or a security protocol other than PLAINTEXT.
 */
export function clientSettings(
  cluster: ClusterSettings,
  kind: ClientKind,
  side: 'source' | 'target',
  defaultClientId: string,
): ClientSettings {
  const props = propsOf(cluster, kind);
  const prefix = `${side}.${kind}.`;
  const problems: ConfigProblem[] = [];
  const protocol = props['security.protocol']?.trim().toUpperCase();
  if (protocol !== undefined && protocol !== 'PLAINTEXT') {
    problems.push({
      key: `${side}.cluster.security.protocol`,
      value: props['security.protocol'],
      message: 'The mirror reaches clusters over PLAINTEXT only',
    });
  }
  const requestTimeoutMs = intOf(props, 'request.timeout.ms', problems, prefix);
  const connectTimeoutMs = intOf(props, 'socket.connection.setup.timeout.ms', problems, prefix);
  const retryBackoffMs = intOf(props, 'retry.backoff.ms', problems, prefix);
  if (kind === 'consumer') {
    for (const key of [
      'max.poll.records',
      'fetch.max.bytes',
      'max.partition.fetch.bytes',
      'fetch.max.wait.ms',
      'fetch.min.bytes',
    ]) {
      intOf(props, key, problems, prefix);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, { context: `${side} cluster ${cluster.alias}` });
  const own = kind === 'consumer' ? CONSUMER_KEYS : kind === 'producer' ? PRODUCER_KEYS : new Set<string>();
  const ignored = Object.keys(props)
    .filter((k) => !CONNECTION_KEYS.has(k) && !own.has(k))
    .map((k) => `${prefix}${k}`);
  return {
    bootstrapServers: cluster.bootstrapServers,
    clientId: props['client.id']?.trim() || defaultClientId,
    requestTimeoutMs,
    connectTimeoutMs,
    retryBackoffMs,
    props,
    ignored,
  };
}

/** kafkajs log entries → `logger` (kafkajs's own INFO/DEBUG are chatty: debug). */
function logCreator(logger: Logger): () => (entry: LogEntry) => void {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
      const line = { kafkajs: namespace, ...fields };
      if (level === KafkaLogLevel.ERROR && namespace !== 'Connection') logger.error(line, message);
      else if (level <= KafkaLogLevel.WARN) logger.warn(line, message);
      else logger.debug(line, message);
    };
}

export function kafkajsConfig(settings: ClientSettings, logger: Logger): KafkaConfig {
  return {
    brokers: [...settings.bootstrapServers],
    clientId: settings.clientId,
    ...(settings.requestTimeoutMs === undefined ? {} : { requestTimeout: settings.requestTimeoutMs }),
    ...(settings.connectTimeoutMs === undefined ? {} : { connectionTimeout: settings.connectTimeoutMs }),
    ...(settings.retryBackoffMs === undefined
      ? {}
      : { retry: { initialRetryTime: Math.max(1, settings.retryBackoffMs) } }),
    logLevel: KafkaLogLevel.WARN,
    logCreator: logCreator(logger),
  };
}

export function wireClientOptions(settings: ClientSettings): WireClientOptions {
  return {
    bootstrapServers: settings.bootstrapServers,
    clientId: settings.clientId,
    ...(settings.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: settings.connectTimeoutMs }),
    ...(settings.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: settings.requestTimeoutMs }),
  };
}

/**
 * The clients of one cluster, created on first use and closed together. Not shared
 * between connectors or tasks: each owner closes its own.
 */
export class ClusterClients {
  readonly cluster: ClusterSettings;
  readonly side: 'source' | 'target';
  readonly #clientIdBase: string;
  readonly #logger: Logger;
  #admin: Promise<Admin> | null = null;
  readonly #wire = new Map<ClientKind, KafkaWireClient>();
  #isClosed = false;

  constructor(options: {
    readonly cluster: ClusterSettings;
    readonly side: 'source' | 'target';
    /** e.g. `mirror-source-<connector>-0`; a kind suffix is added. */
    readonly clientIdBase: string;
    readonly logger: Logger;
  }) {
    this.cluster = options.cluster;
    this.side = options.side;
    this.#clientIdBase = options.clientIdBase;
    this.#logger = options.logger;
  }

  get alias(): string {
    return this.cluster.alias;
  }

  settings(kind: ClientKind): ClientSettings {
    return clientSettings(this.cluster, kind, this.side, `${this.#clientIdBase}-${this.side}-${kind}`);
  }

  /** A connected kafkajs Admin. */
  admin(): Promise<Admin> {
    if (this.#isClosed) return Promise.reject(new Error(`The clients of cluster ${this.alias} are closed`));
    if (this.#admin === null) {
      const admin = new Kafka(kafkajsConfig(this.settings('admin'), this.#logger)).admin();
      const connected = admin.connect().then(() => admin);
      connected.catch(() => {
        if (this.#admin === connected) this.#admin = null;
      });
      this.#admin = connected;
    }
    return this.#admin;
  }

  /** The wire client for `kind` (its client id and timeouts come from that kind's keys). */
  wire(kind: 'consumer' | 'producer' | 'admin'): KafkaWireClient {
    if (this.#isClosed) throw new Error(`The clients of cluster ${this.alias} are closed`);
    let client = this.#wire.get(kind);
    if (client === undefined) {
      client = createWireClient(wireClientOptions(this.settings(kind)));
      this.#wire.set(kind, client);
    }
    return client;
  }

  /** Closes every client; idempotent. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    const admin = this.#admin;
    this.#admin = null;
    const closing: Promise<unknown>[] = [...this.#wire.values()].map((c) => c.close());
    this.#wire.clear();
    if (admin !== null) closing.push(admin.then((a) => a.disconnect()));
    const results = await Promise.allSettled(closing);
    for (const r of results) {
      if (r.status === 'rejected')
        this.#logger.debug({ err: r.reason }, `Closing a client of cluster ${this.alias} failed`);
    }
  }
}
