/**
 * One destination table: keeps its structure in step with the records (auto.create,
 * auto.evolve, widening), buffers rows of one shape, and writes a buffer as one
 * transaction (or as one statement alone, when a single statement writes it). A batch that
 * fails on its data is bisected, each half in its own transaction, until the bad rows are
 * found; they go to the errant-record reporter, or fail the task naming the record.
 * Transient failures are retried `max.retries` times.
 */
import { randomUUID } from 'node:crypto';
import {
  ConnectError,
  DataError,
  type ErrantRecordReporter,
  type Logger,
  NotFoundError,
  RetriableError,
  type Schema,
  SchemaBuilder,
  type SinkRecord,
} from '@tributary/api';
import {
  type ColumnDefinition,
  createTableIfMissing,
  type Database,
  type Dialect,
  sqlErrorDetails,
  type TableId,
  type Transaction,
  type WriteColumn,
} from '@tributary/jdbc';
import type { JdbcSinkConfig } from './config.js';
import { describeRecord, type RecordRow, type Shape, type ShapeColumn } from './record-shape.js';
import { coerceSchemaless } from './schemaless-values.js';

/** Runs at least this long go through COPY where the database has it (PostgreSQL). */
const COPY_MIN_ROWS = 500;

/** A record that cannot be written, with the database's SQLSTATE when it said one. */
export class RecordWriteError extends DataError {
  readonly sqlState: string | null;

  constructor(message: string, options: { readonly cause: unknown; readonly sqlState: string | null }) {
    super(message, { cause: options.cause, code: 'SQL_RECORD' });
    this.sqlState = options.sqlState;
  }
}

export interface TableWriterDeps {
  readonly db: Database;
  readonly config: JdbcSinkConfig;
  readonly logger: Logger;
  readonly reporter: ErrantRecordReporter | null;
  /** Waits `ms` (the retry back-off); rejects when the task stops. */
  sleep(ms: number): Promise<void>;
  /** The record is durable: written and committed, or reported as bad. */
  markDone(record: SinkRecord): void;
}

interface Slot {
  shape: Shape;
  readonly binding: Binding;
}

/** A buffered row; its `values` are bound (keys then values, as `Binding`). */
interface Entry {
  readonly row: RecordRow;
  readonly binding: Binding;
  /** Written or reported as bad: not buffered again when the rest of its write fails. */
  isDone: boolean;
}

interface Statement {
  readonly sql: string;
  readonly values: unknown[];
}

/** How one shape's columns are written: the table's column names and value binders. */
interface Binding {
  readonly keyColumns: readonly string[];
  readonly valueColumns: readonly string[];
  /** Per column (keys then values): Connect value → SQL parameter. */
  readonly binders: readonly ((value: unknown) => unknown)[];
  /** Statement text per row count (statements of one binding differ only in their row count). */
  readonly sql: Map<string, string>;
}

export class TableWriter {
  readonly table: TableId;
  readonly #deps: TableWriterDeps;
  readonly #dialect: Dialect;
  /** The table's columns; undefined until read, null when the table does not exist. */
  #columns: ColumnDefinition[] | null | undefined;
  #buffer: Entry[] = [];
  /** The write `startFlush` began, until a `flush` or the next `startFlush` waits for it. */
  #inFlight: Promise<void> | null = null;
  #inFlightCount = 0;
  #isWriting = false;
  /**
   * The bindings of the buffered writes and deletes. Deletes and writes share the buffer
   * (they run in order, in one transaction); a row with other columns than the buffered
   * rows of its kind writes the buffer first.
   */
  #current: { write: Slot | null; delete: Slot | null } = { write: null, delete: null };
  /** Types inferred over the current `put` for fields of records without a schema (see `hintTypes`). */
  #hints: ReadonlyMap<string, Schema> = new Map();

  constructor(table: TableId, deps: TableWriterDeps) {
    this.table = table;
    this.#deps = deps;
    this.#dialect = deps.db.dialect;
  }

  get name(): string {
    return this.#dialect.tableIdString(this.table);
  }

  /** Rows buffered or being written by `startFlush`, not yet reported by `flush`. */
  get bufferedCount(): number {
    return this.#buffer.length + this.#inFlightCount;
  }

  /**
   * Types to create columns with for fields of schemaless records, inferred over more
   * records than the one that needs the column (a field that is 0 in the first record and
   * 1.5 in the next becomes DOUBLE, not BIGINT).
   */
  hintTypes(hints: ReadonlyMap<string, Schema>): void {
    this.#hints = hints;
  }

  /**
   * Buffers one row; writes the buffer first when the row's columns differ from the
   * buffered ones (then creates/evolves the table for them). When it resolves the row is
   * buffered, or was reported as bad. A record whose columns the table cannot take is
   * reported (or thrown) as bad.
   */
  add(row: RecordRow): Promise<void> | undefined {
    const slot = row.isDelete ? this.#current.delete : this.#current.write;
    if (slot === null || !sameLayout(slot, row.shape)) return this.#addNewShape(row);
    return this.#push(row, slot.binding);
  }

  /** Binds the row's values and buffers it; a value that cannot be bound makes it a bad record. */
  #push(row: RecordRow, binding: Binding): Promise<void> | undefined {
    const error = bindValues(row.values, binding.binders);
    if (error !== null) return this.#bad(row, error);
    this.#buffer.push({ row, binding, isDone: false });
    return undefined;
  }

  async #addNewShape(row: RecordRow): Promise<void> {
    const kind = row.isDelete ? 'delete' : 'write';
    await this.flush();
    let binding: Binding;
    try {
      binding = await this.#prepare(row);
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      this.#current[kind] = null;
      await this.#bad(row, err);
      return;
    }
    this.#current[kind] = { shape: row.shape, binding };
    await this.#push(row, binding);
  }

  /** True while a write `startFlush` began is running. */
  get isWriting(): boolean {
    return this.#isWriting;
  }

  /** True when the buffer holds `batch.size` rows: time to `flush`. */
  get isFull(): boolean {
    return this.#buffer.length >= this.#deps.config['batch.size'];
  }

  /**
   * Writes the buffer (one transaction, bisected on bad data), after the write `startFlush`
   * began, whose failure it throws. Unwritten rows stay buffered on a RetriableError.
   */
  async flush(): Promise<void> {
    await this.#settle();
    await this.#writeBuffer();
  }

  /**
   * Starts writing the buffer and returns without waiting for it, so that the next records
   * are converted and buffered meanwhile; first waits for the previous such write (and
   * throws its failure). At most one write per table runs at a time, in buffer order; the
   * next `flush` or `startFlush` reports how it ended.
   */
  async startFlush(): Promise<void> {
    await this.#settle();
    if (this.#buffer.length === 0) return;
    this.#inFlightCount = this.#buffer.length;
    const writing = this.#writeBuffer();
    this.#isWriting = true;
    // Thrown by the next #settle.
    writing.then(
      () => this.#endWrite(writing),
      () => this.#endWrite(writing),
    );
    this.#inFlight = writing;
  }

  #endWrite(writing: Promise<void>): void {
    if (this.#inFlight === writing) this.#isWriting = false;
  }

  async #settle(): Promise<void> {
    const writing = this.#inFlight;
    if (writing === null) return;
    this.#inFlight = null;
    this.#inFlightCount = 0;
    this.#isWriting = false;
    await writing;
  }

  async #writeBuffer(): Promise<void> {
    const entries = this.#buffer;
    if (entries.length === 0) return;
    this.#buffer = [];
    try {
      await this.#write(entries);
    } catch (err) {
      this.#buffer = [...entries.filter((e) => !e.isDone), ...this.#buffer];
      throw err;
    }
  }

  /** Forgets buffered rows, and how a write in flight ends (after a failure that fails the task). */
  discard(): void {
    this.#buffer = [];
    this.#inFlight = null;
    this.#inFlightCount = 0;
    this.#isWriting = false;
    this.#current = { write: null, delete: null };
  }

  // ---- structure -------------------------------------------------------------------------

  async #describe(refresh = false): Promise<ColumnDefinition[] | null> {
    if (this.#columns !== undefined && !refresh) return this.#columns;
    try {
      this.#columns = await this.#dialect.describeTable(this.#deps.db, this.table);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      this.#columns = null;
    }
    return this.#columns;
  }

  async #prepare(row: RecordRow): Promise<Binding> {
    const { shape } = row;
    const config = this.#deps.config;
    let columns = await this.#describe();
    if (columns === null) {
      if (row.isDelete) return this.#binding(shape, []);
      if (!config['auto.create']) {
        throw new DataError(`Table ${this.name} is missing and auto.create is disabled`, { code: 'TABLE_MISSING' });
      }
      this.#deps.logger.info({ table: this.name }, 'Creating the table (auto.create)');
      await createTableIfMissing(
        this.#deps.db,
        this.table,
        shape.columns.map((c) => this.#writeColumn(c)),
        shape.keyColumns.map((c) => c.name),
      );
      columns = await this.#describe(true);
      if (columns === null) throw new ConnectError(`Table ${this.name} does not exist after CREATE TABLE`);
    }
    if (!row.isDelete) columns = await this.#evolve(shape, columns);
    return this.#binding(shape, columns);
  }

  /** Adds missing columns and widens narrower ones; plans every statement before running any. */
  async #evolve(shape: Shape, columns: ColumnDefinition[]): Promise<ColumnDefinition[]> {
    const config = this.#deps.config;
    const missing = shape.columns.filter((c) => findColumn(columns, c.name) === undefined);
    const statements: string[] = [];
    if (missing.length > 0) {
      const names = missing.map((c) => c.name).join(', ');
      // Beyond Confluent (which refuses them): a required field without a default becomes a
      // NULL-able column, since the rows already in the table have no value for it. This is
      // what a source emits for a column added as NOT NULL DEFAULT <expression>.
      const required = missing.filter((c) => !c.schema.isOptional && c.schema.defaultValue === undefined);
      if (required.length > 0 && config['auto.evolve']) {
        this.#deps.logger.warn(
          { table: this.name, columns: required.map((c) => c.name) },
          'Adding required fields without a default as NULL-able columns: existing rows have no value for them',
        );
      }
      if (!config['auto.evolve']) {
        throw new DataError(`Table ${this.name} is missing fields (${names}) and auto.evolve is disabled`, {
          code: 'EVOLVE',
        });
      }
      for (const c of missing) statements.push(this.#dialect.addColumnSql(this.table, this.#addedColumn(c)));
    }
    if (config['auto.evolve'] && config['auto.evolve.widen']) {
      for (const c of shape.columns) {
        const existing = findColumn(columns, c.name);
        if (existing === undefined || c.isInferred) continue;
        const sql = this.#dialect.widenColumnSql(this.table, this.#writeColumn(c), existing);
        if (sql !== null) statements.push(sql);
      }
    }
    if (statements.length === 0) return columns;
    this.#deps.logger.info({ table: this.name, statements: statements.length }, 'Altering the table (auto.evolve)');
    for (const sql of statements) {
      try {
        await this.#deps.db.query(sql);
      } catch (err) {
        // Another task may have added the same column meanwhile.
        const now = await this.#describe(true);
        if (now === null || missing.some((c) => findColumn(now, c.name) === undefined)) throw err;
      }
    }
    const after = await this.#describe(true);
    if (after === null) throw new ConnectError(`Table ${this.name} disappeared while altering it`);
    return after;
  }

  /** A column to add to an existing table: NULL-able unless the field is optional or has a default. */
  #addedColumn(c: ShapeColumn): WriteColumn {
    const column = this.#writeColumn(c);
    if (column.schema.isOptional || column.schema.defaultValue !== undefined) return column;
    return { ...column, schema: SchemaBuilder.from(column.schema).optional().build() };
  }

  #writeColumn(c: ShapeColumn): WriteColumn {
    const hint = c.isInferred && !c.isKey ? this.#hints.get(c.name) : undefined;
    return { name: c.name, schema: hint ?? c.schema, isPrimaryKey: c.isKey };
  }

  #binding(shape: Shape, columns: readonly ColumnDefinition[]): Binding {
    const options = { dbTimezone: this.#deps.config['db.timezone'] };
    const all = [...shape.keyColumns, ...shape.valueColumns];
    const names: string[] = [];
    const binders = all.map((c) => {
      const existing = findColumn(columns, c.name);
      names.push(existing?.name ?? c.name);
      if (!c.isInferred) return (v: unknown) => this.#dialect.toSqlValue(c.schema, v, options);
      const mapped =
        existing === undefined
          ? null
          : this.#dialect.columnMapping(existing, { numericMapping: 'none', dbTimezone: options.dbTimezone });
      const schema: Schema = mapped?.schema ?? c.schema;
      return (v: unknown) => this.#dialect.toSqlValue(schema, coerceSchemaless(v, schema, c.name), options);
    });
    return {
      keyColumns: names.slice(0, shape.keyColumns.length),
      valueColumns: names.slice(shape.keyColumns.length),
      binders,
      sql: new Map(),
    };
  }

  // ---- writing ---------------------------------------------------------------------------

  async #write(entries: readonly Entry[]): Promise<void> {
    try {
      await this.#transaction(entries);
      for (const e of entries) this.#markDone(e);
      return;
    } catch (err) {
      if (!(err instanceof DataError)) throw this.#named(err, entries);
      const first = entries[0];
      if (entries.length === 1 && first !== undefined) {
        await this.#bad(first.row, err);
        this.#markDone(first);
        return;
      }
      if (err.code === 'IDENTIFIER') {
        // The columns themselves cannot be written: every row of this shape is bad.
        for (const e of entries) {
          await this.#bad(e.row, err);
          this.#markDone(e);
        }
        return;
      }
      this.#deps.logger.debug({ table: this.name, rows: entries.length }, 'Batch failed on its data; bisecting');
      const mid = Math.ceil(entries.length / 2);
      await this.#write(entries.slice(0, mid));
      await this.#write(entries.slice(mid));
    }
  }

  #markDone(entry: Entry): void {
    entry.isDone = true;
    this.#deps.markDone(entry.row.record);
  }

  /** A non-data failure, named after the table and the batch's first record. */
  #named(err: unknown, entries: readonly { row: RecordRow }[]): unknown {
    if (err instanceof RetriableError || !(err instanceof Error)) return err;
    const first = entries[0]?.row.record;
    const where = first === undefined ? '' : ` (batch of ${entries.length} from ${describeRecord(first)})`;
    return new ConnectError(`Cannot write to table ${this.name}${where}: ${err.message}`, {
      cause: err,
      code: 'SQL_WRITE',
    });
  }

  /** One transaction, retried on transient errors; RetriableError once `max.retries` are spent. */
  async #transaction(entries: readonly Entry[]): Promise<void> {
    const { config, db, logger } = this.#deps;
    const lone = this.#loneStatement(entries);
    for (let attempt = 0; ; attempt++) {
      try {
        if (lone === null) await db.transaction((tx) => this.#statements(tx, entries));
        else await db.execute(lone.sql, lone.values);
        return;
      } catch (err) {
        if (!(err instanceof ConnectError && err.isRetriable)) throw err;
        if (attempt >= config['max.retries']) {
          throw new RetriableError(
            `Writing ${entries.length} rows to table ${this.name} failed ${attempt + 1} times with a transient error: ${err.message}`,
            { cause: err, code: 'SQL_RETRIES' },
          );
        }
        logger.warn(
          { table: this.name, attempt: attempt + 1, maxRetries: config['max.retries'], err },
          'Transient error writing a batch; retrying',
        );
        await this.#deps.sleep(config['retry.backoff.ms']);
      }
    }
  }

  async #statements(tx: Transaction, entries: readonly Entry[]): Promise<void> {
    let start = 0;
    while (start < entries.length) {
      const first = entries[start];
      if (first === undefined) break;
      let end = start + 1;
      while (end < entries.length && entries[end]?.row.isDelete === first.row.isDelete) end++;
      const run = entries.slice(start, end);
      if (first.row.isDelete) await this.#deletes(tx, run);
      else await this.#writes(tx, run);
      start = end;
    }
  }

  async #deletes(tx: Transaction, run: readonly Entry[]): Promise<void> {
    if (this.#columns === null) return; // No table, nothing to delete.
    const binding = run[0]?.binding;
    if (binding === undefined) return;
    const keys = binding.keyColumns;
    const perStatement = Math.max(1, Math.floor(this.#dialect.maxBindParameters / keys.length));
    for (let i = 0; i < run.length; i += perStatement) {
      const chunk = run.slice(i, i + perStatement);
      const bindings = chunk.flatMap((e) => e.row.values.slice(0, keys.length));
      await tx.execute(this.#dialect.deleteSql(this.table, keys, chunk.length), bindings);
    }
  }

  /**
   * The one statement that writes `entries`, when one does and the database is reached over
   * the network: it then runs on its own (autocommit), one round trip instead of three
   * (BEGIN, the statement, COMMIT), each answered only when the event loop is free again.
   */
  #loneStatement(entries: readonly Entry[]): Statement | null {
    const { db, config } = this.#deps;
    const mode = config['insert.mode'];
    const binding = entries[0]?.binding;
    if (db.spec.host === null || mode === 'update' || binding === undefined) return null;
    // Enough rows for COPY (counted before duplicate keys are dropped): that path needs a transaction.
    if (db.canCopyRows && entries.length >= COPY_MIN_ROWS) return null;
    for (const e of entries) if (e.row.isDelete) return null;
    const rows = mode === 'upsert' ? lastPerKey(entries) : entries;
    const columnCount = binding.keyColumns.length + binding.valueColumns.length;
    if (rows.length > this.#rowsPerStatement(columnCount)) return null;
    return this.#multiRowStatement(rows, 0, rows.length, binding);
  }

  async #writes(tx: Transaction, run: readonly Entry[]): Promise<void> {
    const mode = this.#deps.config['insert.mode'];
    const binding = run[0]?.binding;
    if (binding === undefined) return;
    const d = this.#dialect;
    if (mode === 'update') {
      if (binding.valueColumns.length === 0) return;
      const sql = d.updateSql(this.table, binding.valueColumns, binding.keyColumns);
      const keyCount = binding.keyColumns.length;
      for (const e of run) await tx.execute(sql, [...e.row.values.slice(keyCount), ...e.row.values.slice(0, keyCount)]);
      return;
    }
    // A multi-row upsert may not touch one key twice (PostgreSQL, DuckDB): the last record wins.
    const rows = mode === 'upsert' ? lastPerKey(run) : run;
    if (tx.copyRows !== undefined && rows.length >= COPY_MIN_ROWS) {
      await this.#copy(tx, tx.copyRows, rows, binding);
      return;
    }
    const perStatement = this.#rowsPerStatement(binding.keyColumns.length + binding.valueColumns.length);
    for (let i = 0; i < rows.length; i += perStatement) {
      const statement = this.#multiRowStatement(rows, i, Math.min(rows.length, i + perStatement), binding);
      await tx.execute(statement.sql, statement.values);
    }
  }

  #rowsPerStatement(columnCount: number): number {
    return Math.max(1, Math.floor(this.#dialect.maxBindParameters / columnCount));
  }

  /** The insert mode's multi-row statement for `rows[start..end)`, with its values. */
  #multiRowStatement(rows: readonly Entry[], start: number, end: number, binding: Binding): Statement {
    const mode = this.#deps.config['insert.mode'];
    const d = this.#dialect;
    const columns = [...binding.keyColumns, ...binding.valueColumns];
    const count = end - start;
    const cacheKey = `${mode}:${count}`;
    let sql = binding.sql.get(cacheKey);
    if (sql === undefined) {
      sql =
        mode === 'upsert'
          ? d.upsertSql(this.table, columns, binding.keyColumns, count)
          : mode === 'insert_ignore'
            ? d.insertIgnoreSql(this.table, columns, count)
            : d.insertSql(this.table, columns, count);
      // Statements for the odd sizes of partial batches are not kept.
      if (binding.sql.size < 4) binding.sql.set(cacheKey, sql);
    }
    const values = new Array<unknown>(count * columns.length);
    let n = 0;
    for (let r = start; r < end; r++) {
      const rowValues = (rows[r] as Entry).row.values;
      for (let c = 0; c < rowValues.length; c++) values[n++] = rowValues[c];
    }
    return { sql, values };
  }

  /**
   * The fast path for large runs where the database has one: PostgreSQL's COPY (into the
   * table for plain inserts, else into a temporary staging table dropped at commit, then one
   * INSERT … SELECT with the mode's conflict clause), DuckDB's appender (always into a
   * staging table, dropped after the INSERT … SELECT). Same semantics as the multi-row statements.
   */
  async #copy(
    tx: Transaction,
    copyRows: NonNullable<Transaction['copyRows']>,
    rows: readonly Entry[],
    binding: Binding,
  ): Promise<void> {
    const mode = this.#deps.config['insert.mode'];
    const columns = [...binding.keyColumns, ...binding.valueColumns];
    const values = rows.map((e) => e.row.values);
    const isDuckdb = this.#deps.db.spec.dialect === 'duckdb';
    this.#deps.logger.debug({ table: this.name, rows: rows.length, mode }, 'Writing through COPY');
    // DuckDB's appender fills every column of its table: only a staging table has exactly these.
    if (mode === 'insert' && !isDuckdb) {
      await copyRows(this.table, columns, values);
      return;
    }
    const d = this.#dialect;
    const stage: TableId = { catalog: null, schema: null, table: `tributary_stage_${randomUUID().replace(/-/g, '')}` };
    const list = columns.map((c) => d.quoteIdentifier(c)).join(', ');
    await tx.execute(
      isDuckdb
        ? `CREATE TEMPORARY TABLE ${d.quoteTable(stage)} AS SELECT ${list} FROM ${d.quoteTable(this.table)} LIMIT 0`
        : `CREATE TEMPORARY TABLE ${d.quoteTable(stage)} ON COMMIT DROP AS SELECT ${list} FROM ${d.quoteTable(this.table)} WITH NO DATA`,
    );
    await copyRows(stage, columns, values);
    if (mode === 'insert') {
      await tx.execute(`INSERT INTO ${d.quoteTable(this.table)} (${list}) SELECT ${list} FROM ${d.quoteTable(stage)}`);
      await tx.execute(`DROP TABLE ${d.quoteTable(stage)}`);
      return;
    }
    const keys = new Set(binding.keyColumns);
    const others = columns.filter((c) => !keys.has(c));
    const target = `ON CONFLICT (${binding.keyColumns.map((c) => d.quoteIdentifier(c)).join(', ')})`;
    const conflict =
      mode === 'insert_ignore'
        ? 'ON CONFLICT DO NOTHING'
        : others.length === 0
          ? `${target} DO NOTHING`
          : `${target} DO UPDATE SET ${others.map((c) => `${d.quoteIdentifier(c)} = EXCLUDED.${d.quoteIdentifier(c)}`).join(', ')}`;
    await tx.execute(
      `INSERT INTO ${d.quoteTable(this.table)} (${list}) SELECT ${list} FROM ${d.quoteTable(stage)} ${conflict}`,
    );
    if (isDuckdb) await tx.execute(`DROP TABLE ${d.quoteTable(stage)}`);
  }

  /** A bad record: to the reporter (then it counts as done), or a thrown error naming it. */
  async #bad(row: RecordRow, err: Error): Promise<void> {
    const details = sqlErrorDetails(err);
    const state = details?.sqlState ?? null;
    const error = new RecordWriteError(
      `Cannot write record ${describeRecord(row.record)} to table ${this.name}: ${err.message}`,
      { cause: err, sqlState: state },
    );
    const reporter = this.#deps.reporter;
    if (reporter === null) throw error;
    this.#deps.logger.warn(
      { table: this.name, record: describeRecord(row.record), sqlState: state },
      'Reporting a record that cannot be written',
    );
    await reporter(row.record, error);
  }
}

/** Exact name first, then a case-insensitive match (as Confluent matches columns). */
function findColumn(columns: readonly ColumnDefinition[], name: string): ColumnDefinition | undefined {
  const exact = columns.find((c) => c.name === name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  const matches = columns.filter((c) => c.name.toLowerCase() === lower);
  return matches.length === 1 ? matches[0] : undefined;
}

/** Records of the same shape object, or of an equal signature with the columns in the same order, share a binding. */
function sameLayout(slot: Slot, shape: Shape): boolean {
  if (slot.shape === shape) return true;
  const bound = slot.shape;
  if (bound.signature !== shape.signature) return false;
  const same = (a: readonly ShapeColumn[], b: readonly ShapeColumn[]) =>
    a.length === b.length && a.every((c, i) => c.name === b[i]?.name);
  if (!same(bound.keyColumns, shape.keyColumns) || !same(bound.valueColumns, shape.valueColumns)) return false;
  slot.shape = shape;
  return true;
}

/** Replaces each value with its bound SQL value, in place; the DataError of a value that cannot be bound. */
function bindValues(values: unknown[], binders: readonly ((value: unknown) => unknown)[]): DataError | null {
  try {
    for (let i = 0; i < values.length; i++) {
      const bind = binders[i];
      if (bind !== undefined) values[i] = bind(values[i]);
    }
    return null;
  } catch (err) {
    if (err instanceof DataError) return err;
    throw err;
  }
}

/**
 * A Map key identifying a row's key, equal for equal keys. A one-column number key is
 * itself (a BigInt within ±2^53 as a number, so that 5n and 5 are one key): nothing is
 * allocated for the usual numeric key. Anything else is text, which no number equals.
 */
function keyIdentity(values: readonly unknown[], keyCount: number): unknown {
  if (keyCount === 1) {
    const v = values[0];
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : `n${v}`;
    if (typeof v === 'string') return `s${v}`;
  }
  return JSON.stringify(values.slice(0, keyCount), (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : Buffer.isBuffer(v) ? v.toString('base64') : v,
  );
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function lastPerKey(run: readonly Entry[]): readonly Entry[] {
  const keyCount = run[0]?.binding.keyColumns.length ?? 0;
  if (keyCount === 0) return run;
  const last = new Map<unknown, number>();
  for (let i = 0; i < run.length; i++) last.set(keyIdentity((run[i] as Entry).row.values, keyCount), i);
  if (last.size === run.length) return run;
  const kept = new Set(last.values());
  return run.filter((_e, i) => kept.has(i));
}
