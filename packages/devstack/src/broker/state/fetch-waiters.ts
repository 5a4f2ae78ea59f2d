/**
 * Parked long-poll Fetch requests. Anything that can make data visible (an append,
 * a transaction marker, a deleted topic) calls {@link FetchWaiters.notify}; each
 * waiter re-checks its own condition, so the broker needs no per-partition bookkeeping.
 */
interface Waiter {
  isReady: () => boolean;
  done: () => void;
}

export class FetchWaiters {
  private readonly waiters = new Set<Waiter>();

  /** Resolves when `isReady()` holds after a notify, after `maxWaitMs`, or when `abandoned` aborts. */
  wait(maxWaitMs: number, isReady: () => boolean, abandoned?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (abandoned?.aborted) {
        resolve();
        return;
      }
      const waiter: Waiter = {
        isReady,
        done: () => {
          clearTimeout(timer);
          abandoned?.removeEventListener('abort', waiter.done);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.done, Math.max(0, maxWaitMs));
      abandoned?.addEventListener('abort', waiter.done, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** How many requests are parked (diagnostics and tests). */
  get size(): number {
    return this.waiters.size;
  }

  notify(): void {
    for (const w of [...this.waiters]) if (w.isReady()) w.done();
  }

  /** Releases every parked fetch (shutdown, deleted topics). */
  releaseAll(): void {
    for (const w of [...this.waiters]) w.done();
  }
}
