/**
 * The plugin: Confluent's JdbcSinkConnector, also under its Java class name and the
 * Databend sink's.
 */
import { defineSinkConnector } from '@tributary/api';
import { jdbcSinkConfig } from './config.js';
import { JdbcSinkConnector } from './jdbc-sink-connector.js';
import { JdbcSinkTask } from './jdbc-sink-task.js';

export const jdbcSink = defineSinkConnector({
  name: 'JdbcSinkConnector',
  aliases: ['io.confluent.connect.jdbc.JdbcSinkConnector', 'com.databend.kafka.connect.DatabendSinkConnector'],
  version: '0.1.0',
  description:
    'Writes topics into PostgreSQL, MySQL/MariaDB, SQLite and DuckDB tables: insert, upsert, update and insert_ignore, deletes from tombstones, auto.create and auto.evolve.',
  config: jdbcSinkConfig,
  connector: () => new JdbcSinkConnector(),
  task: () => new JdbcSinkTask(),
});
