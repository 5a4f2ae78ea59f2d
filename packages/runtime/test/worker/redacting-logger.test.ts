import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { ConnectError } from '@tributary/api';
import { createRootLogger } from '../../src/logging/root-logger.js';
import { redactingLogger } from '../../src/worker/redacting-logger.js';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, stream };
}

describe('redactingLogger', () => {
  it('removes secret values from messages, fields, errors and their causes', () => {
    const { lines, stream } = capture();
    let secrets: readonly string[] = [];
    const logger = redactingLogger(createRootLogger({ destination: stream }), () => secrets).child({ task: 0 });
    logger.info('before the secret is known: s3cret');
    secrets = ['s3cret'];
    const cause = new Error('driver said s3cret is wrong');
    logger.error(
      { err: new ConnectError('login with s3cret failed', { cause, code: 'LOGIN' }), url: 'db://u:s3cret@h', nested: { list: ['s3cret'] } },
      'cannot connect using s3cret',
    );
    logger.warn('plain s3cret');
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /s3cret/);
    const text = lines.slice(1).join('');
    assert.doesNotMatch(text, /s3cret/);
    const entry = JSON.parse(lines[1] ?? '{}');
    assert.equal(entry.msg, 'cannot connect using [hidden]');
    assert.equal(entry.url, 'db://u:[hidden]@h');
    assert.deepEqual(entry.nested, { list: ['[hidden]'] });
    assert.equal(entry.task, 0);
    assert.equal(entry.err.type, 'ConnectError');
    assert.match(entry.err.message, /^login with \[hidden\] failed/);
    assert.equal(entry.err.code, 'LOGIN');
    assert.match(JSON.stringify(entry.err), /driver said \[hidden\] is wrong/);
  });
});
