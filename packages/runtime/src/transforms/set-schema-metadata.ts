import {
  ConfigError,
  type ConnectRecord,
  DataError,
  defineConfig,
  int,
  SchemaBuilder,
  Struct,
  string,
} from '@tributary/api';
import {
  defineKeyValueTransforms,
  partOf,
  readField,
  replaceNullWithDefault,
  schemaCache,
  TRANSFORMS_VERSION,
  withPart,
} from './support.js';

const setSchemaMetadataConfig = defineConfig({
  'schema.name': string({ default: null, importance: 'high', doc: 'Schema name to set.' }),
  'schema.version': int({ default: null, importance: 'high', doc: 'Schema version to set.' }),
  'replace.null.with.default': replaceNullWithDefault,
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
    const updated = schemaCache((schema) =>
      SchemaBuilder.from(schema)
        .name(name ?? schema.name)
        .version(version ?? schema.version)
        .build(),
    );
    return <R extends ConnectRecord>(record: R): R => {
      const { schema, value } = partOf(record, part);
      if (schema === null) {
        if (value === null || value === undefined) return record;
        throw new DataError(`Schema required for [updating schema metadata] of the record ${part}`);
      }
      const newSchema = updated(schema);
      if (!(value instanceof Struct)) return withPart(record, part, newSchema, value);
      const struct = new Struct(newSchema);
      for (const field of newSchema.fields) struct.put(field.name, readField(value, field.name, useDefaults));
      return withPart(record, part, newSchema, struct);
    };
  },
});
