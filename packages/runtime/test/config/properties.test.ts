import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '@tributary/api';
import { parseProperties, readPropertiesFile } from '../../src/config/properties.js';

const parse = (text: string) => parseProperties(text, 'test.properties');

describe('parseProperties separators', () => {
  test('= : and whitespace separate key and value', () => {
    assert.deepEqual(parse('a=1\nb:2\nc 3\nd\t4\ne\f5'), { a: '1', b: '2', c: '3', d: '4', e: '5' });
  });

  test('whitespace around the separator is dropped, trailing whitespace of the value kept', () => {
    assert.deepEqual(parse('a  =  1  \nb :2\nc   :   3'), { a: '1  ', b: '2', c: '3' });
  });

  test('only the first separator counts; later = and : belong to the value', () => {
    assert.deepEqual(parse('url=jdbc:mysql://h:3306/db?a=b\nk:v=w'), { url: 'jdbc:mysql://h:3306/db?a=b', k: 'v=w' });
  });

  test('whitespace then = uses the = as the separator once', () => {
    assert.deepEqual(parse('a = = b\nc  d = e'), { a: '= b', c: 'd = e' });
  });

  test('a key alone has the empty value', () => {
    assert.deepEqual(parse('alone\nwith.sep=\nspaces   '), { alone: '', 'with.sep': '', spaces: '' });
  });

  test('a line that starts with a separator has the empty key', () => {
    assert.deepEqual(parse('=value'), { '': 'value' });
  });
});

describe('parseProperties comments and blank lines', () => {
  test('# and ! start comments, after leading whitespace too', () => {
    assert.deepEqual(parse('# c\n! c\n   # indented\n\t! tab\na=1'), { a: '1' });
  });

  test('# and ! inside a value are kept', () => {
    assert.deepEqual(parse('a=b # not a comment\nc=!d'), { a: 'b # not a comment', c: '!d' });
  });

  test('blank and whitespace-only lines are skipped; leading whitespace of a key ignored', () => {
    assert.deepEqual(parse('\n   \n\t\n   a=1\n'), { a: '1' });
  });

  test('a comment line ending in a backslash does not continue', () => {
    assert.deepEqual(parse('# comment \\\na=1'), { a: '1' });
  });

  test('CRLF and CR line endings', () => {
    assert.deepEqual(parse('a=1\r\nb=2\rc=3'), { a: '1', b: '2', c: '3' });
  });
});

describe('parseProperties line continuations', () => {
  test('an odd number of trailing backslashes continues the line; leading whitespace of the next dropped', () => {
    assert.deepEqual(parse('fruits = apple, \\\n         banana, \\\n\tpear'), { fruits: 'apple, banana, pear' });
  });

  test('an even number of trailing backslashes is escaped backslashes, not a continuation', () => {
    assert.deepEqual(parse('a=x\\\\\nb=y'), { a: 'x\\', b: 'y' });
  });

  test('three trailing backslashes: one escaped backslash and a continuation', () => {
    assert.deepEqual(parse('a=x\\\\\\\n  y'), { a: 'x\\y' });
  });

  test('a continued line starting with # is part of the value', () => {
    assert.deepEqual(parse('a=1\\\n  #2'), { a: '1#2' });
  });

  test('the key itself may continue', () => {
    assert.deepEqual(parse('long\\\n   .key=v'), { 'long.key': 'v' });
  });

  test('a continuation at the end of the file ends the value', () => {
    assert.deepEqual(parse('a=1\\'), { a: '1' });
  });

  test('a continuation followed by an empty line ends there', () => {
    assert.deepEqual(parse('a=1\\\n\nb=2'), { a: '1', b: '2' });
  });
});

describe('parseProperties escapes', () => {
  test('\\t \\n \\r \\f', () => {
    assert.deepEqual(parse('a=x\\ty\\nz\\rw\\fv'), { a: 'x\ty\nz\rw\fv' });
  });

  test('escaped separators and specials in keys and values', () => {
    assert.deepEqual(parse('k\\=e\\:y\\ z=v\\=\\:\\#\\!\\\\'), { 'k=e:y z': 'v=:#!\\' });
  });

  test('an escaped space keeps leading whitespace of a value', () => {
    assert.deepEqual(parse('a=\\  b'), { a: '  b' });
  });

  test('a backslash before another character stands for that character', () => {
    assert.deepEqual(parse('a=\\b\\q'), { a: 'bq' });
  });

  test('\\uXXXX in keys and values', () => {
    assert.deepEqual(parse('caf\\u00e9=\\u0041\\u00DF\\u20ac'), { café: 'Aß€' });
  });

  test('a malformed \\u escape names the source and line', () => {
    assert.throws(
      () => parse('ok=1\n\nbad=\\u12G4'),
      (err: unknown) =>
        err instanceof ConfigError && err.message.includes('test.properties:3') && /malformed/i.test(err.message),
    );
  });

  test('a \\u escape cut short by the end of the value is malformed, on the line it is on', () => {
    assert.throws(
      () => parse('a=x\\\n  \\u12'),
      (err: unknown) => err instanceof ConfigError && err.message.includes('test.properties:2'),
    );
  });

  test('UTF-8 text is kept', () => {
    assert.deepEqual(parse('greeting=héllo wörld ✓'), { greeting: 'héllo wörld ✓' });
  });
});

describe('parseProperties duplicates', () => {
  test('a later value for the same key wins', () => {
    assert.deepEqual(parse('a=1\nb=2\na=3'), { a: '3', b: '2' });
  });

  test('__proto__ is an ordinary key', () => {
    const props = parse('__proto__=x');
    assert.equal(Object.getOwnPropertyDescriptor(props, '__proto__')?.value, 'x');
  });
});

describe('readPropertiesFile', () => {
  test('reads a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'props-'));
    try {
      const path = join(dir, 'worker.properties');
      await writeFile(
        path,
        'bootstrap.servers=localhost:9092\n# c\nkey.converter=org.apache.kafka.connect.json.JsonConverter\n',
      );
      assert.deepEqual(readPropertiesFile(path), {
        'bootstrap.servers': 'localhost:9092',
        'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a missing file is a ConfigError naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'props-'));
    try {
      const path = join(dir, 'missing.properties');
      assert.throws(
        () => readPropertiesFile(path),
        (err: unknown) => err instanceof ConfigError && err.message.includes(path),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a parse error names the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'props-'));
    try {
      const path = join(dir, 'bad.properties');
      await writeFile(path, 'a=\\uZZZZ');
      assert.throws(
        () => readPropertiesFile(path),
        (err: unknown) => err instanceof ConfigError && err.message.includes(`${path}:1`),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
