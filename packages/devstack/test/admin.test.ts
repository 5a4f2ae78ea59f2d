import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Reader, Writer } from '@tributary/protocol';
import type { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';
import { allApis } from '../src/broker/api/api-table.js';
import { kafkaFor, kcat, sleep, uniqueName, withBroker } from './fixtures.js';
import { templateBody } from './request-templates.js';
import { fetchBody, requestFrame, WireSocket } from './wire-socket.js';

// kafkajs's ConfigResourceTypes enum is not visible to ESM imports of the CommonJS package.
const TOPIC: ConfigResourceTypes = 2;
const BROKER: ConfigResourceTypes = 4;

async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Sends each message in its own request, so that each becomes its own record batch. */
async function produceEach(
  kafka: Kafka,
  topic: string,
  messages: { value: string; timestamp?: string }[],
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (const m of messages) await producer.send({ topic, messages: [m] });
  } finally {
    await producer.disconnect();
  }
}

/** Consumes `count` messages with a new group (from the beginning) and returns their offsets. */
async function consumeOffsets(kafka: Kafka, topic: string, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('g'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const offsets: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumed only ${offsets.join(',')} of ${count} messages`)),
        30_000,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          offsets.push(message.offset);
          if (offsets.length === count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return offsets;
  } finally {
    await consumer.disconnect();
  }
}

/** Polls the partition's low watermark until `isDone` holds for it. */
async function waitForLowWatermark(
  admin: Admin,
  topic: string,
  isDone: (low: number) => boolean,
  timeoutMs = 15_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [p] = await admin.fetchTopicOffsets(topic);
    const low = Number(p?.low);
    if (isDone(low)) return low;
    if (Date.now() > deadline) assert.fail(`low watermark of ${topic} stayed at ${low}`);
    await sleep(100);
  }
}

/**
 * Commits an offset for a group with no members (a "simple" commit, generation −1) over
 * OffsetCommit v2. kafkajs's admin.setOffsets does the same through an internal consumer
 * whose disconnect waits out a 5 s fetch.
 */
async function commitOffset(bootstrap: string, groupId: string, topic: string, offset: number): Promise<void> {
  const wire = await WireSocket.open(bootstrap);
  try {
    const body = new Writer().string(groupId).int32(-1).string('').int64(-1);
    body.array([topic], (w, t) => w.string(t).array([0], (x, p) => x.int32(p).int64(offset).nullableString(null)));
    const outcome = await wire.request(requestFrame(8, 2, 1, body));
    assert.equal(outcome.kind, 'response');
    const r = new Reader(outcome.kind === 'response' ? outcome.body : Buffer.alloc(0));
    const [errorCode] = r.array((x) => {
      x.string();
      return x.array((y) => {
        y.int32();
        return y.int16();
      })[0];
    });
    assert.equal(errorCode, 0, 'OffsetCommit failed');
  } finally {
    wire.close();
  }
}

/** kafkajs reports CreateTopics failures as an aggregate of per-topic errors. */
function topicErrorTypes(err: unknown): string[] {
  const errors = (err as { errors?: { type?: string }[] }).errors ?? [];
  return errors.map((e) => e.type ?? 'unknown');
}

describe('admin: topics', () => {
  it('creates topics with defaults, explicit partitions and configs; validateOnly creates nothing', async () => {
    await withBroker(
      async (broker) => {
        await withAdmin(kafkaFor(broker), async (admin) => {
          const byDefault = uniqueName('defaults');
          const explicit = uniqueName('explicit');
          const dryRun = uniqueName('dry-run');
          assert.equal(
            await admin.createTopics({
              topics: [
                { topic: byDefault },
                {
                  topic: explicit,
                  numPartitions: 3,
                  replicationFactor: 1,
                  configEntries: [{ name: 'retention.ms', value: '3600000' }],
                },
              ],
            }),
            true,
          );
          // waitForLeaders would poll Metadata for a topic that (rightly) does not exist.
          assert.equal(
            await admin.createTopics({
              validateOnly: true,
              waitForLeaders: false,
              topics: [{ topic: dryRun, numPartitions: 2 }],
            }),
            true,
          );
          const meta = await admin.fetchTopicMetadata({ topics: [byDefault, explicit] });
          assert.deepEqual(meta.topics.map((t) => [t.name, t.partitions.length]).sort(), [
            [byDefault, 2],
            [explicit, 3],
          ]);
          const topics = await admin.listTopics();
          assert.ok(!topics.includes(dryRun), 'validateOnly created the topic');
        });
      },
      { numPartitions: 2 },
    );
  });

  it('returns false for an existing topic and rejects bad names, replication factor 3 and unknown configs', async () => {
    await withBroker(async (broker) => {
      await withAdmin(kafkaFor(broker), async (admin) => {
        const topic = uniqueName('exists');
        assert.equal(await admin.createTopics({ topics: [{ topic }] }), true);
        assert.equal(await admin.createTopics({ topics: [{ topic }] }), false);

        for (const bad of ['has space', 'slash/name', '..', 'x'.repeat(250)]) {
          const err = await admin.createTopics({ topics: [{ topic: bad }] }).then(
            () => null,
            (e: unknown) => e,
          );
          assert.deepEqual(topicErrorTypes(err), ['INVALID_TOPIC_EXCEPTION'], `name ${bad.slice(0, 20)}`);
        }
        // "a.b" and "a_b" would share metric names in Kafka, so the second is refused.
        const dotted = `${uniqueName('collide')}.x`;
        await admin.createTopics({ topics: [{ topic: dotted }] });
        const collision = await admin
          .createTopics({ topics: [{ topic: dotted.replace('.', '_') }] })
          .catch((e: unknown) => e);
        assert.deepEqual(topicErrorTypes(collision), ['INVALID_TOPIC_EXCEPTION']);

        const rf3 = await admin
          .createTopics({ topics: [{ topic: uniqueName('rf3'), replicationFactor: 3 }] })
          .catch((e: unknown) => e);
        assert.deepEqual(topicErrorTypes(rf3), ['INVALID_REPLICATION_FACTOR']);
        const zero = await admin
          .createTopics({ topics: [{ topic: uniqueName('zero'), numPartitions: 0 }] })
          .catch((e: unknown) => e);
        assert.deepEqual(topicErrorTypes(zero), ['INVALID_PARTITIONS']);
        const config = await admin
          .createTopics({
            topics: [{ topic: uniqueName('cfg'), configEntries: [{ name: 'no.such.config', value: '1' }] }],
          })
          .catch((e: unknown) => e);
        assert.deepEqual(topicErrorTypes(config), ['INVALID_CONFIG']);
      });
    });
  });

  it('refuses a request for more than 10000 partitions as a whole, as Kafka does', async () => {
    await withBroker(async (broker) => {
      await withAdmin(kafkaFor(broker), async (admin) => {
        const names = [uniqueName('huge'), uniqueName('small')];
        const err = await admin
          .createTopics({
            topics: [
              { topic: names[0] ?? '', numPartitions: 10_000 },
              { topic: names[1] ?? '', numPartitions: 1 },
            ],
          })
          .catch((e: unknown) => e);
        assert.deepEqual(topicErrorTypes(err), ['POLICY_VIOLATION', 'POLICY_VIOLATION']);
        const topics = await admin.listTopics();
        assert.ok(!names.some((n) => topics.includes(n)));
      });
    });
  });

  it('deletes topics, drops their committed group offsets and wakes parked fetches', async () => {
    await withBroker(async (broker) => {
      const kafka = kafkaFor(broker);
      await withAdmin(kafka, async (admin) => {
        const topic = uniqueName('doomed');
        const groupId = uniqueName('g');
        await admin.createTopics({ topics: [{ topic }] });
        await produceEach(kafka, topic, [{ value: 'a' }, { value: 'b' }]);
        await commitOffset(broker.bootstrap, groupId, topic, 1);
        assert.deepEqual(
          (await admin.fetchOffsets({ groupId })).map((t) => t.topic),
          [topic],
        );

        // A fetch parked at the end of the log, waiting up to 20 s for data.
        const wire = await WireSocket.open(broker.bootstrap);
        const fetch = fetchBody(topic, 0, 2n, 20_000);
        const parked = wire.request(requestFrame(1, 11, 7, fetch), 15_000);
        await sleep(300);

        const startedMs = Date.now();
        await admin.deleteTopics({ topics: [topic] });
        const outcome = await parked;
        wire.close();
        assert.equal(outcome.kind, 'response');
        assert.ok(Date.now() - startedMs < 5_000, 'the parked fetch was not woken by the delete');
        if (outcome.kind === 'response') {
          const r = new Reader(outcome.body);
          r.int32();
          assert.equal(r.int16(), 0);
          r.int32();
          const [t] = r.array((x) => {
            const name = x.string();
            const [errorCode] = x.array((y) => {
              y.int32();
              return y.int16();
            });
            return { name, errorCode };
          });
          assert.deepEqual(t, { name: topic, errorCode: 3 });
        }

        assert.ok(!(await admin.listTopics()).includes(topic));
        assert.deepEqual(await admin.fetchOffsets({ groupId }), []);
      });
    });
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for deleting a topic that does not exist', async () => {
    await withBroker(async (broker) => {
      await withAdmin(kafkaFor(broker, { retry: { retries: 1, initialRetryTime: 50 } }), async (admin) => {
        await assert.rejects(
          admin.deleteTopics({ topics: [uniqueName('never')] }),
          /does not host this topic-partition/,
        );
      });
    });
  });

  it('adds partitions; kcat -L and kafkajs see them and they take writes', async () => {
    await withBroker(async (broker) => {
      const kafka = kafkaFor(broker);
      await withAdmin(kafka, async (admin) => {
        const topic = uniqueName('grow');
        await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
        await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
        await admin.createPartitions({ validateOnly: true, topicPartitions: [{ topic, count: 6 }] });
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        assert.deepEqual(meta.topics[0]?.partitions.map((p) => p.partitionId).sort(), [0, 1, 2, 3]);

        await assert.rejects(
          admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] }),
          (e: { type?: string }) => e.type === 'INVALID_PARTITIONS',
        );
        await assert.rejects(
          admin.createPartitions({ topicPartitions: [{ topic: uniqueName('absent'), count: 3 }] }),
          (e: { type?: string }) => e.type === 'UNKNOWN_TOPIC_OR_PARTITION',
        );

        const producer = kafka.producer();
        await producer.connect();
        const [sent] = await producer.send({ topic, messages: [{ value: 'new', partition: 3 }] });
        await producer.disconnect();
        assert.equal(sent?.partition, 3);

        const listed = await kcat(['-b', broker.bootstrap, '-L', '-t', topic]);
        assert.equal(listed.code, 0, listed.stderr);
        assert.match(listed.stdout, new RegExp(`topic "${topic}" with 4 partitions:`));
        for (const p of [0, 1, 2, 3])
          assert.match(listed.stdout, new RegExp(`partition ${p}, leader 1, replicas: 1, isrs: 1`));
      });
    });
  });
});

describe('admin: records and offsets', () => {
  it('deleteTopicRecords moves the low watermark; a consumer from the beginning starts there', async () => {
    await withBroker(async (broker) => {
      const kafka = kafkaFor(broker);
      await withAdmin(kafka, async (admin) => {
        const topic = uniqueName('trim');
        await admin.createTopics({ topics: [{ topic }] });
        const producer = kafka.producer();
        await producer.connect();
        // One batch of ten: the new log start falls inside it.
        await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
        await producer.disconnect();

        // kafkajs looks the leader up in its metadata cache before it loads the topic into it.
        assert.equal((await admin.fetchTopicOffsets(topic))[0]?.low, '0');
        await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '6' }] });
        assert.deepEqual(await admin.fetchTopicOffsets(topic), [{ partition: 0, offset: '10', high: '10', low: '6' }]);
        assert.deepEqual(await consumeOffsets(kafka, topic, 4), ['6', '7', '8', '9']);

        // Below the current start changes nothing; beyond the high watermark is out of range.
        await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] });
        assert.equal((await admin.fetchTopicOffsets(topic))[0]?.low, '6');
        await assert.rejects(
          admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '11' }] }),
          // kafkajs wraps the per-partition errors in a non-retriable error.
          (e: { cause?: { partitions?: { error: { type?: string } }[] } }) =>
            e.cause?.partitions?.[0]?.error.type === 'OFFSET_OUT_OF_RANGE',
        );
        // −1 means the high watermark: everything goes.
        await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '-1' }] });
        assert.equal((await admin.fetchTopicOffsets(topic))[0]?.low, '10');
      });
    });
  });

  it('fetchTopicOffsetsByTimestamp finds the first offset at or after a timestamp', async () => {
    await withBroker(async (broker) => {
      const kafka = kafkaFor(broker);
      await withAdmin(kafka, async (admin) => {
        const topic = uniqueName('by-time');
        await admin.createTopics({ topics: [{ topic }] });
        const t0 = 1_700_000_000_000;
        await produceEach(kafka, topic, [
          { value: 'a', timestamp: String(t0) },
          { value: 'b', timestamp: String(t0 + 1000) },
          { value: 'c', timestamp: String(t0 + 2000) },
        ]);
        assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 500), [{ partition: 0, offset: '1' }]);
        assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, t0), [{ partition: 0, offset: '0' }]);
        // Nothing that late: kafkajs substitutes the high watermark.
        assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 60_000), [{ partition: 0, offset: '3' }]);
        // Trimmed records are not found any more.
        await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] });
        assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, t0), [{ partition: 0, offset: '2' }]);
      });
    });
  });
});

describe('admin: configs', () => {
  it('describes topic configs with sources and synonyms, and alterConfigs replaces the dynamic set', async () => {
    await withBroker(async (broker) => {
      const kafka = kafkaFor(broker);
      await withAdmin(kafka, async (admin) => {
        const topic = uniqueName('configs');
        await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] });
        const describe = async (includeSynonyms = false) => {
          const { resources } = await admin.describeConfigs({
            includeSynonyms,
            resources: [{ type: TOPIC, name: topic }],
          });
          const entries = resources[0]?.configEntries ?? [];
          return new Map(entries.map((e) => [e.configName, e]));
        };

        const before = await describe(true);
        assert.ok(before.size >= 20, `only ${before.size} topic configs described`);
        assert.deepEqual(
          {
            value: before.get('retention.ms')?.configValue,
            source: before.get('retention.ms')?.configSource,
            isDefault: before.get('retention.ms')?.isDefault,
          },
          { value: '3600000', source: 1, isDefault: false },
        );
        assert.deepEqual(before.get('retention.ms')?.configSynonyms, [
          { configName: 'retention.ms', configValue: '3600000', configSource: 1 },
          { configName: 'log.retention.hours', configValue: '168', configSource: 5 },
        ]);
        assert.deepEqual(
          {
            value: before.get('cleanup.policy')?.configValue,
            source: before.get('cleanup.policy')?.configSource,
            readOnly: before.get('cleanup.policy')?.readOnly,
          },
          { value: 'delete', source: 5, readOnly: false },
        );
        assert.equal(before.get('compression.type')?.configValue, 'producer');
        assert.deepEqual((await describe(false)).get('retention.ms')?.configSynonyms, []);

        await admin.alterConfigs({
          validateOnly: true,
          resources: [{ type: TOPIC, name: topic, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
        });
        assert.equal((await describe()).get('cleanup.policy')?.configValue, 'delete');

        await admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value: '2000' }] }],
        });
        const after = await describe();
        // Non-incremental: retention.ms was not in the new set, so it is back to its default.
        assert.deepEqual(
          [after.get('retention.ms')?.configValue, after.get('retention.ms')?.configSource],
          ['604800000', 5],
        );
        assert.deepEqual(
          [after.get('max.message.bytes')?.configValue, after.get('max.message.bytes')?.configSource],
          ['2000', 1],
        );

        // The new limit is enforced on produce.
        const producer = kafka.producer({ retry: { retries: 0 } });
        await producer.connect();
        await assert.rejects(
          producer.send({ topic, messages: [{ value: 'x'.repeat(3000) }] }),
          (e: { type?: string }) => e.type === 'MESSAGE_TOO_LARGE',
        );
        await producer.send({ topic, messages: [{ value: 'small' }] });
        await producer.disconnect();

        await assert.rejects(
          admin.alterConfigs({
            validateOnly: false,
            resources: [{ type: TOPIC, name: topic, configEntries: [{ name: 'retention.mss', value: '1' }] }],
          }),
          (e: { type?: string }) => e.type === 'INVALID_CONFIG',
        );
        await assert.rejects(
          admin.alterConfigs({
            validateOnly: false,
            resources: [{ type: TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: 'soon' }] }],
          }),
          (e: { type?: string }) => e.type === 'INVALID_CONFIG',
        );
        assert.equal((await describe()).get('max.message.bytes')?.configValue, '2000');
      });
    });
  });

  it('describes broker configs from the start options and an unknown topic as an error', async () => {
    await withBroker(
      async (broker) => {
        await withAdmin(kafkaFor(broker), async (admin) => {
          const { resources } = await admin.describeConfigs({
            includeSynonyms: false,
            resources: [{ type: BROKER, name: '1' }],
          });
          const configs = new Map((resources[0]?.configEntries ?? []).map((e) => [e.configName, e]));
          const view = (name: string) => [
            configs.get(name)?.configValue,
            configs.get(name)?.configSource,
            configs.get(name)?.readOnly,
          ];
          assert.deepEqual(view('num.partitions'), ['3', 4, true]);
          assert.deepEqual(view('auto.create.topics.enable'), ['true', 5, true]);
          assert.deepEqual(view('message.max.bytes'), ['1048588', 5, true]);
          assert.deepEqual(view('group.initial.rebalance.delay.ms'), ['0', 4, true]);
          assert.deepEqual(view('default.replication.factor'), ['1', 5, true]);
          assert.deepEqual(view('log.retention.ms'), [null, 5, true]);
          assert.deepEqual(view('log.retention.hours'), ['168', 5, true]);
          assert.equal(configs.get('advertised.listeners')?.configValue, `PLAINTEXT://${broker.bootstrap}`);

          await assert.rejects(
            admin.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC, name: uniqueName('absent') }] }),
            (e: { type?: string }) => e.type === 'UNKNOWN_TOPIC_OR_PARTITION',
          );
          await assert.rejects(
            admin.alterConfigs({
              validateOnly: false,
              resources: [{ type: BROKER, name: '1', configEntries: [{ name: 'num.partitions', value: '5' }] }],
            }),
            (e: { type?: string }) => e.type === 'INVALID_REQUEST',
          );
        });
      },
      { numPartitions: 3 },
    );
  });

  it('applies message.max.bytes from the broker options as the topic default', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        await withAdmin(kafka, async (admin) => {
          const topic = uniqueName('small-max');
          await admin.createTopics({ topics: [{ topic }] });
          const { resources } = await admin.describeConfigs({
            includeSynonyms: true,
            resources: [{ type: TOPIC, name: topic }],
          });
          const entry = resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes');
          assert.deepEqual([entry?.configValue, entry?.configSource], ['4096', 4]);
          assert.deepEqual(entry?.configSynonyms, [
            { configName: 'message.max.bytes', configValue: '4096', configSource: 4 },
          ]);
          const producer = kafka.producer({ retry: { retries: 0 } });
          await producer.connect();
          await assert.rejects(
            producer.send({ topic, messages: [{ value: 'x'.repeat(5000) }] }),
            (e: { type?: string }) => e.type === 'MESSAGE_TOO_LARGE',
          );
          await producer.disconnect();
        });
      },
      { messageMaxBytes: 4096 },
    );
  });

  it('IncrementalAlterConfigs sets, deletes, appends and subtracts topic configs', async () => {
    await withBroker(async (broker) => {
      await withAdmin(kafkaFor(broker), async (admin) => {
        const topic = uniqueName('incremental');
        await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'retention.ms', value: '1000' }] }] });
        const wire = await WireSocket.open(broker.bootstrap);
        let correlationId = 0;
        const alter = async (
          ops: [string, number, string | null][],
          isValidateOnly = false,
        ): Promise<{ errorCode: number; message: string | null }> => {
          const body = new Writer().array([topic], (w, t) => {
            w.int8(2)
              .string(t)
              .array(ops, (x, [name, op, value]) => x.string(name).int8(op).nullableString(value));
          });
          body.bool(isValidateOnly);
          const outcome = await wire.request(requestFrame(44, 0, ++correlationId, body));
          assert.equal(outcome.kind, 'response');
          const r = new Reader(outcome.kind === 'response' ? outcome.body : Buffer.alloc(0));
          r.int32();
          const [result] = r.array((x) => ({ errorCode: x.int16(), message: x.nullableString() }));
          return result ?? { errorCode: -1, message: null };
        };
        const configs = async () => {
          const { resources } = await admin.describeConfigs({
            includeSynonyms: false,
            resources: [{ type: TOPIC, name: topic }],
          });
          return new Map((resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
        };

        assert.equal((await alter([['segment.bytes', 0, '2048']])).errorCode, 0);
        let now = await configs();
        // Incremental: retention.ms stays as it was.
        assert.deepEqual([now.get('segment.bytes'), now.get('retention.ms')], ['2048', '1000']);
        assert.equal((await alter([['cleanup.policy', 2, 'compact']])).errorCode, 0);
        assert.equal((await configs()).get('cleanup.policy'), 'delete,compact');
        assert.equal(
          (
            await alter([
              ['cleanup.policy', 3, 'delete'],
              ['retention.ms', 1, null],
            ])
          ).errorCode,
          0,
        );
        now = await configs();
        assert.deepEqual([now.get('cleanup.policy'), now.get('retention.ms')], ['compact', '604800000']);

        assert.equal((await alter([['retention.ms', 2, '5']])).errorCode, 40, 'APPEND on a non-list config');
        assert.equal((await alter([['no.such', 0, '5']])).errorCode, 40);
        assert.equal((await alter([['retention.ms', 0, null]])).errorCode, 42);
        assert.equal((await alter([['retention.ms', 9, '5']])).errorCode, 42);
        assert.equal((await alter([['segment.bytes', 0, '4096']], true)).errorCode, 0);
        assert.equal((await configs()).get('segment.bytes'), '2048');
        wire.close();
      });
    });
  });
});

describe('admin: retention', () => {
  it('retention.ms expires old segments and moves the log start offset', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        await withAdmin(kafka, async (admin) => {
          const topic = uniqueName('ret-ms');
          // segment.bytes 100: every batch (≥ 61 bytes) gets a segment of its own.
          await admin.createTopics({
            topics: [
              {
                topic,
                configEntries: [
                  { name: 'segment.bytes', value: '100' },
                  { name: 'retention.ms', value: '60000' },
                ],
              },
            ],
          });
          const hourAgo = String(Date.now() - 3_600_000);
          await produceEach(kafka, topic, [
            ...Array.from({ length: 4 }, (_, i) => ({ value: `old${i}`, timestamp: hourAgo })),
            { value: 'new0' },
            { value: 'new1' },
          ]);
          assert.equal(await waitForLowWatermark(admin, topic, (low) => low >= 4), 4);
          assert.deepEqual(await consumeOffsets(kafka, topic, 2), ['4', '5']);
        });
      },
      { retentionCheckIntervalMs: 100 },
    );
  });

  it('retention.ms also expires the active segment of a topic nobody writes to', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        await withAdmin(kafka, async (admin) => {
          const topic = uniqueName('ret-quiet');
          await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
          const hourAgo = String(Date.now() - 3_600_000);
          await produceEach(kafka, topic, [
            { value: 'a', timestamp: hourAgo },
            { value: 'b', timestamp: hourAgo },
          ]);
          assert.equal(await waitForLowWatermark(admin, topic, (low) => low === 2), 2);
          // The log goes on from where it was.
          await produceEach(kafka, topic, [{ value: 'c' }]);
          assert.deepEqual(await admin.fetchTopicOffsets(topic), [{ partition: 0, offset: '3', high: '3', low: '2' }]);
          assert.deepEqual(await consumeOffsets(kafka, topic, 1), ['2']);
        });
      },
      { retentionCheckIntervalMs: 100 },
    );
  });

  it('retention.bytes deletes the oldest segments while the rest still holds that many bytes', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        await withAdmin(kafka, async (admin) => {
          const topic = uniqueName('ret-bytes');
          await admin.createTopics({
            topics: [
              {
                topic,
                configEntries: [
                  { name: 'segment.bytes', value: '100' },
                  { name: 'retention.bytes', value: '300' },
                ],
              },
            ],
          });
          await produceEach(
            kafka,
            topic,
            Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })),
          );
          // Each batch is 60-100 bytes, so 300 bytes are 3 to 5 batches, and the last one deleted took the rest below 300.
          const low = await waitForLowWatermark(admin, topic, (l) => l > 0);
          await sleep(300);
          assert.equal((await admin.fetchTopicOffsets(topic))[0]?.low, String(low), 'retention kept deleting');
          assert.ok(low >= 5 && low <= 7, `low watermark ${low}`);
          const offsets = await consumeOffsets(kafka, topic, 10 - low);
          assert.deepEqual(
            offsets,
            Array.from({ length: 10 - low }, (_, i) => String(low + i)),
          );
        });
      },
      { retentionCheckIntervalMs: 100 },
    );
  });

  it('a consumer whose committed offset was deleted by retention resets to the new log start', async () => {
    await withBroker(
      async (broker) => {
        const kafka = kafkaFor(broker);
        await withAdmin(kafka, async (admin) => {
          const topic = uniqueName('ret-reset');
          const groupId = uniqueName('g');
          await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'segment.bytes', value: '100' }] }] });
          await produceEach(
            kafka,
            topic,
            Array.from({ length: 6 }, (_, i) => ({ value: `m${i}` })),
          );
          await commitOffset(broker.bootstrap, groupId, topic, 1);
          await admin.alterConfigs({
            validateOnly: false,
            resources: [
              {
                type: TOPIC,
                name: topic,
                configEntries: [
                  { name: 'segment.bytes', value: '100' },
                  { name: 'retention.bytes', value: '150' },
                ],
              },
            ],
          });
          const low = await waitForLowWatermark(admin, topic, (l) => l > 1);

          // The fetch at the committed offset 1 gets OFFSET_OUT_OF_RANGE; kafkajs resets to the earliest offset.
          const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
          await consumer.connect();
          await consumer.subscribe({ topic, fromBeginning: true });
          const first = await new Promise<string>((resolve) => {
            void consumer.run({ eachMessage: async ({ message }) => resolve(message.offset) });
          });
          await consumer.disconnect();
          assert.equal(first, String(low));
        });
      },
      { retentionCheckIntervalMs: 100 },
    );
  });
});

describe('admin: restarts', () => {
  it('keeps what DeleteRecords and retention (with a rolled active segment) removed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-admin-'));
    try {
      const trimmed = uniqueName('trimmed');
      const expired = uniqueName('expired');
      await withBroker(
        async (broker) => {
          const kafka = kafkaFor(broker);
          await withAdmin(kafka, async (admin) => {
            await admin.createTopics({
              topics: [
                { topic: trimmed, configEntries: [{ name: 'segment.bytes', value: '100' }] },
                { topic: expired, configEntries: [{ name: 'retention.ms', value: '60000' }] },
              ],
            });
            await produceEach(
              kafka,
              trimmed,
              Array.from({ length: 6 }, (_, i) => ({ value: `m${i}` })),
            );
            const hourAgo = String(Date.now() - 3_600_000);
            await produceEach(kafka, expired, [
              { value: 'a', timestamp: hourAgo },
              { value: 'b', timestamp: hourAgo },
            ]);
            await admin.fetchTopicOffsets(trimmed);
            await admin.deleteTopicRecords({ topic: trimmed, partitions: [{ partition: 0, offset: '3' }] });
            assert.equal(await waitForLowWatermark(admin, expired, (low) => low === 2), 2);
          });
        },
        { dataDir, retentionCheckIntervalMs: 100 },
      );
      await withBroker(
        async (broker) => {
          const kafka = kafkaFor(broker);
          await withAdmin(kafka, async (admin) => {
            assert.deepEqual(await admin.fetchTopicOffsets(trimmed), [
              { partition: 0, offset: '6', high: '6', low: '3' },
            ]);
            assert.deepEqual(await admin.fetchTopicOffsets(expired), [
              { partition: 0, offset: '2', high: '2', low: '2' },
            ]);
            await produceEach(kafka, expired, [{ value: 'c' }]);
            assert.deepEqual(await consumeOffsets(kafka, trimmed, 3), ['3', '4', '5']);
            assert.deepEqual(await consumeOffsets(kafka, expired, 1), ['2']);
          });
        },
        { dataDir },
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps a topic deleted and created again under the same name, with only its new data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-admin-'));
    try {
      const topic = uniqueName('reborn');
      await withBroker(
        async (broker) => {
          const kafka = kafkaFor(broker);
          await withAdmin(kafka, async (admin) => {
            await admin.createTopics({ topics: [{ topic }] });
            await produceEach(kafka, topic, [{ value: 'old' }]);
            await admin.deleteTopics({ topics: [topic] });
            await admin.createTopics({ topics: [{ topic }] });
            await produceEach(kafka, topic, [{ value: 'new1' }, { value: 'new2' }]);
          });
        },
        { dataDir },
      );
      await withBroker(
        async (broker) => {
          const kafka = kafkaFor(broker);
          await withAdmin(kafka, async (admin) => {
            assert.deepEqual(await admin.fetchTopicOffsets(topic), [
              { partition: 0, offset: '2', high: '2', low: '0' },
            ]);
          });
          const consumer = kafka.consumer({ groupId: uniqueName('g'), maxWaitTimeInMs: 200 });
          await consumer.connect();
          await consumer.subscribe({ topic, fromBeginning: true });
          const values: string[] = [];
          await new Promise<void>((resolve) => {
            void consumer.run({
              eachMessage: async ({ message }) => {
                values.push(message.value?.toString() ?? '');
                if (values.length === 2) resolve();
              },
            });
          });
          await consumer.disconnect();
          assert.deepEqual(values, ['new1', 'new2']);
        },
        { dataDir },
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Reads one admin response body the way a client of that version would; returns the error codes. */
const responseReaders: Record<number, (r: Reader, v: number) => number[]> = {
  19: (r, v) => {
    if (v >= 2) r.int32();
    return r.array((x) => {
      x.string();
      const code = x.int16();
      if (v >= 1) x.nullableString();
      return code;
    });
  },
  20: (r, v) => {
    if (v >= 1) r.int32();
    return r.array((x) => {
      x.string();
      return x.int16();
    });
  },
  21: (r) => {
    r.int32();
    return r
      .array((x) => {
        x.string();
        return x.array((y) => {
          y.int32();
          y.int64();
          return y.int16();
        });
      })
      .flat();
  },
  32: (r, v) => {
    r.int32();
    return r.array((x) => {
      const code = x.int16();
      x.nullableString();
      x.int8();
      x.string();
      const configs = x.array((y) => {
        y.string();
        y.nullableString();
        y.bool();
        y.int8(); // v0: is_default; v1+: config_source
        y.bool();
        if (v >= 1) y.array((z) => [z.string(), z.nullableString(), z.int8()]);
        return 0;
      });
      assert.ok(code !== 0 || configs.length > 0, 'a described resource without configs');
      return code;
    });
  },
  33: (r) => {
    r.int32();
    return r.array((x) => {
      const code = x.int16();
      x.nullableString();
      x.int8();
      x.string();
      return code;
    });
  },
  37: (r) => {
    r.int32();
    return r.array((x) => {
      x.string();
      const code = x.int16();
      x.nullableString();
      return code;
    });
  },
};
responseReaders[44] = responseReaders[33] ?? (() => []);

describe('admin: wire layouts', () => {
  it("answers every advertised version of the admin APIs in that version's layout", async () => {
    await withBroker(async (broker) => {
      const topic = uniqueName('layouts');
      const names = { topic, group: uniqueName('g'), transactionalId: uniqueName('txn') };
      await withAdmin(kafkaFor(broker), (admin) => admin.createTopics({ topics: [{ topic, numPartitions: 2 }] }));
      const wire = await WireSocket.open(broker.bootstrap);
      let correlationId = 0;
      const seen: string[] = [];
      for (const [key, read] of Object.entries(responseReaders)) {
        const api = allApis().find((a) => a.key === Number(key));
        assert.ok(api, `API ${key} is not advertised`);
        for (let v = api.minVersion; v <= api.maxVersion; v++) {
          const body = templateBody(api.key, v, names);
          assert.ok(body);
          const outcome = await wire.request(requestFrame(api.key, v, ++correlationId, body));
          assert.equal(outcome.kind, 'response', `${api.name} v${v}`);
          if (outcome.kind !== 'response') continue;
          assert.equal(outcome.correlationId, correlationId);
          const r = new Reader(outcome.body);
          const codes = read(r, v);
          assert.equal(r.remaining, 0, `${api.name} v${v}: ${r.remaining} bytes left over`);
          // The same requests per version: the topic to create exists (or not) after the last
          // step, partition 1 is empty (offset 1 is beyond it), partitions do not shrink.
          const allowed = { 19: [0, 36], 20: [0, 3], 21: [0, 1], 37: [0, 37] }[api.key] ?? [0];
          for (const code of codes) assert.ok(allowed.includes(code), `${api.name} v${v} answered error ${code}`);
          seen.push(`${api.key}v${v}`);
        }
      }
      wire.close();
      assert.equal(seen.length, 5 + 4 + 2 + 3 + 2 + 2 + 1);
    });
  });
});
