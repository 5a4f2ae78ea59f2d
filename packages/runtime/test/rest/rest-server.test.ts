// The REST API end to end: every route over real HTTP, in front of the real standalone
// worker, which runs FileStream connectors on temp files against the embedded broker.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ConfigError,
  ConnectError,
  defineConfig,
  defineSourceConnector,
  Password,
  type Props,
  password,
  type SourceRecord,
  string,
} from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { builtinPlugins } from '../../src/builtin-plugins.js';
import { parseWorkerConfig } from '../../src/config/worker-config.js';
import { LoggerLevels } from '../../src/logging/logger-levels.js';
import { MetricsRegistry } from '../../src/metrics/metrics-registry.js';
import { FileOffsetStore } from '../../src/offsets/file-offset-store.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import {
  parseListeners,
  type RestServer,
  type RestServerOptions,
  startRestServer,
} from '../../src/rest/rest-server.js';
import { StandaloneHerder, type StandaloneHerderOptions } from '../../src/worker/standalone-herder.js';

const SECRET_PASSWORD = `pw-${randomUUID()}`;
const SECRET_TOKEN = `tok-${randomUUID()}`;
const TOKEN_VARIABLE = 'REST_TEST_TOKEN';

/**
 * A user's plugin with a password-type key (no built-in connector has one): its task fails
 * on the first poll with a message quoting the password and a config-provider value.
 */
const securedSource = defineSourceConnector({
  name: 'secured-source',
  aliases: [],
  version: '0.0.1',
  description: 'Fails on the first poll, quoting its secrets (tests).',
  config: defineConfig({
    'connection.password': password({ doc: 'A secret.' }),
    'api.token': string({ default: null, doc: 'A value that may come from a config provider.' }),
  }),
  connector: () => {
    let props: Props = {};
    return {
      start: (_config, p) => {
        props = p;
      },
      taskConfigs: () => [{ ...props }],
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
        throw new Error(`cannot log in with ${props['connection.password']} and ${props['api.token']}`);
      },
      stop: () => {},
    };
  },
});

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON; undefined when empty. */
  readonly body: unknown;
}

async function call(
  server: RestServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json', ...headers };
  }
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json') === true;
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: isJson && text !== '' ? JSON.parse(text) : undefined,
  };
}

function messageOf(answer: Answer): string {
  return (answer.body as { message: string }).message;
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

interface StatusBody {
  readonly name: string;
  readonly connector: { readonly state: string; readonly worker_id: string; readonly trace?: string };
  readonly tasks: readonly {
    readonly id: number;
    readonly state: string;
    readonly worker_id: string;
    readonly trace?: string;
  }[];
  readonly type: string;
}

/** The connector's state then each task's, e.g. `RUNNING RUNNING`. */
async function statesOf(server: RestServer, name: string): Promise<string> {
  const status = (await call(server, 'GET', `/connectors/${encodeURIComponent(name)}/status`)).body as StatusBody;
  return [status.connector.state, ...status.tasks.map((t) => t.state)].join(' ');
}

function reaches(server: RestServer, name: string, expected: string): Promise<true> {
  return eventually(`${name} ${expected}`, async () =>
    (await statesOf(server, name)) === expected ? true : undefined,
  );
}

function authorization(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

describe('REST API over the standalone worker', () => {
  let broker: RunningBroker;
  let dir = '';
  let herder: StandaloneHerder;
  let herderOptions: StandaloneHerderOptions;
  let offsetStore: FileOffsetStore;
  let metrics: MetricsRegistry;
  let server: RestServer;
  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  const loggers = new LoggerLevels(logger);

  /** Another REST server in front of the same worker. */
  const startServer = (overrides: Partial<RestServerOptions> = {}): Promise<RestServer> =>
    startRestServer({
      herder,
      listeners: 'http://127.0.0.1:0',
      loggers,
      version: '0.1.0',
      commit: 'abc123',
      logger,
      metricsText: () => metrics.render(),
      ...overrides,
    });

  /** A file to read, in the test's directory. */
  async function inputFile(lines: string): Promise<string> {
    const file = join(dir, `in-${randomUUID()}.txt`);
    await writeFile(file, lines);
    return file;
  }

  async function sourceConfig(id: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
    return { 'connector.class': 'FileStreamSource', file: await inputFile(''), topic: `lines-${id}`, ...extra };
  }

  /** Creates a FileStream source over HTTP (201) and answers its name and configuration. */
  async function createSource(
    extra: Record<string, string> = {},
  ): Promise<{ name: string; config: Record<string, string>; answer: Answer }> {
    const id = randomUUID();
    const name = `src-${id}`;
    const config = await sourceConfig(id, extra);
    const answer = await call(server, 'POST', '/connectors', { name, config });
    assert.equal(answer.status, 201, answer.text);
    return { name, config, answer };
  }

  before(async () => {
    broker = await startBroker({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'rest-server-'));
    const worker = parseWorkerConfig(
      {
        'bootstrap.servers': broker.bootstrap,
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'offset.storage.file.filename': join(dir, 'offsets.json'),
        'offset.flush.interval.ms': '100',
        // Kafka's default (kafkajs waits 5 s), so that stopping a sink task is quick.
        'consumer.fetch.max.wait.ms': '500',
        'config.providers': 'env',
        'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
        listeners: 'http://127.0.0.1:0',
      },
      'test worker',
    );
    offsetStore = new FileOffsetStore(worker.config['offset.storage.file.filename']);
    await offsetStore.start();
    metrics = new MetricsRegistry();
    herderOptions = {
      worker,
      registry: new PluginRegistry([...builtinPlugins, securedSource]),
      offsetStore,
      logger,
      metrics,
      env: { [TOKEN_VARIABLE]: SECRET_TOKEN },
    };
    herder = new StandaloneHerder(herderOptions);
    await herder.start();
    server = await startServer();
    herder.workerId = `127.0.0.1:${server.port}`;
    herder.markReady();
  });

  after(async () => {
    await server.close();
    await herder.stop();
    await offsetStore.stop();
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('root, health and metrics', () => {
    test('GET /health is 503 starting until the worker is ready, then 200 healthy', async () => {
      const starting = new StandaloneHerder(herderOptions);
      const front = await startServer({ herder: starting });
      try {
        const early = await call(front, 'GET', '/health');
        assert.equal(early.status, 503);
        assert.deepEqual(early.body, { status: 'starting', message: 'Worker is still starting up.' });
        await starting.start();
        assert.equal((await call(front, 'GET', '/health')).status, 503, 'connected to Kafka but not marked ready');
        starting.markReady();
        const ready = await call(front, 'GET', '/health');
        assert.equal(ready.status, 200);
        assert.deepEqual(ready.body, {
          status: 'healthy',
          message: 'Worker has completed startup and is ready to handle requests.',
        });
      } finally {
        await front.close();
        await starting.stop();
      }
    });

    test("GET / answers version, commit and the broker's cluster id", async () => {
      const answer = await call(server, 'GET', '/');
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('content-type'), 'application/json');
      assert.deepEqual(answer.body, { version: '0.1.0', commit: 'abc123', kafka_cluster_id: broker.clusterId });
    });

    test("GET /metrics serves the worker's metrics in the Prometheus text format", async () => {
      const input = await inputFile('one\n');
      const name = `metered-${randomUUID()}`;
      const created = await call(server, 'POST', '/connectors', {
        name,
        config: { 'connector.class': 'FileStreamSource', file: input, topic: `metered-${randomUUID()}` },
      });
      assert.equal(created.status, 201, created.text);
      const text = await eventually('a written record in /metrics', async () => {
        const answer = await call(server, 'GET', '/metrics');
        assert.equal(answer.status, 200);
        assert.equal(answer.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
        return answer.text.includes(`tributary_task_records_written_total{connector="${name}",task="0"} 1`)
          ? answer.text
          : undefined;
      });
      assert.match(text, /^# HELP tributary_task_records_written_total /m);
      assert.match(text, /^# TYPE tributary_task_records_written_total counter$/m);
    });

    test('/metrics is a 404 when the worker serves no metrics', async () => {
      const bare = await startRestServer({
        herder,
        listeners: 'http://127.0.0.1:0',
        loggers,
        version: '0.1.0',
        commit: 'abc123',
        logger,
      });
      try {
        assert.equal((await call(bare, 'GET', '/metrics')).status, 404);
      } finally {
        await bare.close();
      }
    });
  });

  describe('creating and configuring connectors', () => {
    test('POST /connectors: 201, Location and ConnectorInfo with the name added; 409 when it exists', async () => {
      const { name, config, answer } = await createSource();
      assert.equal(answer.headers.get('location'), `/connectors/${name}`);
      assert.deepEqual(answer.body, {
        name,
        config: { ...config, name },
        tasks: [{ connector: name, task: 0 }],
        type: 'source',
      });
      const again = await call(server, 'POST', '/connectors', { name, config });
      assert.equal(again.status, 409);
      assert.deepEqual(again.body, { error_code: 409, message: `Connector ${name} already exists` });
    });

    test('POST /connectors trims the name, turns scalar values into strings and honours initial_state', async () => {
      const id = randomUUID();
      const name = `src-${id}`;
      const answer = await call(server, 'POST', '/connectors', {
        name: `  ${name} `,
        config: { ...(await sourceConfig(id)), 'tasks.max': 1, 'batch.size': 10 },
        initial_state: 'paused',
      });
      assert.equal(answer.status, 201, answer.text);
      const config = (answer.body as { config: Record<string, string> }).config;
      assert.equal(config['tasks.max'], '1');
      assert.equal(config['batch.size'], '10');
      assert.equal(config['name'], name);
      const status = (await call(server, 'GET', `/connectors/${name}/status`)).body as StatusBody;
      assert.equal(status.connector.state, 'PAUSED');

      const stoppedName = `src-${randomUUID()}`;
      const stopped = await call(server, 'POST', '/connectors', {
        name: stoppedName,
        config: await sourceConfig(stoppedName),
        initial_state: 'STOPPED',
      });
      assert.equal(stopped.status, 201, stopped.text);
      assert.deepEqual((stopped.body as { tasks: unknown[] }).tasks, []);
      assert.equal(await statesOf(server, stoppedName), 'STOPPED');
    });

    test('POST /connectors rejects malformed requests with 400 and says why', async () => {
      const name = `src-${randomUUID()}`;
      const config = await sourceConfig(name);
      const cases: [unknown, RegExp][] = [
        [{ config }, /Missing 'name'/],
        [{ name: '   ', config }, /must not be empty/],
        [{ name, config: null }, /Missing 'config'/],
        [{ name }, /Missing 'config'/],
        [{ name: 'a/b', config }, /must not contain '\/'/],
        [{ name: 7, config }, /'name' must be a string/],
        [
          { name, config: { ...config, name: 'other' } },
          /Connector name configuration \(other\) doesn't match connector name in the URL/,
        ],
        [{ name, config: { ...config, file: { nested: true } } }, /Value of 'file'.* must be a string, got an object/],
        [{ name, config, initial_state: 'SLEEPING' }, /Invalid 'initial_state' "SLEEPING"/],
        [['not', 'an', 'object'], /Expected the connector creation request as a JSON object, got an array/],
      ];
      for (const [body, message] of cases) {
        const answer = await call(server, 'POST', '/connectors', body);
        assert.equal(answer.status, 400, `${JSON.stringify(body)} → ${answer.text}`);
        assert.equal((answer.body as { error_code: number }).error_code, 400);
        assert.match(messageOf(answer), message);
      }
      assert.equal((await call(server, 'GET', `/connectors/${name}`)).status, 404);
    });

    test("the worker's ConfigError is a 400 listing every problem, and nothing is created", async () => {
      const name = `bad-${randomUUID()}`;
      const unknown = await call(server, 'POST', '/connectors', {
        name,
        config: { 'connector.class': 'org.example.Missing', 'tasks.max': 'zero' },
      });
      assert.equal(unknown.status, 400);
      assert.match(messageOf(unknown), /connector\.class: Unknown connector org\.example\.Missing/);
      assert.match(messageOf(unknown), /tasks\.max: Invalid value "zero"/);

      const missing = await call(server, 'POST', '/connectors', { name, config: { 'tasks.max': 'zero' } });
      assert.equal(missing.status, 400);
      assert.match(messageOf(missing), /connector\.class: Missing required configuration/);
      assert.match(messageOf(missing), /tasks\.max: Invalid value "zero"/);

      const incomplete = await call(server, 'POST', '/connectors', {
        name,
        config: { 'connector.class': 'FileStreamSource' },
      });
      assert.equal(incomplete.status, 400);
      assert.match(messageOf(incomplete), /^ {2}file: Missing required configuration/m);
      assert.match(messageOf(incomplete), /^ {2}topic: Missing required configuration/m);
      assert.equal((await call(server, 'GET', `/connectors/${name}`)).status, 404);
    });

    test('malformed JSON is a 400 that does not echo the body; an empty body is a 400', async () => {
      const answer = await call(server, 'POST', '/connectors', '{"name": "x", "config": {"file.password": "hunter2"');
      assert.equal(answer.status, 400);
      assert.match(messageOf(answer), /^Unrecognized token in request body/);
      assert.ok(!answer.text.includes('hunter2'));
      const empty = await call(server, 'POST', '/connectors', '');
      assert.equal(empty.status, 400);
      assert.match(messageOf(empty), /Request body is empty/);
    });

    test('a body declared as something other than JSON is a 415', async () => {
      const answer = await call(server, 'POST', '/connectors', 'name=x', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      assert.equal(answer.status, 415);
      assert.equal((answer.body as { error_code: number }).error_code, 415);
    });

    test('PUT /connectors/{n}/config: 201 + Location when created, 200 when replaced, name must match', async () => {
      const id = randomUUID();
      const name = `src-${id}`;
      const config = await sourceConfig(id);
      const created = await call(server, 'PUT', `/connectors/${name}/config`, config);
      assert.equal(created.status, 201, created.text);
      assert.equal(created.headers.get('location'), `/connectors/${name}`);
      assert.deepEqual(created.body, {
        name,
        config: { ...config, name },
        tasks: [{ connector: name, task: 0 }],
        type: 'source',
      });

      const replacement = { ...config, topic: `other-${id}`, name };
      const replaced = await call(server, 'PUT', `/connectors/${name}/config`, replacement);
      assert.equal(replaced.status, 200, replaced.text);
      assert.equal(replaced.headers.get('location'), null);
      assert.deepEqual((replaced.body as { config: unknown }).config, replacement);
      assert.deepEqual((await call(server, 'GET', `/connectors/${name}/config`)).body, replacement);
      const tasks = (await call(server, 'GET', `/connectors/${name}/tasks`)).body as { config: Props }[];
      assert.equal(tasks[0]?.config['topic'], `other-${id}`, 'the task runs the new configuration');

      const mismatch = await call(server, 'PUT', `/connectors/${name}/config`, { ...config, name: 'other' });
      assert.equal(mismatch.status, 400);
      assert.equal(
        messageOf(mismatch),
        `Connector name configuration (other) doesn't match connector name in the URL (${name})`,
      );
      assert.equal((await call(server, 'PUT', `/connectors/${name}/config`, ['x'])).status, 400);
      const invalid = await call(server, 'PUT', `/connectors/${name}/config`, { ...config, 'tasks.max': '0' });
      assert.equal(invalid.status, 400);
      assert.match(messageOf(invalid), /tasks\.max/);
      assert.deepEqual((await call(server, 'GET', `/connectors/${name}/config`)).body, replacement);
    });

    test('PATCH /connectors/{n}/config merges, null removes a key, answers 200', async () => {
      const { name, config } = await createSource({ 'batch.size': '5' });
      const answer = await call(server, 'PATCH', `/connectors/${name}/config`, {
        topic: `patched-${name}`,
        'batch.size': null,
      });
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual((answer.body as { config: Record<string, string> }).config, {
        'connector.class': 'FileStreamSource',
        file: config['file'],
        topic: `patched-${name}`,
        name,
      });
      assert.equal((await call(server, 'PATCH', `/connectors/${name}/config`, { name: 'other' })).status, 400);
      const unrunnable = await call(server, 'PATCH', `/connectors/${name}/config`, { file: null });
      assert.equal(unrunnable.status, 400);
      assert.match(messageOf(unrunnable), /file: Missing required configuration/);
    });

    test('names are URL-decoded from the path', async () => {
      const name = `c ${randomUUID()} é`;
      const config = await sourceConfig(randomUUID());
      const created = await call(server, 'PUT', `/connectors/${encodeURIComponent(name)}/config`, config);
      assert.equal(created.status, 201, created.text);
      assert.equal(created.headers.get('location'), `/connectors/${encodeURIComponent(name)}`);
      const status = await call(server, 'GET', `/connectors/${encodeURIComponent(name)}/status`);
      assert.equal(status.status, 200);
      assert.equal((status.body as StatusBody).name, name);
      assert.ok(((await call(server, 'GET', '/connectors')).body as string[]).includes(name));
      assert.equal((await call(server, 'GET', '/connectors/%E0%A4%A/status')).status, 400);
      const slashed = await call(server, 'PUT', '/connectors/a%2Fb/config', config);
      assert.equal(slashed.status, 400);
      assert.equal(messageOf(slashed), `Connector name "a/b" must not contain '/'`);
    });
  });

  describe('reading connectors', () => {
    test('GET /connectors lists names; expand=status and expand=info (repeatable) give maps', async () => {
      const { name } = await createSource();
      await reaches(server, name, 'RUNNING RUNNING');
      const names = await call(server, 'GET', '/connectors');
      assert.equal(names.status, 200);
      assert.ok(Array.isArray(names.body) && names.body.includes(name));
      assert.deepEqual(names.body, herder.connectors());

      const both = await call(server, 'GET', '/connectors?expand=status&expand=info');
      assert.equal(both.status, 200);
      const entry = (both.body as Record<string, { status: unknown; info: unknown }>)[name];
      assert.deepEqual(entry?.info, (await call(server, 'GET', `/connectors/${name}`)).body);
      assert.deepEqual(entry?.status, (await call(server, 'GET', `/connectors/${name}/status`)).body);

      const statusOnly = await call(server, 'GET', '/connectors?expand=status');
      assert.deepEqual(Object.keys((statusOnly.body as Record<string, object>)[name] ?? {}), ['status']);
      const unknown = await call(server, 'GET', '/connectors?expand=everything');
      assert.deepEqual((unknown.body as Record<string, object>)[name], {});
    });

    test('GET /connectors/{n}, /config, /status, /tasks, /tasks-config and a task status', async () => {
      const { name, config } = await createSource();
      await reaches(server, name, 'RUNNING RUNNING');
      const info = await call(server, 'GET', `/connectors/${name}`);
      assert.equal(info.status, 200);
      assert.deepEqual(info.body, {
        name,
        config: { ...config, name },
        tasks: [{ connector: name, task: 0 }],
        type: 'source',
      });
      assert.deepEqual((await call(server, 'GET', `/connectors/${name}/config`)).body, { ...config, name });

      const workerId = `127.0.0.1:${server.port}`;
      const status = await call(server, 'GET', `/connectors/${name}/status`);
      assert.equal(status.status, 200);
      assert.deepEqual(status.body, {
        name,
        connector: { state: 'RUNNING', worker_id: workerId },
        tasks: [{ id: 0, state: 'RUNNING', worker_id: workerId }],
        type: 'source',
      });

      const taskConfig = { file: config['file'], topic: config['topic'], 'batch.size': '2000' };
      const tasks = await call(server, 'GET', `/connectors/${name}/tasks`);
      assert.equal(tasks.status, 200);
      assert.deepEqual(tasks.body, [{ id: { connector: name, task: 0 }, config: taskConfig }]);
      const tasksConfig = await call(server, 'GET', `/connectors/${name}/tasks-config`);
      assert.equal(tasksConfig.status, 200);
      assert.deepEqual(tasksConfig.body, { [`${name}-0`]: taskConfig });

      const task = await call(server, 'GET', `/connectors/${name}/tasks/0/status`);
      assert.deepEqual(task.body, { id: 0, state: 'RUNNING', worker_id: workerId });
      const seventh = await call(server, 'GET', `/connectors/${name}/tasks/7/status`);
      assert.deepEqual(seventh.body, { error_code: 404, message: `Task ${name}-7 not found` });
      assert.equal((await call(server, 'GET', `/connectors/${name}/tasks/one/status`)).status, 404);
    });

    test('unknown connectors are 404 with Kafka error bodies on every connector route', async () => {
      const name = `missing-${randomUUID()}`;
      const routes: [string, string, unknown?][] = [
        ['GET', `/connectors/${name}`],
        ['GET', `/connectors/${name}/config`],
        ['PATCH', `/connectors/${name}/config`, { file: '/x' }],
        ['GET', `/connectors/${name}/status`],
        ['GET', `/connectors/${name}/tasks`],
        ['GET', `/connectors/${name}/tasks-config`],
        ['GET', `/connectors/${name}/tasks/0/status`],
        ['POST', `/connectors/${name}/restart`],
        ['POST', `/connectors/${name}/restart?includeTasks=true`],
        ['POST', `/connectors/${name}/tasks/0/restart`],
        ['PUT', `/connectors/${name}/pause`],
        ['PUT', `/connectors/${name}/resume`],
        ['PUT', `/connectors/${name}/stop`],
        ['DELETE', `/connectors/${name}`],
        ['GET', `/connectors/${name}/offsets`],
        ['PATCH', `/connectors/${name}/offsets`, { offsets: [{ partition: { filename: 'f' }, offset: null }] }],
        ['DELETE', `/connectors/${name}/offsets`],
        ['GET', `/connectors/${name}/topics`],
        ['PUT', `/connectors/${name}/topics/reset`],
      ];
      for (const [method, path, body] of routes) {
        const answer = await call(server, method, path, body);
        assert.equal(answer.status, 404, `${method} ${path}`);
        assert.deepEqual(answer.body, { error_code: 404, message: `Connector ${name} not found` }, `${method} ${path}`);
      }
    });
  });

  describe('driving connectors', () => {
    test('pause and resume answer 202, stop 204, delete 204, and the worker follows', async () => {
      const { name } = await createSource();
      await reaches(server, name, 'RUNNING RUNNING');
      const pause = await call(server, 'PUT', `/connectors/${name}/pause`);
      assert.equal(pause.status, 202);
      assert.equal(pause.text, '');
      await reaches(server, name, 'PAUSED PAUSED');
      assert.equal((await call(server, 'PUT', `/connectors/${name}/pause`)).status, 202);
      assert.equal((await call(server, 'PUT', `/connectors/${name}/resume`)).status, 202);
      await reaches(server, name, 'RUNNING RUNNING');
      const stop = await call(server, 'PUT', `/connectors/${name}/stop`);
      assert.equal(stop.status, 204);
      assert.equal(stop.text, '');
      await reaches(server, name, 'STOPPED');
      assert.deepEqual((await call(server, 'GET', `/connectors/${name}/tasks`)).body, []);
      assert.equal((await call(server, 'PUT', `/connectors/${name}/resume`)).status, 202);
      await reaches(server, name, 'RUNNING RUNNING');
      const deleted = await call(server, 'DELETE', `/connectors/${name}`);
      assert.equal(deleted.status, 204);
      assert.equal(deleted.text, '');
      assert.equal((await call(server, 'GET', `/connectors/${name}`)).status, 404);
      assert.ok(!herder.connectors().includes(name));
    });

    test('restart: 204 for the connector only, 202 + RESTARTING states with includeTasks or onlyFailed', async () => {
      const { name } = await createSource();
      await reaches(server, name, 'RUNNING RUNNING');
      const workerId = `127.0.0.1:${server.port}`;
      const plain = await call(server, 'POST', `/connectors/${name}/restart`);
      assert.equal(plain.status, 204);
      assert.equal(plain.text, '');
      await reaches(server, name, 'RUNNING RUNNING');

      const withTasks = await call(server, 'POST', `/connectors/${name}/restart?includeTasks=true&onlyFailed=false`);
      assert.equal(withTasks.status, 202);
      assert.deepEqual(withTasks.body, {
        name,
        connector: { state: 'RESTARTING', worker_id: workerId },
        tasks: [{ id: 0, state: 'RESTARTING', worker_id: workerId }],
        type: 'source',
      });
      await reaches(server, name, 'RUNNING RUNNING');

      // Nothing has failed, so nothing restarts (KIP-745).
      const onlyFailed = await call(server, 'POST', `/connectors/${name}/restart?onlyFailed=TRUE&includeTasks=true`);
      assert.equal(onlyFailed.status, 202);
      assert.deepEqual(onlyFailed.body, {
        name,
        connector: { state: 'RUNNING', worker_id: workerId },
        tasks: [{ id: 0, state: 'RUNNING', worker_id: workerId }],
        type: 'source',
      });

      const task = await call(server, 'POST', `/connectors/${name}/tasks/0/restart`);
      assert.equal(task.status, 204);
      assert.equal(task.text, '');
      await reaches(server, name, 'RUNNING RUNNING');
      const missingTask = await call(server, 'POST', `/connectors/${name}/tasks/3/restart`);
      assert.deepEqual(missingTask.body, { error_code: 404, message: `Task ${name}-3 not found` });
    });

    test('a failed sink task shows its trace; restarting it once its directory exists brings it back', async () => {
      const name = `sink-${randomUUID()}`;
      const outputDir = join(dir, `out-${randomUUID()}`);
      const created = await call(server, 'POST', '/connectors', {
        name,
        config: { 'connector.class': 'FileStreamSink', topics: `in-${randomUUID()}`, file: join(outputDir, 'out.txt') },
      });
      assert.equal(created.status, 201, created.text);
      await reaches(server, name, 'RUNNING FAILED');
      const task = (await call(server, 'GET', `/connectors/${name}/tasks/0/status`))
        .body as StatusBody['tasks'][number];
      assert.match(task.trace ?? '', /^ConnectError: Couldn't open .*out\.txt for appending/);

      const onlyFailed = await call(server, 'POST', `/connectors/${name}/restart?onlyFailed=true&includeTasks=true`);
      assert.equal(onlyFailed.status, 202);
      const planned = onlyFailed.body as StatusBody;
      assert.equal(planned.connector.state, 'RUNNING');
      assert.deepEqual(
        planned.tasks.map((t) => t.state),
        ['RESTARTING'],
      );
      await reaches(server, name, 'RUNNING FAILED');

      await mkdir(outputDir);
      assert.equal((await call(server, 'POST', `/connectors/${name}/tasks/0/restart`)).status, 204);
      await reaches(server, name, 'RUNNING RUNNING');
      const healthy = (await call(server, 'GET', `/connectors/${name}/tasks/0/status`)).body as Record<string, unknown>;
      assert.ok(!('trace' in healthy));
      assert.equal((await call(server, 'DELETE', `/connectors/${name}`)).status, 204);
    });

    test('a FAILED task trace has its password and config-provider values [hidden]', async () => {
      const name = `secured-${randomUUID()}`;
      const config = {
        'connector.class': 'secured-source',
        'connection.password': SECRET_PASSWORD,
        'api.token': `\${env:${TOKEN_VARIABLE}}`,
      };
      const created = await call(server, 'POST', '/connectors', { name, config });
      assert.equal(created.status, 201, created.text);
      await reaches(server, name, 'RUNNING FAILED');
      for (const path of [
        `/connectors/${name}/status`,
        `/connectors/${name}/tasks/0/status`,
        '/connectors?expand=status',
      ]) {
        const answer = await call(server, 'GET', path);
        assert.equal(answer.status, 200, path);
        assert.match(answer.text, /cannot log in with \[hidden\] and \[hidden\]/, path);
        assert.ok(!answer.text.includes(SECRET_PASSWORD), path);
        assert.ok(!answer.text.includes(SECRET_TOKEN), path);
      }
      // Task configurations show the reference, not the value it resolved to.
      const tasks = await call(server, 'GET', `/connectors/${name}/tasks`);
      assert.equal((tasks.body as { config: Record<string, string> }[])[0]?.config['api.token'], config['api.token']);
      assert.ok(!tasks.text.includes(SECRET_TOKEN));
      assert.equal((await call(server, 'DELETE', `/connectors/${name}`)).status, 204);
    });
  });

  describe('offsets and topics', () => {
    test('source offsets: GET lists, PATCH/DELETE need STOPPED (409), then answer Kafka messages', async () => {
      const id = randomUUID();
      const name = `src-${id}`;
      const file = await inputFile('alpha\nbeta\n');
      const topic = `lines-${id}`;
      assert.equal(
        (
          await call(server, 'POST', '/connectors', {
            name,
            config: { 'connector.class': 'FileStreamSource', file, topic },
          })
        ).status,
        201,
      );
      const partition = { filename: file };
      const committed = await eventually('both lines committed', async () => {
        const answer = await call(server, 'GET', `/connectors/${name}/offsets`);
        assert.equal(answer.status, 200);
        const { offsets } = answer.body as { offsets: { offset: { position: number } }[] };
        return offsets[0]?.offset.position === 11 ? answer.body : undefined;
      });
      assert.deepEqual(committed, { offsets: [{ partition, offset: { position: 11 } }] });

      const altering = { offsets: [{ partition, offset: { position: 6 } }] };
      const whileRunning = await call(server, 'PATCH', `/connectors/${name}/offsets`, altering);
      assert.equal(whileRunning.status, 409);
      assert.deepEqual(whileRunning.body, {
        error_code: 409,
        message: `Connectors must be in the STOPPED state before their offsets can be altered. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      });
      const resetWhileRunning = await call(server, 'DELETE', `/connectors/${name}/offsets`);
      assert.equal(resetWhileRunning.status, 409);
      assert.match(
        messageOf(resetWhileRunning),
        /^Connectors must be in the STOPPED state before their offsets can be reset\./,
      );

      assert.equal((await call(server, 'PUT', `/connectors/${name}/stop`)).status, 204);
      await reaches(server, name, 'STOPPED');
      const refused = await call(server, 'PATCH', `/connectors/${name}/offsets`, {
        offsets: [{ partition: { file }, offset: { position: 1 } }],
      });
      assert.equal(refused.status, 400, 'the connector validates the partitions');
      assert.match(messageOf(refused), /Partition objects should contain the key 'filename'/);

      const altered = await call(server, 'PATCH', `/connectors/${name}/offsets`, altering);
      assert.equal(altered.status, 200, altered.text);
      assert.deepEqual(altered.body, { message: 'The offsets for this connector have been altered successfully' });
      assert.deepEqual((await call(server, 'GET', `/connectors/${name}/offsets`)).body, altering);

      const reset = await call(server, 'DELETE', `/connectors/${name}/offsets`);
      assert.equal(reset.status, 200);
      assert.deepEqual(reset.body, { message: 'The offsets for this connector have been reset successfully' });
      assert.deepEqual((await call(server, 'GET', `/connectors/${name}/offsets`)).body, { offsets: [] });
    });

    test('sink offsets are the consumer group’s: {kafka_topic, kafka_partition} → {kafka_offset}', async () => {
      const topic = `sunk-${randomUUID()}`;
      const kafka = new Kafka({ clientId: 'rest-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
      } finally {
        await admin.disconnect();
      }
      const name = `sink-${randomUUID()}`;
      const created = await call(server, 'POST', '/connectors', {
        name,
        config: { 'connector.class': 'FileStreamSink', topics: topic, file: join(dir, `${name}.txt`) },
        initial_state: 'STOPPED',
      });
      assert.equal(created.status, 201, created.text);
      assert.deepEqual((await call(server, 'GET', `/connectors/${name}/offsets`)).body, { offsets: [] });
      const partition = { kafka_topic: topic, kafka_partition: 0 };
      const altered = await call(server, 'PATCH', `/connectors/${name}/offsets`, {
        offsets: [{ partition, offset: { kafka_offset: 5 } }],
      });
      assert.equal(altered.status, 200, altered.text);
      assert.deepEqual(altered.body, { message: 'The offsets for this connector have been altered successfully' });
      assert.deepEqual((await call(server, 'GET', `/connectors/${name}/offsets`)).body, {
        offsets: [{ partition, offset: { kafka_offset: 5 } }],
      });
      const reset = await call(server, 'DELETE', `/connectors/${name}/offsets`);
      assert.deepEqual(reset.body, { message: 'The offsets for this connector have been reset successfully' });
      assert.deepEqual((await call(server, 'GET', `/connectors/${name}/offsets`)).body, { offsets: [] });
    });

    test('PATCH offsets rejects an empty or malformed list with 400', async () => {
      const { name } = await createSource();
      assert.equal((await call(server, 'PUT', `/connectors/${name}/stop`)).status, 204);
      const bodies = [
        {},
        { offsets: [] },
        { offsets: null },
        { offsets: 'x' },
        { offsets: [{ offset: { p: 1 } }] },
        { offsets: [{ partition: { f: { deep: 1 } }, offset: null }] },
      ];
      for (const body of bodies) {
        const answer = await call(server, 'PATCH', `/connectors/${name}/offsets`, body);
        assert.equal(answer.status, 400, JSON.stringify(body));
      }
      const empty = await call(server, 'PATCH', `/connectors/${name}/offsets`, { offsets: [] });
      assert.equal(messageOf(empty), 'Partitions / offsets need to be provided for an alter offsets request');
    });

    test('topics: GET answers {name: {topics}} with the topics written to, PUT reset answers 202', async () => {
      const id = randomUUID();
      const name = `src-${id}`;
      const topic = `tracked-${id}`;
      const file = await inputFile('x\n');
      const created = await call(server, 'POST', '/connectors', {
        name,
        config: { 'connector.class': 'FileStreamSource', file, topic },
      });
      assert.equal(created.status, 201, created.text);
      const topics = await eventually('the topic to be tracked', async () => {
        const answer = await call(server, 'GET', `/connectors/${name}/topics`);
        assert.equal(answer.status, 200);
        return (answer.body as Record<string, { topics: string[] }>)[name]?.topics.length === 1
          ? answer.body
          : undefined;
      });
      assert.deepEqual(topics, { [name]: { topics: [topic] } });
      const reset = await call(server, 'PUT', `/connectors/${name}/topics/reset`);
      assert.equal(reset.status, 202);
      assert.equal(reset.text, '');
      assert.deepEqual((await call(server, 'GET', `/connectors/${name}/topics`)).body, { [name]: { topics: [] } });
    });
  });

  describe('connector plugins', () => {
    test('GET /connector-plugins lists connectors only by default, everything with connectorsOnly=false', async () => {
      const connectors = await call(server, 'GET', '/connector-plugins');
      assert.equal(connectors.status, 200);
      assert.deepEqual(connectors.body, [
        { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '0.1.0' },
        { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: '0.1.0' },
        { class: 'secured-source', type: 'source', version: '0.0.1' },
      ]);
      assert.deepEqual((await call(server, 'GET', '/connector-plugins?connectorsOnly=true')).body, connectors.body);
      const all = (await call(server, 'GET', '/connector-plugins?connectorsOnly=false')).body as {
        class: string;
        type: string;
      }[];
      assert.equal(all.length, builtinPlugins.length + 1);
      assert.deepEqual([...new Set(all.map((p) => p.type))].sort(), [
        'converter',
        'header_converter',
        'predicate',
        'sink',
        'source',
        'transformation',
      ]);
      assert.ok(all.some((p) => p.class === 'org.apache.kafka.connect.transforms.Filter' && p.type === 'transformation'));
    });

    test('GET /connector-plugins/{p}/config answers ConfigKeyInfo entries; an unknown plugin is a 404', async () => {
      for (const plugin of ['FileStreamSource', 'org.apache.kafka.connect.file.FileStreamSourceConnector']) {
        const answer = await call(server, 'GET', `/connector-plugins/${plugin}/config`);
        assert.equal(answer.status, 200, plugin);
        assert.deepEqual(
          (answer.body as { name: string }[]).map((k) => k.name),
          ['file', 'topic', 'batch.size'],
        );
        assert.deepEqual((answer.body as unknown[])[2], {
          name: 'batch.size',
          type: 'INT',
          required: false,
          default_value: '2000',
          importance: 'LOW',
          documentation: 'The maximum number of records the source task can read from the file each time it is polled',
          group: null,
          order_in_group: -1,
          width: 'NONE',
          display_name: 'batch.size',
          dependents: [],
        });
      }
      const missing = await call(server, 'GET', '/connector-plugins/Nope/config');
      assert.deepEqual(missing.body, { error_code: 404, message: 'Unknown plugin Nope' });
    });

    test('PUT /connector-plugins/{p}/config/validate answers ConfigInfos with secrets hidden', async () => {
      const answer = await call(server, 'PUT', '/connector-plugins/secured-source/config/validate', {
        'connector.class': 'secured-source',
        name: 'validated',
        'tasks.max': 'lots',
        'connection.password': SECRET_PASSWORD,
        'api.token': `\${env:${TOKEN_VARIABLE}}`,
      });
      assert.equal(answer.status, 200, answer.text);
      const infos = answer.body as {
        name: string;
        error_count: number;
        groups: string[];
        configs: { definition: { name: string }; value: { name: string; value: string | null; errors: string[] } }[];
      };
      assert.equal(infos.name, 'secured-source');
      assert.equal(infos.error_count, 1);
      assert.equal(infos.groups[0], 'Common');
      const byName = new Map(infos.configs.map((c) => [c.value.name, c.value]));
      assert.equal(byName.get('connection.password')?.value, '[hidden]');
      assert.equal(byName.get('api.token')?.value, `\${env:${TOKEN_VARIABLE}}`);
      assert.equal(byName.get('tasks.max')?.errors.length, 1);
      for (const config of infos.configs) assert.equal(config.definition.name, config.value.name);
      assert.ok(!answer.text.includes(SECRET_PASSWORD));
      assert.ok(!answer.text.includes(SECRET_TOKEN));
    });

    test('validate reports an unresolvable config-provider reference against its key', async () => {
      const answer = await call(server, 'PUT', '/connector-plugins/secured-source/config/validate', {
        'connector.class': 'secured-source',
        name: 'validated-missing-env',
        'connection.password': SECRET_PASSWORD,
        'api.token': `\${env:TRIBUTARY_TEST_UNSET_VARIABLE}`,
      });
      assert.equal(answer.status, 200, answer.text);
      const infos = answer.body as { error_count: number; configs: { value: { name: string; errors: string[] } }[] };
      assert.equal(infos.error_count, 1);
      const token = infos.configs.find((c) => c.value.name === 'api.token');
      assert.equal(token?.value.errors.length, 1);
      assert.match(token?.value.errors[0] ?? '', /TRIBUTARY_TEST_UNSET_VARIABLE/);
      assert.ok(!answer.text.includes(SECRET_PASSWORD));
    });

    test('validate accepts the Java and short class names and refuses another connector type', async () => {
      for (const connectorClass of [
        'FileStreamSource',
        'FileStreamSourceConnector',
        'org.apache.kafka.connect.file.FileStreamSourceConnector',
      ]) {
        const matching = await call(server, 'PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', {
          'connector.class': connectorClass,
          name: 'x',
          file: '/tmp/x',
          topic: 't',
        });
        assert.equal(matching.status, 200, `${connectorClass}: ${matching.text}`);
        assert.equal((matching.body as { error_count: number }).error_count, 0, connectorClass);
      }
      const mismatch = await call(server, 'PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', {
        'connector.class': 'FileStreamSink',
      });
      assert.equal(mismatch.status, 400);
      assert.equal(
        messageOf(mismatch),
        'Included connector type FileStreamSink does not match request type FileStreamSourceConnector',
      );
      const unknown = await call(server, 'PUT', '/connector-plugins/Nope/config/validate', {
        'connector.class': 'Nope',
      });
      assert.equal(unknown.status, 404);
    });
  });

  describe('admin and HTTP behaviour', () => {
    test('/admin/loggers: list, get, set (worker scope lists loggers, cluster scope 204), errors as Kafka', async () => {
      const name = `org.example.${randomUUID()}`;
      const list = await call(server, 'GET', '/admin/loggers');
      assert.equal(list.status, 200);
      assert.deepEqual((list.body as Record<string, unknown>)['root'], { level: 'INFO', last_modified: null });
      assert.equal((await call(server, 'GET', `/admin/loggers/${name}`)).status, 404);

      const set = await call(server, 'PUT', `/admin/loggers/${name}`, { level: 'warn' });
      assert.equal(set.status, 200, set.text);
      assert.deepEqual(set.body, [name]);
      const got = await call(server, 'GET', `/admin/loggers/${name}`);
      assert.equal((got.body as { level: string }).level, 'WARN');
      assert.equal(typeof (got.body as { last_modified: unknown }).last_modified, 'number');

      const cluster = await call(server, 'PUT', `/admin/loggers/${name}?scope=cluster`, { level: 'ERROR' });
      assert.equal(cluster.status, 204);
      assert.equal(((await call(server, 'GET', `/admin/loggers/${name}`)).body as { level: string }).level, 'ERROR');

      const missingLevel = await call(server, 'PUT', `/admin/loggers/${name}`, {});
      assert.equal(missingLevel.status, 400);
      assert.equal(messageOf(missingLevel), "Desired 'level' parameter was not specified in request.");
      const badLevel = await call(server, 'PUT', `/admin/loggers/${name}`, { level: 'LOUD' });
      assert.equal(badLevel.status, 404);
      assert.equal(messageOf(badLevel), "invalid log level 'LOUD'.");
    });

    test('unknown paths are 404, other methods 405 with Allow', async () => {
      const unknown = await call(server, 'GET', '/nothing/here');
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.body, { error_code: 404, message: 'HTTP 404 Not Found' });
      const wrong = await call(server, 'DELETE', '/connector-plugins');
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.get('allow'), 'GET');
      assert.deepEqual(wrong.body, { error_code: 405, message: 'HTTP 405 Method Not Allowed' });
      const config = await call(server, 'POST', '/connectors/x/config');
      assert.equal(config.headers.get('allow'), 'GET, PUT, PATCH');
      assert.equal((await call(server, 'GET', '/connectors/')).status, 200);
    });

    test("an unexpected failure is a 500 with a generic message; the error is only in the worker's log", async () => {
      // Altering a sink's offsets for a topic the cluster does not have is refused by Kafka:
      // not a user error the herder knows about, so a 500.
      const name = `sink-${randomUUID()}`;
      const created = await call(server, 'POST', '/connectors', {
        name,
        config: { 'connector.class': 'FileStreamSink', topics: `t-${randomUUID()}`, file: join(dir, `${name}.txt`) },
        initial_state: 'STOPPED',
      });
      assert.equal(created.status, 201, created.text);
      const answer = await call(server, 'PATCH', `/connectors/${name}/offsets`, {
        offsets: [
          { partition: { kafka_topic: `absent-${randomUUID()}`, kafka_partition: 0 }, offset: { kafka_offset: 1 } },
        ],
      });
      assert.equal(answer.status, 500, answer.text);
      const body = answer.body as { error_code: number; message: string };
      assert.equal(body.error_code, 500);
      assert.match(body.message, /^The worker failed to handle this request; see its log for request \d+$/);
      assert.ok(!answer.text.includes(' at '), 'no stack');
      assert.ok(!/kafkajs|does not host/i.test(answer.text), 'no internal error message');
      const requestId = Number(/request (\d+)/.exec(body.message)?.[1]);
      const logged = logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((l) => l['requestId'] === requestId && l['level'] === 50);
      assert.ok(logged !== undefined, 'the failure is logged under its request id');
      assert.match(
        JSON.stringify(logged['err']),
        /Kafka refused the offsets of consumer group .*UNKNOWN_TOPIC_OR_PARTITION/,
      );
    });

    test('a body over the limit is a 413, declared or streamed, and nothing is created', async () => {
      const small = await startServer({ maxBodyBytes: 1024 });
      const name = `big-${randomUUID()}`;
      try {
        const declared = await call(small, 'PUT', `/connectors/${name}/config`, {
          ...(await sourceConfig(name)),
          topic: 'y'.repeat(2048),
        });
        assert.equal(declared.status, 413);
        assert.deepEqual(declared.body, {
          error_code: 413,
          message: 'Request body is larger than the limit of 1024 bytes',
        });

        const streamed = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
          const req = httpRequest(`${small.url}/connectors/${name}/config`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
          });
          req.on('response', (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => {
              body += chunk.toString();
            });
            res.on('end', () => resolve({ status: res.statusCode, body }));
          });
          req.on('error', reject);
          req.write(`{"connector.class": "FileStreamSource", "file": "/tmp/x", "topic": "${'z'.repeat(800)}`);
          req.write(`${'z'.repeat(800)}"}`);
          req.end();
        });
        assert.equal(streamed.status, 413);
        assert.match(streamed.body, /larger than the limit of 1024 bytes/);
        assert.ok(!herder.connectors().includes(name));
      } finally {
        await small.close();
      }
    });

    test('a worker call still pending after requestTimeoutMs answers 500 Request timed out', async () => {
      // Creating a connector waits for its task to start, which includes a Kafka producer
      // connecting to the broker (network round trips): a 1 ms budget cannot cover that.
      const hasty = await startServer({ requestTimeoutMs: 1 });
      const name = `slow-${randomUUID()}`;
      try {
        const answer = await call(hasty, 'POST', '/connectors', { name, config: await sourceConfig(name) });
        assert.equal(answer.status, 500);
        assert.deepEqual(answer.body, { error_code: 500, message: 'Request timed out' });
        // The call itself went on.
        await reaches(server, name, 'RUNNING RUNNING');
      } finally {
        await hasty.close();
      }
    });
  });

  describe('basic auth', () => {
    let guarded: RestServer;
    before(async () => {
      guarded = await startServer({ basicAuth: { username: 'admin', password: new Password('s3cret') } });
    });
    after(async () => {
      await guarded.close();
    });

    test('requests without or with wrong credentials are 401 with WWW-Authenticate', async () => {
      for (const headers of [
        {},
        { authorization: authorization('admin', 'wrong') },
        { authorization: authorization('root', 's3cret') },
        { authorization: authorization('admin', 's3cret-and-more') },
        { authorization: 'Bearer s3cret' },
        { authorization: 'Basic !!!' },
      ]) {
        for (const [method, path] of [
          ['GET', '/'],
          ['GET', '/connectors'],
          ['POST', '/connectors'],
          ['GET', '/nothing'],
          ['GET', '/metrics'],
        ] as const) {
          const answer = await call(guarded, method, path, undefined, headers);
          assert.equal(answer.status, 401, `${method} ${path} ${JSON.stringify(headers)}`);
          assert.match(answer.headers.get('www-authenticate') ?? '', /^Basic realm="Tributary Connect"/);
          assert.equal((answer.body as { error_code: number }).error_code, 401);
        }
      }
    });

    test('the right credentials pass', async () => {
      const answer = await call(guarded, 'GET', '/connectors', undefined, {
        authorization: authorization('admin', 's3cret'),
      });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, herder.connectors());
    });

    test('/health stays open for probes', async () => {
      const answer = await call(guarded, 'GET', '/health');
      assert.equal(answer.status, 200);
    });
  });

  describe('listeners', () => {
    test('parses Kafka listener lists; an empty host binds every interface', () => {
      assert.deepEqual(parseListeners('http://127.0.0.1:8083'), [{ host: '127.0.0.1', port: 8083 }]);
      assert.deepEqual(parseListeners('http://:8083, http://[::1]:8084/'), [
        { host: undefined, port: 8083 },
        { host: '::1', port: 8084 },
      ]);
      assert.deepEqual(parseListeners('HTTP://localhost:0'), [{ host: 'localhost', port: 0 }]);
    });

    test('refuses https, missing ports and garbage with a ConfigError on listeners', () => {
      for (const value of ['https://127.0.0.1:8443', 'http://127.0.0.1', '127.0.0.1:8083', '', 'http://h:99999']) {
        assert.throws(
          () => parseListeners(value),
          (error: unknown) => error instanceof ConfigError && error.problems[0]?.key === 'listeners',
          value,
        );
      }
    });

    test('serves on every listener and reports each URL', async () => {
      const multi = await startServer({ listeners: 'http://:0,http://127.0.0.1:0' });
      try {
        assert.equal(multi.urls.length, 2);
        assert.equal(multi.url, multi.urls[0]);
        assert.equal(multi.url, `http://127.0.0.1:${multi.port}`);
        for (const url of multi.urls) {
          const response = await fetch(`${url}/health`);
          assert.equal(response.status, 200);
        }
      } finally {
        await multi.close();
      }
    });

    test('a port already in use fails start-up with an error naming it, leaving nothing open', async () => {
      await assert.rejects(
        startServer({ listeners: `http://127.0.0.1:0,http://127.0.0.1:${server.port}` }),
        (error: unknown) =>
          error instanceof ConnectError && error.message.startsWith(`Cannot listen on 127.0.0.1:${server.port}`),
      );
    });

    test('close() lets a keep-alive client go and frees the port', async () => {
      const closing = await startServer();
      assert.equal((await call(closing, 'GET', '/connectors')).status, 200);
      await closing.close();
      await assert.rejects(fetch(`${closing.url}/connectors`));
    });
  });
});
