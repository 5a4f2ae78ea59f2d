// Parses `connection.url` in the JDBC forms Confluent users have and the URL forms Node
// users have. Driver parameters that let a server read client files, run client code or
// weaken trust are refused unless the worker allow-lists them (reliability-anchors §4.4).
import { readFileSync } from 'node:fs';
import { ConfigError, Password } from '@tributary/api';
import type { ConnectionSpec, Credentials, DialectName, ParseConnectionUrlOptions, SslMode } from './dialect.js';

const KEY = 'connection.url';

/**
 * Parameter names refused unless allow-listed, per dialect, lower case. MySQL/MariaDB: local
 * infile (the server chooses a client file to read), Java deserialization and interceptor
 * hooks, key and trust store files. (`allowPublicKeyRetrieval` is accepted: mysql2 always
 * asks for the server's RSA key on unencrypted connections, so refusing it protects nothing.)
 * PostgreSQL: certificate/key file paths (the driver reads those files), factories and
 * callbacks naming classes, the driver's log file.
 */
export const REFUSED_URL_PARAMS: Readonly<Record<DialectName, readonly string[]>> = {
  mysql: [
    'allowloadlocalinfile',
    'allowloadlocalinfileinpath',
    'allowurlinlocalinfile',
    'localinfile',
    'infilestreamfactory',
    'autodeserialize',
    'queryinterceptors',
    'statementinterceptors',
    'exceptioninterceptors',
    'connectionlifecycleinterceptors',
    'socketfactory',
    'serverrsapublickeyfile',
    'clientcertificatekeystoreurl',
    'trustcertificatekeystoreurl',
  ],
  postgresql: [
    'sslcert',
    'sslkey',
    'sslrootcert',
    'sslfactory',
    'sslfactoryarg',
    'sslhostnameverifier',
    'sslpasswordcallback',
    'socketfactory',
    'socketfactoryarg',
    'loggerfile',
    'authenticationpluginclassname',
  ],
  sqlite: [],
  duckdb: [],
};

// Parameters that are understood and deliberately have no effect here (one note each).
const IGNORED: Readonly<Record<DialectName, Readonly<Record<string, string>>>> = {
  mysql: {
    characterencoding: 'the connection always uses utf8mb4',
    useunicode: 'the connection always uses utf8mb4',
    servertimezone: 'sessions run in UTC; zone-less values are read in db.timezone',
    connectiontimezone: 'sessions run in UTC; zone-less values are read in db.timezone',
    forceconnectiontimemapping: 'sessions run in UTC; zone-less values are read in db.timezone',
    uselegacydatetimecode: 'sessions run in UTC; zone-less values are read in db.timezone',
    zerodatetimebehavior: 'zero dates read as NULL in nullable columns, an error otherwise',
    tinyint1isbit: 'TINYINT(1) is always read as a boolean',
    transformedbitisboolean: 'TINYINT(1) is always read as a boolean',
    sockettimeout: 'not supported by the Node driver',
    autoreconnect: 'connections are re-opened by the pool',
    usecursorfetch: 'results are always streamed',
    defaultfetchsize: 'results are always streamed in batch.max.rows batches',
    allowmultiqueries: 'multiple statements are never enabled',
    multiplestatements: 'multiple statements are never enabled',
    rewritebatchedstatements: 'not applicable',
    cacheprepstmts: 'not applicable',
    useserverprepstmts: 'not applicable',
    cachepreparedstatements: 'not applicable',
    prepstmtcachesize: 'not applicable',
    prepstmtcachesqllimit: 'not applicable',
    nulldatabasemeanscurrent: 'not applicable',
    nullcatalogmeanscurrent: 'not applicable',
    permitmysqlscheme: 'not applicable',
    allowpublickeyretrieval:
      'the Node driver always retrieves the server RSA key on unencrypted connections; use SSL so that a man in the middle cannot learn the password',
  },
  postgresql: {
    sockettimeout: 'not supported by the Node driver',
    logintimeout: 'use connectTimeout',
    tcpkeepalive: 'not supported',
    preparethreshold: 'not applicable',
    defaultrowfetchsize: 'results are always streamed in batch.max.rows batches',
    stringtype: 'not applicable',
    rewritebatchedinserts: 'not applicable',
    loggerlevel: 'not applicable',
    assumeminserverversion: 'not applicable',
    binarytransfer: 'not applicable',
    readonly: 'not applicable',
    options: 'not supported; use currentSchema or ApplicationName',
  },
  sqlite: {
    journal_mode: 'not applicable',
    date_class: 'dates are read as ISO text or epoch milliseconds',
    date_precision: 'not applicable',
    date_string_format: 'not applicable',
    busy_timeout: 'not applicable',
    open_mode: 'not applicable',
    foreign_keys: 'not applicable',
  },
  duckdb: {},
};

const DEFAULT_PORTS: Readonly<Record<DialectName, number | null>> = {
  mysql: 3306,
  postgresql: 5432,
  sqlite: null,
  duckdb: null,
};

interface RawUrl {
  readonly dialect: DialectName;
  readonly host: string | null;
  readonly port: number | null;
  readonly database: string | null;
  readonly filename: string | null;
  readonly user: string | null;
  readonly password: string | null;
  readonly params: ReadonlyMap<string, { readonly name: string; readonly value: string }>;
}

/**
 * Parses a connection URL: `jdbc:mysql://host[:port]/db?params`, `jdbc:mariadb://…`,
 * `jdbc:postgresql://host[:port]/db?params` (or `jdbc:postgresql:db`),
 * `jdbc:sqlite:/path.db`, `jdbc:sqlite::memory:`, `mysql://user:pass@host/db`,
 * `mariadb://…`, `postgres://…`, `postgresql://…`, `sqlite:/path.db`, `sqlite::memory:`,
 * `jdbc:duckdb:/path.duckdb`, `jdbc:duckdb::memory:` (or `jdbc:duckdb:`), `duckdb:/path.duckdb`.
 * `credentials` (`connection.user`/`connection.password`) win over the URL's user info
 * and `user`/`password` parameters. Throws a `ConfigError` on `connection.url` naming every
 * refused or malformed parameter; messages never contain the password.
 */
export function parseConnectionUrl(
  url: string,
  credentials: Credentials = {},
  options: ParseConnectionUrlOptions = {},
): ConnectionSpec {
  const raw = splitUrl(url.trim());
  const allowed = new Set((options.allowedParams ?? []).map((p) => p.toLowerCase()));
  const problems: string[] = [];
  const notes: string[] = [];
  const driverOptions: Record<string, string | number | boolean> = {};
  let ssl: SslMode = 'disable';
  let connectTimeoutMs: number | null = null;
  let user = raw.user;
  let password = raw.password;

  for (const [lower, { name, value }] of raw.params) {
    if (REFUSED_URL_PARAMS[raw.dialect].includes(lower) && !allowed.has(lower)) {
      problems.push(
        `parameter "${name}" is refused because it lets the database server read client files, run client code or weaken trust; remove it, or have the worker allow-list it`,
      );
      continue;
    }
    if (lower === 'user') {
      user = value;
      continue;
    }
    if (lower === 'password') {
      password = value;
      continue;
    }
    const applied = applyParam(raw.dialect, lower, name, value, driverOptions);
    if (applied.kind === 'ssl') ssl = applied.ssl;
    else if (applied.kind === 'timeout') connectTimeoutMs = applied.ms;
    else if (applied.kind === 'problem') problems.push(applied.message);
    else if (applied.kind === 'note') notes.push(applied.message);
  }
  if (problems.length > 0) {
    throw new ConfigError(
      problems.map((message) => ({ key: KEY, value: redactUrl(url), message })),
      {},
    );
  }
  if (credentials.user !== undefined && credentials.user !== null && credentials.user !== '') user = credentials.user;
  const configured = credentials.password;
  const secret =
    configured instanceof Password
      ? configured
      : typeof configured === 'string' && configured !== ''
        ? new Password(configured)
        : password === null
          ? null
          : new Password(password);
  if (ssl === 'prefer')
    notes.push(
      'ssl preferred: the Node drivers do not negotiate optional TLS, so the connection is not encrypted; require it explicitly to encrypt',
    );
  return makeSpec(raw, user, secret, ssl, connectTimeoutMs, driverOptions, notes);
}

type Applied =
  | { kind: 'ssl'; ssl: SslMode }
  | { kind: 'timeout'; ms: number }
  | { kind: 'problem'; message: string }
  | { kind: 'note'; message: string }
  | { kind: 'done' };

function applyParam(
  dialect: DialectName,
  lower: string,
  name: string,
  value: string,
  driverOptions: Record<string, string | number | boolean>,
): Applied {
  const bad = (expected: string): Applied => ({
    kind: 'problem',
    message: `parameter "${name}" must be ${expected}, not "${value}"`,
  });
  if (dialect === 'mysql') {
    switch (lower) {
      case 'usessl':
      case 'requiressl':
        return isTrue(value)
          ? { kind: 'ssl', ssl: 'require' }
          : value === '' || isFalse(value)
            ? { kind: 'ssl', ssl: 'disable' }
            : bad('true or false');
      case 'verifyservercertificate':
        if (isTrue(value)) return { kind: 'ssl', ssl: 'verify-full' };
        return isFalse(value) ? { kind: 'done' } : bad('true or false');
      case 'sslmode': {
        const mode = MYSQL_SSL_MODES[value.toLowerCase()];
        return mode === undefined
          ? bad(
              'one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY (or MariaDB disable, trust, verify-ca, verify-full)',
            )
          : { kind: 'ssl', ssl: mode };
      }
      case 'connecttimeout':
        return positiveInt(value) === null
          ? bad('a number of milliseconds')
          : { kind: 'timeout', ms: positiveInt(value) ?? 0 };
      case 'allowloadlocalinfile':
      case 'allowloadlocalinfileinpath':
      case 'allowurlinlocalinfile':
      case 'localinfile':
        return {
          kind: 'note',
          message: `parameter "${name}" is allow-listed but LOCAL INFILE stays disabled: this client never sends files`,
        };
      default:
        return ignoredOrUnknown(dialect, lower, name);
    }
  }
  if (dialect === 'postgresql') {
    switch (lower) {
      case 'ssl':
        return isTrue(value) || value === ''
          ? { kind: 'ssl', ssl: 'verify-full' }
          : isFalse(value)
            ? { kind: 'ssl', ssl: 'disable' }
            : bad('true or false');
      case 'sslmode': {
        const mode = PG_SSL_MODES[value.toLowerCase()];
        return mode === undefined
          ? bad('one of disable, allow, prefer, require, verify-ca, verify-full')
          : { kind: 'ssl', ssl: mode };
      }
      case 'connecttimeout': {
        const seconds = positiveInt(value);
        return seconds === null ? bad('a number of seconds') : { kind: 'timeout', ms: seconds * 1000 };
      }
      case 'currentschema':
        driverOptions['currentSchema'] = value;
        return { kind: 'done' };
      case 'applicationname':
        driverOptions['applicationName'] = value;
        return { kind: 'done' };
      case 'sslrootcert':
      case 'sslcert':
      case 'sslkey':
        driverOptions[lower] = value;
        return { kind: 'done' };
      case 'sslpassword':
        return { kind: 'note', message: `parameter "${name}" is not supported (encrypted keys)` };
      default:
        return ignoredOrUnknown(dialect, lower, name);
    }
  }
  return ignoredOrUnknown(dialect, lower, name);
}

function ignoredOrUnknown(dialect: DialectName, lower: string, name: string): Applied {
  const why = IGNORED[dialect][lower];
  if (why !== undefined) return { kind: 'note', message: `parameter "${name}" ignored: ${why}` };
  if (REFUSED_URL_PARAMS[dialect].includes(lower))
    return { kind: 'note', message: `parameter "${name}" is allow-listed but has no effect with the Node driver` };
  return { kind: 'note', message: `parameter "${name}" is not known and ignored` };
}

const MYSQL_SSL_MODES: Readonly<Record<string, SslMode>> = {
  disabled: 'disable',
  disable: 'disable',
  preferred: 'prefer',
  required: 'require',
  trust: 'require',
  verify_ca: 'verify-ca',
  'verify-ca': 'verify-ca',
  verify_identity: 'verify-full',
  'verify-full': 'verify-full',
};

const PG_SSL_MODES: Readonly<Record<string, SslMode>> = {
  disable: 'disable',
  allow: 'prefer',
  prefer: 'prefer',
  require: 'require',
  'verify-ca': 'verify-ca',
  'verify-full': 'verify-full',
};

function isTrue(v: string): boolean {
  return ['true', 'yes', '1', 'on'].includes(v.toLowerCase());
}
function isFalse(v: string): boolean {
  return ['false', 'no', '0', 'off'].includes(v.toLowerCase());
}
function positiveInt(v: string): number | null {
  return /^\d+$/.test(v) ? Number(v) : null;
}

function splitUrl(url: string): RawUrl {
  const lower = url.toLowerCase();
  const scheme = [
    ['jdbc:mysql://', 'mysql'],
    ['jdbc:mariadb://', 'mysql'],
    ['mysql://', 'mysql'],
    ['mariadb://', 'mysql'],
    ['jdbc:postgresql://', 'postgresql'],
    ['postgresql://', 'postgresql'],
    ['postgres://', 'postgresql'],
  ].find(([prefix]) => lower.startsWith(prefix ?? '')) as [string, DialectName] | undefined;
  if (scheme !== undefined) return splitNetworkUrl(url, scheme[0].length, scheme[1]);
  if (lower.startsWith('jdbc:postgresql:')) {
    // jdbc:postgresql:database — localhost, default port.
    const rest = url.slice('jdbc:postgresql:'.length);
    return splitNetworkUrl(`//localhost/${rest}`, 2, 'postgresql');
  }
  for (const prefix of ['jdbc:sqlite:', 'sqlite:']) {
    if (lower.startsWith(prefix)) return splitSqliteUrl(url, url.slice(prefix.length));
  }
  for (const prefix of ['jdbc:duckdb:', 'duckdb:']) {
    if (lower.startsWith(prefix)) return { ...splitSqliteUrl(url, url.slice(prefix.length)), dialect: 'duckdb' };
  }
  const shown = redactUrl(url);
  throw new ConfigError([
    {
      key: KEY,
      value: shown,
      message: `"${shown}" is not a supported connection URL; use jdbc:mysql://, jdbc:mariadb://, jdbc:postgresql://, jdbc:sqlite:, jdbc:duckdb:, mysql://, mariadb://, postgres://, sqlite: or duckdb:`,
    },
  ]);
}

function splitNetworkUrl(url: string, start: number, dialect: DialectName): RawUrl {
  const rest = url.slice(start);
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : rest.slice(queryAt + 1);
  const slash = beforeQuery.indexOf('/');
  const authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash < 0 ? '' : beforeQuery.slice(slash + 1);
  const at = authority.lastIndexOf('@');
  const userInfo = at < 0 ? null : authority.slice(0, at);
  const hostPort = at < 0 ? authority : authority.slice(at + 1);
  const fail = (message: string): never => {
    throw new ConfigError([{ key: KEY, value: redactUrl(url), message: `${message} in "${redactUrl(url)}"` }]);
  };
  if (hostPort.includes(',') || hostPort.includes('('))
    fail('several hosts (failover, load balancing, address=…) are not supported');
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:/]*)(?::(\d*))?$/.exec(hostPort);
  if (m === null) return fail(`"${hostPort}" is not a host[:port]`);
  const host = decode(m[1] ?? '', url).replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const portText = m[2] ?? '';
  const port = portText === '' ? DEFAULT_PORTS[dialect] : Number(portText);
  if (port !== null && (!Number.isInteger(port) || port < 1 || port > 65535)) fail(`port ${portText} is out of range`);
  let user: string | null = null;
  let password: string | null = null;
  if (userInfo !== null) {
    const colon = userInfo.indexOf(':');
    user = decode(colon < 0 ? userInfo : userInfo.slice(0, colon), url);
    password = colon < 0 ? null : decode(userInfo.slice(colon + 1), url);
  }
  const database = path === '' ? null : decode(path.replace(/\/+$/, ''), url);
  return { dialect, host, port, database, filename: null, user, password, params: parseQuery(query, url) };
}

function splitSqliteUrl(url: string, rest: string): RawUrl {
  const queryAt = rest.indexOf('?');
  let path = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : rest.slice(queryAt + 1);
  if (path.startsWith('file:')) path = path.slice('file:'.length);
  if (path.startsWith('///')) path = path.slice(2);
  else if (path.startsWith('//')) {
    throw new ConfigError([
      {
        key: KEY,
        value: redactUrl(url),
        message: `an SQLite URL names a file, not a host: "${url}" (use sqlite:/absolute/path.db or sqlite::memory:)`,
      },
    ]);
  }
  const filename = path === ':memory:' || path === '' ? ':memory:' : decode(path, url);
  return {
    dialect: 'sqlite',
    host: null,
    port: null,
    database: null,
    filename,
    user: null,
    password: null,
    params: parseQuery(query, url),
  };
}

function parseQuery(query: string, url: string): Map<string, { name: string; value: string }> {
  const params = new Map<string, { name: string; value: string }>();
  // JDBC URLs separate parameters with & (and MySQL also accepts ;).
  for (const part of query.split(/[&;]/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq), url).trim();
    const value = eq < 0 ? '' : decode(part.slice(eq + 1), url);
    params.set(name.toLowerCase(), { name, value });
  }
  return params;
}

function decode(text: string, url: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', '%20'));
  } catch (cause) {
    throw new ConfigError(
      [{ key: KEY, value: redactUrl(url), message: `malformed percent-encoding in "${redactUrl(url)}"` }],
      { cause },
    );
  }
}

/** `url` with the user-info password and any `password=` parameter replaced by `****`. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^/?#@:]*:)[^/?#]*@/, '$1****@').replace(/([?&;]password=)[^&;]*/gi, '$1****');
}

function makeSpec(
  raw: RawUrl,
  user: string | null,
  password: Password | null,
  ssl: SslMode,
  connectTimeoutMs: number | null,
  driverOptions: Readonly<Record<string, string | number | boolean>>,
  notes: readonly string[],
): ConnectionSpec {
  const isFile = raw.dialect === 'sqlite' || raw.dialect === 'duckdb';
  const address = isFile ? (raw.filename ?? ':memory:') : `${raw.host}:${raw.port}`;
  const shown = isFile
    ? `${raw.dialect}:${raw.filename}`
    : `${raw.dialect}://${user === null ? '' : `${encodeURIComponent(user)}${password === null ? '' : ':****'}@`}${address}/${raw.database ?? ''}`;
  return Object.freeze({
    dialect: raw.dialect,
    host: raw.host,
    port: raw.port,
    database: raw.database,
    filename: raw.filename,
    user,
    password,
    ssl,
    connectTimeoutMs,
    driverOptions: Object.freeze({ ...driverOptions }),
    notes: Object.freeze([...notes]),
    address,
    toString: () => shown,
    toJSON: () => shown,
  });
}

/** Reads a certificate/key file named by an allow-listed URL parameter. */
export function readSslFile(spec: ConnectionSpec, param: 'sslrootcert' | 'sslcert' | 'sslkey'): Buffer | undefined {
  const path = spec.driverOptions[param];
  if (typeof path !== 'string') return undefined;
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new ConfigError([{ key: KEY, value: spec.toString(), message: `cannot read the ${param} file ${path}` }], {
      cause,
    });
  }
}
