import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, Schemas } from '@tributary/api';
import { byteArrayConverter } from '../../src/converters/byte-array-converter.js';

const converter = byteArrayConverter.create(byteArrayConverter.config.parse({}), { isKey: false });

describe('ByteArrayConverter', () => {
  it("is declared with Kafka's class name", () => {
    assert.deepEqual(byteArrayConverter.aliases, ['org.apache.kafka.connect.converters.ByteArrayConverter']);
  });

  it('passes bytes through both ways with an optional bytes schema', async () => {
    const bytes = new Uint8Array([0, 1, 255]);
    assert.equal(await converter.fromConnectData('t', [], Schemas.BYTES, bytes), bytes);
    assert.equal(await converter.fromConnectData('t', [], null, bytes), bytes);
    assert.deepEqual(await converter.toConnectData('t', [], bytes), { schema: Schemas.OPTIONAL_BYTES, value: bytes });
    assert.deepEqual(await converter.toConnectData('t', [], null), { schema: Schemas.OPTIONAL_BYTES, value: null });
    assert.equal(await converter.fromConnectData('t', [], Schemas.OPTIONAL_BYTES, null), null);
  });

  it('rejects values that are not bytes and schemas that are not bytes', () => {
    assert.throws(
      () => converter.fromConnectData('t', [], null, 'text'),
      (err: unknown) => err instanceof DataError && /not compatible with objects of type string/.test(err.message),
    );
    assert.throws(
      () => converter.fromConnectData('t', [], Schemas.STRING, new Uint8Array(1)),
      /Invalid schema type for ByteArrayConverter: STRING/,
    );
  });
});
