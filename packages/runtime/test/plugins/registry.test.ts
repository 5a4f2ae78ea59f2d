import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConfigError,
  type Converter,
  defineConfig,
  defineConverter,
  defineHeaderConverter,
  definePredicate,
  defineSinkConnector,
  defineSourceConnector,
  defineTransform,
  type HeaderConverter,
  type SinkConnector,
  type SinkTask,
  type SourceConnector,
  type SourceTask,
} from '@tributary/api';
import { PluginRegistry } from '../../src/plugins/registry.js';

const empty = defineConfig({});

const sourceConnector = (): SourceConnector<unknown> =>
  ({ start() {}, stop() {}, taskConfigs: () => [] }) as unknown as SourceConnector<unknown>;
const sinkConnector = (): SinkConnector<unknown> =>
  ({ start() {}, stop() {}, taskConfigs: () => [] }) as unknown as SinkConnector<unknown>;
const identity: Converter = {
  fromConnectData: (_t, _h, _s, value) => (value === null ? null : new TextEncoder().encode(String(value))),
  toConnectData: (_t, _h, bytes) => ({ schema: null, value: bytes === null ? null : new TextDecoder().decode(bytes) }),
};
const headerIdentity: HeaderConverter = {
  fromConnectHeader: () => null,
  toConnectHeader: () => ({ schema: null, value: null }),
};

const fileSource = defineSourceConnector({
  name: 'file-source',
  aliases: ['org.apache.kafka.connect.file.FileStreamSourceConnector'],
  version: '1.0.0',
  description: 'Reads lines from a file.',
  config: empty,
  connector: sourceConnector,
  task: () => ({}) as SourceTask,
});
const fileSink = defineSinkConnector({
  name: 'file-sink',
  aliases: ['org.apache.kafka.connect.file.FileStreamSinkConnector'],
  version: '1.0.0',
  description: 'Writes lines to a file.',
  config: empty,
  connector: sinkConnector,
  task: () => ({}) as SinkTask,
});
const stringConverter = defineConverter({
  name: 'string',
  aliases: ['org.apache.kafka.connect.storage.StringConverter'],
  version: '1.0.0',
  description: 'Strings.',
  config: empty,
  create: () => identity,
});
const stringHeaderConverter = defineHeaderConverter({
  name: 'string',
  aliases: ['org.apache.kafka.connect.storage.StringConverter'],
  version: '1.0.0',
  description: 'Strings as headers.',
  config: empty,
  create: () => headerIdentity,
});
const castKey = defineTransform({
  name: 'Cast$Key',
  aliases: ['org.apache.kafka.connect.transforms.Cast$Key'],
  version: '1.0.0',
  description: 'Casts the key.',
  config: empty,
  create: () => ({ apply: (r) => r }),
});
const castValue = defineTransform({
  name: 'Cast$Value',
  aliases: ['org.apache.kafka.connect.transforms.Cast$Value'],
  version: '1.0.0',
  description: 'Casts the value.',
  config: empty,
  create: () => ({ apply: (r) => r }),
});
const tombstone = definePredicate({
  name: 'RecordIsTombstone',
  aliases: ['org.apache.kafka.connect.transforms.predicates.RecordIsTombstone'],
  version: '1.0.0',
  description: 'Tombstones.',
  config: empty,
  create: () => ({ test: (r) => r.value === null }),
});

const all = [fileSource, fileSink, stringConverter, stringHeaderConverter, castKey, castValue, tombstone];

describe('PluginRegistry', () => {
  const registry = new PluginRegistry(all);

  test('resolves connectors by name, Java class, simple class name and the name without Connector', () => {
    for (const name of [
      'file-source',
      'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'FileStreamSourceConnector',
      'FileStreamSource',
      ' FileStreamSource ',
    ]) {
      assert.equal(registry.resolveConnector(name), fileSource, name);
    }
    assert.equal(registry.resolveConnector('FileStreamSink'), fileSink);
  });

  test('converters and header converters may share a Java class name', () => {
    assert.equal(registry.resolveConverter('org.apache.kafka.connect.storage.StringConverter'), stringConverter);
    assert.equal(
      registry.resolveHeaderConverter('org.apache.kafka.connect.storage.StringConverter'),
      stringHeaderConverter,
    );
    assert.equal(registry.resolveConverter('StringConverter'), stringConverter);
    assert.equal(registry.resolveConverter('String'), stringConverter);
  });

  test('transforms keep $Key/$Value in every form', () => {
    assert.equal(registry.resolveTransform('org.apache.kafka.connect.transforms.Cast$Key'), castKey);
    assert.equal(registry.resolveTransform('Cast$Value'), castValue);
    assert.throws(() => registry.resolveTransform('Cast'), ConfigError);
  });

  test('predicates by full and simple name', () => {
    assert.equal(
      registry.resolvePredicate('org.apache.kafka.connect.transforms.predicates.RecordIsTombstone'),
      tombstone,
    );
    assert.equal(registry.resolvePredicate('RecordIsTombstone'), tombstone);
  });

  test('a kind does not resolve another kind', () => {
    assert.throws(() => registry.resolveConnector('Cast$Key'), ConfigError);
    assert.throws(() => registry.resolveTransform('file-source'), ConfigError);
  });

  test('an unknown name is a ConfigError naming the key and value and listing close matches', () => {
    assert.throws(
      () => registry.resolveConnector('FileStreamSorce'),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems[0]?.key === 'connector.class' &&
        err.problems[0]?.value === 'FileStreamSorce' &&
        err.message.includes('FileStreamSorce') &&
        err.message.includes('FileStreamSource'),
    );
    assert.throws(
      () => registry.resolveTransform('org.apache.kafka.connect.transforms.Cast$Vlaue', 'transforms.c.type'),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems[0]?.key === 'transforms.c.type' &&
        err.message.includes('Cast$Value'),
    );
  });

  test('with nothing close, the error lists the known plugins of the kind', () => {
    assert.throws(
      () => registry.resolvePredicate('zzzzzzzzzz'),
      (err: unknown) =>
        err instanceof ConfigError && err.message.includes('RecordIsTombstone') && !err.message.includes('file-source'),
    );
  });

  test('list all, by kind, and connectors together', () => {
    assert.equal(registry.list().length, all.length);
    assert.deepEqual(registry.list('transform'), [castKey, castValue]);
    assert.deepEqual(registry.list('connector'), [fileSource, fileSink]);
    assert.deepEqual(registry.list('sink'), [fileSink]);
  });

  test('duplicate names or aliases within a kind are an error at construction', () => {
    const clash = defineTransform({
      ...castKey,
      name: 'other',
      aliases: ['org.apache.kafka.connect.transforms.Cast$Value'],
    });
    assert.throws(
      () => new PluginRegistry([castValue, clash]),
      (err: unknown) => err instanceof ConfigError && err.message.includes('Cast$Value'),
    );
    const sameName = defineSinkConnector({ ...fileSink, name: 'file-source', aliases: [] });
    assert.throws(
      () => new PluginRegistry([fileSource, sameName]),
      (err: unknown) => err instanceof ConfigError && err.message.includes('file-source'),
    );
  });

  test('a short name two plugins share is ambiguous; the full names still resolve', () => {
    const other = defineSourceConnector({
      ...fileSource,
      name: 'other-source',
      aliases: ['com.example.FileStreamSourceConnector'],
    });
    const r = new PluginRegistry([fileSource, other]);
    assert.throws(
      () => r.resolveConnector('FileStreamSource'),
      (err: unknown) => err instanceof ConfigError && /ambiguous/.test(err.message),
    );
    assert.equal(r.resolveConnector('com.example.FileStreamSourceConnector'), other);
  });

  test('an exact name beats a derived one', () => {
    const exact = defineSourceConnector({ ...fileSource, name: 'FileStreamSource', aliases: [] });
    const r = new PluginRegistry([fileSource, exact]);
    assert.equal(r.resolveConnector('FileStreamSource'), exact);
  });
});
