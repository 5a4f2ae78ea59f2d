/**
 * Connect schemas and values ↔ Avro schemas and binary data, as Confluent's `AvroData`
 * maps them (../../../shared/reference/mission-anchors.md §5.2), so that Confluent's
 * converters, ksqlDB and friends read what we write and we read what they write:
 *
 * | Connect | Avro |
 * | --- | --- |
 * | struct | record (unnamed: `io.confluent.connect.avro.ConnectDefault`, then `ConnectDefault2`, …) |
 * | optional T | `["null", T]` with field default null; `[T, "null"]` when T has a default |
 * | int8, int16 | `int` with `"connect.type": "int8"` / `"int16"` |
 * | int32, int64, float32, float64, boolean, string, bytes | int, long, float, double, boolean, string, bytes |
 * | Decimal | bytes, `logicalType: decimal`, `precision` (`connect.decimal.precision`, else 64), `scale` |
 * | Date / Time / Timestamp | int `date` / int `time-millis` / long `timestamp-millis` |
 * | map with string keys | map |
 * | map with other keys | array of `io.confluent.connect.avro.MapEntry` records {key, value} |
 * | schema name, version, doc, parameters, default | `connect.name`, `connect.version`, `connect.doc`, `connect.parameters`, `connect.default` (with `connect.meta.data`) |
 *
 * Read back, an Avro schema from any tool becomes a Connect schema: unions of null and one
 * type → optional, other unions → a struct named `io.confluent.connect.avro.Union` with one
 * optional field per branch, enums → string with `io.confluent.connect.avro.Enum`
 * parameters, fixed → bytes, logical types → Connect logical types.
 *
 * Values are written straight from Connect values to Avro binary and read straight back
 * (compiled per schema pair, cached by the converter), without an intermediate object tree.
 * Schemaless data (a null Connect schema) is written with Confluent's self-referencing
 * `io.confluent.connect.avro.Anything` record, as AvroData does.
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
import type { AvroReader, AvroWriter } from './avro-binary.js';
import { type AvroField, type AvroNode, branchName, isValidAvroName } from './avro-schema.js';

export const NAMESPACE = 'io.confluent.connect.avro';
export const DEFAULT_SCHEMA_NAME = 'ConnectDefault';
export const DEFAULT_SCHEMA_FULL_NAME = `${NAMESPACE}.${DEFAULT_SCHEMA_NAME}`;
export const MAP_ENTRY_TYPE_NAME = 'MapEntry';
export const AVRO_TYPE_UNION = `${NAMESPACE}.Union`;
export const AVRO_TYPE_ENUM = `${NAMESPACE}.Enum`;
const AVRO_RECORD_DOC_PROP = `${NAMESPACE}.record.doc`;
const AVRO_ENUM_DOC_PREFIX_PROP = `${NAMESPACE}.enum.doc.`;
const AVRO_ENUM_DEFAULT_PREFIX_PROP = `${NAMESPACE}.enum.default.`;
const AVRO_FIELD_DOC_PREFIX_PROP = `${NAMESPACE}.field.doc.`;
const AVRO_FIELD_DEFAULT_FLAG_PROP = `${NAMESPACE}.field.default`;
const CONNECT_INTERNAL_TYPE_NAME = 'connect.internal.type';
const PRECISION_DEFAULT = 64;

export interface AvroDataOptions {
  readonly connectMetaData: boolean;
  readonly enhancedSchemaSupport: boolean;
  readonly scrubInvalidNames: boolean;
}

export const DEFAULT_AVRO_DATA_OPTIONS: AvroDataOptions = {
  connectMetaData: true,
  enhancedSchemaSupport: false,
  scrubInvalidNames: false,
};

// ---------------------------------------------------------------------------------------
// Connect schema → Avro schema (JSON)

interface FromConnectContext {
  readonly options: AvroDataOptions;
  defaultNames: number;
  mapEntryNames: number;
  /** Structural key of a (non-optional) Connect struct or map-entry → its Avro full name. */
  readonly defined: Map<string, string>;
  readonly names: Set<string>;
}

/** The Avro schema (as JSON) AvroData produces for `schema`. */
export function fromConnectSchema(schema: Schema, options: AvroDataOptions = DEFAULT_AVRO_DATA_OPTIONS): unknown {
  const ctx: FromConnectContext = { options, defaultNames: 0, mapEntryNames: 0, defined: new Map(), names: new Set() };
  return convertSchema(schema, ctx, null, false);
}

function convertSchema(
  schema: Schema,
  ctx: FromConnectContext,
  space: string | null,
  ignoreOptional: boolean,
): unknown {
  const { options } = ctx;
  if (schema.type === 'struct' && schema.name === AVRO_TYPE_UNION) {
    const members: unknown[] = schema.isOptional ? ['null'] : [];
    for (const f of schema.fields) members.push(convertSchema(f.schema, ctx, space, true));
    return members;
  }
  if (schema.type === 'struct' && schema.isOptional && !ignoreOptional) {
    return ['null', convertSchema(schema, ctx, space, true)];
  }

  let connectType: string | null = null;
  let base: Record<string, unknown>;
  switch (schema.type) {
    case 'int8':
    case 'int16':
      connectType = schema.type;
      base = { type: 'int' };
      break;
    case 'int32':
      base = { type: 'int' };
      break;
    case 'int64':
      base = { type: 'long' };
      break;
    case 'float32':
      base = { type: 'float' };
      break;
    case 'float64':
      base = { type: 'double' };
      break;
    case 'boolean':
      base = { type: 'boolean' };
      break;
    case 'string': {
      const enumName = options.enhancedSchemaSupport ? schema.parameters?.[AVRO_TYPE_ENUM] : undefined;
      if (enumName !== undefined) {
        const ref = reference(ctx, `enum\0${enumName}`, space);
        if (ref !== undefined) return wrapOptional(schema, ref, ignoreOptional);
        const [ns, name] = splitName(enumName, options);
        base = namedHeader('enum', ns, name, space);
        const params = schema.parameters ?? {};
        const doc = params[AVRO_ENUM_DOC_PREFIX_PROP + name];
        if (doc !== undefined) base['doc'] = doc;
        base['symbols'] = Object.entries(params)
          .filter(([k]) => k.startsWith(`${AVRO_TYPE_ENUM}.`))
          .map(([, v]) => v);
        const dflt = params[AVRO_ENUM_DEFAULT_PREFIX_PROP + name];
        if (dflt !== undefined) base['default'] = dflt;
        define(ctx, `enum\0${enumName}`, joinName(ns, name));
      } else {
        base = { type: 'string' };
      }
      break;
    }
    case 'bytes':
      base = { type: 'bytes' };
      if (schema.name === Decimal.LOGICAL_NAME) {
        base['scale'] = Decimal.scale(schema);
        base['precision'] = decimalPrecision(schema);
      }
      break;
    case 'array':
      base = { type: 'array', items: convertSchema(part(schema.valueSchema, 'array items'), ctx, space, false) };
      break;
    case 'map': {
      const keySchema = part(schema.keySchema, 'map keys');
      const valueSchema = part(schema.valueSchema, 'map values');
      if (keySchema.type === 'string' && !keySchema.isOptional) {
        base = { type: 'map', values: convertSchema(valueSchema, ctx, space, false) };
        break;
      }
      const key = `mapentry\0${schema.name ?? ''}\0${schemaKey(keySchema)}\0${schemaKey(valueSchema)}`;
      const ref = reference(ctx, key, space);
      if (ref !== undefined) {
        base = { type: 'array', items: ref };
        break;
      }
      let ns: string | null = NAMESPACE;
      let name = MAP_ENTRY_TYPE_NAME;
      if (schema.name !== null) [ns, name] = splitName(schema.name, options);
      else if (ctx.mapEntryNames++ > 0) name = `${MAP_ENTRY_TYPE_NAME}${ctx.mapEntryNames}`;
      const entry = namedHeader('record', ns, name, space);
      define(ctx, key, joinName(ns, name));
      entry['fields'] = [
        recordField('key', keySchema, null, ctx, ns),
        recordField('value', valueSchema, null, ctx, ns),
      ];
      if (schema.name !== null) entry[CONNECT_INTERNAL_TYPE_NAME] = MAP_ENTRY_TYPE_NAME;
      base = { type: 'array', items: entry };
      break;
    }
    case 'struct': {
      const key = `struct\0${schemaKey(schema, true)}`;
      const ref = reference(ctx, key, space);
      if (ref !== undefined) return ref;
      let ns: string | null = NAMESPACE;
      let name = DEFAULT_SCHEMA_NAME;
      if (schema.name !== null) [ns, name] = splitName(schema.name, options);
      else if (ctx.defaultNames++ > 0) name = `${DEFAULT_SCHEMA_NAME}${ctx.defaultNames}`;
      const full = joinName(ns, name);
      if (ctx.names.has(full))
        throw new DataError(`Two different Connect schemas are both named "${full}"; Avro needs unique record names`);
      base = namedHeader('record', ns, name, space);
      const doc = schema.parameters?.[AVRO_RECORD_DOC_PROP];
      if (doc !== undefined) base['doc'] = doc;
      define(ctx, key, full);
      base['fields'] = schema.fields.map((f) =>
        recordField(f.name, f.schema, schema.parameters?.[AVRO_FIELD_DOC_PREFIX_PROP + f.name] ?? null, ctx, ns),
      );
      break;
    }
  }

  if (options.connectMetaData) {
    if (schema.doc !== null) base['connect.doc'] = schema.doc;
    if (schema.version !== null) base['connect.version'] = schema.version;
    if (schema.parameters !== null) {
      const params = Object.fromEntries(
        Object.entries(schema.parameters).filter(([k]) => k !== AVRO_FIELD_DEFAULT_FLAG_PROP),
      );
      if (Object.keys(params).length > 0) base['connect.parameters'] = params;
    }
    if (hasDefault(schema) && schema.parameters?.[AVRO_FIELD_DEFAULT_FLAG_PROP] === undefined)
      base['connect.default'] = defaultToJson(schema, schema.defaultValue);
    if (schema.name !== null) base['connect.name'] = schema.name;
    if (connectType !== null) base['connect.type'] = connectType;
  }
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      base['logicalType'] = 'decimal';
      break;
    case Time.LOGICAL_NAME:
      base['logicalType'] = 'time-millis';
      break;
    case Timestamp.LOGICAL_NAME:
      base['logicalType'] = 'timestamp-millis';
      break;
    case DateType.LOGICAL_NAME:
      base['logicalType'] = 'date';
      break;
    default:
      break;
  }
  for (const [k, v] of Object.entries(schema.parameters ?? {})) if (k.startsWith('avro')) base[k] = v;

  const keys = Object.keys(base);
  const simplified = keys.length === 1 && keys[0] === 'type' ? base['type'] : base;
  return wrapOptional(schema, simplified, ignoreOptional);
}

function wrapOptional(schema: Schema, avro: unknown, ignoreOptional: boolean): unknown {
  if (!schema.isOptional || ignoreOptional) return avro;
  return hasDefault(schema) ? [avro, 'null'] : ['null', avro];
}

function recordField(
  name: string,
  schema: Schema,
  doc: string | null,
  ctx: FromConnectContext,
  space: string | null,
): Record<string, unknown> {
  const fieldName = checkName(name, ctx.options, 'field');
  const field: Record<string, unknown> = { name: fieldName, type: convertSchema(schema, ctx, space, false) };
  if (doc !== null) field['doc'] = doc;
  if (hasDefault(schema)) field['default'] = defaultToJson(schema, schema.defaultValue);
  else if (schema.isOptional) field['default'] = null;
  return field;
}

function namedHeader(type: string, ns: string | null, name: string, space: string | null): Record<string, unknown> {
  const out: Record<string, unknown> = { type, name };
  if (ns !== null && ns !== space) out['namespace'] = ns;
  else if (ns === null && space !== null) out['namespace'] = '';
  return out;
}

/** A named type already written: its name as Avro writes a reference (short within its namespace). */
function reference(ctx: FromConnectContext, key: string, space: string | null): string | undefined {
  const full = ctx.defined.get(key);
  if (full === undefined) return undefined;
  const dot = full.lastIndexOf('.');
  return dot >= 0 && full.slice(0, dot) === space ? full.slice(dot + 1) : full;
}

function define(ctx: FromConnectContext, key: string, full: string): void {
  ctx.defined.set(key, full);
  ctx.names.add(full);
}

function joinName(ns: string | null, name: string): string {
  return ns === null || ns === '' ? name : `${ns}.${name}`;
}

function splitName(full: string, options: AvroDataOptions): [string | null, string] {
  const parts = full.split('.').map((p) => checkName(p, options, 'name'));
  const name = parts.pop() ?? '';
  return [parts.length === 0 ? null : parts.join('.'), name];
}

function checkName(name: string, options: AvroDataOptions, what: string): string {
  if (isValidAvroName(name)) return name;
  if (options.scrubInvalidNames) return scrubName(name);
  throw new DataError(
    `"${name}" is not a valid Avro ${what} (letters, digits and _ only, not starting with a digit); ` +
      'set scrub.invalid.names=true to replace the invalid characters',
  );
}

/** Confluent's scrubbing: URL-encode, prefix `x` when the first character cannot start a name, `_` for the rest. */
export function scrubName(name: string): string {
  if (name === '') return name;
  let encoded = '';
  for (const ch of name) {
    if (/[A-Za-z0-9.\-*_]/.test(ch)) encoded += ch;
    else if (ch === ' ') encoded += '+';
    else for (const b of Buffer.from(ch, 'utf8')) encoded += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (!/^[A-Za-z_]/.test(encoded)) encoded = `x${encoded}`;
  return encoded.replace(/[^A-Za-z0-9_]/g, '_');
}

function decimalPrecision(schema: Schema): number {
  const raw = schema.parameters?.[Decimal.PRECISION_FIELD];
  if (raw === undefined) return PRECISION_DEFAULT;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new DataError(`Invalid ${Decimal.PRECISION_FIELD} "${raw}" on a Decimal schema`);
  return n;
}

function part(schema: Schema | null, what: string): Schema {
  if (schema === null) throw new DataError(`Invalid Connect schema: ${what} have no schema`);
  return schema;
}

function hasDefault(schema: Schema): boolean {
  return schema.defaultValue !== undefined && schema.defaultValue !== null;
}

/** A structural key for a Connect schema (to write an equal struct once and refer to it by name after). */
function schemaKey(schema: Schema, ignoreOptional = false): string {
  const parts = [
    schema.type,
    ignoreOptional ? '' : String(schema.isOptional),
    schema.name ?? '',
    String(schema.version ?? ''),
    schema.doc ?? '',
    JSON.stringify(schema.parameters ?? {}),
    hasDefault(schema) ? JSON.stringify(defaultToJson(schema, schema.defaultValue)) : '',
  ];
  if (schema.type === 'struct') parts.push(...schema.fields.map((f) => `${f.name}:${schemaKey(f.schema)}`));
  if (schema.keySchema !== null) parts.push(`k:${schemaKey(schema.keySchema)}`);
  if (schema.valueSchema !== null) parts.push(`v:${schemaKey(schema.valueSchema)}`);
  return `(${parts.join('|')})`;
}

/**
 * A value of a logical type as the primitive it is stored as: Decimal as its unscaled
 * two's-complement bytes, Date as days, Time and Timestamp as milliseconds. `undefined`
 * when `schema` is not one of these logical types.
 */
export function logicalToPrimitive(schema: Schema, value: unknown): Buffer | number | undefined {
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      return Decimal.toBytes(value as string, Decimal.scale(schema));
    case DateType.LOGICAL_NAME:
      return DateType.toDays(value as Date);
    case Time.LOGICAL_NAME:
      return Time.toMillis(value as Date);
    case Timestamp.LOGICAL_NAME:
      return Timestamp.toMillis(value as Date);
    default:
      return undefined;
  }
}

/** A Connect default value in Avro's JSON form (bytes as ISO-8859-1 text, logical types as their primitive). */
export function defaultToJson(schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const primitive = logicalToPrimitive(schema, value);
  if (primitive !== undefined) return typeof primitive === 'number' ? primitive : primitive.toString('latin1');
  switch (schema.type) {
    case 'int64':
      return typeof value === 'bigint' ? Number(value) : value;
    case 'bytes':
      return Buffer.from(value as Uint8Array).toString('latin1');
    case 'array':
      return (value as unknown[]).map((v) => defaultToJson(part(schema.valueSchema, 'array items'), v));
    case 'map': {
      const keySchema = part(schema.keySchema, 'map keys');
      const valueSchema = part(schema.valueSchema, 'map values');
      const entries = [...(value as Map<unknown, unknown>)];
      if (keySchema.type === 'string' && !keySchema.isOptional)
        return Object.fromEntries(entries.map(([k, v]) => [k, defaultToJson(valueSchema, v)]));
      return entries.map(([k, v]) => [defaultToJson(keySchema, k), defaultToJson(valueSchema, v)]);
    }
    case 'struct': {
      const struct = value as Struct;
      return Object.fromEntries(schema.fields.map((f) => [f.name, defaultToJson(f.schema, struct.get(f.name))]));
    }
    default:
      return value;
  }
}

// ---------------------------------------------------------------------------------------
// Avro schema → Connect schema

interface ToConnectContext {
  readonly options: AvroDataOptions;
  readonly inProgress: Set<AvroNode>;
}

/**
 * The Connect schema for an Avro schema. `version` (the registry's version of the schema)
 * becomes the schema's version unless the Avro schema carries `connect.version`.
 */
export function toConnectSchema(
  node: AvroNode,
  version: number | null = null,
  options: AvroDataOptions = DEFAULT_AVRO_DATA_OPTIONS,
): Schema {
  return toConnect(node, { options, inProgress: new Set() }, false, undefined, version);
}

function toConnect(
  node: AvroNode,
  ctx: ToConnectContext,
  forceOptional: boolean,
  fieldDefault: { value: unknown } | undefined,
  version: number | null,
): Schema {
  const { options } = ctx;
  if (node.kind === 'union') {
    if (node.types.length === 2 && node.types.some((t) => t.kind === 'null')) {
      const member = node.types.find((t) => t.kind !== 'null');
      if (member !== undefined) return toConnect(member, ctx, true, undefined, null);
    }
    const builder = SchemaBuilder.struct().name(AVRO_TYPE_UNION);
    const seen = new Set<string>();
    for (const member of node.types) {
      if (member.kind === 'null') {
        builder.optional();
        continue;
      }
      const fieldName = branchName(member, options.enhancedSchemaSupport);
      if (seen.has(fieldName)) throw new DataError('Multiple union schemas map to the Connect union field name');
      seen.add(fieldName);
      builder.field(fieldName, toConnect(member, ctx, true, undefined, null));
    }
    if (forceOptional) builder.optional();
    return builder.build();
  }

  const props = node.props;
  const connectType = props['connect.type'];
  const logicalType = typeof props['logicalType'] === 'string' ? props['logicalType'].toLowerCase() : null;
  let builder: SchemaBuilder;
  let builderVersion: number | null = null;
  let builderName: string | null = null;
  switch (node.kind) {
    case 'null':
      throw new DataError('Standalone null schemas are not supported by this converter');
    case 'boolean':
      builder = SchemaBuilder.bool();
      break;
    case 'bytes':
    case 'fixed':
      if (logicalType === 'decimal') {
        const scale = props['scale'];
        if (typeof scale !== 'number') throw new DataError('scale must be specified and must be a number.');
        builder = Decimal.builder(scale);
        builderVersion = 1;
        builderName = Decimal.LOGICAL_NAME;
        const precision = props['precision'];
        if (precision !== undefined) {
          if (typeof precision !== 'number') throw new DataError('precision property must be a JSON Integer.');
          if (precision !== PRECISION_DEFAULT) builder.parameter(Decimal.PRECISION_FIELD, String(precision));
        }
      } else builder = SchemaBuilder.bytes();
      break;
    case 'double':
      builder = SchemaBuilder.float64();
      break;
    case 'float':
      builder = SchemaBuilder.float32();
      break;
    case 'int':
      if (logicalType === 'date') {
        builder = DateType.builder();
        [builderVersion, builderName] = [1, DateType.LOGICAL_NAME];
      } else if (logicalType === 'time-millis') {
        builder = Time.builder();
        [builderVersion, builderName] = [1, Time.LOGICAL_NAME];
      } else if (connectType === 'int8' || connectType === 'int16') builder = SchemaBuilder.type(connectType);
      else if (connectType !== undefined && logicalType === null)
        throw new DataError(`Connect type annotation for Avro int field is ${JSON.stringify(connectType)}`);
      else builder = SchemaBuilder.int32();
      break;
    case 'long':
      if (logicalType === 'timestamp-millis') {
        builder = Timestamp.builder();
        [builderVersion, builderName] = [1, Timestamp.LOGICAL_NAME];
      } else builder = SchemaBuilder.int64();
      break;
    case 'string':
      builder = SchemaBuilder.string();
      break;
    case 'array': {
      const items = node.items;
      if (isMapEntry(items) && items.kind === 'record') {
        const key = items.fields.find((f) => f.name === 'key');
        const value = items.fields.find((f) => f.name === 'value');
        if (items.fields.length !== 2 || key === undefined || value === undefined)
          throw new DataError(
            'Found map encoded as array of key-value pairs, but array elements do not match the expected format.',
          );
        builder = SchemaBuilder.map(
          toConnect(key.type, ctx, false, undefined, null),
          toConnect(value.type, ctx, false, undefined, null),
        );
      } else builder = SchemaBuilder.array(toConnect(items, ctx, false, undefined, null));
      break;
    }
    case 'map':
      builder = SchemaBuilder.map(Schemas.STRING, toConnect(node.values, ctx, false, undefined, null));
      break;
    case 'record': {
      if (ctx.inProgress.has(node))
        throw new DataError(`Recursive Avro schema ${node.name} cannot be represented as a Connect schema`);
      ctx.inProgress.add(node);
      builder = SchemaBuilder.struct();
      if (options.connectMetaData && node.doc !== null) builder.parameter(AVRO_RECORD_DOC_PROP, node.doc);
      for (const field of node.fields) {
        if (options.connectMetaData && field.doc !== null)
          builder.parameter(AVRO_FIELD_DOC_PREFIX_PROP + field.name, field.doc);
        const dflt = field.hasDefault && field.defaultValue !== null ? { value: field.defaultValue } : undefined;
        builder.field(field.name, toConnect(field.type, ctx, false, dflt, null));
      }
      ctx.inProgress.delete(node);
      break;
    }
    case 'enum': {
      builder = SchemaBuilder.string();
      const simple = branchName(node, false);
      if (options.connectMetaData) {
        if (node.doc !== null) builder.parameter(AVRO_ENUM_DOC_PREFIX_PROP + simple, node.doc);
        if (node.default !== null) builder.parameter(AVRO_ENUM_DEFAULT_PREFIX_PROP + simple, node.default);
      }
      builder.parameter(AVRO_TYPE_ENUM, node.name);
      for (const symbol of node.symbols) builder.parameter(`${AVRO_TYPE_ENUM}.${symbol}`, symbol);
      break;
    }
  }

  const doc = props['connect.doc'];
  if (options.connectMetaData && typeof doc === 'string') builder.doc(doc);
  const connectVersion = props['connect.version'];
  if (connectVersion !== undefined && typeof connectVersion !== 'number')
    throw new DataError(`Invalid Connect version found: ${JSON.stringify(connectVersion)}`);
  const v = connectVersion ?? version;
  if (typeof v === 'number' && v >= 0 && builderVersion === null) builder.version(v);
  const parameters = props['connect.parameters'];
  if (options.connectMetaData && parameters !== undefined) {
    if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
      throw new DataError(`Expected JSON object for schema parameters but found: ${JSON.stringify(parameters)}`);
    for (const [k, pv] of Object.entries(parameters)) {
      if (typeof pv !== 'string')
        throw new DataError(`Expected schema parameter values to be strings but found: ${JSON.stringify(pv)}`);
      builder.parameter(k, pv);
    }
  }
  for (const [k, pv] of Object.entries(props))
    if (k.startsWith('avro')) builder.parameter(k, typeof pv === 'string' ? pv : JSON.stringify(pv));

  let defaultJson: { value: unknown } | undefined = fieldDefault;
  const connectDefault = props['connect.default'];
  if (defaultJson === undefined) {
    if (connectDefault !== undefined) defaultJson = { value: connectDefault };
  } else if (connectDefault === undefined) builder.parameter(AVRO_FIELD_DEFAULT_FLAG_PROP, 'true');

  const connectName = props['connect.name'];
  let name: string | null = null;
  if (connectName !== undefined) {
    if (typeof connectName !== 'string') throw new DataError(`Invalid schema name: ${JSON.stringify(connectName)}`);
    name = connectName;
  } else if (node.kind === 'record' || node.kind === 'enum') name = node.name;
  if (name !== null && !isDefaultName(name)) {
    if (builderName !== null && builderName !== name)
      throw new DataError(
        `Mismatched names: name already added to SchemaBuilder (${builderName}) differs from name in source schema (${name})`,
      );
    builder.name(name);
  }
  if (forceOptional) builder.optional();

  const schema = builder.build();
  if (defaultJson === undefined || defaultJson.value === null) return schema;
  return SchemaBuilder.from(schema)
    .defaultValue(defaultFromJson(schema, node, defaultJson.value))
    .build();
}

function isDefaultName(name: string): boolean {
  return name.startsWith(DEFAULT_SCHEMA_FULL_NAME) && /^\d*$/.test(name.slice(DEFAULT_SCHEMA_FULL_NAME.length));
}

function isMapEntry(node: AvroNode): boolean {
  if (node.kind !== 'record') return false;
  return (
    node.name === `${NAMESPACE}.${MAP_ENTRY_TYPE_NAME}` ||
    node.props[CONNECT_INTERNAL_TYPE_NAME] === MAP_ENTRY_TYPE_NAME
  );
}

/** An Avro JSON default as a Connect value of `schema`. */
export function defaultFromJson(schema: Schema, node: AvroNode, json: unknown): unknown {
  if (json === null || json === undefined) return null;
  if (node.kind === 'union') {
    const first = node.types[0];
    if (first === undefined || first.kind === 'null') return null;
    return defaultFromJson(schema, first, json);
  }
  const primitive = ((): unknown => {
    switch (node.kind) {
      case 'int':
      case 'float':
      case 'double':
        return Number(json);
      case 'long':
        return typeof json === 'number' ? json : BigInt(String(json));
      case 'boolean':
        return Boolean(json);
      case 'string':
      case 'enum':
        return String(json);
      case 'bytes':
      case 'fixed':
        return Buffer.from(String(json), 'latin1');
      case 'array': {
        if (!Array.isArray(json)) throw new DataError(`Invalid JSON for array default value: ${JSON.stringify(json)}`);
        if (schema.type === 'map') {
          const keySchema = part(schema.keySchema, 'map keys');
          const valueSchema = part(schema.valueSchema, 'map values');
          const entry = node.items.kind === 'record' ? node.items : null;
          const keyNode = entry?.fields.find((f) => f.name === 'key')?.type ?? node.items;
          const valueNode = entry?.fields.find((f) => f.name === 'value')?.type ?? node.items;
          return new Map(
            json.map((e) => {
              const [k, v] = Array.isArray(e)
                ? e
                : [(e as Record<string, unknown>)['key'], (e as Record<string, unknown>)['value']];
              return [defaultFromJson(keySchema, keyNode, k), defaultFromJson(valueSchema, valueNode, v)];
            }),
          );
        }
        const items = part(schema.valueSchema, 'array items');
        return json.map((e) => defaultFromJson(items, node.items, e));
      }
      case 'map': {
        if (typeof json !== 'object')
          throw new DataError(`Invalid JSON for map default value: ${JSON.stringify(json)}`);
        const values = part(schema.valueSchema, 'map values');
        return new Map(Object.entries(json).map(([k, v]) => [k, defaultFromJson(values, node.values, v)]));
      }
      case 'record': {
        if (typeof json !== 'object')
          throw new DataError(`Invalid JSON for record default value: ${JSON.stringify(json)}`);
        const struct = new Struct(schema);
        for (const f of node.fields) {
          const field = schema.field(f.name);
          if (field !== undefined)
            struct.put(f.name, defaultFromJson(field.schema, f.type, (json as Record<string, unknown>)[f.name]));
        }
        return struct;
      }
      default:
        return null;
    }
  })();
  return toLogical(schema, primitive);
}

function toLogical(schema: Schema, value: unknown): unknown {
  if (value === null) return null;
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      return Decimal.fromBytes(value as Uint8Array, Decimal.scale(schema));
    case DateType.LOGICAL_NAME:
      return DateType.fromDays(value as number);
    case Time.LOGICAL_NAME:
      return Time.fromMillis(value as number);
    case Timestamp.LOGICAL_NAME:
      return Timestamp.fromMillis(value as number | bigint);
    default:
      return value;
  }
}

// ---------------------------------------------------------------------------------------
// Connect value → Avro binary

export type AvroEncoder = (w: AvroWriter, value: unknown) => void;

/** An encoder writing values of Connect `schema` with Avro schema `node` (AvroData's pairing). */
export function compileEncoder(schema: Schema, node: AvroNode, options = DEFAULT_AVRO_DATA_OPTIONS): AvroEncoder {
  return encoderFor(schema, node, options, '');
}

function encoderFor(schema: Schema, node: AvroNode, options: AvroDataOptions, path: string): AvroEncoder {
  const where = path === '' ? '' : ` for field "${path}"`;
  if (node.kind === 'union') return unionEncoder(schema, node.types, options, path);
  const inner = nonNullEncoder(schema, node, options, path);
  return (w, v) => {
    if (v === null || v === undefined) throw new DataError(`Found null value for non-optional schema${where}`);
    inner(w, v);
  };
}

function unionEncoder(schema: Schema, types: readonly AvroNode[], options: AvroDataOptions, path: string): AvroEncoder {
  const where = path === '' ? '' : ` for field "${path}"`;
  const nullIndex = types.findIndex((t) => t.kind === 'null');
  if (schema.type === 'struct' && schema.name === AVRO_TYPE_UNION) {
    const branches = schema.fields.map((f) => {
      const index = types.findIndex(
        (t) => t.kind !== 'null' && branchName(t, options.enhancedSchemaSupport) === f.name,
      );
      const t = types[index];
      if (t === undefined) throw new DataError(`Union member ${f.name} has no Avro branch${where}`);
      return { name: f.name, index, encode: nonNullEncoder(f.schema, t, options, path) };
    });
    return (w, v) => {
      const struct = v instanceof Struct ? v : null;
      for (const b of branches) {
        const member = struct?.get(b.name);
        if (member !== null && member !== undefined) {
          w.writeLong(b.index);
          b.encode(w, member);
          return;
        }
      }
      if (nullIndex < 0) throw new DataError(`Found null value for non-optional union${where}`);
      w.writeLong(nullIndex);
    };
  }
  const index = pickBranch(schema, types);
  const branch = types[index];
  if (branch === undefined) throw new DataError(`No Avro union branch can hold Connect ${schema.type}${where}`);
  const encode = nonNullEncoder(schema, branch, options, path);
  return (w, v) => {
    if (v === null || v === undefined) {
      if (nullIndex < 0) throw new DataError(`Found null value for non-optional schema${where}`);
      w.writeLong(nullIndex);
      return;
    }
    w.writeLong(index);
    encode(w, v);
  };
}

const AVRO_KINDS_BY_CONNECT: Record<string, readonly string[]> = {
  int8: ['int', 'long'],
  int16: ['int', 'long'],
  int32: ['int', 'long'],
  int64: ['long'],
  float32: ['float', 'double'],
  float64: ['double', 'float'],
  boolean: ['boolean'],
  string: ['string', 'enum', 'bytes'],
  bytes: ['bytes', 'fixed'],
  array: ['array'],
  map: ['map', 'array'],
  struct: ['record'],
};

function pickBranch(schema: Schema, types: readonly AvroNode[]): number {
  const kinds = AVRO_KINDS_BY_CONNECT[schema.type] ?? [];
  for (const kind of kinds) {
    const named = types.findIndex(
      (t) => t.kind === kind && (t.kind !== 'record' || schema.name === null || t.name === schema.name),
    );
    if (named >= 0) return named;
  }
  for (const kind of kinds) {
    const i = types.findIndex((t) => t.kind === kind);
    if (i >= 0) return i;
  }
  return -1;
}

function nonNullEncoder(schema: Schema, node: AvroNode, options: AvroDataOptions, path: string): AvroEncoder {
  const where = path === '' ? '' : ` for field "${path}"`;
  const bad = (v: unknown, expected: string): never => {
    throw new DataError(`Invalid value ${describe(v)}${where}: expected ${expected} for Avro ${node.kind}`);
  };
  switch (node.kind) {
    case 'union':
      return unionEncoder(schema, node.types, options, path);
    case 'null':
      return () => undefined;
    case 'boolean':
      return (w, v) => (typeof v === 'boolean' ? w.writeBoolean(v) : bad(v, 'a boolean'));
    case 'int':
      if (schema.name === DateType.LOGICAL_NAME)
        return (w, v) => (v instanceof Date ? w.writeInt(DateType.toDays(v)) : bad(v, 'a Date'));
      if (schema.name === Time.LOGICAL_NAME)
        return (w, v) => (v instanceof Date ? w.writeInt(Time.toMillis(v)) : bad(v, 'a Date'));
      return (w, v) => (typeof v === 'number' && (v | 0) === v ? w.writeInt(v) : bad(v, 'a 32-bit integer'));
    case 'long':
      if (schema.name === Timestamp.LOGICAL_NAME)
        return (w, v) => (v instanceof Date ? w.writeLong(v.getTime()) : bad(v, 'a Date'));
      return (w, v) =>
        typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) ? w.writeLong(v) : bad(v, 'an integer');
    case 'float':
      return (w, v) => (typeof v === 'number' ? w.writeFloat(v) : bad(v, 'a number'));
    case 'double':
      return (w, v) => (typeof v === 'number' ? w.writeDouble(v) : bad(v, 'a number'));
    case 'string':
      return (w, v) => (typeof v === 'string' ? w.writeString(v) : bad(v, 'a string'));
    case 'enum': {
      const symbols = node.symbols;
      return (w, v) => {
        const i = typeof v === 'string' ? symbols.indexOf(v) : -1;
        if (i < 0) bad(v, `one of ${symbols.join(', ')}`);
        w.writeInt(i);
      };
    }
    case 'bytes':
      if (schema.name === Decimal.LOGICAL_NAME) {
        const scale = Decimal.scale(schema);
        return (w, v) =>
          typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint'
            ? w.writeBytes(Decimal.toBytes(v, scale))
            : bad(v, 'a decimal');
      }
      if (schema.type === 'string')
        return (w, v) => (typeof v === 'string' ? w.writeBytes(Buffer.from(v)) : bad(v, 'a string'));
      return (w, v) => (v instanceof Uint8Array ? w.writeBytes(v) : bad(v, 'bytes'));
    case 'fixed': {
      const size = node.size;
      const toFixed = (bytes: Uint8Array, v: unknown): Uint8Array => {
        if (bytes.length === size) return bytes;
        if (schema.name === Decimal.LOGICAL_NAME && bytes.length < size) {
          const out = Buffer.alloc(size, (bytes[0] ?? 0) & 0x80 ? 0xff : 0);
          out.set(bytes, size - bytes.length);
          return out;
        }
        return bad(v, `${size} bytes`);
      };
      if (schema.name === Decimal.LOGICAL_NAME) {
        const scale = Decimal.scale(schema);
        return (w, v) => w.writeRaw(toFixed(Decimal.toBytes(v as string, scale), v));
      }
      return (w, v) => (v instanceof Uint8Array ? w.writeRaw(toFixed(v, v)) : bad(v, 'bytes'));
    }
    case 'array': {
      if (schema.type === 'map') return mapEntriesEncoder(schema, node.items, options, path);
      const items = encoderFor(part(schema.valueSchema, 'array items'), node.items, options, `${path}[]`);
      return (w, v) => {
        if (!Array.isArray(v)) bad(v, 'an array');
        const list = v as unknown[];
        if (list.length > 0) {
          w.writeLong(list.length);
          for (const item of list) items(w, item);
        }
        w.writeByte(0);
      };
    }
    case 'map': {
      const values = encoderFor(part(schema.valueSchema, 'map values'), node.values, options, `${path}[]`);
      return (w, v) => {
        if (!(v instanceof Map)) bad(v, 'a Map');
        const map = v as Map<unknown, unknown>;
        if (map.size > 0) {
          w.writeLong(map.size);
          for (const [k, item] of map) {
            if (typeof k !== 'string') bad(k, 'a string map key');
            w.writeString(k as string);
            values(w, item);
          }
        }
        w.writeByte(0);
      };
    }
    case 'record':
      return recordEncoder(schema, node, options, path);
  }
}

function mapEntriesEncoder(schema: Schema, items: AvroNode, options: AvroDataOptions, path: string): AvroEncoder {
  if (items.kind !== 'record')
    throw new DataError(`Avro schema for map${path === '' ? '' : ` ${path}`} is not a MapEntry array`);
  const keyField = items.fields.find((f) => f.name === 'key');
  const valueField = items.fields.find((f) => f.name === 'value');
  if (keyField === undefined || valueField === undefined)
    throw new DataError('MapEntry record needs key and value fields');
  const encodeKey = encoderFor(part(schema.keySchema, 'map keys'), keyField.type, options, `${path}.key`);
  const encodeValue = encoderFor(part(schema.valueSchema, 'map values'), valueField.type, options, `${path}.value`);
  const keyFirst = items.fields[0] === keyField;
  return (w, v) => {
    if (!(v instanceof Map)) throw new DataError(`Invalid value for map field "${path}": ${describe(v)}`);
    if (v.size > 0) {
      w.writeLong(v.size);
      for (const [k, item] of v) {
        if (keyFirst) {
          encodeKey(w, k);
          encodeValue(w, item);
        } else {
          encodeValue(w, item);
          encodeKey(w, k);
        }
      }
    }
    w.writeByte(0);
  };
}

function recordEncoder(
  schema: Schema,
  node: Extract<AvroNode, { kind: 'record' }>,
  options: AvroDataOptions,
  path: string,
): AvroEncoder {
  if (schema.type !== 'struct')
    throw new DataError(`Connect ${schema.type} cannot be written as Avro record ${node.name}`);
  const fields = node.fields.map((f): AvroEncoder => {
    const fieldPath = path === '' ? f.name : `${path}.${f.name}`;
    const connectField = schema.field(f.name);
    if (connectField === undefined) return missingFieldEncoder(f, options, fieldPath);
    const encode = encoderFor(connectField.schema, f.type, options, fieldPath);
    const name = f.name;
    return (w, struct) => encode(w, (struct as Struct).get(name));
  });
  for (const f of schema.fields)
    if (!node.fields.some((af) => af.name === f.name))
      throw new DataError(`Field "${path === '' ? f.name : `${path}.${f.name}`}" is not in Avro record ${node.name}`);
  return (w, v) => {
    if (!(v instanceof Struct))
      throw new DataError(
        `Invalid value${path === '' ? '' : ` for field "${path}"`}: ${describe(v)}; expected a Struct`,
      );
    for (const encode of fields) encode(w, v);
  };
}

/** A field the Avro schema has and the Connect schema lacks (use.latest.version): write its default. */
function missingFieldEncoder(field: AvroField, options: AvroDataOptions, path: string): AvroEncoder {
  if (!field.hasDefault)
    throw new DataError(`Field "${path}" of the Avro schema has no default and is missing from the record's schema`);
  const schema = toConnectSchema(field.type, null, options);
  const value = field.defaultValue === null ? null : defaultFromJson(schema, field.type, field.defaultValue);
  const encode = encoderFor(schema, field.type, options, path);
  return (w) => encode(w, value);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (v instanceof Uint8Array) return `bytes(${v.length})`;
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return `${typeof v} ${String(v)}`;
}

// ---------------------------------------------------------------------------------------
// Avro binary → Connect value

export type AvroDecoder = (r: AvroReader) => unknown;

/** A decoder reading Avro `node` data as values of Connect `schema` (from `toConnectSchema(node)`). */
export function compileDecoder(node: AvroNode, schema: Schema, options = DEFAULT_AVRO_DATA_OPTIONS): AvroDecoder {
  return decoderFor(node, schema, options);
}

function decoderFor(node: AvroNode, schema: Schema, options: AvroDataOptions): AvroDecoder {
  switch (node.kind) {
    case 'union': {
      const isConnectUnion = schema.type === 'struct' && schema.name === AVRO_TYPE_UNION;
      const branches = node.types.map((t): AvroDecoder => {
        if (t.kind === 'null') return () => null;
        if (!isConnectUnion) return decoderFor(t, schema, options);
        const fieldName = branchName(t, options.enhancedSchemaSupport);
        const field = schema.field(fieldName);
        if (field === undefined) throw new DataError(`Union branch ${fieldName} is not in the Connect union schema`);
        const decode = decoderFor(t, field.schema, options);
        return (r) => new Struct(schema).put(fieldName, decode(r));
      });
      return (r) => {
        const i = r.readLong();
        const branch = typeof i === 'number' ? branches[i] : undefined;
        if (branch === undefined) throw new DataError(`Avro union branch ${i} out of range`);
        return branch(r);
      };
    }
    case 'null':
      return () => null;
    case 'boolean':
      return (r) => r.readBoolean();
    case 'int':
      if (schema.name === DateType.LOGICAL_NAME) return (r) => DateType.fromDays(r.readInt());
      if (schema.name === Time.LOGICAL_NAME) return (r) => Time.fromMillis(r.readInt());
      return (r) => r.readInt();
    case 'long':
      if (schema.name === Timestamp.LOGICAL_NAME) return (r) => Timestamp.fromMillis(r.readLong());
      return (r) => r.readLong();
    case 'float':
      return (r) => r.readFloat();
    case 'double':
      return (r) => r.readDouble();
    case 'string':
      return (r) => r.readString();
    case 'enum': {
      const symbols = node.symbols;
      return (r) => {
        const i = r.readInt();
        const symbol = symbols[i];
        if (symbol === undefined) throw new DataError(`Avro enum index ${i} out of range for ${node.name}`);
        return symbol;
      };
    }
    case 'bytes':
    case 'fixed': {
      const read =
        node.kind === 'fixed'
          ? (
              (size: number) => (r: AvroReader) =>
                r.readFixed(size)
            )(node.size)
          : (r: AvroReader) => r.readBytes();
      if (schema.name === Decimal.LOGICAL_NAME) {
        const scale = Decimal.scale(schema);
        return (r) => Decimal.fromBytes(read(r), scale);
      }
      return read;
    }
    case 'array': {
      if (schema.type === 'map' && node.items.kind === 'record') {
        const items = node.items;
        const keyField = items.fields.find((f) => f.name === 'key');
        const valueField = items.fields.find((f) => f.name === 'value');
        if (keyField === undefined || valueField === undefined)
          throw new DataError('MapEntry record needs key and value fields');
        const decodeKey = decoderFor(keyField.type, part(schema.keySchema, 'map keys'), options);
        const decodeValue = decoderFor(valueField.type, part(schema.valueSchema, 'map values'), options);
        const keyFirst = items.fields[0] === keyField;
        return (r) => {
          const map = new Map<unknown, unknown>();
          for (let n = r.readBlockCount(); n > 0; n = r.readBlockCount()) {
            for (let i = 0; i < n; i++) {
              if (keyFirst) {
                const k = decodeKey(r);
                map.set(k, decodeValue(r));
              } else {
                const v = decodeValue(r);
                map.set(decodeKey(r), v);
              }
            }
          }
          return map;
        };
      }
      const decodeItem = decoderFor(node.items, part(schema.valueSchema, 'array items'), options);
      return (r) => {
        const list: unknown[] = [];
        for (let n = r.readBlockCount(); n > 0; n = r.readBlockCount())
          for (let i = 0; i < n; i++) list.push(decodeItem(r));
        return list;
      };
    }
    case 'map': {
      const decodeValue = decoderFor(node.values, part(schema.valueSchema, 'map values'), options);
      return (r) => {
        const map = new Map<string, unknown>();
        for (let n = r.readBlockCount(); n > 0; n = r.readBlockCount())
          for (let i = 0; i < n; i++) {
            const k = r.readString();
            map.set(k, decodeValue(r));
          }
        return map;
      };
    }
    case 'record': {
      const fields = node.fields.map((f) => {
        const field = schema.field(f.name);
        if (field === undefined) throw new DataError(`Avro field ${f.name} is not in the Connect schema`);
        return { name: f.name, decode: decoderFor(f.type, field.schema, options) };
      });
      return (r) => {
        const struct = new Struct(schema);
        for (const f of fields) struct.put(f.name, f.decode(r));
        return struct;
      };
    }
  }
}

// ---------------------------------------------------------------------------------------
// Schemaless data: Confluent's self-referencing `io.confluent.connect.avro.Anything` record

export const AVRO_TYPE_ANYTHING = `${NAMESPACE}.Anything`;

/** The Avro schema AvroData uses for values without a Connect schema. */
export const ANYTHING_SCHEMA: unknown = {
  type: 'record',
  name: 'Anything',
  namespace: NAMESPACE,
  fields: [
    { name: 'boolean', type: ['null', 'boolean'], default: null },
    { name: 'bytes', type: ['null', 'bytes'], default: null },
    { name: 'double', type: ['null', 'double'], default: null },
    { name: 'float', type: ['null', 'float'], default: null },
    { name: 'int', type: ['null', 'int'], default: null },
    { name: 'long', type: ['null', 'long'], default: null },
    { name: 'string', type: ['null', 'string'], default: null },
    { name: 'array', type: ['null', { type: 'array', items: 'Anything' }], default: null },
    {
      name: 'map',
      type: [
        'null',
        {
          type: 'array',
          items: {
            type: 'record',
            name: 'MapEntry',
            fields: [
              { name: 'key', type: 'Anything' },
              { name: 'value', type: 'Anything' },
            ],
          },
        },
      ],
      default: null,
    },
  ],
};

// Field order of the Anything record, and so the union branch written for each kind.
const ANYTHING_FIELDS = ['boolean', 'bytes', 'double', 'float', 'int', 'long', 'string', 'array', 'map'] as const;

/** Writes a schemaless value (JSON-like: plain objects or Maps, arrays, strings, numbers, bigints, booleans, bytes, null). */
export function writeAnything(w: AvroWriter, value: unknown): void {
  let kind: (typeof ANYTHING_FIELDS)[number] | null = null;
  if (value === null || value === undefined) kind = null;
  else if (typeof value === 'boolean') kind = 'boolean';
  else if (value instanceof Uint8Array) kind = 'bytes';
  else if (typeof value === 'number') kind = Number.isInteger(value) ? 'long' : 'double';
  else if (typeof value === 'bigint') kind = 'long';
  else if (typeof value === 'string') kind = 'string';
  else if (Array.isArray(value)) kind = 'array';
  else if (value instanceof Map || typeof value === 'object') kind = 'map';
  else throw new DataError(`Unknown type for schemaless data: ${typeof value}`);
  for (const field of ANYTHING_FIELDS) {
    if (field !== kind) {
      w.writeByte(0);
      continue;
    }
    w.writeByte(2);
    switch (field) {
      case 'boolean':
        w.writeBoolean(value as boolean);
        break;
      case 'bytes':
        w.writeBytes(value as Uint8Array);
        break;
      case 'double':
        w.writeDouble(value as number);
        break;
      case 'long':
        w.writeLong(value as number | bigint);
        break;
      case 'string':
        w.writeString(value as string);
        break;
      case 'array': {
        const list = value as unknown[];
        if (list.length > 0) {
          w.writeLong(list.length);
          for (const item of list) writeAnything(w, item);
        }
        w.writeByte(0);
        break;
      }
      case 'map': {
        const entries = value instanceof Map ? [...value] : Object.entries(value as object);
        if (entries.length > 0) {
          w.writeLong(entries.length);
          for (const [k, v] of entries) {
            writeAnything(w, k);
            writeAnything(w, v);
          }
        }
        w.writeByte(0);
        break;
      }
      default:
        break;
    }
  }
}

/** Reads a schemaless value; maps with only string keys become plain objects, as schemaless Connect data is. */
export function readAnything(r: AvroReader): unknown {
  let result: unknown = null;
  for (const field of ANYTHING_FIELDS) {
    const branch = r.readLong();
    if (branch === 0) continue;
    if (branch !== 1) throw new DataError(`Invalid union branch ${branch} in schemaless Avro data`);
    switch (field) {
      case 'boolean':
        result = r.readBoolean();
        break;
      case 'bytes':
        result = r.readBytes();
        break;
      case 'double':
        result = r.readDouble();
        break;
      case 'float':
        result = r.readFloat();
        break;
      case 'int':
        result = r.readInt();
        break;
      case 'long':
        result = r.readLong();
        break;
      case 'string':
        result = r.readString();
        break;
      case 'array': {
        const list: unknown[] = [];
        for (let n = r.readBlockCount(); n > 0; n = r.readBlockCount())
          for (let i = 0; i < n; i++) list.push(readAnything(r));
        result = list;
        break;
      }
      case 'map': {
        const entries: [unknown, unknown][] = [];
        for (let n = r.readBlockCount(); n > 0; n = r.readBlockCount())
          for (let i = 0; i < n; i++) {
            const k = readAnything(r);
            entries.push([k, readAnything(r)]);
          }
        result = entries.every(([k]) => typeof k === 'string')
          ? Object.fromEntries(entries as [string, unknown][])
          : new Map(entries);
        break;
      }
    }
  }
  return result;
}

/** True for the Anything record (schemaless data). */
export function isAnythingSchema(node: AvroNode): boolean {
  return node.kind === 'record' && node.name === AVRO_TYPE_ANYTHING;
}
