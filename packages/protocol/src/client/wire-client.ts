/**
 * createWireClient: the KafkaWireClient of ./contract.ts over Metadata v8, ListOffsets v5,
 * Fetch v11 and Produce v8, versions that Kafka 2.4 through 4.x and the devstack broker
 * all speak.
 */

import { splitRecordSet } from '../codec/records.js';
import {
  CREATE_TOPICS_KEY,
  CREATE_TOPICS_VERSION,
  decodeCreateTopicsResponse,
  encodeCreateTopicsRequest,
} from './api/create-topics.js';
import {
  decodeFindCoordinatorResponse,
  encodeFindCoordinatorRequest,
  FIND_COORDINATOR_KEY,
  FIND_COORDINATOR_VERSION,
} from './api/find-coordinator.js';
import {
  decodeListOffsetsResponse,
  encodeListOffsetsRequest,
  LIST_OFFSETS_KEY,
  LIST_OFFSETS_VERSION,
} from './api/list-offsets.js';
import {
  decodeOffsetCommitResponse,
  encodeOffsetCommitRequest,
  OFFSET_COMMIT_KEY,
  OFFSET_COMMIT_VERSION,
} from './api/offset-commit.js';
import {
  decodeOffsetFetchResponse,
  encodeOffsetFetchRequest,
  OFFSET_FETCH_KEY,
  OFFSET_FETCH_VERSION,
} from './api/offset-fetch.js';
import { decodeProduceResponse, encodeProduceRequest, PRODUCE_KEY, PRODUCE_VERSION } from './api/produce.js';
import { Fetcher } from './batch-fetcher.js';
import { type BrokerConnection, ConnectionError } from './broker-connection.js';
import { Cluster, type Outcome, parseBootstrap, sleep, tpKey } from './cluster.js';
import type {
  BatchFetcher,
  ClusterMetadata,
  CreateTopicResult,
  FetcherOptions,
  GroupOffset,
  GroupOffsetResult,
  Isolation,
  KafkaWireClient,
  MetadataOptions,
  NewTopic,
  PartitionPosition,
  ProduceInput,
  ProduceOptions,
  ProduceResult,
  TopicPartitionRef,
  WireClientOptions,
} from './contract.js';
import { errorName, isRetriable, kafkaError } from './kafka-errors.js';

const NOT_CONTROLLER = 41;
/** COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR: find it again. */
const COORDINATOR_MOVED = new Set([14, 15, 16]);
const MAX_PRODUCE_REQUEST_BYTES = 16 * 1024 * 1024;

interface RoundItem extends TopicPartitionRef {
  readonly records: Buffer;
}

/** Groups items by topic, keeping their order, for requests shaped Topics [Partitions]. */
function byTopic<T extends TopicPartitionRef>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.topic);
    if (list) list.push(item);
    else out.set(item.topic, [item]);
  }
  return out;
}

export function createWireClient(options: WireClientOptions): KafkaWireClient {
  const cluster = new Cluster({
    bootstrap: parseBootstrap(options.bootstrapServers),
    clientId: options.clientId ?? 'tributary',
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    retryTimeoutMs: options.retryTimeoutMs ?? 60_000,
  });
  const fetchers = new Set<Fetcher>();
  let isClosed = false;

  async function metadata(topics: readonly string[] | null, options: MetadataOptions = {}): Promise<ClusterMetadata> {
    const deadline = Date.now() + cluster.config.retryTimeoutMs;
    let backoffMs = 50;
    for (;;) {
      try {
        return await cluster.metadata(topics, options.allowAutoTopicCreation ?? false);
      } catch (err) {
        if (!(err instanceof ConnectionError) || isClosed || Date.now() + backoffMs > deadline) throw err;
      }
      await sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 1000);
    }
  }

  async function listOffsets(
    partitions: readonly TopicPartitionRef[],
    spec: 'earliest' | 'latest' | { readonly timestamp: number },
    isolation: Isolation = 'read_committed',
  ): Promise<PartitionPosition[]> {
    const timestamp = spec === 'earliest' ? -2 : spec === 'latest' ? -1 : spec.timestamp;
    const isReadCommitted = isolation === 'read_committed';
    const offsets = await cluster.routeWithRetry('list offsets', partitions, async (conn, items) => {
      const topics = [...byTopic(items)].map(([topic, list]) => ({
        topic,
        partitions: list.map((p) => ({ partition: p.partition, timestamp })),
      }));
      const body = await conn.request(
        LIST_OFFSETS_KEY,
        LIST_OFFSETS_VERSION,
        encodeListOffsetsRequest(isReadCommitted, topics),
      );
      const results = new Map(decodeListOffsetsResponse(body).map((r) => [tpKey(r.topic, r.partition), r]));
      return items.map((item): Outcome<number> => {
        const r = results.get(tpKey(item.topic, item.partition));
        if (!r) return { ok: false, code: -1, message: 'missing from the ListOffsets response' };
        return r.errorCode === 0 ? { ok: true, value: r.offset } : { ok: false, code: r.errorCode };
      });
    });
    return partitions.map((p, i) => ({ topic: p.topic, partition: p.partition, offset: offsets[i] as number }));
  }

  async function produce(
    inputs: readonly ProduceInput[],
    produceOptions: ProduceOptions = {},
  ): Promise<ProduceResult[]> {
    if (isClosed) throw new Error('the wire client is closed');
    const acks = produceOptions.acks ?? -1;
    const timeoutMs = produceOptions.timeoutMs ?? 30_000;
    // Kafka takes one batch per partition per request: the i-th batch of every partition
    // goes in round i, and rounds go one after another to keep each partition's order.
    const queues = new Map<string, { topic: string; partition: number; batches: Buffer[] }>();
    const firstBatch: { key: string; index: number; count: number }[] = [];
    for (const input of inputs) {
      const batches = splitRecordSet(input.data);
      const total = batches.reduce((n, b) => n + b.length, 0);
      if (batches.length === 0 || total !== input.data.length) {
        throw new Error(
          `produce to ${input.topic}-${input.partition}: data is not a whole number of record batches (${input.data.length} bytes)`,
        );
      }
      const key = tpKey(input.topic, input.partition);
      let queue = queues.get(key);
      if (!queue) {
        queue = { topic: input.topic, partition: input.partition, batches: [] };
        queues.set(key, queue);
      }
      firstBatch.push({ key, index: queue.batches.length, count: batches.length });
      queue.batches.push(...batches);
    }
    const baseOffsets = new Map<string, number[]>();
    const rounds = Math.max(0, ...[...queues.values()].map((q) => q.batches.length));
    for (let round = 0; round < rounds; round++) {
      const items: RoundItem[] = [];
      for (const q of queues.values()) {
        const records = q.batches[round];
        if (records) items.push({ topic: q.topic, partition: q.partition, records });
      }
      const offsets = await cluster.routeWithRetry('produce', items, async (conn, list) => {
        // Requests stay well below socket.request.max.bytes (100 MiB by default); the
        // partitions of one round may go in several pipelined requests.
        const requests: RoundItem[][] = [[]];
        let bytes = 0;
        for (const item of list) {
          const current = requests[requests.length - 1] as RoundItem[];
          if (current.length > 0 && bytes + item.records.length > MAX_PRODUCE_REQUEST_BYTES) {
            requests.push([item]);
            bytes = item.records.length;
          } else {
            current.push(item);
            bytes += item.records.length;
          }
        }
        const answers = await Promise.all(
          requests.map(async (chunk) => {
            const topics = [...byTopic(chunk)].map(([topic, parts]) => ({
              topic,
              partitions: parts.map((p) => ({ partition: p.partition, records: p.records })),
            }));
            return decodeProduceResponse(
              await conn.request(
                PRODUCE_KEY,
                PRODUCE_VERSION,
                encodeProduceRequest(acks, timeoutMs, topics),
                timeoutMs,
              ),
            );
          }),
        );
        const results = new Map(answers.flat().map((r) => [tpKey(r.topic, r.partition), r]));
        return list.map((item): Outcome<number> => {
          const r = results.get(tpKey(item.topic, item.partition));
          if (!r) return { ok: false, code: -1, message: 'missing from the Produce response' };
          return r.errorCode === 0
            ? { ok: true, value: r.baseOffset }
            : { ok: false, code: r.errorCode, message: r.message };
        });
      });
      items.forEach((item, i) => {
        const key = tpKey(item.topic, item.partition);
        const list = baseOffsets.get(key) ?? [];
        list[round] = offsets[i] as number;
        baseOffsets.set(key, list);
      });
    }
    return inputs.map((input, i) => {
      const first = firstBatch[i] as { key: string; index: number; count: number };
      const all = baseOffsets.get(first.key) ?? [];
      const batchBaseOffsets = all.slice(first.index, first.index + first.count);
      return {
        topic: input.topic,
        partition: input.partition,
        baseOffset: batchBaseOffsets[0] ?? -1,
        batchBaseOffsets,
      };
    });
  }

  async function createTopics(topics: readonly NewTopic[], timeoutMs = 30_000): Promise<CreateTopicResult[]> {
    if (isClosed) throw new Error('the wire client is closed');
    const deadline = Date.now() + cluster.config.retryTimeoutMs;
    const results = new Map<string, CreateTopicResult>();
    let pending = [...topics];
    let backoffMs = 50;
    for (;;) {
      let failure: Error | null = null;
      try {
        await cluster.metadata([]);
        const conn = cluster.connection(cluster.controllerId);
        const body = await conn.request(
          CREATE_TOPICS_KEY,
          CREATE_TOPICS_VERSION,
          encodeCreateTopicsRequest(pending, timeoutMs),
        );
        for (const r of decodeCreateTopicsResponse(body)) {
          if (r.errorCode === NOT_CONTROLLER) failure = new Error(`create topic ${r.name}: NOT_CONTROLLER`);
          else results.set(r.name, r);
        }
      } catch (err) {
        if (!(err instanceof ConnectionError)) throw err;
        failure = err;
      }
      pending = pending.filter((t) => !results.has(t.name));
      if (pending.length === 0) {
        return topics.map(
          (t) =>
            results.get(t.name) ?? {
              name: t.name,
              errorCode: -1,
              errorMessage: 'missing from the CreateTopics response',
            },
        );
      }
      if (Date.now() + backoffMs > deadline) {
        throw new Error(
          `create topics ${pending.map((t) => t.name).join(', ')} failed for ${cluster.config.retryTimeoutMs} ms: ${failure?.message ?? 'no answer'}`,
          { cause: failure },
        );
      }
      await sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 1000);
    }
  }

  /**
   * Sends `partitions` to the coordinator of `groupId` with `request` until every partition
   * is answered: a moving or loading coordinator (for the group or for a partition) and
   * lost connections are retried within retryTimeoutMs. `request` answers per partition,
   * or returns a group-level error code.
   */
  async function withCoordinator<T extends TopicPartitionRef, R>(
    groupId: string,
    what: string,
    partitions: readonly T[],
    request: (conn: BrokerConnection, pending: readonly T[]) => Promise<{ errorCode: number; answers: R[] }>,
    answerOf: (r: R) => TopicPartitionRef & { errorCode: number },
  ): Promise<Map<string, R>> {
    if (isClosed) throw new Error('the wire client is closed');
    const deadline = Date.now() + cluster.config.retryTimeoutMs;
    const results = new Map<string, R>();
    let pending = [...partitions];
    let backoffMs = 50;
    for (;;) {
      let failure = '';
      try {
        const bootstrap = await cluster.metadata([]);
        const anyBroker = bootstrap.brokers[0];
        if (!anyBroker) throw new ConnectionError('the cluster has no brokers');
        const found = decodeFindCoordinatorResponse(
          await cluster
            .connection(anyBroker.nodeId)
            .request(FIND_COORDINATOR_KEY, FIND_COORDINATOR_VERSION, encodeFindCoordinatorRequest(groupId)),
        );
        if (found.errorCode !== 0) {
          if (!isRetriable(found.errorCode)) {
            throw kafkaError(`find the coordinator of group ${groupId}`, found.errorCode, null, found.errorMessage);
          }
          failure = `FindCoordinator: ${errorName(found.errorCode)}`;
        } else {
          const conn = cluster.connectionToBroker({ nodeId: found.nodeId, host: found.host, port: found.port });
          const answer = await request(conn, pending);
          if (COORDINATOR_MOVED.has(answer.errorCode)) failure = `${what}: ${errorName(answer.errorCode)}`;
          else if (answer.errorCode !== 0)
            throw kafkaError(`${what} of group ${groupId}`, answer.errorCode, null, null);
          for (const r of answer.answers) {
            const a = answerOf(r);
            if (COORDINATOR_MOVED.has(a.errorCode)) failure = `${what}: ${errorName(a.errorCode)}`;
            else results.set(tpKey(a.topic, a.partition), r);
          }
        }
      } catch (err) {
        if (!(err instanceof ConnectionError)) throw err;
        failure = err.message;
      }
      pending = pending.filter((o) => !results.has(tpKey(o.topic, o.partition)));
      if (pending.length === 0) return results;
      if (Date.now() + backoffMs > deadline) {
        throw new ConnectionError(
          `${what} of group ${groupId} failed for ${cluster.config.retryTimeoutMs} ms: ${failure || 'partitions missing from the answer'}`,
        );
      }
      await sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 1000);
    }
  }

  async function commitGroupOffsets(groupId: string, offsets: readonly GroupOffset[]): Promise<GroupOffsetResult[]> {
    const results = await withCoordinator(
      groupId,
      'OffsetCommit',
      offsets,
      async (conn, pending) => ({
        errorCode: 0,
        answers: decodeOffsetCommitResponse(
          await conn.request(
            OFFSET_COMMIT_KEY,
            OFFSET_COMMIT_VERSION,
            encodeOffsetCommitRequest(groupId, byTopic(pending)),
          ),
        ),
      }),
      (r) => r,
    );
    return offsets.map((o) => ({
      topic: o.topic,
      partition: o.partition,
      errorCode: results.get(tpKey(o.topic, o.partition))?.errorCode ?? -1,
    }));
  }

  async function fetchGroupOffsets(
    groupId: string,
    partitions: readonly TopicPartitionRef[],
  ): Promise<PartitionPosition[]> {
    if (partitions.length === 0) return [];
    const results = await withCoordinator(
      groupId,
      'OffsetFetch',
      partitions,
      async (conn, pending) => {
        const answer = decodeOffsetFetchResponse(
          await conn.request(
            OFFSET_FETCH_KEY,
            OFFSET_FETCH_VERSION,
            encodeOffsetFetchRequest(groupId, byTopic(pending)),
          ),
        );
        return { errorCode: answer.errorCode, answers: answer.partitions };
      },
      (r) => r,
    );
    return partitions.map((p) => {
      const r = results.get(tpKey(p.topic, p.partition));
      if (r !== undefined && r.errorCode !== 0) {
        throw kafkaError(`read the committed offset of group ${groupId}`, r.errorCode, p, null);
      }
      return { topic: p.topic, partition: p.partition, offset: r?.offset ?? -1 };
    });
  }

  return {
    metadata,
    createTopics,
    commitGroupOffsets,
    fetchGroupOffsets,
    listOffsets,
    produce,
    fetcher(fetcherOptions: FetcherOptions = {}): BatchFetcher {
      if (isClosed) throw new Error('the wire client is closed');
      const fetcher = new Fetcher(cluster, fetcherOptions);
      fetchers.add(fetcher);
      const close = fetcher.close.bind(fetcher);
      fetcher.close = async () => {
        fetchers.delete(fetcher);
        await close();
      };
      return fetcher;
    },
    async close(): Promise<void> {
      if (isClosed) return;
      isClosed = true;
      await Promise.all([...fetchers].map((f) => f.close()));
      cluster.close();
    },
  };
}
