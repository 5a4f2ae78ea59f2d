/**
 * InsertField: adds fields holding the record's topic, partition, offset (sink records
 * only), timestamp, or a fixed string, as Kafka's `InsertField`. A field name ending in
 * `!` makes the added field required, `?` (or nothing) optional. Null values pass through.
 */
import {
  ConfigError,
  type ConfigProblem,
  type ConnectRecord,
  DataError,
  defineConfig,
  type Schema,
  SchemaBuilder,
  Schemas,
  Struct,
  string,
  Timestamp,
} from '@tributary/api';
import {
  copySchemaBasics,
  defineKeyValueTransforms,
  partOf,
  readField,
  replaceNullWithDefault,
  requireMap,
  requireStruct,
  schemaCache,
  TRANSFORMS_VERSION,
  withPart,
} from './support.js';

const PURPOSE = 'field insertion';
const OPTIONALITY_DOC = 'Suffix with ! to make this a required field, or ? to keep it optional (the default).';
const OPTIONAL_TIMESTAMP = Timestamp.builder().optional().build();

const config = defineConfig({
  'topic.field': string({ default: null, doc: `Field name for Kafka topic. ${OPTIONALITY_DOC}` }),
  'partition.field': string({ default: null, doc: `Field name for Kafka partition. ${OPTIONALITY_DOC}` }),
  'offset.field': string({
    default: null,
    doc: `Field name for Kafka offset - only applicable to sink connectors. ${OPTIONALITY_DOC}`,
  }),
  'timestamp.field': string({ default: null, doc: `Field name for record timestamp. ${OPTIONALITY_DOC}` }),
  'static.field': string({ default: null, doc: `Field name for static data field. ${OPTIONALITY_DOC}` }),
  'static.value': string({ default: null, doc: 'Static field value, if field name configured.' }),
  'replace.null.with.default': replaceNullWithDefault,
});

/** A field to add: its name and whether it may be null. */
interface Insertion {
  readonly name: string;
  readonly isOptional: boolean;
}

type InsertionKey = 'topic.field' | 'partition.field' | 'offset.field' | 'timestamp.field' | 'static.field';

export const [insertFieldKey, insertFieldValue] = defineKeyValueTransforms({
  name: 'InsertField',
  version: TRANSFORMS_VERSION,
  description: "Inserts fields holding the record's topic, partition, offset or timestamp, or a static value",
  config,
  create(values, part) {
    const problems: ConfigProblem[] = [];
    const insertion = (key: InsertionKey): Insertion | null => {
      const spec = values[key];
      if (spec === null) return null;
      const isOptional = !spec.endsWith('!');
      const name = spec.endsWith('!') || spec.endsWith('?') ? spec.slice(0, -1) : spec;
      if (name === '') problems.push({ key, value: spec, message: 'The field name is empty' });
      return { name, isOptional };
    };
    const topic = insertion('topic.field');
    const partition = insertion('partition.field');
    const offset = insertion('offset.field');
    const timestamp = insertion('timestamp.field');
    const staticField = insertion('static.field');
    const staticValue = values['static.value'];
    if (topic === null && partition === null && offset === null && timestamp === null && staticField === null) {
      problems.push({
        key: '',
        value: undefined,
        message:
          'No field insertion configured: set at least one of topic.field, partition.field, offset.field, timestamp.field, static.field',
      });
    }
    if (staticField !== null && staticValue === null) {
      problems.push({
        key: 'static.value',
        value: undefined,
        message: `No value specified for static field: ${staticField.name}`,
      });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    const useDefaults = values['replace.null.with.default'];

    const withInsertions = schemaCache((schema) => {
      const builder = copySchemaBasics(schema, SchemaBuilder.struct());
      const add = (insertion: Insertion | null, required: Schema, optional: Schema) => {
        if (insertion === null) return;
        try {
          builder.field(insertion.name, insertion.isOptional ? optional : required);
        } catch (err) {
          throw new DataError(`InsertField cannot add field "${insertion.name}": ${(err as Error).message}`, {
            cause: err,
          });
        }
      };
      for (const field of schema.fields) builder.field(field.name, field.schema);
      add(topic, Schemas.STRING, Schemas.OPTIONAL_STRING);
      add(partition, Schemas.INT32, Schemas.OPTIONAL_INT32);
      add(offset, Schemas.INT64, Schemas.OPTIONAL_INT64);
      add(timestamp, Timestamp.schema(), OPTIONAL_TIMESTAMP);
      add(staticField, Schemas.STRING, Schemas.OPTIONAL_STRING);
      return builder.build();
    });

    /** The values to insert; `put` is a map assignment or `Struct.put`. */
    const insert = (record: ConnectRecord, put: (name: string, value: unknown) => void, hasSchema: boolean) => {
      if (topic !== null) put(topic.name, record.topic);
      if (partition !== null && record.kafkaPartition !== null) put(partition.name, record.kafkaPartition);
      if (offset !== null) put(offset.name, sinkOffset(record, offset.name));
      if (timestamp !== null && record.timestamp !== null)
        put(timestamp.name, hasSchema ? new Date(record.timestamp) : record.timestamp);
      if (staticField !== null && staticValue !== null) put(staticField.name, staticValue);
    };

    return <R extends ConnectRecord>(record: R): R => {
      const { schema, value } = partOf(record, part);
      if (value === null || value === undefined) return record;
      if (schema === null) {
        const out: Record<string, unknown> = { ...requireMap(value, PURPOSE) };
        insert(
          record,
          (name, v) => {
            out[name] = v;
          },
          false,
        );
        return withPart(record, part, null, out);
      }
      const struct = requireStruct(value, PURPOSE);
      const updated = withInsertions(struct.schema);
      const out = new Struct(updated);
      for (const field of struct.schema.fields) out.put(field.name, readField(struct, field.name, useDefaults));
      insert(record, (name, v) => out.put(name, v), true);
      return withPart(record, part, updated, out);
    };
  },
});

function sinkOffset(record: ConnectRecord, field: string): number {
  const offset = (record as { readonly kafkaOffset?: unknown }).kafkaOffset;
  if (typeof offset !== 'number') {
    throw new DataError(
      `Only SinkRecord supported for [${PURPOSE}] of offset field "${field}", found a record without a Kafka offset (a source record)`,
    );
  }
  return offset;
}
