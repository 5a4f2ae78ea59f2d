/**
 * JSON Schema: any JSON object or boolean is accepted (no meta-schema validation);
 * the canonical text is the parsed JSON re-serialised without whitespace (key order kept).
 *
 * Compatibility is a documented subset of Confluent's JSON Schema diff, walking the
 * reader and writer schemas together from the root through `properties` and `items`:
 * - `type`: when both declare one, every writer type must be a reader type
 *   (`integer` is read by `number`);
 * - `required`: a property the reader requires must be required by the writer;
 * - `enum`: when both declare one, every writer value must be a reader value;
 * - closed content model: when the reader has `additionalProperties: false`, every
 *   writer property must be one of the reader's `properties`;
 * - a reader `false` schema cannot read anything but a writer `false`.
 * `$ref`, combinators (`allOf`, `anyOf`, `oneOf`), `patternProperties` and numeric or
 * string constraints are not compared.
 */
import type { ParsedSchema } from './parsed-schema.js';
import { errors } from './registry-error.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function types(node: JsonObject): string[] | null {
  const t = node['type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return null;
}

function stringList(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}

function compare(reader: Json, writer: Json, path: string, issues: string[]): void {
  if (reader === false && writer !== false) {
    issues.push(`${path}: the reader schema is false and accepts nothing`);
    return;
  }
  if (!isObject(reader) || !isObject(writer)) return;
  const readerTypes = types(reader);
  const writerTypes = types(writer);
  if (readerTypes !== null && writerTypes !== null) {
    for (const t of writerTypes) {
      if (!readerTypes.includes(t) && !(t === 'integer' && readerTypes.includes('number'))) {
        issues.push(`${path}: type '${t}' of the writer is not accepted by the reader (${readerTypes.join(', ')})`);
      }
    }
  }
  const writerRequired = stringList(writer['required']);
  for (const name of stringList(reader['required'])) {
    if (!writerRequired.includes(name)) {
      issues.push(`${path}: property '${name}' is required by the reader but not by the writer`);
    }
  }
  if (Array.isArray(reader['enum']) && Array.isArray(writer['enum'])) {
    const readerValues = new Set(reader['enum'].map((v) => JSON.stringify(v)));
    for (const v of writer['enum']) {
      if (!readerValues.has(JSON.stringify(v))) {
        issues.push(`${path}: enum value ${JSON.stringify(v)} of the writer is not accepted by the reader`);
      }
    }
  }
  const readerProps = isObject(reader['properties']) ? reader['properties'] : {};
  const writerProps = isObject(writer['properties']) ? writer['properties'] : {};
  for (const [name, writerProp] of Object.entries(writerProps)) {
    const readerProp = readerProps[name];
    if (readerProp !== undefined) compare(readerProp, writerProp, `${path}/properties/${name}`, issues);
    else if (reader['additionalProperties'] === false) {
      issues.push(
        `${path}: property '${name}' of the writer is not allowed by the reader (additionalProperties false)`,
      );
    }
  }
  const readerItems = reader['items'];
  const writerItems = writer['items'];
  if (readerItems !== undefined && writerItems !== undefined)
    compare(readerItems, writerItems, `${path}/items`, issues);
}

export class JsonSchema implements ParsedSchema {
  readonly type = 'JSON';
  private constructor(
    readonly canonical: string,
    private readonly json: Json,
  ) {}

  static parse(text: string): JsonSchema {
    let json: Json;
    try {
      json = JSON.parse(text) as Json;
    } catch (err) {
      throw errors.invalidSchema(`Invalid schema: the JSON schema is not valid JSON: ${(err as Error).message}`, err);
    }
    if (typeof json !== 'boolean' && !isObject(json)) {
      throw errors.invalidSchema(`Invalid schema ${text}: a JSON schema is an object or a boolean`);
    }
    return new JsonSchema(JSON.stringify(json), json);
  }

  readerIssues(writer: ParsedSchema): string[] {
    if (!(writer instanceof JsonSchema)) return [`schema type ${writer.type} cannot be read as JSON`];
    const issues: string[] = [];
    compare(this.json, writer.json, '#', issues);
    return issues;
  }
}
