// Type round trips: create a table with one column per case, insert rows with bound
// parameters, read them back through the stream, map them with both the table metadata
// and the result-set metadata, and compare with the expected Connect values exactly.
import assert from 'node:assert/strict';
import { type Schema, schemasEqual, validateValue } from '@tributary/api';
import type { ColumnMapping, ColumnMappingOptions, Database, PreciseTimestamp } from '../../src/index.js';

export interface TypeCase {
  readonly column: string;
  /** The column's SQL type as written in CREATE TABLE. */
  readonly ddl: string;
  /** One value to bind per row (the same number of rows for every case). */
  readonly values: readonly unknown[];
  /** The Connect value expected per row. */
  readonly expected: readonly unknown[];
  /** `int8`… or a logical type name's last part (`Decimal`, `Date`, `Time`, `Timestamp`), or `unsupported`. */
  readonly connectType: string;
  /** For Decimal: [scale, precision]. */
  readonly decimal?: readonly [number, number | null];
  /** For timestamp-like columns: the precise instants expected from `readTimestamp`. */
  readonly instants?: readonly (PreciseTimestamp | null)[];
  /** Skip comparing the result-set schema with the table schema (e.g. unknown nullability). */
  readonly isResultNullabilityUnknown?: boolean;
}

export async function roundTrip(
  db: Database,
  table: string,
  cases: readonly TypeCase[],
  options: ColumnMappingOptions,
  tableSuffix = '',
): Promise<void> {
  const d = db.dialect;
  const q = (name: string) => d.quoteIdentifier(name);
  const idType = d.name === 'mysql' ? 'INT NOT NULL PRIMARY KEY' : 'INTEGER NOT NULL PRIMARY KEY';
  await db.query(
    `CREATE TABLE ${q(table)} (${q('id')} ${idType}, ${cases.map((c) => `${q(c.column)} ${c.ddl}`).join(', ')})${tableSuffix}`,
  );
  const rowCount = cases[0]?.values.length ?? 0;
  for (let row = 0; row < rowCount; row++) {
    const columns = ['id', ...cases.map((c) => c.column)];
    const values = [row + 1, ...cases.map((c) => c.values[row])];
    await db.query(
      `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES (${columns.map((_, i) => d.placeholder(i + 1)).join(', ')})`,
      values,
    );
  }
  const described = await d.describeTable(db, { catalog: null, schema: null, table });
  const batches = [];
  for await (const batch of db.stream(`SELECT * FROM ${q(table)} ORDER BY ${q('id')}`, [], { batchSize: 2 }))
    batches.push(batch);
  const rows = batches.flatMap((b) => b.rows);
  const resultColumns = batches[0]?.columns ?? [];
  assert.equal(rows.length, rowCount);
  for (const [i, c] of cases.entries()) {
    const tableColumn = described[i + 1];
    const resultColumn = resultColumns[i + 1];
    assert.ok(tableColumn !== undefined && resultColumn !== undefined, `column ${c.column} missing`);
    assert.equal(tableColumn.name, c.column);
    assert.equal(resultColumn.name, c.column);
    const byTable = d.columnMapping(tableColumn, options);
    const byResult = d.columnMapping(resultColumn, options);
    if (c.connectType === 'unsupported') {
      assert.equal(byTable, null, `${c.column}: expected no mapping for ${tableColumn.declaredType}`);
      assert.equal(
        byResult,
        null,
        `${c.column}: expected no mapping for the result column ${resultColumn.declaredType}`,
      );
      continue;
    }
    assert.ok(byTable !== null, `${c.column} (${tableColumn.declaredType}) has no mapping`);
    assert.ok(byResult !== null, `${c.column} (result ${resultColumn.declaredType}) has no mapping`);
    checkSchema(c, byTable.schema);
    if (c.isResultNullabilityUnknown !== true) {
      assert.ok(
        schemasEqual(byTable.schema, byResult.schema),
        `${c.column}: table schema ${describe(byTable.schema)} ≠ result schema ${describe(byResult.schema)}`,
      );
    }
    for (const [r, row] of rows.entries()) {
      const raw = row[i + 1];
      const mappings: Array<[string, ColumnMapping]> = [
        ['table', byTable],
        ['result', byResult],
      ];
      for (const [label, m] of mappings) {
        const value: unknown = m.read(raw);
        assert.deepEqual(value, c.expected[r], `${c.column} row ${r + 1} (${label} metadata): raw ${String(raw)}`);
        validateValue(m.schema, value, c.column);
      }
      if (c.instants !== undefined) {
        assert.ok(byTable.readTimestamp !== undefined, `${c.column} has no readTimestamp`);
        assert.deepEqual(byTable.readTimestamp(raw), c.instants[r], `${c.column} row ${r + 1} instant`);
      }
    }
  }
}

function checkSchema(c: TypeCase, schema: Schema): void {
  assert.equal(schema.isOptional, true, `${c.column} is nullable, so its schema is optional`);
  const logical = schema.name?.split('.').pop();
  assert.equal(logical ?? schema.type, c.connectType, `${c.column}: schema ${describe(schema)}`);
  if (c.decimal !== undefined) {
    assert.equal(schema.parameters?.['scale'], String(c.decimal[0]), `${c.column} scale`);
    assert.equal(
      schema.parameters?.['connect.decimal.precision'],
      c.decimal[1] === null ? undefined : String(c.decimal[1]),
      `${c.column} precision`,
    );
  }
}

function describe(schema: Schema): string {
  return `${schema.type}${schema.name === null ? '' : ` ${schema.name}`}${schema.isOptional ? ' optional' : ''} ${JSON.stringify(schema.parameters)}`;
}

/** A Date at UTC midnight of `isoDate`. */
export function utcDate(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00Z`);
}

/** A Time value: ms since midnight on 1970-01-01 UTC. */
export function timeOfDay(text: string): Date {
  return new Date(`1970-01-01T${text}Z`);
}

export function instant(iso: string, nanos?: number): PreciseTimestamp {
  const epochMs = Date.parse(iso);
  return { epochMs, nanos: nanos ?? (((epochMs % 1000) + 1000) % 1000) * 1_000_000 };
}
