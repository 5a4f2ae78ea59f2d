import { AvroSchema } from './avro-schema.js';
import { JsonSchema } from './json-schema.js';
import { ProtobufSchema } from './protobuf-schema.js';
import { errors } from './registry-error.js';

export const SCHEMA_TYPES = ['AVRO', 'JSON', 'PROTOBUF'] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

/** A `references` entry as clients send it: another subject's version, known by `name` in this schema. */
export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

/** A reference with the text of the schema it points to, and that schema's own references. */
export interface ResolvedReference {
  readonly name: string;
  readonly schema: string;
  readonly references: readonly ResolvedReference[];
}

/** A schema that parsed as its type. */
export interface ParsedSchema {
  readonly type: SchemaType;
  /** The text the registry stores and returns; identical schemas have the same text. */
  readonly canonical: string;
  /**
   * Why this schema, as the reader, cannot read data written with `writer`; [] when it
   * can. Each entry is one human-readable incompatibility.
   */
  readerIssues(writer: ParsedSchema): string[];
}

/** `schemaType` as sent by clients: absent (or AVRO) means Avro. 42201 for an unknown type. */
export function parseSchemaType(value: unknown): SchemaType {
  if (value === undefined) return 'AVRO';
  const type = SCHEMA_TYPES.find((t) => t === value);
  if (type === undefined) throw errors.invalidSchema(`Invalid schema type ${JSON.stringify(value)}`);
  return type;
}

/** Parses and validates one schema; 42201 when it is not a valid schema of `type`. */
export function parseSchema(type: SchemaType, text: string, references: readonly ResolvedReference[]): ParsedSchema {
  if (text.trim() === '') throw errors.invalidSchema('Invalid schema: empty schema');
  switch (type) {
    case 'AVRO':
      return AvroSchema.parse(text, references);
    case 'JSON':
      return JsonSchema.parse(text);
    case 'PROTOBUF':
      return ProtobufSchema.parse(text, references);
  }
}
