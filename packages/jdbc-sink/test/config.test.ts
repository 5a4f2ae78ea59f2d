import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@tributary/api';
import {
  builtinPlugins,
  PluginRegistry,
  parseConnectorConfig,
  readPropertiesFile,
  sinkConnectorConfig,
} from '@tributary/runtime';
import { jdbcSinkConfig, parseSinkConfig } from '../src/config.js';
import { jdbcSink } from '../src/index.js';

const SHARED = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/compat');
const BASE = { 'connection.url': 'jdbc:sqlite::memory:' };

function problemsOf(props: Record<string, string>): { key: string; message: string }[] {
  try {
    parseSinkConfig(props, 'test');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.map((p) => ({ key: p.key, message: p.message }));
  }
  return [];
}

describe('jdbc sink config', () => {
  it("has Confluent's names and defaults", () => {
    const c = parseSinkConfig(BASE, 'test');
    assert.equal(c['insert.mode'], 'insert');
    assert.equal(c['pk.mode'], 'none');
    assert.deepEqual(c['pk.fields'], []);
    assert.deepEqual(c['fields.whitelist'], []);
    assert.equal(c['batch.size'], 3000);
    assert.equal(c['max.retries'], 10);
    assert.equal(c['retry.backoff.ms'], 3000);
    assert.equal(c['delete.enabled'], false);
    assert.equal(c['auto.create'], false);
    assert.equal(c['auto.evolve'], false);
    assert.equal(c['table.name.format'], `$${'{topic}'}`);
    assert.equal(c['quote.sql.identifiers'], 'always');
    assert.equal(c['db.timezone'], 'UTC');
    assert.equal(c['connection.attempts'], 3);
    assert.equal(c['connection.backoff.ms'], 10_000);
    assert.equal(c['table.name.dots'], 'schema');
    assert.equal(c['auto.evolve.widen'], false);
    assert.equal(c['batch.linger.ms'], 1000);
  });

  it('requires connection.url', () => {
    assert.deepEqual(
      problemsOf({}).map((p) => p.key),
      ['connection.url'],
    );
  });

  it('delete.enabled needs pk.mode=record_key, naming both keys', () => {
    const problems = problemsOf({ ...BASE, 'delete.enabled': 'true', 'pk.mode': 'record_value' });
    assert.deepEqual(problems.map((p) => p.key).sort(), ['delete.enabled', 'pk.mode']);
    assert.match(problems[0]?.message ?? '', /record_key/);
    assert.deepEqual(problemsOf({ ...BASE, 'delete.enabled': 'true', 'pk.mode': 'record_key' }), []);
  });

  it('upsert and update need key columns', () => {
    for (const mode of ['upsert', 'update']) {
      const problems = problemsOf({ ...BASE, 'insert.mode': mode });
      assert.deepEqual(problems.map((p) => p.key).sort(), ['insert.mode', 'pk.mode']);
    }
    assert.deepEqual(problemsOf({ ...BASE, 'insert.mode': 'insert_ignore' }), []);
  });

  it('pk.mode=kafka takes no pk.fields or exactly three', () => {
    assert.deepEqual(
      problemsOf({ ...BASE, 'pk.mode': 'kafka', 'pk.fields': 'a,b' }).map((p) => p.key),
      ['pk.fields'],
    );
    assert.deepEqual(problemsOf({ ...BASE, 'pk.mode': 'kafka', 'pk.fields': 'a,b,c' }), []);
  });

  it('reports every bad key at once and never shows the password', () => {
    const problems = problemsOf({
      ...BASE,
      'connection.password': 'hunter2',
      'batch.size': '0',
      'insert.mode': 'merge',
      'db.timezone': 'Mars/Olympus',
    });
    assert.deepEqual(problems.map((p) => p.key).sort(), ['batch.size', 'db.timezone', 'insert.mode']);
    assert.doesNotMatch(JSON.stringify(problems), /hunter2/);
  });

  it('accepts the Databend sink file unchanged; its keys are all known', () => {
    const props = readPropertiesFile(join(SHARED, 'databend-sink.properties'));
    const config = parseSinkConfig(props, 'databend-sink.properties');
    assert.equal(config['insert.mode'], 'upsert');
    assert.equal(config['pk.mode'], 'record_value');
    assert.deepEqual(config['pk.fields'], ['id']);
    assert.equal(config['batch.size'], 1);
    assert.equal(config['connection.database'], 'default');
    const unknown = jdbcSinkConfig.unknownKeys(props).filter((k) => !(k in sinkConnectorConfig.keys));
    assert.deepEqual(unknown, []);
  });

  it("resolves Confluent's and the Databend sink's class names to this connector; the Databend file parses as a whole", () => {
    const registry = new PluginRegistry([...builtinPlugins, jdbcSink]);
    for (const name of [
      'io.confluent.connect.jdbc.JdbcSinkConnector',
      'com.databend.kafka.connect.DatabendSinkConnector',
      'JdbcSinkConnector',
      'JdbcSink',
    ]) {
      assert.equal(registry.resolveConnector(name).name, 'JdbcSinkConnector');
    }
    const props = readPropertiesFile(join(SHARED, 'databend-sink.properties'));
    for (const cls of [props['connector.class'] ?? '', 'com.databend.kafka.connect.DatabendSinkConnector']) {
      const parsed = parseConnectorConfig({ ...props, 'connector.class': cls }, registry);
      assert.equal(parsed.plugin.name, 'JdbcSinkConnector');
    }
  });
});
