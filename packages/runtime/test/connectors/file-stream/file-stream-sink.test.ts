import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Logger, SchemaBuilder, Schemas, type SinkRecord, type SinkTaskContext, Struct } from '@tributary/api';
import { fileStreamSink, formatValue } from '../../../src/connectors/file-stream/file-stream-sink.js';

const silent = () => {};
const logger: Logger = { trace: silent, debug: silent, info: silent, warn: silent, error: silent, child: () => logger };

const context: SinkTaskContext = {
  taskId: 0,
  connectorName: 'file-sink',
  logger,
  workerBootstrapServers: [],
  assignment: () => [],
  offset: silent,
  timeout: silent,
  pause: silent,
  resume: silent,
  requestCommit: silent,
  errantRecordReporter: null,
};

function record(value: unknown, offset: number): SinkRecord {
  return {
    topic: 't',
    kafkaPartition: 0,
    kafkaOffset: offset,
    keySchema: null,
    key: null,
    valueSchema: null,
    value,
    timestamp: null,
    timestampType: 'CreateTime',
    headers: [],
    originalTopic: 't',
    originalKafkaPartition: 0,
    originalKafkaOffset: offset,
  };
}

describe('FileStream sink', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-sink-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one line per record value to the file, after what was there', async () => {
    const file = join(dir, 'out.txt');
    await writeFile(file, 'existing\n');
    const task = fileStreamSink.task();
    await task.start({ file }, context);
    await task.put([record('a', 0), record('b', 1)]);
    await task.put([]);
    await task.put([record(null, 2)]);
    await task.flush?.([{ topic: 't', partition: 0, offset: 3 }]);
    await task.stop();
    await task.stop();
    assert.equal(await readFile(file, 'utf8'), 'existing\na\nb\nnull\n');
  });

  it('fails to start with a message naming a file it cannot open', async () => {
    const file = join(dir, 'missing-dir', 'out.txt');
    const task = fileStreamSink.task();
    await assert.rejects(
      async () => task.start({ file }, context),
      (err: Error) => err.message.includes(file),
    );
  });

  it('gives every task the connector configuration', async () => {
    const connector = fileStreamSink.connector();
    const props = { file: '/tmp/out', topics: 't' };
    await connector.start(fileStreamSink.config.parse(props), props, {
      logger,
      workerBootstrapServers: [],
      requestTaskReconfiguration: silent,
      raiseError: silent,
    });
    assert.deepEqual(await connector.taskConfigs(2), [props, props]);
  });

  it('formats values: strings as is, structs as Kafka prints them, maps, bytes and big integers as JSON', () => {
    const schema = SchemaBuilder.struct().field('id', Schemas.INT32).field('name', Schemas.STRING).build();
    assert.equal(formatValue('plain'), 'plain');
    assert.equal(formatValue(42), '42');
    assert.equal(formatValue(new Struct(schema).put('id', 1).put('name', 'x')), 'Struct{id=1,name=x}');
    assert.equal(
      formatValue({ a: 1n, b: Buffer.from('hi'), c: new Map([['k', [1, true]]]) }),
      '{"a":"1","b":"aGk=","c":{"k":[1,true]}}',
    );
  });
});
