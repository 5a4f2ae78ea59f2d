import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ConfigError,
  type Logger,
  Schemas,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
} from '@tributary/api';
import { fileStreamSource } from '../../../src/connectors/file-stream/file-stream-source.js';

function quietLogger(lines: string[] = []): Logger {
  const log = (fields: object | string, message?: string) => {
    lines.push(typeof fields === 'string' ? fields : `${message ?? ''} ${JSON.stringify(fields)}`);
  };
  const logger: Logger = { trace: log, debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

/** A task context whose stored offsets come from `stored`. */
function contextWith(
  stored: ReadonlyMap<string, SourceOffset> = new Map(),
  logLines: string[] = [],
): SourceTaskContext {
  const offset = async (partition: SourcePartition) => stored.get(JSON.stringify(partition)) ?? null;
  return {
    taskId: 0,
    connectorName: 'file-source',
    logger: quietLogger(logLines),
    workerBootstrapServers: [],
    offsetStorageReader: {
      offset,
      offsets: async (partitions) => {
        const out = new Map<SourcePartition, SourceOffset>();
        for (const p of partitions) {
          const o = await offset(p);
          if (o !== null) out.set(p, o);
        }
        return out;
      },
    },
  };
}

async function pollUntil(task: SourceTask, count: number): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const signal = new AbortController().signal;
  while (out.length < count) out.push(...(await task.poll(signal)));
  return out;
}

describe('FileStream source', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-source-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes each line with a STRING schema, partition {filename} and offset {position} in bytes', async () => {
    const file = join(dir, 'lines.txt');
    await writeFile(file, 'first\nsécond\n');
    const task = fileStreamSource.task();
    await task.start({ file, topic: 'lines' }, contextWith());
    const records = await pollUntil(task, 2);
    await task.stop();
    assert.deepEqual(
      records.map((r) => [r.topic, r.value, r.valueSchema, r.key, r.sourcePartition, r.sourceOffset]),
      [
        ['lines', 'first', Schemas.STRING, null, { filename: file }, { position: 6 }],
        ['lines', 'sécond', Schemas.STRING, null, { filename: file }, { position: 14 }],
      ],
    );
  });

  it('follows the file as it grows and emits a line only once it is complete', async () => {
    const file = join(dir, 'tail.txt');
    await writeFile(file, 'a\npart');
    const task = fileStreamSource.task();
    await task.start({ file, topic: 't' }, contextWith());
    assert.deepEqual(
      (await pollUntil(task, 1)).map((r) => r.value),
      ['a'],
    );
    await appendFile(file, 'ial\nb\n');
    assert.deepEqual(
      (await pollUntil(task, 2)).map((r) => r.value),
      ['partial', 'b'],
    );
    await task.stop();
  });

  it('returns at most batch.size records per poll', async () => {
    const file = join(dir, 'batch.txt');
    await writeFile(file, Array.from({ length: 7 }, (_, i) => `line ${i}\n`).join(''));
    const task = fileStreamSource.task();
    await task.start({ file, topic: 't', 'batch.size': '3' }, contextWith());
    const signal = new AbortController().signal;
    const sizes = [
      (await task.poll(signal)).length,
      (await task.poll(signal)).length,
      (await task.poll(signal)).length,
    ];
    await task.stop();
    assert.deepEqual(sizes, [3, 3, 1]);
  });

  it('resumes after the stored position', async () => {
    const file = join(dir, 'resume.txt');
    await writeFile(file, 'one\ntwo\nthree\n');
    const stored = new Map([[JSON.stringify({ filename: file }), { position: 4 }]]);
    const task = fileStreamSource.task();
    await task.start({ file, topic: 't' }, contextWith(stored));
    const records = await pollUntil(task, 2);
    await task.stop();
    assert.deepEqual(
      records.map((r) => r.value),
      ['two', 'three'],
    );
  });

  it('waits for a missing file to be created, warning once', async () => {
    const file = join(dir, 'later.txt');
    const logLines: string[] = [];
    const task = fileStreamSource.task();
    await task.start({ file, topic: 't' }, contextWith(new Map(), logLines));
    const signal = new AbortController().signal;
    assert.deepEqual(await task.poll(signal), []);
    assert.deepEqual(await task.poll(signal), []);
    assert.equal(logLines.filter((l) => l.includes("Couldn't find file")).length, 1);
    await writeFile(file, 'here\n');
    assert.deepEqual(
      (await pollUntil(task, 1)).map((r) => r.value),
      ['here'],
    );
    await task.stop();
    await task.stop();
  });

  it('returns [] at once when the signal is already aborted and there is nothing to read', async () => {
    const file = join(dir, 'empty.txt');
    await writeFile(file, '');
    const task = fileStreamSource.task();
    await task.start({ file, topic: 't' }, contextWith());
    const controller = new AbortController();
    controller.abort();
    assert.deepEqual(await task.poll(controller.signal), []);
    await task.stop();
  });

  it('rejects a config without file and topic, naming both keys', () => {
    assert.throws(
      () => fileStreamSource.config.parse({ 'batch.size': '0' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        ['file', 'topic', 'batch.size'].every((key) => err.problems.some((p) => p.key === key)),
    );
  });

  it('runs a single task whatever tasks.max is', async () => {
    const connector = fileStreamSource.connector();
    const props = { file: '/tmp/x', topic: 't' };
    await connector.start(fileStreamSource.config.parse(props), props, {
      logger: quietLogger(),
      workerBootstrapServers: [],
      requestTaskReconfiguration: () => {},
      raiseError: () => {},
      offsetStorageReader: contextWith().offsetStorageReader,
    });
    assert.deepEqual(await connector.taskConfigs(4), [{ file: '/tmp/x', topic: 't', 'batch.size': '2000' }]);
    await connector.stop();
  });

  it('accepts offsets with a non-negative position or null, refuses others', async () => {
    const connector = fileStreamSource.connector();
    const alter = connector.alterOffsets;
    assert.ok(alter);
    const good = new Map<SourcePartition, SourceOffset | null>([
      [{ filename: 'a' }, { position: 10 }],
      [{ filename: 'b' }, null],
    ]);
    await alter.call(connector, {}, good);
    for (const bad of [
      new Map([[{ filename: 'a' }, { position: -1 }]]),
      new Map([[{ filename: 'a' }, { pos: 1 }]]),
      new Map([[{ file: 'a' }, { position: 1 }]]),
    ]) {
      assert.throws(() => alter.call(connector, {}, bad), ConfigError);
    }
  });
});
