/**
 * Helpers around `node:util` parseArgs: its errors become `UsageError`s, and flag
 * values are checked with messages that name the flag, the value and what was expected.
 */
import { UsageError } from './command.js';

/** Runs a `parseArgs` call, turning its command-line errors into `UsageError`s. */
export function parseOrThrow<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (isParseArgsError(err)) {
      const message = err.message.replace(/\s*\n\s*/g, ' ');
      throw new UsageError(message.charAt(0).toLowerCase() + message.slice(1), { cause: err });
    }
    throw err;
  }
}

function isParseArgsError(err: unknown): err is Error & { code: string } {
  return (
    err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS_')
  );
}

/** A whole decimal number in `[min, max]`, or a `UsageError` naming `flag`. */
export function integerOption(flag: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`invalid value for --${flag}: '${value}' (expected an integer ${range})`);
  }
  return n;
}

/** A non-empty string, or a `UsageError` naming `flag`. */
export function nonEmptyOption(flag: string, value: string, what: string): string {
  if (value.trim() === '') throw new UsageError(`invalid value for --${flag}: '${value}' (expected ${what})`);
  return value;
}
