/**
 * Fixtures for the checkpoint and heartbeat tests: clusters A (source) and B (target) as two
 * embedded brokers, a standalone worker on B with the mirror plugins, and small kafkajs
 * helpers to produce, consume, commit and read internal topics.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { createWireClient } from '@tributary/protocol';
import { builtinPlugins, PluginRegistry, runStandalone, type StandaloneHandle } from '@tributary/runtime';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { encodeOffsetSync, type OffsetSync } from '../src/internal-records.js';
import { readTopicToEnd } from '../src/mirror-checkpoint-task.js';
import { mirrorPlugins } from '../src/plugins.js';

export interface Clusters {
  readonly a: RunningBroker;
  readonly b: RunningBroker;
  readonly kafkaA: Kafka;
  readonly kafkaB: Kafka;
  readonly adminA: Admin;
  readonly adminB: Admin;
  readonly dir: string;
  close(): Promise<void>;
}

export async function startClusters(): Promise<Clusters> {
  const a = await startBroker({ port: 0 });
  const b = await startBroker({ port: 0 });
  const kafkaA = new Kafka({ clientId: 'test-a', brokers: [a.bootstrap], logLevel: logLevel.NOTHING });
  const kafkaB = new Kafka({ clientId: 'test-b', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
  const adminA = kafkaA.admin();
  const adminB = kafkaB.admin();
  await adminA.connect();
  await adminB.connect();
  const dir = await mkdtemp(join(tmpdir(), 'mirror-checkpoint-'));
  return {
    a,
    b,
    kafkaA,
    kafkaB,
    adminA,
    adminB,
    dir,
    async close() {
      await adminA.disconnect().catch(() => undefined);
      await adminB.disconnect().catch(() => undefined);
      await a.stop();
      await b.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A standalone worker whose own cluster is B (the mirror's default target). */
export async function startMirrorWorker(clusters: Clusters): Promise<StandaloneHandle> {
  const id = randomUUID().slice(0, 8);
  const workerPropsPath = join(clusters.dir, `worker-${id}.properties`);
  const props = {
    'bootstrap.servers': clusters.b.bootstrap,
    'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    'offset.storage.file.filename': join(clusters.dir, `offsets-${id}.json`),
    'offset.flush.interval.ms': '200',
    listeners: 'http://127.0.0.1:0',
  };
  await writeFile(
    workerPropsPath,
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    'utf8',
  );
  return runStandalone({
    workerPropsPath,
    connectorPaths: [],
    registry: new PluginRegistry([...builtinPlugins, ...mirrorPlugins]),
    stdout: { write: () => true },
    log: { level: process.env['TEST_LOG_LEVEL'] ?? 'silent', destination: 2 },
  });
}

/** Props of a checkpoint connector from A to B that runs every second. */
export function checkpointProps(clusters: Clusters, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'connector.class': 'org.apache.kafka.connect.mirror.MirrorCheckpointConnector',
    'tasks.max': '1',
    'source.cluster.alias': 'A',
    'target.cluster.alias': 'B',
    'source.cluster.bootstrap.servers': clusters.a.bootstrap,
    'target.cluster.bootstrap.servers': clusters.b.bootstrap,
    'emit.checkpoints.interval.seconds': '1',
    'sync.group.offsets.enabled': 'true',
    'sync.group.offsets.interval.seconds': '1',
    'refresh.groups.interval.seconds': '1',
    'checkpoints.topic.replication.factor': '1',
    ...extra,
  };
}

export async function createTopic(admin: Admin, topic: string, numPartitions = 1): Promise<void> {
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions, replicationFactor: 1 }] });
}

/** Produces `values` to one partition, in order. */
export async function produce(
  kafka: Kafka,
  topic: string,
  partition: number,
  values: readonly string[],
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: values.map((value) => ({ partition, value })) });
  } finally {
    await producer.disconnect();
  }
}

/** Writes offset syncs as the source task would (partition 0 of the syncs topic). */
export async function writeSyncs(kafka: Kafka, topic: string, syncs: readonly OffsetSync[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: syncs.map((s) => ({ partition: 0, ...encodeOffsetSync(s) })) });
  } finally {
    await producer.disconnect();
  }
}

/**
 * A consumer of `group` reads `topic` from its committed position (earliest when none),
 * commits `commitAt` (the next offset to read) on `partition` once it has consumed the
 * record before it, and leaves. Returns the values it consumed before the commit point.
 */
export async function consumeAndCommit(
  kafka: Kafka,
  group: string,
  topic: string,
  partition: number,
  commitAt: number,
): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async (payload) => {
        if (payload.partition !== partition) return;
        const offset = Number(payload.message.offset);
        if (offset >= commitAt) return;
        seen.push(payload.message.value?.toString() ?? '');
        if (offset === commitAt - 1) {
          await consumer.commitOffsets([{ topic, partition, offset: String(commitAt) }]);
          resolveDone();
        }
      },
    });
    await withTimeout(done, 30_000, `group ${group} to consume ${topic}-${partition} up to ${commitAt}`);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/**
 * Values a new member of `group` reads from one partition of `topic`, from the group's
 * committed position up to the end of the partition as it is now.
 */
export async function consumeToEnd(kafka: Kafka, group: string, topic: string, partition: number): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  const high = Number((await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition)?.high ?? 0);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    await consumer.run({
      eachMessage: async (payload) => {
        if (payload.partition !== partition) return;
        values.push(payload.message.value?.toString() ?? '');
        if (Number(payload.message.offset) >= high - 1) resolveDone();
      },
    });
    await withTimeout(done, 30_000, `group ${group} to read ${topic}-${partition} to offset ${high}`);
  } finally {
    await consumer.disconnect();
  }
  return values;
}

/** Every decoded record of partition 0 of `topic` on a cluster, oldest first. */
export async function readAll<T>(
  bootstrap: string,
  topic: string,
  decode: (key: Buffer | null, value: Buffer | null) => T,
): Promise<T[]> {
  const client = createWireClient({ bootstrapServers: [bootstrap] });
  const out: T[] = [];
  try {
    await readTopicToEnd(client, topic, 30_000, (key, value) => out.push(decode(key, value)));
  } finally {
    await client.close();
  }
  return out;
}

/** The committed offset of `group` on one partition, null when none. */
export async function committedOffset(
  admin: Admin,
  group: string,
  topic: string,
  partition: number,
): Promise<number | null> {
  const fetched = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const p = fetched[0]?.partitions.find((x) => x.partition === partition);
  const offset = Number(p?.offset ?? -1);
  return offset >= 0 ? offset : null;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms / 1000} s waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
