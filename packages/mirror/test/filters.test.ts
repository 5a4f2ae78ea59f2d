import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkPatternList,
  compilePatternList,
  DefaultConfigPropertyFilter,
  DefaultGroupFilter,
  DefaultTopicFilter,
  literalPatterns,
} from '../src/filters.js';

describe('DefaultTopicFilter', () => {
  it("applies MM2's defaults", () => {
    const filter = new DefaultTopicFilter();
    for (const t of ['orders', 'A.orders', 'heartbeats']) assert.ok(filter.shouldReplicateTopic(t), t);
    for (const t of [
      'connect-offsets-internal',
      'mm2-offset-syncs.B.internal',
      'orders.replica',
      '__consumer_offsets',
    ]) {
      assert.ok(!filter.shouldReplicateTopic(t), t);
    }
  });

  it('matches whole names, excludes win', () => {
    const filter = new DefaultTopicFilter(['foo.*', 'bar'], ['foo-secret']);
    assert.ok(filter.shouldReplicateTopic('foo-1'));
    assert.ok(filter.shouldReplicateTopic('bar'));
    assert.ok(!filter.shouldReplicateTopic('bar2'));
    assert.ok(!filter.shouldReplicateTopic('xbar'));
    assert.ok(!filter.shouldReplicateTopic('foo-secret'));
  });

  it('matches nothing for an empty include list', () => {
    assert.ok(!new DefaultTopicFilter([], []).shouldReplicateTopic('orders'));
    assert.ok(!compilePatternList([]).test(''));
  });
});

describe('DefaultGroupFilter', () => {
  it("applies MM2's defaults", () => {
    const filter = new DefaultGroupFilter();
    assert.ok(filter.shouldReplicateGroup('billing'));
    for (const g of ['console-consumer-123', 'connect-my-sink', '__internal'])
      assert.ok(!filter.shouldReplicateGroup(g), g);
  });
});

describe('DefaultConfigPropertyFilter', () => {
  it('drops throttles, timestamp settings, unclean election and min.insync.replicas', () => {
    const filter = new DefaultConfigPropertyFilter();
    assert.ok(filter.shouldReplicateConfigProperty('retention.ms'));
    assert.ok(filter.shouldReplicateConfigProperty('cleanup.policy'));
    for (const name of [
      'follower.replication.throttled.replicas',
      'leader.replication.throttled.replicas',
      'message.timestamp.difference.max.ms',
      'message.timestamp.type',
      'unclean.leader.election.enable',
      'min.insync.replicas',
    ]) {
      assert.ok(!filter.shouldReplicateConfigProperty(name), name);
    }
    assert.ok(!filter.shouldReplicateSourceDefault('retention.ms'));
    assert.ok(new DefaultConfigPropertyFilter(undefined, 'source').shouldReplicateSourceDefault('retention.ms'));
  });
});

describe('pattern lists', () => {
  it('reports the item that does not compile', () => {
    assert.equal(checkPatternList(['a.*', 'b']), undefined);
    assert.match(checkPatternList(['ok', '(broken']) ?? '', /\(broken/);
  });

  it('escapes literal names', () => {
    const re = compilePatternList(literalPatterns(['a.b']));
    assert.ok(re.test('a.b'));
    assert.ok(!re.test('axb'));
  });
});
