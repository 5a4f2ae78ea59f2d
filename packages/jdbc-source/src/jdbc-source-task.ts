/**
 * A JDBC source task: one querier per assigned table (or one for the query), served
 * round-robin. A table is queried again no sooner than `poll.interval.ms` after its last
 * result ended; a result being read is continued at the next poll until it ends, so at
 * most one result (one connection) is open per task.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConnectError,
  NotFoundError,
  type Props,
  type SourcePartition,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
} from '@tributary/api';
import { type Database, openDatabase, parseConnectionUrl, type TableId } from '@tributary/jdbc';
import {
  type JdbcSourceConfig,
  type Mode,
  parseSourceConfig,
  queryOf,
  usesIncrementing,
  usesTimestamp,
} from './config.js';
import { quoterFor } from './criteria.js';
import { legacyTablePartition, positionOf, QUERY_PARTITION, tablePartition } from './offsets.js';
import { mappedColumns } from './table-filter.js';
import { TableQuerier } from './table-querier.js';

/** The task-config key listing a task's tables (JSON array of TableId). */
export const TABLES_KEY = 'tables';

export function numericMappingOf(
  config: JdbcSourceConfig,
): 'none' | 'precision_only' | 'best_fit' | 'best_fit_eager_double' {
  return config['numeric.mapping'] ?? (config['numeric.precision.mapping'] ? 'precision_only' : 'none');
}

export class JdbcSourceTask implements SourceTask {
  #config: JdbcSourceConfig | null = null;
  #context: SourceTaskContext | null = null;
  #db: Database | null = null;
  /** In round-robin order: a querier moves to the back after its result ends. */
  #queriers: TableQuerier[] = [];
  #current: TableQuerier | null = null;
  readonly #stopping = new AbortController();

  async start(props: Props, context: SourceTaskContext): Promise<void> {
    const config = parseSourceConfig(props, `JdbcSourceTask ${context.connectorName}-${context.taskId}`);
    this.#config = config;
    this.#context = context;
    const mode = config.mode as Mode;
    const query = queryOf(config);
    const tables = query === null ? parseTables(props[TABLES_KEY]) : [];
    if (query === null && tables.length === 0) {
      context.logger.info('No tables assigned to this task; it stays idle until the tables change');
      return;
    }
    const spec = parseConnectionUrl(config['connection.url'], {
      user: config['connection.user'],
      password: config['connection.password'],
    });
    const db = await openDatabase(spec, {
      attempts: config['connection.attempts'],
      backoffMs: config['connection.backoff.ms'],
      logger: context.logger,
      signal: this.#stopping.signal,
    });
    this.#db = db;
    const quoter = quoterFor(db.dialect, config['quote.sql.identifiers']);
    const mapping = { numericMapping: numericMappingOf(config), dbTimezone: config['db.timezone'] };
    const common = { db, config, mode, quoter, mapping, logger: context.logger };
    const reader = context.offsetStorageReader;

    if (query !== null) {
      const stored = await reader.offset(QUERY_PARTITION);
      this.#queriers = [
        new TableQuerier({
          ...common,
          source: { kind: 'query', query, isMasked: config.query === '' },
          partition: QUERY_PARTITION,
          topic: config['topic.prefix'],
          timestampColumns: config['timestamp.column.name'],
          incrementingColumn: config['incrementing.column.name'] === '' ? null : config['incrementing.column.name'],
          storedOffset: stored,
          storedPosition: stored === null ? null : positionOf(stored, 'the query'),
        }),
      ];
      return;
    }

    const ids = tables.map((t) => db.dialect.tableIdString(t));
    const partitions = ids.map((id) => tablePartition(id));
    const legacy = tables.map((t) => legacyTablePartition(t.table));
    const stored = await reader.offsets([...partitions, ...legacy]);
    const find = (p: SourcePartition) => [...stored].find(([k]) => sameKeys(k, p))?.[1] ?? null;
    const problems: string[] = [];
    tables.forEach((table, i) => {
      const id = ids[i] as string;
      const partition = partitions[i] as SourcePartition;
      const offset = find(partition) ?? find(legacy[i] as SourcePartition);
      const columns = this.#columnsFor(config, mode, id);
      if (typeof columns === 'string') {
        problems.push(columns);
        return;
      }
      this.#queriers.push(
        new TableQuerier({
          ...common,
          source: { kind: 'table', table, tableIdString: id },
          partition,
          topic: `${config['topic.prefix']}${table.table}`,
          timestampColumns: columns.timestamp,
          incrementingColumn: columns.incrementing,
          storedOffset: offset,
          storedPosition: offset === null ? null : positionOf(offset, `table ${id}`),
        }),
      );
    });
    if (problems.length > 0) throw new ConnectError(problems.join('; '));
  }

  #columnsFor(
    config: JdbcSourceConfig,
    mode: Mode,
    id: string,
  ): { timestamp: readonly string[]; incrementing: string | null } | string {
    let timestamp: readonly string[] = config['timestamp.column.name'];
    let incrementing: string | null =
      config['incrementing.column.name'] === '' ? null : config['incrementing.column.name'];
    if (usesTimestamp(mode) && config['timestamp.columns.mapping'].length > 0) {
      const mapped = mappedColumns(config['timestamp.columns.mapping'], true, 'timestamp.columns.mapping', id);
      if (typeof mapped === 'string') return mapped;
      timestamp = mapped;
    }
    if (usesIncrementing(mode) && config['incrementing.column.mapping'].length > 0) {
      const mapped = mappedColumns(config['incrementing.column.mapping'], false, 'incrementing.column.mapping', id);
      if (typeof mapped === 'string') return mapped;
      incrementing = mapped[0] ?? null;
    }
    return { timestamp, incrementing };
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    const config = this.#config;
    if (config === null) throw new ConnectError('JdbcSourceTask.poll called before start');
    const lingerMs = config['poll.linger.ms'];
    const deadline = Date.now() + lingerMs;
    for (;;) {
      if (signal.aborted || this.#stopping.signal.aborted) return [];
      const querier = this.#current ?? this.#nextQuerier();
      if (querier === null) {
        await pause(Math.max(1, deadline - Date.now()), signal);
        return [];
      }
      if (this.#current === null) {
        const waitMs = querier.nextDueMs - Date.now();
        if (waitMs > 0) {
          const remainingMs = deadline - Date.now();
          if (remainingMs <= 0) return [];
          await pause(Math.min(waitMs, remainingMs), signal);
          continue;
        }
        this.#current = querier;
      }
      let result: Awaited<ReturnType<TableQuerier['read']>>;
      try {
        result = await querier.read(config['batch.max.rows'], signal);
      } catch (err) {
        this.#current = null;
        if (err instanceof NotFoundError) {
          // Dropped since the last table listing; the connector's monitor reconfigures the tasks.
          this.#context?.logger.warn(
            { err },
            `${querier.description} disappeared; skipping it until the tables are reconfigured`,
          );
          this.#requeue(querier, config['poll.interval.ms']);
          continue;
        }
        querier.nextDueMs = Date.now();
        throw err;
      }
      if (result.isExhausted) {
        this.#current = null;
        this.#requeue(querier, config['poll.interval.ms']);
      }
      if (result.records.length > 0) return result.records;
    }
  }

  /** The querier due first; ties go to the one served longest ago. */
  #nextQuerier(): TableQuerier | null {
    let best: TableQuerier | null = null;
    for (const q of this.#queriers) if (best === null || q.nextDueMs < best.nextDueMs) best = q;
    return best;
  }

  #requeue(querier: TableQuerier, intervalMs: number): void {
    querier.nextDueMs = Date.now() + intervalMs;
    this.#queriers = [...this.#queriers.filter((q) => q !== querier), querier];
  }

  async stop(): Promise<void> {
    if (this.#stopping.signal.aborted) return;
    this.#stopping.abort();
    const queriers = this.#queriers;
    this.#queriers = [];
    this.#current = null;
    await Promise.all(queriers.map((q) => q.close().catch(() => undefined)));
    const db = this.#db;
    this.#db = null;
    await db?.close();
  }
}

function parseTables(text: string | undefined): TableId[] {
  if (text === undefined || text.trim() === '') return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new ConnectError(`Task configuration "${TABLES_KEY}" is not a JSON array`);
  return parsed.map((t: { catalog?: unknown; schema?: unknown; table?: unknown }) => {
    if (typeof t?.table !== 'string')
      throw new ConnectError(`Task configuration "${TABLES_KEY}" has an entry without a table name`);
    return {
      catalog: typeof t.catalog === 'string' ? t.catalog : null,
      schema: typeof t.schema === 'string' ? t.schema : null,
      table: t.table,
    };
  });
}

function sameKeys(a: SourcePartition, b: SourcePartition): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await sleep(ms, undefined, { signal }).catch((err: unknown) => {
    if (!signal.aborted) throw err;
  });
}
