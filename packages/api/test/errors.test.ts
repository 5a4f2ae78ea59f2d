import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError, ConnectError, DataError, NotFoundError, RetriableError } from '../src/index.js';

it('only RetriableError is retriable; names and causes are kept', () => {
  const cause = new Error('socket hang up');
  const retriable = new RetriableError('lost the connection', { cause });
  assert.equal(retriable.isRetriable, true);
  assert.equal(retriable.cause, cause);
  assert.equal(retriable.name, 'RetriableError');
  for (const e of [new ConnectError('x'), new DataError('x'), new NotFoundError('x'), new ConfigError('x')]) {
    assert.equal(e.isRetriable, false, e.name);
    assert.ok(e instanceof ConnectError);
  }
});

it('ConfigError lists every problem, one per line', () => {
  const err = new ConfigError(
    [
      { key: 'tasks.max', value: '0', message: 'Value must be at least 1' },
      { key: 'topics', value: undefined, message: 'Missing required configuration' },
    ],
    { context: 'connector "c"' },
  );
  assert.equal(err.problems.length, 2);
  assert.equal(err.code, 'CONFIG');
  assert.equal(
    err.message,
    'Invalid configuration (connector "c"):\n  tasks.max: Value must be at least 1\n  topics: Missing required configuration',
  );
  assert.equal(new ConfigError('bad file').message, 'Invalid configuration: bad file');
});
