import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { DefaultTopicFilter } from '../src/filters.js';
import type { Checkpoint } from '../src/internal-records.js';
import { assignGroups } from '../src/mirror-checkpoint-connector.js';
import {
  decodeAssignedGroups,
  encodeAssignedGroups,
  isCheckpointMoreRecent,
  remoteTopicOf,
  translateCommittedOffsets,
} from '../src/mirror-checkpoint-task.js';
import { OffsetSyncStore } from '../src/offset-sync-store.js';
import { DefaultReplicationPolicy, IdentityReplicationPolicy } from '../src/replication-policy.js';

const cp = (upstreamOffset: number, downstreamOffset: number): Checkpoint => ({
  group: 'g',
  topic: 'A.t',
  partition: 0,
  upstreamOffset,
  downstreamOffset,
  metadata: '',
});

describe('checkpoint helpers', () => {
  it('keeps checkpoints monotonic unless the group moved back upstream (MM2 rule)', () => {
    assert.equal(isCheckpointMoreRecent(undefined, cp(10, 10)), true);
    assert.equal(isCheckpointMoreRecent(cp(10, 10), cp(20, 20)), true);
    assert.equal(isCheckpointMoreRecent(cp(10, 10), cp(20, 10)), false);
    assert.equal(isCheckpointMoreRecent(cp(50, 50), cp(70, 21)), false);
    assert.equal(isCheckpointMoreRecent(cp(50, 50), cp(30, 30)), true);
  });

  it('encodes task.assigned.groups as JSON, commas in group ids included', () => {
    const groups = ['a', 'b,c', 'd e'];
    assert.deepEqual(decodeAssignedGroups(encodeAssignedGroups(groups)), groups);
    assert.deepEqual(decodeAssignedGroups(undefined), []);
    assert.throws(() => decodeAssignedGroups('a,b'), ConfigError);
    assert.throws(() => decodeAssignedGroups('[1]'), /task.assigned.groups/);
  });

  it('spreads groups over min(tasks.max, #groups) tasks', () => {
    assert.deepEqual(assignGroups(['a', 'b', 'c', 'd', 'e'], 2), [
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    assert.deepEqual(assignGroups(['a', 'b'], 5), [['a'], ['b']]);
    assert.deepEqual(assignGroups([], 3), []);
  });

  it('names the remote topic and why a topic is not checkpointed', () => {
    const options = {
      policy: new DefaultReplicationPolicy(),
      topicFilter: new DefaultTopicFilter(['orders', 'B\\..*', 'x.*'], ['xcluded']),
      sourceAlias: 'A',
      targetAlias: 'B',
    };
    assert.deepEqual(remoteTopicOf('orders', options), { remoteTopic: 'A.orders', reason: null });
    assert.match(remoteTopicOf('other', options).reason ?? '', /not replicated/);
    assert.match(remoteTopicOf('xcluded', options).reason ?? '', /not replicated/);
    assert.match(remoteTopicOf('B.orders', options).reason ?? '', /replication cycle/);
    assert.match(remoteTopicOf('__consumer_offsets', options).reason ?? '', /internal/);
    const identity = { ...options, policy: new IdentityReplicationPolicy({ sourceClusterAlias: 'A' }) };
    assert.deepEqual(remoteTopicOf('orders', identity), { remoteTopic: 'orders', reason: null });
  });

  it('translates committed offsets with the store, with a reason for each partition it cannot', () => {
    const store = new OffsetSyncStore();
    store.add({ topic: 'orders', partition: 0, upstreamOffset: 0, downstreamOffset: 10 });
    store.add({ topic: 'orders', partition: 0, upstreamOffset: 99, downstreamOffset: 109 });
    store.markReadToEnd();
    const rows = translateCommittedOffsets(
      [
        { topic: 'orders', partition: 0, offset: 40, metadata: '' },
        { topic: 'orders', partition: 1, offset: 7, metadata: '' },
        { topic: 'other', partition: 0, offset: 3, metadata: '' },
      ],
      {
        store,
        policy: new DefaultReplicationPolicy(),
        topicFilter: new DefaultTopicFilter(['orders']),
        sourceAlias: 'A',
        targetAlias: 'B',
      },
    );
    assert.deepEqual(
      rows.map((r) => [r.remoteTopic, r.partition, r.translatedOffset, r.reason]),
      [
        ['A.orders', 0, 50, null],
        ['A.orders', 1, null, 'no offset sync at or before 7 yet'],
        ['A.other', 0, null, 'other is not replicated (topics / topics.exclude)'],
      ],
    );
  });
});
