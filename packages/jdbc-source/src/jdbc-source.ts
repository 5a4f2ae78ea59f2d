/**
 * The plugin: Confluent's JdbcSourceConnector, under its Java class name as well.
 */
import { defineSourceConnector } from '@tributary/api';
import { jdbcSourceConfig } from './config.js';
import { JdbcSourceConnector } from './jdbc-source-connector.js';
import { JdbcSourceTask } from './jdbc-source-task.js';

export const jdbcSource = defineSourceConnector({
  name: 'JdbcSourceConnector',
  aliases: ['io.confluent.connect.jdbc.JdbcSourceConnector'],
  version: '0.1.0',
  description:
    'Copies MySQL/MariaDB, PostgreSQL and SQLite tables (or a query) into Kafka: bulk, incrementing, timestamp and timestamp+incrementing modes.',
  config: jdbcSourceConfig,
  connector: () => new JdbcSourceConnector(),
  task: () => new JdbcSourceTask(),
});
