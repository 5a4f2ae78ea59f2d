/**
 * The JDBC sink connector: checks the configuration and the connection URL, then runs
 * `tasks.max` identical tasks (the worker's consumer group spreads the partitions).
 */
import { ConfigError, ConnectError, type Props, type SinkConnector } from '@tributary/api';
import { type DialectName, parseConnectionUrl } from '@tributary/jdbc';
import { checkSinkConfig, type JdbcSinkConfig } from './config.js';

const DIALECT_OF_NAME: Readonly<Record<string, DialectName>> = {
  mysqldatabasedialect: 'mysql',
  mysql: 'mysql',
  mariadb: 'mysql',
  postgresqldatabasedialect: 'postgresql',
  postgres: 'postgresql',
  postgresql: 'postgresql',
  sqlitedatabasedialect: 'sqlite',
  sqlite: 'sqlite',
  duckdbdatabasedialect: 'duckdb',
  duckdb: 'duckdb',
};

/** `dialect.name`, when set, must name the URL's dialect. */
export function checkDialectName(config: JdbcSinkConfig, dialect: DialectName): void {
  const named = config['dialect.name'];
  if (named === '' || DIALECT_OF_NAME[named.toLowerCase()] === dialect) return;
  throw new ConfigError([
    {
      key: 'dialect.name',
      value: named,
      message: `Dialect ${named} does not match connection.url, which is a ${dialect} URL`,
    },
  ]);
}

export class JdbcSinkConnector implements SinkConnector<JdbcSinkConfig> {
  #props: Props | null = null;

  start(config: JdbcSinkConfig, props: Props): void {
    const problems = checkSinkConfig(config);
    if (problems.length > 0) throw new ConfigError(problems, { context: 'JdbcSinkConnector' });
    const spec = parseConnectionUrl(config['connection.url'], {
      user: config['connection.user'],
      password: config['connection.password'],
    });
    checkDialectName(config, spec.dialect);
    this.#props = props;
  }

  taskConfigs(maxTasks: number): Props[] {
    const props = this.#props;
    if (props === null) throw new ConnectError('JdbcSinkConnector.taskConfigs called before start');
    return Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...props }));
  }

  stop(): void {
    this.#props = null;
  }
}
