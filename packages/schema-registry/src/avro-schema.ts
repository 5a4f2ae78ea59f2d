/**
 * Avro schemas as a resolved tree: named types are looked up (so a record may refer to
 * itself), names are full names, and every non-standard attribute (`connect.name`,
 * `logicalType`, `precision`, …) is kept in `props`. Parsing follows the Avro 1.11
 * specification's rules for names and namespaces.
 */
import { DataError } from '@tributary/api';

export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export type AvroProps = Readonly<Record<string, unknown>>;

export interface AvroField {
  readonly name: string;
  readonly type: AvroNode;
  readonly doc: string | null;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
}

export type AvroNode =
  | { readonly kind: AvroPrimitive; readonly props: AvroProps }
  | {
      readonly kind: 'record';
      readonly name: string;
      readonly doc: string | null;
      readonly fields: AvroField[];
      readonly props: AvroProps;
    }
  | {
      readonly kind: 'enum';
      readonly name: string;
      readonly doc: string | null;
      readonly symbols: readonly string[];
      readonly default: string | null;
      readonly props: AvroProps;
    }
  | { readonly kind: 'fixed'; readonly name: string; readonly size: number; readonly props: AvroProps }
  | { readonly kind: 'array'; readonly items: AvroNode; readonly props: AvroProps }
  | { readonly kind: 'map'; readonly values: AvroNode; readonly props: AvroProps }
  | { readonly kind: 'union'; readonly types: readonly AvroNode[] };

const PRIMITIVES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);
const RESERVED: Record<string, ReadonlySet<string>> = {
  primitive: new Set(['type']),
  record: new Set(['type', 'name', 'namespace', 'doc', 'fields', 'aliases']),
  enum: new Set(['type', 'name', 'namespace', 'doc', 'symbols', 'aliases', 'default']),
  fixed: new Set(['type', 'name', 'namespace', 'size', 'aliases']),
  array: new Set(['type', 'items']),
  map: new Set(['type', 'values']),
};
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses an Avro schema's JSON text. Throws DataError for an invalid one. */
export function parseAvroSchema(text: string): AvroNode {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataError(`Invalid Avro schema: ${(err as Error).message}`, { cause: err });
  }
  return parseAvroJson(json);
}

/** Parses an Avro schema already parsed from JSON (`"int"`, `{"type":"record",…}`, `[…]`). */
export function parseAvroJson(json: unknown): AvroNode {
  return parseNode(json, null, new Map());
}

function parseNode(json: unknown, namespace: string | null, names: Map<string, AvroNode>): AvroNode {
  if (typeof json === 'string') {
    if (PRIMITIVES.has(json)) return { kind: json as AvroPrimitive, props: {} };
    const full = json.includes('.') || namespace === null ? json : `${namespace}.${json}`;
    const named = names.get(full) ?? names.get(json);
    if (named === undefined) throw new DataError(`Invalid Avro schema: unknown type "${json}"`);
    return named;
  }
  if (Array.isArray(json)) {
    const types = json.map((t) => parseNode(t, namespace, names));
    if (types.some((t) => t.kind === 'union')) throw new DataError('Invalid Avro schema: nested union');
    return { kind: 'union', types };
  }
  if (typeof json !== 'object' || json === null) throw new DataError(`Invalid Avro schema: ${JSON.stringify(json)}`);
  const obj = json as Record<string, unknown>;
  const type = obj['type'];
  if (typeof type === 'string' && PRIMITIVES.has(type))
    return { kind: type as AvroPrimitive, props: extraProps(obj, RESERVED['primitive']) };
  switch (type) {
    case 'record':
    case 'error': {
      const name = fullName(obj, namespace);
      const fields: AvroField[] = [];
      const node: AvroNode = {
        kind: 'record',
        name,
        doc: docOf(obj),
        fields,
        props: extraProps(obj, RESERVED['record']),
      };
      define(names, name, node);
      if (!Array.isArray(obj['fields'])) throw new DataError(`Invalid Avro schema: record ${name} has no fields array`);
      const space = spaceOf(name);
      const seen = new Set<string>();
      for (const f of obj['fields'] as unknown[]) {
        const field = f as Record<string, unknown>;
        const fieldName = field['name'];
        if (typeof fieldName !== 'string' || !NAME.test(fieldName))
          throw new DataError(
            `Invalid Avro schema: record ${name} has a field with invalid name ${JSON.stringify(fieldName)}`,
          );
        if (seen.has(fieldName)) throw new DataError(`Invalid Avro schema: record ${name} repeats field ${fieldName}`);
        seen.add(fieldName);
        fields.push({
          name: fieldName,
          type: parseNode(field['type'], space, names),
          doc: docOf(field),
          hasDefault: 'default' in field,
          defaultValue: field['default'],
        });
      }
      return node;
    }
    case 'enum': {
      const name = fullName(obj, namespace);
      const symbols = obj['symbols'];
      if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === 'string' && NAME.test(s)))
        throw new DataError(`Invalid Avro schema: enum ${name} needs valid symbols`);
      const node: AvroNode = {
        kind: 'enum',
        name,
        doc: docOf(obj),
        symbols: symbols as string[],
        default: typeof obj['default'] === 'string' ? obj['default'] : null,
        props: extraProps(obj, RESERVED['enum']),
      };
      define(names, name, node);
      return node;
    }
    case 'fixed': {
      const name = fullName(obj, namespace);
      const size = obj['size'];
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
        throw new DataError(`Invalid Avro schema: fixed ${name} needs a size`);
      const node: AvroNode = { kind: 'fixed', name, size, props: extraProps(obj, RESERVED['fixed']) };
      define(names, name, node);
      return node;
    }
    case 'array':
      return {
        kind: 'array',
        items: parseNode(obj['items'], namespace, names),
        props: extraProps(obj, RESERVED['array']),
      };
    case 'map':
      return {
        kind: 'map',
        values: parseNode(obj['values'], namespace, names),
        props: extraProps(obj, RESERVED['map']),
      };
    default:
      // {"type": {...}} or {"type": "some.Named"}
      if (type !== undefined && (typeof type === 'object' || typeof type === 'string'))
        return parseNode(type, namespace, names);
      throw new DataError(`Invalid Avro schema: unknown type ${JSON.stringify(type)}`);
  }
}

function fullName(obj: Record<string, unknown>, enclosing: string | null): string {
  const name = obj['name'];
  if (typeof name !== 'string' || name === '') throw new DataError('Invalid Avro schema: a named type has no name');
  const ns = typeof obj['namespace'] === 'string' ? obj['namespace'] : enclosing;
  const full = name.includes('.') || ns === null || ns === '' ? name : `${ns}.${name}`;
  for (const part of full.split('.'))
    if (!NAME.test(part)) throw new DataError(`Invalid Avro schema: "${full}" is not a valid Avro name`);
  return full;
}

function spaceOf(full: string): string | null {
  const dot = full.lastIndexOf('.');
  return dot < 0 ? null : full.slice(0, dot);
}

function define(names: Map<string, AvroNode>, name: string, node: AvroNode): void {
  if (names.has(name)) throw new DataError(`Invalid Avro schema: type ${name} is defined twice`);
  names.set(name, node);
}

function docOf(obj: Record<string, unknown>): string | null {
  return typeof obj['doc'] === 'string' ? obj['doc'] : null;
}

function extraProps(obj: Record<string, unknown>, reserved: ReadonlySet<string> | undefined): AvroProps {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!reserved?.has(k)) out[k] = v;
  return out;
}

/** The name a union branch is known by (Avro's `Schema.getName()`): type name, or simple name for named types. */
export function branchName(node: AvroNode, isFullName: boolean): string {
  if (node.kind === 'record' || node.kind === 'enum' || node.kind === 'fixed') {
    if (isFullName) return node.name;
    const dot = node.name.lastIndexOf('.');
    return dot < 0 ? node.name : node.name.slice(dot + 1);
  }
  return node.kind;
}

export function isValidAvroName(name: string): boolean {
  return NAME.test(name);
}
