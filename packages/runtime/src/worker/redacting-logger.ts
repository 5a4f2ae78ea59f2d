/**
 * A logger for a connector and its tasks that removes the connector's secret values
 * (password-type keys, config-provider values) from every message, string field and error
 * it is given, so an exception that quotes a password (a driver echoing its connection
 * string) never reaches the log. Key-based redaction in the root logger cannot catch those.
 */
import type { LogFn, Logger } from '@tributary/api';
import { redact } from '../logging/root-logger.js';

const MAX_DEPTH = 4;

/** `logger` with `secrets()` (read at each call: they are known once the config is resolved) removed. */
export function redactingLogger(logger: Logger, secrets: () => readonly string[]): Logger {
  const wrap =
    (fn: LogFn): LogFn =>
    (first: object | string, message?: string) => {
      const list = secrets();
      if (typeof first === 'string') {
        fn(list.length === 0 ? first : redact(first, list));
        return;
      }
      if (list.length === 0) {
        fn(first, message);
        return;
      }
      fn(redactValue(first, list, 0) as object, message === undefined ? undefined : redact(message, list));
    };
  return {
    trace: wrap(logger.trace.bind(logger)),
    debug: wrap(logger.debug.bind(logger)),
    info: wrap(logger.info.bind(logger)),
    warn: wrap(logger.warn.bind(logger)),
    error: wrap(logger.error.bind(logger)),
    child: (bindings) => redactingLogger(logger.child(bindings), secrets),
  };
}

function redactValue(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Error) return redactError(value, secrets, depth);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, secrets, depth + 1)]));
}

/** A copy of `error` (same class, so loggers still name it) with message, stack, cause and fields redacted. */
function redactError(error: Error, secrets: readonly string[], depth: number): Error {
  const copy = Object.create(Object.getPrototypeOf(error)) as Error;
  for (const [key, v] of Object.entries(error))
    (copy as unknown as Record<string, unknown>)[key] = redactValue(v, secrets, depth + 1);
  Object.defineProperty(copy, 'message', { value: redact(error.message, secrets), enumerable: false, writable: true });
  Object.defineProperty(copy, 'stack', {
    value: redact(error.stack ?? '', secrets),
    enumerable: false,
    writable: true,
  });
  if (error.cause !== undefined) {
    Object.defineProperty(copy, 'cause', {
      value: redactValue(error.cause, secrets, depth + 1),
      enumerable: false,
      writable: true,
    });
  }
  return copy;
}
