/**
 * HeaderFrom: copies or moves fields of the key or value into headers, as Kafka's
 * `HeaderFrom`. `fields[i]` goes to header `headers[i]`, with the field's schema. The
 * headers are appended after the record's existing ones.
 */
import {
  ConfigError,
  type ConnectRecord,
  choice,
  DataError,
  defineConfig,
  type Header,
  list,
  SchemaBuilder,
  Struct,
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

const config = defineConfig({
  fields: list({
    nonEmpty: true,
    importance: 'high',
    doc: 'Field names in the record whose values are to be copied or moved to headers.',
  }),
  headers: list({
    nonEmpty: true,
    importance: 'high',
    doc: 'Header names, in the same order as the field names listed in the fields configuration property.',
  }),
  operation: choice({
    values: ['move', 'copy'],
    importance: 'high',
    doc: 'Either move if the fields are to be moved to the headers (removed from the key/value), or copy if the fields are to be copied to the headers (retained in the key/value).',
  }),
  'replace.null.with.default': replaceNullWithDefault,
});

export const [headerFromKey, headerFromValue] = defineKeyValueTransforms({
  name: 'HeaderFrom',
  version: TRANSFORMS_VERSION,
  description: "Moves or copies fields of the key or value into the record's headers",
  config,
  create(values, part) {
    const { fields, headers, operation } = values;
    if (fields.length !== headers.length) {
      throw new ConfigError([
        {
          key: 'headers',
          value: headers.join(','),
          message: `'fields' config must have the same number of elements as 'headers' config (${fields.length} fields, ${headers.length} headers).`,
        },
      ]);
    }
    const isMove = operation === 'move';
    const useDefaults = values['replace.null.with.default'];
    const purpose = `header ${operation}`;
    const where = part === 'key' ? 'record key' : 'record value';
    const movedSchema = schemaCache((schema) => {
      const builder = copySchemaBasics(schema, SchemaBuilder.struct());
      for (const field of schema.fields) if (!fields.includes(field.name)) builder.field(field.name, field.schema);
      return builder.build();
    });

    return <R extends ConnectRecord>(record: R): R => {
      const { schema, value } = partOf(record, part);
      // Kafka fails on a tombstone here; there is nothing to copy, so it passes through.
      if (value === null || value === undefined) return record;
      const added: Header[] = [];
      if (schema === null) {
        const map = requireMap(value, purpose);
        const out: Record<string, unknown> = { ...map };
        for (const [i, field] of fields.entries()) {
          added.push({
            key: headers[i] ?? field,
            schema: null,
            value: Object.hasOwn(map, field) ? (map[field] ?? null) : null,
          });
          if (isMove) delete out[field];
        }
        return { ...withPart(record, part, null, out), headers: [...record.headers, ...added] };
      }
      const struct = requireStruct(value, purpose);
      const read = (name: string) => readField(struct, name, useDefaults);
      for (const [i, field] of fields.entries()) {
        const fieldSchema = schema.field(field)?.schema;
        if (fieldSchema === undefined)
          throw new DataError(`Field "${field}" listed in 'fields' does not exist in the ${where} schema`);
        added.push({ key: headers[i] ?? field, schema: fieldSchema, value: read(field) });
      }
      let newSchema = schema;
      let newValue = struct;
      if (isMove) {
        newSchema = movedSchema(schema);
        newValue = new Struct(newSchema);
        for (const field of newSchema.fields) newValue.put(field.name, read(field.name));
      }
      return { ...withPart(record, part, newSchema, newValue), headers: [...record.headers, ...added] };
    };
  },
});
