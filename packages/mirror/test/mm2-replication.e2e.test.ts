/**
 * Proof (issue 6): the MM2 file users bring, with its hosts set to two embedded brokers,
 * run by `tributary connect-mirror-maker`: 50 topics × 500 JSON messages replicated to
 * `A.Topic-n` (Default policy) and, in a second run, to `Topic-n` (Identity policy),
 * while live traffic keeps flowing; `mirror verify` reports every partition equal.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import type { KafkaWireClient } from '@tributary/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { formatVerifyReport, mirrorVerify } from '../src/index.js';
import {
  compatFileFor,
  jsonRecord,
  planOf,
  produceRecords,
  startMirrorMaker,
  stopMirrorMaker,
  waitFor,
  wireClient,
  writeFile,
} from './mm2/e2e-helpers.js';

const TOPICS = 50;
const MESSAGES = 500;
const PARTITIONS = 2;
const LIVE_TOPICS = 5;

for (const policy of ['Default', 'Identity'] as const) {
  describe(`connect-mirror-maker with the compat MM2 file, ${policy} policy`, () => {
    let a: RunningBroker;
    let b: RunningBroker;
    let dir = '';
    let source: KafkaWireClient;
    const names = Array.from({ length: TOPICS }, (_, n) => `Topic-${n}`);

    before(async () => {
      a = await startBroker({ port: 0 });
      b = await startBroker({ port: 0 });
      dir = mkdtempSync(join(tmpdir(), `mm2-${policy}-`));
      const admin = new Kafka({ brokers: [a.bootstrap], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: PARTITIONS })) });
      await admin.disconnect();
      source = wireClient(a.bootstrap);
      for (const topic of names) {
        await produceRecords(source, topic, PARTITIONS, MESSAGES / PARTITIONS, (p, i) => jsonRecord(topic, p, i));
      }
    });

    after(async () => {
      await source?.close();
      await a?.stop();
      await b?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it(`replicates 50 topics × 500 messages to ${policy === 'Default' ? 'A.Topic-n' : 'Topic-n'}, live traffic continues, verify is EQUAL`, async () => {
      const extra = [
        'B.offset.flush.interval.ms = 1000',
        // `heartbeats` appears on A after the start; pick it up in seconds, not 30.
        'A->B.refresh.topics.interval.seconds = 3',
        ...(policy === 'Identity'
          ? ['replication.policy.class=org.apache.kafka.connect.mirror.IdentityReplicationPolicy']
          : []),
      ];
      const file = writeFile(dir, 'mm2.properties', compatFileFor(a.bootstrap, b.bootstrap, extra));
      const stateDir = join(dir, 'state');
      const mm = startMirrorMaker([file, '--state-dir', stateDir]);
      let isLive = true;
      let liveSent = 0;
      const live = (async () => {
        // Live traffic: more JSON messages into a few topics while the mirror runs and verify reads.
        for (let round = 0; isLive; round++) {
          const topic = names[round % LIVE_TOPICS] ?? 'Topic-0';
          await produceRecords(source, topic, PARTITIONS, 10, (p, i) => jsonRecord(topic, p, 100_000 + round * 10 + i));
          liveSent += 10 * PARTITIONS;
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      try {
        const line = await mm.running;
        assert.match(
          line,
          /^tributary connect-mirror-maker: running flows A->B \(MirrorSourceConnector, MirrorCheckpointConnector, MirrorHeartbeatConnector\), B->A \(MirrorHeartbeatConnector\)/,
        );
        const plan = planOf(file, stateDir);
        const report = await mirrorVerify(plan, { topics: /Topic-\d+/, waitMs: 120_000 });
        const text = formatVerifyReport(report);
        assert.ok(report.isEqual, text);
        const partitions = report.flows.flatMap((f) => f.partitions);
        assert.equal(partitions.length, TOPICS * PARTITIONS, text);
        for (const p of partitions) {
          assert.equal(p.verdict, 'equal', text);
          assert.equal(p.targetTopic, policy === 'Default' ? `A.${p.sourceTopic}` : p.sourceTopic);
          assert.equal(p.target?.sha256, p.source.sha256);
        }
        const total = partitions.reduce((sum, p) => sum + p.source.count, 0);
        assert.ok(total >= TOPICS * MESSAGES, `${total} records verified`);
        assert.ok(liveSent > 0, 'live traffic flowed while verifying');
        assert.match(text, /^EQUAL: 100 partitions, \d+ records match on both clusters$/m);
        // The pair B->A does not replicate but emits heartbeats into A (KAFKA-10710); A->B
        // copies them to B as A.heartbeats (named the Default way under either policy).
        const target = wireClient(b.bootstrap);
        try {
          await waitFor('A.heartbeats on B', async () => {
            const ends = await target.listOffsets([{ topic: 'A.heartbeats', partition: 0 }], 'latest');
            return (ends[0]?.offset ?? 0) > 0 ? true : undefined;
          });
        } finally {
          await target.close();
        }
      } finally {
        isLive = false;
        await live;
        const exit = await stopMirrorMaker(mm);
        assert.equal(exit.code, 0, exit.stderr);
      }
    });
  });
}
