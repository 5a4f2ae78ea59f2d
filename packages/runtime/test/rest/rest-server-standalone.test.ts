// The REST server in front of the real standalone worker, against the embedded broker:
// the routes a user drives a connector with, end to end over HTTP.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { builtinPlugins } from '../../src/builtin-plugins.js';
import { parseWorkerConfig } from '../../src/config/worker-config.js';
import { LoggerLevels } from '../../src/logging/logger-levels.js';
import { createRootLogger } from '../../src/logging/root-logger.js';
import { MetricsRegistry } from '../../src/metrics/metrics-registry.js';
import { FileOffsetStore } from '../../src/offsets/file-offset-store.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import { type RestServer, startRestServer } from '../../src/rest/rest-server.js';
import { StandaloneHerder } from '../../src/worker/standalone-herder.js';

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

async function call(server: RestServer, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Polls `probe` until it returns a value (the worker changes state asynchronously). */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Gave up waiting for ${what}`);
}

describe('REST server with the standalone herder', () => {
  let broker: RunningBroker;
  let dir = '';
  let herder: StandaloneHerder;
  let offsetStore: FileOffsetStore;
  let server: RestServer;

  before(async () => {
    broker = await startBroker({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'rest-standalone-'));
    const worker = parseWorkerConfig(
      {
        'bootstrap.servers': broker.bootstrap,
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'offset.storage.file.filename': join(dir, 'offsets.json'),
        'offset.flush.interval.ms': '100',
        listeners: 'http://127.0.0.1:0',
      },
      'test worker',
    );
    const logger = createRootLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent', destination: 2 });
    offsetStore = new FileOffsetStore(worker.config['offset.storage.file.filename']);
    await offsetStore.start();
    herder = new StandaloneHerder({
      worker,
      registry: new PluginRegistry(builtinPlugins),
      offsetStore,
      logger,
      metrics: new MetricsRegistry(),
    });
    await herder.start();
    server = await startRestServer({
      herder,
      listeners: 'http://127.0.0.1:0',
      loggers: new LoggerLevels(logger),
      version: '0.1.0',
      commit: 'test',
      logger,
    });
  });

  after(async () => {
    await server.close();
    await herder.stop();
    await offsetStore.stop();
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('health follows start-up, and / names the cluster', async () => {
    assert.equal((await call(server, 'GET', '/health')).status, 503);
    herder.markReady();
    assert.equal((await call(server, 'GET', '/health')).status, 200);
    const root = await call(server, 'GET', '/');
    assert.equal(root.status, 200);
    const clusterId = (root.body as { kafka_cluster_id: unknown }).kafka_cluster_id;
    assert.ok(typeof clusterId === 'string' && clusterId !== '', JSON.stringify(root.body));
  });

  test('lists connector plugins of both kinds', async () => {
    const plugins = (await call(server, 'GET', '/connector-plugins')).body as { type: string }[];
    assert.ok(plugins.some((p) => p.type === 'source'));
    assert.ok(plugins.some((p) => p.type === 'sink'));
    assert.ok(plugins.every((p) => p.type === 'source' || p.type === 'sink'));
  });

  test('create, run, pause, resume, stop, edit offsets and delete a file source over HTTP', async () => {
    const id = randomUUID().slice(0, 8);
    const name = `src-${id}`;
    const input = join(dir, `in-${id}.txt`);
    await writeFile(input, 'alpha\nbeta\n');
    const config = { 'connector.class': 'FileStreamSource', file: input, topic: `lines-${id}` };

    const created = await call(server, 'POST', '/connectors', { name, config });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body, {
      name,
      config: { ...config, name },
      tasks: [{ connector: name, task: 0 }],
      type: 'source',
    });
    assert.equal((await call(server, 'POST', '/connectors', { name, config })).status, 409);

    const stateOf = async () => {
      const status = (await call(server, 'GET', `/connectors/${name}/status`)).body as {
        connector: { state: string };
        tasks: { state: string }[];
      };
      return [status.connector.state, ...status.tasks.map((t) => t.state)].join(' ');
    };
    const reaches = (expected: string) =>
      eventually(`${name} ${expected}`, async () => ((await stateOf()) === expected ? true : undefined));
    await reaches('RUNNING RUNNING');

    assert.equal((await call(server, 'PUT', `/connectors/${name}/pause`)).status, 202);
    await reaches('PAUSED PAUSED');
    assert.equal((await call(server, 'PUT', `/connectors/${name}/resume`)).status, 202);
    await reaches('RUNNING RUNNING');

    const whileRunning = await call(server, 'DELETE', `/connectors/${name}/offsets`);
    assert.equal(whileRunning.status, 409);
    assert.match((whileRunning.body as { message: string }).message, /STOPPED/);

    const offsets = await eventually('a committed source offset', async () => {
      const answer = (await call(server, 'GET', `/connectors/${name}/offsets`)).body as { offsets: unknown[] };
      return answer.offsets.length > 0 ? answer.offsets : undefined;
    });
    assert.equal(offsets.length, 1);

    assert.equal((await call(server, 'PUT', `/connectors/${name}/stop`)).status, 204);
    await reaches('STOPPED');
    const partition = (offsets[0] as { partition: Record<string, unknown> }).partition;
    const altered = await call(server, 'PATCH', `/connectors/${name}/offsets`, {
      offsets: [{ partition, offset: { position: 6 } }],
    });
    assert.deepEqual(altered, {
      status: 200,
      body: { message: 'The offsets for this connector have been altered successfully' },
    });
    assert.deepEqual((await call(server, 'GET', `/connectors/${name}/offsets`)).body, {
      offsets: [{ partition, offset: { position: 6 } }],
    });
    assert.deepEqual(await call(server, 'DELETE', `/connectors/${name}/offsets`), {
      status: 200,
      body: { message: 'The offsets for this connector have been reset successfully' },
    });

    assert.equal((await call(server, 'DELETE', `/connectors/${name}`)).status, 204);
    assert.equal((await call(server, 'GET', `/connectors/${name}`)).status, 404);
  });

  test('an invalid configuration is a 400 naming the key; validate reports it without failing', async () => {
    const name = `bad-${randomUUID().slice(0, 8)}`;
    const config = { 'connector.class': 'FileStreamSource', topic: 't', 'tasks.max': 'many' };
    const created = await call(server, 'POST', '/connectors', { name, config });
    assert.equal(created.status, 400, JSON.stringify(created.body));
    assert.match((created.body as { message: string }).message, /tasks\.max/);

    const validated = await call(server, 'PUT', '/connector-plugins/FileStreamSource/config/validate', config);
    assert.equal(validated.status, 200, JSON.stringify(validated.body));
    assert.ok((validated.body as { error_count: number }).error_count > 0);
  });
});
