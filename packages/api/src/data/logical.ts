/**
 * Connect's logical types: a primitive schema with a well-known name whose values have a
 * richer JavaScript form. Converters turn them into their primitive form on the wire.
 *
 * | logical | name | primitive | JavaScript value |
 * | --- | --- | --- | --- |
 * | Decimal | org.apache.kafka.connect.data.Decimal (parameter `scale`) | bytes: big-endian two's-complement unscaled integer | decimal `string`, e.g. `'-12.34'` (a `number` or `bigint` is accepted as input) |
 * | Date | org.apache.kafka.connect.data.Date | int32 days since 1970-01-01 | `Date` at UTC midnight |
 * | Time | org.apache.kafka.connect.data.Time | int32 milliseconds since midnight | `Date` on 1970-01-01 UTC |
 * | Timestamp | org.apache.kafka.connect.data.Timestamp | int64 milliseconds since the epoch | `Date` |
 */
import { DataError } from '../errors.js';
import { type Schema, SchemaBuilder } from './schema.js';

const MS_PER_DAY = 86_400_000;

export const Decimal = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Decimal',
  SCALE_FIELD: 'scale',
  /** The parameter JsonConverter and AvroConverter read the precision from. */
  PRECISION_FIELD: 'connect.decimal.precision',

  builder(scale: number, precision?: number): SchemaBuilder {
    if (!Number.isInteger(scale)) throw new DataError(`Decimal scale must be an integer, not ${scale}`);
    const b = SchemaBuilder.bytes().name(Decimal.LOGICAL_NAME).version(1).parameter(Decimal.SCALE_FIELD, String(scale));
    if (precision !== undefined) b.parameter(Decimal.PRECISION_FIELD, String(precision));
    return b;
  },
  schema(scale: number, precision?: number): Schema {
    return Decimal.builder(scale, precision).build();
  },
  /** The scale a Decimal schema declares. */
  scale(schema: Schema): number {
    const raw = schema.parameters?.[Decimal.SCALE_FIELD];
    const scale = raw === undefined ? Number.NaN : Number(raw);
    if (!Number.isInteger(scale)) throw new DataError(`Invalid Decimal schema: scale parameter is ${raw ?? 'missing'}`);
    return scale;
  },
  /** The unscaled integer of `value` at `scale`; DataError if it has more fractional digits. */
  unscaled(value: string | number | bigint, scale: number): bigint {
    if (typeof value === 'bigint') return scale >= 0 ? value * 10n ** BigInt(scale) : value / 10n ** BigInt(-scale);
    const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (m === null || (m[2] === '' && (m[3] ?? '') === '')) throw new DataError(`"${text}" is not a decimal number`);
    const sign = m[1] === '-' ? -1n : 1n;
    let digits = (m[2] ?? '') + (m[3] ?? '');
    let exp = -(m[3] ?? '').length + Number(m[4] ?? '0') + scale;
    if (exp < 0) {
      const dropped = digits.slice(digits.length + exp);
      if (/[1-9]/.test(dropped)) throw new DataError(`${text} has more than ${scale} fractional digits`);
      digits = digits.slice(0, digits.length + exp);
      exp = 0;
    }
    return sign * BigInt((digits === '' ? '0' : digits) + '0'.repeat(exp));
  },
  /** The decimal string of `unscaled` × 10^-scale, e.g. (1234n, 2) → '12.34'. */
  format(unscaled: bigint, scale: number): string {
    if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
    const negative = unscaled < 0n;
    const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
    const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    return negative ? `-${text}` : text;
  },
  /** Big-endian two's-complement bytes of the unscaled value, minimal length (Java's BigInteger.toByteArray). */
  toBytes(value: string | number | bigint, scale: number): Buffer {
    return bigintToBytes(Decimal.unscaled(value, scale));
  },
  fromBytes(bytes: Uint8Array, scale: number): string {
    return Decimal.format(bytesToBigint(bytes), scale);
  },
} as const;

export const DateType = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Date',
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(DateType.LOGICAL_NAME).version(1);
  },
  schema(): Schema {
    return DateType.builder().build();
  },
  /** Days since the epoch; DataError if `value` is not at UTC midnight. */
  toDays(value: Date): number {
    const ms = value.getTime();
    if (ms % MS_PER_DAY !== 0)
      throw new DataError(
        `Kafka Connect Date type should not have any time fields set to non-zero values (${value.toISOString()})`,
      );
    return ms / MS_PER_DAY;
  },
  fromDays(days: number): Date {
    return new Date(days * MS_PER_DAY);
  },
} as const;

export const Time = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Time',
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(Time.LOGICAL_NAME).version(1);
  },
  schema(): Schema {
    return Time.builder().build();
  },
  /** Milliseconds since midnight; DataError if `value` is not on 1970-01-01 UTC. */
  toMillis(value: Date): number {
    const ms = value.getTime();
    if (ms < 0 || ms >= MS_PER_DAY)
      throw new DataError(
        `Kafka Connect Time type should not have any date fields set to non-zero values (${value.toISOString()})`,
      );
    return ms;
  },
  fromMillis(ms: number): Date {
    return new Date(ms);
  },
} as const;

export const Timestamp = {
  LOGICAL_NAME: 'org.apache.kafka.connect.data.Timestamp',
  builder(): SchemaBuilder {
    return SchemaBuilder.int64().name(Timestamp.LOGICAL_NAME).version(1);
  },
  schema(): Schema {
    return Timestamp.builder().build();
  },
  toMillis(value: Date): number {
    return value.getTime();
  },
  fromMillis(ms: number | bigint): Date {
    return new Date(Number(ms));
  },
} as const;

export const LOGICAL_TYPE_NAMES: readonly string[] = [
  Decimal.LOGICAL_NAME,
  DateType.LOGICAL_NAME,
  Time.LOGICAL_NAME,
  Timestamp.LOGICAL_NAME,
];

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw new DataError(`${n} is not a decimal number`);
  return String(n);
}

export function bigintToBytes(v: bigint): Buffer {
  const out: number[] = [];
  let x = v;
  for (;;) {
    const byte = Number(x & 0xffn);
    out.unshift(byte);
    x >>= 8n;
    // Stop once the remaining value is only sign extension of the byte just written.
    if ((x === 0n && (byte & 0x80) === 0) || (x === -1n && (byte & 0x80) !== 0)) break;
  }
  return Buffer.from(out);
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return (bytes[0] ?? 0) & 0x80 ? v - (1n << BigInt(bytes.length * 8)) : v;
}
