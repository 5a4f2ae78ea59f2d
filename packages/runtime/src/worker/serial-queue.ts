/**
 * Runs async operations one at a time, in the order they were queued: each connector's
 * lifecycle changes (start, pause, restart, delete, reconfigure) go through one, so a
 * REST request never sees or causes a half-applied change.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(operation, operation);
    this.#tail = result.catch(() => {});
    return result;
  }
}
