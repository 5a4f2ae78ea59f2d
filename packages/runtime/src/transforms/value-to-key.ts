import { type ConnectRecord, DataError, defineConfig, list, SchemaBuilder, Struct } from '@tributary/api';
import {
  defineSimpleTransform,
  readField,
  replaceNullWithDefault,
  requireMap,
  requireStruct,
  schemaCache,
  TRANSFORMS_VERSION,
} from './support.js';

const valueToKeyConfig = defineConfig({
  fields: list({
    nonEmpty: true,
    importance: 'high',
    doc: 'Field names on the record value to extract as the record key.',
  }),
  'replace.null.with.default': replaceNullWithDefault,
});

const PURPOSE = 'copying fields from value to key';

/**
 * Kafka's ValueToKey. With a value schema the key is a Struct of the named fields (its
 * schema built once per value schema); schemaless, a plain object with `null` for absent
 * fields. A tombstone has no fields to copy and is a DataError, as in Kafka.
 */
export const valueToKey = defineSimpleTransform({
  name: 'ValueToKey',
  version: TRANSFORMS_VERSION,
  description: 'Replaces the record key with a struct or map of fields taken from the record value',
  config: valueToKeyConfig,
  create(config) {
    const fields = [...new Set(config.fields)];
    const useDefaults = config['replace.null.with.default'];
    const keySchemaFor = schemaCache((valueSchema) => {
      const b = SchemaBuilder.struct();
      for (const name of fields) {
        const field = valueSchema.field(name);
        if (field === undefined) throw new DataError(`Field does not exist: ${name}`);
        b.field(name, field.schema);
      }
      return b.build();
    });
    return <R extends ConnectRecord>(record: R): R => {
      if (record.valueSchema === null) {
        const value = requireMap(record.value, PURPOSE);
        const key = Object.fromEntries(
          fields.map((name) => [name, Object.hasOwn(value, name) ? (value[name] ?? null) : null]),
        );
        return { ...record, keySchema: null, key };
      }
      const value = requireStruct(record.value, PURPOSE);
      const keySchema = keySchemaFor(value.schema);
      const key = new Struct(keySchema);
      for (const field of keySchema.fields) key.put(field.name, readField(value, field.name, useDefaults));
      return { ...record, keySchema, key };
    };
  },
});
