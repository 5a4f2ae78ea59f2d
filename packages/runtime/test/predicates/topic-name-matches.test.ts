import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { topicNameMatches } from '../../src/predicates/topic-name-matches.js';
import { configure, sourceRecord } from '../transforms/fixtures.js';

const record = (topic: string) => sourceRecord({ topic, value: 'v' });

const predicate = (pattern: string) => configure(topicNameMatches, { pattern });

describe('TopicNameMatches', () => {
  it('is aliased to the Java class name', () => {
    assert.equal(topicNameMatches.kind, 'predicate');
    assert.deepEqual(topicNameMatches.aliases, ['org.apache.kafka.connect.transforms.predicates.TopicNameMatches']);
  });

  it('matches the whole topic name, not a part of it', () => {
    const p = predicate('orders-.*');
    assert.equal(p.test(record('orders-eu')), true);
    assert.equal(p.test(record('old-orders-eu')), false);
    const q = predicate('a|b');
    assert.equal(q.test(record('a')), true);
    assert.equal(q.test(record('ab')), false);
  });

  it('honours a leading Java inline flag group', () => {
    assert.equal(predicate('(?i)orders').test(record('ORDERS')), true);
    assert.equal(predicate('orders').test(record('ORDERS')), false);
  });

  it('rejects a missing, empty or invalid pattern naming the key', () => {
    for (const props of [{}, { pattern: '' }, { pattern: 'orders-(' }]) {
      assert.throws(
        () => topicNameMatches.config.parse(props),
        (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'pattern',
      );
    }
  });

  it('rejects an invalid pattern at create even when parsing was skipped', () => {
    assert.throws(
      () => topicNameMatches.create({ pattern: '[' }),
      (err: unknown) =>
        err instanceof ConfigError && err.problems[0]?.key === 'pattern' && /Invalid regex/.test(err.message),
    );
  });
});
