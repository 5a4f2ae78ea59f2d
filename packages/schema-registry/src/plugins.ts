/**
 * The converters as plugins, under Confluent's class names as aliases:
 *
 *   value.converter=io.confluent.connect.avro.AvroConverter
 *   value.converter.schema.registry.url=http://localhost:8081
 */
import { defineConverter, type Plugin } from '@tributary/api';
import { AvroConverter } from './avro-converter.js';
import { schemaRegistryConverterConfig } from './config.js';
import { JsonSchemaConverter } from './json-schema-converter.js';
import { ProtobufConverter } from './protobuf-converter.js';

const VERSION = '0.1.0';

export const avroConverter = defineConverter({
  name: 'AvroConverter',
  aliases: ['io.confluent.connect.avro.AvroConverter'],
  version: VERSION,
  description:
    "Avro in the Confluent wire format, schemas in a schema registry, byte-compatible with Confluent's AvroConverter.",
  config: schemaRegistryConverterConfig,
  create: (config, options) => new AvroConverter(config, options),
});

export const jsonSchemaConverter = defineConverter({
  name: 'JsonSchemaConverter',
  aliases: ['io.confluent.connect.json.JsonSchemaConverter'],
  version: VERSION,
  description:
    "JSON with a JSON Schema in a schema registry, in the Confluent wire format (Confluent's JsonSchemaConverter).",
  config: schemaRegistryConverterConfig,
  create: (config, options) => new JsonSchemaConverter(config, options),
});

export const protobufConverter = defineConverter({
  name: 'ProtobufConverter',
  aliases: ['io.confluent.connect.protobuf.ProtobufConverter'],
  version: VERSION,
  description:
    "Protobuf (proto3) in the Confluent wire format with message indexes, schemas in a schema registry (Confluent's ProtobufConverter).",
  config: schemaRegistryConverterConfig,
  create: (config, options) => new ProtobufConverter(config, options),
});

export const schemaRegistryPlugins: readonly Plugin[] = [avroConverter, jsonSchemaConverter, protobufConverter];
