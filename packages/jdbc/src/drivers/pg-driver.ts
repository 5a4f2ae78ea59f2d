// pg wiring. Type parsers are set per connection (never pg's global registry, which other
// code in the process shares): int8, numeric, date/time and json arrive as the server's
// text. Sessions run with TimeZone UTC and ISO DateStyle. Streams read through a cursor.
import type { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import { readSslFile } from '../connection-url.js';
import type { ColumnDefinition, ConnectionSpec, Queryable, Row } from '../dialect.js';
import { asNumberOrNull, asText } from '../dialects/metadata-values.js';
import { decodeTypmod } from '../dialects/postgres.js';
import type { Driver } from './driver.js';

interface PgField {
  readonly name: string;
  readonly tableID: number;
  readonly columnID: number;
  readonly dataTypeID: number;
  readonly dataTypeModifier: number;
}

interface PgCursor {
  readonly state: string;
  read(rows: number, callback: (error: Error | null | undefined, rows: Row[]) => void): void;
  close(callback: (error?: Error) => void): void;
}

interface PgClient extends EventEmitter {
  readonly processID: number | null;
  query(config: {
    text: string;
    values: unknown[];
    rowMode: 'array';
  }): Promise<{ rows: Row[]; fields: PgField[]; rowCount: number | null }>;
  query(stream: QueryStream): QueryStream;
  query(copy: CopyFromStdin): void;
}

interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * `COPY … FROM STDIN` on pg without pg-copy-streams: pg runs any object with `submit` as
 * its active query and hands it the protocol messages by these method names. The statement
 * goes out as a simple query; on CopyInResponse the data follows, then CopyDone. After an
 * ErrorResponse pg stops routing messages to the query, so an error settles it at once.
 */
class CopyFromStdin {
  #rowCount = 0;
  #isSettled = false;

  constructor(
    private readonly text: string,
    private readonly payload: readonly Buffer[],
    private readonly resolve: (rowCount: number) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  submit(connection: PgConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: PgConnection): void {
    for (const chunk of this.payload) connection.sendCopyFromChunk(chunk);
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    const m = /^COPY (\d+)/.exec(message.text ?? '');
    if (m !== null) this.#rowCount = Number(m[1]);
  }

  handleError(error: unknown): void {
    if (this.#isSettled) return;
    this.#isSettled = true;
    this.reject(error);
  }

  handleReadyForQuery(): void {
    if (this.#isSettled) return;
    this.#isSettled = true;
    this.resolve(this.#rowCount);
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

// Built-in type OIDs (pg_type.dat) by name.
const BUILTIN_TYPES: Readonly<Record<number, string>> = {
  16: 'bool',
  17: 'bytea',
  18: 'char',
  19: 'name',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  26: 'oid',
  114: 'json',
  142: 'xml',
  650: 'cidr',
  700: 'float4',
  701: 'float8',
  790: 'money',
  829: 'macaddr',
  869: 'inet',
  1042: 'bpchar',
  1043: 'varchar',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1186: 'interval',
  1266: 'timetz',
  1560: 'bit',
  1562: 'varbit',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
};

// Kept as text: int8, numeric, json, date, time, timestamp, timestamptz, timetz, jsonb.
const TEXT_TYPES = new Set([20, 114, 1082, 1083, 1114, 1184, 1266, 1700, 3802]);

const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    TEXT_TYPES.has(oid) && format !== 'binary'
      ? (text: string) => text
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

function sslOptions(spec: ConnectionSpec): pg.ClientConfig['ssl'] {
  const cert = readSslFile(spec, 'sslcert');
  const key = readSslFile(spec, 'sslkey');
  const clientCert = { ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
  switch (spec.ssl) {
    case 'disable':
    case 'prefer':
      return false;
    case 'require':
      return { rejectUnauthorized: false, ...clientCert };
    case 'verify-ca':
      return {
        rejectUnauthorized: true,
        checkServerIdentity: () => undefined,
        ca: readSslFile(spec, 'sslrootcert'),
        ...clientCert,
      };
    case 'verify-full':
      return { rejectUnauthorized: true, ca: readSslFile(spec, 'sslrootcert'), ...clientCert };
  }
}

// libpq `options` escaping: backslash before spaces and backslashes.
function optionValue(value: string): string {
  return value.replace(/[\\ ]/g, (c) => `\\${c}`);
}

interface AttributeInfo {
  readonly isNullable: boolean;
  readonly isAutoIncrement: boolean;
  readonly primaryKeyPosition: number | null;
}

/**
 * Result-set metadata for pg fields: built-in types from a table, others (enums, domains,
 * extensions) and the source column's nullability from the catalog, cached per database.
 */
export class PgColumnResolver {
  private readonly typeNames = new Map<number, { name: string; typmod: number }>();
  private readonly attributes = new Map<string, AttributeInfo>();

  async resolve(fields: readonly PgField[], lookup: Queryable): Promise<ColumnDefinition[]> {
    const unknownTypes = [...new Set(fields.map((f) => f.dataTypeID))].filter(
      (oid) => BUILTIN_TYPES[oid] === undefined && !this.typeNames.has(oid),
    );
    if (unknownTypes.length > 0) {
      const { rows } = await lookup.query(
        `SELECT t.oid::int8, CASE WHEN t.typtype = 'e' THEN 'enum' WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END, t.typtypmod
           FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
          WHERE t.oid = ANY($1::oid[])`,
        [unknownTypes],
      );
      for (const r of rows)
        this.typeNames.set(Number(r[0]), { name: asText(r[1]), typmod: asNumberOrNull(r[2]) ?? -1 });
    }
    const sourced = fields.filter((f) => f.tableID !== 0 && !this.attributes.has(`${f.tableID}:${f.columnID}`));
    if (sourced.length > 0) {
      const { rows } = await lookup.query(
        `SELECT a.attrelid::int8, a.attnum, NOT a.attnotnull,
                a.attidentity IN ('a', 'd') OR COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false),
                (SELECT k.ord FROM pg_catalog.pg_index i, unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                  WHERE i.indrelid = a.attrelid AND i.indisprimary AND k.attnum = a.attnum)
           FROM pg_catalog.pg_attribute a
           LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = ANY($1::oid[]) AND a.attnum = ANY($2::int2[])`,
        [[...new Set(sourced.map((f) => f.tableID))], [...new Set(sourced.map((f) => f.columnID))]],
      );
      for (const r of rows) {
        this.attributes.set(`${Number(r[0])}:${Number(r[1])}`, {
          isNullable: r[2] === true,
          isAutoIncrement: r[3] === true,
          primaryKeyPosition: asNumberOrNull(r[4]),
        });
      }
    }
    return fields.map((f) => this.columnOf(f));
  }

  private columnOf(field: PgField): ColumnDefinition {
    const builtin = BUILTIN_TYPES[field.dataTypeID];
    const other = this.typeNames.get(field.dataTypeID);
    const typeName = builtin ?? other?.name ?? `oid ${field.dataTypeID}`;
    const typmod = field.dataTypeModifier >= 0 ? field.dataTypeModifier : (other?.typmod ?? -1);
    const { precision, scale } = decodeTypmod(typeName, typmod);
    const attribute = this.attributes.get(`${field.tableID}:${field.columnID}`);
    const size =
      precision !== null
        ? scale !== null && typeName === 'numeric'
          ? `(${precision},${scale})`
          : `(${precision})`
        : '';
    return {
      name: field.name,
      typeName,
      declaredType: `${typeName}${size}`,
      isUnsigned: false,
      precision,
      scale,
      isNullable: attribute?.isNullable ?? true,
      isAutoIncrement: attribute?.isAutoIncrement ?? false,
      primaryKeyPosition: attribute?.primaryKeyPosition ?? null,
    };
  }
}

/**
 * The cursor under pg-query-stream as a Readable we control: pg-query-stream's own destroy
 * closes the cursor and waits for the server's answer, which never comes when the
 * connection died or the cursor already failed, leaving the stream open forever.
 */
function cursorRows(cursor: PgCursor, client: PgClient, highWaterMark: number): Readable {
  const rows: Readable = new Readable({
    objectMode: true,
    highWaterMark,
    read(size) {
      cursor.read(size, (error, batch) => {
        if (rows.destroyed) return;
        if (error) {
          rows.destroy(error);
          return;
        }
        for (const row of batch) rows.push(row);
        if (batch.length < size) rows.push(null);
      });
    },
    destroy(error, callback) {
      if (cursor.state === 'error' || cursor.state === 'done' || isGone(client)) {
        callback(error);
        return;
      }
      let isFinished = false;
      const finish = (closeError?: unknown) => {
        if (isFinished) return;
        isFinished = true;
        client.off('end', finish);
        client.off('error', finish);
        callback(error ?? (closeError instanceof Error ? closeError : null));
      };
      client.once('end', finish);
      client.once('error', finish);
      cursor.close(finish);
    },
  });
  return rows;
}

function isGone(client: PgClient): boolean {
  return (client as { __knex__disposed?: unknown }).__knex__disposed !== undefined;
}

export function pgDriver(): Driver {
  const resolver = new PgColumnResolver();
  // Catalog queries on a connection about to stream: their own metadata needs no lookup.
  const noLookup: Queryable = {
    query: () => Promise.resolve({ columns: [], rows: [] }),
  };
  return {
    minPoolSize: () => 2,

    knexConfig(spec, poolSize): Knex.Config {
      const sessionOptions = ['-c TimeZone=UTC', '-c DateStyle=ISO,MDY', '-c IntervalStyle=iso_8601'];
      const schema = spec.driverOptions['currentSchema'];
      if (typeof schema === 'string') sessionOptions.push(`-c search_path=${optionValue(schema)}`);
      const applicationName = spec.driverOptions['applicationName'];
      const connection: pg.ClientConfig = {
        host: spec.host ?? 'localhost',
        port: spec.port ?? 5432,
        ...(spec.user === null ? {} : { user: spec.user }),
        ...(spec.password === null ? {} : { password: spec.password.value() }),
        ...(spec.database === null ? {} : { database: spec.database }),
        ssl: sslOptions(spec),
        connectionTimeoutMillis: spec.connectTimeoutMs ?? 10_000,
        application_name: typeof applicationName === 'string' ? applicationName : 'tributary',
        options: sessionOptions.join(' '),
        types: typeParsers,
      };
      return { client: 'pg', connection: connection as Knex.PgConnectionConfig, pool: { min: 0, max: poolSize } };
    },

    async query(connection, sql, bindings) {
      const result = await (connection as PgClient).query({ text: sql, values: [...bindings], rowMode: 'array' });
      // Results of commands without rows (DDL) have no fields.
      const fields = result.fields ?? [];
      return { columns: fields.length === 0 ? [] : await resolver.resolve(fields, noLookup), rows: result.rows ?? [] };
    },

    copyIn(connection, sql, payload) {
      return new Promise<number>((resolve, reject) => {
        (connection as PgClient).query(new CopyFromStdin(sql, payload, resolve, reject));
      });
    },

    async execute(connection, sql, bindings) {
      const result = await (connection as PgClient).query({ text: sql, values: [...bindings], rowMode: 'array' });
      return { affectedRows: result.rowCount ?? 0 };
    },

    stream(connection, sql, bindings, batchSize, lookup) {
      const query = new QueryStream(sql, [...bindings], { batchSize, rowMode: 'array', types: typeParsers });
      (connection as PgClient).query(query);
      const rows = cursorRows(query.cursor as PgCursor, connection as PgClient, batchSize);
      let columns: Promise<readonly ColumnDefinition[]> | undefined;
      return {
        rows,
        columns() {
          columns ??= resolver.resolve((query._result as { fields: PgField[] }).fields, lookup);
          return columns;
        },
        // Destroying the stream closes the cursor; the connection stays usable.
        abandon: () => undefined,
        // Without this, closing the cursor waits for a slow statement to finish.
        async cancel() {
          const pid = (connection as PgClient).processID;
          if (pid !== null) await lookup.query('SELECT pg_cancel_backend($1)', [pid]);
        },
      };
    },
  };
}
