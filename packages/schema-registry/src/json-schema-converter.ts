/**
 * Confluent's JsonSchemaConverter (`io.confluent.connect.json.JsonSchemaConverter`): the
 * payload is UTF-8 JSON after the 5-byte header; the schema a JSON Schema (draft 7) as
 * Confluent's JsonSchemaData writes it:
 *
 * | Connect | JSON Schema |
 * | --- | --- |
 * | int8 … int64 | `{"type":"integer","connect.type":"int8"…}` |
 * | float32, float64 | `{"type":"number","connect.type":"float32"…}` |
 * | boolean, string | `{"type":"boolean"}`, `{"type":"string"}` |
 * | bytes | `{"type":"string","connect.type":"bytes"}`, value base64 |
 * | Decimal | `{"type":"number","connect.type":"bytes"}` titled with the logical name, value base64 of the unscaled bytes (Confluent's default `decimal.format=BASE64`) |
 * | array | `{"type":"array","items":…}` |
 * | map, string keys | `{"type":"object","additionalProperties":…,"connect.type":"map"}` |
 * | map, other keys | array of `{"key","value"}` objects, `"connect.type":"map"` |
 * | struct | `{"type":"object","properties":{…}}`, each property with `connect.index` |
 * | optional | `{"oneOf":[{"type":"null"},…]}` |
 * | name, version, doc, parameters, default | `title`, `connect.version`, `description`, `connect.parameters`, `default` |
 *
 * Known gap: int64 values beyond 2^53 are read back as the nearest double.
 */

import { DataError, DateType, Decimal, type Schema, SchemaBuilder, Struct, Time, Timestamp } from '@tributary/api';
import { logicalToPrimitive } from './avro-data.js';
import type { SchemaRegistryConverterConfig } from './config.js';
import type { RegisteredSchema } from './registry-client.js';
import {
  type ReaderSchema,
  type SchemaFormat,
  SchemaRegistryConverter,
  type WriterSchema,
} from './schema-registry-converter.js';

const ONE_OF = 'io.confluent.connect.json.OneOf';
const NAMESPACE = 'io.confluent.connect.json';
const EMPTY = Buffer.alloc(0);

type Json = Record<string, unknown>;

/** The JSON Schema JsonSchemaData writes for `schema`. */
export function jsonSchemaFromConnect(schema: Schema, index: number | null = null, ignoreOptional = false): Json {
  let out: Json;
  if (schema.type === 'struct' && schema.name === ONE_OF) {
    out = {
      oneOf: [
        ...(schema.isOptional ? [{ type: 'null' }] : []),
        ...schema.fields.map((f) => jsonSchemaFromConnect(f.schema, f.index, true)),
      ],
    };
    if (index !== null) out['connect.index'] = index;
    return out;
  }
  if (schema.type === 'struct' && schema.isOptional && !ignoreOptional) {
    out = { oneOf: [{ type: 'null' }, jsonSchemaFromConnect(schema, null, true)] };
    if (index !== null) out['connect.index'] = index;
    return out;
  }
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      out = { type: 'integer', 'connect.type': schema.type };
      break;
    case 'float32':
    case 'float64':
      out = { type: 'number', 'connect.type': schema.type };
      break;
    case 'boolean':
      out = { type: 'boolean' };
      break;
    case 'string':
      out = { type: 'string' };
      break;
    case 'bytes':
      out = { type: schema.name === Decimal.LOGICAL_NAME ? 'number' : 'string', 'connect.type': 'bytes' };
      break;
    case 'array':
      out = { type: 'array', items: jsonSchemaFromConnect(part(schema.valueSchema)) };
      break;
    case 'map': {
      const keys = part(schema.keySchema);
      if (keys.type === 'string' && !keys.isOptional)
        out = {
          type: 'object',
          additionalProperties: jsonSchemaFromConnect(part(schema.valueSchema)),
          'connect.type': 'map',
        };
      else
        out = {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              key: jsonSchemaFromConnect(keys, 0),
              value: jsonSchemaFromConnect(part(schema.valueSchema), 1),
            },
          },
          'connect.type': 'map',
        };
      break;
    }
    case 'struct':
      out = {
        type: 'object',
        properties: Object.fromEntries(schema.fields.map((f) => [f.name, jsonSchemaFromConnect(f.schema, f.index)])),
      };
      break;
  }
  if (schema.name !== null) out['title'] = schema.name;
  if (schema.version !== null) out['connect.version'] = schema.version;
  if (schema.doc !== null) out['description'] = schema.doc;
  const params = Object.entries(schema.parameters ?? {}).filter(([k]) => !k.startsWith(NAMESPACE));
  if (params.length > 0) out['connect.parameters'] = Object.fromEntries(params);
  if (schema.defaultValue !== undefined && schema.defaultValue !== null)
    out['default'] = toJsonValue(schema, schema.defaultValue);
  if (schema.isOptional && !ignoreOptional) {
    const wrapped: Json = { oneOf: [{ type: 'null' }, out] };
    if (index !== null) wrapped['connect.index'] = index;
    return wrapped;
  }
  if (index !== null) out['connect.index'] = index;
  return out;
}

/** The Connect schema for a JSON Schema (from JsonSchemaData or any other tool). */
export function connectSchemaFromJson(json: unknown, version: number | null = null, forceOptional = false): Schema {
  if (json === true || json === undefined) throw new DataError('JSON Schema "true" (anything) has no Connect schema');
  if (typeof json !== 'object' || json === null) throw new DataError(`Unsupported JSON Schema ${JSON.stringify(json)}`);
  const node = json as Json;
  const connectType = node['connect.type'];
  let type = node['type'];
  let optional = forceOptional;
  if (Array.isArray(type)) {
    const rest = type.filter((t) => t !== 'null');
    if (rest.length !== type.length) optional = true;
    if (rest.length !== 1) throw new DataError(`Unsupported JSON Schema type list ${JSON.stringify(type)}`);
    type = rest[0];
  }
  let builder: SchemaBuilder;
  const oneOf = (node['oneOf'] ?? node['anyOf']) as unknown[] | undefined;
  if (Array.isArray(oneOf)) {
    const isNull = (s: unknown) => typeof s === 'object' && s !== null && (s as Json)['type'] === 'null';
    if (oneOf.length === 2 && oneOf.some(isNull)) {
      return connectSchemaFromJson(
        oneOf.find((s) => !isNull(s)),
        version,
        true,
      );
    }
    builder = SchemaBuilder.struct().name(ONE_OF);
    let i = 0;
    for (const sub of oneOf) {
      if (isNull(sub)) builder.optional();
      else builder.field(`${ONE_OF}.field.${i++}`, connectSchemaFromJson(sub, null, true));
    }
  } else if (Array.isArray(node['enum'])) {
    builder = SchemaBuilder.string().parameter(`${NAMESPACE}.Enum`, '');
    for (const v of node['enum']) builder.parameter(`${NAMESPACE}.Enum.${String(v)}`, String(v));
  } else {
    switch (type) {
      case 'boolean':
        builder = SchemaBuilder.bool();
        break;
      case 'integer':
      case 'number':
        if (
          typeof connectType === 'string' &&
          ['int8', 'int16', 'int32', 'int64', 'float32', 'float64'].includes(connectType)
        )
          builder = SchemaBuilder.type(connectType as 'int8');
        else if (connectType === 'bytes') builder = SchemaBuilder.bytes();
        else builder = type === 'integer' ? SchemaBuilder.int64() : SchemaBuilder.float64();
        break;
      case 'string':
        builder = connectType === 'bytes' ? SchemaBuilder.bytes() : SchemaBuilder.string();
        break;
      case 'array': {
        const items = node['items'];
        const props = (items as Json | undefined)?.['properties'] as Json | undefined;
        if (connectType === 'map' && props !== undefined)
          builder = SchemaBuilder.map(connectSchemaFromJson(props['key']), connectSchemaFromJson(props['value']));
        else builder = SchemaBuilder.array(connectSchemaFromJson(items));
        break;
      }
      case 'object': {
        if (connectType === 'map') {
          builder = SchemaBuilder.map(
            SchemaBuilder.string().build(),
            connectSchemaFromJson(node['additionalProperties']),
          );
          break;
        }
        builder = SchemaBuilder.struct();
        const props = Object.entries((node['properties'] ?? {}) as Json);
        const indexOf = (s: unknown, fallback: number) => {
          const i = (s as Json | null)?.['connect.index'];
          return typeof i === 'number' ? i : fallback;
        };
        props
          .map(([name, s], i) => ({ name, s, i: indexOf(s, i) }))
          .sort((a, b) => a.i - b.i)
          .forEach(({ name, s }) => {
            builder.field(name, connectSchemaFromJson(s));
          });
        break;
      }
      default:
        throw new DataError(`Unsupported JSON Schema type ${JSON.stringify(type)}`);
    }
  }
  if (typeof node['title'] === 'string') builder.name(node['title']);
  const v = node['connect.version'] ?? version;
  if (typeof v === 'number') builder.version(v);
  if (typeof node['description'] === 'string') builder.doc(node['description']);
  const params = node['connect.parameters'];
  if (typeof params === 'object' && params !== null)
    for (const [k, pv] of Object.entries(params)) builder.parameter(k, String(pv));
  if (optional) builder.optional();
  const schema = builder.build();
  if (!('default' in node) || node['default'] === null) return schema;
  return SchemaBuilder.from(schema)
    .defaultValue(fromJsonValue(schema, node['default'], ''))
    .build();
}

/** A Connect value as JSON (a JSON-compatible value; bigints stay bigints until `stringify`). */
export function toJsonValue(schema: Schema, value: unknown, path = ''): unknown {
  if (value === null || value === undefined) {
    if (schema.defaultValue !== undefined && schema.defaultValue !== null)
      return toJsonValue(schema, schema.defaultValue, path);
    if (schema.isOptional) return null;
    throw new DataError(
      `Conversion error: null value for field${path === '' ? '' : ` "${path}"`} that is required and has no default value`,
    );
  }
  const primitive = logicalToPrimitive(schema, value);
  if (primitive !== undefined) return typeof primitive === 'number' ? primitive : primitive.toString('base64');
  switch (schema.type) {
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw new DataError(`Invalid value for bytes field "${path}"`);
      return Buffer.from(value).toString('base64');
    case 'array':
      return (value as unknown[]).map((v, i) => toJsonValue(part(schema.valueSchema), v, `${path}[${i}]`));
    case 'map': {
      const keys = part(schema.keySchema);
      const values = part(schema.valueSchema);
      const entries = [...(value as Map<unknown, unknown>)];
      if (keys.type === 'string' && !keys.isOptional)
        return Object.fromEntries(entries.map(([k, v]) => [k, toJsonValue(values, v, `${path}.${String(k)}`)]));
      return entries.map(([k, v]) => ({
        key: toJsonValue(keys, k, `${path}.key`),
        value: toJsonValue(values, v, `${path}.value`),
      }));
    }
    case 'struct': {
      if (!(value instanceof Struct))
        throw new DataError(`Invalid value for struct field "${path}": expected a Struct`);
      if (schema.name === ONE_OF) {
        for (const f of schema.fields) {
          const v = value.get(f.name);
          if (v !== null && v !== undefined) return toJsonValue(f.schema, v, path);
        }
        return null;
      }
      const out: Json = {};
      for (const f of schema.fields)
        out[f.name] = toJsonValue(f.schema, value.get(f.name), path === '' ? f.name : `${path}.${f.name}`);
      return out;
    }
    default:
      return value;
  }
}

/** A JSON value as a Connect value of `schema`. */
export function fromJsonValue(schema: Schema, json: unknown, path: string): unknown {
  if (json === null || json === undefined) {
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) return schema.defaultValue;
    if (schema.isOptional) return null;
    throw new DataError(`Invalid null value for required ${schema.type} field${path === '' ? '' : ` "${path}"`}`);
  }
  const bad = (): never => {
    throw new DataError(
      `Invalid JSON ${JSON.stringify(json)} for ${schema.type} field${path === '' ? '' : ` "${path}"`}`,
    );
  };
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      if (typeof json === 'number')
        return Decimal.format(Decimal.unscaled(json, Decimal.scale(schema)), Decimal.scale(schema));
      if (typeof json === 'string') return Decimal.fromBytes(Buffer.from(json, 'base64'), Decimal.scale(schema));
      return bad();
    case DateType.LOGICAL_NAME:
      return typeof json === 'number' ? DateType.fromDays(json) : bad();
    case Time.LOGICAL_NAME:
      return typeof json === 'number' ? Time.fromMillis(json) : bad();
    case Timestamp.LOGICAL_NAME:
      return typeof json === 'number' ? Timestamp.fromMillis(json) : bad();
    default:
      break;
  }
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return typeof json === 'number' && Number.isInteger(json) ? json : bad();
    case 'float32':
    case 'float64':
      return typeof json === 'number' ? json : bad();
    case 'boolean':
      return typeof json === 'boolean' ? json : bad();
    case 'string':
      return typeof json === 'string' ? json : bad();
    case 'bytes':
      return typeof json === 'string' ? Buffer.from(json, 'base64') : bad();
    case 'array':
      return Array.isArray(json)
        ? json.map((v, i) => fromJsonValue(part(schema.valueSchema), v, `${path}[${i}]`))
        : bad();
    case 'map': {
      const keys = part(schema.keySchema);
      const values = part(schema.valueSchema);
      if (Array.isArray(json))
        return new Map(
          json.map((e) => [
            fromJsonValue(keys, (e as Json)['key'], `${path}.key`),
            fromJsonValue(values, (e as Json)['value'], `${path}.value`),
          ]),
        );
      if (typeof json !== 'object') return bad();
      return new Map(Object.entries(json).map(([k, v]) => [k, fromJsonValue(values, v, `${path}.${k}`)]));
    }
    case 'struct': {
      if (schema.name === ONE_OF) {
        for (const f of schema.fields) {
          try {
            return new Struct(schema).put(f.name, fromJsonValue(f.schema, json, path));
          } catch {
            // not this branch
          }
        }
        return bad();
      }
      if (typeof json !== 'object' || Array.isArray(json)) return bad();
      const struct = new Struct(schema);
      for (const f of schema.fields)
        struct.put(f.name, fromJsonValue(f.schema, (json as Json)[f.name], path === '' ? f.name : `${path}.${f.name}`));
      return struct;
    }
  }
}

/** JSON text, with bigints written as JSON numbers. */
export function stringifyJson(value: unknown): string {
  const marks: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (typeof v !== 'bigint') return v;
    marks.push(v.toString());
    return `\u0000bigint${marks.length - 1}\u0000`;
  });
  return marks.length === 0
    ? text
    : text.replace(/"\\u0000bigint(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)] ?? '0');
}

function part(schema: Schema | null): Schema {
  if (schema === null) throw new DataError('Invalid Connect schema: missing item, key or value schema');
  return schema;
}

export class JsonSchemaFormat implements SchemaFormat {
  readonly schemaType = 'JSON' as const;
  readonly converterName = 'JsonSchemaConverter';

  forConnectSchema(schema: Schema): WriterSchema {
    const json: Json = { $schema: 'http://json-schema.org/draft-07/schema#', ...jsonSchemaFromConnect(schema) };
    return this.writer(schema, JSON.stringify(json), typeof json['title'] === 'string' ? json['title'] : null);
  }

  forRegisteredSchema(schema: Schema, latest: RegisteredSchema): WriterSchema {
    if (latest.schemaType !== 'JSON')
      throw new DataError(`use.latest.version: the latest schema is ${latest.schemaType}, not JSON`);
    return this.writer(schema, latest.schema, this.recordNameOf(latest));
  }

  forRegistered(registered: RegisteredSchema, version: number | null): ReaderSchema {
    if (registered.schemaType !== 'JSON')
      throw new DataError(`JsonSchemaConverter cannot read a ${registered.schemaType} schema`);
    const schema = connectSchemaFromJson(parseSchemaText(registered.schema), version);
    return {
      schema,
      recordName: schema.name,
      decode: (payload) => {
        let json: unknown;
        try {
          json = JSON.parse(payload.toString('utf8'));
        } catch (err) {
          throw new DataError(`Invalid JSON payload: ${(err as Error).message}`, { cause: err });
        }
        return fromJsonValue(schema, json, '');
      },
    };
  }

  recordNameOf(registered: RegisteredSchema): string | null {
    const title = (parseSchemaText(registered.schema) as Json | null)?.['title'];
    return typeof title === 'string' ? title : null;
  }

  private writer(schema: Schema, text: string, recordName: string | null): WriterSchema {
    return {
      text,
      recordName,
      prefix: EMPTY,
      encode(value, header) {
        const payload = Buffer.from(stringifyJson(toJsonValue(schema, value)), 'utf8');
        return Buffer.concat([header, payload], header.length + payload.length);
      },
    };
  }
}

function parseSchemaText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataError(`Invalid JSON Schema: ${(err as Error).message}`, { cause: err });
  }
}

/** JsonSchemaConverter: one instance for keys or for values. */
export class JsonSchemaConverter extends SchemaRegistryConverter {
  constructor(config: SchemaRegistryConverterConfig, options: { readonly isKey: boolean }) {
    super(new JsonSchemaFormat(), config, options.isKey);
  }
}
