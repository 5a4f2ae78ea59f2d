/**
 * Waiting for something another process or task does. Each wait has a deadline and, when it
 * passes, fails with what was awaited and what was seen instead: a conformance failure
 * must say which guarantee broke, not only that a test timed out.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Default 60 s. */
  readonly timeoutMs?: number;
  /** Default 50 ms. */
  readonly intervalMs?: number;
  /** Appended to the timeout message: the state seen last. */
  readonly describe?: () => string | Promise<string>;
}

/** Calls `probe` until it returns something other than `undefined`, and returns that. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const seen = options.describe === undefined ? '' : ` (last seen: ${await options.describe()})`;
      throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${seen}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}
