import {
  ConfigError,
  type ConnectRecord,
  choice,
  DataError,
  DateType,
  defineConfig,
  type Schema,
  SchemaBuilder,
  Schemas,
  Struct,
  string,
  Time,
  Timestamp,
} from '@tributary/api';
import { compileDateFormat, type DateFormat, dateFormatProblem } from './date-format.js';
import {
  copySchemaBasics,
  defineKeyValueTransforms,
  describeValue,
  partOf,
  type RecordPart,
  readField,
  replaceNullWithDefault,
  requireMap,
  schemaCache,
  TRANSFORMS_VERSION,
  withPart,
} from './support.js';

const TARGET_TYPES = ['string', 'unix', 'Date', 'Time', 'Timestamp'] as const;
const PRECISIONS = ['seconds', 'milliseconds', 'microseconds', 'nanoseconds'] as const;
type Kind = (typeof TARGET_TYPES)[number];
type Precision = (typeof PRECISIONS)[number];

const timestampConverterConfig = defineConfig({
  field: string({
    default: '',
    importance: 'high',
    doc: 'The field containing the timestamp, or empty if the entire value is a timestamp',
  }),
  'target.type': choice({
    values: TARGET_TYPES,
    importance: 'high',
    doc: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
  }),
  format: string({
    default: '',
    doc: 'A SimpleDateFormat-compatible format for the timestamp (in UTC). Used to generate the output when type=string or used to parse the input if the input is a string.',
    validValues: 'SimpleDateFormat pattern',
    validate: (pattern) => (pattern === '' ? undefined : dateFormatProblem(pattern)),
  }),
  'unix.precision': choice({
    values: PRECISIONS,
    default: 'milliseconds',
    importance: 'low',
    doc: 'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long. Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.',
  }),
  'replace.null.with.default': replaceNullWithDefault,
});

const PURPOSE = 'converting timestamp formats';
const MS_PER_DAY = 86_400_000;

/**
 * Kafka's TimestampConverter. Timestamps pass through a millisecond instant, so finer
 * precision is lost, as in Kafka. Unix output is a `number`, or a `bigint` beyond 2^53
 * (nanoseconds). A schemaless `field` that is absent stays absent (Kafka adds it as null).
 */
export const [timestampConverterKey, timestampConverterValue] = defineKeyValueTransforms({
  name: 'TimestampConverter',
  version: TRANSFORMS_VERSION,
  description: 'Converts a timestamp field or value between string, Unix epoch, Date, Time and Timestamp',
  config: timestampConverterConfig,
  create(config, part) {
    const pattern = config.format;
    const target = config['target.type'];
    if (target === 'string' && pattern === '') {
      throw new ConfigError([
        {
          key: 'format',
          value: pattern,
          message: 'TimestampConverter requires format option to be specified when using string timestamps',
        },
      ]);
    }
    const converter = new Converter(
      target,
      config['unix.precision'],
      pattern === '' ? null : compileDateFormat(pattern),
    );
    return config.field === ''
      ? wholeValue(converter, part)
      : oneField(converter, part, config.field, config['replace.null.with.default']);
  },
});

function wholeValue(converter: Converter, part: RecordPart) {
  const where = `record ${part}`;
  return <R extends ConnectRecord>(record: R): R => {
    const { schema, value } = partOf(record, part);
    if (schema === null) return withPart(record, part, null, converter.convert(value, null, where));
    const kind = kindOfSchema(schema, where);
    return withPart(record, part, converter.targetSchema(schema.isOptional), converter.convert(value, kind, where));
  };
}

function oneField(converter: Converter, part: RecordPart, fieldName: string, useDefaults: boolean) {
  const where = `field "${fieldName}"`;
  const convertStruct = (struct: Struct, schema: Schema): Struct => {
    const out = new Struct(schema);
    for (const field of struct.schema.fields) {
      const v = readField(struct, field.name, useDefaults);
      out.put(
        field.name,
        field.name === fieldName ? converter.convert(v, kindOfSchema(field.schema, where), where) : v,
      );
    }
    return out;
  };

  const updatedSchema = schemaCache((schema) => {
    const b = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields) {
      if (field.name !== fieldName) b.field(field.name, field.schema);
      else {
        kindOfSchema(field.schema, where);
        b.field(field.name, converter.targetSchema(field.schema.isOptional));
      }
    }
    if (schema.isOptional) b.optional();
    if (schema.defaultValue instanceof Struct) b.defaultValue(convertStruct(schema.defaultValue, b.build()));
    return b.build();
  });

  return <R extends ConnectRecord>(record: R): R => {
    const { schema, value } = partOf(record, part);
    if (schema === null) {
      if (value === null) return record;
      const map = requireMap(value, PURPOSE);
      if (!Object.hasOwn(map, fieldName)) return withPart(record, part, null, { ...map });
      return withPart(record, part, null, { ...map, [fieldName]: converter.convert(map[fieldName], null, where) });
    }
    if (value !== null && value !== undefined && !(value instanceof Struct)) {
      throw new DataError(`Only Struct objects supported for [${PURPOSE}], found: ${describeValue(value)}`);
    }
    if (schema.type !== 'struct')
      throw new DataError(
        `Only struct schemas supported for [${PURPOSE}] of ${where}, found: ${schema.type.toUpperCase()}`,
      );
    const newSchema = updatedSchema(schema);
    return withPart(record, part, newSchema, value instanceof Struct ? convertStruct(value, newSchema) : null);
  };
}

/** The timestamp kind a schema says its values have; DataError when it is none. */
function kindOfSchema(schema: Schema, where: string): Kind {
  switch (schema.name) {
    case Timestamp.LOGICAL_NAME:
      return 'Timestamp';
    case DateType.LOGICAL_NAME:
      return 'Date';
    case Time.LOGICAL_NAME:
      return 'Time';
    default:
      if (schema.type === 'string') return 'string';
      if (schema.type === 'int64') return 'unix';
      throw new DataError(
        `Schema ${schema.name ?? schema.type.toUpperCase()} of ${where} does not correspond to a known timestamp type format`,
      );
  }
}

class Converter {
  constructor(
    private readonly target: Kind,
    private readonly precision: Precision,
    private readonly format: DateFormat | null,
  ) {}

  targetSchema(isOptional: boolean): Schema {
    switch (this.target) {
      case 'string':
        return isOptional ? Schemas.OPTIONAL_STRING : Schemas.STRING;
      case 'unix':
        return isOptional ? Schemas.OPTIONAL_INT64 : Schemas.INT64;
      case 'Date':
        return isOptional ? OPTIONAL_DATE : DATE;
      case 'Time':
        return isOptional ? OPTIONAL_TIME : TIME;
      default:
        return isOptional ? OPTIONAL_TIMESTAMP : TIMESTAMP;
    }
  }

  /** `value` of `kind` (inferred from the value when `null`) in the target kind. */
  convert(value: unknown, kind: Kind | null, where: string): unknown {
    if (value === null || value === undefined) return null;
    const ms = this.toMillis(value, kind ?? inferKind(value, where), where);
    const date = new Date(ms);
    if (Number.isNaN(date.getTime())) throw new DataError(`Timestamp ${where} is out of range: ${String(value)}`);
    switch (this.target) {
      case 'string':
        return this.requireFormat(where).format(date);
      case 'unix':
        return fromMillis(ms, this.precision);
      case 'Date':
        return new Date(ms - mod(ms, MS_PER_DAY));
      case 'Time':
        return new Date(mod(ms, MS_PER_DAY));
      default:
        return date;
    }
  }

  private toMillis(value: unknown, kind: Kind, where: string): number {
    switch (kind) {
      case 'string': {
        if (typeof value !== 'string')
          throw new DataError(`Expected string timestamp ${where} to be a string, but found ${describeValue(value)}`);
        const format = this.requireFormat(where);
        try {
          return format.parse(value).getTime();
        } catch (err) {
          throw new DataError(
            `Could not parse timestamp ${where}: value (${value}) does not match pattern (${format.pattern}): ${(err as Error).message}`,
            { cause: err },
          );
        }
      }
      case 'unix':
        if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))
          return toMillis(value, this.precision);
        throw new DataError(`Expected Unix timestamp ${where} to be an integer, but found ${describeValue(value)}`);
      default:
        if (value instanceof Date) return value.getTime();
        throw new DataError(`Expected ${kind} ${where} to be a Date, but found ${describeValue(value)}`);
    }
  }

  private requireFormat(where: string): DateFormat {
    if (this.format === null)
      throw new DataError(`Timestamp ${where} is a string, but no format is configured to parse it (set format)`);
    return this.format;
  }
}

function inferKind(value: unknown, where: string): Kind {
  if (value instanceof Date) return 'Timestamp';
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return 'unix';
  if (typeof value === 'string') return 'string';
  throw new DataError(`TimestampConverter does not support ${describeValue(value)} values as timestamps (${where})`);
}

function toMillis(value: number | bigint, precision: Precision): number {
  if (typeof value === 'bigint') {
    switch (precision) {
      case 'seconds':
        return Number(value * 1000n);
      case 'microseconds':
        return Number(value / 1000n);
      case 'nanoseconds':
        return Number(value / 1_000_000n);
      default:
        return Number(value);
    }
  }
  switch (precision) {
    case 'seconds':
      return value * 1000;
    case 'microseconds':
      return Math.trunc(value / 1000);
    case 'nanoseconds':
      return Math.trunc(value / 1_000_000);
    default:
      return value;
  }
}

function fromMillis(ms: number, precision: Precision): number | bigint {
  switch (precision) {
    case 'seconds':
      return Math.trunc(ms / 1000);
    case 'microseconds':
      return int64(BigInt(ms) * 1000n);
    case 'nanoseconds':
      return int64(BigInt(ms) * 1_000_000n);
    default:
      return ms;
  }
}

function int64(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

const DATE = DateType.schema();
const OPTIONAL_DATE = DateType.builder().optional().build();
const TIME = Time.schema();
const OPTIONAL_TIME = Time.builder().optional().build();
const TIMESTAMP = Timestamp.schema();
const OPTIONAL_TIMESTAMP = Timestamp.builder().optional().build();
