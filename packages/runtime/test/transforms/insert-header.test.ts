import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, type ConnectRecord, lastHeader, Schemas } from '@tributary/api';
import { insertHeader } from '../../src/transforms/insert-header.js';
import * as fixtures from './fixtures.js';

const record = (over: Partial<ConnectRecord> = {}) => fixtures.record({ value: { id: 1 }, ...over });

function transform(props: Record<string, string>) {
  return fixtures.configure(insertHeader, props);
}

describe('InsertHeader', () => {
  it('is also known by its Java class name', () => {
    assert.deepEqual(insertHeader.aliases, ['org.apache.kafka.connect.transforms.InsertHeader']);
  });

  it('adds a STRING header after the existing ones and keeps the rest of the record', () => {
    const existing = { key: 'source', schema: Schemas.STRING, value: 'db1' };
    const out = transform({ header: 'source', 'value.literal': 'mirror' }).apply(record({ headers: [existing] }));
    assert.ok(out !== null);
    assert.deepEqual(out.headers, [existing, { key: 'source', schema: Schemas.STRING, value: 'mirror' }]);
    assert.equal(lastHeader(out.headers, 'source')?.value, 'mirror');
    assert.deepEqual(out.value, { id: 1 });
    assert.equal(out.topic, 'orders');
  });

  it('keeps the fields of a sink record and does not change the input', () => {
    const sink = fixtures.sinkRecord({
      valueSchema: Schemas.STRING,
      value: 'x',
      kafkaOffset: 42,
      originalKafkaOffset: 42,
    });
    const out = transform({ header: 'h', 'value.literal': '42' }).apply(sink);
    assert.equal(out?.kafkaOffset, 42);
    assert.deepEqual(out?.headers, [{ key: 'h', schema: Schemas.STRING, value: '42' }]);
    assert.deepEqual(sink.headers, []);
  });

  it('requires both keys, naming each that is missing', () => {
    assert.throws(
      () => transform({}),
      (err: unknown) => err instanceof ConfigError && err.problems.map((p) => p.key).join() === 'header,value.literal',
    );
  });
});
