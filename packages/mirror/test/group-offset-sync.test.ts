import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeGroupTranslation, type GroupPartition, partitionKey } from '../src/group-offset-sync.js';

const row = (partition: number, translatedOffset: number | null, reason: string | null = null): GroupPartition => ({
  upstreamTopic: 'orders',
  partition,
  upstreamOffset: 100 + partition,
  remoteTopic: 'A.orders',
  translatedOffset,
  reason,
});

describe('describeGroupTranslation', () => {
  it('writes every translated partition of a group absent on the target', () => {
    const t = describeGroupTranslation({
      group: 'g',
      partitions: [row(1, 50), row(0, 40)],
      target: { state: 'Dead', offsets: new Map() },
    });
    assert.equal(t.isEligible, true);
    assert.equal(t.reason, null);
    assert.deepEqual(
      t.partitions.map((p) => [p.partition, p.action, p.skipReason]),
      [
        [0, 'write', null],
        [1, 'write', null],
      ],
    );
  });

  it('skips a group that is active on the target, with the state in the reason', () => {
    const t = describeGroupTranslation({
      group: 'g',
      partitions: [row(0, 40)],
      target: { state: 'Stable', offsets: new Map([[partitionKey('A.orders', 0), 10]]) },
    });
    assert.equal(t.isEligible, false);
    assert.match(t.reason ?? '', /active on the target \(state Stable\)/);
    assert.equal(t.partitions[0]?.action, 'skip');
    assert.equal(t.partitions[0]?.targetOffset, 10);
  });

  it('never moves an empty group back, and skips partitions already there', () => {
    const t = describeGroupTranslation({
      group: 'g',
      partitions: [row(0, 40), row(1, 50), row(2, 60)],
      target: {
        state: 'Empty',
        offsets: new Map([
          [partitionKey('A.orders', 0), 45],
          [partitionKey('A.orders', 1), 50],
          [partitionKey('A.orders', 2), 10],
        ]),
      },
    });
    assert.deepEqual(
      t.partitions.map((p) => p.action),
      ['skip', 'skip', 'write'],
    );
    assert.match(t.partitions[0]?.skipReason ?? '', /at 45, ahead of 40; writing would rewind it/);
    assert.match(t.partitions[1]?.skipReason ?? '', /already at 50/);
    assert.equal(t.reason, null);
  });

  it('passes on the reason of an untranslated partition (no syncs yet, topic filtered)', () => {
    const t = describeGroupTranslation({
      group: 'g',
      partitions: [row(0, null, 'no offset sync at or before 100 yet'), row(1, null, 'orders is not replicated')],
      target: { state: 'Empty', offsets: new Map() },
    });
    assert.deepEqual(
      t.partitions.map((p) => p.skipReason),
      ['no offset sync at or before 100 yet', 'orders is not replicated'],
    );
    assert.equal(t.reason, 'no partition needs writing');
  });

  it('says so when the group committed nothing that is replicated', () => {
    const t = describeGroupTranslation({ group: 'g', partitions: [], target: { state: 'Dead', offsets: new Map() } });
    assert.match(t.reason ?? '', /no committed offsets/);
  });

  it('decides nothing without the target', () => {
    const t = describeGroupTranslation({ group: 'g', partitions: [row(0, 40)], target: null });
    assert.equal(t.targetState, null);
    assert.equal(t.partitions[0]?.action, 'skip');
  });

  it('does not write an offset beyond the end of the target partition', () => {
    const t = describeGroupTranslation({
      group: 'g',
      partitions: [row(0, 40), row(1, 40)],
      target: {
        state: 'Empty',
        offsets: new Map(),
        endOffsets: new Map([
          [partitionKey('A.orders', 0), 30],
          [partitionKey('A.orders', 1), 40],
        ]),
      },
    });
    assert.deepEqual(
      t.partitions.map((p) => p.action),
      ['skip', 'write'],
    );
    assert.match(t.partitions[0]?.skipReason ?? '', /beyond the end of A.orders-0 on the target \(30\)/);
  });

  it('skips a group the group filter leaves out', () => {
    const t = describeGroupTranslation({
      group: 'console-consumer-1',
      partitions: [row(0, 40)],
      target: { state: 'Dead', offsets: new Map() },
      isGroupAccepted: false,
    });
    assert.equal(t.isEligible, false);
    assert.match(t.reason ?? '', /not mirrored \(groups \/ groups.exclude\)/);
    assert.equal(t.partitions[0]?.action, 'skip');
  });
});
