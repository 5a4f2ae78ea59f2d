import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConnectError, DataError } from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { type Admin, type IHeaders, Kafka, logLevel, type Producer } from 'kafkajs';
import { createErrorHandler } from '../../src/errors/error-handler.js';
import { deadLetterQueueConfig, errorsConfig } from '../../src/errors/errors-config.js';
import type { ConsumedRecord, ErrorHandler } from '../../src/task-parts.js';
import { capturedLogger, fakeClock } from './test-support.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

let broker: RunningBroker;
let kafka: Kafka;
let producer: Producer;
let admin: Admin;

before(async () => {
  broker = await startBroker({ port: 0 });
  kafka = new Kafka({
    clientId: 'dlq-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });
  producer = kafka.producer();
  await producer.connect();
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  await producer.disconnect();
  await admin.disconnect();
  await broker.stop();
});

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

interface Read {
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

async function readAll(topic: string, count: number): Promise<Read[]> {
  const consumer = kafka.consumer({ groupId: unique('reader'), maxWaitTimeInMs: 200, heartbeatInterval: 300 });
  const seen: Read[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ key: message.key, value: message.value, headers: message.headers ?? {} });
      },
    });
    const deadline = Date.now() + 30_000;
    while (seen.length < count) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${count} records in ${topic}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

function dlqHandler(
  dlqTopic: string,
  options: { contextHeaders: boolean; producer?: Producer; tolerance?: string },
): ErrorHandler {
  return createErrorHandler({
    connectorName: 'orders-sink',
    taskId: 3,
    errors: errorsConfig.parse({ 'errors.tolerance': options.tolerance ?? 'all' }),
    deadLetterQueue: deadLetterQueueConfig.parse({
      'errors.deadletterqueue.topic.name': dlqTopic,
      'errors.deadletterqueue.context.headers.enable': String(options.contextHeaders),
    }),
    producer: options.producer ?? producer,
    admin,
    logger: capturedLogger().logger,
    clock: fakeClock(),
  });
}

function consumedRecord(offset: number): ConsumedRecord {
  return {
    topic: 'orders',
    partition: 2,
    offset,
    timestamp: 1_700_000_000_123,
    key: Buffer.from([0, 1, 2, 255]),
    value: Buffer.from('{"not json', 'utf8'),
    headers: [
      { key: 'trace', value: Buffer.from('abc') },
      { key: 'empty', value: null },
      { key: 'trace', value: Buffer.from('def') },
    ],
  };
}

const text = (v: IHeaders[string]): string => {
  assert.ok(Buffer.isBuffer(v), `header value ${String(v)}`);
  return v.toString('utf8');
};

describe('dead letter queue', () => {
  it('gets the original bytes and headers plus every __connect.errors context header', async () => {
    const dlq = unique('dlq');
    const errorHandler = dlqHandler(dlq, { contextHeaders: true });
    const consumed = consumedRecord(41);
    const error = new DataError('Converting byte[] to Kafka Connect data failed due to serialization error');
    const outcome = await errorHandler.execute(
      () => {
        throw error;
      },
      { stage: 'VALUE_CONVERTER', pluginName: 'JsonConverter', consumed },
    );
    assert.deepEqual(outcome, { ok: false, error });

    const [read] = await readAll(dlq, 1);
    assert.ok(read !== undefined);
    assert.deepEqual(read.key, consumed.key);
    assert.deepEqual(read.value, consumed.value);
    assert.deepEqual(
      (read.headers['trace'] as Buffer[]).map((b) => b.toString()),
      ['abc', 'def'],
    );
    // kafkajs cannot write a null header value; it arrives empty.
    assert.deepEqual(read.headers['empty'], Buffer.alloc(0));
    assert.equal(text(read.headers['__connect.errors.topic']), 'orders');
    assert.equal(text(read.headers['__connect.errors.partition']), '2');
    assert.equal(text(read.headers['__connect.errors.offset']), '41');
    assert.equal(text(read.headers['__connect.errors.connector.name']), 'orders-sink');
    assert.equal(text(read.headers['__connect.errors.task.id']), '3');
    assert.equal(text(read.headers['__connect.errors.stage']), 'VALUE_CONVERTER');
    assert.equal(text(read.headers['__connect.errors.class.name']), 'JsonConverter');
    assert.equal(text(read.headers['__connect.errors.exception.class.name']), 'DataError');
    assert.equal(text(read.headers['__connect.errors.exception.message']), error.message);
    assert.match(
      text(read.headers['__connect.errors.exception.stacktrace']),
      /^DataError: Converting byte\[\] to Kafka Connect data failed/,
    );

    // Created with one partition, the replication factor of 3 capped to the single broker.
    const { topics } = await admin.fetchTopicMetadata({ topics: [dlq] });
    assert.equal(topics[0]?.partitions.length, 1);
    assert.equal(topics[0]?.partitions[0]?.replicas.length, 1);
  });

  it('adds __connect.errors.sql.state when the error (or its cause) carries a sqlState', async () => {
    const dlq = unique('dlq');
    const errorHandler = dlqHandler(dlq, { contextHeaders: true });
    const driverError = Object.assign(new Error('null value in column "qty" violates not-null constraint'), {
      sqlState: '23502',
    });
    await errorHandler.report(
      { stage: 'TASK_PUT', pluginName: 'JdbcSinkConnector', consumed: consumedRecord(7) },
      new DataError('Cannot write the record orders-2@7', { cause: driverError }),
    );
    await errorHandler.report(
      { stage: 'TASK_PUT', pluginName: 'JdbcSinkConnector', consumed: consumedRecord(8) },
      new DataError('no SQL state'),
    );
    const [first, second] = await readAll(dlq, 2);
    assert.equal(text(first?.headers['__connect.errors.sql.state']), '23502');
    assert.equal(second?.headers['__connect.errors.sql.state'], undefined);
  });

  it('adds no context headers unless enabled, and reported records keep their order', async () => {
    const dlq = unique('dlq');
    const errorHandler = dlqHandler(dlq, { contextHeaders: false });
    for (const offset of [5, 6, 7]) {
      await errorHandler.report(
        { stage: 'TASK_PUT', pluginName: 'jdbc-sink', consumed: consumedRecord(offset) },
        new DataError(`row ${offset}`),
      );
    }
    assert.equal(errorHandler.toleratedCount, 3);
    const read = await readAll(dlq, 3);
    assert.equal(read.length, 3);
    for (const r of read) assert.deepEqual(Object.keys(r.headers).sort(), ['empty', 'trace']);
  });

  it('writes nothing for a source record (no consumed record)', async () => {
    const dlq = unique('dlq');
    const errorHandler = dlqHandler(dlq, { contextHeaders: true });
    await errorHandler.report({ stage: 'TRANSFORMATION', pluginName: 'Cast$Value' }, new DataError('bad'));
    assert.equal(errorHandler.toleratedCount, 1);
    assert.equal((await admin.listTopics()).includes(dlq), false);
  });

  it('with tolerance none, sends nothing to the queue and throws', async () => {
    const dlq = unique('dlq');
    const errorHandler = dlqHandler(dlq, { contextHeaders: true, tolerance: 'none' });
    await assert.rejects(
      errorHandler.report({ stage: 'TASK_PUT', pluginName: 'x', consumed: consumedRecord(1) }, new DataError('bad')),
      /Tolerance exceeded/,
    );
    assert.equal((await admin.listTopics()).includes(dlq), false);
  });

  it('fails (never drops silently) when the dead letter queue cannot be written', async () => {
    const dlq = unique('dlq');
    const closed = kafka.producer();
    await closed.connect();
    await closed.disconnect();
    const errorHandler = dlqHandler(dlq, { contextHeaders: false, producer: closed });
    await assert.rejects(
      errorHandler.report({ stage: 'TASK_PUT', pluginName: 'x', consumed: consumedRecord(9) }, new DataError('bad')),
      (err: Error) => {
        assert.ok(err instanceof ConnectError);
        assert.match(err.message, new RegExp(`orders-2@9 to the dead letter queue topic '${dlq}'`));
        return true;
      },
    );
  });
});
