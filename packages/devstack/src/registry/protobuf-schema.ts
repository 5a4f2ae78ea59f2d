/**
 * Protobuf schemas (`.proto` text): parsed with protobufjs, every type reference resolved
 * (the files named by `references`, Google's well-known types such as
 * google/protobuf/timestamp.proto, and google/type/date.proto, google/type/timeofday.proto and
 * confluent/type/decimal.proto, as in Confluent's registry, are available to imports).
 *
 * Canonical text: the token stream re-rendered (comments dropped, one statement per line,
 * two-space indentation, fixed spacing), so schemas that differ only in layout or comments
 * are identical and share one id.
 *
 * Compatibility is a documented subset of Confluent's Protobuf diff: for every message
 * defined (by full name) in both schemas, every field number present in both must keep a
 * wire-compatible type — the same scalar group (int32/int64/uint32/uint64/bool/enum,
 * sint32/sint64, fixed32/sfixed32, fixed64/sfixed64, string/bytes) or the same message
 * type — and the same cardinality (singular, repeated, map). Added or removed fields,
 * renamed fields and removed messages are accepted. The rule is symmetric, so BACKWARD
 * and FORWARD check the same thing.
 */
import protobuf from 'protobufjs';
import type { ParsedSchema, ResolvedReference } from './parsed-schema.js';
import { errors } from './registry-error.js';

const PUNCTUATION = new Set(['{', '}', '(', ')', '[', ']', '<', '>', ';', ',', '=', ':']);

/** Word tokens (identifiers, numbers, string literals) and single punctuation characters. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && text.charAt(i + 1) === '/') {
      while (i < text.length && text.charAt(i) !== '\n') i++;
    } else if (c === '/' && text.charAt(i + 1) === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text.charAt(j) !== c) j += text.charAt(j) === '\\' ? 2 : 1;
      tokens.push(text.slice(i, j + 1));
      i = j + 1;
    } else if (PUNCTUATION.has(c)) {
      tokens.push(c);
      i++;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text.charAt(j)) && !PUNCTUATION.has(text.charAt(j))) {
        if (text.startsWith('//', j) || text.startsWith('/*', j) || text.charAt(j) === '"' || text.charAt(j) === "'")
          break;
        j++;
      }
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

function spaceBetween(prev: string, next: string): boolean {
  if ([';', ',', ')', ']', '>', '<', ':'].includes(next)) return false;
  if (['(', '[', '<'].includes(prev)) return false;
  // `option (my.ext).field = 1;`: the sub-field path stays attached to the parenthesis.
  return !(prev === ')' && next.startsWith('.'));
}

/** Renders tokens one statement per line with two-space indentation. */
export function normalizeProto(text: string): string {
  const tokens = tokenize(text);
  const lines: string[] = [];
  let line = '';
  let depth = 0;
  let prev = '';
  tokens.forEach((token, index) => {
    if (token === '}') depth = Math.max(0, depth - 1);
    if (line === '') line = '  '.repeat(depth) + token;
    else line += (spaceBetween(prev, token) ? ' ' : '') + token;
    if (token === '{') depth++;
    const next = tokens[index + 1];
    if (token === ';' || token === '{' || (token === '}' && next !== ';' && next !== ',' && next !== ']')) {
      lines.push(line);
      line = '';
    }
    prev = line === '' ? '' : token;
  });
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

const WIRE_GROUPS: readonly (readonly string[])[] = [
  ['int32', 'int64', 'uint32', 'uint64', 'bool'],
  ['sint32', 'sint64'],
  ['fixed32', 'sfixed32'],
  ['fixed64', 'sfixed64'],
  ['string', 'bytes'],
  ['float'],
  ['double'],
];

interface FieldShape {
  readonly name: string;
  /** Scalar name, `enum` for enums, or `.full.Name` of a message. */
  readonly wireType: string;
  readonly cardinality: 'singular' | 'repeated' | 'map';
}

function fieldShape(field: protobuf.Field): FieldShape {
  const resolved = field.resolvedType;
  const wireType = resolved instanceof protobuf.Enum ? 'enum' : resolved !== null ? resolved.fullName : field.type;
  const isMap = field instanceof protobuf.MapField;
  return { name: field.name, wireType, cardinality: isMap ? 'map' : field.repeated ? 'repeated' : 'singular' };
}

function isWireCompatible(a: string, b: string): boolean {
  if (a === b) return true;
  const asScalar = (t: string) => (t === 'enum' ? 'int32' : t);
  return WIRE_GROUPS.some((group) => group.includes(asScalar(a)) && group.includes(asScalar(b)));
}

function collectMessages(namespace: protobuf.NamespaceBase, into: Map<string, protobuf.Type>): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) into.set(nested.fullName, nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) collectMessages(nested, into);
  }
}

export class ProtobufSchema implements ParsedSchema {
  readonly type = 'PROTOBUF';
  private constructor(
    readonly canonical: string,
    private readonly messages: ReadonlyMap<string, protobuf.Type>,
  ) {}

  static parse(text: string, references: readonly ResolvedReference[]): ProtobufSchema {
    const root = new protobuf.Root();
    const parsedFiles = new Set<string>();
    try {
      for (const ref of references) addReference(ref, root, parsedFiles);
    } catch (err) {
      throw errors.invalidSchema(
        `Invalid schema: a referenced PROTOBUF schema failed to parse: ${(err as Error).message}`,
      );
    }
    try {
      const parsed = protobuf.parse(text, root, { keepCase: true });
      addWellKnownTypes(parsed.imports ?? [], root, parsedFiles);
      root.resolveAll();
    } catch (err) {
      throw errors.invalidSchema(`Invalid schema: ${(err as Error).message}`, err);
    }
    const messages = new Map<string, protobuf.Type>();
    collectMessages(root, messages);
    return new ProtobufSchema(normalizeProto(text), messages);
  }

  readerIssues(writer: ParsedSchema): string[] {
    if (!(writer instanceof ProtobufSchema)) return [`schema type ${writer.type} cannot be read as PROTOBUF`];
    const issues: string[] = [];
    for (const [name, readerType] of this.messages) {
      const writerType = writer.messages.get(name);
      if (writerType === undefined) continue;
      for (const readerField of readerType.fieldsArray) {
        const writerField = writerType.fieldsById[readerField.id];
        if (writerField === undefined) continue;
        const r = fieldShape(readerField);
        const w = fieldShape(writerField);
        const where = `${name.replace(/^\./, '')} field ${readerField.id}`;
        if (!isWireCompatible(r.wireType, w.wireType)) {
          issues.push(`${where}: type changed from ${w.wireType} ('${w.name}') to ${r.wireType} ('${r.name}')`);
        } else if (r.cardinality !== w.cardinality) {
          issues.push(`${where}: changed from ${w.cardinality} ('${w.name}') to ${r.cardinality} ('${r.name}')`);
        }
      }
    }
    return issues;
  }
}

function addReference(ref: ResolvedReference, root: protobuf.Root, parsedFiles: Set<string>): void {
  if (parsedFiles.has(ref.name)) return;
  parsedFiles.add(ref.name);
  for (const nested of ref.references) addReference(nested, root, parsedFiles);
  const parsed = protobuf.parse(ref.schema, root, { keepCase: true });
  addWellKnownTypes(parsed.imports ?? [], root, parsedFiles);
}

/**
 * Files Confluent's registry resolves without references besides google/protobuf/* (its
 * "known types", which Confluent's serializers import without registering them): their
 * published definitions.
 */
const CONFLUENT_KNOWN_FILES: Readonly<Record<string, string>> = {
  'google/type/date.proto':
    'syntax = "proto3"; package google.type; message Date { int32 year = 1; int32 month = 2; int32 day = 3; }',
  'google/type/timeofday.proto':
    'syntax = "proto3"; package google.type; message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }',
  'confluent/type/decimal.proto':
    'syntax = "proto3"; package confluent.type; message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }',
};

function addWellKnownTypes(imports: readonly string[], root: protobuf.Root, parsedFiles: Set<string>): void {
  for (const file of imports) {
    if (parsedFiles.has(file)) continue;
    const known = CONFLUENT_KNOWN_FILES[file];
    if (known !== undefined) {
      parsedFiles.add(file);
      protobuf.parse(known, root, { keepCase: true });
      continue;
    }
    const common = protobuf.common.get(file);
    if (common?.nested === undefined) continue;
    parsedFiles.add(file);
    root.addJSON(common.nested);
  }
}
