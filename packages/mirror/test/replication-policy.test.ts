import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import {
  DefaultReplicationPolicy,
  IdentityReplicationPolicy,
  isCycle,
  RenameFormatReplicationPolicy,
  replicationPolicyFor,
  TOPIC_PLACEHOLDER,
} from '../src/replication-policy.js';

describe('DefaultReplicationPolicy', () => {
  const policy = new DefaultReplicationPolicy();

  it('prefixes remote topics with the source alias and traces them back', () => {
    assert.equal(policy.formatRemoteTopic('A', 'orders'), 'A.orders');
    assert.equal(policy.topicSource('A.orders'), 'A');
    assert.equal(policy.upstreamTopic('A.orders'), 'orders');
    assert.equal(policy.topicSource('B.A.orders'), 'B');
    assert.equal(policy.upstreamTopic('B.A.orders'), 'A.orders');
    assert.equal(policy.originalTopic('B.A.orders'), 'orders');
  });

  it('treats names without a separator (or with only a trailing one) as local', () => {
    assert.equal(policy.topicSource('orders'), null);
    assert.equal(policy.upstreamTopic('orders'), null);
    assert.equal(policy.topicSource('A.'), null);
    assert.equal(policy.originalTopic('orders'), 'orders');
  });

  it("names MM2's internal topics", () => {
    assert.equal(policy.heartbeatsTopic(), 'heartbeats');
    assert.equal(policy.offsetSyncsTopic('B'), 'mm2-offset-syncs.B.internal');
    assert.equal(policy.checkpointsTopic('A'), 'A.checkpoints.internal');
    assert.ok(policy.isCheckpointsTopic('A.checkpoints.internal'));
    assert.ok(policy.isMM2InternalTopic('mm2-offset-syncs.B.internal'));
    assert.ok(policy.isHeartbeatsTopic('heartbeats'));
    assert.ok(policy.isHeartbeatsTopic('B.A.heartbeats'));
    assert.ok(!policy.isHeartbeatsTopic('A.orders'));
  });

  it('recognises Kafka, Connect and MM2 internal topics', () => {
    for (const t of [
      '__consumer_offsets',
      '.hidden',
      'connect-offsets-internal',
      'mm2-offsets.A.internal',
      'A.checkpoints.internal',
    ]) {
      assert.ok(policy.isInternalTopic(t), t);
    }
    for (const t of ['orders', 'A.orders', 'internal-orders', 'heartbeats']) assert.ok(!policy.isInternalTopic(t), t);
  });

  it('uses a custom separator, also for internal topics unless disabled', () => {
    const underscore = new DefaultReplicationPolicy({ separator: '_' });
    assert.equal(underscore.formatRemoteTopic('A', 'orders'), 'A_orders');
    assert.equal(underscore.topicSource('A_my.orders'), 'A');
    assert.equal(underscore.upstreamTopic('A_my.orders'), 'my.orders');
    assert.equal(underscore.offsetSyncsTopic('B'), 'mm2-offset-syncs_B_internal');
    assert.equal(underscore.checkpointsTopic('A'), 'A_checkpoints_internal');
    const dotted = new DefaultReplicationPolicy({ separator: '_', isInternalTopicSeparatorEnabled: false });
    assert.equal(dotted.formatRemoteTopic('A', 'orders'), 'A_orders');
    assert.equal(dotted.offsetSyncsTopic('B'), 'mm2-offset-syncs.B.internal');
    assert.equal(dotted.checkpointsTopic('A'), 'A.checkpoints.internal');
    const multi = new DefaultReplicationPolicy({ separator: '::' });
    assert.equal(multi.upstreamTopic('A::B::t'), 'B::t');
  });
});

describe('IdentityReplicationPolicy', () => {
  const policy = new IdentityReplicationPolicy({ sourceClusterAlias: 'A' });

  it('keeps topic names but prefixes heartbeats', () => {
    assert.equal(policy.formatRemoteTopic('A', 'orders'), 'orders');
    assert.equal(policy.formatRemoteTopic('A', 'A.orders'), 'A.orders');
    assert.equal(policy.topicSource('orders'), 'A');
    assert.equal(policy.upstreamTopic('orders'), 'orders');
    assert.equal(policy.originalTopic('orders'), 'orders');
    assert.equal(policy.formatRemoteTopic('A', 'heartbeats'), 'A.heartbeats');
    assert.equal(policy.topicSource('B.heartbeats'), 'B');
    assert.equal(policy.upstreamTopic('B.heartbeats'), 'heartbeats');
  });
});

describe('RenameFormatReplicationPolicy', () => {
  it('replaces the topic placeholder and recognises names of the format', () => {
    const policy = new RenameFormatReplicationPolicy(`${TOPIC_PLACEHOLDER}.replica`, { sourceClusterAlias: 'src' });
    assert.equal(policy.formatRemoteTopic('src', 'orders'), 'orders.replica');
    assert.equal(policy.upstreamTopic('orders.replica'), 'orders');
    assert.equal(policy.topicSource('orders.replica'), 'src');
    assert.equal(policy.topicSource('orders'), null);
    assert.equal(policy.formatRemoteTopic('src', 'heartbeats'), 'src.heartbeats');
  });

  it('sends every topic to a fixed name when the format has no placeholder', () => {
    const policy = new RenameFormatReplicationPolicy('dest-topic');
    assert.equal(policy.formatRemoteTopic('src', 'a'), 'dest-topic');
    assert.equal(policy.topicSource('dest-topic'), null);
  });
});

describe('replicationPolicyFor', () => {
  it('accepts MM2 class names and simple names', () => {
    assert.ok(
      replicationPolicyFor({ className: 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy' }) instanceof
        DefaultReplicationPolicy,
    );
    assert.ok(replicationPolicyFor({ className: 'IdentityReplicationPolicy' }) instanceof IdentityReplicationPolicy);
    assert.ok(
      replicationPolicyFor({ className: 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy' }) instanceof
        IdentityReplicationPolicy,
    );
    assert.ok(replicationPolicyFor({ renameFormat: TOPIC_PLACEHOLDER }) instanceof RenameFormatReplicationPolicy);
  });

  it('rejects unknown classes naming the key', () => {
    assert.throws(
      () => replicationPolicyFor({ className: 'com.example.Custom' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'replication.policy.class',
    );
  });
});

describe('isCycle', () => {
  const policy = new DefaultReplicationPolicy();

  it('finds topics that came from the target, at any hop', () => {
    assert.ok(isCycle(policy, 'B.orders', 'B'));
    assert.ok(isCycle(policy, 'C.B.orders', 'B'));
    assert.ok(!isCycle(policy, 'C.orders', 'B'));
    assert.ok(!isCycle(policy, 'orders', 'B'));
  });

  it('never detects one with Identity', () => {
    const identity = new IdentityReplicationPolicy({ sourceClusterAlias: 'A' });
    assert.ok(!isCycle(identity, 'orders', 'B'));
    assert.ok(isCycle(identity, 'B.heartbeats', 'B'));
  });
});
