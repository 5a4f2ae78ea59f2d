import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { waitFor } from '@tributary/testkit';
import type { ConfigResourceTypes } from 'kafkajs';
import { decodeOffsetSync } from '../src/internal-records.js';
import { TOPIC_PLACEHOLDER } from '../src/replication-policy.js';
import {
  consumeAll,
  createTopic,
  type Env,
  mirrorProps,
  produce,
  startEnv,
  uniquePrefix,
  waitForCount,
  waitForRunning,
} from './harness.js';

let env: Env;

before(async () => {
  env = await startEnv();
});

after(async () => {
  await env?.close();
});

/** `count` JSON messages per partition, keyed, with a header and fixed timestamps. */
function jsonMessages(topic: string, partitions: number, count: number) {
  return Array.from({ length: partitions * count }, (_, i) => ({
    partition: i % partitions,
    key: `k${i}`,
    value: JSON.stringify({ topic, i }),
    timestamp: String(1_700_000_000_000 + i),
    headers: { origin: `h${i}` },
  }));
}

async function describeConfigs(admin: Env['a']['admin'], topic: string) {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2 as ConfigResourceTypes, name: topic }],
  });
  return resources[0]?.configEntries ?? [];
}

describe('MirrorSourceConnector under the standalone runtime', () => {
  it('replicates 3 topics to A.<topic> with the same partitions, keys, values, headers and timestamps (Default policy)', async () => {
    const prefix = uniquePrefix();
    const topics = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    const perPartition = 40;
    for (const t of topics) {
      await createTopic(env.a, t, 3, { 'retention.ms': '86400000', 'min.insync.replicas': '1' });
      await produce(env.a, t, jsonMessages(t, 3, perPartition));
    }
    const worker = await env.startWorker();
    try {
      await worker.herder.putConnectorConfig('mirror-default', mirrorProps(env, { topics: `${prefix}-.*` }), {
        allowReplace: false,
      });
      await waitForRunning(worker.herder, 'mirror-default', 2);
      for (const t of topics) {
        const remote = `A.${t}`;
        const records = await consumeAll(env.b, remote, 3 * perPartition);
        assert.equal(records.length, 3 * perPartition, remote);
        const metadata = await env.b.admin.fetchTopicMetadata({ topics: [remote] });
        assert.equal(metadata.topics[0]?.partitions.length, 3);
        for (const r of records) {
          const parsed = JSON.parse(r.value ?? 'null') as { topic: string; i: number };
          assert.equal(parsed.topic, t);
          assert.equal(r.partition, parsed.i % 3, 'same partition');
          assert.equal(r.key, `k${parsed.i}`);
          assert.equal(r.timestamp, 1_700_000_000_000 + parsed.i);
          assert.deepEqual(r.headers, { origin: `h${parsed.i}` });
        }
        for (let p = 0; p < 3; p++) {
          const order = records
            .filter((r) => r.partition === p)
            .map((r) => (JSON.parse(r.value ?? '{}') as { i: number }).i);
          assert.deepEqual(
            order,
            [...order].sort((x, y) => x - y),
            `source order in partition ${p}`,
          );
        }
        const configs = await describeConfigs(env.b.admin, remote);
        const retention = configs.find((c) => c.configName === 'retention.ms');
        assert.equal(retention?.configValue, '86400000', 'retention.ms copied');
        const minIsr = configs.find((c) => c.configName === 'min.insync.replicas');
        assert.notEqual(minIsr?.configSource, 1, 'min.insync.replicas is excluded');
      }
      assert.ok(
        !(await env.b.admin.listTopics()).includes(topics[0] ?? ''),
        'no un-prefixed topic with the Default policy',
      );
    } finally {
      await worker.stop();
    }
  });

  it('replicates to <topic> with IdentityReplicationPolicy', async () => {
    const prefix = uniquePrefix();
    const topics = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const t of topics) {
      await createTopic(env.a, t, 2);
      await produce(env.a, t, jsonMessages(t, 2, 25));
    }
    const worker = await env.startWorker();
    try {
      await worker.herder.putConnectorConfig(
        'mirror-identity',
        mirrorProps(env, {
          topics: `${prefix}-.*`,
          'replication.policy.class': 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
        }),
        { allowReplace: false },
      );
      await waitForRunning(worker.herder, 'mirror-identity', 2);
      for (const t of topics) {
        const records = await consumeAll(env.b, t, 50);
        assert.equal(records.length, 50);
        assert.deepEqual(new Set(records.map((r) => JSON.parse(r.value ?? '{}').topic)), new Set([t]));
      }
    } finally {
      await worker.stop();
    }
  });

  it('does not replicate records of aborted source transactions', async () => {
    const prefix = uniquePrefix();
    const topic = `${prefix}-txn`;
    await createTopic(env.a, topic, 1);
    const producer = env.a.kafka.producer({
      transactionalId: `tx-${prefix}`,
      maxInFlightRequests: 1,
      idempotent: true,
    });
    await producer.connect();
    try {
      for (let i = 0; i < 6; i++) {
        const txn = await producer.transaction();
        await txn.send({ topic, messages: [{ value: `v${i}-1` }, { value: `v${i}-2` }] });
        if (i % 3 === 1) await txn.abort();
        else await txn.commit();
      }
    } finally {
      await producer.disconnect();
    }
    const committed = Array.from({ length: 6 }, (_, i) => i)
      .filter((i) => i % 3 !== 1)
      .flatMap((i) => [`v${i}-1`, `v${i}-2`]);
    const worker = await env.startWorker();
    try {
      await worker.herder.putConnectorConfig('mirror-txn', mirrorProps(env, { topics: topic, 'tasks.max': '1' }), {
        allowReplace: false,
      });
      await waitForRunning(worker.herder, 'mirror-txn', 1);
      const records = await consumeAll(env.b, `A.${topic}`, committed.length);
      // Wait a little longer for anything beyond the committed records: the end offset tells.
      await waitForCount(env.b, `A.${topic}`, committed.length);
      const ends = await env.b.admin.fetchTopicOffsets(`A.${topic}`);
      assert.equal(Number(ends[0]?.high), committed.length, 'only committed records on the target');
      assert.deepEqual(
        records.map((r) => r.value),
        committed,
      );
      // Upstream 0-1 | marker 2 | aborted 3-4 | 5 | 6-7 | 8 | 9-10 | 11 | aborted 12-13 | 14 | 15-16: every gap has a run end and a run start.
      const syncs = await waitFor(
        'offset syncs of the transactional topic',
        async () => {
          const mine = (await readSyncs('mm2-offset-syncs.B.internal')).filter((x) => x.topic === topic);
          return mine.some((x) => x.upstreamOffset === 16) ? mine : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 300 },
      );
      assert.deepEqual(
        syncs.map((x) => [x.upstreamOffset, x.downstreamOffset]),
        [
          [0, 0],
          [1, 1],
          [6, 2],
          [7, 3],
          [9, 4],
          [10, 5],
          [15, 6],
          [16, 7],
        ],
      );
    } finally {
      await worker.stop();
    }
  });

  it('resumes after a restart without losing or repeating records', async () => {
    const prefix = uniquePrefix();
    const topic = `${prefix}-restart`;
    await createTopic(env.a, topic, 2);
    await produce(env.a, topic, jsonMessages(topic, 2, 30));
    const offsetFile = `${env.dir}/restart-${prefix}.json`;
    const props = mirrorProps(env, { topics: topic });
    let worker = await env.startWorker(offsetFile);
    await worker.herder.putConnectorConfig('mirror-restart', props, { allowReplace: false });
    await waitForRunning(worker.herder, 'mirror-restart', 2);
    await waitForCount(env.b, `A.${topic}`, 60);
    await worker.stop();
    const more = jsonMessages(topic, 2, 50).slice(60);
    await produce(env.a, topic, more);
    worker = await env.startWorker(offsetFile);
    try {
      await worker.herder.putConnectorConfig('mirror-restart', props, { allowReplace: false });
      await waitForRunning(worker.herder, 'mirror-restart', 2);
      await waitForCount(env.b, `A.${topic}`, 100);
      const records = await consumeAll(env.b, `A.${topic}`, 100);
      const seen = records.map((r) => (JSON.parse(r.value ?? '{}') as { i: number }).i).sort((x, y) => x - y);
      assert.deepEqual(
        seen,
        Array.from({ length: 100 }, (_, i) => i),
      );
    } finally {
      await worker.stop();
    }
  });

  it('picks up a new topic and a partition increase within the refresh interval', async () => {
    const prefix = uniquePrefix();
    const first = `${prefix}-first`;
    await createTopic(env.a, first, 1);
    await produce(env.a, first, jsonMessages(first, 1, 5));
    const worker = await env.startWorker();
    try {
      await worker.herder.putConnectorConfig('mirror-refresh', mirrorProps(env, { topics: `${prefix}-.*` }), {
        allowReplace: false,
      });
      await waitForRunning(worker.herder, 'mirror-refresh', 1);
      await waitForCount(env.b, `A.${first}`, 5);

      const second = `${prefix}-second`;
      await createTopic(env.a, second, 2);
      await produce(env.a, second, jsonMessages(second, 2, 5));
      await waitForCount(env.b, `A.${second}`, 10);

      await env.a.admin.createPartitions({ topicPartitions: [{ topic: first, count: 3 }] });
      await waitFor(
        `A.${first} with 3 partitions on B`,
        async () => {
          const md = await env.b.admin.fetchTopicMetadata({ topics: [`A.${first}`] });
          return md.topics[0]?.partitions.length === 3 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      await produce(env.a, first, [{ partition: 2, value: JSON.stringify({ topic: first, i: 99 }) }]);
      await waitFor(
        `the record in new partition 2 of A.${first}`,
        async () => {
          const ends = await env.b.admin.fetchTopicOffsets(`A.${first}`);
          return Number(ends.find((e) => e.partition === 2)?.high ?? 0) >= 1 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    } finally {
      await worker.stop();
    }
  });

  it('writes decodable offset syncs to mm2-offset-syncs.B.internal on the source cluster', async () => {
    const prefix = uniquePrefix();
    const topic = `${prefix}-syncs`;
    await createTopic(env.a, topic, 1);
    await produce(env.a, topic, jsonMessages(topic, 1, 250));
    const worker = await env.startWorker();
    try {
      await worker.herder.putConnectorConfig('mirror-syncs', mirrorProps(env, { topics: topic, 'tasks.max': '1' }), {
        allowReplace: false,
      });
      await waitForRunning(worker.herder, 'mirror-syncs', 1);
      await waitForCount(env.b, `A.${topic}`, 250);
      const syncTopic = 'mm2-offset-syncs.B.internal';
      const syncs = await waitFor(
        'offset syncs up to the last record',
        async () => {
          const all = await readSyncs(syncTopic);
          const mine = all.filter((s) => s.topic === topic);
          return mine.some((s) => s.upstreamOffset === 249) ? mine : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 300 },
      );
      assert.deepEqual(syncs[0], { topic, partition: 0, upstreamOffset: 0, downstreamOffset: 0 });
      for (const s of syncs) assert.equal(s.upstreamOffset, s.downstreamOffset, 'no gaps: same offsets');
      const metadata = await env.a.admin.fetchTopicMetadata({ topics: [syncTopic] });
      assert.equal(metadata.topics[0]?.partitions.length, 1);
    } finally {
      await worker.stop();
    }
  });

  it('goes through poll() and commitRecord when a transform is configured: same bytes, offset syncs still written', async () => {
    const prefix = uniquePrefix();
    const topic = `${prefix}-records`;
    await createTopic(env.a, topic, 2);
    const binary = Buffer.from([0, 0xff, 0x80, 0x41]);
    await produce(
      env.a,
      topic,
      jsonMessages(topic, 2, 20).map((m) => ({ ...m, headers: { ...m.headers, bin: binary, 'drop-me': 'x' } })),
    );
    const worker = await env.startWorker();
    try {
      await worker.herder.putConnectorConfig(
        'mirror-records',
        mirrorProps(env, {
          topics: topic,
          'header.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
          transforms: 'drop',
          'transforms.drop.type': 'org.apache.kafka.connect.transforms.DropHeaders',
          'transforms.drop.headers': 'drop-me',
        }),
        { allowReplace: false },
      );
      await waitForRunning(worker.herder, 'mirror-records', 2);
      const records = await consumeAll(env.b, `A.${topic}`, 40);
      for (const r of records) {
        const parsed = JSON.parse(r.value ?? 'null') as { i: number };
        assert.equal(r.partition, parsed.i % 2);
        assert.equal(r.key, `k${parsed.i}`);
        assert.equal(r.timestamp, 1_700_000_000_000 + parsed.i);
        assert.deepEqual(Object.keys(r.headers).sort(), ['bin', 'origin']);
        assert.equal(r.headers['origin'], `h${parsed.i}`);
        assert.equal(r.headers['bin'], binary.toString());
      }
      await waitFor(
        'offset syncs of both partitions',
        async () => {
          const mine = (await readSyncs('mm2-offset-syncs.B.internal')).filter((x) => x.topic === topic);
          return [0, 1].every((p) => mine.some((x) => x.partition === p && x.upstreamOffset === 19)) ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 300 },
      );
    } finally {
      await worker.stop();
    }
  });

  it('starts over at the earliest offset when its stored offset is out of range', async () => {
    const prefix = uniquePrefix();
    const topic = `${prefix}-range`;
    await createTopic(env.a, topic, 1);
    await produce(env.a, topic, jsonMessages(topic, 1, 10));
    const offsetFile = `${env.dir}/range-${prefix}.json`;
    const props = mirrorProps(env, { topics: topic, 'tasks.max': '1' });
    let worker = await env.startWorker(offsetFile);
    await worker.herder.putConnectorConfig('mirror-range', props, { allowReplace: false });
    await waitForRunning(worker.herder, 'mirror-range', 1);
    await waitForCount(env.b, `A.${topic}`, 10);
    await worker.stop();
    // Stored: offset 9 (resume at 10). The source loses 0..14: 10 is out of range.
    await produce(env.a, topic, jsonMessages(topic, 1, 20).slice(10));
    await env.a.admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs needs the leader in its metadata
    await env.a.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '15' }] });
    worker = await env.startWorker(offsetFile);
    try {
      await worker.herder.putConnectorConfig('mirror-range', props, { allowReplace: false });
      await waitForRunning(worker.herder, 'mirror-range', 1);
      await waitForCount(env.b, `A.${topic}`, 15);
      const records = await consumeAll(env.b, `A.${topic}`, 15);
      const seen = records.map((r) => (JSON.parse(r.value ?? '{}') as { i: number }).i);
      assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 18, 19]);
    } finally {
      await worker.stop();
    }
  });

  it('accepts the Replicator connector JSON: src.kafka.*, topic.whitelist, topic.rename.format, ZooKeeper keys ignored', async () => {
    const prefix = uniquePrefix();
    const topic = `${prefix}-repl`;
    await createTopic(env.a, topic, 1);
    await produce(env.a, topic, jsonMessages(topic, 1, 7));
    const path = new URL('../../../../shared/compat/replicator-connector.json', import.meta.url);
    const body = JSON.parse(readFileSync(path, 'utf8')) as { config: Record<string, string> };
    const config = {
      ...body.config,
      'src.kafka.bootstrap.servers': env.a.broker.bootstrap,
      'src.zookeeper.connect': '127.0.0.1:2181',
      'dest.zookeeper.connect': '127.0.0.1:2181',
      'topic.whitelist': topic,
      'topic.rename.format': `${TOPIC_PLACEHOLDER}.replica`,
      'replication.factor': '1',
      'offset-syncs.topic.replication.factor': '1',
    };
    const worker = await env.startWorker();
    try {
      await worker.herder.putConnectorConfig('replicator', config, { allowReplace: false });
      await waitForRunning(worker.herder, 'replicator', 1);
      const records = await consumeAll(env.b, `${topic}.replica`, 7);
      assert.equal(records.length, 7);
    } finally {
      await worker.stop();
    }
  });

  it('rejects a config without a source cluster, naming source.cluster.bootstrap.servers', async () => {
    const worker = await env.startWorker();
    try {
      const props = mirrorProps(env, { topics: 'nothing' });
      delete props['source.cluster.bootstrap.servers'];
      await assert.rejects(
        worker.herder.putConnectorConfig('mirror-nosource', props, { allowReplace: false }),
        (err: unknown) =>
          err instanceof ConfigError && err.problems.some((p) => p.key === 'source.cluster.bootstrap.servers'),
      );
      assert.deepEqual(worker.herder.connectors(), []);
    } finally {
      await worker.stop();
    }
  });

  it('writes offset syncs on the target with offset-syncs.topic.location=target, and none with emit.offset-syncs.enabled=false', async () => {
    const prefix = uniquePrefix();
    const topic = `${prefix}-loc`;
    await createTopic(env.a, topic, 1);
    await produce(env.a, topic, jsonMessages(topic, 1, 12));
    const worker = await env.startWorker();
    try {
      await worker.herder.putConnectorConfig(
        'mirror-loc',
        mirrorProps(env, {
          topics: topic,
          'tasks.max': '1',
          'source.cluster.alias': 'S1',
          'offset-syncs.topic.location': 'target',
        }),
        { allowReplace: false },
      );
      await worker.herder.putConnectorConfig(
        'mirror-nosyncs',
        mirrorProps(env, {
          topics: topic,
          'tasks.max': '1',
          'source.cluster.alias': 'S2',
          'target.cluster.alias': 'T2',
          'emit.offset-syncs.enabled': 'false',
        }),
        { allowReplace: false },
      );
      await waitForRunning(worker.herder, 'mirror-loc', 1);
      await waitForRunning(worker.herder, 'mirror-nosyncs', 1);
      await waitForCount(env.b, `S1.${topic}`, 12);
      await waitForCount(env.b, `S2.${topic}`, 12);
      const syncs = await waitFor(
        'offset syncs on the target',
        async () => {
          const found = await readSyncs('mm2-offset-syncs.S1.internal', env.b);
          return found.some((x) => x.upstreamOffset === 11) ? found : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 300 },
      );
      assert.ok(syncs.every((x) => x.topic === topic));
      assert.ok(!(await env.a.admin.listTopics()).includes('mm2-offset-syncs.T2.internal'));
      assert.ok(!(await env.b.admin.listTopics()).includes('mm2-offset-syncs.S2.internal'));
    } finally {
      await worker.stop();
    }
  });
});

async function readSyncs(topic: string, cluster = env.a) {
  const ends = await cluster.admin.fetchTopicOffsets(topic);
  const total = ends.reduce((n, e) => n + Number(e.high), 0);
  if (total === 0) return [];
  const consumer = cluster.kafka.consumer({ groupId: `syncs-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 100 });
  const out: ReturnType<typeof decodeOffsetSync>[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        out.push(decodeOffsetSync(message.key, message.value));
      },
    });
    await waitFor(`${total} offset syncs`, () => (out.length >= total ? true : undefined), { timeoutMs: 30_000 });
  } finally {
    await consumer.disconnect();
  }
  return out;
}
