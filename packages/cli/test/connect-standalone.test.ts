import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { Attr, canCompress, createWireClient } from '@tributary/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { type CliProcess, kcat, runCli, startCli, stopCli } from './cli-process.js';

const compatWorkerFile = fileURLToPath(
  new URL('../../../../shared/compat/connect-standalone.properties', import.meta.url),
);
const CODEC_IDS: Readonly<Record<string, number>> = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
const LISTENING =
  /^tributary connect-standalone: REST API listening on (http:\/\/[^ ,]+)(?:, [^ ]+)* \(connectors: (.+)\)$/;

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function restUrlOf(line: string): string {
  const match = LISTENING.exec(line);
  assert.ok(match, `unexpected first line: ${line}`);
  return match[1] ?? '';
}

describe('tributary connect-standalone', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let dir = '';

  before(async () => {
    broker = await startBroker({ port: 0 });
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    dir = mkdtempSync(join(tmpdir(), 'connect-standalone-'));
  });

  after(async () => {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every value in `topic` (as a string), once it holds at least `count` records. */
  async function readTopic(topic: string, count: number): Promise<string[]> {
    const admin = kafka.admin();
    await admin.connect();
    let size = 0;
    try {
      size = await waitFor(`${count} records in ${topic}`, async () => {
        const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
        const n = offsets.reduce((sum, p) => sum + Number(p.high), 0);
        return n >= count ? n : undefined;
      });
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? 'null');
      },
    });
    await waitFor(`reading ${size} records`, () => (values.length >= size ? true : undefined));
    await consumer.disconnect();
    return values;
  }

  function workerFile(name: string, extra: Record<string, string> = {}): string {
    const props = {
      'bootstrap.servers': broker.bootstrap,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'offset.storage.file.filename': join(dir, `${name}.offsets`),
      'offset.flush.interval.ms': '300',
      listeners: 'http://127.0.0.1:0',
      ...extra,
    };
    const path = join(dir, `${name}-worker.properties`);
    writeFileSync(
      path,
      Object.entries(props)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return path;
  }

  function sourceFile(name: string, input: string, topic: string): string {
    const path = join(dir, `${name}.properties`);
    writeFileSync(path, `name=${name}\nconnector.class=FileStreamSource\ntasks.max=1\nfile=${input}\ntopic=${topic}\n`);
    return path;
  }

  it('rejects a command line without the worker file (exit 2)', async () => {
    const none = await runCli(['connect-standalone']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /missing the worker properties file/);
    const flag = await runCli(['connect-standalone', '--bogus', 'w.properties']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /bogus/);
    const help = await runCli(['connect-standalone', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: tributary connect-standalone/);
  });

  it('fails to start with exit 1, naming the file, the key and the value', async () => {
    const bad = join(dir, 'bad-worker.properties');
    writeFileSync(
      bad,
      `bootstrap.servers=${broker.bootstrap}\nvalue.converter=org.apache.kafka.connect.json.JsonConverter\noffset.flush.interval.ms=soon\n`,
    );
    const r = await runCli(['connect-standalone', bad]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    for (const key of ['key.converter', 'offset.storage.file.filename', 'offset.flush.interval.ms'])
      assert.match(r.stderr, new RegExp(key));
    assert.match(r.stderr, /soon/);

    const missing = join(dir, 'no-such-connector.properties');
    const r2 = await runCli(['connect-standalone', workerFile('missing-connector'), missing]);
    assert.equal(r2.code, 1, r2.stderr);
    assert.match(r2.stderr, /no-such-connector\.properties/);

    const badConnector = join(dir, 'bad-connector.properties');
    writeFileSync(badConnector, 'name=bad\nconnector.class=FileStreamSource\nbatch.size=-5\n');
    const r3 = await runCli(['connect-standalone', workerFile('bad-connector'), badConnector]);
    assert.equal(r3.code, 1, r3.stderr);
    assert.match(r3.stderr, /bad-connector\.properties/);
    for (const key of ['topic', 'file', 'batch.size']) assert.match(r3.stderr, new RegExp(`${key}:`));
  });

  it('runs Kafka’s connect-standalone.properties (bootstrap.servers changed) with a FileStream source until SIGTERM', async () => {
    const id = randomUUID().slice(0, 8);
    const topic = `quickstart-${id}`;
    const input = join(dir, `quickstart-${id}.txt`);
    writeFileSync(input, 'hello\nworld\n');
    const offsets = join(dir, `quickstart-${id}.offsets`);
    const worker = join(dir, `compat-${id}.properties`);
    writeFileSync(
      worker,
      `${readFileSync(compatWorkerFile, 'utf8')
        .replace(/^bootstrap\.servers=.*$/m, `bootstrap.servers=${broker.bootstrap}`)
        .replace(
          /^offset\.storage\.file\.filename=.*$/m,
          `offset.storage.file.filename=${offsets}`,
        )}\nlisteners=http://127.0.0.1:0\n`,
    );
    const cli = startCli([
      'connect-standalone',
      '--log-format',
      'json',
      worker,
      sourceFile(`quickstart-${id}`, input, topic),
    ]);
    try {
      const url = restUrlOf(await cli.firstLine());
      const values = await readTopic(topic, 2);
      assert.deepEqual(
        values.map((v) => JSON.parse(v)),
        ['hello', 'world'].map((payload) => ({ schema: { type: 'string', optional: false }, payload })),
      );
      const status = (await (await fetch(`${url}/connectors/quickstart-${id}/status`)).json()) as {
        connector: { state: string };
        tasks: { state: string }[];
      };
      assert.equal(status.connector.state, 'RUNNING');
      assert.deepEqual(
        status.tasks.map((t) => t.state),
        ['RUNNING'],
      );
    } finally {
      const result = await stopCli(cli, 'SIGTERM');
      assert.equal(result.code, 0, result.stderr);
    }
    // The clean stop committed the position after the last line.
    assert.match(readFileSync(offsets, 'utf8'), new RegExp(`"position":${'hello\nworld\n'.length}`));
  });

  it('loses no line and duplicates only what followed the last offset flush when killed with SIGKILL', async () => {
    const id = randomUUID().slice(0, 8);
    const topic = `crash-${id}`;
    const input = join(dir, `crash-${id}.txt`);
    const total = 3000;
    const line = (i: number) => `line-${String(i).padStart(5, '0')}`;
    writeFileSync(input, '');
    const worker = workerFile(`crash-${id}`);
    const connector = sourceFile(`crash-${id}`, input, topic);
    const offsetsFile = join(dir, `crash-${id}.offsets`);

    let cli: CliProcess = startCli(['connect-standalone', '--log-format', 'json', worker, connector]);
    await cli.firstLine();
    for (let i = 0; i < total / 2; i += 100) {
      appendFileSync(input, Array.from({ length: 100 }, (_, k) => `${line(i + k)}\n`).join(''));
      await new Promise((r) => setTimeout(r, 20));
    }
    await readTopic(topic, total / 4);
    cli.child.kill('SIGKILL');
    await cli.exited;
    const stored = /"position":(\d+)/.exec(readFileSync(offsetsFile, 'utf8').toString());
    const committedPosition = Number(stored?.[1] ?? 0);
    const committedLines = committedPosition / `${line(0)}\n`.length;

    appendFileSync(input, Array.from({ length: total / 2 }, (_, k) => `${line(total / 2 + k)}\n`).join(''));
    cli = startCli(['connect-standalone', '--log-format', 'json', worker, connector]);
    await cli.firstLine();
    try {
      const values = await waitFor('every line', async () => {
        const all = await readTopic(topic, total);
        return new Set(all).size === total ? all : undefined;
      });
      const counts = new Map<string, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      for (let i = 0; i < total; i++) {
        const n = counts.get(line(i)) ?? 0;
        assert.ok(n >= 1, `${line(i)} is missing`);
        if (i < committedLines) assert.equal(n, 1, `${line(i)} was committed before the crash but appears ${n} times`);
        else assert.ok(n <= 2, `${line(i)} appears ${n} times`);
      }
    } finally {
      const result = await stopCli(cli, 'SIGTERM');
      assert.equal(result.code, 0, result.stderr);
    }
  });

  it('sinks topics librdkafka wrote with each codec, through the protocol client and through kafkajs', async () => {
    const id = randomUUID().slice(0, 8);
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd'];
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${'z'.repeat(i % 40)}`);
    for (const codec of codecs) {
      const produced = await kcat(
        ['-b', broker.bootstrap, '-P', '-t', `codec-${codec}-${id}`, '-z', codec, '-X', 'linger.ms=50'],
        `${lines.join('\n')}\n`,
      );
      assert.equal(produced.code, 0, produced.stderr);
    }
    // client.rack makes sink tasks consume with kafkajs instead of the protocol client.
    for (const [path, extra] of [
      ['wire', {}],
      ['kafkajs', { 'consumer.client.rack': 'rack-a' }],
    ] as const) {
      const outputs = codecs.map((codec) => join(dir, `codec-${path}-${codec}-${id}.txt`));
      const connectors = codecs.map((codec, i) => {
        const file = join(dir, `codec-sink-${path}-${codec}-${id}.properties`);
        const name = `codec-sink-${path}-${codec}-${id}`;
        writeFileSync(
          file,
          `name=${name}\nconnector.class=FileStreamSink\ntasks.max=1\ntopics=codec-${codec}-${id}\nfile=${outputs[i]}\n`,
        );
        return file;
      });
      const cli = startCli(['connect-standalone', workerFile(`codec-${path}-${id}`, extra), ...connectors]);
      try {
        await cli.firstLine();
        for (const [i, output] of outputs.entries()) {
          const written = await waitFor(`${codecs[i]} through ${path}`, () => {
            const text = readFileSync(output, { encoding: 'utf8', flag: 'a+' });
            return text.split('\n').length > lines.length ? text : undefined;
          });
          assert.deepEqual(written.trimEnd().split('\n'), lines, `${codecs[i]} through ${path}`);
        }
      } finally {
        const result = await stopCli(cli, 'SIGTERM');
        assert.equal(result.code, 0, result.stderr);
      }
    }
  });

  it('sources write producer.compression.type batches, through the protocol client and through kafkajs', async () => {
    const id = randomUUID().slice(0, 8);
    const codecs = ['snappy', 'lz4', ...(canCompress(4) ? ['zstd'] : [])];
    const lines = Array.from({ length: 300 }, (_, i) => `source line ${i} ${'q'.repeat(i % 60)}`);
    const input = join(dir, `compressed-${id}.txt`);
    writeFileSync(input, `${lines.join('\n')}\n`);
    // enable.idempotence makes source tasks produce with kafkajs instead of the protocol client.
    for (const [path, extra] of [
      ['wire', {}],
      ['kafkajs', { 'producer.enable.idempotence': 'true' }],
    ] as const) {
      for (const codec of codecs) {
        const topic = `compressed-${path}-${codec}-${id}`;
        const worker = workerFile(`compressed-${path}-${codec}-${id}`, {
          ...extra,
          'producer.compression.type': codec,
        });
        const cli = startCli([
          'connect-standalone',
          worker,
          sourceFile(`compressed-${path}-${codec}-${id}`, input, topic),
        ]);
        try {
          await cli.firstLine();
          const consumed = await waitFor(`${codec} through ${path}`, async () => {
            const r = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-e', '-f', '%s\\n']);
            return r.code === 0 && r.stdout.split('\n').length > lines.length ? r.stdout : undefined;
          });
          assert.deepEqual(consumed.trimEnd().split('\n'), lines, `${codec} through ${path}`);
          assert.deepEqual(
            await batchCodecs(topic),
            [CODEC_IDS[codec]],
            `${codec} through ${path}: the batches' codecs`,
          );
        } finally {
          const result = await stopCli(cli, 'SIGTERM');
          assert.equal(result.code, 0, result.stderr);
        }
      }
    }
  });

  /** The codecs of the record batches in partition 0 of `topic`, as stored. */
  async function batchCodecs(topic: string): Promise<number[]> {
    const client = createWireClient({ bootstrapServers: [broker.bootstrap] });
    const fetcher = client.fetcher({ isDecodeOnly: true, maxWaitMs: 100 });
    try {
      fetcher.assign([{ topic, partition: 0, offset: 0 }]);
      const codecs = new Set<number>();
      for (const part of await fetcher.next(5_000))
        for (const batch of part.batches) codecs.add(batch.data.readInt16BE(21) & Attr.CODEC_MASK);
      return [...codecs];
    } finally {
      await fetcher.close();
      await client.close();
    }
  }
});
