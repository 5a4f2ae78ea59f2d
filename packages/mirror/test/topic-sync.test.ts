import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConfigResourceTypes } from 'kafkajs';
import { DefaultConfigPropertyFilter, DefaultTopicFilter } from '../src/filters.js';
import {
  DefaultReplicationPolicy,
  IdentityReplicationPolicy,
  type ReplicationPolicy,
} from '../src/replication-policy.js';
import { TopicSync, type TopicSyncOptions } from '../src/topic-sync.js';
import { createTopic, type Env, startEnv, testLogger, uniquePrefix } from './harness.js';

let env: Env;

before(async () => {
  env = await startEnv();
});

after(async () => {
  await env?.close();
});

const TOPIC = 2 as ConfigResourceTypes;

function topicSync(
  prefix: string,
  more: Partial<TopicSyncOptions> = {},
  policy: ReplicationPolicy = new DefaultReplicationPolicy(),
): TopicSync {
  return new TopicSync({
    sourceAdmin: async () => env.a.admin,
    targetAdmin: async () => env.b.admin,
    policy,
    topicFilter: new DefaultTopicFilter([`${prefix}.*`, `(B\\.)?${prefix}.*`, 'heartbeats']),
    configFilter: new DefaultConfigPropertyFilter(),
    sourceAlias: 'A',
    targetAlias: 'B',
    replicationFactor: 1,
    isHeartbeatsReplicationEnabled: true,
    isTopicAutoCreate: true,
    adminTimeoutMs: 30_000,
    logger: testLogger(),
    ...more,
  });
}

async function ownConfigs(topic: string): Promise<Record<string, string>> {
  const { resources } = await env.b.admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: TOPIC, name: topic }],
  });
  const out: Record<string, string> = {};
  for (const e of resources[0]?.configEntries ?? []) if (e.configSource === 1) out[e.configName] = e.configValue;
  return out;
}

describe('TopicSync', () => {
  it('decides like MM2: filter or heartbeats, never internal topics or cycles', () => {
    const sync = topicSync('x');
    assert.ok(sync.shouldReplicateTopic('x-orders'));
    assert.ok(sync.shouldReplicateTopic('heartbeats'));
    assert.ok(sync.shouldReplicateTopic('C.heartbeats'), 'heartbeats of other flows, whatever the filter');
    assert.ok(!sync.shouldReplicateTopic('B.x-orders'), 'came from the target: a cycle');
    assert.ok(!sync.shouldReplicateTopic('x-offsets.internal'));
    assert.ok(!sync.shouldReplicateTopic('y-orders'));
    const noHeartbeats = topicSync('x', {
      isHeartbeatsReplicationEnabled: false,
      topicFilter: new DefaultTopicFilter(['x.*']),
    });
    assert.ok(!noHeartbeats.shouldReplicateTopic('heartbeats'));
  });

  it('creates remote topics with the same partitions and the source configs minus the excluded ones', async () => {
    const prefix = uniquePrefix();
    await createTopic(env.a, `${prefix}-one`, 4, {
      'retention.ms': '3600000',
      'cleanup.policy': 'compact',
      'min.insync.replicas': '1',
    });
    await createTopic(env.a, `${prefix}-two`, 1);
    const sync = topicSync(prefix);
    const topics = await sync.listSourceTopics();
    assert.deepEqual(topics, [
      { source: `${prefix}-one`, remote: `A.${prefix}-one`, partitions: 4 },
      { source: `${prefix}-two`, remote: `A.${prefix}-two`, partitions: 1 },
    ]);
    const result = await sync.ensureRemoteTopics(topics);
    assert.deepEqual(result.created, [`A.${prefix}-one`, `A.${prefix}-two`]);
    const md = await env.b.admin.fetchTopicMetadata({ topics: [`A.${prefix}-one`] });
    assert.equal(md.topics[0]?.partitions.length, 4);
    assert.deepEqual(await ownConfigs(`A.${prefix}-one`), { 'retention.ms': '3600000', 'cleanup.policy': 'compact' });
    assert.deepEqual(await ownConfigs(`A.${prefix}-two`), {});
    const again = await sync.ensureRemoteTopics(topics);
    assert.deepEqual(again, { created: [], grown: [], missing: [] }, 'nothing to do the second time');
  });

  it('raises the partition count, never lowers it, and never deletes topics', async () => {
    const prefix = uniquePrefix();
    await createTopic(env.a, `${prefix}-grow`, 2);
    await createTopic(env.b, `A.${prefix}-grow`, 1);
    await createTopic(env.a, `${prefix}-more`, 1);
    await createTopic(env.b, `A.${prefix}-more`, 3);
    const sync = topicSync(prefix);
    const result = await sync.ensureRemoteTopics(await sync.listSourceTopics());
    assert.deepEqual(result.grown, [`A.${prefix}-grow`]);
    const md = await env.b.admin.fetchTopicMetadata({ topics: [`A.${prefix}-grow`, `A.${prefix}-more`] });
    const counts = Object.fromEntries(md.topics.map((t) => [t.name, t.partitions.length]));
    assert.deepEqual(counts, { [`A.${prefix}-grow`]: 2, [`A.${prefix}-more`]: 3 });
  });

  it('syncs topic configs and keeps settings made only on the target', async () => {
    const prefix = uniquePrefix();
    const source = `${prefix}-cfg`;
    await createTopic(env.a, source, 1, { 'retention.ms': '1000000' });
    const sync = topicSync(prefix);
    const topics = await sync.listSourceTopics();
    await sync.ensureRemoteTopics(topics);
    await env.b.admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: TOPIC,
          name: `A.${source}`,
          configEntries: [
            { name: 'retention.ms', value: '1000000' },
            { name: 'segment.ms', value: '7200000' },
          ],
        },
      ],
    });
    await env.a.admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: TOPIC,
          name: source,
          configEntries: [
            { name: 'retention.ms', value: '2000000' },
            { name: 'max.message.bytes', value: '500000' },
          ],
        },
      ],
    });
    assert.deepEqual(await sync.syncTopicConfigs(topics), [`A.${source}`]);
    assert.deepEqual(await ownConfigs(`A.${source}`), {
      'retention.ms': '2000000',
      'max.message.bytes': '500000',
      'segment.ms': '7200000',
    });
    assert.deepEqual(await sync.syncTopicConfigs(topics), [], 'no change: no write');
  });

  it('only reports missing remote topics when topic.auto.create=false', async () => {
    const prefix = uniquePrefix();
    await createTopic(env.a, `${prefix}-nocreate`, 1);
    const sync = topicSync(
      prefix,
      { isTopicAutoCreate: false },
      new IdentityReplicationPolicy({ sourceClusterAlias: 'A' }),
    );
    const result = await sync.ensureRemoteTopics(await sync.listSourceTopics());
    assert.deepEqual(result.missing, [`${prefix}-nocreate`]);
    assert.ok(!(await env.b.admin.listTopics()).includes(`${prefix}-nocreate`));
  });
});
