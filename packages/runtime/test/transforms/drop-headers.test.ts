import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, type Header, Schemas, type SourceRecord } from '@tributary/api';
import { dropHeaders } from '../../src/transforms/drop-headers.js';
import { configure, sourceRecord } from './fixtures.js';

const record = (headers: Header[], over: Partial<SourceRecord> = {}) =>
  sourceRecord({ value: { a: 1 }, headers, ...over });

const h = (key: string, value: unknown = 'v'): Header => ({ key, schema: Schemas.STRING, value });

describe('DropHeaders', () => {
  it('is aliased to the Java class name', () => {
    assert.deepEqual(dropHeaders.aliases, ['org.apache.kafka.connect.transforms.DropHeaders']);
  });

  it('removes every header with a listed key and keeps the rest in order', () => {
    const t = configure(dropHeaders, { headers: 'trace, secret' });
    const out = t.apply(record([h('a', 1), h('trace'), h('b', 2), h('secret'), h('trace'), h('c', 3)]));
    assert.deepEqual(
      out?.headers.map((x) => [x.key, x.value]),
      [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ],
    );
    assert.deepEqual(out?.value, { a: 1 });
  });

  it('works the same on records with schemas and on tombstones', () => {
    const t = configure(dropHeaders, { headers: 'x' });
    const out = t.apply(record([h('x'), h('y')], { valueSchema: Schemas.OPTIONAL_STRING, value: null }));
    assert.deepEqual(
      out?.headers.map((x) => x.key),
      ['y'],
    );
    assert.equal(out?.value, null);
  });

  it('returns the record itself when no header matches', () => {
    const t = configure(dropHeaders, { headers: 'x' });
    const r = record([h('y')]);
    assert.equal(t.apply(r), r);
  });

  it('requires a non-empty headers list', () => {
    assert.throws(
      () => dropHeaders.config.parse({}),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'headers',
    );
    assert.throws(
      () => dropHeaders.config.parse({ headers: ' , ' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'headers',
    );
  });
});
