/**
 * From a sink record to the columns and values of one row: Confluent's `FieldsMetadata`
 * (pk.mode × pk.fields, fields.whitelist, column order) and `RecordValidator`, extended to
 * records without a schema (plain objects from JsonConverter with `schemas.enable=false`),
 * whose column types come from the table or are inferred from the values.
 */
import { DataError, type Schema, Schemas, type SinkRecord, Struct } from '@tributary/api';
import { type InsertMode, KAFKA_PK_NAMES, type PkMode } from './config.js';

export interface ShapeOptions {
  readonly pkMode: PkMode;
  readonly pkFields: readonly string[];
  readonly fieldsWhitelist: readonly string[];
  readonly isDeleteEnabled: boolean;
  readonly insertMode: InsertMode;
  readonly replaceNullWithDefault: boolean;
  readonly stringValueColumn: string;
}

/**
 * A column the record writes. `schema` is the record's schema of the field; for records
 * without a schema it is inferred from the value (`isInferred`), and used only to create or
 * add the column — values are then bound with the table column's own type.
 */
export interface ShapeColumn {
  readonly name: string;
  readonly schema: Schema;
  readonly isKey: boolean;
  readonly isInferred: boolean;
}

/** The columns of a record: key columns first, then the others, in Confluent's order. */
export interface Shape {
  /**
   * Equal for records that write the same columns with the same types. Records of one
   * schema share one `Shape` object, so comparing shapes by identity first is cheap.
   */
  readonly signature: string;
  readonly keyColumns: readonly ShapeColumn[];
  readonly valueColumns: readonly ShapeColumn[];
  /** Every column in CREATE TABLE order. */
  readonly columns: readonly ShapeColumn[];
  readonly hasSchema: boolean;
}

export interface RecordRow {
  readonly record: SinkRecord;
  readonly isDelete: boolean;
  readonly shape: Shape;
  /**
   * The Connect values (schemaless: JSON-like values) of `shape.keyColumns` then
   * `shape.valueColumns`, in that order; deletes carry key columns only. The row's own
   * array: the table writer replaces them with the bound SQL values in place.
   */
  readonly values: unknown[];
}

type Fields = Map<string, { schema: Schema; value: unknown; isInferred: boolean }>;

/** "orders-2@41", how records are named in errors. */
export function describeRecord(record: SinkRecord): string {
  return `${record.topic}-${record.kafkaPartition}@${record.kafkaOffset}`;
}

function fail(record: SinkRecord, message: string): never {
  throw new DataError(`Record ${describeRecord(record)}: ${message}`, { code: 'RECORD' });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The Connect schema inferred for a schemaless value; see `auto.create`'s doc. */
export function inferSchema(value: unknown, isKey: boolean): Schema {
  const pick = (required: Schema, optional: Schema) => (isKey ? required : optional);
  if (typeof value === 'boolean') return pick(Schemas.BOOLEAN, Schemas.OPTIONAL_BOOLEAN);
  if (typeof value === 'bigint') return pick(Schemas.INT64, Schemas.OPTIONAL_INT64);
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? pick(Schemas.INT64, Schemas.OPTIONAL_INT64)
      : pick(Schemas.FLOAT64, Schemas.OPTIONAL_FLOAT64);
  }
  if (value instanceof Uint8Array) return pick(Schemas.BYTES, Schemas.OPTIONAL_BYTES);
  return pick(Schemas.STRING, Schemas.OPTIONAL_STRING);
}

/**
 * The type of a field seen with two inferred types (across the records of one `put`):
 * integer and fractional numbers make a float64, anything else that differs a string.
 */
export function mergeInferred(a: Schema, b: Schema): Schema {
  if (a.type === b.type) return a;
  const isNumber = (s: Schema) => s.type === 'int64' || s.type === 'float64';
  if (isNumber(a) && isNumber(b)) return a.isOptional ? Schemas.OPTIONAL_FLOAT64 : Schemas.FLOAT64;
  return a.isOptional ? Schemas.OPTIONAL_STRING : Schemas.STRING;
}

/** Merged inferred types of the fields of schemaless object values (nulls tell nothing). */
export function inferFieldTypes(values: readonly unknown[], into: Map<string, Schema>): void {
  for (const value of values) {
    if (!isPlainObject(value)) continue;
    for (const [name, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      const seen = into.get(name);
      const schema = inferSchema(v, false);
      into.set(name, seen === undefined ? schema : mergeInferred(seen, schema));
    }
  }
}

function structFields(struct: Struct, replaceNullWithDefault: boolean): Fields {
  const out: Fields = new Map();
  for (const field of struct.schema.fields) {
    const value = replaceNullWithDefault ? struct.get(field.name) : struct.getWithoutDefault(field.name);
    out.set(field.name, { schema: field.schema, value, isInferred: false });
  }
  return out;
}

function objectFields(object: Record<string, unknown>, isKey: boolean): Fields {
  const out: Fields = new Map();
  for (const [name, value] of Object.entries(object)) {
    out.set(name, { schema: inferSchema(value, isKey), value: value ?? null, isInferred: true });
  }
  return out;
}

/** The value's fields, or null for a tombstone. */
function valueFields(record: SinkRecord, options: ShapeOptions): Fields | null {
  const { value, valueSchema } = record;
  if (value === null || value === undefined) return null;
  if (valueSchema !== null) {
    if (valueSchema.type === 'struct') {
      if (!(value instanceof Struct)) fail(record, 'the value schema is a struct but the value is not a Struct');
      return structFields(value, options.replaceNullWithDefault);
    }
    if (valueSchema.type === 'string') {
      return new Map([[options.stringValueColumn, { schema: valueSchema, value, isInferred: false }]]);
    }
    fail(record, `value schema type ${valueSchema.type} is not supported: the value must be a struct (or a string)`);
  }
  if (value instanceof Struct) return structFields(value, options.replaceNullWithDefault);
  if (isPlainObject(value)) return objectFields(value, false);
  if (typeof value === 'string') {
    return new Map([[options.stringValueColumn, { schema: Schemas.OPTIONAL_STRING, value, isInferred: true }]]);
  }
  fail(
    record,
    `a ${Array.isArray(value) ? 'array' : typeof value} value without a schema cannot be written as a row; it must be an object`,
  );
}

function keyColumnsOf(record: SinkRecord, options: ShapeOptions, value: Fields | null): Fields {
  const { pkMode, pkFields } = options;
  const out: Fields = new Map();
  switch (pkMode) {
    case 'none':
      return out;
    case 'kafka': {
      const names = pkFields.length === 3 ? pkFields : KAFKA_PK_NAMES;
      const [topic = KAFKA_PK_NAMES[0], partition = KAFKA_PK_NAMES[1], offset = KAFKA_PK_NAMES[2]] = names;
      out.set(topic, { schema: Schemas.STRING, value: record.topic, isInferred: false });
      out.set(partition, { schema: Schemas.INT32, value: record.kafkaPartition, isInferred: false });
      out.set(offset, { schema: Schemas.INT64, value: BigInt(record.kafkaOffset), isInferred: false });
      return out;
    }
    case 'record_key': {
      const { key, keySchema } = record;
      if (key === null || key === undefined) fail(record, 'pk.mode=record_key needs a non-null record key');
      const isStruct = keySchema !== null ? keySchema.type === 'struct' : key instanceof Struct || isPlainObject(key);
      if (!isStruct) {
        if (keySchema !== null && !isPrimitive(keySchema))
          fail(record, `key schema type ${keySchema.type} is not supported for pk.mode=record_key`);
        if (keySchema === null && typeof key === 'object' && !(key instanceof Uint8Array)) {
          fail(record, 'a key without a schema must be a primitive or an object for pk.mode=record_key');
        }
        if (pkFields.length !== 1) {
          fail(
            record,
            `pk.mode=record_key with a primitive key needs exactly one name in pk.fields (the column), but pk.fields is ${JSON.stringify(pkFields)}`,
          );
        }
        const schema = keySchema ?? inferSchema(key, true);
        out.set(pkFields[0] ?? '', { schema, value: key, isInferred: keySchema === null });
        return out;
      }
      const fields =
        key instanceof Struct
          ? structFields(key, options.replaceNullWithDefault)
          : objectFields(key as Record<string, unknown>, true);
      return pickFields(record, fields, pkFields, 'key');
    }
    case 'record_value': {
      if (value === null) fail(record, 'pk.mode=record_value needs a non-null value');
      const picked = pickFields(record, value, pkFields, 'value');
      for (const [name, f] of picked) {
        if (f.isInferred) picked.set(name, { ...f, schema: inferSchema(f.value, true) });
      }
      return picked;
    }
  }
}

function isPrimitive(schema: Schema): boolean {
  return schema.type !== 'struct' && schema.type !== 'array' && schema.type !== 'map';
}

function pickFields(record: SinkRecord, fields: Fields, names: readonly string[], where: 'key' | 'value'): Fields {
  if (names.length === 0) return new Map(fields);
  const out: Fields = new Map();
  for (const name of names) {
    const f = fields.get(name);
    if (f === undefined) {
      fail(
        record,
        `pk.fields names ${JSON.stringify(name)}, which is not a field of the record ${where} (fields: ${[...fields.keys()].join(', ')})`,
      );
    }
    out.set(name, f);
  }
  return out;
}

function column(name: string, f: { schema: Schema; isInferred: boolean }, isKey: boolean): ShapeColumn {
  return { name, schema: f.schema, isKey, isInferred: f.isInferred };
}

function signatureOf(columns: readonly ShapeColumn[], isDelete: boolean): string {
  const parts = columns.map((c) => {
    if (c.isInferred) return `${c.isKey ? 'K' : 'V'}:${c.name}`;
    const s = c.schema;
    return `${c.isKey ? 'K' : 'V'}:${c.name}:${s.type}:${s.name ?? ''}:${s.isOptional ? '?' : '!'}:${JSON.stringify(s.parameters ?? {})}`;
  });
  return `${isDelete ? 'D' : 'W'}|${JSON.stringify(parts)}`;
}

/** A shape whose signature is computed when first asked for (most shapes are compared by identity). */
class RowShape implements Shape {
  readonly keyColumns: readonly ShapeColumn[];
  readonly valueColumns: readonly ShapeColumn[];
  readonly columns: readonly ShapeColumn[];
  readonly hasSchema: boolean;
  readonly #isDelete: boolean;
  #signature: string | null = null;

  constructor(keyColumns: ShapeColumn[], valueColumns: ShapeColumn[], columns: ShapeColumn[], isDelete: boolean) {
    this.keyColumns = keyColumns;
    this.valueColumns = valueColumns;
    this.columns = columns;
    this.hasSchema = !columns.some((c) => c.isInferred);
    this.#isDelete = isDelete;
  }

  get signature(): string {
    this.#signature ??= signatureOf(this.columns, this.#isDelete);
    return this.#signature;
  }
}

/**
 * How to read a row's values straight from records of one shape (one value schema, and
 * for pk.mode=record_key one key schema), worked out once from the first such record.
 */
interface RowPlan {
  readonly shape: Shape;
  readonly readers: readonly ((record: SinkRecord) => unknown)[];
}

/** Per options, per value schema (or schemaless key list), per key schema: the row plans. */
const plans = new WeakMap<ShapeOptions, PlanCache>();

interface PlanCache {
  readonly bySchema: WeakMap<Schema, Map<Schema | null, RowPlan>>;
  /** Schemaless object values (not pk.mode=record_key): the last key list seen and its plan. */
  schemaless: { readonly names: readonly string[]; readonly plan: RowPlan } | null;
}

function planCache(options: ShapeOptions): PlanCache {
  let cache = plans.get(options);
  if (cache === undefined) {
    cache = { bySchema: new WeakMap(), schemaless: null };
    plans.set(options, cache);
  }
  return cache;
}

function structReader(
  part: 'key' | 'value',
  name: string,
  replaceNullWithDefault: boolean,
): (record: SinkRecord) => unknown {
  return replaceNullWithDefault
    ? (r) => (r[part] as Struct).get(name)
    : (r) => (r[part] as Struct).getWithoutDefault(name);
}

function objectReader(part: 'key' | 'value', name: string): (record: SinkRecord) => unknown {
  return (r) => (r[part] as Record<string, unknown>)[name] ?? null;
}

/** The readers of `row`'s columns, or null when its values cannot be read the same way for other records. */
function planOf(row: RecordRow, options: ShapeOptions, isStructValue: boolean): RowPlan | null {
  const { record, shape } = row;
  const readers: ((record: SinkRecord) => unknown)[] = [];
  const fromValue = (name: string) =>
    isStructValue ? structReader('value', name, options.replaceNullWithDefault) : objectReader('value', name);
  switch (options.pkMode) {
    case 'none':
      break;
    case 'kafka':
      readers.push(
        (r) => r.topic,
        (r) => r.kafkaPartition,
        (r) => BigInt(r.kafkaOffset),
      );
      break;
    case 'record_value':
      for (const c of shape.keyColumns) readers.push(fromValue(c.name));
      break;
    case 'record_key':
      if (record.key instanceof Struct && (record.keySchema === null || record.keySchema.type === 'struct')) {
        for (const c of shape.keyColumns) readers.push(structReader('key', c.name, options.replaceNullWithDefault));
      } else if (record.keySchema !== null && isPrimitive(record.keySchema)) {
        readers.push((r) => r.key);
      } else {
        return null;
      }
      break;
  }
  if (readers.length !== shape.keyColumns.length) return null;
  for (const c of shape.valueColumns) readers.push(fromValue(c.name));
  return { shape, readers };
}

function rowOf(record: SinkRecord, plan: RowPlan): RecordRow {
  const { readers } = plan;
  const values = new Array<unknown>(readers.length);
  for (let i = 0; i < readers.length; i++) values[i] = (readers[i] as (r: SinkRecord) => unknown)(record);
  return { record, isDelete: false, values, shape: plan.shape };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The row a record writes. Throws `DataError` naming the record when it cannot be written
 * with this configuration (a tombstone without `delete.enabled`, a missing key, an unknown
 * `pk.fields` name, …). Records of a shape seen before (same value schema object, same key
 * schema object; schemaless: same field names in the same order) reuse its `Shape`, and
 * only their values are read.
 */
export function recordRow(record: SinkRecord, options: ShapeOptions): RecordRow {
  const { value, key } = record;
  if (value instanceof Struct && (record.valueSchema === null || record.valueSchema.type === 'struct')) {
    const isKeyed = options.pkMode === 'record_key';
    const keySchema = !isKeyed ? null : key instanceof Struct ? key.schema : record.keySchema;
    if (!isKeyed || (keySchema !== null && key !== null && key !== undefined)) {
      const cache = planCache(options);
      let byKey = cache.bySchema.get(value.schema);
      const plan = byKey?.get(keySchema);
      if (plan !== undefined) return rowOf(record, plan);
      const row = buildRow(record, options);
      const made = planOf(row, options, true);
      if (made !== null) {
        if (byKey === undefined) {
          byKey = new Map();
          cache.bySchema.set(value.schema, byKey);
        }
        byKey.set(keySchema, made);
      }
      return row;
    }
  }
  if (record.valueSchema === null && options.pkMode !== 'record_key' && isPlainObject(value)) {
    const cache = planCache(options);
    const names = Object.keys(value);
    const last = cache.schemaless;
    if (last !== null && sameNames(last.names, names)) return rowOf(record, last.plan);
    const row = buildRow(record, options);
    const made = planOf(row, options, false);
    cache.schemaless = made === null ? null : { names, plan: made };
    return row;
  }
  return buildRow(record, options);
}

/**
 * The row a record writes. Throws `DataError` naming the record when it cannot be written
 * with this configuration (a tombstone without `delete.enabled`, a missing key, an unknown
 * `pk.fields` name, …).
 */
function buildRow(record: SinkRecord, options: ShapeOptions): RecordRow {
  const value = valueFields(record, options);
  const isDelete = value === null;
  if (isDelete && !options.isDeleteEnabled) {
    fail(
      record,
      `a null value (tombstone) needs delete.enabled=true (with pk.mode=record_key); delete.enabled=false and pk.mode=${options.pkMode} require a non-null value`,
    );
  }
  const keys = keyColumnsOf(record, options, value);
  const keyColumns: ShapeColumn[] = [...keys].map(([name, f]) => column(name, f, true));
  const values: unknown[] = [];
  for (const f of keys.values()) values.push(f.value);
  if (isDelete) {
    if (keyColumns.length === 0) fail(record, 'a tombstone has no key columns to delete by');
    return { record, isDelete, values, shape: new RowShape(keyColumns, [], keyColumns, true) };
  }
  const valueColumns: ShapeColumn[] = [];
  const whitelist = options.fieldsWhitelist;
  for (const [name, f] of value ?? new Map()) {
    if (keys.has(name)) continue;
    if (whitelist.length > 0 && !whitelist.includes(name)) continue;
    valueColumns.push(column(name, f, false));
    values.push(f.value);
  }
  if (keyColumns.length === 0 && valueColumns.length === 0)
    fail(record, 'no columns to write: the value has no fields (after fields.whitelist)');
  const columns = tableOrder([...keyColumns, ...valueColumns], value);
  return { record, isDelete, values, shape: new RowShape(keyColumns, valueColumns, columns, false) };
}

/**
 * Confluent's column order for CREATE TABLE: kafka coordinates, then the value's field
 * order, then the remaining (key) fields sorted by name.
 */
function tableOrder(columns: readonly ShapeColumn[], value: Fields | null): ShapeColumn[] {
  const valueOrder = new Map([...(value?.keys() ?? [])].map((name, i) => [name, i]));
  const rank = (c: ShapeColumn) => {
    const k = (KAFKA_PK_NAMES as readonly string[]).indexOf(c.name);
    if (k >= 0) return k - 10;
    return valueOrder.get(c.name) ?? Number.POSITIVE_INFINITY;
  };
  return [...columns].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra - rb;
    return ra === Number.POSITIVE_INFINITY ? a.name.localeCompare(b.name) : 0;
  });
}
