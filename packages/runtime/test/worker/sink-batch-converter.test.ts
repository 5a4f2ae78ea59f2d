import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Converter,
  DataError,
  type Header,
  RetriableError,
  type SchemaAndValue,
  Schemas,
  type SinkRecord,
} from '@tributary/api';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { ByteArrayConverter } from '../../src/converters/byte-array-converter.js';
import { JsonConverter, jsonConverterConfig } from '../../src/converters/json-converter.js';
import { SimpleHeaderConverter } from '../../src/converters/simple-header-converter.js';
import { StringConverter, stringConverterConfig } from '../../src/converters/string-converter.js';
import { createErrorHandler } from '../../src/errors/error-handler.js';
import { errorsConfig } from '../../src/errors/errors-config.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import { buildTransformChain } from '../../src/plugins/transform-chain.js';
import type { ErrorHandler } from '../../src/task-parts.js';
import { extractFieldValue } from '../../src/transforms/extract-field.js';
import { SinkBatchConverter, type SinkBatchConverterDeps } from '../../src/worker/sink-batch-converter.js';
import { capturedLogger, fakeClock } from '../errors/test-support.js';

/** A message as kafkajs hands it to `eachBatch`. */
function message(
  offset: number,
  parts: {
    key?: string | null;
    value?: string | null;
    headers?: IHeaders;
    timestamp?: string;
    timestampType?: number;
  } = {},
): KafkaMessage {
  const bytes = (text: string | null | undefined) => (text === null || text === undefined ? null : Buffer.from(text));
  const entry: KafkaMessage = {
    key: bytes(parts.key),
    value: bytes(parts.value === undefined ? `v${offset}` : parts.value),
    timestamp: parts.timestamp ?? String(1_700_000_000_000 + offset),
    attributes: 0,
    offset: String(offset),
    headers: parts.headers ?? {},
  };
  // kafkajs also sets the record batch's context on each message.
  return Object.assign(entry, { batchContext: { timestampType: parts.timestampType ?? 0 } });
}

function handler(props: Record<string, string> = {}) {
  const log = capturedLogger('error');
  const errorHandler = createErrorHandler({
    connectorName: 'conv',
    taskId: 0,
    errors: errorsConfig.parse(props),
    deadLetterQueue: null,
    producer: null,
    logger: log.logger,
    clock: fakeClock(),
  });
  return { errorHandler, lines: log.lines };
}

const TOLERANT = { 'errors.tolerance': 'all', 'errors.log.enable': 'true', 'errors.log.include.messages': 'true' };
const stringConverter = () => new StringConverter(stringConverterConfig.parse({}));
const schemalessJson = () => new JsonConverter(jsonConverterConfig.parse({ 'schemas.enable': 'false' }));
const noTransforms = () => buildTransformChain({}, new PluginRegistry([]));
const extractS = () =>
  buildTransformChain(
    {
      transforms: 'extract',
      'transforms.extract.type': 'org.apache.kafka.connect.transforms.ExtractField$Value',
      'transforms.extract.field': 's',
    },
    new PluginRegistry([extractFieldValue]),
  );

function converter(errorHandler: ErrorHandler, parts: Partial<SinkBatchConverterDeps> = {}, tracksOrigins = false) {
  return new SinkBatchConverter(
    {
      keyConverter: stringConverter(),
      valueConverter: stringConverter(),
      headerConverter: new SimpleHeaderConverter(),
      transforms: noTransforms(),
      errorHandler,
      ...parts,
    },
    tracksOrigins,
  );
}

/** Upper-cases text, returning a Promise; `flaky` fails with a RetriableError the first time. */
class AsyncShoutingConverter implements Converter {
  readonly attempts = new Map<string, number>();

  fromConnectData(): Uint8Array | null {
    throw new Error('not used by sinks');
  }

  async toConnectData(_topic: string, _headers: readonly Header[], bytes: Uint8Array | null): Promise<SchemaAndValue> {
    await new Promise((resolve) => setImmediate(resolve));
    const text = bytes === null ? null : Buffer.from(bytes).toString();
    if (text === null) return { schema: Schemas.OPTIONAL_STRING, value: null };
    const attempt = (this.attempts.get(text) ?? 0) + 1;
    this.attempts.set(text, attempt);
    if (text === 'flaky' && attempt === 1) throw new RetriableError('not yet');
    if (text === 'bad') throw new DataError('cannot shout bad');
    return { schema: Schemas.OPTIONAL_STRING, value: text.toUpperCase() };
  }
}

const signal = new AbortController().signal;

describe('SinkBatchConverter', () => {
  it('converts a batch synchronously from the given index, with every sink field', () => {
    const { errorHandler } = handler();
    const messages = [
      message(10),
      message(11, {
        key: 'k',
        headers: { trace: Buffer.from('t1'), multi: [Buffer.from('1'), Buffer.from('2')] },
        timestampType: 1,
      }),
      message(12, { key: null, value: null, timestamp: '-1' }),
    ];
    const records = converter(errorHandler).convert('orders', 3, messages, 1, signal);
    assert.ok(Array.isArray(records), 'no Promise when every stage is synchronous');
    const [first, second] = records;
    assert.equal(records.length, 2);
    assert.deepEqual(first, {
      topic: 'orders',
      kafkaPartition: 3,
      kafkaOffset: 11,
      keySchema: Schemas.OPTIONAL_STRING,
      key: 'k',
      valueSchema: Schemas.OPTIONAL_STRING,
      value: 'v11',
      timestamp: 1_700_000_000_011,
      timestampType: 'LogAppendTime',
      headers: first?.headers,
      originalTopic: 'orders',
      originalKafkaPartition: 3,
      originalKafkaOffset: 11,
    });
    assert.deepEqual(
      first?.headers.map((h) => [h.key, h.value]),
      [
        ['trace', 't1'],
        ['multi', 1],
        ['multi', 2],
      ],
    );
    assert.deepEqual(
      [second?.kafkaOffset, second?.key, second?.value, second?.timestamp, second?.timestampType, second?.headers],
      [12, null, null, null, 'NoTimestampType', []],
    );
  });

  it('hands a failed stage to the error handler with its stage, plugin and consumed record, and goes on', async () => {
    const { errorHandler, lines } = handler(TOLERANT);
    const messages = [
      message(0, { value: '{"s":"zero"}' }),
      message(1, { value: '{"s":"one"}', headers: { h: Buffer.from('not json {') } }),
      message(2, { key: 'bad {', value: '{"s":"two"}' }),
      message(3, { value: 'bad {' }),
      message(4, { value: '"no fields"' }),
      message(5, { value: '{"s":"five"}' }),
    ];
    const converting = converter(errorHandler, {
      keyConverter: schemalessJson(),
      valueConverter: schemalessJson(),
      headerConverter: schemalessJson(),
      transforms: extractS(),
      pluginNames: { keyConverter: 'key-json' },
    }).convert('t', 0, messages, 0, signal);
    assert.ok(converting instanceof Promise);
    const records = await converting;
    assert.deepEqual(
      records.map((r) => [r.kafkaOffset, r.value]),
      [
        [0, 'zero'],
        [5, 'five'],
      ],
    );
    assert.deepEqual(
      lines.map((l) => [l['stage'], l['class'], String(l['msg']).match(/offset=(\d+)/)?.[1]]),
      [
        ['HEADER_CONVERTER', 'JsonConverter', '1'],
        ['KEY_CONVERTER', 'key-json', '2'],
        ['VALUE_CONVERTER', 'JsonConverter', '3'],
        ['TRANSFORMATION', 'extract (ExtractField$Value)', '4'],
      ],
    );
    const consumed = lines.map((l) => l['record'] as { value: string; headers: { key: string; value: string }[] });
    assert.equal(Buffer.from(consumed[0]?.value ?? '', 'base64').toString(), '{"s":"one"}');
    assert.deepEqual(consumed[0]?.headers, [{ key: 'h', value: Buffer.from('not json {').toString('base64') }]);
    assert.equal(Buffer.from(consumed[3]?.value ?? '', 'base64').toString(), '"no fields"');
    assert.equal(errorHandler.toleratedCount, 4);
  });

  it('awaits a converter that returns Promises, retrying and tolerating its failures in order', async () => {
    const { errorHandler } = handler({ ...TOLERANT, 'errors.retry.timeout': '60000' });
    const shouting = new AsyncShoutingConverter();
    const messages = ['a', 'bad', 'flaky', null, 'e'].map((value, i) => message(i, { value }));
    const records = await converter(errorHandler, { valueConverter: shouting }).convert('t', 0, messages, 0, signal);
    assert.deepEqual(
      records.map((r) => [r.kafkaOffset, r.value]),
      [
        [0, 'A'],
        [2, 'FLAKY'],
        [3, null],
        [4, 'E'],
      ],
    );
    assert.deepEqual([shouting.attempts.get('flaky'), shouting.attempts.get('bad')], [2, 1]);
    assert.equal(errorHandler.toleratedCount, 1);
  });

  it('rejects when errors are not tolerated, and when a retry is cut short by the signal', async () => {
    const intolerant = converter(handler().errorHandler, { valueConverter: schemalessJson() });
    await assert.rejects(
      async () => intolerant.convert('t', 0, [message(0, { value: '{}' }), message(1, { value: '{{' })], 0, signal),
      (err: Error) => /Tolerance exceeded/.test(err.message) && err.cause instanceof DataError,
    );
    const stopped = new AbortController();
    stopped.abort();
    const retrying = converter(handler({ 'errors.retry.timeout': '-1' }).errorHandler, {
      valueConverter: new AsyncShoutingConverter(),
    });
    await assert.rejects(
      async () => retrying.convert('t', 0, [message(0, { value: 'flaky' })], 0, stopped.signal),
      (err: Error & { code?: string }) => err.code === 'ABORTED',
    );
  });

  it('finds the consumed record of a delivered (and transformed) record only when tracking origins', () => {
    const messages = [message(7, { value: '{"s":"seven"}', headers: { h: Buffer.from('x') } })];
    const parts = { valueConverter: schemalessJson(), transforms: extractS() };
    const tracking = converter(handler().errorHandler, parts, true);
    const [record] = tracking.convert('t', 2, messages, 0, signal) as SinkRecord[];
    assert.ok(record);
    assert.equal(record.value, 'seven');
    assert.deepEqual(tracking.consumedOf(record), {
      topic: 't',
      partition: 2,
      offset: 7,
      timestamp: 1_700_000_000_007,
      key: null,
      value: Buffer.from('{"s":"seven"}'),
      headers: [{ key: 'h', value: Buffer.from('x') }],
    });
    assert.equal(tracking.consumedOf({ ...record }), undefined);

    const notTracking = converter(handler().errorHandler, parts, false);
    const [untracked] = notTracking.convert('t', 2, messages, 0, signal) as SinkRecord[];
    assert.ok(untracked);
    assert.equal(notTracking.consumedOf(untracked), undefined);
  });

  it('passes bytes through ByteArrayConverter unchanged', () => {
    const { errorHandler } = handler();
    const bytes = converter(errorHandler, {
      keyConverter: new ByteArrayConverter(),
      valueConverter: new ByteArrayConverter(),
    });
    const [record] = bytes.convert('t', 0, [message(0, { key: 'k', value: 'v' })], 0, signal) as SinkRecord[];
    assert.deepEqual(
      [record?.keySchema, record?.key, record?.value],
      [Schemas.OPTIONAL_BYTES, Buffer.from('k'), Buffer.from('v')],
    );
  });
});
