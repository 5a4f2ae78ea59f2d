import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '@tributary/devstack';
import { builtinPlugins } from '../../src/builtin-plugins.js';
import { parseWorkerConfig } from '../../src/config/worker-config.js';
import { LoggerLevels } from '../../src/logging/logger-levels.js';
import { createRootLogger } from '../../src/logging/root-logger.js';
import { MetricsRegistry } from '../../src/metrics/metrics-registry.js';
import { FileOffsetStore } from '../../src/offsets/file-offset-store.js';
import { PluginRegistry } from '../../src/plugins/registry.js';
import { startRestServer } from '../../src/rest/rest-server.js';
import { StandaloneHerder } from '../../src/worker/standalone-herder.js';
const broker = await startBroker({ port: 0 });
const dir = await mkdtemp(join(tmpdir(), 'scratch-'));
const worker = parseWorkerConfig({
  'bootstrap.servers': broker.bootstrap,
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'offset.storage.file.filename': join(dir, 'offsets.json'),
  'offset.flush.interval.ms': '100',
  'config.providers': 'env',
  'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
  listeners: 'http://127.0.0.1:0',
}, 'w');
const logger = createRootLogger({ level: 'silent', destination: 2 });
const offsetStore = new FileOffsetStore(join(dir, 'offsets.json'));
await offsetStore.start();
const metrics = new MetricsRegistry();
const herder = new StandaloneHerder({ worker, registry: new PluginRegistry(builtinPlugins), offsetStore, logger, metrics, env: { SECRET_FILE: '/nonexistent/S3CRET/out.txt' } });
await herder.start(); herder.markReady();
const server = await startRestServer({ herder, listeners: 'http://127.0.0.1:0', loggers: new LoggerLevels(logger), version: '0.1.0', commit: 'c', logger, metricsText: () => (metrics as unknown as {text?: () => string}).text?.() ?? '' });
async function call(method: string, path: string, body?: unknown) {
  const r = await fetch(server.url + path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  const t = await r.text();
  console.log(method, path, r.status, t.slice(0, 1500));
}
await call('GET', '/connector-plugins');
await call('GET', '/connector-plugins?connectorsOnly=false');
await call('POST', '/connectors', { name: 'src1', config: { 'connector.class': 'FileStreamSource', file: join(dir, 'in.txt'), topic: 't1', 'tasks.max': '2' } });
await call('POST', '/connectors', { name: 'sink1', config: { 'connector.class': 'FileStreamSink', file: '${env:SECRET_FILE}', topics: 't1', 'tasks.max': '2' } });
await new Promise(r => setTimeout(r, 2000));
await call('GET', '/connectors/sink1/status');
await call('GET', '/connectors/sink1/tasks');
await call('GET', '/connectors?expand=status&expand=info');
await call('POST', '/connectors', { name: 'x', config: { 'connector.class': 'org.example.Missing', 'tasks.max': 'zero' } });
await call('POST', '/connectors', { name: 'x', config: { 'tasks.max': 'zero' } });
await call('PUT', '/connector-plugins/FileStreamSource/config/validate', { 'connector.class': 'FileStreamSource', 'tasks.max': 'lots', 'producer.override.sasl.jaas.config': 'org.X required password="hunter2";', file: '${env:SECRET_FILE}' });
await call('PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', { 'connector.class': 'FileStreamSink' });
await call('GET', '/connector-plugins/FileStreamSource/config');
await call('GET', '/connectors/src1/topics');
await call('PUT', '/connectors/src1/topics/reset');
await call('POST', '/connectors/src1/restart?includeTasks=true');
await call('GET', '/connectors/src1/offsets');
await call('GET', '/connectors/sink1/offsets');
await call('GET', '/metrics');
await call('GET', '/admin/loggers');
await server.close(); await herder.stop(); await offsetStore.stop(); await broker.stop();
