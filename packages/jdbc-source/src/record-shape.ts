/**
 * How a result's rows become record values and keys: one Connect field per supported
 * column (unsupported ones skipped with one warning naming them), the value schema named
 * after the table, and the key a Struct of the primary-key columns. Built again whenever a
 * result's columns change (a column added to the table shows up in later records).
 */
import { type Logger, type Schema, SchemaBuilder, Struct, Timestamp } from '@tributary/api';
import type { ColumnDefinition, ColumnMapping, ColumnMappingOptions, Dialect, Row } from '@tributary/jdbc';
import type { JdbcSourceConfig } from './config.js';

type Granularity = JdbcSourceConfig['timestamp.granularity'];

interface FieldReader {
  readonly name: string;
  readonly index: number;
  read(raw: unknown): unknown;
}

export interface RecordShape {
  /** A signature of the result's columns, to notice when they change. */
  readonly signature: string;
  readonly valueSchema: Schema;
  readonly keySchema: Schema | null;
  /** Result-column positions and mappings of the columns, by name (first occurrence). */
  readonly columns: ReadonlyMap<string, { readonly index: number; readonly mapping: ColumnMapping | null }>;
  value(row: Row): Struct;
  key(row: Row): Struct | null;
}

export interface ShapeOptions {
  readonly dialect: Dialect;
  readonly mapping: ColumnMappingOptions;
  readonly granularity: Granularity;
  /** Value schema name: the unqualified table name, or null (query mode). */
  readonly schemaName: string | null;
  /** Primary-key column names in key order; empty: no key. */
  readonly keyColumns: readonly string[];
  /** Table metadata (accurate nullability); null in query mode. */
  readonly tableColumns: readonly ColumnDefinition[] | null;
  readonly logger: Logger;
  /** For messages: `table shop.orders` or `query`. */
  readonly source: string;
}

export function columnsSignature(columns: readonly ColumnDefinition[]): string {
  return JSON.stringify(columns.map((c) => [c.name, c.declaredType, c.isNullable]));
}

export function buildRecordShape(resultColumns: readonly ColumnDefinition[], options: ShapeOptions): RecordShape {
  const byName = new Map<string, { index: number; mapping: ColumnMapping | null }>();
  const readers: FieldReader[] = [];
  const value = SchemaBuilder.struct();
  if (options.schemaName !== null) value.name(options.schemaName);
  const skipped: string[] = [];
  resultColumns.forEach((resultColumn, index) => {
    if (byName.has(resultColumn.name)) {
      skipped.push(`${resultColumn.name} (duplicate name)`);
      return;
    }
    const column = options.tableColumns?.find((c) => c.name === resultColumn.name) ?? resultColumn;
    const mapping = options.dialect.columnMapping(column, options.mapping);
    byName.set(resultColumn.name, { index, mapping });
    if (mapping === null) {
      skipped.push(`${column.name} (${column.declaredType || 'unknown type'})`);
      return;
    }
    const reader = withGranularity(mapping, options.granularity);
    value.field(column.name, reader.schema);
    readers.push({ name: column.name, index, read: reader.read });
  });
  if (skipped.length > 0) {
    options.logger.warn(
      { source: options.source, columns: skipped },
      `Skipping columns of unsupported types in ${options.source}: ${skipped.join(', ')}`,
    );
  }
  const valueSchema = value.build();

  const keyReaders = options.keyColumns.map((name) => readers.find((r) => r.name === name));
  const hasKey = keyReaders.length > 0 && keyReaders.every((r) => r !== undefined);
  let keySchema: Schema | null = null;
  if (hasKey) {
    const key = SchemaBuilder.struct();
    if (options.schemaName !== null) key.name(`${options.schemaName}.Key`);
    for (const r of keyReaders as FieldReader[]) key.field(r.name, valueSchema.field(r.name)?.schema as Schema);
    keySchema = key.build();
  }
  return {
    signature: columnsSignature(resultColumns),
    valueSchema,
    keySchema,
    columns: byName,
    value(row) {
      const struct = new Struct(valueSchema);
      for (const r of readers) struct.put(r.name, r.read(row[r.index]));
      return struct;
    },
    key(row) {
      if (keySchema === null) return null;
      const struct = new Struct(keySchema);
      for (const r of keyReaders as FieldReader[]) struct.put(r.name, r.read(row[r.index]));
      return struct;
    },
  };
}

/** `timestamp.granularity` applied to TIMESTAMP columns (Connect's logical Timestamp). */
function withGranularity(
  mapping: ColumnMapping,
  granularity: Granularity,
): { schema: Schema; read: (raw: unknown) => unknown } {
  const readTimestamp = mapping.readTimestamp;
  if (
    granularity === 'connect_logical' ||
    mapping.schema.name !== Timestamp.LOGICAL_NAME ||
    readTimestamp === undefined
  ) {
    return { schema: mapping.schema, read: (raw) => mapping.read(raw) };
  }
  const isLong = granularity.endsWith('_long');
  const base = isLong ? SchemaBuilder.int64() : SchemaBuilder.string();
  if (mapping.schema.isOptional) base.optional();
  const isMicros = granularity.startsWith('micros');
  const isIso = granularity.endsWith('iso_datetime_string');
  return {
    schema: base.build(),
    read: (raw) => {
      const t = readTimestamp(raw);
      if (t === null) return null;
      const seconds = BigInt(Math.floor(t.epochMs / 1000));
      if (isIso) {
        const text = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
        const fraction = String(t.nanos).padStart(9, '0');
        return `${text}.${isMicros ? fraction.slice(0, 6) : fraction}`;
      }
      const count = isMicros
        ? seconds * 1_000_000n + BigInt(Math.floor(t.nanos / 1000))
        : seconds * 1_000_000_000n + BigInt(t.nanos);
      return isLong ? count : count.toString();
    },
  };
}
