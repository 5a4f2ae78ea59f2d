/**
 * What a source runner hands to Kafka, in poll order: one send at a time, each taking as
 * many queued items as fit into `maxBytes` (at least one, at most `maxItems`). After a
 * failed send nothing more is sent; the runner fails the task from `onFailure`.
 */
export interface SendQueueOptions<T> {
  readonly maxBytes: number;
  readonly maxItems: number;
  sizeOf(item: T): number;
  send(items: T[]): Promise<void>;
  onFailure(items: T[], error: unknown): void;
  /** After every send, successful or not (the runner's loop may go on). */
  onSettled(): void;
}

export class SendQueue<T> {
  readonly #options: SendQueueOptions<T>;
  #items: T[] = [];
  #pump: Promise<void> | null = null;
  #hasFailed = false;

  constructor(options: SendQueueOptions<T>) {
    this.#options = options;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** Starts sending what is queued, unless a send is running or one failed. */
  start(): void {
    if (this.#pump !== null || this.#items.length === 0 || this.#hasFailed) return;
    this.#pump = this.#pumpLoop().finally(() => {
      this.#pump = null;
      this.#options.onSettled();
      this.start();
    });
  }

  /** Resolves when everything queued was sent, or a send failed. */
  async drained(): Promise<void> {
    while (this.#pump !== null) await this.#pump;
  }

  async #pumpLoop(): Promise<void> {
    while (this.#items.length > 0) {
      const taken = this.#take();
      try {
        await this.#options.send(taken);
      } catch (err) {
        this.#hasFailed = true;
        this.#options.onFailure(taken, err);
        return;
      }
    }
  }

  #take(): T[] {
    const { maxBytes, maxItems, sizeOf } = this.#options;
    let bytes = 0;
    let count = 0;
    while (count < this.#items.length && count < maxItems) {
      const size = sizeOf(this.#items[count] as T);
      if (count > 0 && bytes + size > maxBytes) break;
      bytes += size;
      count++;
    }
    return this.#items.splice(0, count);
  }
}
