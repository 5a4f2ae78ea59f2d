import {
  boolean,
  ConfigError,
  type ConnectRecord,
  DataError,
  defineConfig,
  int,
  type Schema,
  SchemaBuilder,
  Struct,
  string,
} from '@tributary/api';
import { defineKeyValueTransforms, partOf, TRANSFORMS_VERSION, withPart } from './support.js';

const setSchemaMetadataConfig = defineConfig({
  'schema.name': string({ default: null, importance: 'high', doc: 'Schema name to set.' }),
  'schema.version': int({ default: null, importance: 'high', doc: 'Schema version to set.' }),
  'replace.null.with.default': boolean({
    default: true,
    doc: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
  }),
});

/**
 * Kafka's SetSchemaMetadata. Everything but the name and version is kept; a Struct is
 * rebuilt against the new schema so that its `schema` agrees with the record's.
 */
export const [setSchemaMetadataKey, setSchemaMetadataValue] = defineKeyValueTransforms({
  name: 'SetSchemaMetadata',
  version: TRANSFORMS_VERSION,
  description: 'Sets the name and/or version of the key or value schema',
  config: setSchemaMetadataConfig,
  create(config, part) {
    const name = config['schema.name'];
    const version = config['schema.version'];
    if (name === null && version === null) {
      throw new ConfigError([
        {
          key: 'schema.name',
          value: undefined,
          message: 'Neither schema.name nor schema.version is set; set at least one',
        },
      ]);
    }
    const useDefaults = config['replace.null.with.default'];
    const schemas = new WeakMap<Schema, Schema>();
    const updated = (schema: Schema): Schema => {
      let out = schemas.get(schema);
      if (out === undefined) {
        out = SchemaBuilder.from(schema)
          .name(name ?? schema.name)
          .version(version ?? schema.version)
          .build();
        schemas.set(schema, out);
      }
      return out;
    };
    return <R extends ConnectRecord>(record: R): R => {
      const { schema, value } = partOf(record, part);
      if (schema === null) {
        if (value === null || value === undefined) return record;
        throw new DataError(`Schema required for [updating schema metadata] of the record ${part}`);
      }
      const newSchema = updated(schema);
      if (!(value instanceof Struct)) return withPart(record, part, newSchema, value);
      const struct = new Struct(newSchema);
      for (const field of newSchema.fields) {
        struct.put(field.name, useDefaults ? value.get(field.name) : value.getWithoutDefault(field.name));
      }
      return withPart(record, part, newSchema, struct);
    };
  },
});
