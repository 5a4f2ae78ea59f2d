// Driver errors as Connect errors: transient ones (lost connections, timeouts, deadlocks,
// serialization failures, a busy SQLite file) are retriable, errors in the statement's data
// (SQLSTATE classes 22 and 23) are DataErrors, the rest ConnectErrors. Each carries the
// database's SQLSTATE and error number. The message names the database's address; drivers
// never put the password in theirs.
import { ConnectError, DataError, RetriableError } from '@tributary/api';
import type { ConnectionSpec, SqlErrorDetails } from './dialect.js';

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_QUERY_INTERRUPTED',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

// SQLSTATE classes/codes: connection exception, serialization failure, deadlock, lock not
// available, admin shutdown, cannot connect now, too many connections, query canceled.
const TRANSIENT_SQLSTATES = ['08', '40001', '40P01', '55P03', '57P01', '57P02', '57P03', '53300', '57014'];
// MySQL/MariaDB errnos: lock wait timeout, deadlock.
const TRANSIENT_ERRNOS = new Set([1205, 1213]);
// MySQL/MariaDB errnos about the statement's data whose SQLSTATE is the catch-all HY000 on
// some versions: NOT NULL, duplicate key, out of range, truncated, bad date, bad value,
// too long, foreign keys, check constraints.
const DATA_ERRNOS = new Set([1048, 1062, 1264, 1265, 1292, 1366, 1406, 1411, 1451, 1452, 3819, 4025]);

const DETAILS = Symbol('sqlErrorDetails');

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

function codeOf(error: unknown): string | undefined {
  const code = field(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

// DuckDB reports the error kind as the message's prefix ("Constraint Error: …").
function duckdbState(message: string): string | null {
  if (/^(Constraint Error)/.test(message)) return '23000';
  if (/^(Conversion Error|Out of Range Error|Invalid Input Error)/.test(message)) return '22000';
  if (/^TransactionContext Error: .*[Cc]onflict/.test(message)) return '40001';
  return null;
}

/** What the driver said, read from a driver error. */
function detailsOfDriverError(error: unknown): SqlErrorDetails {
  const code = codeOf(error);
  const errnoField = field(error, 'errno');
  const sqlStateField = field(error, 'sqlState');
  if (typeof sqlStateField === 'string' && sqlStateField.length === 5)
    return { sqlState: sqlStateField, errno: typeof errnoField === 'number' ? errnoField : null };
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E')) return { sqlState: code, errno: null };
  if (code?.startsWith('SQLITE_')) {
    const state = code.startsWith('SQLITE_CONSTRAINT')
      ? '23000'
      : code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG' || code === 'SQLITE_RANGE'
        ? '22000'
        : code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED'
          ? '40001'
          : null;
    return { sqlState: state, errno: null };
  }
  const message = error instanceof Error ? error.message : '';
  return { sqlState: duckdbState(message), errno: typeof errnoField === 'number' ? errnoField : null };
}

/**
 * The SQLSTATE and error number of an error thrown by a `Database` of this package (or of
 * its cause chain), or null when it did not come from a database.
 */
export function sqlErrorDetails(error: unknown): SqlErrorDetails | null {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const own = field(e, DETAILS as unknown as string);
    if (own !== undefined) return own as SqlErrorDetails;
    e = field(e, 'cause');
  }
  return null;
}

export function isTransient(error: unknown): boolean {
  if (error instanceof RetriableError) return true;
  const code = codeOf(error);
  if (code !== undefined && (TRANSIENT_CODES.has(code) || TRANSIENT_SQLSTATES.some((s) => code.startsWith(s))))
    return true;
  const { sqlState, errno } = detailsOfDriverError(error);
  if (errno !== null && TRANSIENT_ERRNOS.has(errno)) return true;
  if (sqlState !== null && TRANSIENT_SQLSTATES.some((s) => sqlState.startsWith(s))) return true;
  const name = field(error, 'name');
  if (name === 'KnexTimeoutError') return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection (is )?closed|timeout expired/i.test(message);
}

export function wrapDriverError(error: unknown, spec: ConnectionSpec): ConnectError {
  if (error instanceof ConnectError) return error;
  const code = codeOf(error);
  const details = detailsOfDriverError(error);
  const message = `${spec.dialect} at ${spec.address}: ${error instanceof Error ? error.message : String(error)}${
    details.sqlState === null ? '' : ` (SQLSTATE ${details.sqlState})`
  }`;
  const options = { cause: error, code: code === undefined ? 'SQL' : `SQL_${code}` };
  const wrapped = isTransient(error)
    ? new RetriableError(message, options)
    : details.sqlState?.startsWith('22') ||
        details.sqlState?.startsWith('23') ||
        (details.errno !== null && DATA_ERRNOS.has(details.errno))
      ? new DataError(message, options)
      : new ConnectError(message, options);
  Object.defineProperty(wrapped, DETAILS, { value: details, enumerable: false });
  Object.defineProperty(wrapped, 'sqlState', { value: details.sqlState, enumerable: true });
  return wrapped;
}
