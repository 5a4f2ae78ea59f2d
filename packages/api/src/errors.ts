/**
 * The errors connectors, converters and transforms throw. The runtime decides what happens
 * next (retry, tolerate, dead-letter, fail the task) from the class and `isRetriable`,
 * never from the message. Always pass `{ cause }` when wrapping.
 */

export interface ConnectErrorOptions {
  readonly cause?: unknown;
  /** A short machine-readable code, e.g. `'CONVERSION'` or `'SQL_CONSTRAINT'`. */
  readonly code?: string;
}

/** Base class. Not retriable unless a subclass says so. */
export class ConnectError extends Error {
  readonly code: string;

  constructor(message: string, options: ConnectErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'CONNECT';
  }

  /** True when repeating the same operation later may succeed. */
  get isRetriable(): boolean {
    return false;
  }
}

/**
 * The operation may succeed if repeated: a lost connection, a lock timeout, a broker that
 * is not the leader yet. From `SinkTask.put` it makes the runtime redeliver the same batch
 * after a back-off (or after `SinkTaskContext.timeout(ms)` if the task set one); from
 * `SourceTask.poll` it makes the runtime poll again after a back-off (up to 10 s). Both
 * repeat until they succeed or the task is stopped, as Kafka Connect does. From a
 * converter or transform it is retried for up to `errors.retry.timeout`, then handled by
 * `errors.tolerance`.
 */
export class RetriableError extends ConnectError {
  override get isRetriable(): boolean {
    return true;
  }
}

/**
 * A record (or a value inside it) cannot be handled: it does not match its schema, a
 * converter cannot parse its bytes, a transform does not apply. Subject to
 * `errors.tolerance`: with `all` the record is skipped (and dead-lettered by sinks).
 */
export class DataError extends ConnectError {}

/** One bad configuration key. `value` is `undefined` when the key is missing. */
export interface ConfigProblem {
  readonly key: string;
  readonly value: string | undefined;
  readonly message: string;
}

/**
 * A configuration is invalid. Carries every problem found, not only the first, so a user
 * fixes a file once. Messages never include the values of password-type keys.
 */
export class ConfigError extends ConnectError {
  readonly problems: readonly ConfigProblem[];

  constructor(
    problems: readonly ConfigProblem[] | string,
    options: ConnectErrorOptions & { readonly context?: string } = {},
  ) {
    const list: readonly ConfigProblem[] =
      typeof problems === 'string' ? [{ key: '', value: undefined, message: problems }] : problems;
    const lines = list.map((p) => (p.key === '' ? p.message : `${p.key}: ${p.message}`));
    const head = options.context === undefined ? 'Invalid configuration' : `Invalid configuration (${options.context})`;
    super(lines.length === 1 ? `${head}: ${lines[0]}` : `${head}:\n  ${lines.join('\n  ')}`, {
      ...options,
      code: options.code ?? 'CONFIG',
    });
    this.problems = list;
  }
}

/** A named thing (connector, task, plugin, topic, table) does not exist. */
export class NotFoundError extends ConnectError {}
