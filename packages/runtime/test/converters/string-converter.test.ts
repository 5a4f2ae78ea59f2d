import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, SchemaBuilder, Schemas, Struct } from '@tributary/api';
import { stringConverter } from '../../src/converters/string-converter.js';

function create(props: Record<string, string> = {}) {
  return stringConverter.create(stringConverter.config.parse(props), { isKey: false });
}

describe('StringConverter', () => {
  it("is declared with Kafka's class name and converter.encoding=UTF8", () => {
    assert.deepEqual(stringConverter.aliases, ['org.apache.kafka.connect.storage.StringConverter']);
    assert.deepEqual({ ...stringConverter.config.parse({}) }, { 'converter.encoding': 'UTF8' });
  });

  it('writes strings in UTF-8 and reads them with an optional string schema', async () => {
    const c = create();
    const bytes = await c.fromConnectData('t', [], Schemas.STRING, 'héllo');
    assert.deepEqual(Buffer.from(bytes ?? []), Buffer.from('héllo', 'utf8'));
    assert.deepEqual(await c.toConnectData('t', [], bytes), { schema: Schemas.OPTIONAL_STRING, value: 'héllo' });
    assert.deepEqual(await c.toConnectData('t', [], null), { schema: Schemas.OPTIONAL_STRING, value: null });
    assert.equal(await c.fromConnectData('t', [], Schemas.OPTIONAL_STRING, null), null);
  });

  it('supports latin1 and ascii encodings and rejects unknown ones naming the key', async () => {
    const latin1 = create({ 'converter.encoding': 'ISO-8859-1' });
    assert.deepEqual(Buffer.from((await latin1.fromConnectData('t', [], null, 'é')) ?? []), Buffer.from([0xe9]));
    assert.equal((await latin1.toConnectData('t', [], Buffer.from([0xe9]))).value, 'é');
    const ascii = create({ 'converter.encoding': 'US-ASCII' });
    assert.deepEqual(Buffer.from((await ascii.fromConnectData('t', [], null, 'abc')) ?? []), Buffer.from('abc'));
    assert.equal((await create({ 'converter.encoding': 'UTF-8' }).toConnectData('t', [], Buffer.from('€'))).value, '€');
    assert.throws(
      () => stringConverter.config.parse({ 'converter.encoding': 'EBCDIC' }),
      (err: unknown) =>
        err instanceof ConfigError && err.message.includes('converter.encoding') && err.message.includes('EBCDIC'),
    );
  });

  it('stringifies values that are not strings', async () => {
    const c = create();
    const text = async (value: unknown) =>
      Buffer.from((await c.fromConnectData('t', [], null, value)) ?? []).toString();
    assert.equal(await text(42), '42');
    assert.equal(await text(2n ** 64n), '18446744073709551616');
    assert.equal(await text(false), 'false');
    assert.equal(await text(new Date(0)), '1970-01-01T00:00:00.000Z');
    assert.equal(await text({ a: [1, 2n] }), '{"a":[1,"2"]}');
    const schema = SchemaBuilder.struct().field('id', Schemas.INT32).build();
    assert.equal(await text(new Struct(schema).put('id', 1)), 'Struct{id=1}');
  });
});
