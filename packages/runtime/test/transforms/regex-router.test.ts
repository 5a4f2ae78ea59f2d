import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, Schemas } from '@tributary/api';
import { regexRouter } from '../../src/transforms/regex-router.js';
import * as fixtures from './fixtures.js';

/** A record on `topic` with everything else set, to show that only the topic changes. */
const record = (topic: string) =>
  fixtures.record({
    topic,
    kafkaPartition: 1,
    keySchema: Schemas.STRING,
    key: 'k',
    valueSchema: Schemas.STRING,
    value: 'v',
  });

function route(regex: string, replacement: string, topic: string): string | undefined {
  return fixtures.configure(regexRouter, { regex, replacement }).apply(record(topic))?.topic;
}

function configProblem(props: Record<string, string>): { key: string; message: string } | undefined {
  try {
    fixtures.configure(regexRouter, props);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems[0];
  }
}

describe('RegexRouter', () => {
  it('is also known by its Java class name', () => {
    assert.deepEqual(regexRouter.aliases, ['org.apache.kafka.connect.transforms.RegexRouter']);
  });

  it('replaces the topic with $n groups when the regex matches the whole topic', () => {
    assert.equal(route('(.*)customers_(.*)', '$1customers_$2_v2', 'db.customers_eu'), 'db.customers_eu_v2');
    assert.equal(route('server1\\.(\\w+)\\.(\\w+)', 'dc1_$2', 'server1.inventory.orders'), 'dc1_orders');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Java's named-group reference, not a template.
    assert.equal(route('(?<db>\\w+)\\.(?<table>\\w+)', '${table}-from-${db}', 'shop.orders'), 'orders-from-shop');
  });

  it('leaves a topic the regex only partly matches unchanged, and keeps the rest of the record', () => {
    const transform = fixtures.configure(regexRouter, { regex: 'orders', replacement: 'x' });
    const input = record('orders-archive');
    assert.equal(transform.apply(input), input);
    const out = transform.apply(record('orders'));
    assert.deepEqual(out, { ...record('orders'), topic: 'x' });
  });

  it('follows Java replacement syntax: escapes, greedy group numbers, unmatched groups', () => {
    assert.equal(route('(a)(b)?', '\\$1=$1$2', 'a'), '$1=a');
    assert.equal(route('(a)', '$10', 'a'), 'a0');
    assert.equal(route('(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)', '$10$1', 'abcdefghij'), 'ja');
    assert.equal(route('(.*)', 'all-$0', 'topic'), 'all-topic');
  });

  it('replaces only the first match, as replaceFirst does', () => {
    assert.equal(route('(.*?)', 'x', 'abc'), 'xabc');
  });

  it('accepts the Java-only constructs users write in topic patterns', () => {
    assert.equal(route('(?i)ORDERS_(\\d+)', 'orders-$1', 'orders_7'), 'orders-7');
    assert.equal(route('\\Qa.b\\E(.*)', 'ab$1', 'a.bc'), 'abc');
    assert.equal(route('\\Qa.b\\E(.*)', 'ab$1', 'axbc'), 'axbc');
    assert.equal(route('\\Aorders\\z', 'o', 'orders'), 'o');
  });

  it('rejects an invalid regex, naming the key', () => {
    const problem = configProblem({ regex: '(unclosed', replacement: 'x' });
    assert.equal(problem?.key, 'regex');
    assert.match(problem?.message ?? '', /Invalid regular expression/);
  });

  it('rejects Java constructs JavaScript would misread, naming the key', () => {
    const problem = configProblem({ regex: 'orders\\p{Lower}+', replacement: 'x' });
    assert.equal(problem?.key, 'regex');
    assert.match(problem?.message ?? '', /\\p is not supported/);
    assert.equal(configProblem({ regex: '(?>a)', replacement: 'x' })?.key, 'regex');
  });

  it('rejects references to groups the regex does not have, naming the key', () => {
    assert.deepEqual(configProblem({ regex: '(a)', replacement: '$2' })?.key, 'replacement');
    assert.match(configProblem({ regex: '(a)', replacement: '$2' })?.message ?? '', /No group 2/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Java's named-group reference, not a template.
    assert.match(configProblem({ regex: '(a)', replacement: '${name}' })?.message ?? '', /No group with name \{name\}/);
    assert.match(configProblem({ regex: '(a)', replacement: 'cost$' })?.message ?? '', /Illegal group reference/);
    assert.match(
      configProblem({ regex: '(a)', replacement: 'x\\' })?.message ?? '',
      /character to be escaped is missing/,
    );
  });

  it('requires regex and replacement', () => {
    const problem = (() => {
      try {
        regexRouter.config.parse({});
        return [];
      } catch (err) {
        return err instanceof ConfigError ? err.problems.map((p) => p.key) : [];
      }
    })();
    assert.deepEqual(problem, ['regex', 'replacement']);
  });
});
