/**
 * Shared by the transform and predicate tests: records that fill in everything a test does
 * not care about, the schemas several tests build on, and plugin set-up from properties.
 */
import assert from 'node:assert/strict';
import {
  type ConfigDefinition,
  type ConfigKeys,
  type ConfigValues,
  type ConnectRecord,
  SchemaBuilder,
  Schemas,
  type SinkRecord,
  type SourceRecord,
  Struct,
} from '@tributary/api';

/** The timestamp of every record built here unless a test sets its own. */
export const TIMESTAMP_MS = 1_700_000_000_000;

/** A record of neither kind on partition 0 of `orders`, with no key, value or headers; `over` replaces any field. */
export function record(over: Partial<ConnectRecord> = {}): ConnectRecord {
  return {
    topic: 'orders',
    kafkaPartition: 0,
    keySchema: null,
    key: null,
    valueSchema: null,
    value: null,
    timestamp: TIMESTAMP_MS,
    headers: [],
    ...over,
  };
}

/** As `record`, from an empty source partition and offset. */
export function sourceRecord(over: Partial<SourceRecord> = {}): SourceRecord {
  return { ...record(), sourcePartition: {}, sourceOffset: {}, ...over };
}

/** As `record`, consumed at offset 99 of partition 3 of `orders`. */
export function sinkRecord(over: Partial<SinkRecord> = {}): SinkRecord {
  return {
    ...record(),
    kafkaPartition: 3,
    kafkaOffset: 99,
    timestampType: 'CreateTime',
    originalTopic: 'orders',
    originalKafkaPartition: 3,
    originalKafkaOffset: 99,
    ...over,
  };
}

/** `value` as a Struct, failing the test when it is something else. */
export function structOf(value: unknown): Struct {
  assert.ok(value instanceof Struct, `expected a Struct, got ${String(value)}`);
  return value;
}

/** A struct schema named `order` with a required int64 `id`, for a test to add its own fields to. */
export function orderBuilder(): SchemaBuilder {
  return SchemaBuilder.struct().name('order').field('id', Schemas.INT64);
}

/** What a transform or predicate plugin needs to be created from properties. */
interface Configurable<K extends ConfigKeys, T> {
  readonly config: ConfigDefinition<K>;
  create(config: ConfigValues<K>): T;
}

/** The transformation or predicate `plugin` makes from `props`, parsed as the worker would. */
export function configure<K extends ConfigKeys, T>(
  plugin: Configurable<K, T>,
  props: Readonly<Record<string, string>> = {},
): T {
  return plugin.create(plugin.config.parse(props));
}
