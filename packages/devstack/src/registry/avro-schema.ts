/**
 * Avro schemas: validated by avsc, stored in a canonical text, and checked for
 * compatibility with Avro's reader/writer resolution rules.
 *
 * Canonical text, close to Java's `Schema.toString()` that Confluent stores: the schema
 * JSON re-serialised without whitespace, the standard attributes in a fixed order (type,
 * name, namespace, doc, fields/symbols/items/values/size, default, aliases; for fields:
 * name, type, doc, default, order, aliases), then any other attribute (logicalType,
 * precision, `connect.name`, …) in the order written. `{"type":"long"}` becomes `"long"`;
 * `"name":"a.b.C"` becomes `"name":"C","namespace":"a.b"`, and a namespace equal to the
 * enclosing one is left out.
 * avsc's own `schema()` cannot be used for this because it drops unknown logical types
 * and custom properties, which the Connect converters need back.
 *
 * Compatibility: `reader.createResolver(writer)` from avsc, which throws when the reader
 * cannot read the writer's data (missing field without default, type mismatch other than
 * the promotions int→long→float→double and string↔bytes, enum symbols missing without a
 * reader default, fixed size, union branches). Known divergence from Java Avro ≥ 1.9:
 * avsc matches named types by full name (or alias), so a record whose namespace alone
 * changed is incompatible here while Java compares unqualified names.
 */
import avsc from 'avsc';
import type { ParsedSchema, ResolvedReference } from './parsed-schema.js';
import { errors } from './registry-error.js';

const ORDER = [
  'type',
  'name',
  'namespace',
  'doc',
  'fields',
  'symbols',
  'items',
  'values',
  'size',
  'default',
  'order',
  'aliases',
];
const FIELD_ORDER = ['name', 'type', 'doc', 'default', 'order', 'aliases'];
const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

/**
 * Orders attributes and writes names as Java's `Schema.toString()` does: a named type
 * gets its simple `name`, and a `namespace` only where it differs from the enclosing
 * one (`ns`). Only schema positions are rewritten, never default values; references to
 * named types are left as written.
 */
function canonicalType(schema: Json, ns: string): Json {
  if (Array.isArray(schema)) return schema.map((branch) => canonicalType(branch, ns));
  if (!isObject(schema)) return schema;
  const keys = Object.keys(schema);
  if (keys.length === 1 && typeof schema['type'] === 'string' && PRIMITIVES.has(schema['type'])) return schema['type'];
  const named = { ...schema };
  let innerNs = ns;
  const { type, name, namespace } = schema;
  if (typeof type === 'string' && NAMED.has(type) && typeof name === 'string') {
    const dot = name.lastIndexOf('.');
    innerNs = dot >= 0 ? name.slice(0, dot) : typeof namespace === 'string' ? namespace : ns;
    named['name'] = dot >= 0 ? name.slice(dot + 1) : name;
    if (innerNs === ns) delete named['namespace'];
    else named['namespace'] = innerNs;
  }
  const out: { [key: string]: Json } = {};
  const sorted = [...ORDER.filter((k) => k in named), ...Object.keys(named).filter((k) => !ORDER.includes(k))];
  for (const key of sorted) {
    const value = named[key] as Json;
    if (key === 'type' || key === 'items' || key === 'values') out[key] = canonicalType(value, innerNs);
    else if (key === 'fields' && Array.isArray(value)) out[key] = value.map((f) => canonicalField(f, innerNs));
    else out[key] = value;
  }
  return out;
}

function canonicalField(field: Json, ns: string): Json {
  if (!isObject(field)) return field;
  const keys = Object.keys(field);
  const out: { [key: string]: Json } = {};
  for (const key of [...FIELD_ORDER.filter((k) => k in field), ...keys.filter((k) => !FIELD_ORDER.includes(k))]) {
    const value = field[key] as Json;
    out[key] = key === 'type' ? canonicalType(value, ns) : value;
  }
  return out;
}

export class AvroSchema implements ParsedSchema {
  readonly type = 'AVRO';
  private constructor(
    readonly canonical: string,
    readonly avroType: avsc.Type,
  ) {}

  /**
   * Parses `text` (a JSON Avro schema). Named types defined by `references` (parsed
   * first, depth first) may be used by name. 42201 when the text is not valid Avro.
   */
  static parse(text: string, references: readonly ResolvedReference[]): AvroSchema {
    let json: Json;
    try {
      json = JSON.parse(text) as Json;
    } catch (err) {
      throw errors.invalidSchema(`Invalid schema: the AVRO schema is not valid JSON: ${(err as Error).message}`, err);
    }
    const registry: Record<string, avsc.Type> = {};
    try {
      defineReferences(references, registry);
    } catch (err) {
      throw errors.invalidSchema(`Invalid schema: a referenced AVRO schema failed to parse: ${(err as Error).message}`);
    }
    let avroType: avsc.Type;
    try {
      avroType = avsc.Type.forSchema(json as avsc.Schema, { registry });
    } catch (err) {
      throw errors.invalidSchema(`Invalid schema ${text}: ${(err as Error).message}`, err);
    }
    return new AvroSchema(JSON.stringify(canonicalType(json, '')), avroType);
  }

  readerIssues(writer: ParsedSchema): string[] {
    if (!(writer instanceof AvroSchema)) return [`schema type ${writer.type} cannot be read as AVRO`];
    try {
      this.avroType.createResolver(writer.avroType);
      return [];
    } catch (err) {
      return [(err as Error).message];
    }
  }
}

function defineReferences(references: readonly ResolvedReference[], registry: Record<string, avsc.Type>): void {
  for (const ref of references) {
    defineReferences(ref.references, registry);
    // A type already defined (the same reference reached twice) is not parsed again.
    if (registry[ref.name] !== undefined) continue;
    avsc.Type.forSchema(JSON.parse(ref.schema) as avsc.Schema, { registry });
  }
}
