import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { Kafka, logLevel } from 'kafkajs';
import { UsageError } from '../src/command.js';
import { connectMirrorMakerArgs } from '../src/commands/connect-mirror-maker.js';
import { mirrorArgs } from '../src/commands/mirror.js';
import { runCli, startCli, stopCli } from './cli-process.js';

describe('tributary connect-mirror-maker and mirror: command lines', () => {
  it('takes MM2-style --clusters A B, commas and repeats', () => {
    assert.deepEqual(connectMirrorMakerArgs(['mm2.properties', '--clusters', 'A', 'B']).targetClusters, ['A', 'B']);
    assert.deepEqual(connectMirrorMakerArgs(['--clusters', 'A,B', 'mm2.properties']).targetClusters, ['A', 'B']);
    const repeated = connectMirrorMakerArgs(['--clusters', 'A', '--state-dir', 's', '--clusters=B', 'mm2.properties']);
    assert.deepEqual(
      [repeated.targetClusters, repeated.propsPath, repeated.stateDir],
      [['A', 'B'], 'mm2.properties', 's'],
    );
    const plain = connectMirrorMakerArgs(['mm2.properties']);
    assert.deepEqual([plain.targetClusters, plain.stateDir], [undefined, './mm2-state']);
  });

  it('refuses a missing file, two files and bad options', () => {
    assert.throws(() => connectMirrorMakerArgs([]), UsageError);
    assert.throws(() => connectMirrorMakerArgs(['a.properties', 'b.properties']), /expected one properties file/);
    assert.throws(() => connectMirrorMakerArgs(['a.properties', '--log-level', 'loud']), /--log-level/);
    assert.throws(() => mirrorArgs(['check', 'mm2.properties']), /unknown tool 'check'/);
    assert.throws(() => mirrorArgs(['verify']), /missing the MirrorMaker properties file/);
    assert.throws(() => mirrorArgs(['verify', 'mm2.properties', '--topics', '(']), /--topics/);
    assert.throws(() => mirrorArgs(['verify', 'mm2.properties', '--wait-seconds', 'soon']), /--wait-seconds/);
    const parsed = mirrorArgs(['verify', 'mm2.properties', '--flow', 'A->B', '--json', '--allow-duplicates']);
    assert.deepEqual(
      [parsed.tool, parsed.flows, parsed.isJson, parsed.allowDuplicates, parsed.waitMs],
      ['verify', ['A->B'], true, true, 30_000],
    );
  });

  it('lists both commands in --help and exits 2 on a wrong command line', async () => {
    const help = await runCli(['--help']);
    assert.match(help.stdout, /^ {2}connect-mirror-maker /m);
    assert.match(help.stdout, /^ {2}mirror /m);
    const wrong = await runCli(['mirror', 'frobnicate', 'x.properties']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /unknown tool 'frobnicate'/);
  });

  it('fails at start naming a missing <alias>.bootstrap.servers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm2-cli-'));
    try {
      const file = join(dir, 'mm2.properties');
      writeFileSync(file, 'clusters = A, B\nA.bootstrap.servers = 127.0.0.1:1\nA->B.enabled = true\n');
      const r = await runCli(['connect-mirror-maker', file, '--state-dir', join(dir, 'state')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot start: .*B\.bootstrap\.servers/s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tributary connect-mirror-maker, then tributary mirror verify / status / inventory', () => {
  let a: RunningBroker;
  let b: RunningBroker;
  let dir = '';

  before(async () => {
    a = await startBroker({ port: 0 });
    b = await startBroker({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'mm2-cli-'));
  });

  after(async () => {
    await a?.stop();
    await b?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replicates, verifies EQUAL (exit 0), and reports a difference (exit 1)', async () => {
    const kafkaA = new Kafka({ brokers: [a.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafkaA.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafkaA.producer();
    await producer.connect();
    await producer.send({
      topic: 'orders',
      messages: Array.from({ length: 40 }, (_, i) => ({
        key: `k${i}`,
        value: JSON.stringify({ i }),
        headers: { h: 'v' },
      })),
    });
    await producer.disconnect();
    const file = join(dir, 'mm2.properties');
    writeFileSync(
      file,
      [
        'clusters = A, B',
        `A.bootstrap.servers = ${a.bootstrap}`,
        `B.bootstrap.servers = ${b.bootstrap}`,
        'A->B.enabled = true',
        'replication.factor = 1',
        'offset-syncs.topic.replication.factor = 1',
        'checkpoints.topic.replication.factor = 1',
        'heartbeats.topic.replication.factor = 1',
        '',
      ].join('\n'),
    );
    const stateDir = join(dir, 'state');
    const mm = startCli(['connect-mirror-maker', file, '--state-dir', stateDir, '--log-level', 'warn']);
    try {
      assert.match(await mm.firstLine(), /^tributary connect-mirror-maker: running flows A->B \(/);
      const verify = await runCli(['mirror', 'verify', file, '--topics', 'orders', '--wait-seconds', '60'], 90_000);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /^EQUAL: 2 partitions, 40 records match on both clusters$/m);

      const status = await runCli(['mirror', 'status', file, '--state-dir', stateDir, '--json'], 90_000);
      assert.equal(status.code, 0, status.stderr);
      const report = JSON.parse(status.stdout) as { flows: { flow: string; partitions: { sourceTopic: string }[] }[] };
      assert.equal(report.flows[0]?.flow, 'A->B');
      assert.ok(report.flows[0]?.partitions.some((p) => p.sourceTopic === 'orders'));

      const inventory = await runCli(['mirror', 'inventory', file], 90_000);
      assert.equal(inventory.code, 0, inventory.stderr);
      assert.match(inventory.stdout, /^ {2}orders +2 +40 /m);
    } finally {
      const exit = await stopCli(mm);
      assert.equal(exit.code, 0, exit.stderr);
    }

    // With the mirror stopped: a record written to the copy behind its back, and the source's next record.
    const producerB = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producerB.connect();
    await producerB.send({ topic: 'A.orders', messages: [{ partition: 0, value: 'intruder' }] });
    await producerB.disconnect();
    const producerA = kafkaA.producer();
    await producerA.connect();
    await producerA.send({ topic: 'orders', messages: [{ partition: 0, value: 'late' }] });
    await producerA.disconnect();
    const different = await runCli(['mirror', 'verify', file, '--topics', 'orders', '--wait-seconds', '2'], 90_000);
    assert.equal(different.code, 1, different.stdout + different.stderr);
    assert.match(
      different.stdout,
      /^DIFFERENT: first difference in orders\/0 → A\.orders\/0: record \d+ \(source offset \d+, target offset \d+\): value(, timestamp)? differ$/m,
    );
  });
});
