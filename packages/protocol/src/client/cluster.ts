/**
 * What every request of the client shares: the connections (one per broker), the
 * metadata cache that routes a partition to its leader, and the retry loop that sends
 * per-partition work to leaders, refreshing metadata and backing off on retriable errors
 * until retryTimeoutMs.
 */
import { decodeMetadataResponse, encodeMetadataRequest, METADATA_KEY, METADATA_VERSION } from './api/metadata.js';
import { BrokerConnection, ConnectionError } from './broker-connection.js';
import type { BrokerInfo, ClusterMetadata, TopicPartitionRef } from './contract.js';
import { isRetriable, kafkaError } from './kafka-errors.js';

export interface ClusterConfig {
  readonly bootstrap: readonly { readonly host: string; readonly port: number }[];
  readonly clientId: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retryTimeoutMs: number;
}

/** Per item: the value, or the Kafka error code (and message) of its partition. */
export type Outcome<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly code: number; readonly message?: string | null };

export function parseBootstrap(servers: readonly string[]): { host: string; port: number }[] {
  if (servers.length === 0) throw new Error('bootstrapServers is empty');
  return servers.map((s) => {
    const entry = s.trim().replace(/^[A-Za-z_]+:\/\//, '');
    const colon = entry.lastIndexOf(':');
    const port = Number(entry.slice(colon + 1));
    const host = entry.slice(0, colon).replace(/^\[|\]$/g, '');
    if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new Error(`bootstrap server '${s}' is not host:port`);
    }
    return { host, port };
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class Cluster {
  private readonly brokers = new Map<number, BrokerInfo>();
  private readonly connections = new Map<number, BrokerConnection>();
  private readonly bootstrapConnections = new Map<string, BrokerConnection>();
  /** topic → leader node per partition index (−1: none right now). */
  private readonly leaders = new Map<string, number[]>();
  private isClosed = false;
  /** From the last metadata answer; −1 before. */
  controllerId = -1;

  constructor(readonly config: ClusterConfig) {}

  newConnection(host: string, port: number): BrokerConnection {
    const { clientId, connectTimeoutMs, requestTimeoutMs } = this.config;
    return new BrokerConnection({ host, port, clientId, connectTimeoutMs, requestTimeoutMs });
  }

  broker(nodeId: number): BrokerInfo | undefined {
    return this.brokers.get(nodeId);
  }

  connection(nodeId: number): BrokerConnection {
    const existing = this.connections.get(nodeId);
    if (existing) return existing;
    const broker = this.brokers.get(nodeId);
    if (!broker) throw new ConnectionError(`broker ${nodeId} is not in the metadata`);
    const conn = this.newConnection(broker.host, broker.port);
    this.connections.set(nodeId, conn);
    return conn;
  }

  /** A connection to a broker named in an answer (a coordinator), known to the metadata or not. */
  connectionToBroker(broker: BrokerInfo): BrokerConnection {
    const known = this.brokers.get(broker.nodeId);
    if (!known) this.brokers.set(broker.nodeId, broker);
    else if (known.host !== broker.host || known.port !== broker.port) {
      this.connections.get(broker.nodeId)?.close();
      this.connections.delete(broker.nodeId);
      this.brokers.set(broker.nodeId, broker);
    }
    return this.connection(broker.nodeId);
  }

  /** undefined: topic not in the cache; −1: no leader; partitions past the end: undefined. */
  leaderFor(topic: string, partition: number): number | undefined {
    const leaders = this.leaders.get(topic);
    if (!leaders) return undefined;
    return leaders[partition];
  }

  forgetTopic(topic: string): void {
    this.leaders.delete(topic);
  }

  /** Asks the known brokers, then the bootstrap servers, until one answers. */
  async metadata(topics: readonly string[] | null, allowAutoTopicCreation = false): Promise<ClusterMetadata> {
    if (this.isClosed) throw new ConnectionError('the client is closed');
    const body = (): ReturnType<typeof encodeMetadataRequest> => encodeMetadataRequest(topics, allowAutoTopicCreation);
    let lastError: Error | null = null;
    const candidates: BrokerConnection[] = [];
    for (const nodeId of this.brokers.keys()) candidates.push(this.connection(nodeId));
    for (const b of this.config.bootstrap) {
      const key = `${b.host}:${b.port}`;
      let conn = this.bootstrapConnections.get(key);
      if (!conn) {
        conn = this.newConnection(b.host, b.port);
        this.bootstrapConnections.set(key, conn);
      }
      candidates.push(conn);
    }
    for (const conn of candidates) {
      try {
        const meta = decodeMetadataResponse(await conn.request(METADATA_KEY, METADATA_VERSION, body()));
        this.update(meta, topics === null);
        return meta;
      } catch (err) {
        if (!(err instanceof ConnectionError)) throw err;
        lastError = err;
      }
    }
    throw new ConnectionError(
      `no broker answered a metadata request (bootstrap ${this.config.bootstrap.map((b) => `${b.host}:${b.port}`).join(',')}): ${lastError?.message ?? 'no brokers'}`,
      { cause: lastError },
    );
  }

  private update(meta: ClusterMetadata, isAll: boolean): void {
    this.controllerId = meta.controllerId;
    for (const b of meta.brokers) {
      const known = this.brokers.get(b.nodeId);
      if (known && (known.host !== b.host || known.port !== b.port)) {
        this.connections.get(b.nodeId)?.close();
        this.connections.delete(b.nodeId);
      }
      this.brokers.set(b.nodeId, b);
    }
    if (isAll) this.leaders.clear();
    for (const t of meta.topics) {
      if (t.errorCode !== 0 && t.partitions.length === 0) {
        this.leaders.delete(t.name);
        continue;
      }
      const leaders: number[] = [];
      for (const p of t.partitions) leaders[p.partition] = p.leader;
      this.leaders.set(t.name, leaders);
    }
  }

  /**
   * Sends `items` to their leaders with `send` (one call per leader, in parallel) and
   * returns the values in input order. Retriable errors and lost connections are retried
   * with backoff until retryTimeoutMs; other errors throw a KafkaError naming `what` and
   * the partition.
   */
  async routeWithRetry<I extends TopicPartitionRef, R>(
    what: string,
    items: readonly I[],
    send: (conn: BrokerConnection, items: I[]) => Promise<Outcome<R>[]>,
  ): Promise<R[]> {
    const deadline = Date.now() + this.config.retryTimeoutMs;
    const results: (R | undefined)[] = new Array(items.length);
    let pending = items.map((_, i) => i);
    let backoffMs = 50;
    const topics = [...new Set(items.map((i) => i.topic))];
    let needsRefresh = topics.some((t) => !this.leaders.has(t));
    for (;;) {
      if (this.isClosed) throw new ConnectionError('the client is closed');
      let lastFailure: { code: number; message: string | null; index: number } | null = null;
      let connectionFailure: Error | null = null;
      if (needsRefresh) {
        try {
          await this.metadata(topics);
        } catch (err) {
          if (!(err instanceof ConnectionError)) throw err;
          connectionFailure = err;
        }
      }
      needsRefresh = false;
      const byLeader = new Map<number, number[]>();
      const retry: number[] = [];
      for (const i of pending) {
        const item = items[i] as I;
        const leader = this.leaderFor(item.topic, item.partition);
        if (leader === undefined || leader < 0) {
          retry.push(i);
          lastFailure = { code: leader === undefined ? 3 : 5, message: null, index: i };
          continue;
        }
        const list = byLeader.get(leader);
        if (list) list.push(i);
        else byLeader.set(leader, [i]);
      }
      await Promise.all(
        [...byLeader].map(async ([nodeId, indexes]) => {
          let outcomes: Outcome<R>[];
          try {
            outcomes = await send(
              this.connection(nodeId),
              indexes.map((i) => items[i] as I),
            );
          } catch (err) {
            if (!(err instanceof ConnectionError)) throw err;
            connectionFailure = err;
            retry.push(...indexes);
            return;
          }
          indexes.forEach((i, n) => {
            const outcome = outcomes[n];
            if (!outcome) throw new Error(`${what}: the broker left out a partition`);
            if (outcome.ok) {
              results[i] = outcome.value;
              return;
            }
            const item = items[i] as I;
            if (!isRetriable(outcome.code)) {
              throw kafkaError(what, outcome.code, { topic: item.topic, partition: item.partition }, outcome.message);
            }
            lastFailure = { code: outcome.code, message: outcome.message ?? null, index: i };
            retry.push(i);
          });
        }),
      );
      if (retry.length === 0) return results as R[];
      needsRefresh = true;
      pending = retry.sort((a, b) => a - b);
      if (Date.now() + backoffMs > deadline) {
        const failure = lastFailure as { code: number; message: string | null; index: number } | null;
        if (failure) {
          const item = items[failure.index] as I;
          throw kafkaError(
            `${what} (retried for ${this.config.retryTimeoutMs} ms)`,
            failure.code,
            { topic: item.topic, partition: item.partition },
            failure.message,
          );
        }
        const reason = (connectionFailure as Error | null)?.message ?? 'no leader';
        throw new ConnectionError(`${what} failed for ${this.config.retryTimeoutMs} ms: ${reason}`, {
          cause: connectionFailure,
        });
      }
      await sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 1000);
    }
  }

  close(): void {
    this.isClosed = true;
    for (const c of this.connections.values()) c.close();
    for (const c of this.bootstrapConnections.values()) c.close();
    this.connections.clear();
    this.bootstrapConnections.clear();
  }
}
