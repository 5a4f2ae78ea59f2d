import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  boolean,
  ConfigError,
  type ConnectRecord,
  DataError,
  defineConfig,
  defineConverter,
  defineHeaderConverter,
  definePredicate,
  defineTransform,
  RetriableError,
  string,
} from '@tributary/api';
import { PluginRegistry } from '../../src/plugins/registry.js';
import {
  buildConverter,
  buildHeaderConverter,
  buildTransformChain,
  TransformError,
} from '../../src/plugins/transform-chain.js';

const closed: string[] = [];

const appendSuffix = defineTransform({
  name: 'AppendSuffix',
  aliases: ['com.example.AppendSuffix'],
  version: '1.0.0',
  description: 'Appends a suffix to string values.',
  config: defineConfig({
    suffix: string({ doc: 'What to append.' }),
    upper: boolean({ default: false, doc: 'Upper-case first.' }),
  }),
  create: (config) => ({
    apply: (record) => {
      const text = String(record.value);
      return { ...record, value: `${config.upper ? text.toUpperCase() : text}${config.suffix}` };
    },
    close: () => {
      closed.push(`suffix${config.suffix}`);
    },
  }),
});

const dropAll = defineTransform({
  name: 'DropAll',
  aliases: [],
  version: '1.0.0',
  description: 'Drops every record.',
  config: defineConfig({}),
  create: () => ({ apply: () => null }),
});

const failing = defineTransform({
  name: 'Failing',
  aliases: [],
  version: '1.0.0',
  description: 'Fails on every record.',
  config: defineConfig({ retriable: boolean({ default: false, doc: 'Throw a RetriableError.' }) }),
  create: (config) => ({
    apply: () => {
      throw config.retriable ? new RetriableError('busy') : new DataError('bad record');
    },
  }),
});

const topicIs = definePredicate({
  name: 'TopicIs',
  aliases: ['com.example.predicates.TopicIs'],
  version: '1.0.0',
  description: 'Matches one topic.',
  config: defineConfig({ topic: string({ doc: 'The topic.' }) }),
  create: (config) => ({
    test: (record) => {
      if (record.topic === 'explode') throw new Error('predicate exploded');
      return record.topic === config.topic;
    },
    close: () => {
      closed.push(`topic-is-${config.topic}`);
    },
  }),
});

const prefixConverter = defineConverter({
  name: 'prefix',
  aliases: ['com.example.PrefixConverter'],
  version: '1.0.0',
  description: 'Strings with a prefix.',
  config: defineConfig({
    prefix: string({ default: '', doc: 'Prefix.' }),
    'schemas.enable': boolean({ default: true, doc: 'Envelope.' }),
  }),
  create: (config, { isKey }) => ({
    fromConnectData: (_t, _h, _s, value) =>
      new TextEncoder().encode(`${isKey ? 'k' : 'v'}:${config.prefix}:${config['schemas.enable']}:${String(value)}`),
    toConnectData: () => ({ schema: null, value: null }),
  }),
});

const simpleHeader = defineHeaderConverter({
  name: 'simple-header',
  aliases: ['org.apache.kafka.connect.storage.SimpleHeaderConverter'],
  version: '1.0.0',
  description: 'Headers.',
  config: defineConfig({ 'converter.encoding': string({ default: 'UTF-8', doc: 'Encoding.' }) }),
  create: (config) => ({
    fromConnectHeader: () => new TextEncoder().encode(config['converter.encoding']),
    toConnectHeader: () => ({ schema: null, value: null }),
  }),
});

const registry = new PluginRegistry([appendSuffix, dropAll, failing, topicIs, prefixConverter, simpleHeader]);

const record = (topic: string, value: unknown): ConnectRecord => ({
  topic,
  kafkaPartition: null,
  keySchema: null,
  key: null,
  valueSchema: null,
  value,
  timestamp: null,
  headers: [],
});

describe('buildTransformChain', () => {
  test('no transforms: records pass unchanged', () => {
    const chain = buildTransformChain({ name: 'c' }, registry);
    const r = record('t', 'v');
    assert.equal(chain.apply(r), r);
    assert.deepEqual(chain.names, []);
  });

  test('transforms run in order with their own sub-configs', () => {
    const chain = buildTransformChain(
      {
        transforms: 'first, second',
        'transforms.first.type': 'com.example.AppendSuffix',
        'transforms.first.suffix': '-1',
        'transforms.first.upper': 'true',
        'transforms.second.type': 'AppendSuffix',
        'transforms.second.suffix': '-2',
      },
      registry,
    );
    assert.deepEqual(chain.names, ['first (AppendSuffix)', 'second (AppendSuffix)']);
    assert.equal(chain.apply(record('t', 'v'))?.value, 'V-1-2');
  });

  test('a predicate decides whether a transform applies; negate inverts it', () => {
    const chain = buildTransformChain(
      {
        transforms: 'onlyOrders,notOrders',
        'transforms.onlyOrders.type': 'AppendSuffix',
        'transforms.onlyOrders.suffix': '+orders',
        'transforms.onlyOrders.predicate': 'isOrders',
        'transforms.notOrders.type': 'AppendSuffix',
        'transforms.notOrders.suffix': '+other',
        'transforms.notOrders.predicate': 'isOrders',
        'transforms.notOrders.negate': 'true',
        predicates: 'isOrders',
        'predicates.isOrders.type': 'com.example.predicates.TopicIs',
        'predicates.isOrders.topic': 'orders',
      },
      registry,
    );
    assert.equal(chain.apply(record('orders', 'v'))?.value, 'v+orders');
    assert.equal(chain.apply(record('users', 'v'))?.value, 'v+other');
  });

  test('a transform returning null stops the chain', () => {
    const chain = buildTransformChain(
      { transforms: 'drop,after', 'transforms.drop.type': 'DropAll', 'transforms.after.type': 'Failing' },
      registry,
    );
    assert.equal(chain.apply(record('t', 'v')), null);
  });

  test('a failing transform is a TransformError naming it, wrapping the cause', () => {
    const chain = buildTransformChain({ transforms: 'boom', 'transforms.boom.type': 'Failing' }, registry);
    assert.throws(
      () => chain.apply(record('t', 'v')),
      (err: unknown) =>
        err instanceof TransformError &&
        err instanceof DataError &&
        err.transformName === 'Failing' &&
        err.alias === 'boom' &&
        err.cause instanceof DataError &&
        err.message.includes('boom') &&
        !err.isRetriable,
    );
  });

  test('a retriable cause keeps the TransformError retriable', () => {
    const chain = buildTransformChain(
      { transforms: 'busy', 'transforms.busy.type': 'Failing', 'transforms.busy.retriable': 'true' },
      registry,
    );
    assert.throws(
      () => chain.apply(record('t', 'v')),
      (err: unknown) => err instanceof TransformError && err.isRetriable,
    );
  });

  test('a failing predicate is a TransformError too', () => {
    const chain = buildTransformChain(
      {
        transforms: 'a',
        'transforms.a.type': 'AppendSuffix',
        'transforms.a.suffix': 'x',
        'transforms.a.predicate': 'p',
        predicates: 'p',
        'predicates.p.type': 'TopicIs',
        'predicates.p.topic': 'orders',
      },
      registry,
    );
    assert.throws(
      () => chain.apply(record('explode', 'v')),
      (err: unknown) => err instanceof TransformError && err.message.includes('predicate p'),
    );
  });

  test('every configuration problem is reported at once, with full key names', () => {
    assert.throws(
      () =>
        buildTransformChain(
          {
            transforms: 'noType,unknown,badConfig,badPredicate,lonelyNegate',
            'transforms.unknown.type': 'AppendSufix',
            'transforms.badConfig.type': 'AppendSuffix',
            'transforms.badConfig.upper': 'maybe',
            'transforms.badPredicate.type': 'DropAll',
            'transforms.badPredicate.predicate': 'missing',
            'transforms.lonelyNegate.type': 'DropAll',
            'transforms.lonelyNegate.negate': 'true',
            predicates: 'p',
            'predicates.p.type': 'TopicIs',
          },
          registry,
        ),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems.map((p) => p.key).sort(), [
          'predicates.p.topic',
          'transforms.badConfig.suffix',
          'transforms.badConfig.upper',
          'transforms.badPredicate.predicate',
          'transforms.lonelyNegate.negate',
          'transforms.noType.type',
          'transforms.unknown.type',
        ]);
        assert.ok(err.message.includes('AppendSuffix'), 'close match offered');
        return true;
      },
    );
  });

  test('close closes every transform and predicate', () => {
    closed.length = 0;
    const chain = buildTransformChain(
      {
        transforms: 'a',
        'transforms.a.type': 'AppendSuffix',
        'transforms.a.suffix': '!',
        predicates: 'unused',
        'predicates.unused.type': 'TopicIs',
        'predicates.unused.topic': 'x',
      },
      registry,
    );
    chain.close();
    assert.deepEqual(closed.sort(), ['suffix!', 'topic-is-x']);
  });
});

describe('buildConverter', () => {
  const encode = (c: ReturnType<typeof buildConverter>) =>
    new TextDecoder().decode(c.converter.fromConnectData('t', [], null, 'x') as Uint8Array);

  test("the worker's class and sub-config, extended by the connector's sub-config", () => {
    const built = buildConverter(
      {
        worker: {
          'value.converter': 'com.example.PrefixConverter',
          'value.converter.prefix': 'w',
          'value.converter.schemas.enable': 'true',
        },
        connector: { 'value.converter.schemas.enable': 'false' },
      },
      'value.converter',
      registry,
    );
    assert.equal(built.plugin.name, 'prefix');
    assert.equal(encode(built), 'v:w:false:x');
  });

  test("a connector's own class uses only the connector's sub-config", () => {
    const built = buildConverter(
      {
        worker: { 'key.converter': 'prefix', 'key.converter.prefix': 'w' },
        connector: { 'key.converter': 'PrefixConverter', 'key.converter.schemas.enable': 'false' },
      },
      'key.converter',
      registry,
    );
    assert.equal(encode(built), 'k::false:x');
  });

  test('errors name the full key', () => {
    assert.throws(
      () =>
        buildConverter(
          { worker: { 'value.converter': 'prefix', 'value.converter.schemas.enable': 'yes' }, connector: {} },
          'value.converter',
          registry,
        ),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'value.converter.schemas.enable',
    );
    assert.throws(
      () => buildConverter({ worker: {}, connector: { 'key.converter': 'nope' } }, 'key.converter', registry),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'key.converter',
    );
    assert.throws(
      () => buildConverter({ worker: {}, connector: {} }, 'key.converter', registry),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'key.converter',
    );
  });

  test('the header converter defaults to SimpleHeaderConverter', () => {
    const built = buildHeaderConverter(
      { worker: {}, connector: { 'header.converter.converter.encoding': 'UTF-16' } },
      registry,
    );
    assert.equal(built.plugin.name, 'simple-header');
    assert.equal(
      new TextDecoder().decode(built.converter.fromConnectHeader('t', 'h', null, 1) as Uint8Array),
      'UTF-16',
    );
  });
});
