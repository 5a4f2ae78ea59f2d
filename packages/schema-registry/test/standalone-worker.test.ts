import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningBroker, type RunningSchemaRegistry, startBroker, startSchemaRegistry } from '@tributary/devstack';
import { builtinPlugins, PluginRegistry, runStandalone } from '@tributary/runtime';
import { schemaRegistryPlugins } from '../src/plugins.js';
import { registryCall } from './helpers/registry.js';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('AvroConverter in the standalone worker (FileStreamSource → Kafka as Avro → FileStreamSink)', () => {
  let broker: RunningBroker;
  let dir = '';
  const registryTopic = `_schemas-${randomUUID()}`;

  before(async () => {
    broker = await startBroker({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'schema-registry-worker-'));
  });

  after(async () => {
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('retries while the registry is down, writes nothing unconverted, then delivers every line', async () => {
    // Learn a free port, then leave the registry stopped: the worker starts without one.
    const probe = await startSchemaRegistry({ port: 0, bootstrapServers: [broker.bootstrap], topic: registryTopic });
    const port = probe.port;
    const url = probe.url;
    await probe.stop();

    const id = randomUUID().slice(0, 8);
    const topic = `lines-${id}`;
    const input = join(dir, `in-${id}.txt`);
    const output = join(dir, `out-${id}.txt`);
    const worker = join(dir, `worker-${id}.properties`);
    await writeFile(
      worker,
      [
        `bootstrap.servers=${broker.bootstrap}`,
        'key.converter=org.apache.kafka.connect.storage.StringConverter',
        'value.converter=io.confluent.connect.avro.AvroConverter',
        `value.converter.schema.registry.url=${url}`,
        `offset.storage.file.filename=${join(dir, `offsets-${id}.json`)}`,
        'offset.flush.interval.ms=200',
        'listeners=http://127.0.0.1:0',
        '',
      ].join('\n'),
    );
    const source = join(dir, `source-${id}.properties`);
    await writeFile(
      source,
      [
        `name=source-${id}`,
        'connector.class=org.apache.kafka.connect.file.FileStreamSourceConnector',
        `file=${input}`,
        `topic=${topic}`,
        'errors.retry.timeout=120000',
        'errors.retry.delay.max.ms=200',
        '',
      ].join('\n'),
    );
    const sink = join(dir, `sink-${id}.properties`);
    await writeFile(
      sink,
      [`name=sink-${id}`, 'connector.class=FileStreamSink', `file=${output}`, `topics=${topic}`, ''].join('\n'),
    );
    await writeFile(input, 'a\nb\n');

    const handle = await runStandalone({
      workerPropsPath: worker,
      connectorPaths: [source, sink],
      registry: new PluginRegistry([...builtinPlugins, ...schemaRegistryPlugins]),
      stdout: { write: () => {} },
      log: { level: 'silent' },
    });
    let registry: RunningSchemaRegistry | null = null;
    try {
      const status = async () =>
        (
          (await (await fetch(`${handle.restUrl}/connectors/source-${id}/status`)).json()) as {
            tasks: { state: string }[];
          }
        ).tasks[0]?.state;
      // The source task has read the lines and is retrying the conversion: still RUNNING,
      // nothing reached the sink.
      await waitFor('the source task', async () => ((await status()) === 'RUNNING' ? true : undefined));
      assert.equal(await readFile(output, 'utf8').catch(() => ''), '');

      registry = await startSchemaRegistry({ port, bootstrapServers: [broker.bootstrap], topic: registryTopic });
      await waitFor('the sink file', async () =>
        (await readFile(output, 'utf8').catch(() => '')) === 'a\nb\n' ? true : undefined,
      );
      await appendFile(input, 'c\n');
      await waitFor('the third line', async () =>
        (await readFile(output, 'utf8').catch(() => '')) === 'a\nb\nc\n' ? true : undefined,
      );
      assert.equal(await status(), 'RUNNING');
      const latest = await registryCall(registry.url, 'GET', `/subjects/${topic}-value/versions/latest`);
      assert.equal((latest.json as { schema: string }).schema, '"string"');
    } finally {
      await handle.stop();
      await registry?.stop();
    }
  });
});
