/**
 * Kafka Connect's IntegerConverter, LongConverter, ShortConverter, FloatConverter and
 * DoubleConverter: one number as fixed-width big-endian bytes, as Kafka's serializers
 * write it. Reading gives the optional schema of the type; `null` stays `null`.
 */
import {
  type Converter,
  type ConverterPlugin,
  DataError,
  defineConfig,
  defineConverter,
  type Header,
  type Schema,
  type SchemaAndValue,
  Schemas,
} from '@tributary/api';

interface NumberCodec {
  /** Java's class name, as Kafka's messages use it. */
  readonly typeName: string;
  readonly schema: Schema;
  readonly byteLength: number;
  /** Writes `value` into `out`; returns false when `value` is not of this type. */
  write(value: unknown, out: Buffer): boolean;
  read(bytes: Buffer): number | bigint;
}

const isInteger = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

const SHORT: NumberCodec = {
  typeName: 'Short',
  schema: Schemas.OPTIONAL_INT16,
  byteLength: 2,
  write: (v, out) => isInteger(v, -0x8000, 0x7fff) && out.writeInt16BE(v) > 0,
  read: (b) => b.readInt16BE(0),
};
const INTEGER: NumberCodec = {
  typeName: 'Integer',
  schema: Schemas.OPTIONAL_INT32,
  byteLength: 4,
  write: (v, out) => isInteger(v, -0x8000_0000, 0x7fff_ffff) && out.writeInt32BE(v) > 0,
  read: (b) => b.readInt32BE(0),
};
const LONG: NumberCodec = {
  typeName: 'Long',
  schema: Schemas.OPTIONAL_INT64,
  byteLength: 8,
  write: (v, out) => {
    const big = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null;
    if (big === null || big < -(2n ** 63n) || big >= 2n ** 63n) return false;
    out.writeBigInt64BE(big);
    return true;
  },
  read: (b) => {
    const big = b.readBigInt64BE(0);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  },
};
const FLOAT: NumberCodec = {
  typeName: 'Float',
  schema: Schemas.OPTIONAL_FLOAT32,
  byteLength: 4,
  write: (v, out) => typeof v === 'number' && out.writeFloatBE(v) > 0,
  read: (b) => b.readFloatBE(0),
};
const DOUBLE: NumberCodec = {
  typeName: 'Double',
  schema: Schemas.OPTIONAL_FLOAT64,
  byteLength: 8,
  write: (v, out) => typeof v === 'number' && out.writeDoubleBE(v) > 0,
  read: (b) => b.readDoubleBE(0),
};

export class NumberConverter implements Converter {
  constructor(private readonly codec: NumberCodec) {}

  fromConnectData(
    _topic: string,
    _headers: readonly Header[],
    _schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    if (value === null || value === undefined) return null;
    const out = Buffer.alloc(this.codec.byteLength);
    if (!this.codec.write(value, out)) {
      throw new DataError(`Failed to serialize to ${this.codec.typeName} (was ${describe(value)})`);
    }
    return out;
  }

  toConnectData(_topic: string, _headers: readonly Header[], bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: this.codec.schema, value: null };
    if (bytes.byteLength !== this.codec.byteLength) {
      throw new DataError(
        `Failed to deserialize ${this.codec.typeName}: size of data received is ${bytes.byteLength}, not ${this.codec.byteLength}`,
      );
    }
    return {
      schema: this.codec.schema,
      value: this.codec.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    };
  }
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

function numberConverter(simpleName: string, codec: NumberCodec): ConverterPlugin {
  return defineConverter({
    name: simpleName,
    aliases: [`org.apache.kafka.connect.converters.${simpleName}`],
    version: '0.1.0',
    description: `One ${codec.schema.type} as ${codec.byteLength} big-endian bytes, like Kafka's ${codec.typeName}Serializer.`,
    config: defineConfig({}),
    create: () => new NumberConverter(codec),
  });
}

export const shortConverter = numberConverter('ShortConverter', SHORT);
export const integerConverter = numberConverter('IntegerConverter', INTEGER);
export const longConverter = numberConverter('LongConverter', LONG);
export const floatConverter = numberConverter('FloatConverter', FLOAT);
export const doubleConverter = numberConverter('DoubleConverter', DOUBLE);
