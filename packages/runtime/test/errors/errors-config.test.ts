import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { deadLetterQueueConfig, errorsConfig } from '../../src/errors/errors-config.js';

describe('errorsConfig / deadLetterQueueConfig', () => {
  it("has Kafka Connect's defaults", () => {
    assert.deepEqual(
      { ...errorsConfig.parse({}) },
      {
        'errors.retry.timeout': 0,
        'errors.retry.delay.max.ms': 60000,
        'errors.tolerance': 'none',
        'errors.log.enable': false,
        'errors.log.include.messages': false,
      },
    );
    assert.deepEqual(
      { ...deadLetterQueueConfig.parse({}) },
      {
        'errors.deadletterqueue.topic.name': '',
        'errors.deadletterqueue.topic.replication.factor': 3,
        'errors.deadletterqueue.context.headers.enable': false,
      },
    );
  });

  it('accepts -1 for infinite retries and "ALL" in any case', () => {
    const parsed = errorsConfig.parse({ 'errors.retry.timeout': '-1', 'errors.tolerance': 'ALL' });
    assert.equal(parsed['errors.retry.timeout'], -1);
    assert.equal(parsed['errors.tolerance'], 'all');
  });

  it('reports every bad key at once, by name', () => {
    assert.throws(
      () =>
        errorsConfig.parse({ 'errors.tolerance': 'some', 'errors.retry.timeout': '-5', 'errors.log.enable': 'yes' }),
      (err: ConfigError) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems.map((p) => p.key).sort(), [
          'errors.log.enable',
          'errors.retry.timeout',
          'errors.tolerance',
        ]);
        return true;
      },
    );
  });
});
