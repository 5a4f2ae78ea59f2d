/**
 * Two embedded brokers as clusters A (source) and B (target, the worker's cluster), a
 * standalone worker with the mirror registered, and kafkajs helpers to produce and read.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import {
  builtinPlugins,
  type ConnectorStateInfo,
  createRootLogger,
  FileOffsetStore,
  MetricsRegistry,
  PluginRegistry,
  parseWorkerConfig,
  StandaloneHerder,
} from '@tributary/runtime';
import { waitFor } from '@tributary/testkit';
import { type Admin, type IHeaders, Kafka, logLevel, type Message } from 'kafkajs';
import { mirrorSource } from '../src/index.js';

export const testLogger = (): Logger =>
  createRootLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent', destination: 2 });

export interface ConsumedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface Cluster {
  readonly alias: string;
  readonly broker: RunningBroker;
  readonly kafka: Kafka;
  readonly admin: Admin;
}

export interface Worker {
  readonly herder: StandaloneHerder;
  stop(): Promise<void>;
}

export interface Env {
  readonly a: Cluster;
  readonly b: Cluster;
  readonly dir: string;
  startWorker(offsetFile?: string): Promise<Worker>;
  close(): Promise<void>;
}

async function startCluster(alias: string): Promise<Cluster> {
  const broker = await startBroker({ port: 0 });
  const kafka = new Kafka({ clientId: `test-${alias}`, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  return { alias, broker, kafka, admin };
}

export async function startEnv(): Promise<Env> {
  const a = await startCluster('A');
  const b = await startCluster('B');
  const dir = await mkdtemp(join(tmpdir(), 'mirror-'));
  const workers = new Set<Worker>();
  return {
    a,
    b,
    dir,
    async startWorker(offsetFile = join(dir, `offsets-${randomUUID().slice(0, 8)}.json`)) {
      const worker = parseWorkerConfig(
        {
          'bootstrap.servers': b.broker.bootstrap,
          'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
          'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
          'offset.storage.file.filename': offsetFile,
          'offset.flush.interval.ms': '200',
          listeners: 'http://127.0.0.1:0',
        },
        'test worker',
      );
      const offsetStore = new FileOffsetStore(worker.config['offset.storage.file.filename']);
      await offsetStore.start();
      const herder = new StandaloneHerder({
        worker,
        registry: new PluginRegistry([...builtinPlugins, mirrorSource]),
        offsetStore,
        logger: testLogger(),
        metrics: new MetricsRegistry(),
      });
      await herder.start();
      herder.markReady();
      const handle: Worker = {
        herder,
        async stop() {
          workers.delete(handle);
          await herder.stop();
          await offsetStore.stop();
        },
      };
      workers.add(handle);
      return handle;
    },
    async close() {
      for (const w of [...workers]) await w.stop().catch(() => undefined);
      for (const c of [a, b]) {
        await c.admin.disconnect().catch(() => undefined);
        await c.broker.stop();
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The mirror source connector's config for flow A → B. */
export function mirrorProps(env: Env, more: Record<string, string>): Record<string, string> {
  return {
    'connector.class': 'org.apache.kafka.connect.mirror.MirrorSourceConnector',
    'tasks.max': '2',
    'source.cluster.alias': 'A',
    'target.cluster.alias': 'B',
    'source.cluster.bootstrap.servers': env.a.broker.bootstrap,
    'target.cluster.bootstrap.servers': env.b.broker.bootstrap,
    'replication.factor': '1',
    'offset-syncs.topic.replication.factor': '1',
    'refresh.topics.interval.seconds': '2',
    ...more,
  };
}

export function uniquePrefix(): string {
  return `t${randomUUID().slice(0, 8)}`;
}

export async function createTopic(
  cluster: Cluster,
  topic: string,
  partitions: number,
  configs: Record<string, string> = {},
): Promise<void> {
  await cluster.admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: partitions,
        replicationFactor: 1,
        configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
      },
    ],
  });
}

export async function produce(cluster: Cluster, topic: string, messages: Message[]): Promise<void> {
  const producer = cluster.kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last !== undefined) out[k] = last.toString();
  }
  return out;
}

/** Every record of `topic` (read_committed), waiting until `count` have arrived. */
export async function consumeAll(
  cluster: Cluster,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<ConsumedRecord[]> {
  const consumer = cluster.kafka.consumer({
    groupId: `reader-${randomUUID()}`,
    readUncommitted: false,
    // A short long-poll: disconnect() waits for the fetch in flight (kafkajs' default 5 s).
    maxWaitTimeInMs: 100,
  });
  const records: ConsumedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          records.push({
            partition: batch.partition,
            offset: Number(m.offset),
            key: m.key === null ? null : m.key.toString(),
            value: m.value === null ? null : m.value.toString(),
            timestamp: Number(m.timestamp),
            headers: headerText(m.headers),
          });
        }
      },
    });
    await waitFor(
      `${count} records on ${topic} of cluster ${cluster.alias}`,
      () => (records.length >= count ? true : undefined),
      {
        timeoutMs,
        describe: () => `${records.length} records`,
      },
    );
    return records;
  } finally {
    await consumer.disconnect();
  }
}

/** End offsets per partition of `topic`. */
export async function endOffsets(cluster: Cluster, topic: string): Promise<Map<number, number>> {
  const offsets = await cluster.admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** Waits until the sum of `topic`'s end offsets on `cluster` is at least `count`. */
export async function waitForCount(cluster: Cluster, topic: string, count: number, timeoutMs = 30_000): Promise<void> {
  let seen = -1;
  await waitFor(
    `${count} records in ${topic} on cluster ${cluster.alias}`,
    async () => {
      const topics = await cluster.admin.listTopics();
      if (!topics.includes(topic)) return undefined;
      seen = [...(await endOffsets(cluster, topic)).values()].reduce((s, n) => s + n, 0);
      return seen >= count ? true : undefined;
    },
    { timeoutMs, intervalMs: 200, describe: () => `${seen} records` },
  );
}

export async function waitForRunning(
  herder: StandaloneHerder,
  name: string,
  tasks: number,
): Promise<ConnectorStateInfo> {
  return waitFor(
    `connector ${name} RUNNING with ${tasks} running tasks`,
    () => {
      const status = herder.connectorStatus(name);
      if (status.connector.state === 'FAILED')
        throw new Error(`connector ${name} failed: ${status.connector.trace ?? ''}`);
      const failed = status.tasks.find((t) => t.state === 'FAILED');
      if (failed !== undefined) throw new Error(`task ${failed.id} of ${name} failed: ${failed.trace ?? ''}`);
      return status.connector.state === 'RUNNING' &&
        status.tasks.length === tasks &&
        status.tasks.every((t) => t.state === 'RUNNING')
        ? status
        : undefined;
    },
    { timeoutMs: 30_000, describe: () => JSON.stringify(herder.connectorStatus(name)) },
  );
}
