/**
 * Starts the embedded schema registry: Confluent's REST API on HTTP, its state in a
 * compacted topic on a Kafka broker (default `_schemas`, as Confluent's
 * `kafkastore.topic`), replayed at start so that a new registry on the same broker serves
 * the same subjects, ids and settings. One registry at a time may write to a topic
 * (there is no leader election as in Confluent's multi-node setup).
 */
import { createServer, type Server } from 'node:http';
import { createRequestListener } from './http-api.js';
import { SchemaRegistry } from './schema-registry.js';
import { TopicRegistryStore } from './topic-store.js';

export interface SchemaRegistryOptions {
  /** HTTP port; 0 picks a free one. Default 8081. */
  port?: number;
  /** Address to bind. Default 127.0.0.1. */
  host?: string;
  /** `host:port` of the broker that keeps the registry's topic. */
  bootstrapServers: readonly string[];
  /** The topic holding the schemas and settings (`kafkastore.topic`). Default `_schemas`. */
  topic?: string;
  /**
   * How long start-up and each write keep retrying an unreachable broker before failing
   * (a write then answers 500 / 50001). Default 30 000.
   */
  retryTimeoutMs?: number;
  /** Receives one line per notable event (store failures, internal errors). */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface RunningSchemaRegistry {
  /** `http://host:port`, ready for `schema.registry.url`. */
  readonly url: string;
  readonly host: string;
  /** The bound port (the real one when `port: 0` was asked for). */
  readonly port: number;
  /** Stops listening, closes open connections and the store. Idempotent. */
  stop(): Promise<void>;
}

export async function startSchemaRegistry(options: SchemaRegistryOptions): Promise<RunningSchemaRegistry> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const store = await TopicRegistryStore.open({
    bootstrapServers: options.bootstrapServers,
    topic: options.topic ?? '_schemas',
    retryTimeoutMs: options.retryTimeoutMs ?? 30_000,
    log,
  });
  let server: Server | null = null;
  try {
    const registry = await SchemaRegistry.open(store);
    const http = createServer(createRequestListener(registry, log));
    server = http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 8081, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const http = server;
  const address = http.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 8081);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let stopping: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }).then(() => store.close());
      return stopping;
    },
  };
}
