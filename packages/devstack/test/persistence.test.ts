import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CompressionTypes, type Kafka, Kafka as KafkaClient, logLevel } from 'kafkajs';
import { uniqueName } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));

interface BrokerProcess {
  bootstrap: string;
  child: ChildProcess;
}

// Every broker process is killed when the file ends, even if a test failed half-way.
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function spawnBroker(dataDir: string): Promise<BrokerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'broker-process.ts'), JSON.stringify({ dataDir })],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ bootstrap: out.slice(0, nl).trim(), child });
    });
    child.on('exit', (code) => reject(new Error(`broker process exited with ${code} before listening`)));
  });
}

function killHard(p: BrokerProcess): Promise<void> {
  return new Promise((resolve) => {
    p.child.on('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

function client(bootstrap: string): Kafka {
  return new KafkaClient({
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });
}

/** Reads every record of `topic` from the beginning with a plain consumer group. */
async function readAll(
  kafka: Kafka,
  topic: string,
  expected: number,
): Promise<{ partition: number; offset: string; value: string }[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: { partition: number; offset: string; value: string }[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${expected} records`)), 30_000);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({ partition, offset: message.offset, value: message.value?.toString() ?? '' });
        if (seen.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return seen.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

describe('persistence with a data directory', () => {
  const dirs: string[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('serves the same records, group offsets and topic configs after kill -9 and restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-persist-'));
    dirs.push(dataDir);
    const topic = uniqueName('durable');
    const groupId = uniqueName('group');

    const first = await spawnBroker(dataDir);
    const kafka = client(first.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '86400000' }] }],
    });
    const producer = kafka.producer();
    await producer.connect();
    for (let batch = 0; batch < 10; batch++) {
      await producer.send({
        topic,
        compression: batch % 2 === 0 ? CompressionTypes.GZIP : CompressionTypes.None,
        messages: Array.from({ length: 50 }, (_, i) => ({ value: `m-${batch * 50 + i}`, partition: i % 2 })),
      });
    }
    await producer.disconnect();
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: '42' },
        { partition: 1, offset: '7' },
      ],
    });
    await admin.disconnect();
    const before = await readAll(kafka, topic, 500);
    await killHard(first);

    const second = await spawnBroker(dataDir);
    try {
      const again = client(second.bootstrap);
      const after = await readAll(again, topic, 500);
      assert.deepEqual(after, before);
      const admin2 = again.admin();
      await admin2.connect();
      const offsets = await admin2.fetchOffsets({ groupId, topics: [topic] });
      assert.deepEqual(offsets[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), [
        [0, '42'],
        [1, '7'],
      ]);
      const configs = await admin2.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] });
      const retention = configs.resources[0]?.configEntries.find((c) => c.configName === 'retention.ms');
      assert.equal(retention?.configValue, '86400000');
      // New records continue after the recovered log end.
      const producer2 = again.producer();
      await producer2.connect();
      const [sent] = await producer2.send({ topic, messages: [{ value: 'after-restart', partition: 0 }] });
      assert.equal(sent?.baseOffset, '250');
      await producer2.disconnect();
      await admin2.disconnect();
    } finally {
      await killHard(second);
    }
  });

  it('drops a torn batch at the tail of a segment and keeps appending after the last whole one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-torn-'));
    dirs.push(dataDir);
    const topic = uniqueName('torn');
    const first = await spawnBroker(dataDir);
    const kafka = client(first.bootstrap);
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 3; i++) await producer.send({ topic, messages: [{ value: `whole-${i}` }] });
    await producer.disconnect();
    await killHard(first);

    // A crash in the middle of a write leaves a partial batch behind.
    const partDir = join(dataDir, 'topics', `${topic}-0`);
    const segment = readdirSync(partDir).find((f) => f.endsWith('.log'));
    assert.ok(segment, 'segment file exists');
    appendFileSync(join(partDir, segment), Buffer.from([0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 1, 0, 0, 0]));

    const second = await spawnBroker(dataDir);
    try {
      const again = client(second.bootstrap);
      const producer2 = again.producer();
      await producer2.connect();
      const [sent] = await producer2.send({ topic, messages: [{ value: 'next' }] });
      assert.equal(sent?.baseOffset, '3');
      await producer2.disconnect();
      const records = await readAll(again, topic, 4);
      assert.deepEqual(
        records.map((r) => r.value),
        ['whole-0', 'whole-1', 'whole-2', 'next'],
      );
    } finally {
      await killHard(second);
    }
  });
});
