import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Reader, Writer } from '@tributary/protocol';
import { type Admin, AssignerProtocol, type Consumer, type ConsumerConfig, type Kafka } from 'kafkajs';
import { startBroker } from '../src/index.js';
import { kafkaFor, kcat, sleep, uniqueName, withBroker } from './fixtures.js';
import {
  commitOffsets,
  fetchOffsets,
  heartbeat,
  joinGroup,
  joinWithMemberId,
  listGroups,
  syncGroup,
  WireClient,
} from './group-wire-client.js';

const ERR = {
  NONE: 0,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  OFFSET_METADATA_TOO_LARGE: 12,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  MEMBER_ID_REQUIRED: 79,
} as const;

/** Consumer settings that make rebalances take about a second instead of ten. */
const FAST: Omit<ConsumerConfig, 'groupId'> = {
  maxWaitTimeInMs: 500,
  heartbeatInterval: 500,
  sessionTimeout: 6000,
  rebalanceTimeout: 20_000,
};

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

async function produce(kafka: Kafka, topic: string, messages: { value: string; partition?: number }[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

interface GroupView {
  state: string;
  /** memberId → partitions of `topic` assigned to it, sorted. */
  assignments: Map<string, number[]>;
}

async function describeGroup(admin: Admin, groupId: string, topic: string): Promise<GroupView> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0];
  assert.ok(g, `no description for ${groupId}`);
  const assignments = new Map<string, number[]>();
  for (const m of g.members) {
    const decoded = m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
    assignments.set(
      m.memberId,
      [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b),
    );
  }
  return { state: g.state, assignments };
}

/** True when the group is Stable with `members` members that split all `partitions` between them. */
function isSplit(view: GroupView, members: number, partitions: number): boolean {
  if (view.state !== 'Stable' || view.assignments.size !== members) return false;
  const all = [...view.assignments.values()].flat();
  return (
    [...view.assignments.values()].every((a) => a.length > 0) &&
    all.length === partitions &&
    new Set(all).size === partitions
  );
}

interface RunningConsumer {
  consumer: Consumer;
  /** Each message this consumer handled, in order. */
  handled: { partition: number; value: string }[];
  memberId: () => string | null;
}

async function runConsumer(
  kafka: Kafka,
  groupId: string,
  topic: string,
  config: Partial<ConsumerConfig> = {},
): Promise<RunningConsumer> {
  const consumer = kafka.consumer({ groupId, ...FAST, ...config });
  const handled: RunningConsumer['handled'] = [];
  let memberId: string | null = null;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    memberId = e.payload.memberId;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      handled.push({ partition, value: message.value?.toString() ?? '' });
    },
  });
  return { consumer, handled, memberId: () => memberId };
}

/** kafkajs's own protocol entry, so raw members can share a group with kafkajs consumers. */
function roundRobin(topic: string): { name: string; metadata: Buffer } {
  return {
    name: 'RoundRobinAssigner',
    metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics: [topic], userData: Buffer.alloc(0) }),
  };
}

/** A commit from outside the group (generation −1, no member id), as admin tools and MirrorMaker send. */
async function simpleCommit(
  c: WireClient,
  groupId: string,
  topic: string,
  partitions: { partition: number; offset: number }[],
): Promise<void> {
  const errors = await commitOffsets(c, {
    groupId,
    generationId: -1,
    memberId: '',
    topics: [{ name: topic, partitions }],
  });
  assert.deepEqual(
    [...errors.values()],
    partitions.map(() => 0),
    `simple commit to ${groupId}`,
  );
}

function assignmentOf(topic: string, partitions: number[]): Buffer {
  return AssignerProtocol.MemberAssignment.encode({
    version: 1,
    assignment: { [topic]: partitions },
    userData: Buffer.alloc(0),
  });
}

describe('consumer groups with kafkajs', () => {
  it('commits while consuming, and a new consumer in the same group resumes after the last commit', async () => {
    await withBroker(async (broker) => {
      const kafka = kafkaFor(broker);
      const topic = uniqueName('resume');
      const groupId = uniqueName('g');
      await produce(
        kafka,
        topic,
        ['a', 'b', 'c', 'd', 'e'].map((value) => ({ value })),
      );

      const first = kafka.consumer({ groupId, ...FAST });
      await first.connect();
      await first.subscribe({ topic, fromBeginning: true });
      const firstSeen: string[] = [];
      await first.run({
        eachMessage: async ({ message }) => {
          firstSeen.push(message.value?.toString() ?? '');
        },
      });
      await waitFor('the first consumer to read 5 messages', () => firstSeen.length >= 5);
      await withAdmin(kafka, async (admin) => {
        await waitFor('offset 5 to be committed', async () => {
          const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
          return t?.partitions[0]?.offset === '5';
        });
      });
      await first.disconnect();
      assert.deepEqual(firstSeen, ['a', 'b', 'c', 'd', 'e']);

      await produce(
        kafka,
        topic,
        ['f', 'g'].map((value) => ({ value })),
      );
      const second = kafka.consumer({ groupId, ...FAST });
      await second.connect();
      await second.subscribe({ topic, fromBeginning: true });
      const secondSeen: { offset: string; value: string }[] = [];
      await second.run({
        eachMessage: async ({ message }) => {
          secondSeen.push({ offset: message.offset, value: message.value?.toString() ?? '' });
        },
      });
      await waitFor('the second consumer to read 2 messages', () => secondSeen.length >= 2);
      await second.disconnect();
      assert.deepEqual(secondSeen, [
        { offset: '5', value: 'f' },
        { offset: '6', value: 'g' },
      ]);
    });
  });

  it('splits partitions between two, then three members as they join, and each reads only its own partitions', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        const topic = uniqueName('split');
        const groupId = uniqueName('g');
        const members: RunningConsumer[] = [];
        try {
          await withAdmin(kafka, async (admin) => {
            members.push(await runConsumer(kafka, groupId, topic));
            await waitFor('one member owning all 6 partitions', async () =>
              isSplit(await describeGroup(admin, groupId, topic), 1, 6),
            );
            members.push(await runConsumer(kafka, groupId, topic));
            await waitFor('two members splitting 6 partitions', async () =>
              isSplit(await describeGroup(admin, groupId, topic), 2, 6),
            );
            members.push(await runConsumer(kafka, groupId, topic));
            await waitFor('three members splitting 6 partitions', async () =>
              isSplit(await describeGroup(admin, groupId, topic), 3, 6),
            );

            const view = await describeGroup(admin, groupId, topic);
            assert.equal(view.state, 'Stable');
            await produce(
              kafka,
              topic,
              [0, 1, 2, 3, 4, 5].map((partition) => ({ value: `p${partition}`, partition })),
            );
            await waitFor('all 6 messages to be handled', () => members.reduce((n, m) => n + m.handled.length, 0) >= 6);
            for (const m of members) {
              const memberId = m.memberId();
              assert.ok(memberId);
              const owned = view.assignments.get(memberId);
              assert.ok(owned, `member ${memberId} is not in the description`);
              assert.deepEqual(
                [...new Set(m.handled.map((h) => h.partition))].sort((a, b) => a - b),
                owned,
                'each member reads exactly the partitions assigned to it',
              );
              for (const h of m.handled) assert.equal(h.value, `p${h.partition}`);
            }
          });
        } finally {
          await Promise.all(members.map((m) => m.consumer.disconnect()));
        }
      },
      { numPartitions: 6 },
    );
  });

  it('describes the group as Empty with no members after its last consumer disconnects', async () => {
    await withBroker(async (broker) => {
      const kafka = kafkaFor(broker);
      const topic = uniqueName('empty');
      const groupId = uniqueName('g');
      await produce(kafka, topic, [{ value: 'x' }]);
      const member = await runConsumer(kafka, groupId, topic);
      await withAdmin(kafka, async (admin) => {
        await waitFor(
          'the group to be Stable',
          async () => (await describeGroup(admin, groupId, topic)).state === 'Stable',
        );
        const stable = (await admin.describeGroups([groupId])).groups[0];
        assert.equal(stable?.protocolType, 'consumer');
        assert.equal(stable?.protocol, 'RoundRobinAssigner');
        assert.equal(stable?.members[0]?.clientId, 'tributary-test');
        assert.equal(stable?.members[0]?.clientHost, '/127.0.0.1');
        await member.consumer.disconnect();
        const { groups } = await admin.describeGroups([groupId]);
        assert.equal(groups[0]?.state, 'Empty');
        assert.deepEqual(groups[0]?.members, []);
        assert.equal(groups[0]?.protocol, '');
      });
    });
  });

  it('evicts a consumer whose process was killed once its session times out, and the survivor takes over its partitions', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        const topic = uniqueName('killed');
        const groupId = uniqueName('g');
        await produce(kafka, topic, [{ value: 'create' }]);
        const survivor = await runConsumer(kafka, groupId, topic);
        // A real consumer in another process: SIGKILL means no LeaveGroup, only silence.
        const doomed = spawn(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const { Kafka, logLevel } = await import('kafkajs');
             const [bootstrap, groupId, topic] = process.argv.slice(1);
             const kafka = new Kafka({ clientId: 'doomed', brokers: [bootstrap], logLevel: logLevel.NOTHING });
             const consumer = kafka.consumer({ groupId, sessionTimeout: 1500, heartbeatInterval: 300, maxWaitTimeInMs: 300, rebalanceTimeout: 20000 });
             await consumer.connect();
             await consumer.subscribe({ topic, fromBeginning: true });
             await consumer.run({ eachMessage: async () => {} });`,
            broker.bootstrap,
            groupId,
            topic,
          ],
          { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'ignore' },
        );
        const exited = new Promise<void>((resolve) => doomed.on('exit', () => resolve()));
        try {
          await withAdmin(kafka, async (admin) => {
            await waitFor('both consumers to share the partitions', async () =>
              isSplit(await describeGroup(admin, groupId, topic), 2, 2),
            );
            doomed.kill('SIGKILL');
            await exited;
            await waitFor('the survivor to own both partitions', async () => {
              const view = await describeGroup(admin, groupId, topic);
              const memberId = survivor.memberId();
              return isSplit(view, 1, 2) && memberId !== null && view.assignments.has(memberId);
            });
          });
        } finally {
          doomed.kill('SIGKILL');
          await survivor.consumer.disconnect();
        }
      },
      { numPartitions: 2, groupMinSessionTimeoutMs: 1000 },
    );
  });

  it('lists, describes and deletes groups, refusing groups with members and unknown groups', async () => {
    await withBroker(async (broker) => {
      const kafka = kafkaFor(broker);
      const topic = uniqueName('admin');
      const active = uniqueName('active');
      const idle = uniqueName('idle');
      await produce(kafka, topic, [{ value: 'x' }]);
      const member = await runConsumer(kafka, active, topic);
      const c = await WireClient.open(broker.bootstrap);
      try {
        await simpleCommit(c, idle, topic, [{ partition: 0, offset: 1 }]);
        await withAdmin(kafka, async (admin) => {
          await waitFor(
            'the active group to be Stable',
            async () => (await describeGroup(admin, active, topic)).state === 'Stable',
          );

          const listed = (await admin.listGroups()).groups.filter((g) => g.groupId === active || g.groupId === idle);
          assert.deepEqual(
            listed.sort((a, b) => a.groupId.localeCompare(b.groupId)),
            [
              { groupId: active, protocolType: 'consumer' },
              { groupId: idle, protocolType: '' },
            ].sort((a, b) => a.groupId.localeCompare(b.groupId)),
          );
          const described = await admin.describeGroups([active, idle, 'never-seen']);
          assert.deepEqual(
            described.groups.map((g) => [g.groupId, g.state, g.members.length]),
            [
              [active, 'Stable', 1],
              [idle, 'Empty', 0],
              ['never-seen', 'Dead', 0],
            ],
          );

          await assert.rejects(
            admin.deleteGroups([active]),
            (err: Error & { groups?: { groupId: string; errorCode: number }[] }) => {
              assert.equal(err.name, 'KafkaJSDeleteGroupsError');
              assert.deepEqual(
                err.groups?.map((g) => [g.groupId, g.errorCode]),
                [[active, ERR.NON_EMPTY_GROUP]],
              );
              return true;
            },
          );
          await assert.rejects(
            admin.deleteGroups(['never-seen']),
            (err: Error & { groups?: { groupId: string; errorCode: number }[] }) => {
              assert.deepEqual(
                err.groups?.map((g) => [g.groupId, g.errorCode]),
                [['never-seen', ERR.GROUP_ID_NOT_FOUND]],
              );
              return true;
            },
          );

          const deleted = await admin.deleteGroups([idle]);
          assert.deepEqual(
            deleted.map((g) => [g.groupId, g.errorCode]),
            [[idle, ERR.NONE]],
          );
          assert.equal(
            (await admin.listGroups()).groups.some((g) => g.groupId === idle),
            false,
          );
          const [offsets] = await admin.fetchOffsets({ groupId: idle, topics: [topic] });
          assert.equal(offsets?.partitions[0]?.offset, '-1', 'deleting a group deletes its offsets');
        });
      } finally {
        c.close();
        await member.consumer.disconnect();
      }
    });
  });

  it('fetches every committed partition of a group when no topics are named', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        const t1 = uniqueName('all-a');
        const t2 = uniqueName('all-b');
        const never = uniqueName('all-never');
        const groupId = uniqueName('g');
        await produce(kafka, t1, [{ value: 'x' }]);
        await produce(kafka, t2, [{ value: 'x' }]);
        await produce(kafka, never, [{ value: 'x' }]);
        const c = await WireClient.open(broker.bootstrap);
        try {
          await simpleCommit(c, groupId, t1, [{ partition: 1, offset: 7 }]);
          await simpleCommit(c, groupId, t2, [
            { partition: 1, offset: 4 },
            { partition: 0, offset: 3 },
          ]);
        } finally {
          c.close();
        }
        await withAdmin(kafka, async (admin) => {
          const all = await admin.fetchOffsets({ groupId, topics: [] });
          const byTopic = Object.fromEntries(
            all.map((t) => [t.topic, t.partitions.map((p) => [p.partition, p.offset])]),
          );
          assert.deepEqual(byTopic, {
            [t1]: [[1, '7']],
            [t2]: [
              [0, '3'],
              [1, '4'],
            ],
          });
        });
      },
      { numPartitions: 2 },
    );
  });

  it('stores the negative sentinels of resetOffsets verbatim and the exact offsets of setOffsets', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        const topic = uniqueName('reset');
        const groupId = uniqueName('g');
        await produce(kafka, topic, [{ value: 'x' }]);
        await withAdmin(kafka, async (admin) => {
          const offsets = async (): Promise<[number, string][]> =>
            ((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? []).map((p) => [
              p.partition,
              p.offset,
            ]);
          await admin.setOffsets({
            groupId,
            topic,
            partitions: [
              { partition: 0, offset: '1' },
              { partition: 1, offset: '0' },
            ],
          });
          assert.deepEqual(await offsets(), [
            [0, '1'],
            [1, '0'],
          ]);
          await admin.resetOffsets({ groupId, topic, earliest: true });
          assert.deepEqual(await offsets(), [
            [0, '-2'],
            [1, '-2'],
          ]);
          await admin.resetOffsets({ groupId, topic, earliest: false });
          assert.deepEqual(await offsets(), [
            [0, '-1'],
            [1, '-1'],
          ]);
          assert.equal((await admin.describeGroups([groupId])).groups[0]?.state, 'Empty');
        });
      },
      { numPartitions: 2 },
    );
  });
});

describe('group coordinator protocol details', () => {
  it('answers a first JoinGroup v4+ with MEMBER_ID_REQUIRED and an id, but lets v3 join directly', async () => {
    await withBroker(async (broker) => {
      const c = await WireClient.open(broker.bootstrap, 'wire-test');
      try {
        const groupId = uniqueName('g');
        const required = await joinGroup(c, { groupId });
        assert.equal(required.errorCode, ERR.MEMBER_ID_REQUIRED);
        assert.equal(required.generationId, -1);
        assert.match(required.memberId, /^wire-test-[0-9a-f-]{36}$/);
        const joined = await joinGroup(c, { groupId, memberId: required.memberId });
        assert.equal(joined.errorCode, ERR.NONE);
        assert.equal(joined.generationId, 1);
        assert.equal(joined.leaderId, required.memberId);
        assert.equal(joined.protocolName, 'range');
        assert.deepEqual(
          joined.members.map((m) => [m.memberId, m.metadata.toString()]),
          [[required.memberId, 'm']],
        );

        const v3Group = uniqueName('g');
        const direct = await joinGroup(c, { groupId: v3Group, version: 3 });
        assert.equal(direct.errorCode, ERR.NONE);
        assert.equal(direct.generationId, 1);
        assert.equal(direct.leaderId, direct.memberId);
      } finally {
        c.close();
      }
    });
  });

  it('rejects session timeouts outside the configured bounds, unknown member ids and inconsistent protocols', async () => {
    await withBroker(
      async (broker) => {
        const c = await WireClient.open(broker.bootstrap);
        try {
          const groupId = uniqueName('g');
          assert.equal((await joinGroup(c, { groupId, sessionTimeoutMs: 999 })).errorCode, ERR.INVALID_SESSION_TIMEOUT);
          assert.equal(
            (await joinGroup(c, { groupId, sessionTimeoutMs: 60_001 })).errorCode,
            ERR.INVALID_SESSION_TIMEOUT,
          );
          assert.equal((await joinGroup(c, { groupId, memberId: 'made-up' })).errorCode, ERR.UNKNOWN_MEMBER_ID);
          const member = await joinWithMemberId(c, { groupId, sessionTimeoutMs: 1000 });
          assert.equal(member.errorCode, ERR.NONE);
          const other = await joinGroup(c, { groupId, protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }] });
          assert.equal(other.errorCode, ERR.INCONSISTENT_GROUP_PROTOCOL);
          assert.equal((await joinGroup(c, { groupId, memberId: 'made-up' })).errorCode, ERR.UNKNOWN_MEMBER_ID);
        } finally {
          c.close();
        }
      },
      { groupMinSessionTimeoutMs: 1000, groupMaxSessionTimeoutMs: 60_000 },
    );
  });

  it('selects the protocol most members prefer among those all of them support, and keeps the leader', async () => {
    await withBroker(async (broker) => {
      const groupId = uniqueName('g');
      const p = (name: string): { name: string; metadata: Buffer } => ({ name, metadata: Buffer.from(name) });
      const a = await WireClient.open(broker.bootstrap);
      const b = await WireClient.open(broker.bootstrap);
      const c = await WireClient.open(broker.bootstrap);
      try {
        const leader = await joinWithMemberId(a, { groupId, protocols: [p('range'), p('sticky'), p('roundrobin')] });
        assert.equal(leader.protocolName, 'range');
        assert.equal((await syncGroup(a, groupId, 1, leader.memberId)).errorCode, ERR.NONE);
        // Two newcomers prefer sticky; "only-b" is not supported by everyone and cannot win.
        // Both get their member ids first: pending ids hold the join phase open until they are used.
        const bProtocols = [p('only-b'), p('sticky'), p('range')];
        const cProtocols = [p('sticky'), p('range'), p('roundrobin')];
        const bId = (await joinGroup(b, { groupId, protocols: bProtocols })).memberId;
        const cId = (await joinGroup(c, { groupId, protocols: cProtocols })).memberId;
        const bJoin = joinGroup(b, { groupId, memberId: bId, protocols: bProtocols });
        const cJoin = joinGroup(c, { groupId, memberId: cId, protocols: cProtocols });
        await waitFor(
          'the leader to hear of the rebalance',
          async () => (await heartbeat(a, groupId, 1, leader.memberId)) === ERR.REBALANCE_IN_PROGRESS,
        );
        const rejoin = await joinGroup(a, {
          groupId,
          memberId: leader.memberId,
          protocols: [p('range'), p('sticky'), p('roundrobin')],
        });
        const [bRes, cRes] = await Promise.all([bJoin, cJoin]);
        for (const r of [rejoin, bRes, cRes]) {
          assert.equal(r.errorCode, ERR.NONE);
          assert.equal(r.generationId, 2);
          assert.equal(r.protocolName, 'sticky');
          assert.equal(r.leaderId, leader.memberId);
        }
        assert.equal(rejoin.members.length, 3, 'the leader gets every member');
        assert.deepEqual(
          rejoin.members.map((m) => m.metadata.toString()),
          ['sticky', 'sticky', 'sticky'],
        );
        assert.equal(bRes.members.length, 0, 'followers get no member list');
      } finally {
        a.close();
        b.close();
        c.close();
      }
    });
  });

  it('evicts a member that stops heartbeating once its session timeout passes', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        const topic = uniqueName('zombie');
        const groupId = uniqueName('g');
        await produce(kafka, topic, [{ value: 'x' }]);
        const c = await WireClient.open(broker.bootstrap);
        try {
          await withAdmin(kafka, async (admin) => {
            const zombie = await joinWithMemberId(c, {
              groupId,
              sessionTimeoutMs: 1500,
              rebalanceTimeoutMs: 60_000,
              protocols: [roundRobin(topic)],
            });
            const silentSince = Date.now();
            const synced = await syncGroup(c, groupId, zombie.generationId, zombie.memberId, [
              { memberId: zombie.memberId, assignment: assignmentOf(topic, [0, 1]) },
            ]);
            assert.equal(synced.errorCode, ERR.NONE);
            assert.ok(isSplit(await describeGroup(admin, groupId, topic), 1, 2));
            await waitFor(
              'the silent member to be evicted',
              async () => (await describeGroup(admin, groupId, topic)).state === 'Empty',
            );
            assert.ok(Date.now() - silentSince >= 1400, 'not before its session timeout');
            assert.equal(await heartbeat(c, groupId, zombie.generationId, zombie.memberId), ERR.UNKNOWN_MEMBER_ID);

            // Again, with a kafkajs consumer joining while the silent member still holds every partition:
            // the join phase finishes once the session timeout removes it, well before its 60 s rebalance timeout.
            const again = await joinWithMemberId(c, {
              groupId,
              sessionTimeoutMs: 1500,
              rebalanceTimeoutMs: 60_000,
              protocols: [roundRobin(topic)],
            });
            await syncGroup(c, groupId, again.generationId, again.memberId, [
              { memberId: again.memberId, assignment: assignmentOf(topic, [0, 1]) },
            ]);
            const started = Date.now();
            const member = await runConsumer(kafka, groupId, topic);
            try {
              await waitFor('the kafkajs consumer to own both partitions', async () => {
                const view = await describeGroup(admin, groupId, topic);
                return isSplit(view, 1, 2) && !view.assignments.has(again.memberId);
              });
              assert.ok(Date.now() - started < 30_000);
            } finally {
              await member.consumer.disconnect();
            }
          });
        } finally {
          c.close();
        }
      },
      { numPartitions: 2, groupMinSessionTimeoutMs: 1000 },
    );
  });

  it('does not expire a member while its JoinGroup is parked, however long the rebalance takes', async () => {
    await withBroker(
      async (broker) => {
        const groupId = uniqueName('g');
        const a = await WireClient.open(broker.bootstrap);
        const b = await WireClient.open(broker.bootstrap);
        try {
          const first = await joinWithMemberId(a, { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000 });
          assert.equal((await syncGroup(a, groupId, 1, first.memberId)).errorCode, ERR.NONE);
          const parked = joinWithMemberId(b, { groupId, sessionTimeoutMs: 1000, rebalanceTimeoutMs: 30_000 });
          await waitFor(
            'the rebalance to start',
            async () => (await heartbeat(a, groupId, 1, first.memberId)) === ERR.REBALANCE_IN_PROGRESS,
          );
          // The newcomer stays parked for three of its session timeouts while the old member keeps heartbeating.
          const until = Date.now() + 3000;
          while (Date.now() < until) {
            assert.equal(await heartbeat(a, groupId, 1, first.memberId), ERR.REBALANCE_IN_PROGRESS);
            await sleep(250);
          }
          const rejoined = await joinGroup(a, {
            groupId,
            memberId: first.memberId,
            sessionTimeoutMs: 10_000,
            rebalanceTimeoutMs: 30_000,
          });
          const newcomer = await parked;
          assert.equal(newcomer.errorCode, ERR.NONE);
          assert.equal(newcomer.generationId, 2);
          assert.deepEqual(rejoined.members.map((m) => m.memberId).sort(), [first.memberId, newcomer.memberId].sort());
        } finally {
          a.close();
          b.close();
        }
      },
      { groupMinSessionTimeoutMs: 1000 },
    );
  });

  it('removes stragglers that do not rejoin within the rebalance timeout', async () => {
    await withBroker(async (broker) => {
      const groupId = uniqueName('g');
      const a = await WireClient.open(broker.bootstrap);
      const b = await WireClient.open(broker.bootstrap);
      try {
        // The straggler's long session keeps it alive; only the 1.5 s rebalance timeout can remove it.
        const straggler = await joinWithMemberId(a, { groupId, sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 1500 });
        await syncGroup(a, groupId, 1, straggler.memberId);
        const started = Date.now();
        const newcomer = await joinWithMemberId(b, { groupId, sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 1500 });
        assert.ok(Date.now() - started >= 1400);
        assert.equal(newcomer.errorCode, ERR.NONE);
        assert.equal(newcomer.generationId, 2);
        assert.equal(newcomer.leaderId, newcomer.memberId);
        assert.deepEqual(
          newcomer.members.map((m) => m.memberId),
          [newcomer.memberId],
        );
        assert.equal(await heartbeat(a, groupId, 1, straggler.memberId), ERR.UNKNOWN_MEMBER_ID);
      } finally {
        a.close();
        b.close();
      }
    });
  });

  it('holds the first join for group.initial.rebalance.delay.ms so that members starting together land in one generation', async () => {
    await withBroker(
      async (broker) => {
        const groupId = uniqueName('g');
        const a = await WireClient.open(broker.bootstrap);
        const b = await WireClient.open(broker.bootstrap);
        try {
          const started = Date.now();
          const first = joinWithMemberId(a, { groupId });
          const second = joinWithMemberId(b, { groupId });
          const [ra, rb] = await Promise.all([first, second]);
          assert.ok(Date.now() - started >= 1900, 'the delay is extended by the second joiner');
          assert.equal(ra.generationId, 1);
          assert.equal(rb.generationId, 1);
          assert.equal([ra, rb].find((r) => r.members.length > 0)?.members.length, 2);
        } finally {
          a.close();
          b.close();
        }
      },
      { groupInitialRebalanceDelayMs: 1000 },
    );
  });

  it('removes members that never send SyncGroup and rebalances without them', async () => {
    await withBroker(async (broker) => {
      const groupId = uniqueName('g');
      const a = await WireClient.open(broker.bootstrap);
      const b = await WireClient.open(broker.bootstrap);
      try {
        const leader = await joinWithMemberId(a, { groupId, sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 2500 });
        await syncGroup(a, groupId, 1, leader.memberId);
        const bJoin = joinWithMemberId(b, { groupId, sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 2500 });
        await waitFor(
          'the rebalance to start',
          async () => (await heartbeat(a, groupId, 1, leader.memberId)) === ERR.REBALANCE_IN_PROGRESS,
        );
        const rejoin = await joinGroup(a, {
          groupId,
          memberId: leader.memberId,
          sessionTimeoutMs: 60_000,
          rebalanceTimeoutMs: 2500,
        });
        const follower = await bJoin;
        assert.equal(follower.generationId, 2);
        // The follower syncs, the leader never does: after the rebalance timeout the leader is
        // removed, the follower's parked sync is told to rejoin, and it becomes the new leader.
        const parkedSync = await syncGroup(b, groupId, 2, follower.memberId);
        assert.equal(parkedSync.errorCode, ERR.REBALANCE_IN_PROGRESS);
        const alone = await joinGroup(b, {
          groupId,
          memberId: follower.memberId,
          sessionTimeoutMs: 60_000,
          rebalanceTimeoutMs: 2500,
        });
        assert.equal(alone.errorCode, ERR.NONE);
        assert.equal(alone.generationId, 3);
        assert.equal(alone.leaderId, follower.memberId);
        assert.equal(await heartbeat(a, groupId, rejoin.generationId, leader.memberId), ERR.UNKNOWN_MEMBER_ID);
      } finally {
        a.close();
        b.close();
      }
    });
  });

  it('accepts simple commits (generation −1) only while the group is Empty or absent, and validates members otherwise', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        const topic = uniqueName('simple');
        await produce(kafka, topic, [{ value: 'x' }]);
        const groupId = uniqueName('g');
        const c = await WireClient.open(broker.bootstrap);
        try {
          const simple = (
            partitions: { partition: number; offset: number; metadata?: string | null }[],
            name = topic,
          ) => commitOffsets(c, { groupId, generationId: -1, memberId: '', topics: [{ name, partitions }] });
          assert.deepEqual(
            await commitOffsets(c, {
              groupId: uniqueName('absent'),
              generationId: 3,
              memberId: '',
              topics: [{ name: topic, partitions: [{ partition: 0, offset: 1 }] }],
            }),
            new Map([[`${topic}/0`, ERR.ILLEGAL_GENERATION]]),
          );
          assert.deepEqual(
            await simple([{ partition: 0, offset: 5, metadata: 'note' }]),
            new Map([[`${topic}/0`, ERR.NONE]]),
          );
          assert.deepEqual(
            (await listGroups(c)).find((g) => g.groupId === groupId),
            { groupId, protocolType: '' },
          );
          assert.deepEqual(await fetchOffsets(c, groupId, null), [
            { name: topic, partitions: [{ partition: 0, offset: 5, metadata: 'note', errorCode: ERR.NONE }] },
          ]);

          const member = await joinGroup(c, { groupId, version: 3 });
          assert.equal(member.errorCode, ERR.NONE);
          const asMember = (generationId: number, memberId = member.memberId) =>
            commitOffsets(c, {
              groupId,
              generationId,
              memberId,
              topics: [{ name: topic, partitions: [{ partition: 0, offset: 6 }] }],
            });
          assert.deepEqual(
            await simple([{ partition: 0, offset: 9 }]),
            new Map([[`${topic}/0`, ERR.UNKNOWN_MEMBER_ID]]),
          );
          assert.deepEqual(
            await asMember(member.generationId),
            new Map([[`${topic}/0`, ERR.REBALANCE_IN_PROGRESS]]),
            'no commits before the assignment',
          );
          assert.equal((await syncGroup(c, groupId, member.generationId, member.memberId)).errorCode, ERR.NONE);
          assert.deepEqual(await asMember(member.generationId + 1), new Map([[`${topic}/0`, ERR.ILLEGAL_GENERATION]]));
          assert.deepEqual(
            await asMember(member.generationId, 'someone-else'),
            new Map([[`${topic}/0`, ERR.UNKNOWN_MEMBER_ID]]),
          );
          assert.deepEqual(await asMember(member.generationId), new Map([[`${topic}/0`, ERR.NONE]]));
          assert.deepEqual(await fetchOffsets(c, groupId, [{ name: topic, partitions: [0, 1] }]), [
            {
              name: topic,
              partitions: [
                { partition: 0, offset: 6, metadata: '', errorCode: ERR.NONE },
                { partition: 1, offset: -1, metadata: '', errorCode: ERR.NONE },
              ],
            },
          ]);
        } finally {
          c.close();
        }
      },
      { numPartitions: 2 },
    );
  });

  it('rejects commits per partition for unknown topics and partitions and for metadata over 4096 bytes, storing the rest', async () => {
    await withBroker(async (broker) => {
      const kafka = kafkaFor(broker);
      const topic = uniqueName('perpart');
      const missing = uniqueName('missing');
      await produce(kafka, topic, [{ value: 'x' }]);
      const groupId = uniqueName('g');
      const c = await WireClient.open(broker.bootstrap);
      try {
        const errors = await commitOffsets(c, {
          groupId,
          generationId: -1,
          memberId: '',
          topics: [
            {
              name: topic,
              partitions: [
                { partition: 0, offset: -2, metadata: 'x'.repeat(4096) },
                { partition: 3, offset: 1 },
              ],
            },
            { name: missing, partitions: [{ partition: 0, offset: 1 }] },
          ],
        });
        assert.deepEqual(
          errors,
          new Map([
            [`${topic}/0`, ERR.NONE],
            [`${topic}/3`, ERR.UNKNOWN_TOPIC_OR_PARTITION],
            [`${missing}/0`, ERR.UNKNOWN_TOPIC_OR_PARTITION],
          ]),
        );
        const tooLarge = await commitOffsets(c, {
          groupId,
          generationId: -1,
          memberId: '',
          topics: [{ name: topic, partitions: [{ partition: 0, offset: 4, metadata: 'x'.repeat(4097) }] }],
        });
        assert.deepEqual(tooLarge, new Map([[`${topic}/0`, ERR.OFFSET_METADATA_TOO_LARGE]]));
        const [stored] = await fetchOffsets(c, groupId, null);
        assert.equal(stored?.partitions[0]?.offset, -2, 'negative offsets are stored verbatim');
        assert.equal(stored?.partitions[0]?.metadata?.length, 4096);
        assert.equal(stored?.partitions.length, 1);
      } finally {
        c.close();
      }
    });
  });

  it('keeps committed offsets and group deletions across a restart with a data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-groups-'));
    try {
      const topic = uniqueName('durable');
      const kept = uniqueName('kept');
      const dropped = uniqueName('dropped');
      const first = await startBroker({ port: 0, dataDir, numPartitions: 2 });
      try {
        const kafka = kafkaFor(first);
        await produce(kafka, topic, [{ value: 'x' }]);
        const c = await WireClient.open(first.bootstrap);
        try {
          await simpleCommit(c, kept, topic, [{ partition: 0, offset: 1 }]);
          await simpleCommit(c, kept, topic, [
            { partition: 0, offset: 2 },
            { partition: 1, offset: -2 },
          ]);
          await simpleCommit(c, dropped, topic, [{ partition: 0, offset: 9 }]);
        } finally {
          c.close();
        }
        await withAdmin(kafka, async (admin) => {
          // Through a consumer this time, which also makes `kept` a consumer group.
          await admin.setOffsets({ groupId: kept, topic, partitions: [{ partition: 1, offset: '-2' }] });
          await admin.deleteGroups([dropped]);
        });
      } finally {
        await first.stop();
      }
      // Twice: the second start reads the compacted journal the first one wrote.
      for (let i = 0; i < 2; i++) {
        const again = await startBroker({ port: 0, dataDir, numPartitions: 2 });
        try {
          await withAdmin(kafkaFor(again), async (admin) => {
            const [offsets] = await admin.fetchOffsets({ groupId: kept, topics: [topic] });
            assert.deepEqual(
              offsets?.partitions.map((p) => [p.partition, p.offset]),
              [
                [0, '2'],
                [1, '-2'],
              ],
            );
            const groups = (await admin.listGroups()).groups;
            assert.deepEqual(
              groups.find((g) => g.groupId === kept),
              { groupId: kept, protocolType: 'consumer' },
            );
            assert.ok(!groups.some((g) => g.groupId === dropped));
            assert.equal((await admin.describeGroups([kept])).groups[0]?.state, 'Empty');
          });
        } finally {
          await again.stop();
        }
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('drops committed offsets of a deleted topic, and a recreated topic starts without them, also after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-groups-'));
    try {
      const doomed = uniqueName('doomed');
      const kept = uniqueName('kept');
      const groupId = uniqueName('g');
      const first = await startBroker({ port: 0, dataDir });
      try {
        const kafka = kafkaFor(first);
        await produce(kafka, doomed, [{ value: 'x' }]);
        await produce(kafka, kept, [{ value: 'x' }]);
        const c = await WireClient.open(first.bootstrap);
        try {
          await simpleCommit(c, groupId, doomed, [{ partition: 0, offset: 1 }]);
          await simpleCommit(c, groupId, kept, [{ partition: 0, offset: 1 }]);
          await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [doomed] }));
          assert.deepEqual(
            (await fetchOffsets(c, groupId, null)).map((t) => t.name),
            [kept],
          );
          // Recreated after the deletion: its new commit must survive the replay of the deletion.
          await produce(kafka, doomed, [{ value: 'y' }]);
          await simpleCommit(c, uniqueName('other'), doomed, [{ partition: 0, offset: 1 }]);
        } finally {
          c.close();
        }
      } finally {
        await first.stop();
      }
      const again = await startBroker({ port: 0, dataDir });
      try {
        await withAdmin(kafkaFor(again), async (admin) => {
          const all = await admin.fetchOffsets({ groupId, topics: [] });
          assert.deepEqual(
            all.map((t) => [t.topic, t.partitions.map((p) => p.offset)]),
            [[kept, ['1']]],
          );
          const others = (await admin.listGroups()).groups.filter((g) => g.groupId.startsWith('other-'));
          assert.equal(others.length, 1);
          const [recreated] = await admin.fetchOffsets({ groupId: others[0]?.groupId ?? '', topics: [doomed] });
          assert.equal(recreated?.partitions[0]?.offset, '1');
        });
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('group API versions', () => {
  it('answers every advertised version of every group API with a body of exactly the documented layout', async () => {
    await withBroker(async (broker) => {
      await produce(kafkaFor(broker), 'versions', [{ value: 'x' }]);
      const c = await WireClient.open(broker.bootstrap, 'sweep');
      /** Sends one request and checks the response decoder consumed the whole body. */
      const call = async <T>(
        apiKey: number,
        v: number,
        body: (w: Writer) => void,
        decode: (r: Reader) => T,
      ): Promise<T> => {
        const r = await c.request(apiKey, v, body);
        const out = decode(r);
        assert.equal(r.remaining, 0, `api ${apiKey} v${v}: ${r.remaining} bytes left over`);
        return out;
      };
      const throttle = (r: Reader, v: number, from: number): void => {
        if (v >= from) r.int32();
      };
      try {
        const stable = uniqueName('stable');
        const member = await joinGroup(c, { groupId: stable, version: 3 });
        await syncGroup(c, stable, member.generationId, member.memberId, [
          { memberId: member.memberId, assignment: Buffer.from('a') },
        ]);

        for (let v = 0; v <= 5; v++) {
          const joined = await call(
            11,
            v,
            (w) => {
              w.string(`join-v${v}`).int32(10_000);
              if (v >= 1) w.int32(10_000);
              w.string('');
              if (v >= 5) w.nullableString(null);
              w.string('consumer').array([0], (x) => x.string('range').bytes(Buffer.from('meta')));
            },
            (r) => {
              throttle(r, v, 2);
              const out = {
                errorCode: r.int16(),
                generationId: r.int32(),
                protocol: r.string(),
                leader: r.string(),
                memberId: r.string(),
              };
              const members = r.array((m) => {
                const id = m.string();
                if (v >= 5) m.nullableString();
                return { id, metadata: m.bytes().toString() };
              });
              return { ...out, members };
            },
          );
          if (v >= 4) {
            assert.equal(joined.errorCode, ERR.MEMBER_ID_REQUIRED, `JoinGroup v${v}`);
          } else {
            assert.deepEqual(
              [joined.errorCode, joined.generationId, joined.protocol, joined.leader, joined.members],
              [ERR.NONE, 1, 'range', joined.memberId, [{ id: joined.memberId, metadata: 'meta' }]],
              `JoinGroup v${v}`,
            );
          }
        }
        for (let v = 0; v <= 3; v++) {
          const synced = await call(
            14,
            v,
            (w) => {
              w.string(stable).int32(member.generationId).string(member.memberId);
              if (v >= 3) w.nullableString(null);
              w.array([], () => {});
            },
            (r) => {
              throttle(r, v, 1);
              return [r.int16(), r.bytes().toString()];
            },
          );
          assert.deepEqual(synced, [ERR.NONE, 'a'], `SyncGroup v${v}`);
          const beat = await call(
            12,
            v,
            (w) => {
              w.string(stable).int32(member.generationId).string(member.memberId);
              if (v >= 3) w.nullableString(null);
            },
            (r) => {
              throttle(r, v, 1);
              return r.int16();
            },
          );
          assert.equal(beat, ERR.NONE, `Heartbeat v${v}`);
        }
        for (let v = 2; v <= 7; v++) {
          const errors = await call(
            8,
            v,
            (w) => {
              w.string(`commit-v${v}`).int32(-1).string('');
              if (v >= 7) w.nullableString(null);
              if (v <= 4) w.int64(-1);
              w.array([0], (x) =>
                x.string('versions').array([0], (y) => {
                  y.int32(0).int64(v);
                  if (v >= 6) y.int32(-1);
                  y.nullableString(`v${v}`);
                }),
              );
            },
            (r) => {
              throttle(r, v, 3);
              return r.array((t) => [t.string(), t.array((p) => [p.int32(), p.int16()])]);
            },
          );
          assert.deepEqual(errors, [['versions', [[0, ERR.NONE]]]], `OffsetCommit v${v}`);
        }
        for (let v = 1; v <= 5; v++) {
          const fetched = await call(
            9,
            v,
            (w) => {
              w.string(`commit-v${v + 1}`).array([0], (x) => x.string('versions').array([0], (y) => y.int32(0)));
            },
            (r) => {
              throttle(r, v, 3);
              const topics = r.array((t) => [
                t.string(),
                t.array((p) => {
                  const out: (number | string | null)[] = [p.int32(), p.int64()];
                  if (v >= 5) out.push(p.int32());
                  out.push(p.nullableString(), p.int16());
                  return out;
                }),
              ]);
              if (v >= 2) assert.equal(r.int16(), ERR.NONE);
              return topics;
            },
          );
          const partition = v >= 5 ? [0, v + 1, -1, `v${v + 1}`, ERR.NONE] : [0, v + 1, `v${v + 1}`, ERR.NONE];
          assert.deepEqual(fetched, [['versions', [partition]]], `OffsetFetch v${v}`);
        }
        for (let v = 0; v <= 4; v++) {
          const described = await call(
            15,
            v,
            (w) => {
              w.array([stable], (x, g) => x.string(g));
              if (v >= 3) w.bool(true);
            },
            (r) => {
              throttle(r, v, 1);
              return r.array((g) => {
                const out = {
                  errorCode: g.int16(),
                  groupId: g.string(),
                  state: g.string(),
                  protocolType: g.string(),
                  protocol: g.string(),
                };
                const members = g.array((m) => {
                  const id = m.string();
                  if (v >= 4) assert.equal(m.nullableString(), null);
                  return [id, m.string(), m.string(), m.bytes().toString(), m.bytes().toString()];
                });
                if (v >= 3) assert.equal(g.int32(), -2147483648);
                return { ...out, members };
              });
            },
          );
          assert.deepEqual(
            described,
            [
              {
                errorCode: ERR.NONE,
                groupId: stable,
                state: 'Stable',
                protocolType: 'consumer',
                protocol: 'range',
                members: [[member.memberId, 'sweep', '/127.0.0.1', 'm', 'a']],
              },
            ],
            `DescribeGroups v${v}`,
          );
        }
        for (let v = 0; v <= 2; v++) {
          const listed = await call(
            16,
            v,
            () => {},
            (r) => {
              throttle(r, v, 1);
              assert.equal(r.int16(), ERR.NONE);
              return r.array((g) => [g.string(), g.string()]);
            },
          );
          assert.ok(
            listed.some(([id, type]) => id === stable && type === 'consumer'),
            `ListGroups v${v}`,
          );
        }
        for (let v = 0; v <= 3; v++) {
          const left = await call(
            13,
            v,
            (w) => {
              w.string(stable);
              if (v >= 3) w.array(['gone', 'also-gone'], (x, id) => x.string(id).nullableString(null));
              else w.string('gone');
            },
            (r) => {
              throttle(r, v, 1);
              const errorCode = r.int16();
              const members = v >= 3 ? r.array((m) => [m.string(), m.nullableString(), m.int16()]) : [];
              return { errorCode, members };
            },
          );
          if (v >= 3) {
            assert.deepEqual(left, {
              errorCode: ERR.NONE,
              members: [
                ['gone', null, ERR.UNKNOWN_MEMBER_ID],
                ['also-gone', null, ERR.UNKNOWN_MEMBER_ID],
              ],
            });
          } else {
            assert.deepEqual(left, { errorCode: ERR.UNKNOWN_MEMBER_ID, members: [] }, `LeaveGroup v${v}`);
          }
        }
        for (let v = 0; v <= 1; v++) {
          const deleted = await call(
            42,
            v,
            (w) => w.array([`commit-v${v + 2}`, stable], (x, g) => x.string(g)),
            (r) => {
              r.int32();
              return r.array((g) => [g.string(), g.int16()]);
            },
          );
          assert.deepEqual(deleted, [
            [`commit-v${v + 2}`, ERR.NONE],
            [stable, ERR.NON_EMPTY_GROUP],
          ]);
        }
      } finally {
        c.close();
      }
    });
  });
});

describe('consumer groups with librdkafka (kcat)', () => {
  it('consumes with kcat -G as a balanced consumer, commits its position and leaves the group', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        const topic = uniqueName('kcat-group');
        const groupId = uniqueName('g');
        await produce(
          kafka,
          topic,
          [0, 1, 2, 3, 4, 5].map((i) => ({ value: `m${i}`, partition: i % 2 })),
        );
        const result = await kcat(
          ['-b', broker.bootstrap, '-G', groupId, '-X', 'auto.offset.reset=earliest', '-c', '6', '-f', '%s\\n', topic],
          undefined,
          60_000,
        );
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(result.stdout.trim().split('\n').sort(), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
        await withAdmin(kafka, async (admin) => {
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
          assert.deepEqual(
            offsets?.partitions.map((p) => [p.partition, p.offset]),
            [
              [0, '3'],
              [1, '3'],
            ],
          );
          const { groups } = await admin.describeGroups([groupId]);
          assert.equal(groups[0]?.state, 'Empty');
          assert.equal(groups[0]?.protocolType, 'consumer');
        });
      },
      { numPartitions: 2 },
    );
  });
});
