import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  boolean,
  ConfigError,
  defineConfig,
  defineConverter,
  definePredicate,
  defineSinkConnector,
  defineSourceConnector,
  defineTransform,
  int,
  password,
  type SinkConnector,
  type SinkTask,
  type SourceConnector,
  type SourceTask,
  string,
} from '@tributary/api';
import {
  connectorConfig,
  connectorValidation,
  parseConnectorConfig,
  sinkConnectorConfig,
  sourceConnectorConfig,
  validateConnectorConfig,
} from '../../src/config/connector-config.js';
import type { ConfigInfos } from '../../src/herder.js';
import { PluginRegistry } from '../../src/plugins/registry.js';

const dbSource = defineSourceConnector({
  name: 'db-source',
  aliases: ['com.example.DbSourceConnector'],
  version: '1.0.0',
  description: 'Reads a table.',
  config: defineConfig({
    'connection.url': string({ doc: 'Where.', group: 'Database' }),
    'connection.password': password({ default: null, doc: 'Secret.', group: 'Database' }),
    'batch.max.rows': int({ default: 100, min: 1, doc: 'Rows per poll.' }),
  }),
  connector: () => ({}) as SourceConnector<unknown>,
  task: () => ({}) as SourceTask,
});

const dbSink = defineSinkConnector({
  name: 'db-sink',
  aliases: ['com.example.DbSinkConnector'],
  version: '1.0.0',
  description: 'Writes a table.',
  config: defineConfig({ 'auto.create': boolean({ default: false, doc: 'Create tables.' }) }),
  connector: () => ({}) as SinkConnector<unknown>,
  task: () => ({}) as SinkTask,
});

const rename = defineTransform({
  name: 'Rename',
  aliases: ['com.example.Rename'],
  version: '1.0.0',
  description: 'Renames topics.',
  config: defineConfig({ to: string({ doc: 'New topic.' }), token: password({ default: null, doc: 'A secret.' }) }),
  create: (config) => ({ apply: (r) => ({ ...r, topic: config.to }) }),
});

const topicIs = definePredicate({
  name: 'TopicIs',
  aliases: [],
  version: '1.0.0',
  description: 'Matches one topic.',
  config: defineConfig({ topic: string({ doc: 'The topic.' }) }),
  create: (config) => ({ test: (r) => r.topic === config.topic }),
});

const json = defineConverter({
  name: 'JsonConverter',
  aliases: ['org.apache.kafka.connect.json.JsonConverter'],
  version: '1.0.0',
  description: 'JSON.',
  config: defineConfig({ 'schemas.enable': boolean({ default: true, doc: 'Envelope.' }) }),
  create: () => ({ fromConnectData: () => null, toConnectData: () => ({ schema: null, value: null }) }),
});

const registry = new PluginRegistry([dbSource, dbSink, rename, topicIs, json]);

const source = {
  name: 'src',
  'connector.class': 'DbSource',
  'connection.url': 'jdbc:sqlite:x.db',
  'connection.password': 'db-secret',
};
const sink = { name: 'snk', 'connector.class': 'com.example.DbSinkConnector', topics: 'a,b' };

const entry = (infos: ConfigInfos, name: string) => {
  const found = infos.configs.find((c) => c.value.name === name);
  assert.ok(found, `entry ${name}`);
  return found;
};

describe('connector config definitions', () => {
  test("Kafka's defaults", () => {
    const values = sinkConnectorConfig.parse({ name: 'n', 'connector.class': 'c', topics: 't' });
    assert.equal(values['tasks.max'], 1);
    assert.deepEqual(values.transforms, []);
    assert.deepEqual(values.predicates, []);
    assert.equal(values['config.action.reload'], 'restart');
    assert.equal(values['errors.retry.timeout'], 0);
    assert.equal(values['errors.retry.delay.max.ms'], 60_000);
    assert.equal(values['errors.tolerance'], 'none');
    assert.equal(values['errors.log.enable'], false);
    assert.equal(values['errors.log.include.messages'], false);
    assert.equal(values['errors.deadletterqueue.topic.name'], '');
    assert.equal(values['errors.deadletterqueue.topic.replication.factor'], 3);
    assert.equal(values['errors.deadletterqueue.context.headers.enable'], false);
    assert.equal(values['topics.regex'], '');
    assert.equal(values['key.converter'], null);
  });

  test('tasks.max at least 1, errors.retry.timeout -1 for infinite', () => {
    assert.throws(
      () => connectorConfig.parse({ name: 'n', 'connector.class': 'c', 'tasks.max': '0' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'tasks.max',
    );
    assert.equal(
      connectorConfig.parse({ name: 'n', 'connector.class': 'c', 'errors.retry.timeout': '-1' })[
        'errors.retry.timeout'
      ],
      -1,
    );
  });

  test('source topic.creation keys', () => {
    const values = sourceConnectorConfig.parse({
      name: 'n',
      'connector.class': 'c',
      'topic.creation.default.replication.factor': '-1',
      'topic.creation.default.partitions': '3',
    });
    assert.equal(values['topic.creation.default.replication.factor'], -1);
    assert.equal(values['topic.creation.default.partitions'], 3);
    assert.throws(
      () =>
        sourceConnectorConfig.parse({ name: 'n', 'connector.class': 'c', 'topic.creation.default.partitions': '0' }),
      ConfigError,
    );
  });
});

describe('connectorValidation', () => {
  test('a valid source config has no problems', () => {
    assert.deepEqual(connectorValidation(source, dbSource), []);
  });

  test('common and plugin problems together', () => {
    const problems = connectorValidation(
      { 'connector.class': 'db-source', 'tasks.max': 'many', 'batch.max.rows': '0' },
      dbSource,
    );
    assert.deepEqual(problems.map((p) => p.key).sort(), ['batch.max.rows', 'connection.url', 'name', 'tasks.max']);
  });

  test('a sink needs exactly one of topics and topics.regex, naming both', () => {
    for (const props of [
      { name: 'n', 'connector.class': 'db-sink' },
      { name: 'n', 'connector.class': 'db-sink', topics: 'a', 'topics.regex': 'a.*' },
    ]) {
      const problems = connectorValidation(props, dbSink);
      assert.deepEqual(
        problems.map((p) => p.key),
        ['topics', 'topics.regex'],
      );
    }
    assert.deepEqual(
      connectorValidation({ name: 'n', 'connector.class': 'db-sink', 'topics.regex': 'orders-.*' }, dbSink),
      [],
    );
  });

  test('the DLQ topic may not be consumed', () => {
    const byList = connectorValidation({ ...sink, 'errors.deadletterqueue.topic.name': 'b' }, dbSink);
    assert.equal(byList[0]?.key, 'errors.deadletterqueue.topic.name');
    const byRegex = connectorValidation(
      {
        name: 'n',
        'connector.class': 'db-sink',
        'topics.regex': 'orders.*',
        'errors.deadletterqueue.topic.name': 'orders-dlq',
      },
      dbSink,
    );
    assert.equal(byRegex[0]?.key, 'errors.deadletterqueue.topic.name');
  });

  test('a bad topics.regex is reported', () => {
    assert.equal(
      connectorValidation({ name: 'n', 'connector.class': 'db-sink', 'topics.regex': '(' }, dbSink)[0]?.key,
      'topics.regex',
    );
  });

  test('topic.creation groups are checked for sources', () => {
    const problems = connectorValidation(
      {
        ...source,
        'topic.creation.default.replication.factor': '1',
        'topic.creation.default.partitions': '1',
        'topic.creation.groups': 'compacted',
        'topic.creation.compacted.include': '(',
      },
      dbSource,
    );
    assert.deepEqual(
      problems.map((p) => p.key),
      ['topic.creation.compacted.include'],
    );
  });
});

describe('parseConnectorConfig', () => {
  test('resolves the plugin and parses common and plugin keys', () => {
    const parsed = parseConnectorConfig(
      { ...source, 'tasks.max': '3', transforms: 'r', 'transforms.r.type': 'Rename', 'transforms.r.to': 'x' },
      registry,
    );
    assert.equal(parsed.plugin, dbSource);
    assert.equal(parsed.common['tasks.max'], 3);
    assert.equal(parsed.config['batch.max.rows'], 100);
  });

  test('every problem at once: plugin keys, transforms, predicates, converters, overrides', () => {
    assert.throws(
      () =>
        parseConnectorConfig(
          {
            ...source,
            'batch.max.rows': 'x',
            transforms: 'r',
            'transforms.r.type': 'Rename',
            'transforms.r.predicate': 'p',
            predicates: 'p',
            'predicates.p.type': 'TopicIz',
            'value.converter': 'JsonConverter',
            'value.converter.schemas.enable': 'maybe',
            'producer.override.sasl.jaas.config': 'secret jaas',
          },
          registry,
          { overridePolicy: 'AllExceptSecurity' },
        ),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems.map((p) => p.key).sort(), [
          'batch.max.rows',
          'predicates.p.type',
          'producer.override.sasl.jaas.config',
          'transforms.r.to',
          'value.converter.schemas.enable',
        ]);
        assert.ok(err.message.includes('connector src'));
        assert.ok(!err.message.includes('secret jaas'));
        return true;
      },
    );
  });

  test('an unknown connector class names connector.class', () => {
    assert.throws(
      () => parseConnectorConfig({ ...source, 'connector.class': 'DbSorce' }, registry),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) => p.key === 'connector.class' && p.message.includes('db-source')),
    );
  });

  test("the worker's converter sub-config is checked with the worker's class", () => {
    assert.throws(
      () =>
        parseConnectorConfig(source, registry, {
          worker: { 'value.converter': 'JsonConverter', 'value.converter.schemas.enable': 'perhaps' },
        }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'value.converter.schemas.enable',
    );
  });
});

describe('validateConnectorConfig', () => {
  test("the REST /config/validate shape, with Kafka's field names", () => {
    const infos = validateConnectorConfig(source, registry);
    assert.equal(infos.name, 'db-source');
    assert.equal(infos.error_count, 0);
    assert.ok(infos.groups.includes('Common'));
    assert.ok(infos.groups.includes('Database'));
    const tasksMax = entry(infos, 'tasks.max');
    assert.deepEqual(Object.keys(tasksMax.definition).sort(), [
      'default_value',
      'dependents',
      'display_name',
      'documentation',
      'group',
      'importance',
      'name',
      'order_in_group',
      'required',
      'type',
      'width',
    ]);
    assert.deepEqual(tasksMax.definition.type, 'INT');
    assert.deepEqual(tasksMax.value, {
      name: 'tasks.max',
      value: null,
      recommended_values: [],
      errors: [],
      visible: true,
    });
    assert.deepEqual(entry(infos, 'errors.tolerance').value.recommended_values, ['none', 'all']);
    assert.equal(entry(infos, 'connection.url').value.value, 'jdbc:sqlite:x.db');
  });

  test('secrets are shown as [hidden], in plugin and transform configs', () => {
    const infos = validateConnectorConfig(
      {
        ...source,
        transforms: 'r',
        'transforms.r.type': 'Rename',
        'transforms.r.to': 'x',
        'transforms.r.token': 'tok-secret',
      },
      registry,
    );
    assert.equal(entry(infos, 'connection.password').value.value, '[hidden]');
    assert.equal(entry(infos, 'transforms.r.token').value.value, '[hidden]');
    const text = JSON.stringify(infos);
    assert.ok(!text.includes('db-secret'));
    assert.ok(!text.includes('tok-secret'));
  });

  test('errors are counted and attached to their keys', () => {
    const infos = validateConnectorConfig(
      {
        name: 'snk',
        'connector.class': 'DbSink',
        'tasks.max': '0',
        transforms: 'r,missing',
        'transforms.r.type': 'Rename',
        'transforms.r.predicate': 'nope',
        'transforms.missing.type': 'Nope',
        predicates: 'p',
        'predicates.p.type': 'TopicIs',
        'producer.override.security.protocol': 'PLAINTEXT',
      },
      registry,
      { overridePolicy: 'AllExceptSecurity' },
    );
    const errors = Object.fromEntries(
      infos.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors.length]),
    );
    assert.equal(
      infos.error_count,
      infos.configs.reduce((n, c) => n + c.value.errors.length, 0),
    );
    for (const key of [
      'tasks.max',
      'topics',
      'topics.regex',
      'transforms.r.to',
      'transforms.r.predicate',
      'transforms.missing.type',
      'predicates.p.topic',
      'producer.override.security.protocol',
    ]) {
      assert.ok((errors[key] ?? 0) > 0, `errors for ${key}`);
    }
    assert.ok(infos.groups.includes('Transforms: r'));
    assert.ok(infos.groups.includes('Predicates: p'));
    assert.equal(entry(infos, 'transforms.r.type').definition.group, 'Transforms: r');
    assert.deepEqual(entry(infos, 'transforms.r.type').value.recommended_values, ['Rename']);
    assert.deepEqual(entry(infos, 'predicates.p.type').value.recommended_values, ['TopicIs']);
    assert.ok(entry(infos, 'transforms.missing.type').value.errors[0]?.includes('Nope'));
    assert.equal(entry(infos, 'producer.override.security.protocol').value.value, null);
  });

  test('a missing or unknown connector.class is an error on that key, common keys still listed', () => {
    const missing = validateConnectorConfig({ name: 'x' }, registry);
    assert.ok(entry(missing, 'connector.class').value.errors.length > 0);
    assert.ok(missing.error_count >= 1);
    const unknown = validateConnectorConfig({ name: 'x', 'connector.class': 'Nope' }, registry);
    assert.equal(unknown.name, 'Nope');
    assert.equal(entry(unknown, 'connector.class').value.errors.length, 1);
    assert.ok(unknown.configs.some((c) => c.value.name === 'tasks.max'));
  });

  test('converter sub-configs are validated under their prefix', () => {
    const infos = validateConnectorConfig(
      { ...source, 'key.converter': 'JsonConverter', 'key.converter.schemas.enable': 'nah' },
      registry,
    );
    assert.equal(entry(infos, 'key.converter.schemas.enable').value.errors.length, 1);
    assert.equal(infos.error_count, 1);
  });
});
