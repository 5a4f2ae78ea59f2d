/**
 * HoistField: wraps the key or value in a struct (with a schema) or a map (without) of
 * one field, as Kafka's `HoistField`. A null value is wrapped too.
 */
import { type ConnectRecord, defineConfig, SchemaBuilder, Struct, string } from '@tributary/api';
import { defineKeyValueTransforms, partOf, schemaCache, TRANSFORMS_VERSION, withPart } from './support.js';

const config = defineConfig({
  field: string({
    nonEmpty: true,
    doc: 'Field name for the single field that will be created in the resulting Struct or Map.',
  }),
});

export const [hoistFieldKey, hoistFieldValue] = defineKeyValueTransforms({
  name: 'HoistField',
  version: TRANSFORMS_VERSION,
  description: 'Wraps the key or value in a Struct (with a schema) or a map (without) under one field name',
  config,
  create(values, part) {
    const name = values.field;
    const wrapperOf = schemaCache((schema) => SchemaBuilder.struct().field(name, schema).build());
    return <R extends ConnectRecord>(record: R): R => {
      const { schema, value } = partOf(record, part);
      if (schema === null) return withPart(record, part, null, { [name]: value ?? null });
      const wrapper = wrapperOf(schema);
      return withPart(record, part, wrapper, new Struct(wrapper).put(name, value));
    };
  },
});
