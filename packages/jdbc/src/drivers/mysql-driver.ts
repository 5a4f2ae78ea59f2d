// mysql2 wiring. Every value that could lose precision in a JavaScript number or Date
// arrives as text (BIGINT, DECIMAL, DATE/DATETIME/TIMESTAMP, JSON); sessions run in UTC;
// LOCAL INFILE is switched off at the protocol level and multiple statements never on.
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { readSslFile } from '../connection-url.js';
import type { ColumnDefinition, ConnectionSpec, ExecuteResult, QueryResult, Row } from '../dialect.js';
import { type Driver, markDisposed } from './driver.js';

interface MysqlField {
  readonly name: string;
  readonly columnType?: number;
  readonly columnLength?: number;
  readonly decimals: number;
  readonly flags: number | string[];
  readonly characterSet?: number;
  readonly extendedTypeName?: string;
  readonly extendedFormat?: string;
}

interface MysqlQuery extends EventEmitter {
  stream(options: { highWaterMark: number }): Readable;
}

interface MysqlConnection extends EventEmitter {
  query(
    options: { sql: string; values: unknown[]; rowsAsArray: boolean },
    callback?: (error: Error | null, rows: unknown, fields: MysqlField[] | undefined) => void,
  ): MysqlQuery;
  destroy(): void;
  readonly threadId: number | null;
}

// Protocol column types (include/mysql_com.h enum_field_types).
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'decimal',
  1: 'tinyint',
  2: 'smallint',
  3: 'int',
  4: 'float',
  5: 'double',
  6: 'null',
  7: 'timestamp',
  8: 'bigint',
  9: 'mediumint',
  10: 'date',
  11: 'time',
  12: 'datetime',
  13: 'year',
  14: 'date',
  15: 'varchar',
  16: 'bit',
  245: 'json',
  246: 'decimal',
  247: 'enum',
  248: 'set',
  249: 'tinyblob',
  250: 'mediumblob',
  251: 'longblob',
  252: 'blob',
  253: 'varchar',
  254: 'char',
  255: 'geometry',
};

const NOT_NULL_FLAG = 1;
const UNSIGNED_FLAG = 32;
const ENUM_FLAG = 256;
const AUTO_INCREMENT_FLAG = 512;
const SET_FLAG = 2048;
const BINARY_CHARSET = 63;

/** A result-set column from mysql2's field packet, described like information_schema would. */
export function mysqlColumnOf(field: MysqlField): ColumnDefinition {
  const flags = typeof field.flags === 'number' ? field.flags : 0;
  const isUnsigned = (flags & UNSIGNED_FLAG) !== 0;
  const isBinary = field.characterSet === BINARY_CHARSET;
  let typeName = TYPE_NAMES[field.columnType ?? -1] ?? 'unknown';
  if (flags & ENUM_FLAG) typeName = 'enum';
  else if (flags & SET_FLAG) typeName = 'set';
  else if (typeName.endsWith('blob') && !isBinary) typeName = typeName.replace('blob', 'text');
  else if (typeName === 'varchar' && isBinary) typeName = 'varbinary';
  else if (typeName === 'char' && isBinary) typeName = 'binary';
  if (field.extendedFormat === 'json' || field.extendedTypeName === 'json') typeName = 'json';
  else if (field.extendedTypeName !== undefined && field.extendedTypeName !== '')
    typeName = field.extendedTypeName.toLowerCase();
  const length = field.columnLength ?? 0;
  let precision: number | null = null;
  let scale: number | null = null;
  let declaredType = typeName;
  if (typeName === 'decimal') {
    precision = Math.max(1, length - (field.decimals > 0 ? 1 : 0) - (isUnsigned ? 0 : 1));
    scale = field.decimals;
    declaredType = `decimal(${precision},${scale})`;
  } else if (['tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'bit'].includes(typeName)) {
    precision = length;
    declaredType = `${typeName}(${length})`;
  } else if (['datetime', 'timestamp', 'time'].includes(typeName)) {
    scale = field.decimals;
  }
  return {
    name: field.name,
    typeName,
    declaredType: isUnsigned ? `${declaredType} unsigned` : declaredType,
    isUnsigned,
    precision,
    scale,
    isNullable: (flags & NOT_NULL_FLAG) === 0,
    isAutoIncrement: (flags & AUTO_INCREMENT_FLAG) !== 0,
    primaryKeyPosition: null,
  };
}

function sslOptions(spec: ConnectionSpec): object | undefined {
  switch (spec.ssl) {
    case 'disable':
    case 'prefer':
      return undefined;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined, ca: readSslFile(spec, 'sslrootcert') };
    case 'verify-full':
      return { rejectUnauthorized: true, ca: readSslFile(spec, 'sslrootcert') };
  }
}

export const mysqlDriver: Driver = {
  minPoolSize: () => 2,

  knexConfig(spec, poolSize): Knex.Config {
    const ssl = sslOptions(spec);
    return {
      client: 'mysql2',
      connection: {
        host: spec.host ?? 'localhost',
        port: spec.port ?? 3306,
        ...(spec.user === null ? {} : { user: spec.user }),
        ...(spec.password === null ? {} : { password: spec.password.value() }),
        ...(spec.database === null ? {} : { database: spec.database }),
        ...(ssl === undefined ? {} : { ssl }),
        connectTimeout: spec.connectTimeoutMs ?? 10_000,
        charset: 'UTF8MB4_UNICODE_CI',
        supportBigNumbers: true,
        bigNumberStrings: true,
        decimalNumbers: false,
        dateStrings: true,
        jsonStrings: true,
        multipleStatements: false,
        flags: '-LOCAL_FILES',
      } as Knex.MySql2ConnectionConfig,
      pool: {
        min: 0,
        max: poolSize,
        afterCreate(connection: MysqlConnection, done: (error: Error | null, connection: unknown) => void) {
          connection.query({ sql: "SET time_zone = '+00:00'", values: [], rowsAsArray: true }, (error) =>
            done(error, connection),
          );
        },
      },
    };
  },

  query(connection, sql, bindings) {
    const conn = connection as MysqlConnection;
    return new Promise<QueryResult>((resolve, reject) => {
      conn.query({ sql, values: [...bindings], rowsAsArray: true }, (error, rows, fields) => {
        if (error !== null) return reject(error);
        resolve({
          columns: (fields ?? []).map(mysqlColumnOf),
          rows: Array.isArray(rows) ? (rows as Row[]) : [],
        });
      });
    });
  },

  execute(connection, sql, bindings) {
    const conn = connection as MysqlConnection;
    return new Promise<ExecuteResult>((resolve, reject) => {
      conn.query({ sql, values: [...bindings], rowsAsArray: false }, (error, result) => {
        if (error !== null) return reject(error);
        const affected = (result as { affectedRows?: unknown } | undefined)?.affectedRows;
        resolve({ affectedRows: typeof affected === 'number' ? affected : 0 });
      });
    });
  },

  stream(connection, sql, bindings, batchSize, lookup) {
    const conn = connection as MysqlConnection;
    const query = conn.query({ sql, values: [...bindings], rowsAsArray: true });
    const columns = new Promise<readonly ColumnDefinition[]>((resolve, reject) => {
      query.once('fields', (fields: MysqlField[]) => resolve(fields.map(mysqlColumnOf)));
      query.once('error', reject);
      query.once('end', () => resolve([]));
    });
    // Unhandled if the stream fails before anyone asks for the columns.
    columns.catch(() => undefined);
    const rows = query.stream({ highWaterMark: batchSize });
    // mysql2 reports a lost connection to the connection only, not to a query without a
    // callback, whose stream would then wait forever.
    const onConnectionError = (error: Error) => rows.destroy(error);
    conn.once('error', onConnectionError);
    rows.once('close', () => conn.off('error', onConnectionError));
    return {
      rows,
      columns: () => columns,
      // The server keeps sending the rest of the result: the connection cannot be reused.
      abandon() {
        markDisposed(conn, 'result stream abandoned');
        conn.destroy();
      },
      async cancel() {
        if (conn.threadId !== null) await lookup.query('KILL QUERY ?', [conn.threadId]);
      },
    };
  },
};
