import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, type ConnectRecord, DataError, Schemas } from '@tributary/api';
import { timestampRouter } from '../../src/transforms/timestamp-router.js';
import * as fixtures from './fixtures.js';

/** A record stamped in the last millisecond of 2024-01-15 (UTC). */
const record = (over: Partial<ConnectRecord> = {}) =>
  fixtures.record({
    kafkaPartition: 2,
    valueSchema: Schemas.STRING,
    value: 'v',
    timestamp: Date.UTC(2024, 0, 15, 23, 59, 59, 999),
    ...over,
  });

function transform(props: Record<string, string>) {
  return fixtures.configure(timestampRouter, props);
}

describe('TimestampRouter', () => {
  it('is also known by its Java class name', () => {
    assert.deepEqual(timestampRouter.aliases, ['org.apache.kafka.connect.transforms.TimestampRouter']);
  });

  it('defaults to topic-yyyyMMdd of the record timestamp in UTC', () => {
    const input = record();
    const out = transform({}).apply(input);
    assert.deepEqual(out, { ...input, topic: 'orders-20240115' });
  });

  it('fills every placeholder of topic.format with timestamp.format', () => {
    const out = transform({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka's placeholders, not a template.
      'topic.format': 'by_hour.${timestamp}.${topic}.${topic}',
      'timestamp.format': "yyyy-MM-dd'T'HH",
    }).apply(record());
    assert.equal(out?.topic, 'by_hour.2024-01-15T23.orders.orders');
  });

  it('fails naming the record when it has no timestamp', () => {
    assert.throws(
      () => transform({}).apply(record({ timestamp: null })),
      (e: unknown) =>
        e instanceof DataError && /Timestamp missing on record for topic "orders" \(partition 2\)/.test(e.message),
    );
  });

  it('rejects a timestamp.format SimpleDateFormat would not accept, naming the key', () => {
    assert.throws(
      () => timestampRouter.config.parse({ 'timestamp.format': 'yyyy-bb' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems[0]?.key === 'timestamp.format' &&
        /Illegal pattern character 'b'/.test(e.message),
    );
  });
});
