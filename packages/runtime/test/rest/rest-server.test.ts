import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ConfigError, ConnectError, Password } from '@tributary/api';
import { pino } from 'pino';
import { LoggerLevels } from '../../src/logging/logger-levels.js';
import { parseListeners, type RestServer, startRestServer } from '../../src/rest/rest-server.js';
import { MapHerder, SINK_CLASS, SOURCE_CLASS } from './map-herder.js';

interface Started {
  readonly server: RestServer;
  readonly herder: MapHerder;
  readonly logLines: string[];
}

async function start(overrides: Partial<Parameters<typeof startRestServer>[0]> = {}): Promise<Started> {
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  const herder = new MapHerder();
  const server = await startRestServer({
    herder,
    listeners: 'http://127.0.0.1:0',
    loggers: new LoggerLevels(logger),
    version: '0.1.0',
    commit: 'abc123',
    logger,
    metricsText: () => '# TYPE tributary_up gauge\ntributary_up 1\n',
    ...overrides,
  });
  return { server, herder, logLines };
}

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

function sourceConfig(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'connector.class': SOURCE_CLASS, 'tasks.max': '2', file: `/tmp/${name}.txt`, ...extra };
}

async function create(server: RestServer, name: string, extra: Record<string, string> = {}): Promise<Answer> {
  const answer = await call(server, 'POST', '/connectors', { name, config: sourceConfig(name, extra) });
  assert.equal(answer.status, 201, answer.text);
  return answer;
}

describe('REST server', () => {
  let s: Started;
  before(async () => {
    s = await start();
  });
  after(async () => {
    await s.server.close();
  });

  test('GET / answers version, commit and the Kafka cluster id', async () => {
    const answer = await call(s.server, 'GET', '/');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'application/json');
    assert.deepEqual(answer.body, { version: '0.1.0', commit: 'abc123', kafka_cluster_id: 'cluster-A1' });
  });

  test('GET /health is 200 healthy when ready and 503 starting before', async () => {
    const ready = await call(s.server, 'GET', '/health');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, {
      status: 'healthy',
      message: 'Worker has completed startup and is ready to handle requests.',
    });
    s.herder.isReady = false;
    try {
      const starting = await call(s.server, 'GET', '/health');
      assert.equal(starting.status, 503);
      assert.deepEqual(starting.body, { status: 'starting', message: 'Worker is still starting up.' });
    } finally {
      s.herder.isReady = true;
    }
  });

  test('GET /metrics serves the Prometheus text format', async () => {
    const answer = await call(s.server, 'GET', '/metrics');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(answer.text, '# TYPE tributary_up gauge\ntributary_up 1\n');
  });

  test('POST /connectors creates: 201, Location and ConnectorInfo with the name added to the config', async () => {
    const name = `c-${randomUUID()}`;
    const answer = await create(s.server, name);
    assert.equal(answer.headers.get('location'), `/connectors/${name}`);
    assert.deepEqual(answer.body, {
      name,
      config: { ...sourceConfig(name), name },
      tasks: [
        { connector: name, task: 0 },
        { connector: name, task: 1 },
      ],
      type: 'source',
    });
    const again = await call(s.server, 'POST', '/connectors', { name, config: sourceConfig(name) });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, { error_code: 409, message: `Connector ${name} already exists` });
  });

  test('POST /connectors trims the name, coerces scalar values and honours initial_state', async () => {
    const name = `c-${randomUUID()}`;
    const answer = await call(s.server, 'POST', '/connectors', {
      name: `  ${name} `,
      config: { 'connector.class': SINK_CLASS, 'tasks.max': 3 },
      initial_state: 'paused',
    });
    assert.equal(answer.status, 201, answer.text);
    assert.equal((answer.body as { config: Record<string, string> }).config['tasks.max'], '3');
    const status = await call(s.server, 'GET', `/connectors/${name}/status`);
    assert.equal((status.body as { connector: { state: string } }).connector.state, 'PAUSED');
  });

  test('POST /connectors rejects bad requests with 400 and says why', async () => {
    const name = `c-${randomUUID()}`;
    const cases: [unknown, RegExp][] = [
      [{ config: sourceConfig(name) }, /Missing 'name'/],
      [{ name: '   ', config: sourceConfig(name) }, /must not be empty/],
      [{ name, config: null }, /Missing 'config'/],
      [{ name }, /Missing 'config'/],
      [{ name: 'a/b', config: sourceConfig(name) }, /must not contain '\/'/],
      [{ name: 7, config: sourceConfig(name) }, /'name' must be a string/],
      [
        { name, config: { ...sourceConfig(name), name: 'other' } },
        /Connector name configuration \(other\) doesn't match connector name in the URL/,
      ],
      [
        { name, config: { ...sourceConfig(name), file: { nested: true } } },
        /Value of 'file'.* must be a string, got an object/,
      ],
      [{ name, config: sourceConfig(name), initial_state: 'SLEEPING' }, /Invalid 'initial_state' "SLEEPING"/],
      [['not', 'an', 'object'], /Expected the connector creation request as a JSON object, got an array/],
    ];
    for (const [body, message] of cases) {
      const answer = await call(s.server, 'POST', '/connectors', body);
      assert.equal(answer.status, 400, `${JSON.stringify(body)} → ${answer.text}`);
      const error = answer.body as { error_code: number; message: string };
      assert.equal(error.error_code, 400);
      assert.match(error.message, message);
    }
    assert.equal((await call(s.server, 'GET', `/connectors/${name}`)).status, 404);
  });

  test('a ConfigError from the herder is a 400 listing every problem', async () => {
    const name = `c-${randomUUID()}`;
    const answer = await call(s.server, 'POST', '/connectors', {
      name,
      config: { 'connector.class': 'org.example.Missing', 'tasks.max': '1' },
    });
    assert.equal(answer.status, 400);
    const { message } = answer.body as { message: string };
    assert.match(message, /No connector plugin of that name/);
    const other = await call(s.server, 'POST', '/connectors', { name, config: { 'tasks.max': 'zero' } });
    assert.equal(other.status, 400);
    assert.match((other.body as { message: string }).message, /connector\.class: Missing required configuration/);
    assert.match((other.body as { message: string }).message, /tasks\.max: Invalid value "zero"/);
  });

  test('malformed JSON is a 400 that does not echo the body', async () => {
    const answer = await call(s.server, 'POST', '/connectors', '{"name": "x", "config": {"file.password": "hunter2"');
    assert.equal(answer.status, 400);
    assert.match((answer.body as { message: string }).message, /^Unrecognized token in request body/);
    assert.ok(!answer.text.includes('hunter2'));
    const empty = await call(s.server, 'POST', '/connectors', '');
    assert.equal(empty.status, 400);
    assert.match((empty.body as { message: string }).message, /Request body is empty/);
  });

  test('a body declared as something other than JSON is a 415', async () => {
    const answer = await call(s.server, 'POST', '/connectors', 'name=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(answer.status, 415);
    assert.equal((answer.body as { error_code: number }).error_code, 415);
  });

  test('GET /connectors lists names; expand=status and expand=info (repeatable) give maps', async () => {
    const name = `c-${randomUUID()}`;
    await create(s.server, name);
    const names = await call(s.server, 'GET', '/connectors');
    assert.equal(names.status, 200);
    assert.ok(Array.isArray(names.body) && names.body.includes(name));

    const both = await call(s.server, 'GET', '/connectors?expand=status&expand=info');
    const entry = (both.body as Record<string, { status: unknown; info: unknown }>)[name];
    assert.deepEqual(entry?.info, s.herder.connectorInfo(name));
    assert.deepEqual(entry?.status, s.herder.connectorStatus(name));

    const statusOnly = await call(s.server, 'GET', '/connectors?expand=status');
    assert.deepEqual(Object.keys((statusOnly.body as Record<string, object>)[name] ?? {}), ['status']);
    const unknown = await call(s.server, 'GET', '/connectors?expand=everything');
    assert.deepEqual((unknown.body as Record<string, object>)[name], {});
  });

  test('GET /connectors/{n}, /config, /status, /tasks, /tasks-config and task status', async () => {
    const name = `c-${randomUUID()}`;
    await create(s.server, name);
    const info = await call(s.server, 'GET', `/connectors/${name}`);
    assert.equal(info.status, 200);
    assert.deepEqual(info.body, s.herder.connectorInfo(name));

    const config = await call(s.server, 'GET', `/connectors/${name}/config`);
    assert.deepEqual(config.body, { ...sourceConfig(name), name });

    const status = await call(s.server, 'GET', `/connectors/${name}/status`);
    assert.deepEqual(status.body, {
      name,
      connector: { state: 'RUNNING', worker_id: 'worker-1:8083' },
      tasks: [
        { id: 0, state: 'RUNNING', worker_id: 'worker-1:8083' },
        { id: 1, state: 'RUNNING', worker_id: 'worker-1:8083' },
      ],
      type: 'source',
    });

    const tasks = await call(s.server, 'GET', `/connectors/${name}/tasks`);
    assert.deepEqual(tasks.body, s.herder.taskConfigs(name));
    const tasksConfig = await call(s.server, 'GET', `/connectors/${name}/tasks-config`);
    assert.deepEqual(Object.keys(tasksConfig.body as object), [`${name}-0`, `${name}-1`]);
    assert.deepEqual((tasksConfig.body as Record<string, unknown>)[`${name}-1`], s.herder.taskConfigs(name)[1]?.config);

    const task = await call(s.server, 'GET', `/connectors/${name}/tasks/1/status`);
    assert.deepEqual(task.body, { id: 1, state: 'RUNNING', worker_id: 'worker-1:8083' });
    assert.equal((await call(s.server, 'GET', `/connectors/${name}/tasks/7/status`)).status, 404);
    assert.equal((await call(s.server, 'GET', `/connectors/${name}/tasks/one/status`)).status, 404);
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
      ['POST', `/connectors/${name}/tasks/0/restart`],
      ['PUT', `/connectors/${name}/pause`],
      ['PUT', `/connectors/${name}/resume`],
      ['PUT', `/connectors/${name}/stop`],
      ['DELETE', `/connectors/${name}`],
      ['GET', `/connectors/${name}/offsets`],
      ['DELETE', `/connectors/${name}/offsets`],
      ['GET', `/connectors/${name}/topics`],
      ['PUT', `/connectors/${name}/topics/reset`],
    ];
    for (const [method, path, body] of routes) {
      const answer = await call(s.server, method, path, body);
      assert.equal(answer.status, 404, `${method} ${path}`);
      assert.deepEqual(answer.body, { error_code: 404, message: `Connector ${name} not found` }, `${method} ${path}`);
    }
  });

  test('PUT /connectors/{n}/config: 201 + Location when created, 200 when replaced, name must match', async () => {
    const name = `c-${randomUUID()}`;
    const created = await call(s.server, 'PUT', `/connectors/${name}/config`, sourceConfig(name));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.get('location'), `/connectors/${name}`);
    assert.equal((created.body as { name: string }).name, name);

    const replaced = await call(s.server, 'PUT', `/connectors/${name}/config`, {
      ...sourceConfig(name),
      'tasks.max': '1',
      name,
    });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.headers.get('location'), null);
    assert.deepEqual((replaced.body as { tasks: unknown[] }).tasks, [{ connector: name, task: 0 }]);

    const mismatch = await call(s.server, 'PUT', `/connectors/${name}/config`, {
      ...sourceConfig(name),
      name: 'other',
    });
    assert.equal(mismatch.status, 400);
    assert.equal(
      (mismatch.body as { message: string }).message,
      `Connector name configuration (other) doesn't match connector name in the URL (${name})`,
    );
    const notAMap = await call(s.server, 'PUT', `/connectors/${name}/config`, ['x']);
    assert.equal(notAMap.status, 400);
  });

  test('PATCH /connectors/{n}/config merges, null removes a key, answers 200', async () => {
    const name = `c-${randomUUID()}`;
    await create(s.server, name, { 'file.password': 'p' });
    const answer = await call(s.server, 'PATCH', `/connectors/${name}/config`, {
      'tasks.max': '3',
      'file.password': null,
    });
    assert.equal(answer.status, 200, answer.text);
    const config = (answer.body as { config: Record<string, string> }).config;
    assert.equal(config['tasks.max'], '3');
    assert.equal(config['file.password'], undefined);
    assert.equal(config['name'], name);
    assert.equal(config['file'], `/tmp/${name}.txt`);
    const renamed = await call(s.server, 'PATCH', `/connectors/${name}/config`, { name: 'other' });
    assert.equal(renamed.status, 400);
  });

  test('names are URL-decoded from the path', async () => {
    const name = `c ${randomUUID()} é`;
    await create(s.server, name);
    const answer = await call(s.server, 'GET', `/connectors/${encodeURIComponent(name)}/status`);
    assert.equal(answer.status, 200);
    assert.equal((answer.body as { name: string }).name, name);
    const location = (await call(s.server, 'GET', '/connectors')).body as string[];
    assert.ok(location.includes(name));
    assert.equal((await call(s.server, 'GET', '/connectors/%E0%A4%A/status')).status, 400);
    const slashed = await call(s.server, 'PUT', '/connectors/a%2Fb/config', sourceConfig('a/b'));
    assert.equal(slashed.status, 400);
    assert.equal((slashed.body as { message: string }).message, `Connector name "a/b" must not contain '/'`);
  });

  test('restart: 204 for the connector only, 202 + state with includeTasks or onlyFailed', async () => {
    const name = `c-${randomUUID()}`;
    await create(s.server, name);
    const plain = await call(s.server, 'POST', `/connectors/${name}/restart`);
    assert.equal(plain.status, 204);
    assert.equal(plain.text, '');
    const withTasks = await call(s.server, 'POST', `/connectors/${name}/restart?includeTasks=true&onlyFailed=false`);
    assert.equal(withTasks.status, 202);
    const state = withTasks.body as { connector: { state: string }; tasks: { state: string }[] };
    assert.equal(state.connector.state, 'RESTARTING');
    assert.deepEqual(
      state.tasks.map((t) => t.state),
      ['RESTARTING', 'RESTARTING'],
    );
    const onlyFailed = await call(s.server, 'POST', `/connectors/${name}/restart?onlyFailed=TRUE`);
    assert.equal(onlyFailed.status, 202);
    assert.deepEqual(
      s.herder.restarts.filter((r) => r.name === name).map((r) => r.request),
      [
        { includeTasks: false, onlyFailed: false },
        { includeTasks: true, onlyFailed: false },
        { includeTasks: false, onlyFailed: true },
      ],
    );
    const task = await call(s.server, 'POST', `/connectors/${name}/tasks/1/restart`);
    assert.equal(task.status, 204);
    assert.deepEqual(
      s.herder.taskRestarts.filter((r) => r.name === name),
      [{ name, task: 1 }],
    );
  });

  test('pause and resume answer 202, stop 204, delete 204', async () => {
    const name = `c-${randomUUID()}`;
    await create(s.server, name);
    const state = async () =>
      ((await call(s.server, 'GET', `/connectors/${name}/status`)).body as { connector: { state: string } }).connector
        .state;
    const pause = await call(s.server, 'PUT', `/connectors/${name}/pause`);
    assert.equal(pause.status, 202);
    assert.equal(pause.text, '');
    assert.equal(await state(), 'PAUSED');
    assert.equal((await call(s.server, 'PUT', `/connectors/${name}/resume`)).status, 202);
    assert.equal(await state(), 'RUNNING');
    assert.equal((await call(s.server, 'PUT', `/connectors/${name}/stop`)).status, 204);
    assert.equal(await state(), 'STOPPED');
    const deleted = await call(s.server, 'DELETE', `/connectors/${name}`);
    assert.equal(deleted.status, 204);
    assert.equal((await call(s.server, 'GET', `/connectors/${name}`)).status, 404);
  });

  test('offsets: GET lists, PATCH/DELETE need STOPPED (409), then answer Kafka messages', async () => {
    const name = `c-${randomUUID()}`;
    await create(s.server, name);
    const initial = await call(s.server, 'GET', `/connectors/${name}/offsets`);
    assert.equal(initial.status, 200);
    assert.deepEqual(initial.body, { offsets: [] });
    const offsets = { offsets: [{ partition: { file: 'a.txt' }, offset: { position: 42 } }] };

    const running = await call(s.server, 'PATCH', `/connectors/${name}/offsets`, offsets);
    assert.equal(running.status, 409);
    assert.deepEqual(running.body, {
      error_code: 409,
      message: 'Connectors must be in the STOPPED state before their offsets can be modified.',
    });

    await call(s.server, 'PUT', `/connectors/${name}/stop`);
    const altered = await call(s.server, 'PATCH', `/connectors/${name}/offsets`, offsets);
    assert.equal(altered.status, 200);
    assert.deepEqual(altered.body, { message: 'The offsets for this connector have been altered successfully' });
    assert.deepEqual((await call(s.server, 'GET', `/connectors/${name}/offsets`)).body, offsets);

    const reset = await call(s.server, 'DELETE', `/connectors/${name}/offsets`);
    assert.equal(reset.status, 200);
    assert.deepEqual(reset.body, { message: 'The offsets for this connector have been reset successfully' });
    assert.deepEqual((await call(s.server, 'GET', `/connectors/${name}/offsets`)).body, { offsets: [] });
  });

  test('PATCH offsets rejects an empty or malformed list with 400', async () => {
    const name = `c-${randomUUID()}`;
    await create(s.server, name);
    await call(s.server, 'PUT', `/connectors/${name}/stop`);
    const bodies = [
      {},
      { offsets: [] },
      { offsets: null },
      { offsets: 'x' },
      { offsets: [{ offset: { p: 1 } }] },
      { offsets: [{ partition: { f: { deep: 1 } }, offset: null }] },
    ];
    for (const body of bodies) {
      const answer = await call(s.server, 'PATCH', `/connectors/${name}/offsets`, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
    }
    const empty = await call(s.server, 'PATCH', `/connectors/${name}/offsets`, { offsets: [] });
    assert.equal(
      (empty.body as { message: string }).message,
      'Partitions / offsets need to be provided for an alter offsets request',
    );
  });

  test('topics: GET answers {name: {topics}}, PUT reset answers 202', async () => {
    const name = `c-${randomUUID()}`;
    await create(s.server, name);
    const topics = await call(s.server, 'GET', `/connectors/${name}/topics`);
    assert.equal(topics.status, 200);
    assert.deepEqual(topics.body, { [name]: { topics: [`topic-of-${name}`] } });
    assert.equal((await call(s.server, 'PUT', `/connectors/${name}/topics/reset`)).status, 202);
    assert.deepEqual((await call(s.server, 'GET', `/connectors/${name}/topics`)).body, { [name]: { topics: [] } });
  });

  test('GET /connector-plugins lists connectors only by default, everything with connectorsOnly=false', async () => {
    const connectors = await call(s.server, 'GET', '/connector-plugins');
    assert.equal(connectors.status, 200);
    assert.deepEqual(connectors.body, [
      { class: SOURCE_CLASS, type: 'source', version: '1.0.0' },
      { class: SINK_CLASS, type: 'sink', version: '1.0.0' },
    ]);
    const all = await call(s.server, 'GET', '/connector-plugins?connectorsOnly=false');
    assert.equal((all.body as unknown[]).length, 3);
  });

  test('GET /connector-plugins/{p}/config answers ConfigKeyInfo entries; unknown plugin 404', async () => {
    const answer = await call(s.server, 'GET', '/connector-plugins/FileStreamSourceConnector/config');
    assert.equal(answer.status, 200);
    const tasksMax = (answer.body as { name: string }[]).find((k) => k.name === 'tasks.max');
    assert.deepEqual(tasksMax, {
      name: 'tasks.max',
      type: 'INT',
      required: false,
      default_value: '1',
      importance: 'MEDIUM',
      documentation: 'Maximum number of tasks.',
      group: null,
      order_in_group: -1,
      width: 'NONE',
      display_name: 'tasks.max',
      dependents: [],
    });
    assert.equal((await call(s.server, 'GET', '/connector-plugins/Nope/config')).status, 404);
  });

  test('PUT /connector-plugins/{p}/config/validate answers ConfigInfos, hides passwords, checks connector.class', async () => {
    const answer = await call(s.server, 'PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', {
      'connector.class': SOURCE_CLASS,
      'tasks.max': 'lots',
      'file.password': 'hunter2',
    });
    assert.equal(answer.status, 200, answer.text);
    const infos = answer.body as {
      name: string;
      error_count: number;
      groups: string[];
      configs: { definition: { name: string }; value: { name: string; value: string | null; errors: string[] } }[];
    };
    assert.equal(infos.name, SOURCE_CLASS);
    assert.equal(infos.error_count, 2);
    assert.deepEqual(infos.groups, ['Common']);
    const byName = new Map(infos.configs.map((c) => [c.value.name, c.value]));
    assert.equal(byName.get('file.password')?.value, '[hidden]');
    assert.equal(byName.get('tasks.max')?.errors.length, 1);
    assert.ok(!answer.text.includes('hunter2'));

    for (const connectorClass of ['FileStreamSource', 'org.example.FileStreamSourceConnector']) {
      const matching = await call(s.server, 'PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', {
        'connector.class': connectorClass,
        name: 'x',
      });
      assert.equal(matching.status, 200, connectorClass);
    }
    const mismatch = await call(s.server, 'PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', {
      'connector.class': SINK_CLASS,
    });
    assert.equal(mismatch.status, 400);
    assert.equal(
      (mismatch.body as { message: string }).message,
      `Included connector type ${SINK_CLASS} does not match request type FileStreamSourceConnector`,
    );
  });

  test('/admin/loggers: list, get, set (worker scope lists loggers, cluster scope 204), errors as Kafka', async () => {
    const name = `org.example.${randomUUID()}`;
    const list = await call(s.server, 'GET', '/admin/loggers');
    assert.equal(list.status, 200);
    assert.deepEqual((list.body as Record<string, unknown>)['root'], { level: 'DEBUG', last_modified: null });
    assert.equal((await call(s.server, 'GET', `/admin/loggers/${name}`)).status, 404);

    const set = await call(s.server, 'PUT', `/admin/loggers/${name}`, { level: 'warn' });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.body, [name]);
    const got = await call(s.server, 'GET', `/admin/loggers/${name}`);
    assert.equal((got.body as { level: string }).level, 'WARN');
    assert.equal(typeof (got.body as { last_modified: unknown }).last_modified, 'number');

    const cluster = await call(s.server, 'PUT', `/admin/loggers/${name}?scope=cluster`, { level: 'ERROR' });
    assert.equal(cluster.status, 204);
    assert.equal(((await call(s.server, 'GET', `/admin/loggers/${name}`)).body as { level: string }).level, 'ERROR');

    const missingLevel = await call(s.server, 'PUT', `/admin/loggers/${name}`, {});
    assert.equal(missingLevel.status, 400);
    assert.equal(
      (missingLevel.body as { message: string }).message,
      "Desired 'level' parameter was not specified in request.",
    );
    const badLevel = await call(s.server, 'PUT', `/admin/loggers/${name}`, { level: 'LOUD' });
    assert.equal(badLevel.status, 404);
    assert.equal((badLevel.body as { message: string }).message, "invalid log level 'LOUD'.");
  });

  test('unknown paths are 404, other methods 405 with Allow', async () => {
    const unknown = await call(s.server, 'GET', '/nothing/here');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error_code: 404, message: 'HTTP 404 Not Found' });
    const wrong = await call(s.server, 'DELETE', '/connector-plugins');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
    assert.deepEqual(wrong.body, { error_code: 405, message: 'HTTP 405 Method Not Allowed' });
    const config = await call(s.server, 'POST', '/connectors/x/config');
    assert.equal(config.headers.get('allow'), 'GET, PUT, PATCH');
    assert.equal((await call(s.server, 'GET', '/connectors/')).status, 200);
  });

  test('an unexpected error is a 500 with a generic message; the details are only in the log', async () => {
    const name = `c-${randomUUID()}`;
    await create(s.server, name);
    const fault = new Error('connection to jdbc:mysql://admin:S3CRET-PASSWORD@db failed');
    fault.stack = `${fault.message}\n    at secretive (/srv/S3CRET-PASSWORD.js:1:1)`;
    s.herder.fault = fault;
    try {
      const answer = await call(s.server, 'GET', `/connectors/${name}/status`);
      assert.equal(answer.status, 500);
      const body = answer.body as { error_code: number; message: string };
      assert.equal(body.error_code, 500);
      assert.match(body.message, /^The worker failed to handle this request; see its log for request \d+$/);
      assert.ok(!answer.text.includes('S3CRET'));
      assert.ok(!answer.text.includes(' at '));
      const requestId = /request (\d+)/.exec(body.message)?.[1];
      const logged = s.logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((l) => l['requestId'] === Number(requestId) && l['level'] === 50);
      assert.ok(logged !== undefined, 'the failure is logged under its request id');
      assert.match(JSON.stringify(logged['err']), /secretive/);
    } finally {
      s.herder.fault = undefined;
    }
  });

  test('a body over the limit is a 413, declared or streamed', async () => {
    const small = await start({ maxBodyBytes: 1024 });
    try {
      const declared = await call(small.server, 'PUT', '/connectors/x/config', { file: 'y'.repeat(2048) });
      assert.equal(declared.status, 413);
      assert.deepEqual(declared.body, {
        error_code: 413,
        message: 'Request body is larger than the limit of 1024 bytes',
      });

      const streamed = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
        const req = httpRequest(`${small.server.url}/connectors/x/config`, {
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
        req.write(`{"file": "${'z'.repeat(800)}`);
        req.write(`${'z'.repeat(800)}"}`);
        req.end();
      });
      assert.equal(streamed.status, 413);
      assert.match(streamed.body, /larger than the limit of 1024 bytes/);
      assert.equal(small.herder.connectors().length, 0);
    } finally {
      await small.server.close();
    }
  });

  test('a herder call that never settles answers 500 Request timed out', async () => {
    const slow = await start({ requestTimeoutMs: 20 });
    slow.herder.isClusterUnreachable = true;
    try {
      const answer = await call(slow.server, 'GET', '/');
      assert.equal(answer.status, 500);
      assert.deepEqual(answer.body, { error_code: 500, message: 'Request timed out' });
    } finally {
      await slow.server.close();
    }
  });
});

describe('REST server with basic auth', () => {
  let s: Started;
  const authorization = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  before(async () => {
    s = await start({ basicAuth: { username: 'admin', password: new Password('s3cret') } });
  });
  after(async () => {
    await s.server.close();
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
      for (const path of ['/', '/connectors', '/nothing', '/metrics']) {
        const answer = await call(s.server, 'GET', path, undefined, headers);
        assert.equal(answer.status, 401, `${path} ${JSON.stringify(headers)}`);
        assert.match(answer.headers.get('www-authenticate') ?? '', /^Basic realm="Tributary Connect"/);
        assert.equal((answer.body as { error_code: number }).error_code, 401);
      }
    }
  });

  test('the right credentials pass', async () => {
    const answer = await call(s.server, 'GET', '/connectors', undefined, {
      authorization: authorization('admin', 's3cret'),
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, []);
  });

  test('/health stays open for probes', async () => {
    const answer = await call(s.server, 'GET', '/health');
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
    const s = await start({ listeners: 'http://:0,http://127.0.0.1:0' });
    try {
      assert.equal(s.server.urls.length, 2);
      assert.equal(s.server.url, s.server.urls[0]);
      assert.equal(s.server.url, `http://127.0.0.1:${s.server.port}`);
      for (const url of s.server.urls) {
        const response = await fetch(`${url}/health`);
        assert.equal(response.status, 200);
      }
    } finally {
      await s.server.close();
    }
  });

  test('a port already in use fails start-up with an error naming it, leaving nothing open', async () => {
    const first = await start();
    try {
      await assert.rejects(
        start({ listeners: `http://127.0.0.1:0,http://127.0.0.1:${first.server.port}` }),
        (error: unknown) =>
          error instanceof ConnectError && error.message.startsWith(`Cannot listen on 127.0.0.1:${first.server.port}`),
      );
    } finally {
      await first.server.close();
    }
  });

  test('close() lets a keep-alive client go and frees the port', async () => {
    const s = await start();
    await call(s.server, 'GET', '/connectors');
    await s.server.close();
    await assert.rejects(fetch(`${s.server.url}/connectors`));
  });
});
