import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boolean, ConfigError, type ConfigProblem, defineConfig, string } from '@tributary/api';
import { collectProblems, parsePrefixed, prefixedProps, splitList } from '../../src/plugins/plugin-config.js';

const definition = defineConfig({
  field: string({ doc: 'A field.' }),
  flag: boolean({ default: false, doc: 'A flag.' }),
});

describe('plugin-config helpers', () => {
  test('prefixedProps strips the prefix and leaves out the bare prefix and excluded keys', () => {
    assert.deepEqual(
      prefixedProps(
        {
          'transforms.a.type': 'X',
          'transforms.a.field': 'f',
          'transforms.a.': 'bare',
          'transforms.ab.field': 'g',
          other: 'o',
        },
        'transforms.a.',
        ['type'],
      ),
      { field: 'f' },
    );
  });

  test('parsePrefixed returns values, or collects problems under full key names', () => {
    const problems: ConfigProblem[] = [];
    assert.deepEqual(parsePrefixed(definition, { field: 'x' }, 'transforms.a.', problems), { field: 'x', flag: false });
    assert.equal(parsePrefixed(definition, { flag: 'perhaps' }, 'transforms.a.', problems), undefined);
    assert.deepEqual(problems.map((p) => p.key).sort(), ['transforms.a.field', 'transforms.a.flag']);
  });

  test('collectProblems keeps ConfigError problems and rethrows other errors', () => {
    const problems: ConfigProblem[] = [];
    assert.equal(
      collectProblems(() => {
        throw new ConfigError([{ key: 'k', value: 'v', message: 'bad' }]);
      }, problems),
      undefined,
    );
    assert.deepEqual(problems, [{ key: 'k', value: 'v', message: 'bad' }]);
    assert.equal(
      collectProblems(() => 5, problems),
      5,
    );
    assert.throws(
      () =>
        collectProblems(() => {
          throw new TypeError('boom');
        }, problems),
      TypeError,
    );
  });

  test('splitList trims and drops empty items', () => {
    assert.deepEqual(splitList(' a, b ,,c '), ['a', 'b', 'c']);
    assert.deepEqual(splitList(undefined), []);
  });
});
