import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { runStandalone } from '../../src/worker/run-standalone.js';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('runStandalone', () => {
  let broker: RunningBroker;
  let dir = '';

  before(async () => {
    broker = await startBroker({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'run-standalone-'));
  });

  after(async () => {
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function files(id: string): Promise<{ worker: string; source: string; sink: string; input: string; output: string }> {
    const input = join(dir, `in-${id}.txt`);
    const output = join(dir, `out-${id}.txt`);
    const worker = join(dir, `worker-${id}.properties`);
    await writeFile(
      worker,
      [
        `bootstrap.servers=${broker.bootstrap}`,
        'key.converter=org.apache.kafka.connect.storage.StringConverter',
        'value.converter=org.apache.kafka.connect.storage.StringConverter',
        `offset.storage.file.filename=${join(dir, `offsets-${id}.json`)}`,
        'offset.flush.interval.ms=200',
        'listeners=http://127.0.0.1:0',
        '',
      ].join('\n'),
    );
    const source = join(dir, `source-${id}.properties`);
    await writeFile(source, `name=source-${id}\nconnector.class=org.apache.kafka.connect.file.FileStreamSourceConnector\nfile=${input}\ntopic=t-${id}\n`);
    const sink = join(dir, `sink-${id}.json`);
    await writeFile(sink, JSON.stringify({ name: `sink-${id}`, config: { 'connector.class': 'FileStreamSink', file: output, topics: `t-${id}` } }));
    return { worker, source, sink, input, output };
  }

  it('starts the connectors of the files, serves the REST API and stops cleanly', async () => {
    const id = randomUUID().slice(0, 8);
    const f = await files(id);
    await writeFile(f.input, 'x\ny\n');
    const printed: string[] = [];
    const handle = await runStandalone({
      workerPropsPath: f.worker,
      connectorPaths: [f.source, f.sink],
      stdout: { write: (text: string) => printed.push(text) },
      log: { level: 'silent' },
    });
    try {
      assert.match(printed.join(''), new RegExp(`REST API listening on ${handle.restUrl} \\(connectors: source-${id}, sink-${id}\\)\\n$`));
      await waitFor('the sink file', async () => ((await readFile(f.output, 'utf8').catch(() => '')) === 'x\ny\n' ? true : undefined));
      const response = await fetch(`${handle.restUrl}/connectors?expand=status`);
      const body = (await response.json()) as Record<string, { status: { connector: { state: string; worker_id: string } } }>;
      assert.equal(body[`source-${id}`]?.status.connector.state, 'RUNNING');
      assert.equal(body[`sink-${id}`]?.status.connector.worker_id, `127.0.0.1:${new URL(handle.restUrl).port}`);
      assert.equal((await fetch(`${handle.restUrl}/health`)).status, 200);
    } finally {
      await handle.stop();
      await handle.stop();
    }
    await assert.rejects(fetch(`${handle.restUrl}/`));
  });

  it('checks every connector file before starting anything, naming the file', async () => {
    const id = randomUUID().slice(0, 8);
    const f = await files(id);
    const bad = join(dir, `bad-${id}.properties`);
    await writeFile(bad, `name=bad-${id}\nconnector.class=FileStreamSource\ntasks.max=0\n`);
    await assert.rejects(
      runStandalone({ workerPropsPath: f.worker, connectorPaths: [f.source, bad], stdout: { write: () => {} }, log: { level: 'silent' } }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, new RegExp(`connector file ${bad}`));
        assert.deepEqual(err.problems.map((p) => p.key).sort(), ['file', 'tasks.max', 'topic']);
        return true;
      },
    );
    await assert.rejects(
      runStandalone({ workerPropsPath: f.worker, connectorPaths: [f.source, f.source], stdout: { write: () => {} }, log: { level: 'silent' } }),
      /used by both/,
    );
  });
});
