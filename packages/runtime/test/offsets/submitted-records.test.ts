import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SubmittedRecords } from '../../src/offsets/submitted-records.js';

describe('SubmittedRecords', () => {
  it('never commits past an unacknowledged record of the same partition', () => {
    const submitted = new SubmittedRecords();
    const a0 = submitted.submit({ p: 'a' }, { pos: 0 });
    const a1 = submitted.submit({ p: 'a' }, { pos: 1 });
    const a2 = submitted.submit({ p: 'a' }, { pos: 2 });
    a1.ack();
    a2.ack();
    assert.deepEqual(submitted.committableOffsets(), []);
    assert.equal(submitted.inFlightCount, 1);
    a0.ack();
    assert.deepEqual(submitted.committableOffsets(), [[{ p: 'a' }, { pos: 2 }]]);
    assert.deepEqual(submitted.committableOffsets(), []);
    assert.equal(submitted.inFlightCount, 0);
  });

  it('tracks partitions independently, whatever the order of their keys', () => {
    const submitted = new SubmittedRecords();
    const a0 = submitted.submit({ db: 'x', table: 'a' }, { pos: 0 });
    submitted.submit({ db: 'x', table: 'b' }, { pos: 0 });
    const a1 = submitted.submit({ table: 'a', db: 'x' }, { pos: 1 });
    a0.ack();
    a1.ack();
    assert.deepEqual(submitted.committableOffsets(), [[{ db: 'x', table: 'a' }, { pos: 1 }]]);
    assert.equal(submitted.inFlightCount, 1);
  });

  it('counts records without a partition in flight but commits nothing for them', async () => {
    const submitted = new SubmittedRecords();
    const r = submitted.submit(null, null);
    assert.equal(submitted.inFlightCount, 1);
    let isDone = false;
    const done = submitted.allAcked().then(() => {
      isDone = true;
    });
    await Promise.resolve();
    assert.equal(isDone, false);
    r.ack();
    r.ack();
    await done;
    assert.equal(submitted.inFlightCount, 0);
    assert.deepEqual(submitted.committableOffsets(), []);
  });

  it('keeps working over many records (queue compaction)', () => {
    const submitted = new SubmittedRecords();
    const handles = Array.from({ length: 5000 }, (_, i) => submitted.submit({ p: 0 }, { pos: i }));
    for (let i = 0; i < 3000; i++) handles[i]?.ack();
    assert.deepEqual(submitted.committableOffsets(), [[{ p: 0 }, { pos: 2999 }]]);
    for (let i = 3000; i < 5000; i++) handles[i]?.ack();
    assert.deepEqual(submitted.committableOffsets(), [[{ p: 0 }, { pos: 4999 }]]);
  });
});
