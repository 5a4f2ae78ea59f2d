import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startBroker } from '@tributary/devstack';
import { type CliProcess, kcat, runCli, startCli, stopCli } from './cli-process.js';

const REGISTRY_LINE = /^tributary registry listening on (http:\/\/127\.0\.0\.1:(\d+)) \(topic (\S+) on (\S+)\)$/;
const BROKER_LINE =
  /^tributary broker listening on (127\.0\.0\.1:(\d+)) \(cluster id [\w-]+, (memory only|data dir .+)\)$/;

/** Resolves with the first `count` lines the command prints on stdout. */
function stdoutLines(cli: CliProcess, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    cli.child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const lines = text.split('\n');
      if (lines.length > count) resolve(lines.slice(0, count));
    });
    cli.exited.then((r) => reject(new Error(`tributary exited (code ${r.code}) early; stderr:\n${r.stderr}`)));
  });
}

function subject(): string {
  return `cli-${randomUUID().slice(0, 8)}-value`;
}

async function register(url: string, name: string, schema: unknown): Promise<{ id: number; version: number }> {
  const res = await fetch(`${url}/subjects/${name}/versions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  assert.equal(res.status, 200);
  return (await res.json()) as { id: number; version: number };
}

async function latest(url: string, name: string): Promise<{ id: number; version: number }> {
  const res = await fetch(`${url}/subjects/${name}/versions/latest`);
  assert.equal(res.status, 200);
  return (await res.json()) as { id: number; version: number };
}

const SCHEMA = { type: 'record', name: 'Cli', fields: [{ name: 'a', type: 'int' }] };

describe('tributary registry', () => {
  it('is listed in --help with dev, and documents its flags', async () => {
    const r = await runCli(['--help']);
    for (const name of ['registry', 'dev']) assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
    const help = await runCli(['registry', '--help']);
    assert.equal(help.code, 0);
    for (const flag of ['--bootstrap-servers', '--port', '--host', '--topic']) assert.ok(help.stdout.includes(flag));
    const devHelp = await runCli(['help', 'dev']);
    for (const flag of ['--port', '--registry-port', '--host', '--data-dir']) assert.ok(devHelp.stdout.includes(flag));
  });

  it('rejects a wrong command line with exit code 2, naming the flag', async () => {
    const cases: { args: string[]; mentions: string[] }[] = [
      { args: ['registry'], mentions: ['--bootstrap-servers'] },
      { args: ['registry', '--bootstrap-servers', 'nohost'], mentions: ['--bootstrap-servers', "'nohost'"] },
      { args: ['registry', '--bootstrap-servers', '127.0.0.1:9092', '--port', 'x'], mentions: ['--port', "'x'"] },
      { args: ['dev', '--registry-port', '99999'], mentions: ['--registry-port', "'99999'"] },
      { args: ['dev', '--bogus'], mentions: ['--bogus'] },
    ];
    for (const { args, mentions } of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      for (const m of mentions) assert.ok(r.stderr.includes(m), `${args.join(' ')}: stderr lacks ${m}: ${r.stderr}`);
    }
  });

  it('serves the REST API against a broker, and a restarted registry keeps the schemas', async () => {
    const broker = await startBroker({ port: 0 });
    try {
      const name = subject();
      const first = startCli(['registry', '--port', '0', '--bootstrap-servers', broker.bootstrap]);
      let registered: { id: number; version: number };
      try {
        const [line = ''] = await stdoutLines(first, 1);
        const match = REGISTRY_LINE.exec(line);
        assert.ok(match, `unexpected first line: ${line}`);
        assert.equal(match[3], '_schemas');
        assert.equal(match[4], broker.bootstrap);
        registered = await register(match[1] ?? '', name, SCHEMA);
      } finally {
        const r = await stopCli(first);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /stopped/);
      }
      const second = startCli(['registry', '--port', '0', '--bootstrap-servers', broker.bootstrap]);
      try {
        const [line = ''] = await stdoutLines(second, 1);
        const url = REGISTRY_LINE.exec(line)?.[1] ?? '';
        assert.deepEqual(await latest(url, name), { subject: name, ...registered, schema: JSON.stringify(SCHEMA) });
      } finally {
        assert.equal((await stopCli(second, 'SIGINT')).code, 0);
      }
    } finally {
      await broker.stop();
    }
  });
});

describe('tributary dev', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('starts broker and registry together, and keeps both in --data-dir across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-dev-'));
    dirs.push(dataDir);
    const name = subject();
    const args = ['dev', '--port', '0', '--registry-port', '0', '--data-dir', dataDir];

    const first = startCli(args);
    let registered: { id: number; version: number };
    try {
      const [brokerLine = '', registryLine = ''] = await stdoutLines(first, 2);
      const brokerMatch = BROKER_LINE.exec(brokerLine);
      assert.ok(brokerMatch, `unexpected broker line: ${brokerLine}`);
      assert.equal(brokerMatch[3], `data dir ${dataDir}`);
      const registryMatch = REGISTRY_LINE.exec(registryLine);
      assert.ok(registryMatch, `unexpected registry line: ${registryLine}`);
      assert.equal(registryMatch[4], brokerMatch[1], 'the registry uses the broker it started');
      registered = await register(registryMatch[1] ?? '', name, SCHEMA);
      // The schemas topic is an ordinary topic of the broker, readable by librdkafka.
      const consumed = await kcat([
        '-C',
        '-b',
        brokerMatch[1] ?? '',
        '-t',
        '_schemas',
        '-o',
        'beginning',
        '-e',
        '-f',
        '%k\n',
      ]);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.deepEqual(JSON.parse(consumed.stdout.trim()), { keytype: 'SCHEMA', subject: name, version: 1, magic: 1 });
    } finally {
      const r = await stopCli(first);
      assert.equal(r.code, 0, r.stderr);
    }

    const second = startCli(args);
    try {
      const [, registryLine = ''] = await stdoutLines(second, 2);
      const url = REGISTRY_LINE.exec(registryLine)?.[1] ?? '';
      assert.deepEqual(await latest(url, name), { subject: name, ...registered, schema: JSON.stringify(SCHEMA) });
    } finally {
      assert.equal((await stopCli(second)).code, 0);
    }
  });
});
