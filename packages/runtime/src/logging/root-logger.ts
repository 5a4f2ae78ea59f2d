/**
 * The worker's logger: pino writing one JSON object per line (to stdout unless told
 * otherwise), with the values of well-known secret keys replaced by `[hidden]`.
 * Connector and task loggers are children that bind `connector` and `task`, so every
 * line they write names them.
 */
import { Writable } from 'node:stream';
import { type DestinationStream, type Logger, pino } from 'pino';

export const HIDDEN = '[hidden]';

/**
 * Keys whose values never reach a log line, at the top level of a logged object and one
 * or two levels down (`{ config: { 'connection.password': … } }`). Kafka's PASSWORD-type
 * client and connector keys, plus the usual names for credentials.
 */
export const SECRET_KEYS: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'token',
  'apiKey',
  'api.key',
  'authorization',
  'connection.password',
  'connection.user.password',
  'sasl.jaas.config',
  'sasl.password',
  'ssl.key.password',
  'ssl.keystore.password',
  'ssl.truststore.password',
  'ssl.keystore.key',
  'ssl.keystore.certificate.chain',
  'ssl.truststore.certificates',
  'basic.auth.user.info',
  'schema.registry.basic.auth.user.info',
];

function bracket(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
}

function joinPath(prefix: string, key: string): string {
  const part = bracket(key);
  return part.startsWith('[') ? `${prefix}${part}` : `${prefix}.${part}`;
}

/** pino `redact` paths for SECRET_KEYS: `password`, `*.password`, `*.*.password`, `*["sasl.jaas.config"]`, … */
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => [
  bracket(key),
  joinPath('*', key),
  joinPath('*.*', key),
]);

export interface RootLoggerOptions {
  /** pino level name (`trace` … `fatal`, `silent`). Default `info`. */
  readonly level?: string;
  /** A stream or a file descriptor. Default: stdout (fd 1). */
  readonly destination?: NodeJS.WritableStream | number;
  /** Human-readable lines (`12:00:01.002 INFO  [c1/0] message`) instead of JSON. */
  readonly pretty?: boolean;
}

export function createRootLogger(options: RootLoggerOptions = {}): Logger {
  const target = options.destination ?? 1;
  const raw: DestinationStream =
    typeof target === 'number' ? pino.destination({ dest: target, sync: true }) : (target as DestinationStream);
  const stream = options.pretty === true ? prettyStream(raw) : raw;
  return pino(
    {
      level: options.level ?? 'info',
      base: null,
      redact: { paths: [...REDACT_PATHS], censor: HIDDEN },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

/** The logger of a connector (`task` omitted) or of one of its tasks. */
export function loggerFor(root: Logger, ids: { readonly connector: string; readonly task?: number }): Logger {
  return root.child(
    ids.task === undefined ? { connector: ids.connector } : { connector: ids.connector, task: ids.task },
  );
}

/**
 * `text` with every occurrence of each secret replaced by `[hidden]`, for messages and
 * stack traces that may quote configuration values (e.g. a driver error echoing a
 * connection URL). Longer secrets are replaced first so that one containing another is
 * hidden whole; empty strings are ignored.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  const ordered = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of ordered) out = out.split(secret).join(HIDDEN);
  return out;
}

const PRETTY_LEVELS: Record<string, string> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO ',
  warn: 'WARN ',
  error: 'ERROR',
  fatal: 'FATAL',
};

/** One JSON line from pino → one readable line; anything unparsable passes through. */
export function formatPrettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, connector, task, err, ...rest } = entry;
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const where =
    connector === undefined
      ? ''
      : task === undefined
        ? ` [${String(connector)}]`
        : ` [${String(connector)}/${String(task)}]`;
  const extra = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const stack =
    typeof err === 'object' && err !== null && 'stack' in err ? `\n${String((err as { stack: unknown }).stack)}` : '';
  const label = PRETTY_LEVELS[String(level)] ?? String(level).toUpperCase();
  return `${clock} ${label}${where} ${typeof msg === 'string' ? msg : ''}${extra === '' ? '' : ` ${extra}`}${stack}\n`;
}

function prettyStream(out: DestinationStream): DestinationStream {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        out.write(formatPrettyLine(pending.slice(0, newline)));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      callback();
    },
  });
}
