/**
 * What every source task runner shares, whatever it produces (converted records or
 * ready-made record batches): the task's lifecycle and states, the poll loop with its
 * retry of RetriableErrors, the offset flusher (`offset.flush.interval.ms` and at stop,
 * then `task.commit()`), failing and the graceful stop.
 *
 * Task methods run only from the loop (never two at once): subclasses queue what the
 * broker acknowledged and hand it to the task in `commitAcknowledged`, between polls.
 */
import { ConnectError, type Logger, type Props, type SourceTask, type SourceTaskContext } from '@tributary/api';
import { type Clock, systemClock } from '../errors/clock.js';
import { createOffsetStorageReader } from '../offsets/offset-storage-reader.js';
import type { OffsetStore, TaskMetrics, TaskRunner, TaskState } from '../task-parts.js';
import { SourceOffsetWriter } from './source-offset-writer.js';

export interface SourceTaskLoopDependencies {
  readonly connectorName: string;
  readonly taskId: number;
  readonly task: SourceTask;
  /** The worker's `bootstrap.servers`, for the task context. Default []. */
  readonly workerBootstrapServers?: readonly string[];
  /** The task configuration handed to `task.start`. */
  readonly props: Props;
  /** Started by the caller; shared by the worker's tasks. */
  readonly offsetStore: OffsetStore;
  readonly logger: Logger;
  readonly metrics: TaskMetrics;
  readonly offsetFlushIntervalMs: number;
  readonly offsetFlushTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly clock?: Clock;
}

const POLL_RETRY_MIN_MS = 300;
const POLL_RETRY_MAX_MS = 10_000;

export abstract class SourceTaskLoop<Polled> implements TaskRunner {
  protected readonly clock: Clock;
  protected readonly log: Logger;
  /** Source offsets from submission to the offset store. */
  protected readonly offsets: SourceOffsetWriter;
  /** Wakes the loop when it waits (paused, back-pressure): after acks, resume, stop. */
  protected readonly wake = new Wakeup();
  readonly #deps: SourceTaskLoopDependencies;
  #state: TaskState = 'UNASSIGNED';
  #failure: Error | null = null;
  readonly #listeners: ((state: TaskState, failure: Error | null) => void)[] = [];
  #isPaused = false;
  /** Aborted when the task stops or fails: ends `poll` and the loop. */
  readonly #loopControl = new AbortController();
  readonly #flusherControl = new AbortController();
  #loop: Promise<boolean> | null = null;
  #flusher: Promise<void> | null = null;
  #closing: Promise<void> | null = null;
  #isTaskStarted = false;
  #starting: Promise<void> | null = null;

  constructor(dependencies: SourceTaskLoopDependencies) {
    this.#deps = dependencies;
    this.clock = dependencies.clock ?? systemClock;
    this.log = dependencies.logger;
    this.offsets = new SourceOffsetWriter({
      connectorName: dependencies.connectorName,
      offsetStore: dependencies.offsetStore,
      offsetFlushTimeoutMs: dependencies.offsetFlushTimeoutMs,
      metrics: dependencies.metrics,
      clock: this.clock,
      onError: (err) =>
        this.log.error({ err }, `Task ${this.name} failed to flush offsets; they are retried at the next flush`),
      onFlushed: () => this.wake.notify(),
    });
  }

  /** The task method polled, for messages: `poll` or `pollBatches`. */
  protected abstract readonly pollMethod: string;
  /** Calls the task's poll method. */
  protected abstract pollTask(signal: AbortSignal): Promise<Polled[]>;
  /** Hands what one poll returned on to be produced; called with a non-empty array. */
  protected abstract process(polled: Polled[], signal: AbortSignal): Promise<void>;
  /** True while too much is unacknowledged to poll more. */
  protected abstract isBackPressured(): boolean;
  /** Gives the task what the broker acknowledged since the last call (`commitRecord`, `commitBatch`). */
  protected abstract commitAcknowledged(): Promise<void>;
  /** Resolves when nothing handed to Kafka is still waiting for its answer (or producing failed). */
  protected abstract drained(): Promise<void>;
  /** Logged when `drained` did not resolve in time. */
  protected abstract describeInFlight(): string;

  get state(): TaskState {
    return this.#state;
  }

  get failure(): Error | null {
    return this.#failure;
  }

  onStateChange(listener: (state: TaskState, failure: Error | null) => void): void {
    this.#listeners.push(listener);
  }

  start(): Promise<void> {
    if (this.#state !== 'UNASSIGNED' || this.#starting !== null)
      return Promise.reject(new ConnectError(`Task ${this.name} was already started`));
    this.#starting = this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const { task, props, connectorName, taskId, offsetStore } = this.#deps;
    const context: SourceTaskContext = {
      connectorName,
      taskId,
      logger: this.log,
      workerBootstrapServers: this.#deps.workerBootstrapServers ?? [],
      offsetStorageReader: createOffsetStorageReader(offsetStore, connectorName),
    };
    try {
      await task.start(props, context);
    } catch (err) {
      this.#failure = asError(err);
      this.log.error({ err }, `Task ${this.name} threw an exception from start()`);
      this.#setState('FAILED');
      this.#closing = Promise.resolve();
      throw err;
    }
    this.#isTaskStarted = true;
    this.#setState(this.#isPaused ? 'PAUSED' : 'RUNNING');
    this.#loop = this.#run().then(
      () => true,
      (err: unknown) => {
        this.fail(err);
        return true;
      },
    );
    this.#flusher = this.#runFlusher();
  }

  pause(): void {
    this.#isPaused = true;
    if (this.#state === 'RUNNING') this.#setState('PAUSED');
  }

  resume(): void {
    this.#isPaused = false;
    if (this.#state === 'PAUSED') this.#setState('RUNNING');
    this.wake.notify();
  }

  async stop(): Promise<void> {
    await this.#starting?.catch(() => {});
    if (this.#state === 'UNASSIGNED') {
      this.#closing ??= Promise.resolve();
      this.#setState('STOPPED');
      return;
    }
    await this.#shutDown();
    if (this.#failure === null) this.#setState('STOPPED');
  }

  protected get name(): string {
    return `${this.#deps.connectorName}-${this.#deps.taskId}`;
  }

  protected get task(): SourceTask {
    return this.#deps.task;
  }

  // ---- the loop: everything that calls the task -------------------------------------

  async #run(): Promise<void> {
    const signal = this.#loopControl.signal;
    let pollFailures = 0;
    while (!signal.aborted) {
      await this.commitAcknowledged();
      if (this.offsets.needsTaskCommit) await this.#commitTask();
      if (signal.aborted) break;
      if (this.#isPaused || this.isBackPressured()) {
        await this.wake.wait();
        continue;
      }
      let polled: Polled[];
      try {
        polled = await this.pollTask(signal);
        pollFailures = 0;
      } catch (err) {
        if (signal.aborted) break;
        if (!isRetriable(err)) throw err;
        pollFailures++;
        const delayMs = Math.min(POLL_RETRY_MIN_MS * 2 ** Math.min(pollFailures - 1, 20), POLL_RETRY_MAX_MS);
        this.log.warn({ err, delayMs }, `Task ${this.name} failed to poll; retrying`);
        await this.clock.sleep(delayMs, signal);
        continue;
      }
      // What was polled after a stop is not produced, so its offsets are not committed either.
      if (signal.aborted) break;
      if (!Array.isArray(polled))
        throw new ConnectError(`Task ${this.name}: ${this.pollMethod}() must return an array, not ${String(polled)}`);
      if (polled.length > 0) await this.process(polled, signal);
      // Lets I/O (acknowledgements, timers) run even if poll never waits.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async #commitTask(): Promise<void> {
    this.offsets.needsTaskCommit = false;
    try {
      await this.#deps.task.commit?.();
    } catch (err) {
      this.log.error({ err }, `Task ${this.name} threw an exception from commit(); ignored`);
    }
  }

  async #runFlusher(): Promise<void> {
    const signal = this.#flusherControl.signal;
    while (!signal.aborted) {
      await this.clock.sleep(this.#deps.offsetFlushIntervalMs, signal);
      if (signal.aborted) return;
      await this.offsets.flush();
    }
  }

  // ---- stopping and failing ---------------------------------------------------------------

  /** Fails the task (once; errors while stopping are only logged) and stops it. */
  protected fail(error: unknown): void {
    const err = asError(error);
    if (this.#closing !== null) {
      this.log.debug({ err }, `Task ${this.name}: error while stopping`);
      return;
    }
    this.#failure = err;
    this.log.error(
      { err },
      `Task ${this.name} threw an uncaught and unrecoverable exception. Task is being killed and will not recover until manually restarted`,
    );
    this.#setState('FAILED');
    void this.#shutDown();
  }

  #shutDown(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Ends the loop, waits for acknowledgements, commits what is committable, stops the task. */
  async #close(): Promise<void> {
    const { shutdownTimeoutMs } = this.#deps;
    this.#loopControl.abort();
    this.wake.notify();
    const deadlineMs = this.clock.now() + shutdownTimeoutMs;
    const remainingMs = () => Math.max(0, deadlineMs - this.clock.now());
    const hasLoopEnded = this.#loop === null || (await within(this.#loop, remainingMs(), this.clock));
    if (!hasLoopEnded)
      this.log.warn(
        `Task ${this.name} did not return from ${this.pollMethod}() within ${shutdownTimeoutMs} ms of being stopped`,
      );
    const isDrained = await within(this.drained(), remainingMs(), this.clock);
    if (!isDrained) {
      this.log.warn(
        `Task ${this.name}: ${this.describeInFlight()} not acknowledged within ${shutdownTimeoutMs} ms; their offsets are not committed`,
      );
    }
    this.#flusherControl.abort();
    await this.#flusher;
    await this.offsets.flush();
    if (hasLoopEnded) {
      await this.commitAcknowledged();
      if (this.offsets.needsTaskCommit) await this.#commitTask();
    }
    if (this.#isTaskStarted) {
      try {
        await this.#deps.task.stop();
      } catch (err) {
        this.log.error({ err }, `Task ${this.name} threw an exception from stop()`);
      }
    }
  }

  #setState(state: TaskState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#listeners) {
      try {
        listener(state, this.#failure);
      } catch (err) {
        this.log.error({ err }, 'A task state listener threw');
      }
    }
  }
}

/** One-shot wake-ups for the loop: `wait()` resolves at the next `notify()`. */
export class Wakeup {
  #waiting: { promise: Promise<void>; resolve: () => void } | null = null;

  wait(): Promise<void> {
    if (this.#waiting === null) {
      let resolve: () => void = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.#waiting = { promise, resolve };
    }
    return this.#waiting.promise;
  }

  notify(): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.resolve();
  }
}

/** True if `promise` settled within `ms` (a rejection counts as settled and is rethrown). */
export async function within(promise: Promise<unknown>, ms: number, clock: Clock): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise.then(() => true), clock.sleep(ms, timer.signal).then(() => false)]);
  } finally {
    timer.abort();
  }
}

function isRetriable(error: unknown): boolean {
  return (error as { isRetriable?: unknown } | null)?.isRetriable === true;
}

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
