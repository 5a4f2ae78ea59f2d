import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { jdbcSourceConfig, parseSourceConfig } from '../src/config.js';

const BASE = {
  'connection.url': 'jdbc:mysql://127.0.0.1:3306/test',
  mode: 'incrementing',
  'table.whitelist': 'orders',
};

function problemsOf(props: Record<string, string>): Map<string, string[]> {
  try {
    parseSourceConfig(props, 'test');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    const byKey = new Map<string, string[]>();
    for (const p of err.problems) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p.message]);
    return byKey;
  }
  return new Map();
}

describe('jdbcSourceConfig', () => {
  it("has Confluent's defaults", () => {
    const c = parseSourceConfig(BASE, 'test');
    assert.equal(c['batch.max.rows'], 1000);
    assert.equal(c['poll.interval.ms'], 5000);
    assert.equal(c['table.poll.interval.ms'], 60_000);
    assert.equal(c['connection.attempts'], 3);
    assert.equal(c['connection.backoff.ms'], 10_000);
    assert.equal(c['timestamp.delay.interval.ms'], 0);
    assert.equal(c['timestamp.initial'], null);
    assert.equal(c['validate.non.null'], true);
    assert.equal(c['query.retry.attempts'], -1);
    assert.equal(c['topic.prefix'], '');
    assert.deepEqual(c['table.types'], ['TABLE']);
    assert.equal(c['numeric.mapping'], null);
    assert.equal(c['db.timezone'], 'UTC');
    assert.equal(c['quote.sql.identifiers'], 'always');
    assert.equal(c['timestamp.granularity'], 'connect_logical');
    assert.equal(c['transaction.isolation.mode'], 'DEFAULT');
    assert.equal(c['key.mode'], 'primary_key');
    assert.equal(jdbcSourceConfig.keys['connection.password'].type, 'password');
  });

  it('lists every bad key at once', () => {
    const problems = problemsOf({
      ...BASE,
      mode: 'sometimes',
      'batch.max.rows': '0',
      'db.timezone': 'Mars/Olympus',
      'table.include.list': '(',
    });
    assert.deepEqual([...problems.keys()].sort(), ['batch.max.rows', 'db.timezone', 'mode', 'table.include.list']);
  });

  it('requires connection.url and mode', () => {
    const problems = problemsOf({ 'table.whitelist': 'orders' });
    assert.ok(problems.has('connection.url'));
    assert.ok(problems.has('mode'));
  });

  it('refuses table.whitelist with table.blacklist, naming both keys', () => {
    const problems = problemsOf({ ...BASE, 'table.blacklist': 'audit' });
    for (const key of ['table.whitelist', 'table.blacklist']) {
      assert.match(problems.get(key)?.join() ?? '', /table\.whitelist and table\.blacklist are exclusive/);
    }
  });

  it('refuses legacy keys mixed with table.include.list, naming each', () => {
    const problems = problemsOf({ ...BASE, 'incrementing.column.name': 'id', 'table.include.list': 'test\\..*' });
    for (const key of ['table.whitelist', 'incrementing.column.name', 'table.include.list']) {
      assert.match(problems.get(key)?.join() ?? '', /cannot be combined/, key);
    }
  });

  it('requires a table filter in table mode, and table.include.list with table.exclude.list', () => {
    const none = problemsOf({ 'connection.url': BASE['connection.url'], mode: 'bulk' });
    for (const key of ['table.whitelist', 'table.blacklist', 'table.include.list', 'table.exclude.list'])
      assert.ok(none.has(key), key);
    const excludeOnly = problemsOf({
      'connection.url': BASE['connection.url'],
      mode: 'bulk',
      'table.exclude.list': 'x',
    });
    assert.match(excludeOnly.get('table.exclude.list')?.join() ?? '', /without table\.include\.list/);
  });

  it('refuses query with table filters, and query without incrementing.column.name', () => {
    const problems = problemsOf({ ...BASE, query: 'SELECT * FROM orders' });
    assert.ok(problems.has('query'));
    assert.ok(problems.has('table.whitelist'));
    assert.ok(problems.has('incrementing.column.name'));
  });

  it('refuses a query whose WHERE would be broken by the appended clause, unless it uses placeholders', () => {
    const props = { 'connection.url': BASE['connection.url'], mode: 'incrementing', 'incrementing.column.name': 'id' };
    const problems = problemsOf({ ...props, query: 'SELECT * FROM orders WHERE status = 1' });
    assert.match(problems.get('query')?.join() ?? '', /top-level WHERE/);
    assert.equal(
      problemsOf({ ...props, query: 'SELECT * FROM orders WHERE status = 1 AND id > :incrementing ORDER BY id' }).size,
      0,
    );
  });

  it('never shows query.masked or the password in problems', () => {
    const secret = 'SELECT secret_token_123 FROM t WHERE x = 1';
    try {
      parseSourceConfig(
        { ...BASE, query: 'SELECT 1', 'query.masked': secret, 'connection.password': 'pw-777' },
        'test',
      );
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.doesNotMatch(err.message, /secret_token_123|pw-777/);
      assert.ok(err.problems.some((p) => p.key === 'query.masked'));
    }
  });

  it('checks the mapping keys', () => {
    const props = { 'connection.url': BASE['connection.url'], mode: 'timestamp', 'table.include.list': 'test\\..*' };
    assert.ok(problemsOf(props).has('timestamp.columns.mapping'));
    assert.equal(problemsOf({ ...props, 'timestamp.columns.mapping': 'test\\..*:[updated|created]' }).size, 0);
    assert.match(
      problemsOf({ ...props, 'timestamp.columns.mapping': 'test:updated' })
        .get('timestamp.columns.mapping')
        ?.join() ?? '',
      /square brackets/,
    );
  });
});
