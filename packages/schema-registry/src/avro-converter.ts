/**
 * Confluent's AvroConverter (`io.confluent.connect.avro.AvroConverter`): Connect data as Avro
 * binary in the Confluent wire format, schemas in the registry as AvroData maps them.
 */
import { DataError, type Schema } from '@tributary/api';
import avro from 'avsc';
import { AvroReader, AvroWriter } from './avro-binary.js';
import {
  ANYTHING_SCHEMA,
  AVRO_TYPE_ANYTHING,
  type AvroDataOptions,
  compileDecoder,
  compileEncoder,
  fromConnectSchema,
  isAnythingSchema,
  readAnything,
  toConnectSchema,
  writeAnything,
} from './avro-data.js';
import { type AvroNode, parseAvroSchema } from './avro-schema.js';
import type { SchemaRegistryConverterConfig } from './config.js';
import type { RegisteredSchema } from './registry-client.js';
import {
  type ReaderSchema,
  type SchemaFormat,
  SchemaRegistryConverter,
  type WriterSchema,
} from './schema-registry-converter.js';

const EMPTY = Buffer.alloc(0);

export class AvroFormat implements SchemaFormat {
  readonly schemaType = 'AVRO' as const;
  readonly converterName = 'AvroConverter';
  // One writer per converter: encoding is synchronous, so it is never shared mid-record.
  private readonly writer = new AvroWriter();

  constructor(private readonly options: AvroDataOptions) {}

  forConnectSchema(schema: Schema): WriterSchema {
    const json = fromConnectSchema(schema, this.options);
    const text = JSON.stringify(json);
    const node = parseAvroSchema(text);
    // avsc checks the schema the way Avro does (names, defaults) before anything is registered.
    validateWithAvsc(text);
    return this.writerSchema(schema, node, text);
  }

  forSchemaless(): WriterSchema {
    const writer = this.writer;
    return {
      text: JSON.stringify(ANYTHING_SCHEMA),
      recordName: AVRO_TYPE_ANYTHING,
      prefix: EMPTY,
      encode(value, header) {
        writer.reset();
        writer.writeRaw(header);
        writeAnything(writer, value);
        return writer.finish();
      },
    };
  }

  forRegisteredSchema(schema: Schema, latest: RegisteredSchema, isStrict: boolean): WriterSchema {
    if (latest.schemaType !== 'AVRO')
      throw new DataError(`use.latest.version: the latest schema is ${latest.schemaType}, not AVRO`);
    const node = parseAvroSchema(latest.schema);
    if (isStrict) {
      const own = JSON.stringify(fromConnectSchema(schema, this.options));
      try {
        const reader = avro.Type.forSchema(JSON.parse(latest.schema) as avro.Schema, { wrapUnions: true });
        reader.createResolver(avro.Type.forSchema(JSON.parse(own) as avro.Schema, { wrapUnions: true }));
      } catch (err) {
        throw new DataError(
          `use.latest.version with latest.compatibility.strict=true: the latest registered schema cannot read ` +
            `data written with the record's schema (${(err as Error).message})`,
          { cause: err, code: 'SCHEMA_INCOMPATIBLE' },
        );
      }
    }
    return this.writerSchema(schema, node, latest.schema);
  }

  forRegistered(registered: RegisteredSchema, version: number | null): ReaderSchema {
    if (registered.schemaType !== 'AVRO')
      throw new DataError(`AvroConverter cannot read a ${registered.schemaType} schema`);
    const node = parseAvroSchema(registered.schema);
    if (isAnythingSchema(node))
      return { schema: null, recordName: AVRO_TYPE_ANYTHING, decode: (payload) => readAll(payload, readAnything) };
    const schema = toConnectSchema(node, version, this.options);
    const decode = compileDecoder(node, schema, this.options);
    return {
      schema,
      recordName: recordName(node),
      decode: (payload) => readAll(payload, decode),
    };
  }

  recordNameOf(registered: RegisteredSchema): string | null {
    return recordName(parseAvroSchema(registered.schema));
  }

  private writerSchema(schema: Schema, node: AvroNode, text: string): WriterSchema {
    const encode = compileEncoder(schema, node, this.options);
    const writer = this.writer;
    return {
      text,
      recordName: recordName(node),
      prefix: EMPTY,
      encode(value, header) {
        writer.reset();
        writer.writeRaw(header);
        encode(writer, value);
        return writer.finish();
      },
    };
  }
}

function readAll(payload: Buffer, decode: (r: AvroReader) => unknown): unknown {
  const r = new AvroReader(payload);
  const value = decode(r);
  if (!r.isAtEnd) throw new DataError(`${payload.length - r.pos} bytes left after the Avro datum`);
  return value;
}

/** What Confluent's RecordNameStrategy names a schema: the full name of a named type, else the type. */
function recordName(node: AvroNode): string | null {
  if (node.kind === 'record' || node.kind === 'enum' || node.kind === 'fixed') return node.name;
  return null;
}

function validateWithAvsc(text: string): void {
  try {
    avro.Type.forSchema(JSON.parse(text) as avro.Schema, { wrapUnions: true });
  } catch (err) {
    throw new DataError(`The Avro schema for this record is invalid: ${(err as Error).message}`, { cause: err });
  }
}

export function avroDataOptions(config: SchemaRegistryConverterConfig): AvroDataOptions {
  return {
    connectMetaData: config['connect.meta.data'],
    enhancedSchemaSupport: config['enhanced.avro.schema.support'],
    scrubInvalidNames: config['scrub.invalid.names'],
  };
}

/** AvroConverter: one instance for keys or for values. */
export class AvroConverter extends SchemaRegistryConverter {
  constructor(config: SchemaRegistryConverterConfig, options: { readonly isKey: boolean }) {
    super(new AvroFormat(avroDataOptions(config)), config, options.isKey);
  }
}
