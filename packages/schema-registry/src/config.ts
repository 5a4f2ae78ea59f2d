/**
 * The configuration shared by AvroConverter, JsonSchemaConverter and ProtobufConverter,
 * with Confluent's key names (`value.converter.schema.registry.url=…` in a connector file
 * reaches the value converter as `schema.registry.url`).
 */
import { boolean, type ConfigValues, choice, defineConfig, int, list, password } from '@tributary/api';

/** Subject name strategies, by our short name. */
export const SUBJECT_NAME_STRATEGIES = ['TopicNameStrategy', 'RecordNameStrategy', 'TopicRecordNameStrategy'] as const;
export type SubjectNameStrategy = (typeof SUBJECT_NAME_STRATEGIES)[number];

const STRATEGY_PACKAGES = [
  'io.confluent.kafka.serializers.subject.',
  'io.confluent.kafka.serializers.subject.strategy.',
];

/** `TopicNameStrategy`, or a Confluent class name of one, to the short name; `undefined` if unknown. */
export function parseSubjectNameStrategy(raw: string): SubjectNameStrategy | undefined {
  const text = raw.trim();
  const prefix = STRATEGY_PACKAGES.find((p) => text.startsWith(p));
  const simple = prefix === undefined ? text : text.slice(prefix.length);
  return SUBJECT_NAME_STRATEGIES.find((s) => s === simple);
}

function strategyKey(which: 'key' | 'value') {
  return choice({
    // The choice matches case-insensitively; Confluent's class names are mapped first.
    values: [
      ...SUBJECT_NAME_STRATEGIES,
      ...SUBJECT_NAME_STRATEGIES.map((s) => `io.confluent.kafka.serializers.subject.${s}`),
    ],
    default: 'TopicNameStrategy',
    importance: 'medium',
    doc:
      `How the subject a ${which} schema is registered under is named. TopicNameStrategy: \`<topic>-${which}\`; ` +
      "RecordNameStrategy: the record's full name; TopicRecordNameStrategy: `<topic>-<record full name>`. " +
      'The Confluent class names (io.confluent.kafka.serializers.subject.TopicNameStrategy, …) are accepted.',
  });
}

export const schemaRegistryConverterConfig = defineConfig({
  'schema.registry.url': list({
    nonEmpty: true,
    importance: 'high',
    doc:
      'Comma-separated URLs of the schema registry (http://host:8081). Requests go to the first and fail over to ' +
      'the next when one cannot be reached. Credentials in the URL (http://user:pass@host) are used when ' +
      'basic.auth.credentials.source=URL.',
  }),
  'auto.register.schemas': boolean({
    default: true,
    importance: 'medium',
    doc:
      'Register the schema of each record under its subject when it is not registered yet. When false, the ' +
      'schema must already be registered under the subject, otherwise the record fails with an error naming both.',
  }),
  'use.latest.version': boolean({
    default: false,
    importance: 'low',
    doc:
      "Write records with the subject's latest registered schema instead of registering the record's own schema " +
      '(fields missing from the record take their defaults). Meant for auto.register.schemas=false. The latest ' +
      "version is looked up once per subject and kept for the converter's life, as with Confluent's default " +
      'latest.cache.ttl.sec=-1.',
  }),
  'latest.compatibility.strict': boolean({
    default: true,
    importance: 'low',
    doc:
      "With use.latest.version: check that the latest schema can read data written with the record's own schema " +
      '(Avro reader/writer rules) and fail the record otherwise. Checked for Avro only.',
  }),
  'key.subject.name.strategy': strategyKey('key'),
  'value.subject.name.strategy': strategyKey('value'),
  'basic.auth.credentials.source': choice({
    values: ['URL', 'USER_INFO'],
    default: 'URL',
    importance: 'medium',
    doc:
      'Where the HTTP basic-auth credentials for the registry come from: USER_INFO takes basic.auth.user.info; ' +
      'URL takes the user info of schema.registry.url.',
  }),
  'basic.auth.user.info': password({
    default: null,
    importance: 'medium',
    doc: '`user:password` for the registry when basic.auth.credentials.source=USER_INFO. Never logged.',
  }),
  'schema.registry.basic.auth.user.info': password({
    default: null,
    importance: 'low',
    doc: 'Same as basic.auth.user.info (the name Confluent documents for converters); used when that key is unset.',
  }),
  'max.schemas.per.subject': int({
    default: 1000,
    min: 1,
    importance: 'low',
    doc: 'How many schema ids the registry client caches per subject, and schemas by id in all.',
  }),
  'schemas.cache.config': int({
    default: 1000,
    min: 1,
    importance: 'low',
    doc: 'How many Connect schemas ↔ registry schema translations this converter keeps.',
  }),
  'connect.meta.data': boolean({
    default: true,
    importance: 'low',
    doc:
      'Avro: keep Connect metadata (connect.name, connect.version, connect.doc, connect.default, ' +
      'connect.parameters) as schema properties so a reading converter gets the same Connect schema back.',
  }),
  'enhanced.avro.schema.support': boolean({
    default: false,
    importance: 'low',
    doc:
      'Avro: write strings that came from an Avro enum (parameter io.confluent.connect.avro.Enum) as that enum ' +
      'again, and name union members by full name.',
  }),
  'scrub.invalid.names': boolean({
    default: false,
    importance: 'low',
    doc: 'Avro: replace characters not allowed in Avro record and field names with `_` instead of failing.',
  }),
  'http.read.timeout.ms': int({
    default: 30_000,
    min: 1,
    importance: 'low',
    doc: 'How long one request to the registry may take before it counts as failed (retriable).',
  }),
});

export type SchemaRegistryConverterConfig = ConfigValues<typeof schemaRegistryConverterConfig.keys>;
