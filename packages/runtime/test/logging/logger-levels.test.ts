import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { ConfigError, NotFoundError } from '@tributary/api';
import { LoggerLevels, ROOT_LOGGER, toPinoLevel } from '../../src/logging/logger-levels.js';
import { createRootLogger } from '../../src/logging/root-logger.js';

function setup(startMs = 1_000) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d.toString()));
  let nowMs = startMs;
  const root = createRootLogger({ destination: stream });
  const levels = new LoggerLevels(root, { now: () => nowMs });
  return {
    root,
    levels,
    advance: (ms: number) => {
      nowMs += ms;
    },
    messages: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { msg: string }).msg),
  };
}

describe('LoggerLevels', () => {
  it('lists the root logger with the root logger level and no modification time', () => {
    const { levels } = setup();
    assert.deepEqual(levels.list(), { root: { level: 'INFO', last_modified: null } });
    assert.deepEqual(levels.get(ROOT_LOGGER), { level: 'INFO', last_modified: null });
  });

  it('lists loggers made through it with the level they inherited', () => {
    const { levels } = setup();
    levels.logger('tributary.worker');
    levels.logger('tributary.task', { connector: 'c1', task: 0 });
    assert.deepEqual(Object.keys(levels.list()), ['root', 'tributary.task', 'tributary.worker']);
    assert.equal(levels.get('tributary.task').level, 'INFO');
  });

  it('set applies to the named logger and its children, not to siblings with a longer name', () => {
    const { levels, messages } = setup();
    const sink = levels.logger('tributary.sink', { connector: 'c1' });
    const sinkTask = levels.logger('tributary.sink.task');
    const sinker = levels.logger('tributary.sinker');
    sink.debug('sink debug before');
    const affected = levels.set('tributary.sink', 'DEBUG');
    assert.deepEqual(affected, ['tributary.sink', 'tributary.sink.task']);
    sink.debug('sink debug');
    sinkTask.debug('task debug');
    sinker.debug('sinker debug');
    assert.deepEqual(messages(), ['sink debug', 'task debug']);
    assert.equal(levels.get('tributary.sinker').level, 'INFO');
  });

  it('records when a level was set, for every affected logger', () => {
    const { levels, advance } = setup(5_000);
    levels.logger('a.b');
    levels.logger('a.c');
    advance(250);
    levels.set('a', 'warn');
    assert.deepEqual(levels.get('a'), { level: 'WARN', last_modified: 5_250 });
    assert.deepEqual(levels.get('a.b'), { level: 'WARN', last_modified: 5_250 });
    assert.deepEqual(levels.get('root'), { level: 'INFO', last_modified: null });
  });

  it('setting root changes every logger, root included', () => {
    const { levels, messages, root } = setup();
    const x = levels.logger('x');
    const y = levels.logger('y.z');
    const affected = levels.set('root', 'ERROR');
    assert.deepEqual(affected, ['root', 'x', 'y.z']);
    x.warn('x warn');
    y.warn('y warn');
    root.warn('root warn');
    y.error('y error');
    assert.deepEqual(messages(), ['y error']);
  });

  it('a logger created after a change takes its nearest ancestor level', () => {
    const { levels, messages } = setup();
    levels.set('tributary.connectors', 'TRACE');
    const late = levels.logger('tributary.connectors.jdbc.dialect');
    late.trace('late trace');
    assert.equal(levels.get('tributary.connectors.jdbc.dialect').level, 'TRACE');
    assert.deepEqual(messages(), ['late trace']);
    levels.set('root', 'WARN');
    assert.equal(levels.logger('elsewhere').level, 'warn');
  });

  it('OFF silences a logger and FATAL keeps only fatal lines', () => {
    const { levels, messages } = setup();
    const quiet = levels.logger('quiet');
    const fatal = levels.logger('fatal.only');
    levels.set('quiet', 'OFF');
    levels.set('fatal.only', 'fatal');
    quiet.error('quiet error');
    fatal.error('fatal error');
    fatal.fatal('fatal fatal');
    assert.deepEqual(messages(), ['fatal fatal']);
    assert.equal(levels.get('quiet').level, 'OFF');
  });

  it('an unknown logger name set becomes known; get of a name never seen is NotFoundError', () => {
    const { levels } = setup();
    assert.throws(() => levels.get('never.seen'), NotFoundError);
    assert.deepEqual(levels.set('org.apache.kafka.connect', 'DEBUG'), ['org.apache.kafka.connect']);
    assert.equal(levels.get('org.apache.kafka.connect').level, 'DEBUG');
  });

  it('an invalid level is a ConfigError naming the value, and changes nothing', () => {
    const { levels } = setup();
    levels.logger('a');
    assert.throws(
      () => levels.set('a', 'LOUD'),
      (err: unknown) =>
        err instanceof ConfigError && err.message.includes("'LOUD'") && err.problems[0]?.value === 'LOUD',
    );
    assert.equal(levels.get('a').level, 'INFO');
  });

  it('maps log4j names to pino levels case-insensitively', () => {
    assert.deepEqual(['TRACE', 'debug', 'Info', 'WARN', 'ERROR', 'FATAL', 'OFF', 'ALL'].map(toPinoLevel), [
      'trace',
      'debug',
      'info',
      'warn',
      'error',
      'fatal',
      'silent',
      'trace',
    ]);
  });
});
