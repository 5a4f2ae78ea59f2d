import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schemas, type SourceRecord } from '@tributary/api';
import { recordIsTombstone } from '../../src/predicates/record-is-tombstone.js';
import { configure, sourceRecord } from '../transforms/fixtures.js';

/** A keyed source record: a tombstone unless the test gives it a value. */
const record = (over: Partial<SourceRecord>) => sourceRecord({ key: 'k', ...over });

describe('RecordIsTombstone', () => {
  it('is aliased to the Java class name and takes no config', () => {
    assert.deepEqual(recordIsTombstone.aliases, ['org.apache.kafka.connect.transforms.predicates.RecordIsTombstone']);
    assert.deepEqual(Object.keys(recordIsTombstone.config.keys), []);
  });

  it('is true only for a null value, with or without a schema', () => {
    const p = configure(recordIsTombstone);
    assert.equal(p.test(record({ value: null })), true);
    assert.equal(p.test(record({ valueSchema: Schemas.OPTIONAL_STRING, value: null })), true);
    assert.equal(p.test(record({ value: '' })), false);
    assert.equal(p.test(record({ value: 0 })), false);
    assert.equal(p.test(record({ key: null, value: { a: 1 } })), false);
  });
});
