import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { kcat, runCli, startCli, stopCli } from './cli-process.js';

const LISTENING =
  /^tributary broker listening on 127\.0\.0\.1:(\d+) \(cluster id ([\w-]+), (memory only|data dir .+)\)$/;

function topicName(): string {
  return `cli-${randomUUID().slice(0, 8)}`;
}

/** The port and cluster id from the broker's first line, or a failed assertion. */
function parseListening(line: string): { bootstrap: string; port: number; clusterId: string; storage: string } {
  const match = LISTENING.exec(line);
  assert.ok(match, `unexpected first line: ${line}`);
  const [, port = '', clusterId = '', storage = ''] = match;
  return { bootstrap: `127.0.0.1:${port}`, port: Number(port), clusterId, storage };
}

describe('tributary help and version', () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage: tributary <command>/);
    for (const name of ['broker', 'demo', 'help']) assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
  });

  it('help <command> prints that command’s options', async () => {
    const r = await runCli(['help', 'broker']);
    assert.equal(r.code, 0, r.stderr);
    for (const flag of [
      '--port',
      '--host',
      '--data-dir',
      '--advertised-host',
      '--partitions',
      '--no-auto-create-topics',
    ]) {
      assert.ok(r.stdout.includes(flag), `broker help lacks ${flag}`);
    }
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('no command prints the usage to stderr and exits 2', async () => {
    const r = await runCli([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: tributary <command>/);
  });
});

describe('tributary command-line errors exit 2 naming the problem', () => {
  const cases: { args: string[]; mentions: string[] }[] = [
    { args: ['frobnicate'], mentions: ["unknown command 'frobnicate'"] },
    { args: ['--frobnicate'], mentions: ['--frobnicate'] },
    { args: ['help', 'frobnicate'], mentions: ["unknown command 'frobnicate'"] },
    { args: ['broker', '--port', 'abc'], mentions: ['--port', "'abc'"] },
    { args: ['broker', '--port=70000'], mentions: ['--port', "'70000'"] },
    { args: ['broker', '--port'], mentions: ['--port'] },
    { args: ['broker', '--partitions', '0'], mentions: ['--partitions', "'0'"] },
    { args: ['broker', '--data-dir='], mentions: ['--data-dir'] },
    { args: ['broker', '--bogus'], mentions: ['--bogus'] },
    { args: ['broker', 'extra'], mentions: ["'extra'"] },
    { args: ['demo', '--port', '-1'], mentions: ['--port'] },
  ];
  for (const { args, mentions } of cases) {
    it(`tributary ${args.join(' ')}`, async () => {
      const r = await runCli(args);
      assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
      assert.equal(r.stdout, '');
      for (const text of mentions) assert.ok(r.stderr.includes(text), `stderr lacks ${text}: ${r.stderr}`);
      assert.match(r.stderr, /--help' for usage/);
    });
  }
});

describe('tributary broker', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('prints its address with --port 0, serves kcat, and exits 0 on SIGTERM', async () => {
    const cli = startCli(['broker', '--port', '0']);
    try {
      const { bootstrap, port, storage } = parseListening(await cli.firstLine());
      assert.ok(port > 0);
      assert.equal(storage, 'memory only');
      const topic = topicName();
      const produced = await kcat(['-P', '-b', bootstrap, '-t', topic, '-K', ':'], 'k1:one\nk2:two\nk3:three\n');
      assert.equal(produced.code, 0, produced.stderr);
      const consumed = await kcat(['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-f', '%k=%s\n']);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.deepEqual(consumed.stdout.trim().split('\n'), ['k1=one', 'k2=two', 'k3=three']);
    } finally {
      const r = await stopCli(cli, 'SIGTERM');
      assert.equal(r.code, 0, `exit code after SIGTERM; stderr: ${r.stderr}`);
      assert.match(r.stderr, /stopped/);
    }
  });

  it('keeps records in --data-dir across a restart and honours --partitions', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
    dirs.push(dataDir);
    const topic = topicName();

    const first = startCli(['broker', '--port', '0', '--data-dir', dataDir, '--partitions', '3']);
    const before = parseListening(await first.firstLine());
    assert.equal(before.storage, `data dir ${dataDir}`);
    const produced = await kcat(['-P', '-b', before.bootstrap, '-t', topic, '-p', '2'], 'kept\nacross\nrestart\n');
    assert.equal(produced.code, 0, produced.stderr);
    const metadata = await kcat(['-L', '-b', before.bootstrap, '-t', topic]);
    assert.match(metadata.stdout, new RegExp(`topic "${topic}" with 3 partitions`));
    assert.equal((await stopCli(first, 'SIGINT')).code, 0);

    const second = startCli(['broker', '--port', '0', '--data-dir', dataDir]);
    try {
      const afterRestart = parseListening(await second.firstLine());
      assert.equal(afterRestart.clusterId, before.clusterId, 'the cluster id is kept in the data dir');
      const consumed = await kcat([
        '-C',
        '-b',
        afterRestart.bootstrap,
        '-t',
        topic,
        '-p',
        '2',
        '-o',
        'beginning',
        '-e',
        '-f',
        '%o:%s\n',
      ]);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.deepEqual(consumed.stdout.trim().split('\n'), ['0:kept', '1:across', '2:restart']);
    } finally {
      assert.equal((await stopCli(second)).code, 0);
    }
  });

  it('--no-auto-create-topics answers unknown topics with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const cli = startCli(['broker', '--port', '0', '--no-auto-create-topics']);
    try {
      const { bootstrap } = parseListening(await cli.firstLine());
      const metadata = await kcat(['-L', '-b', bootstrap, '-t', topicName()]);
      assert.match(metadata.stdout, /with 0 partitions: Broker: Unknown topic or partition/);
    } finally {
      assert.equal((await stopCli(cli)).code, 0);
    }
  });

  it('exits 1 with the reason when the port is taken', async () => {
    const holder = startCli(['broker', '--port', '0']);
    try {
      const { port } = parseListening(await holder.firstLine());
      const r = await runCli(['broker', '--port', String(port)]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`cannot start on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    } finally {
      assert.equal((await stopCli(holder)).code, 0);
    }
  });
});
