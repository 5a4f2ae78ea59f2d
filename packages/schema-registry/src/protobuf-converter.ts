/**
 * Confluent's ProtobufConverter (`io.confluent.connect.protobuf.ProtobufConverter`): after the
 * 5-byte header come the message indexes — which message of the .proto file the payload is,
 * as a zig-zag varint count then zig-zag varint indexes, or a single 0x00 for the first
 * message, as Confluent's serializers write them — then the protobuf payload.
 *
 * Connect → proto3, as Confluent's ProtobufData writes the common cases: a struct is a
 * message (its simple name, the rest of the Connect name as the package; unnamed
 * `ConnectDefault1`, nested `ConnectDefault2`, …), fields numbered from 1 in order,
 * int8/int16/int32 → int32, int64, float, double, bool, string, bytes, arrays → repeated,
 * maps with string or integer keys → map<,>, other maps → repeated `<Name>Entry` {key, value},
 * Timestamp → google.protobuf.Timestamp, Date → google.type.Date, Time → google.type.TimeOfDay
 * (imported without schema references, as Confluent's serializers do for known types). Read
 * back, message fields are optional, scalars are not (proto3 cannot tell an unset scalar
 * from its zero value).
 *
 * Known gaps: Decimal is refused with a DataError (Confluent writes confluent.type.Decimal
 * with its scale in confluent.field_meta options); int8/int16 come back as int32; enums from
 * other tools are read as strings.
 */
import {
  DataError,
  DateType,
  Decimal,
  type Schema,
  SchemaBuilder,
  Schemas,
  Struct,
  Time,
  Timestamp,
} from '@tributary/api';
import protobuf from 'protobufjs';
import type { SchemaRegistryConverterConfig } from './config.js';
import type { RegisteredSchema } from './registry-client.js';
import {
  type ReaderSchema,
  type SchemaFormat,
  SchemaRegistryConverter,
  type WriterSchema,
} from './schema-registry-converter.js';

const TIMESTAMP_PROTO = 'google/protobuf/timestamp.proto';
const DATE_PROTO = 'google/type/date.proto';
const TIME_OF_DAY_PROTO = 'google/type/timeofday.proto';
/**
 * Files Confluent's registry knows without schema references (its "known types"); their
 * published definitions, so imports of them resolve here too. google/protobuf/* comes
 * from protobufjs.
 */
const KNOWN_FILES: Readonly<Record<string, string>> = {
  [DATE_PROTO]:
    'syntax = "proto3"; package google.type; message Date { int32 year = 1; int32 month = 2; int32 day = 3; }',
  [TIME_OF_DAY_PROTO]:
    'syntax = "proto3"; package google.type; message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }',
  'confluent/type/decimal.proto':
    'syntax = "proto3"; package confluent.type; message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }',
};
interface ProtoContext {
  defaults: number;
  readonly imports: Set<string>;
}
const TIMESTAMP_TYPE = 'google.protobuf.Timestamp';
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FIRST_MESSAGE = Buffer.from([0]);

const SCALARS: Partial<Record<Schema['type'], string>> = {
  int8: 'int32',
  int16: 'int32',
  int32: 'int32',
  int64: 'int64',
  float32: 'float',
  float64: 'double',
  boolean: 'bool',
  string: 'string',
  bytes: 'bytes',
};
const MAP_KEY_TYPES = new Set(['int32', 'int64', 'bool', 'string']);

interface ProtoText {
  readonly text: string;
  readonly messageName: string;
}

/** The .proto (proto3) text for a Connect struct schema. */
export function protoFromConnect(schema: Schema): ProtoText {
  if (schema.type !== 'struct') throw new DataError(`ProtobufConverter needs a struct schema, not ${schema.type}`);
  const ctx: ProtoContext = { defaults: 0, imports: new Set() };
  const [pkg, name] = splitName(schema.name, ctx);
  const body = messageText(name, schema, ctx, '');
  const lines = ['syntax = "proto3";'];
  if (pkg !== null) lines.push(`package ${pkg};`);
  for (const file of [...ctx.imports].sort()) lines.push(`import "${file}";`);
  lines.push('', body);
  return { text: lines.join('\n'), messageName: pkg === null ? name : `${pkg}.${name}` };
}

function splitName(full: string | null, ctx: { defaults: number }): [string | null, string] {
  if (full === null) return [null, `ConnectDefault${++ctx.defaults}`];
  const parts = full.split('.');
  const name = parts.pop() ?? full;
  for (const p of [...parts, name]) if (!IDENT.test(p)) throw new DataError(`"${full}" is not a valid Protobuf name`);
  return [parts.length === 0 ? null : parts.join('.'), name];
}

function messageText(name: string, schema: Schema, ctx: ProtoContext, indent: string): string {
  const nested: string[] = [];
  const fields = schema.fields.map((f, i) => {
    if (!IDENT.test(f.name)) throw new DataError(`Field "${f.name}" is not a valid Protobuf field name`);
    return `${indent}  ${fieldType(f.name, f.schema, ctx, nested, indent)} ${f.name} = ${i + 1};`;
  });
  return [`${indent}message ${name} {`, ...fields, ...nested, `${indent}}`].join('\n');
}

function fieldType(
  fieldName: string,
  schema: Schema,
  ctx: ProtoContext,
  nested: string[],
  indent: string,
  isItem = false,
): string {
  switch (schema.name) {
    case Timestamp.LOGICAL_NAME:
      ctx.imports.add(TIMESTAMP_PROTO);
      return TIMESTAMP_TYPE;
    case DateType.LOGICAL_NAME:
      ctx.imports.add(DATE_PROTO);
      return 'google.type.Date';
    case Time.LOGICAL_NAME:
      ctx.imports.add(TIME_OF_DAY_PROTO);
      return 'google.type.TimeOfDay';
    case Decimal.LOGICAL_NAME:
      throw new DataError(
        `Field "${fieldName}": ${schema.name} is not supported by ProtobufConverter yet (AvroConverter and JsonSchemaConverter support it)`,
      );
    default:
      break;
  }
  const scalar = SCALARS[schema.type];
  if (scalar !== undefined) return scalar;
  switch (schema.type) {
    case 'array': {
      if (isItem) throw new DataError(`Field "${fieldName}": arrays of arrays or maps have no Protobuf form`);
      return `repeated ${fieldType(fieldName, part(schema.valueSchema), ctx, nested, indent, true)}`;
    }
    case 'map': {
      if (isItem) throw new DataError(`Field "${fieldName}": arrays of maps have no Protobuf form`);
      const keyType = SCALARS[part(schema.keySchema).type];
      const value = part(schema.valueSchema);
      if (keyType !== undefined && MAP_KEY_TYPES.has(keyType) && value.type !== 'array' && value.type !== 'map')
        return `map<${keyType}, ${fieldType(fieldName, value, ctx, nested, indent, true)}>`;
      const entryName = `${schema.name === null ? `ConnectDefault${++ctx.defaults}` : splitName(schema.name, ctx)[1]}Entry`;
      const entry = SchemaBuilder.struct().field('key', part(schema.keySchema)).field('value', value).build();
      nested.push(messageText(entryName, entry, ctx, `${indent}  `));
      return `repeated ${entryName}`;
    }
    case 'struct': {
      const [, name] = splitName(schema.name, ctx);
      nested.push(messageText(name, schema, ctx, `${indent}  `));
      return name;
    }
    default:
      throw new DataError(`Field "${fieldName}": unsupported Connect type ${schema.type}`);
  }
}

function part(schema: Schema | null): Schema {
  if (schema === null) throw new DataError('Invalid Connect schema: missing item, key or value schema');
  return schema;
}

/** Parses .proto text; imports of Google's well-known types and Confluent's known types resolve. */
export function parseProto(text: string): { root: protobuf.Root; pkg: string | null } {
  const root = new protobuf.Root();
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobuf.parse(text, root, { keepCase: true });
    for (const file of parsed.imports ?? []) {
      const known = KNOWN_FILES[file];
      if (known !== undefined) protobuf.parse(known, root, { keepCase: true });
      const common = protobuf.common.get(file);
      if (common?.nested !== undefined) root.addJSON(common.nested);
    }
    root.resolveAll();
  } catch (err) {
    throw new DataError(`Invalid Protobuf schema: ${(err as Error).message}`, { cause: err });
  }
  return { root, pkg: parsed.package ?? null };
}

/** The messages of a file in declaration order (top level), as message indexes address them. */
function topMessages(root: protobuf.Root, pkg: string | null): protobuf.Type[] {
  let ns: { nestedArray: readonly unknown[] } = root;
  if (pkg !== null) {
    for (const part of pkg.split('.')) {
      const next = ns.nestedArray.find((n) => (n as { name?: string }).name === part);
      if (next === undefined) return [];
      ns = next as { nestedArray: readonly unknown[] };
    }
  }
  return ns.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
}

function nestedMessages(type: protobuf.Type): protobuf.Type[] {
  return (type.nestedArray ?? []).filter((n): n is protobuf.Type => n instanceof protobuf.Type);
}

/** Reads Confluent's message-index array; returns the indexes and the payload start. */
export function readMessageIndexes(buf: Buffer): { indexes: number[]; offset: number } {
  let pos = 0;
  const readZigzag = (): number => {
    let z = 0;
    let mul = 1;
    let b: number;
    do {
      b = buf[pos++] ?? -1;
      if (b < 0) throw new DataError('Protobuf message indexes end early');
      z += (b & 0x7f) * mul;
      mul *= 0x80;
    } while (b & 0x80);
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  };
  const count = readZigzag();
  if (count === 0) return { indexes: [0], offset: pos };
  if (count < 0 || count > 100) throw new DataError(`Invalid Protobuf message index count ${count}`);
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) indexes.push(readZigzag());
  return { indexes, offset: pos };
}

/** Confluent's message-index bytes for `indexes` ([0] → a single 0x00). */
export function writeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return FIRST_MESSAGE;
  const out: number[] = [];
  const zigzag = (n: number) => {
    let z = n >= 0 ? n * 2 : -n * 2 - 1;
    while (z >= 0x80) {
      out.push((z % 0x80) | 0x80);
      z = Math.floor(z / 0x80);
    }
    out.push(z);
  };
  zigzag(indexes.length);
  for (const i of indexes) zigzag(i);
  return Buffer.from(out);
}

function messageAt(root: protobuf.Root, pkg: string | null, indexes: readonly number[]): protobuf.Type {
  let candidates = topMessages(root, pkg);
  let found: protobuf.Type | undefined;
  for (const i of indexes) {
    found = candidates[i];
    if (found === undefined) throw new DataError(`No Protobuf message at index path [${indexes.join(', ')}]`);
    candidates = nestedMessages(found);
  }
  if (found === undefined) throw new DataError('Empty Protobuf message index path');
  return found;
}

// ---------------------------------------------------------------------------------------
// Values

function toProtoObject(schema: Schema, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (schema.name === Timestamp.LOGICAL_NAME) {
    const ms = (value as Date).getTime();
    const seconds = Math.floor(ms / 1000);
    return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
  }
  if (schema.name === DateType.LOGICAL_NAME) {
    const d = DateType.fromDays(DateType.toDays(value as Date));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  if (schema.name === Time.LOGICAL_NAME) {
    const ms = Time.toMillis(value as Date);
    return {
      hours: Math.floor(ms / 3_600_000),
      minutes: Math.floor(ms / 60_000) % 60,
      seconds: Math.floor(ms / 1000) % 60,
      nanos: (ms % 1000) * 1_000_000,
    };
  }
  switch (schema.type) {
    case 'int64':
      return typeof value === 'bigint' ? value.toString() : value;
    case 'array':
      return (value as unknown[]).map((v, i) => toProtoObject(part(schema.valueSchema), v, `${path}[${i}]`));
    case 'map': {
      const keys = part(schema.keySchema);
      const values = part(schema.valueSchema);
      const keyType = SCALARS[keys.type];
      const entries = [...(value as Map<unknown, unknown>)];
      if (keyType !== undefined && MAP_KEY_TYPES.has(keyType) && values.type !== 'array' && values.type !== 'map')
        return Object.fromEntries(
          entries.map(([k, v]) => [String(k), toProtoObject(values, v, `${path}.${String(k)}`)]),
        );
      return entries.map(([k, v]) => ({
        key: toProtoObject(keys, k, `${path}.key`),
        value: toProtoObject(values, v, `${path}.value`),
      }));
    }
    case 'struct': {
      if (!(value instanceof Struct)) throw new DataError(`Invalid value for field "${path}": expected a Struct`);
      const out: Record<string, unknown> = {};
      for (const f of schema.fields) {
        const v = value.get(f.name);
        if (v === null && !f.schema.isOptional)
          throw new DataError(
            `Found null value for non-optional field "${path === '' ? f.name : `${path}.${f.name}`}"`,
          );
        const converted = toProtoObject(f.schema, v, path === '' ? f.name : `${path}.${f.name}`);
        if (converted !== undefined) out[f.name] = converted;
      }
      return out;
    }
    default:
      return value;
  }
}

/** The Connect schema for a protobuf message type. */
export function connectSchemaFromProto(
  type: protobuf.Type,
  version: number | null,
  seen = new Set<protobuf.Type>(),
): Schema {
  if (seen.has(type)) throw new DataError(`Recursive Protobuf message ${type.fullName} has no Connect schema`);
  seen.add(type);
  const builder = SchemaBuilder.struct().name(type.fullName.replace(/^\./, ''));
  if (version !== null) builder.version(version);
  for (const f of type.fieldsArray) builder.field(f.name, fieldSchema(f, seen));
  seen.delete(type);
  return builder.build();
}

function fieldSchema(field: protobuf.Field, seen: Set<protobuf.Type>): Schema {
  field.resolve();
  const single = (): Schema => {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) {
      const t = resolved as protobuf.Type;
      if (t.fullName === `.${TIMESTAMP_TYPE}`) return Timestamp.builder().optional().build();
      if (t.fullName === '.google.type.Date') return DateType.builder().optional().build();
      if (t.fullName === '.google.type.TimeOfDay') return Time.builder().optional().build();
      return SchemaBuilder.from(connectSchemaFromProto(t, null, seen))
        .optional()
        .build();
    }
    if (resolved instanceof protobuf.Enum) return Schemas.STRING;
    return scalarSchema(field.type);
  };
  if (field instanceof protobuf.MapField) return SchemaBuilder.map(scalarSchema(field.keyType), single()).build();
  if (field.repeated) return SchemaBuilder.array(single()).build();
  return single();
}

function scalarSchema(type: string): Schema {
  switch (type) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return Schemas.INT32;
    case 'uint32':
    case 'fixed32':
    case 'int64':
    case 'sint64':
    case 'sfixed64':
    case 'uint64':
    case 'fixed64':
      return Schemas.INT64;
    case 'float':
      return Schemas.FLOAT32;
    case 'double':
      return Schemas.FLOAT64;
    case 'bool':
      return Schemas.BOOLEAN;
    case 'string':
      return Schemas.STRING;
    case 'bytes':
      return Schemas.BYTES;
    default:
      throw new DataError(`Unsupported Protobuf type ${type}`);
  }
}

function fromProtoObject(schema: Schema, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return schema.isOptional ? null : zeroOf(schema);
  if (schema.name === Timestamp.LOGICAL_NAME) {
    const { seconds, nanos } = value as { seconds?: string | number; nanos?: number };
    return new Date(Number(seconds ?? 0) * 1000 + Math.floor((nanos ?? 0) / 1_000_000));
  }
  if (schema.name === DateType.LOGICAL_NAME) {
    const { year, month, day } = value as { year?: number; month?: number; day?: number };
    return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1));
  }
  if (schema.name === Time.LOGICAL_NAME) {
    const { hours, minutes, seconds, nanos } = value as Record<string, number | undefined>;
    return Time.fromMillis(
      (hours ?? 0) * 3_600_000 + (minutes ?? 0) * 60_000 + (seconds ?? 0) * 1000 + Math.floor((nanos ?? 0) / 1_000_000),
    );
  }
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32':
      return Number(value);
    case 'int64': {
      const n = typeof value === 'string' ? BigInt(value) : BigInt(value as number);
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    case 'bytes':
      return Buffer.from(value as Uint8Array);
    case 'array':
      return (value as unknown[]).map((v, i) => fromProtoObject(part(schema.valueSchema), v, `${path}[${i}]`));
    case 'map': {
      const keys = part(schema.keySchema);
      const values = part(schema.valueSchema);
      if (Array.isArray(value))
        return new Map(
          value.map((e) => [
            fromProtoObject(keys, (e as Record<string, unknown>)['key'], path),
            fromProtoObject(values, (e as Record<string, unknown>)['value'], path),
          ]),
        );
      return new Map(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          keys.type === 'string' ? k : keys.type === 'boolean' ? k === 'true' : fromProtoObject(keys, k, path),
          fromProtoObject(values, v, `${path}.${k}`),
        ]),
      );
    }
    case 'struct': {
      const obj = value as Record<string, unknown>;
      const struct = new Struct(schema);
      for (const f of schema.fields)
        struct.put(f.name, fromProtoObject(f.schema, obj[f.name], path === '' ? f.name : `${path}.${f.name}`));
      return struct;
    }
    default:
      return value;
  }
}

function zeroOf(schema: Schema): unknown {
  switch (schema.type) {
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'array':
      return [];
    case 'map':
      return new Map();
    case 'struct':
      return null;
    default:
      return 0;
  }
}

const TO_OBJECT_OPTIONS = { longs: String, enums: String, bytes: Buffer, defaults: true, arrays: true, objects: true };

export class ProtobufFormat implements SchemaFormat {
  readonly schemaType = 'PROTOBUF' as const;
  readonly converterName = 'ProtobufConverter';

  forConnectSchema(schema: Schema): WriterSchema {
    const { text, messageName } = protoFromConnect(schema);
    const { root } = parseProto(text);
    return this.writer(schema, text, root.lookupType(messageName), FIRST_MESSAGE);
  }

  forRegisteredSchema(schema: Schema, latest: RegisteredSchema): WriterSchema {
    if (latest.schemaType !== 'PROTOBUF')
      throw new DataError(`use.latest.version: the latest schema is ${latest.schemaType}, not PROTOBUF`);
    const { root, pkg } = parseProto(latest.schema);
    return this.writer(schema, latest.schema, messageAt(root, pkg, [0]), FIRST_MESSAGE);
  }

  forRegistered(registered: RegisteredSchema, version: number | null): ReaderSchema {
    if (registered.schemaType !== 'PROTOBUF')
      throw new DataError(`ProtobufConverter cannot read a ${registered.schemaType} schema`);
    const { root, pkg } = parseProto(registered.schema);
    const schemas = new Map<string, { type: protobuf.Type; schema: Schema }>();
    const first = messageAt(root, pkg, [0]);
    const forType = (type: protobuf.Type) => {
      let entry = schemas.get(type.fullName);
      if (entry === undefined) {
        entry = { type, schema: connectSchemaFromProto(type, type === first ? version : null) };
        schemas.set(type.fullName, entry);
      }
      return entry;
    };
    const firstEntry = forType(first);
    return {
      schema: firstEntry.schema,
      recordName: firstEntry.schema.name,
      decode: (payload) => {
        const { indexes, offset } = readMessageIndexes(payload);
        const { type, schema } =
          indexes.length === 1 && indexes[0] === 0 ? firstEntry : forType(messageAt(root, pkg, indexes));
        let message: protobuf.Message;
        try {
          message = type.decode(payload.subarray(offset));
        } catch (err) {
          throw new DataError(`Invalid Protobuf payload for ${type.fullName}: ${(err as Error).message}`, {
            cause: err,
          });
        }
        return fromProtoObject(schema, type.toObject(message, TO_OBJECT_OPTIONS), '');
      },
    };
  }

  recordNameOf(registered: RegisteredSchema): string | null {
    const { root, pkg } = parseProto(registered.schema);
    return messageAt(root, pkg, [0]).fullName.replace(/^\./, '');
  }

  private writer(schema: Schema, text: string, type: protobuf.Type, indexes: Buffer): WriterSchema {
    return {
      text,
      recordName: type.fullName.replace(/^\./, ''),
      prefix: indexes,
      encode(value, header) {
        const obj = toProtoObject(schema, value, '') as Record<string, unknown>;
        let payload: Uint8Array;
        try {
          payload = type.encode(type.fromObject(obj)).finish();
        } catch (err) {
          throw new DataError(`Cannot write ${type.fullName}: ${(err as Error).message}`, { cause: err });
        }
        return Buffer.concat([header, payload], header.length + payload.length);
      },
    };
  }
}

/** ProtobufConverter: one instance for keys or for values. */
export class ProtobufConverter extends SchemaRegistryConverter {
  constructor(config: SchemaRegistryConverterConfig, options: { readonly isKey: boolean }) {
    super(new ProtobufFormat(), config, options.isKey);
  }
}
