// What the client needs from each driver's wiring: knex settings that make every pooled
// connection behave the same way, a one-shot query, and a streamed read.
import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { ColumnDefinition, ConnectionSpec, ExecuteResult, Queryable, QueryResult } from '../dialect.js';

export interface OpenedStream {
  /** Object-mode stream of rows (arrays), reading ahead at most `highWaterMark` rows. */
  readonly rows: Readable;
  /** The result's columns; resolves once the driver has seen them (before or with the first row). */
  columns(): Promise<readonly ColumnDefinition[]>;
  /** Called when the stream is left before its end: make the connection safe to release (or unusable). */
  abandon(): void;
  /** Asks the server to stop the running statement (from another connection); called when the signal aborts. */
  cancel(): Promise<void>;
}

export interface Driver {
  knexConfig(spec: ConnectionSpec, poolSize: number): Knex.Config;
  /** The pool size this database needs at least (1 for an in-memory SQLite database). */
  minPoolSize(spec: ConnectionSpec): number;
  query(connection: unknown, sql: string, bindings: readonly unknown[]): Promise<QueryResult>;
  /** Runs a data-changing statement and returns the driver's affected-row count. */
  execute(connection: unknown, sql: string, bindings: readonly unknown[]): Promise<ExecuteResult>;
  /**
   * PostgreSQL only: runs `sql` (a `COPY … FROM STDIN`), sends `payload` as the copy data and
   * resolves with the number of rows copied.
   */
  copyIn?(connection: unknown, sql: string, payload: readonly Buffer[]): Promise<number>;
  /** `lookup` runs metadata queries on another pooled connection. */
  stream(
    connection: unknown,
    sql: string,
    bindings: readonly unknown[],
    batchSize: number,
    lookup: Queryable,
  ): OpenedStream;
}

/** Marks a raw connection so knex's pool discards it instead of reusing it. */
export function markDisposed(connection: unknown, reason: string): void {
  if (typeof connection === 'object' && connection !== null) {
    (connection as { __knex__disposed?: unknown }).__knex__disposed = new Error(reason);
  }
}
