import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ConverterPlugin, DataError, Schemas } from '@tributary/api';
import {
  doubleConverter,
  floatConverter,
  integerConverter,
  longConverter,
  shortConverter,
} from '../../src/converters/number-converters.js';

function create(plugin: ConverterPlugin) {
  return plugin.create(plugin.config.parse({}), { isKey: true });
}

describe('number converters', () => {
  it("use Kafka's class names", () => {
    assert.deepEqual(
      [shortConverter, integerConverter, longConverter, floatConverter, doubleConverter].map((p) => p.aliases[0]),
      ['ShortConverter', 'IntegerConverter', 'LongConverter', 'FloatConverter', 'DoubleConverter'].map(
        (n) => `org.apache.kafka.connect.converters.${n}`,
      ),
    );
  });

  const cases: [ConverterPlugin, unknown, number[], unknown][] = [
    [shortConverter, -2, [0xff, 0xfe], Schemas.OPTIONAL_INT16],
    [integerConverter, 258, [0, 0, 1, 2], Schemas.OPTIONAL_INT32],
    [longConverter, 2n ** 63n - 1n, [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], Schemas.OPTIONAL_INT64],
    [longConverter, -1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], Schemas.OPTIONAL_INT64],
    [floatConverter, 1.5, [0x3f, 0xc0, 0, 0], Schemas.OPTIONAL_FLOAT32],
    [doubleConverter, -2, [0xc0, 0, 0, 0, 0, 0, 0, 0], Schemas.OPTIONAL_FLOAT64],
  ];
  for (const [plugin, value, bytes, schema] of cases) {
    it(`${plugin.name} writes ${String(value)} big-endian and reads it back`, async () => {
      const c = create(plugin);
      const written = await c.fromConnectData('t', [], null, value);
      assert.deepEqual([...(written ?? [])], bytes);
      assert.deepEqual(await c.toConnectData('t', [], written), { schema, value });
    });
  }

  it('keep null as null', async () => {
    const c = create(integerConverter);
    assert.equal(await c.fromConnectData('t', [], null, null), null);
    assert.deepEqual(await c.toConnectData('t', [], null), { schema: Schemas.OPTIONAL_INT32, value: null });
  });

  it('reject values of the wrong type or range and bytes of the wrong size', () => {
    const c = create(integerConverter);
    assert.throws(() => c.fromConnectData('t', [], null, 'x'), DataError);
    assert.throws(() => c.fromConnectData('t', [], null, 2 ** 31), /Failed to serialize to Integer/);
    assert.throws(() => create(shortConverter).fromConnectData('t', [], null, 1.5), DataError);
    assert.throws(() => c.toConnectData('t', [], new Uint8Array(3)), /size of data received is 3, not 4/);
  });
});
