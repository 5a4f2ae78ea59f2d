/**
 * One table (or the query) of a task: runs the mode's query from its position, streams the
 * result across polls, and turns rows into records whose offsets are safe to commit.
 *
 * The position is always the offset of the last record handed out, so a query re-run
 * after an error (or the next query after the result ended) continues exactly there.
 * In `timestamp` mode a record carries its timestamp T only when the next row has a
 * strictly greater timestamp or the result ended; otherwise it carries the previous such
 * boundary. A restart in the middle of rows sharing T therefore re-reads them all instead
 * of skipping the unread ones (Confluent PR #1093), also when the group spans polls.
 */
import {
  ConnectError,
  DataError,
  type Logger,
  NotFoundError,
  RetriableError,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
} from '@tributary/api';
import {
  type ColumnDefinition,
  type ColumnMappingOptions,
  comparePreciseTimestamps,
  type Database,
  type PreciseTimestamp,
  preciseTimestampOf,
  type TableId,
} from '@tributary/jdbc';
import { type JdbcSourceConfig, type Mode, usesIncrementing, usesTimestamp } from './config.js';
import { type QueryPlan, type Quoter, queryPlan, tablePlan } from './criteria.js';
import { incrementingValue, offsetOf, type Position } from './offsets.js';
import { buildRecordShape, columnsSignature, type RecordShape } from './record-shape.js';
import { RowCursor } from './row-cursor.js';

export type QuerierSource =
  | { readonly kind: 'table'; readonly table: TableId; readonly tableIdString: string }
  | { readonly kind: 'query'; readonly query: string; readonly isMasked: boolean };

export interface QuerierOptions {
  readonly db: Database;
  readonly config: JdbcSourceConfig;
  readonly mode: Mode;
  readonly source: QuerierSource;
  readonly partition: SourcePartition;
  readonly topic: string;
  readonly quoter: Quoter;
  readonly mapping: ColumnMappingOptions;
  /** Configured columns (table mode: from `*.column.name` or the mappings; autodetected when empty). */
  readonly timestampColumns: readonly string[];
  readonly incrementingColumn: string | null;
  /** The committed offset, or null. */
  readonly storedOffset: SourceOffset | null;
  readonly storedPosition: Position | null;
  readonly logger: Logger;
}

export interface ReadResult {
  readonly records: SourceRecord[];
  /** The result ended: the querier is idle until its next poll interval. */
  readonly isExhausted: boolean;
}

const EPOCH: PreciseTimestamp = { epochMs: 0, nanos: 0 };

export class TableQuerier {
  readonly #o: QuerierOptions;
  /** `table shop.orders` or `query`, for messages. */
  readonly description: string;
  /** When this querier may query again (epoch ms). */
  nextDueMs = 0;
  #isPrepared = false;
  #timestampColumns: readonly string[];
  #incrementingColumn: string | null;
  #tableColumns: readonly ColumnDefinition[] | null = null;
  #keyColumns: readonly string[] = [];
  #plan: QueryPlan | null = null;
  #position: Position = { timestamp: null, incrementing: null };
  /** Timestamp mode: the last position that is safe to commit. */
  #boundary: Position = { timestamp: null, incrementing: null };
  #cursor: RowCursor | null = null;
  #shape: RecordShape | null = null;
  /** The result columns `#shape` was last checked against (one array per result). */
  #shapeColumns: readonly ColumnDefinition[] | null = null;
  #sql = '';
  #consecutiveFailures = 0;

  constructor(options: QuerierOptions) {
    this.#o = options;
    this.description = options.source.kind === 'table' ? `table ${options.source.tableIdString}` : 'query';
    this.#timestampColumns = options.timestampColumns;
    this.#incrementingColumn = options.incrementingColumn;
  }

  get isQuerying(): boolean {
    return this.#cursor !== null;
  }

  /** The SQL for messages: the query of `query.masked` is never shown. */
  get #shownSql(): string {
    const source = this.#o.source;
    return source.kind === 'query' && source.isMasked ? '(query.masked)' : this.#sql;
  }

  /**
   * Reads up to `maxRows` records, starting the query when none is open. Errors: a
   * RetriableError (lost connection, deadlock, lock timeout) is rethrown as retriable
   * until `query.retry.attempts` is exhausted; others fail naming the table and the SQL.
   * Records read before an error are returned, and the query re-runs from them next time.
   */
  async read(maxRows: number, signal: AbortSignal): Promise<ReadResult> {
    const records: SourceRecord[] = [];
    try {
      if (!this.#isPrepared) await this.#prepare();
      const cursor = this.#cursor ?? (await this.#startQuery());
      const lookAhead = this.#o.mode === 'timestamp' ? 2 : 1;
      while (records.length < maxRows) {
        // Rows already buffered are read without awaiting: a promise per row is most of the cost.
        if (cursor.needsFetch(lookAhead) && !(await cursor.ensure(lookAhead, signal))) break;
        if (cursor.buffered === 0) break;
        const shape =
          this.#shape !== null && cursor.columns === this.#shapeColumns ? this.#shape : await this.#shapeFor(cursor);
        records.push(this.#record(shape, cursor));
      }
      this.#consecutiveFailures = 0;
      if (cursor.isExhausted) {
        await this.#closeCursor();
        return { records, isExhausted: true };
      }
      return { records, isExhausted: false };
    } catch (err) {
      await this.#closeCursor();
      if (records.length > 0 && err instanceof RetriableError) {
        this.#o.logger.warn(
          { err, source: this.description },
          `Reading ${this.description} failed; re-querying from the last record`,
        );
        return { records, isExhausted: false };
      }
      throw await this.#failure(err);
    }
  }

  async close(): Promise<void> {
    await this.#closeCursor();
  }

  async #closeCursor(): Promise<void> {
    const cursor = this.#cursor;
    this.#cursor = null;
    await cursor?.close();
  }

  async #failure(err: unknown): Promise<Error> {
    const message = (err as Error).message ?? String(err);
    if (err instanceof RetriableError) {
      this.#consecutiveFailures++;
      const attempts = this.#o.config['query.retry.attempts'];
      if (attempts >= 0 && this.#consecutiveFailures > attempts) {
        return new ConnectError(
          `Failed to query ${this.description} ${this.#consecutiveFailures} times in a row (query.retry.attempts=${attempts}): ${message}; SQL: ${this.#shownSql}`,
          { cause: err },
        );
      }
      return new RetriableError(`Failed to query ${this.description}, will retry: ${message}; SQL: ${this.#shownSql}`, {
        cause: err,
      });
    }
    if (err instanceof NotFoundError) return err;
    if (err instanceof DataError)
      return new DataError(`Cannot read a row of ${this.description}: ${message}`, { cause: err });
    if (this.#o.source.kind === 'table' && (await this.#isGone())) {
      return new NotFoundError(`${this.description} no longer exists`, { cause: err });
    }
    return new ConnectError(`Failed to query ${this.description}: ${message}; SQL: ${this.#shownSql}`, { cause: err });
  }

  async #isGone(): Promise<boolean> {
    const source = this.#o.source;
    if (source.kind !== 'table') return false;
    try {
      await this.#o.db.dialect.describeTable(this.#o.db, source.table);
      return false;
    } catch (err) {
      return err instanceof NotFoundError;
    }
  }

  /** Columns, validation and the starting position (once; again after a failure). */
  async #prepare(): Promise<void> {
    const { db, config, mode, source } = this.#o;
    if (source.kind === 'table') {
      const columns = await db.dialect.describeTable(db, source.table);
      this.#tableColumns = columns;
      if (usesIncrementing(mode) && (this.#incrementingColumn === null || this.#incrementingColumn === '')) {
        const auto = columns.find((c) => c.isAutoIncrement);
        if (auto === undefined) {
          throw new ConnectError(
            `Cannot find an auto-increment column in ${this.description} to use as the incrementing column; set incrementing.column.name`,
          );
        }
        this.#incrementingColumn = auto.name;
      }
      const named = [
        ...(usesTimestamp(mode) ? this.#timestampColumns : []),
        ...(usesIncrementing(mode) ? [this.#incrementingColumn ?? ''] : []),
      ];
      const missing = named.filter((n) => !columns.some((c) => c.name === n));
      if (missing.length > 0) throw new ConnectError(`${this.description} has no column ${missing.join(', ')}`);
      if (config['validate.non.null']) this.#checkNonNull(columns);
      this.#keyColumns =
        config['key.mode'] === 'primary_key'
          ? columns
              .filter((c) => c.primaryKeyPosition !== null)
              .sort((a, b) => (a.primaryKeyPosition ?? 0) - (b.primaryKeyPosition ?? 0))
              .map((c) => c.name)
          : [];
    }
    const criteria = {
      dialect: db.dialect,
      quoter: this.#o.quoter,
      mode,
      timestampColumns: usesTimestamp(mode) ? this.#timestampColumns : [],
      incrementingColumn: usesIncrementing(mode) ? this.#incrementingColumn : null,
      suffix: config['query.suffix'],
    };
    this.#plan = source.kind === 'table' ? tablePlan(source.table, criteria) : queryPlan(source.query, criteria);
    this.#sql = this.#plan.sql;
    this.#position = await this.#startPosition();
    this.#boundary = this.#position;
    this.#isPrepared = true;
    this.#o.logger.info(
      { source: this.description, offset: this.#o.storedOffset, position: offsetOf(this.#position) },
      `Reading ${this.description} with mode=${mode}${this.#o.storedOffset === null ? ' from the start' : ' from the stored offset'}`,
    );
  }

  #checkNonNull(columns: readonly ColumnDefinition[]): void {
    const { mode } = this.#o;
    if (usesIncrementing(mode)) {
      const inc = columns.find((c) => c.name === this.#incrementingColumn);
      if (inc?.isNullable === true) {
        throw new ConnectError(
          `Cannot make incremental queries using incrementing column ${inc.name} on ${this.description} because this column is nullable (set validate.non.null=false to allow it)`,
        );
      }
    }
    if (usesTimestamp(mode)) {
      const ts = this.#timestampColumns.map((n) => columns.find((c) => c.name === n));
      if (ts.every((c) => c?.isNullable === true)) {
        throw new ConnectError(
          `Cannot make incremental queries using timestamp columns ${this.#timestampColumns.join(', ')} on ${this.description} because all of these columns are nullable (set validate.non.null=false to allow it)`,
        );
      }
    }
  }

  async #startPosition(): Promise<Position> {
    const { mode, config, db, storedPosition } = this.#o;
    if (mode === 'bulk') return { timestamp: null, incrementing: null };
    let timestamp: PreciseTimestamp | null = null;
    if (usesTimestamp(mode)) {
      timestamp = storedPosition?.timestamp ?? null;
      if (timestamp === null) {
        const initial = config['timestamp.initial'];
        if (initial === null) timestamp = EPOCH;
        else if (initial === -1) timestamp = preciseTimestampOf(await db.dialect.currentTime(db));
        else timestamp = preciseTimestampOf(new Date(initial));
      }
    }
    const incrementing = usesIncrementing(mode) ? (storedPosition?.incrementing ?? -1) : null;
    return { timestamp, incrementing };
  }

  async #startQuery(): Promise<RowCursor> {
    const { db, config } = this.#o;
    const plan = this.#plan as QueryPlan;
    const tsColumn = this.#timestampColumnDefinition();
    const tz = config['db.timezone'];
    let end: Date | null = null;
    if (plan.bindings.includes('end_timestamp')) {
      const now = await db.dialect.currentTime(db);
      end = new Date(now.getTime() - config['timestamp.delay.interval.ms']);
    }
    const values = plan.bindings.map((b) => {
      if (b === 'end_timestamp') return db.dialect.timestampParameter(end as Date, tsColumn, tz);
      if (b === 'timestamp') return db.dialect.timestampParameter(this.#position.timestamp ?? EPOCH, tsColumn, tz);
      return this.#position.incrementing ?? -1;
    });
    this.#o.logger.debug(
      { source: this.description, sql: this.#shownSql, end, offset: offsetOf(this.#position) },
      'Querying',
    );
    const control = new AbortController();
    this.#boundary = this.#position;
    this.#cursor = new RowCursor(
      db.stream(plan.sql, values, { batchSize: config['batch.max.rows'], signal: control.signal }),
      control,
    );
    return this.#cursor;
  }

  #timestampColumnDefinition(): ColumnDefinition | null {
    const name = this.#timestampColumns[0];
    if (name === undefined) return null;
    if (this.#tableColumns !== null) return this.#tableColumns.find((c) => c.name === name) ?? null;
    // Query mode: known from the previous result (the first query binds zone-aware values).
    return this.#shape?.columns.get(name)?.mapping?.column ?? null;
  }

  async #shapeFor(cursor: RowCursor): Promise<RecordShape> {
    const columns = cursor.columns ?? [];
    const shape = this.#shape;
    if (shape !== null && shape.signature === columnsSignature(columns)) {
      this.#shapeColumns = cursor.columns;
      return shape;
    }
    const { source, db, config } = this.#o;
    if (source.kind === 'table' && shape !== null) {
      // The table changed under us (e.g. a column was added): read its metadata again.
      this.#tableColumns = await db.dialect.describeTable(db, source.table);
    }
    const built = buildRecordShape(columns, {
      dialect: db.dialect,
      mapping: this.#o.mapping,
      granularity: config['timestamp.granularity'],
      schemaName: source.kind === 'table' ? source.table.table : null,
      keyColumns: this.#keyColumns,
      tableColumns: this.#tableColumns,
      logger: this.#o.logger,
      source: this.description,
    });
    for (const name of [
      ...(usesTimestamp(this.#o.mode) ? this.#timestampColumns : []),
      ...(usesIncrementing(this.#o.mode) ? [this.#incrementingColumn ?? ''] : []),
    ]) {
      if (built.columns.get(name)?.mapping == null) {
        throw new ConnectError(
          `The result of ${this.description} has no usable column ${name}; SQL: ${this.#shownSql}`,
        );
      }
    }
    this.#shape = built;
    this.#shapeColumns = cursor.columns;
    return built;
  }

  /** The row's timestamp: the first non-null of the timestamp columns (COALESCE). */
  #timestampOf(shape: RecordShape, row: readonly unknown[]): PreciseTimestamp | null {
    for (const name of this.#timestampColumns) {
      const column = shape.columns.get(name);
      const read = column?.mapping?.readTimestamp;
      if (column === undefined || read === undefined) continue;
      const t = read(row[column.index]);
      if (t !== null) return t;
    }
    return null;
  }

  #record(shape: RecordShape, cursor: RowCursor): SourceRecord {
    const row = cursor.take();
    const { mode } = this.#o;
    let offset: SourceOffset | null = null;
    if (mode !== 'bulk') {
      let position: Position;
      if (mode === 'incrementing' || mode === 'timestamp+incrementing') {
        const column = shape.columns.get(this.#incrementingColumn ?? '');
        const raw = column === undefined ? null : row[column.index];
        position = {
          timestamp:
            mode === 'timestamp+incrementing' ? (this.#timestampOf(shape, row) ?? this.#position.timestamp) : null,
          incrementing: incrementingValue(raw, this.description),
        };
      } else {
        const t = this.#timestampOf(shape, row);
        const next = cursor.peek();
        const nextT = next === undefined ? null : this.#timestampOf(shape, next);
        const isBoundary =
          t !== null && (next === undefined || (nextT !== null && comparePreciseTimestamps(nextT, t) > 0));
        if (isBoundary) this.#boundary = { timestamp: t, incrementing: null };
        position = this.#boundary;
      }
      this.#position = position;
      offset = offsetOf(position);
    }
    const key = shape.key(row);
    return {
      topic: this.#o.topic,
      kafkaPartition: null,
      keySchema: key === null ? null : shape.keySchema,
      key,
      valueSchema: shape.valueSchema,
      value: shape.value(row),
      timestamp: null,
      headers: [],
      sourcePartition: this.#o.partition,
      // Bulk reads cannot resume, so they carry no offset (the runtime stores none), as in Confluent.
      sourceOffset: offset as SourceOffset,
    };
  }
}
