import { DataError } from '../errors.js';
import { type Schema, schemasEqual, valuesEqual } from './schema.js';
import { validateValue } from './values.js';

/**
 * A value of a struct schema: one slot per field. `put` checks the field exists and the
 * value fits its schema; `validate` checks that every required field is set. Reading an
 * unset field gives the field's default, or `null`.
 */
export class Struct {
  private readonly values: unknown[];

  /**
   * An empty struct, or one holding `values`, one per field in field order, each checked as
   * `put` checks it (the fast way to build a whole struct: no field is looked up by name).
   * The struct keeps the `values` array itself.
   */
  constructor(
    readonly schema: Schema,
    values?: unknown[],
  ) {
    if (schema.type !== 'struct') throw new DataError(`A Struct needs a struct schema, not ${schema.type}`);
    const fields = schema.fields;
    if (values === undefined) {
      this.values = new Array<unknown>(fields.length).fill(null);
      return;
    }
    if (values.length !== fields.length)
      throw new DataError(`A Struct of ${fields.length} fields cannot take ${values.length} values`);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as (typeof fields)[number];
      const value = values[i];
      validateValue(field.schema, value, field.name);
      if (value === undefined) values[i] = null;
    }
    this.values = values;
  }

  /** The value of `fieldName`, or its default when unset. Throws DataError for an unknown field. */
  get(fieldName: string): unknown {
    const field = this.requireField(fieldName);
    const value = this.values[field.index];
    return value === null && field.schema.defaultValue !== undefined ? field.schema.defaultValue : value;
  }

  /** The value set for `fieldName` without applying its default. */
  getWithoutDefault(fieldName: string): unknown {
    return this.values[this.requireField(fieldName).index];
  }

  /** Sets `fieldName`; `null` clears it. Returns this struct, to chain. */
  put(fieldName: string, value: unknown): this {
    const field = this.requireField(fieldName);
    validateValue(field.schema, value, fieldName);
    this.values[field.index] = value ?? null;
    return this;
  }

  /** Throws DataError naming the first required field that is unset. */
  validate(): void {
    validateValue(this.schema, this);
  }

  equals(other: unknown): boolean {
    return (
      other instanceof Struct &&
      schemasEqual(this.schema, other.schema) &&
      this.values.every((v, i) => valuesEqual(v, other.values[i]))
    );
  }

  toString(): string {
    const parts = this.schema.fields.map((f) => `${f.name}=${String(this.values[f.index])}`);
    return `Struct{${parts.join(',')}}`;
  }

  private requireField(fieldName: string) {
    const field = this.schema.field(fieldName);
    if (field === undefined) throw new DataError(`${fieldName} is not a valid field name`);
    return field;
  }
}
