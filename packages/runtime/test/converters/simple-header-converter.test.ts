import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, Schemas } from '@tributary/api';
import { simpleHeaderConverter } from '../../src/converters/simple-header-converter.js';

const converter = simpleHeaderConverter.create(simpleHeaderConverter.config.parse({}));

function roundTrip(value: unknown) {
  return converter.toConnectHeader('topic', 'h', converter.fromConnectHeader('topic', 'h', null, value));
}

describe('SimpleHeaderConverter', () => {
  it("is declared with Kafka's class name", () => {
    assert.equal(simpleHeaderConverter.kind, 'header-converter');
    assert.deepEqual(simpleHeaderConverter.aliases, ['org.apache.kafka.connect.storage.SimpleHeaderConverter']);
  });

  it('writes header values as UTF-8 text', () => {
    assert.equal(
      Buffer.from(converter.fromConnectHeader('t', 'h', Schemas.STRING, 'café') ?? []).toString('utf8'),
      'café',
    );
    assert.equal(Buffer.from(converter.fromConnectHeader('t', 'h', Schemas.INT32, 12) ?? []).toString('utf8'), '12');
    assert.equal(converter.fromConnectHeader('t', 'h', Schemas.OPTIONAL_STRING, null), null);
  });

  it('reads text back with an inferred schema', () => {
    assert.deepEqual(roundTrip(true), { schema: Schemas.BOOLEAN, value: true });
    assert.deepEqual(roundTrip(12), { schema: Schemas.INT8, value: 12 });
    assert.deepEqual(roundTrip('text'), { schema: Schemas.STRING, value: 'text' });
    assert.equal(roundTrip([1, 2]).schema?.valueSchema?.type, 'int8');
    assert.deepEqual(converter.toConnectHeader('t', 'h', null), { schema: null, value: null });
    assert.deepEqual(converter.toConnectHeader('t', 'h', new Uint8Array(0)), { schema: Schemas.STRING, value: '' });
  });

  it('names the header and topic when a value cannot be written', () => {
    assert.throws(
      () => converter.fromConnectHeader('orders', 'trace', null, new (class Opaque {})()),
      (err: unknown) => err instanceof DataError && err.message.includes("header 'trace' on topic 'orders'"),
    );
  });
});
