/**
 * The JDBC source connector: checks the configuration, lists the tables its filters
 * select, spreads them over the tasks, and re-lists them every `table.poll.interval.ms`,
 * asking for new task configurations when the set changes.
 */
import {
  ConfigError,
  type ConfigProblem,
  ConnectError,
  type Props,
  type SourceConnector,
  type SourceConnectorContext,
  type SourceOffset,
  type SourcePartition,
} from '@tributary/api';
import {
  type Database,
  type Dialect,
  type DialectName,
  openDatabase,
  parseConnectionUrl,
  type TableId,
} from '@tributary/jdbc';
import { checkSourceConfig, type JdbcSourceConfig, queryOf, usesTimestamp } from './config.js';
import { TABLES_KEY } from './jdbc-source-task.js';
import { positionOf } from './offsets.js';
import { duplicateNames, type TableFilter, tableFilterFor } from './table-filter.js';

const DIALECT_OF_NAME: Readonly<Record<string, DialectName>> = {
  mysqldatabasedialect: 'mysql',
  mysql: 'mysql',
  mariadb: 'mysql',
  postgresqldatabasedialect: 'postgresql',
  postgres: 'postgresql',
  postgresql: 'postgresql',
  sqlitedatabasedialect: 'sqlite',
  sqlite: 'sqlite',
};

export class JdbcSourceConnector implements SourceConnector<JdbcSourceConfig> {
  #props: Props = {};
  #db: Database | null = null;
  #filter: TableFilter | null = null;
  #config: JdbcSourceConfig | null = null;
  #context: SourceConnectorContext | null = null;
  /** Null in query mode. */
  #tables: TableId[] | null = null;
  #monitor: NodeJS.Timeout | null = null;
  #isStopped = false;

  async start(config: JdbcSourceConfig, props: Props, context: SourceConnectorContext): Promise<void> {
    const problems = checkSourceConfig(config);
    if (problems.length > 0) throw new ConfigError(problems, { context: 'JdbcSourceConnector' });
    this.#props = props;
    this.#config = config;
    this.#context = context;
    const spec = parseConnectionUrl(config['connection.url'], {
      user: config['connection.user'],
      password: config['connection.password'],
    });
    const named = config['dialect.name'];
    if (named !== '' && DIALECT_OF_NAME[named.toLowerCase()] !== spec.dialect) {
      throw new ConfigError([
        {
          key: 'dialect.name',
          value: named,
          message: `Dialect ${named} does not match connection.url, which is a ${spec.dialect} URL`,
        },
      ]);
    }
    for (const note of spec.notes) context.logger.info(`connection.url: ${note}`);
    this.#warnAboutHoles(config, context);
    const db = await openDatabase(spec, {
      attempts: config['connection.attempts'],
      backoffMs: config['connection.backoff.ms'],
      logger: context.logger,
    });
    this.#db = db;
    if (queryOf(config) !== null) return;
    this.#filter = tableFilterFor(config, db.dialect);
    const tables = await this.#listTables();
    this.#failOnDuplicates(tables, db.dialect);
    this.#tables = tables;
    context.logger.info(
      { tables: tables.map((t) => db.dialect.tableIdString(t)) },
      `Found ${tables.length} tables to copy`,
    );
    this.#scheduleMonitor(config['table.poll.interval.ms']);
  }

  #warnAboutHoles(config: JdbcSourceConfig, context: SourceConnectorContext): void {
    const mode = config.mode;
    if (mode === 'incrementing' && queryOf(config) === null) {
      context.logger.warn(
        'mode=incrementing misses rows whose ids are committed out of order (concurrent writers, long transactions): ' +
          'an id read before a smaller one commits moves the offset past it. For tables with concurrent writers use ' +
          'mode=timestamp+incrementing with timestamp.delay.interval.ms above the longest transaction.',
      );
    }
    if (mode === 'timestamp' && /\blimit\b|\bfetch\b/i.test(config['query.suffix'])) {
      context.logger.warn(
        'mode=timestamp with a LIMIT/FETCH in query.suffix can skip rows: when the limit cuts through rows sharing a timestamp, ' +
          'the next query starts after that timestamp. Use mode=timestamp+incrementing, or no limit.',
      );
    }
    if (mode !== '' && usesTimestamp(mode) && config['timestamp.delay.interval.ms'] === 0) {
      context.logger.warn(
        `mode=${mode} with timestamp.delay.interval.ms=0 misses rows of transactions that commit after the query ran ` +
          'with an earlier timestamp. Set timestamp.delay.interval.ms above the longest transaction.',
      );
    }
  }

  async #listTables(): Promise<TableId[]> {
    const db = this.#db;
    const config = this.#config;
    const filter = this.#filter;
    if (db === null || config === null || filter === null) return [];
    const listed = await db.dialect.listTables(db, {
      catalogPattern: config['catalog.pattern'],
      schemaPattern: config['schema.pattern'],
      tableTypes: config['table.types'].map((t) => t.toUpperCase()),
    });
    return listed.filter((t) => filter.accepts(t));
  }

  #failOnDuplicates(tables: readonly TableId[], dialect: Dialect): void {
    const duplicates = duplicateNames(tables, dialect);
    if (duplicates.length === 0) return;
    throw new ConnectError(
      'Tables with the same unqualified name would write to the same topic: ' +
        `${duplicates.map((g) => g.join(' and ')).join('; ')}. Narrow the table filters (or schema.pattern/catalog.pattern) so that each name is selected once.`,
    );
  }

  #scheduleMonitor(intervalMs: number): void {
    if (this.#isStopped) return;
    this.#monitor = setTimeout(() => {
      void this.#checkTables().finally(() => this.#scheduleMonitor(intervalMs));
    }, intervalMs);
    this.#monitor.unref();
  }

  async #checkTables(): Promise<void> {
    const db = this.#db;
    const context = this.#context;
    if (db === null || context === null || this.#isStopped) return;
    let tables: TableId[];
    try {
      tables = await this.#listTables();
    } catch (err) {
      context.logger.warn({ err }, 'Cannot list the tables; trying again at the next table.poll.interval.ms');
      return;
    }
    if (this.#isStopped) return;
    const before = (this.#tables ?? []).map((t) => db.dialect.tableIdString(t)).join('\n');
    const after = tables.map((t) => db.dialect.tableIdString(t)).join('\n');
    if (before === after) return;
    try {
      this.#failOnDuplicates(tables, db.dialect);
    } catch (err) {
      context.raiseError(err as Error);
      return;
    }
    context.logger.info(
      { tables: tables.map((t) => db.dialect.tableIdString(t)) },
      'The set of tables changed; reconfiguring the tasks',
    );
    this.#tables = tables;
    context.requestTaskReconfiguration();
  }

  taskConfigs(maxTasks: number): Props[] {
    if (this.#config === null) throw new ConnectError('JdbcSourceConnector.taskConfigs called before start');
    if (this.#tables === null) return [{ ...this.#props, [TABLES_KEY]: '[]' }];
    const tables = this.#tables;
    if (tables.length === 0) {
      this.#context?.logger.warn('No tables match the table filters; one idle task runs until some appear');
      return [{ ...this.#props, [TABLES_KEY]: '[]' }];
    }
    const groups: TableId[][] = Array.from({ length: Math.min(Math.max(1, maxTasks), tables.length) }, () => []);
    tables.forEach((t, i) => {
      groups[i % groups.length]?.push(t);
    });
    return groups.map((group) => ({ ...this.#props, [TABLES_KEY]: JSON.stringify(group) }));
  }

  /** Offsets written through the REST API must have Confluent's shapes (see offsets.ts). */
  alterOffsets(_props: Props, offsets: ReadonlyMap<SourcePartition, SourceOffset | null>): void {
    const problems: ConfigProblem[] = [];
    for (const [partition, offset] of offsets) {
      const where = JSON.stringify(partition);
      if (typeof partition['table'] !== 'string' && partition['query'] !== 'query') {
        problems.push({
          key: 'partition',
          value: where,
          message: 'A JDBC source partition has a "table" name or is {"query":"query"}',
        });
        continue;
      }
      if (offset === null) continue;
      try {
        positionOf(offset, where);
      } catch (err) {
        problems.push({ key: 'offset', value: JSON.stringify(offset), message: (err as Error).message });
      }
    }
    if (problems.length > 0) throw new ConfigError(problems, { context: 'JdbcSourceConnector offsets' });
  }

  async stop(): Promise<void> {
    if (this.#isStopped) return;
    this.#isStopped = true;
    if (this.#monitor !== null) clearTimeout(this.#monitor);
    this.#monitor = null;
    const db = this.#db;
    this.#db = null;
    await db?.close();
  }
}
