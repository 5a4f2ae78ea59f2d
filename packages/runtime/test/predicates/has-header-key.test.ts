import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, type Header, Schemas } from '@tributary/api';
import { hasHeaderKey } from '../../src/predicates/has-header-key.js';
import { configure, sourceRecord } from '../transforms/fixtures.js';

const record = (headers: Header[]) => sourceRecord({ value: 'v', headers });

describe('HasHeaderKey', () => {
  it('is aliased to the Java class name', () => {
    assert.deepEqual(hasHeaderKey.aliases, ['org.apache.kafka.connect.transforms.predicates.HasHeaderKey']);
  });

  it('is true when at least one header has the name, whatever its value', () => {
    const p = configure(hasHeaderKey, { name: 'trace' });
    assert.equal(
      p.test(
        record([
          { key: 'a', schema: null, value: 1 },
          { key: 'trace', schema: Schemas.OPTIONAL_STRING, value: null },
        ]),
      ),
      true,
    );
    assert.equal(p.test(record([{ key: 'Trace', schema: null, value: 1 }])), false);
    assert.equal(p.test(record([])), false);
  });

  it('requires a non-empty name', () => {
    for (const props of [{}, { name: '' }]) {
      assert.throws(
        () => hasHeaderKey.config.parse(props),
        (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'name',
      );
    }
  });
});
