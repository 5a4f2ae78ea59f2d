export { AvroConverter, AvroFormat } from './avro-converter.js';
export {
  type AvroDataOptions,
  compileDecoder,
  compileEncoder,
  DEFAULT_AVRO_DATA_OPTIONS,
  fromConnectSchema,
  toConnectSchema,
} from './avro-data.js';
export { type AvroNode, parseAvroJson, parseAvroSchema } from './avro-schema.js';
export {
  parseSubjectNameStrategy,
  type SchemaRegistryConverterConfig,
  type SubjectNameStrategy,
  schemaRegistryConverterConfig,
} from './config.js';
export { JsonSchemaConverter } from './json-schema-converter.js';
export { avroConverter, jsonSchemaConverter, protobufConverter, schemaRegistryPlugins } from './plugins.js';
export { ProtobufConverter } from './protobuf-converter.js';
export { type RegisteredSchema, RegistryClient, type SchemaType } from './registry-client.js';
export { type SchemaFormat, SchemaRegistryConverter } from './schema-registry-converter.js';
