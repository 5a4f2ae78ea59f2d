import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FetchWaiters } from '../src/broker/state/fetch-waiters.js';

describe('parked fetches', () => {
  it('stop waiting when their connection closes, instead of piling up until max wait', async () => {
    const waiters = new FetchWaiters();
    const closed = new AbortController();
    const startedMs = Date.now();
    const parked = waiters.wait(2_147_483_647, () => false, closed.signal);
    assert.equal(waiters.size, 1);
    closed.abort();
    await parked;
    assert.ok(Date.now() - startedMs < 1_000);
    assert.equal(waiters.size, 0);
    // A request from an already closed connection does not park at all.
    await waiters.wait(2_147_483_647, () => false, closed.signal);
    assert.equal(waiters.size, 0);
  });

  it('wake on notify when ready, and on max wait otherwise', async () => {
    const waiters = new FetchWaiters();
    let isReady = false;
    const woken = waiters.wait(60_000, () => isReady);
    waiters.notify();
    assert.equal(waiters.size, 1);
    isReady = true;
    waiters.notify();
    await woken;
    const startedMs = Date.now();
    await waiters.wait(50, () => false);
    assert.ok(Date.now() - startedMs >= 40);
    assert.equal(waiters.size, 0);
  });
});
