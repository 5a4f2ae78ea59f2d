import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ConfigError,
  defineConfig,
  defineSourceConnector,
  type Logger,
  NotFoundError,
  type Props,
  password,
  type SourceRecord,
  string,
} from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { builtinPlugins } from '../../src/builtin-plugins.js';
import { parseWorkerConfig } from '../../src/config/worker-config.js';
import { ConflictError, type ConnectorStateInfo } from '../../src/herder.js';
import { createRootLogger } from '../../src/logging/root-logger.js';
import { MetricsRegistry } from '../../src/metrics/metrics-registry.js';
import { FileOffsetStore } from '../../src/offsets/file-offset-store.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import { StandaloneHerder } from '../../src/worker/standalone-herder.js';

const SECRET_PASSWORD = `pw-${randomUUID()}`;
const SECRET_TOKEN = `tok-${randomUUID()}`;
const TOKEN_VARIABLE = 'H8_TEST_TOKEN';

/** A source whose task fails in `poll` with a message quoting both of its secrets. */
const failingSource = defineSourceConnector({
  name: 'failing-source',
  aliases: [],
  version: '0.0.1',
  description: 'Fails on the first poll (tests).',
  config: defineConfig({
    'connection.password': password({ doc: 'A secret.' }),
    'api.token': string({ doc: 'A value that comes from a config provider.' }),
  }),
  connector: () => {
    let props: Props = {};
    return {
      start: (_config, p) => {
        props = p;
      },
      taskConfigs: () => [props],
      stop: () => {},
    };
  },
  task: () => {
    let props: Props = {};
    return {
      start: (p) => {
        props = p;
      },
      poll: async (): Promise<SourceRecord[]> => {
        throw new Error(`boom: cannot log in with ${props['connection.password']} and ${props['api.token']}`);
      },
      stop: () => {},
    };
  },
});

/** A source that asks for three tasks whatever tasks.max says; its tasks produce nothing. */
const greedySource = defineSourceConnector({
  name: 'greedy-source',
  aliases: [],
  version: '0.0.1',
  description: 'Returns three task configurations (tests).',
  config: defineConfig({}),
  connector: () => ({ start: () => {}, taskConfigs: () => [{ n: '0' }, { n: '1' }, { n: '2' }], stop: () => {} }),
  task: () => ({
    start: () => {},
    poll: async (signal: AbortSignal): Promise<SourceRecord[]> => {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 100);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      return [];
    },
    stop: () => {},
  }),
});

function testLogger(): Logger {
  return createRootLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent', destination: 2 });
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function lines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l !== '');
}

async function linesAtLeast(file: string, count: number): Promise<string[]> {
  return waitFor(`${count} lines in ${file}`, async () => {
    const found = await lines(file);
    return found.length >= count ? found : undefined;
  });
}

interface Worker {
  readonly herder: StandaloneHerder;
  readonly offsetStore: FileOffsetStore;
  stop(): Promise<void>;
}

describe('StandaloneHerder', () => {
  let broker: RunningBroker;
  let dir = '';
  let admin: Admin;
  let offsetFile = '';

  before(async () => {
    broker = await startBroker({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'herder-'));
    offsetFile = join(dir, 'offsets.json');
    admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  after(async () => {
    await admin.disconnect();
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function startWorker(extra: Record<string, string> = {}, plugins = builtinPlugins): Promise<Worker> {
    const worker = parseWorkerConfig(
      {
        'bootstrap.servers': broker.bootstrap,
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable': 'false',
        'offset.storage.file.filename': offsetFile,
        'offset.flush.interval.ms': '200',
        listeners: 'http://127.0.0.1:0',
        ...extra,
      },
      'test worker',
    );
    const offsetStore = new FileOffsetStore(worker.config['offset.storage.file.filename']);
    await offsetStore.start();
    const herder = new StandaloneHerder({
      worker,
      registry: new PluginRegistry(plugins),
      offsetStore,
      logger: testLogger(),
      metrics: new MetricsRegistry(),
      env: { [TOKEN_VARIABLE]: SECRET_TOKEN },
    });
    await herder.start();
    herder.markReady();
    return {
      herder,
      offsetStore,
      async stop() {
        await herder.stop();
        await offsetStore.stop();
      },
    };
  }

  async function topicSize(topic: string): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  }

  function isRunning(status: ConnectorStateInfo): boolean {
    return (
      status.connector.state === 'RUNNING' &&
      status.tasks.length > 0 &&
      status.tasks.every((t) => t.state === 'RUNNING')
    );
  }

  it('moves lines from a file through a topic into another file, and reports RUNNING', async () => {
    const id = randomUUID().slice(0, 8);
    const topic = `lines-${id}`;
    const input = join(dir, `in-${id}.txt`);
    const output = join(dir, `out-${id}.txt`);
    await writeFile(input, 'alpha\nbeta\ngamma\n');
    const w = await startWorker();
    try {
      const created = await w.herder.putConnectorConfig(
        `src-${id}`,
        { 'connector.class': 'FileStreamSource', file: input, topic },
        { allowReplace: false },
      );
      assert.equal(created.created, true);
      assert.equal(created.info.type, 'source');
      assert.deepEqual(created.info.tasks, [{ connector: `src-${id}`, task: 0 }]);
      await w.herder.putConnectorConfig(
        `sink-${id}`,
        { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file: output, topics: topic },
        { allowReplace: false },
      );
      assert.deepEqual(await linesAtLeast(output, 3), ['alpha', 'beta', 'gamma']);
      await appendFile(input, 'delta\n');
      assert.deepEqual((await linesAtLeast(output, 4)).slice(3), ['delta']);

      for (const name of [`src-${id}`, `sink-${id}`]) {
        const status = w.herder.connectorStatus(name);
        assert.ok(isRunning(status), JSON.stringify(status));
        assert.equal(w.herder.taskStatus(name, 0).state, 'RUNNING');
      }
      assert.deepEqual(w.herder.connectors(), [`sink-${id}`, `src-${id}`]);
      assert.deepEqual(w.herder.connectorTopics(`src-${id}`), [topic]);
      assert.deepEqual(w.herder.connectorTopics(`sink-${id}`), [topic]);
      await assert.rejects(
        w.herder.putConnectorConfig(
          `src-${id}`,
          { 'connector.class': 'FileStreamSource', file: input, topic },
          { allowReplace: false },
        ),
        ConflictError,
      );
      assert.throws(() => w.herder.connectorStatus('nope'), NotFoundError);
      assert.throws(() => w.herder.taskStatus(`src-${id}`, 3), NotFoundError);
    } finally {
      await w.stop();
    }
  });

  it('pauses, resumes, stops and restarts; offsets are shown after stop and changed only when STOPPED', async () => {
    const id = randomUUID().slice(0, 8);
    const topic = `lines-${id}`;
    const input = join(dir, `in-${id}.txt`);
    const output = join(dir, `out-${id}.txt`);
    const source = `src-${id}`;
    const sink = `sink-${id}`;
    await writeFile(input, 'one\ntwo\n');
    const w = await startWorker();
    try {
      await w.herder.putConnectorConfig(
        source,
        { 'connector.class': 'FileStreamSource', file: input, topic },
        { allowReplace: false },
      );
      await w.herder.putConnectorConfig(
        sink,
        { 'connector.class': 'FileStreamSink', file: output, topics: topic },
        { allowReplace: false },
      );
      await linesAtLeast(output, 2);

      await w.herder.pauseConnector(source);
      let status = w.herder.connectorStatus(source);
      assert.equal(status.connector.state, 'PAUSED');
      assert.deepEqual(
        status.tasks.map((t) => t.state),
        ['PAUSED'],
      );
      await appendFile(input, 'three\n');
      await w.herder.resumeConnector(source);
      assert.equal(w.herder.connectorStatus(source).connector.state, 'RUNNING');
      assert.deepEqual((await linesAtLeast(output, 3)).slice(2), ['three']);

      const restarted = await w.herder.restartConnector(source, { includeTasks: true, onlyFailed: false });
      assert.equal(restarted.connector.state, 'RESTARTING');
      assert.deepEqual(
        restarted.tasks.map((t) => t.state),
        ['RESTARTING'],
      );
      await waitFor('source running after restart', () =>
        isRunning(w.herder.connectorStatus(source)) ? true : undefined,
      );
      const onlyFailed = await w.herder.restartConnector(source, { includeTasks: true, onlyFailed: true });
      assert.equal(onlyFailed.connector.state, 'RUNNING');
      await w.herder.restartTask(source, 0);
      await appendFile(input, 'four\n');
      assert.deepEqual((await linesAtLeast(output, 4)).slice(3), ['four']);

      await assert.rejects(
        w.herder.alterConnectorOffsets(source, [{ partition: { filename: input }, offset: { position: 0 } }]),
        ConflictError,
      );
      await assert.rejects(w.herder.resetConnectorOffsets(sink), ConflictError);

      await w.herder.stopConnector(source);
      await w.herder.stopConnector(sink);
      status = w.herder.connectorStatus(source);
      assert.equal(status.connector.state, 'STOPPED');
      assert.deepEqual(status.tasks, []);
      assert.deepEqual(w.herder.taskConfigs(source), []);

      const inputSize = (await readFile(input)).length;
      assert.deepEqual(await w.herder.connectorOffsets(source), [
        { partition: { filename: input }, offset: { position: inputSize } },
      ]);
      assert.deepEqual(await w.herder.connectorOffsets(sink), [
        { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 4 } },
      ]);

      // Rewind the source by two lines and the sink to offset 3 (the fourth record).
      await w.herder.alterConnectorOffsets(source, [
        { partition: { filename: input }, offset: { position: 'one\ntwo\n'.length } },
      ]);
      await assert.rejects(
        w.herder.alterConnectorOffsets(source, [{ partition: { filename: input }, offset: { position: -1 } }]),
        ConfigError,
      );
      await w.herder.alterConnectorOffsets(sink, [
        { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 3 } },
      ]);
      assert.deepEqual(await w.herder.connectorOffsets(sink), [
        { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 3 } },
      ]);
      await w.herder.resumeConnector(sink);
      await w.herder.resumeConnector(source);
      // The sink writes record 3 ('four') again, then the source's re-sent 'three' and 'four'.
      assert.deepEqual((await linesAtLeast(output, 7)).slice(4), ['four', 'three', 'four']);
      assert.equal(await topicSize(topic), 6);

      await w.herder.stopConnector(source);
      await w.herder.stopConnector(sink);
      await w.herder.resetConnectorOffsets(source);
      await w.herder.resetConnectorOffsets(sink);
      assert.deepEqual(await w.herder.connectorOffsets(source), []);
      assert.deepEqual(await w.herder.connectorOffsets(sink), []);

      await w.herder.deleteConnector(sink);
      assert.throws(() => w.herder.connectorInfo(sink), NotFoundError);
    } finally {
      await w.stop();
    }
  });

  it('resumes from the stored offsets after a worker restart, without duplicates', async () => {
    const id = randomUUID().slice(0, 8);
    const topic = `lines-${id}`;
    const input = join(dir, `in-${id}.txt`);
    const config = { 'connector.class': 'FileStreamSource', file: input, topic };
    await writeFile(input, Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join(''));
    const first = await startWorker();
    await first.herder.putConnectorConfig(`src-${id}`, config, { allowReplace: false });
    await waitFor('100 records', async () => ((await topicSize(topic).catch(() => 0)) >= 100 ? true : undefined));
    await first.stop();

    await appendFile(input, Array.from({ length: 50 }, (_, i) => `more ${i}\n`).join(''));
    const second = await startWorker();
    try {
      await second.herder.putConnectorConfig(`src-${id}`, config, { allowReplace: false });
      await waitFor('150 records', async () => ((await topicSize(topic)) >= 150 ? true : undefined));
      await second.herder.stopConnector(`src-${id}`);
      assert.equal(await topicSize(topic), 150);
    } finally {
      await second.stop();
    }
  });

  it('produces and fetches with kafkajs where the client settings need it, with the protocol client otherwise', async () => {
    const settings = [
      { 'producer.enable.idempotence': 'true', 'producer.acks': 'all' },
      { 'consumer.client.rack': 'rack-1' },
      {},
    ];
    for (const extra of settings) {
      const id = randomUUID().slice(0, 8);
      const topic = `lines-${id}`;
      const input = join(dir, `in-${id}.txt`);
      const output = join(dir, `out-${id}.txt`);
      await writeFile(input, 'one\ntwo\nthree\n');
      const w = await startWorker(extra);
      try {
        await w.herder.putConnectorConfig(
          `src-${id}`,
          { 'connector.class': 'FileStreamSource', file: input, topic },
          { allowReplace: false },
        );
        await w.herder.putConnectorConfig(
          `sink-${id}`,
          { 'connector.class': 'FileStreamSink', file: output, topics: topic },
          { allowReplace: false },
        );
        assert.deepEqual(await linesAtLeast(output, 3), ['one', 'two', 'three'], JSON.stringify(extra));
        await appendFile(input, 'four\n');
        assert.deepEqual((await linesAtLeast(output, 4)).slice(3), ['four'], JSON.stringify(extra));
        await w.herder.stopConnector(`src-${id}`);
        assert.equal(await topicSize(topic), 4);
      } finally {
        await w.stop();
      }
    }
  });

  it('refuses a bad configuration with one ConfigError naming every bad key', async () => {
    const w = await startWorker();
    try {
      await assert.rejects(
        w.herder.putConnectorConfig(
          'bad',
          { 'connector.class': 'FileStreamSource', 'tasks.max': 'many', 'batch.size': '0' },
          { allowReplace: false },
        ),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError, String(err));
          const keys = err.problems.map((p) => p.key);
          for (const key of ['file', 'topic', 'tasks.max', 'batch.size'])
            assert.ok(keys.includes(key), `${key} missing from ${keys.join(', ')}`);
          return true;
        },
      );
      await assert.rejects(
        w.herder.putConnectorConfig('unknown', { 'connector.class': 'NoSuchConnector' }, { allowReplace: false }),
        (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.key === 'connector.class'),
      );
      assert.deepEqual(w.herder.connectors(), []);
      const infos = await w.herder.validateConfig('FileStreamSink', { 'connector.class': 'FileStreamSink' });
      assert.ok(infos.error_count > 0);
      assert.ok(
        w.herder
          .plugins(true)
          .some((p) => p.class === 'org.apache.kafka.connect.file.FileStreamSourceConnector' && p.type === 'source'),
      );
      assert.ok(w.herder.pluginConfig('FileStreamSource').some((k) => k.name === 'batch.size'));
      assert.throws(() => w.herder.pluginConfig('NoSuchPlugin'), NotFoundError);
    } finally {
      await w.stop();
    }
  });

  it('fails a connector that returns more tasks than tasks.max unless tasks.max.enforce=false; starts PAUSED on request', async () => {
    const w = await startWorker({}, [...builtinPlugins, greedySource]);
    const id = randomUUID().slice(0, 8);
    try {
      await w.herder.putConnectorConfig(
        `strict-${id}`,
        { 'connector.class': 'greedy-source', 'tasks.max': '2' },
        { allowReplace: false },
      );
      const strict = w.herder.connectorStatus(`strict-${id}`);
      assert.equal(strict.connector.state, 'FAILED');
      assert.match(strict.connector.trace ?? '', /has generated 3 tasks, which is greater than 2/);
      assert.deepEqual(strict.tasks, []);

      await w.herder.putConnectorConfig(
        `lenient-${id}`,
        { 'connector.class': 'greedy-source', 'tasks.max': '2', 'tasks.max.enforce': 'false' },
        { allowReplace: false, initialState: 'PAUSED' },
      );
      const lenient = w.herder.connectorStatus(`lenient-${id}`);
      assert.equal(lenient.connector.state, 'PAUSED');
      assert.deepEqual(
        lenient.tasks.map((t) => t.state),
        ['PAUSED', 'PAUSED', 'PAUSED'],
      );
      await w.herder.resumeConnector(`lenient-${id}`);
      assert.ok(isRunning(w.herder.connectorStatus(`lenient-${id}`)));

      // Replacing the config keeps the target state and restarts with the new one.
      await w.herder.stopConnector(`lenient-${id}`);
      const replaced = await w.herder.putConnectorConfig(
        `lenient-${id}`,
        { 'connector.class': 'greedy-source', 'tasks.max': '3' },
        { allowReplace: true },
      );
      assert.equal(replaced.created, false);
      assert.equal(w.herder.connectorStatus(`lenient-${id}`).connector.state, 'STOPPED');
      await w.herder.resumeConnector(`lenient-${id}`);
      assert.equal(w.herder.taskConfigs(`lenient-${id}`).length, 3);
      assert.ok(isRunning(w.herder.connectorStatus(`lenient-${id}`)));
    } finally {
      await w.stop();
    }
  });

  it('sends malformed records to the dead-letter queue with errors.tolerance=all, and fails the task with none', async () => {
    const id = randomUUID().slice(0, 8);
    const topic = `mixed-${id}`;
    const dlq = `dlq-${id}`;
    const output = join(dir, `good-${id}.txt`);
    const producer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({
        value: i % 2 === 0 ? JSON.stringify({ n: i }) : `not json ${i}`,
      })),
    });
    await producer.disconnect();
    const w = await startWorker();
    try {
      await w.herder.putConnectorConfig(
        `tolerant-${id}`,
        {
          'connector.class': 'FileStreamSink',
          file: output,
          topics: topic,
          'errors.tolerance': 'all',
          'errors.deadletterqueue.topic.name': dlq,
          'errors.deadletterqueue.topic.replication.factor': '1',
          'errors.deadletterqueue.context.headers.enable': 'true',
        },
        { allowReplace: false },
      );
      assert.deepEqual(
        await linesAtLeast(output, 5),
        [0, 2, 4, 6, 8].map((n) => JSON.stringify({ n })),
      );
      await waitFor('5 dead letters', async () => ((await topicSize(dlq).catch(() => 0)) >= 5 ? true : undefined));
      const consumer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).consumer({
        groupId: `dlq-reader-${id}`,
        maxWaitTimeInMs: 100,
      });
      const dead: { value: string; stage: string; topic: string }[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: dlq, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          dead.push({
            value: message.value?.toString() ?? '',
            stage: message.headers?.['__connect.errors.stage']?.toString() ?? '',
            topic: message.headers?.['__connect.errors.topic']?.toString() ?? '',
          });
        },
      });
      await waitFor('reading the dead letters', async () => (dead.length >= 5 ? true : undefined));
      await consumer.disconnect();
      assert.deepEqual(
        dead.map((d) => d.value),
        [1, 3, 5, 7, 9].map((n) => `not json ${n}`),
      );
      assert.ok(
        dead.every((d) => d.stage === 'VALUE_CONVERTER' && d.topic === topic),
        JSON.stringify(dead),
      );
      assert.ok(isRunning(w.herder.connectorStatus(`tolerant-${id}`)));

      await w.herder.putConnectorConfig(
        `strict-${id}`,
        { 'connector.class': 'FileStreamSink', file: join(dir, `strict-${id}.txt`), topics: topic },
        { allowReplace: false },
      );
      const failed = await waitFor('the strict sink to fail', async () => {
        const task = w.herder.taskStatus(`strict-${id}`, 0);
        return task.state === 'FAILED' ? task : undefined;
      });
      assert.match(failed.trace ?? '', /Tolerance exceeded/);
    } finally {
      await w.stop();
    }
  });

  it('shows a failed task as FAILED with its trace, without the secrets, and keeps references unresolved', async () => {
    const w = await startWorker(
      {
        'config.providers': 'env',
        'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
      },
      [...builtinPlugins, failingSource],
    );
    const name = `failing-${randomUUID().slice(0, 8)}`;
    const reference = `\${env:${TOKEN_VARIABLE}}`;
    try {
      await w.herder.putConnectorConfig(
        name,
        { 'connector.class': 'failing-source', 'connection.password': SECRET_PASSWORD, 'api.token': reference },
        { allowReplace: false },
      );
      const task = await waitFor('the task to fail', () => {
        const t = w.herder.taskStatus(name, 0);
        return t.state === 'FAILED' ? t : undefined;
      });
      assert.match(task.trace ?? '', /boom: cannot log in with \[hidden\] and \[hidden\]/);
      const everything = JSON.stringify([
        w.herder.connectorStatus(name),
        w.herder.taskConfigs(name),
        w.herder.connectorInfo(name),
      ]);
      assert.ok(!everything.includes(SECRET_TOKEN), 'the resolved token leaked');
      assert.ok(!(task.trace ?? '').includes(SECRET_PASSWORD), 'the password leaked into the trace');
      assert.equal(w.herder.taskConfigs(name)[0]?.config['api.token'], reference);
      assert.equal(w.herder.connectorConfig(name)['api.token'], reference);

      const planned = await w.herder.restartConnector(name, { includeTasks: true, onlyFailed: true });
      assert.equal(planned.connector.state, 'RUNNING');
      assert.deepEqual(
        planned.tasks.map((t) => t.state),
        ['RESTARTING'],
      );
      await waitFor('the task to fail again', () =>
        w.herder.taskStatus(name, 0).state === 'FAILED' ? true : undefined,
      );
    } finally {
      await w.stop();
    }
  });
});
