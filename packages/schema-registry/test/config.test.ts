import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { ConfigError } from '@tributary/api';
import { AvroConverter } from '../src/avro-converter.js';
import { parseSubjectNameStrategy, schemaRegistryConverterConfig } from '../src/config.js';

describe('schema-registry converter config', () => {
  it('requires schema.registry.url', () => {
    assert.throws(
      () => schemaRegistryConverterConfig.parse({}),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.key === 'schema.registry.url'),
    );
  });

  it('has Confluent defaults', () => {
    const c = schemaRegistryConverterConfig.parse({ 'schema.registry.url': 'http://127.0.0.1:8081' });
    assert.deepEqual(c['schema.registry.url'], ['http://127.0.0.1:8081']);
    assert.equal(c['auto.register.schemas'], true);
    assert.equal(c['use.latest.version'], false);
    assert.equal(c['value.subject.name.strategy'], 'TopicNameStrategy');
    assert.equal(c['basic.auth.credentials.source'], 'URL');
    assert.equal(c['connect.meta.data'], true);
    assert.equal(c['schemas.cache.config'], 1000);
  });

  it('accepts the strategies by short name and by Confluent class name', () => {
    assert.equal(parseSubjectNameStrategy('RecordNameStrategy'), 'RecordNameStrategy');
    assert.equal(
      parseSubjectNameStrategy('io.confluent.kafka.serializers.subject.TopicRecordNameStrategy'),
      'TopicRecordNameStrategy',
    );
    assert.equal(parseSubjectNameStrategy('com.example.Mine'), undefined);
    assert.throws(() =>
      schemaRegistryConverterConfig.parse({ 'schema.registry.url': 'http://x', 'key.subject.name.strategy': 'Nope' }),
    );
  });

  it('names subjects per strategy', () => {
    const make = (strategy: string, isKey: boolean) =>
      new AvroConverter(
        schemaRegistryConverterConfig.parse({
          'schema.registry.url': 'http://127.0.0.1:1',
          'key.subject.name.strategy': strategy,
          'value.subject.name.strategy': strategy,
        }),
        { isKey },
      );
    assert.equal(make('TopicNameStrategy', false).subjectName('orders', 'shop.Order'), 'orders-value');
    assert.equal(make('TopicNameStrategy', true).subjectName('orders', null), 'orders-key');
    assert.equal(make('RecordNameStrategy', false).subjectName('orders', 'shop.Order'), 'shop.Order');
    assert.equal(make('TopicRecordNameStrategy', true).subjectName('orders', 'shop.Order'), 'orders-shop.Order');
  });

  it('never shows the basic-auth password', () => {
    const c = schemaRegistryConverterConfig.parse({
      'schema.registry.url': 'http://127.0.0.1:1',
      'basic.auth.credentials.source': 'USER_INFO',
      'basic.auth.user.info': 'me:s3cret',
    });
    assert.ok(!inspect(c).includes('s3cret'));
    assert.ok(!JSON.stringify(c).includes('s3cret'));
    const validation = schemaRegistryConverterConfig.validate({ 'basic.auth.user.info': 'me:s3cret' });
    assert.ok(!JSON.stringify(validation).includes('s3cret'));
  });

  it('refuses USER_INFO without credentials', () => {
    const c = schemaRegistryConverterConfig.parse({
      'schema.registry.url': 'http://127.0.0.1:1',
      'basic.auth.credentials.source': 'USER_INFO',
    });
    assert.throws(() => new AvroConverter(c, { isKey: false }), /basic.auth.user.info/);
  });
});
