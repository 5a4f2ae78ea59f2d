/**
 * An open result read across polls: rows are buffered one streamed batch at a time (plus
 * one batch of look-ahead), so memory stays bounded by `batch.max.rows` whatever the
 * table's size. A poll that is aborted while a batch is being fetched leaves the fetch in
 * flight; the next call picks it up, so no row is lost or read twice.
 */
import type { ColumnDefinition, Row, RowBatch } from '@tributary/jdbc';

const ABORTED = Symbol('aborted');

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

export class RowCursor {
  readonly #iterator: AsyncIterator<RowBatch>;
  readonly #control: AbortController;
  #rows: Row[] = [];
  #head = 0;
  #pending: Promise<IteratorResult<RowBatch>> | null = null;
  #isDone = false;
  #columns: readonly ColumnDefinition[] | null = null;

  constructor(iterable: AsyncIterable<RowBatch>, control: AbortController) {
    this.#iterator = iterable[Symbol.asyncIterator]();
    this.#control = control;
  }

  /** The result's columns, known once the first batch arrived (null for an empty result). */
  get columns(): readonly ColumnDefinition[] | null {
    return this.#columns;
  }

  get buffered(): number {
    return this.#rows.length - this.#head;
  }

  /** True when `ensure(count)` would have to fetch: fewer than `count` rows buffered and more to come. */
  needsFetch(count: number): boolean {
    return this.#rows.length - this.#head < count && !this.#isDone;
  }

  /**
   * Fetches until `count` rows are buffered or the result ends. False when `signal`
   * aborted first (the fetch stays in flight for the next call).
   */
  async ensure(count: number, signal: AbortSignal): Promise<boolean> {
    while (this.buffered < count && !this.#isDone) {
      if (this.#pending === null) {
        this.#pending = this.#iterator.next();
        // Handled here so that an abandoned fetch that fails is not an unhandled rejection.
        this.#pending.catch(() => {});
      }
      const result = await untilAborted(this.#pending, signal);
      if (result === ABORTED) return false;
      this.#pending = null;
      if (result.done === true) {
        this.#isDone = true;
        break;
      }
      this.#columns = result.value.columns;
      if (this.#head > 0) {
        this.#rows = this.#rows.slice(this.#head);
        this.#head = 0;
      }
      for (const row of result.value.rows) this.#rows.push(row);
    }
    return true;
  }

  /** The buffered row `ahead` places from the next one, if any. */
  peek(ahead = 0): Row | undefined {
    return this.#rows[this.#head + ahead];
  }

  take(): Row {
    const row = this.#rows[this.#head];
    if (row === undefined) throw new Error('RowCursor.take with no buffered row');
    this.#head++;
    return row;
  }

  /** True once the result ended and every row was taken. */
  get isExhausted(): boolean {
    return this.#isDone && this.buffered === 0;
  }

  /** Closes the result (and its connection); idempotent. */
  async close(): Promise<void> {
    this.#isDone = true;
    this.#rows = [];
    this.#head = 0;
    this.#control.abort();
    const pending = this.#pending;
    this.#pending = null;
    await pending?.catch(() => undefined);
    await this.#iterator.return?.().catch(() => undefined);
  }
}
