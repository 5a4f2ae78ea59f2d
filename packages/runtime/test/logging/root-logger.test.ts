import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import {
  createRootLogger,
  formatPrettyLine,
  HIDDEN,
  loggerFor,
  REDACT_PATHS,
  redact,
} from '../../src/logging/root-logger.js';

function capture(): { stream: PassThrough; lines: () => Record<string, unknown>[]; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d.toString()));
  return {
    stream,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createRootLogger', () => {
  it('writes one JSON object per line with level, time and message', () => {
    const out = capture();
    const root = createRootLogger({ destination: out.stream });
    root.info('worker started');
    root.debug('not at info');
    const lines = out.lines();
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.['msg'], 'worker started');
    assert.equal(lines[0]?.['level'], 'info');
    assert.match(String(lines[0]?.['time']), /^\d{4}-\d\d-\d\dT/);
  });

  it('honours the level option', () => {
    const out = capture();
    const root = createRootLogger({ destination: out.stream, level: 'debug' });
    root.debug('visible');
    root.trace('hidden');
    assert.deepEqual(
      out.lines().map((l) => l['msg']),
      ['visible'],
    );
  });

  it('writes to a file descriptor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-log-'));
    try {
      const file = join(dir, 'worker.log');
      const fd = openSync(file, 'w');
      const root = createRootLogger({ destination: fd });
      loggerFor(root, { connector: 'fd-test', task: 2 }).warn('to a file');
      root.flush();
      closeSync(fd);
      const line = JSON.parse(readFileSync(file, 'utf8').trim()) as Record<string, unknown>;
      assert.equal(line['connector'], 'fd-test');
      assert.equal(line['task'], 2);
      assert.equal(line['msg'], 'to a file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('binds connector and task on every line of a task logger, and only connector for a connector logger', () => {
    const out = capture();
    const root = createRootLogger({ destination: out.stream });
    const task = loggerFor(root, { connector: 'jdbc-sink', task: 3 });
    task.info('one');
    task.child({ partition: 1 }).warn({ offset: 7 }, 'two');
    loggerFor(root, { connector: 'jdbc-sink' }).info('three');
    const [one, two, three] = out.lines();
    assert.deepEqual([one?.['connector'], one?.['task']], ['jdbc-sink', 3]);
    assert.deepEqual([two?.['connector'], two?.['task'], two?.['partition'], two?.['offset']], ['jdbc-sink', 3, 1, 7]);
    assert.equal(three?.['connector'], 'jdbc-sink');
    assert.equal('task' in (three ?? {}), false);
  });

  it('hides the values of secret keys at the top level and nested, by dotted Kafka names too', () => {
    const out = capture();
    const root = createRootLogger({ destination: out.stream });
    root.info(
      {
        password: 's3cret-top',
        config: {
          'connection.password': 's3cret-conn',
          'sasl.jaas.config':
            'org.apache.kafka.common.security.plain.PlainLoginModule required password="s3cret-jaas";',
          'ssl.key.password': 's3cret-ssl',
          'connection.url': 'jdbc:postgresql://db/app',
        },
        worker: { consumer: { 'sasl.password': 's3cret-deep' } },
      },
      'configured',
    );
    const text = out.text();
    for (const secret of ['s3cret-top', 's3cret-conn', 's3cret-jaas', 's3cret-ssl', 's3cret-deep']) {
      assert.equal(text.includes(secret), false, `${secret} leaked into ${text}`);
    }
    const line = out.lines()[0] ?? {};
    const config = line['config'] as Record<string, unknown>;
    assert.equal(line['password'], HIDDEN);
    assert.equal(config['connection.password'], HIDDEN);
    assert.equal(config['sasl.jaas.config'], HIDDEN);
    assert.equal(config['connection.url'], 'jdbc:postgresql://db/app');
  });

  it('declares redact paths in pino syntax for keys with dots', () => {
    assert.ok(REDACT_PATHS.includes('*.password'));
    assert.ok(REDACT_PATHS.includes('*["sasl.jaas.config"]'));
    assert.ok(REDACT_PATHS.includes('["sasl.jaas.config"]'));
  });

  it('pretty output is one readable line per entry naming connector and task', async () => {
    const out = capture();
    const root = createRootLogger({ destination: out.stream, pretty: true });
    loggerFor(root, { connector: 'files', task: 0 }).warn({ records: 5 }, 'slow put');
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(out.text(), /^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[files\/0\] slow put records=5\n$/);
  });

  it('formatPrettyLine passes through what is not JSON', () => {
    assert.equal(formatPrettyLine('plain text'), 'plain text');
  });
});

describe('redact', () => {
  it('replaces every occurrence of every secret', () => {
    assert.equal(
      redact('connect to postgres://app:hunter2@db failed; password hunter2 rejected; token abc', ['hunter2', 'abc']),
      `connect to postgres://app:${HIDDEN}@db failed; password ${HIDDEN} rejected; token ${HIDDEN}`,
    );
  });

  it('hides a secret that contains another one whole, and ignores empty strings', () => {
    assert.equal(redact('key=abcdef', ['abc', 'abcdef', '']), `key=${HIDDEN}`);
  });

  it('leaves text without secrets unchanged and accepts any iterable', () => {
    assert.equal(redact('nothing here', new Set(['zzz'])), 'nothing here');
  });

  it('treats secrets literally, not as patterns', () => {
    assert.equal(redact('a.b a+b', ['a+b']), `a.b ${HIDDEN}`);
  });
});
