/**
 * What the three converters share: the Confluent wire format (magic byte 0, the schema id
 * as a big-endian int32, then the format's payload), subject naming, registering or looking
 * up schemas, and caches. A `SchemaFormat` supplies the Avro, JSON Schema or Protobuf parts.
 *
 * Writing: the record's Connect schema is translated once (cached by schema object, then by
 * text); its id comes from `register` (auto.register.schemas), from a lookup, or from the
 * subject's latest version (use.latest.version), once per subject and schema, then cached.
 * Nothing is written without an id: an unreachable registry throws RetriableError.
 * Reading: the id's schema is fetched once, translated to a Connect schema (with the version
 * it has under the topic's subject) and cached; later records decode synchronously.
 */
import { ConnectError, type Converter, DataError, type Header, type Schema, type SchemaAndValue } from '@tributary/api';
import { parseSubjectNameStrategy, type SchemaRegistryConverterConfig, type SubjectNameStrategy } from './config.js';
import { LruCache } from './lru-cache.js';
import { type RegisteredSchema, RegistryClient, type SchemaType } from './registry-client.js';

/** A Connect schema translated for writing. */
export interface WriterSchema {
  /** The schema text registered (Avro JSON, JSON Schema, .proto). */
  readonly text: string;
  /** The record's full name, for RecordNameStrategy / TopicRecordNameStrategy; `null` when there is none. */
  readonly recordName: string | null;
  /** `header` followed by the payload for a (non-null) value. Throws DataError. */
  encode(value: unknown, header: Buffer): Buffer;
  /** Bytes between the schema id and the payload (Protobuf message indexes); empty for others. */
  readonly prefix: Buffer;
}

/** A registered schema translated for reading. */
export interface ReaderSchema {
  /** `null` for schemaless data. */
  readonly schema: Schema | null;
  readonly recordName: string | null;
  /** The value in `payload` (the bytes after the id). Throws DataError. */
  decode(payload: Buffer): unknown;
}

export interface SchemaFormat {
  readonly schemaType: SchemaType;
  /** What the converter is called in messages, e.g. 'AvroConverter'. */
  readonly converterName: string;
  forConnectSchema(schema: Schema): WriterSchema;
  /** For values without a Connect schema; absent when the format cannot write them. */
  forSchemaless?(): WriterSchema;
  /**
   * For use.latest.version: write values of `schema` with the registered `latest` schema.
   * With `isStrict`, fail when data written with `schema` would not be readable by `latest`.
   */
  forRegisteredSchema(schema: Schema, latest: RegisteredSchema, isStrict: boolean): WriterSchema;
  /** `version`: the schema's version under the subject, or `null`. */
  forRegistered(registered: RegisteredSchema, version: number | null): ReaderSchema;
  /** The record name of a registered schema, to find its subject for the reading side. */
  recordNameOf(registered: RegisteredSchema): string | null;
}

const MAGIC_BYTE = 0;
/** The `lastPlan` key for schemaless values. */
const SCHEMALESS = {};
const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null });

interface WriterPlan {
  readonly writer: WriterSchema;
  readonly subject: string;
  readonly header: Buffer;
}

export class SchemaRegistryConverter implements Converter {
  private readonly client: RegistryClient;
  private readonly strategy: SubjectNameStrategy;
  private readonly writersBySchema = new WeakMap<Schema, WriterSchema>();
  private schemalessWriter: WriterSchema | undefined;
  private readonly plans: LruCache<string, WriterPlan>;
  private readonly lastPlan = new WeakMap<object, { topic: string; plan: WriterPlan }>();
  private readonly readers: LruCache<string, ReaderSchema>;
  private readonly latestBySubject = new Map<string, Promise<{ id: number; registered: RegisteredSchema }>>();

  constructor(
    private readonly format: SchemaFormat,
    private readonly config: SchemaRegistryConverterConfig,
    private readonly isKey: boolean,
  ) {
    const userInfo =
      config['basic.auth.credentials.source'] === 'USER_INFO'
        ? (config['basic.auth.user.info'] ?? config['schema.registry.basic.auth.user.info'])
        : null;
    if (config['basic.auth.credentials.source'] === 'USER_INFO' && userInfo === null)
      throw new ConnectError('basic.auth.credentials.source=USER_INFO needs basic.auth.user.info (user:password)', {
        code: 'CONFIG',
      });
    this.client = new RegistryClient({
      urls: config['schema.registry.url'],
      userInfo: userInfo === null ? null : userInfo.value(),
      requestTimeoutMs: config['http.read.timeout.ms'],
      cacheSize: config['max.schemas.per.subject'],
    });
    const raw = isKey ? config['key.subject.name.strategy'] : config['value.subject.name.strategy'];
    this.strategy = parseSubjectNameStrategy(raw) ?? 'TopicNameStrategy';
    this.plans = new LruCache(config['schemas.cache.config']);
    this.readers = new LruCache(config['schemas.cache.config']);
  }

  /** The subject a schema with `recordName` is registered under for `topic`. */
  subjectName(topic: string, recordName: string | null): string {
    if (this.strategy === 'TopicNameStrategy') return `${topic}-${this.isKey ? 'key' : 'value'}`;
    if (recordName === null)
      throw new DataError(
        `${this.strategy} needs a named record schema; the ${this.isKey ? 'key' : 'value'} schema for topic ${topic} has no name`,
      );
    return this.strategy === 'RecordNameStrategy' ? recordName : `${topic}-${recordName}`;
  }

  fromConnectData(
    topic: string,
    _headers: readonly Header[],
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null | Promise<Uint8Array | null> {
    if (value === null || value === undefined) return null;
    const key = schema ?? SCHEMALESS;
    const last = this.lastPlan.get(key);
    if (last !== undefined && last.topic === topic) return frame(last.plan, value);
    return this.planFor(topic, schema).then((plan) => {
      this.lastPlan.set(key, { topic, plan });
      return frame(plan, value);
    });
  }

  toConnectData(
    topic: string,
    _headers: readonly Header[],
    bytes: Uint8Array | null,
  ): SchemaAndValue | Promise<SchemaAndValue> {
    if (bytes === null) return NULL_SCHEMA_AND_VALUE;
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < 5 || buf[0] !== MAGIC_BYTE)
      throw new DataError(
        `Converting byte[] to Kafka Connect data failed due to serialization error of topic ${topic}: Unknown magic byte!`,
        { code: 'CONVERSION' },
      );
    const id = buf.readInt32BE(1);
    const payload = buf.subarray(5);
    const key = `${topic}\0${id}`;
    const reader = this.readers.get(key);
    if (reader !== undefined) return read(reader, payload, topic, id);
    return this.readerFor(topic, id).then((r) => {
      this.readers.set(key, r);
      return read(r, payload, topic, id);
    });
  }

  private writerFor(schema: Schema | null): WriterSchema {
    if (schema === null) {
      if (this.format.forSchemaless === undefined)
        throw new DataError(`${this.format.converterName} needs a Connect schema; it cannot write schemaless data`);
      this.schemalessWriter ??= this.format.forSchemaless();
      return this.schemalessWriter;
    }
    let writer = this.writersBySchema.get(schema);
    if (writer === undefined) {
      writer = this.format.forConnectSchema(schema);
      this.writersBySchema.set(schema, writer);
    }
    return writer;
  }

  private async planFor(topic: string, schema: Schema | null): Promise<WriterPlan> {
    const own = this.writerFor(schema);
    const subject = this.subjectName(topic, own.recordName);
    const cacheKey = `${subject}\0${own.text}`;
    const cached = this.plans.get(cacheKey);
    if (cached !== undefined) return cached;
    let id: number;
    let writer = own;
    if (this.config['use.latest.version'] && schema !== null) {
      const latest = await this.latest(subject);
      id = latest.id;
      writer = this.format.forRegisteredSchema(schema, latest.registered, this.config['latest.compatibility.strict']);
    } else if (this.config['auto.register.schemas']) {
      id = await this.client.register(subject, this.format.schemaType, own.text);
    } else {
      const found = await this.client.idOf(subject, this.format.schemaType, own.text);
      if (found === null)
        throw new DataError(
          `Schema not found in subject "${subject}" and auto.register.schemas=false: register it first ` +
            `(or set auto.register.schemas=true). Schema: ${truncate(own.text)}`,
          { code: 'SCHEMA_NOT_REGISTERED' },
        );
      id = found;
    }
    const header = Buffer.alloc(5 + writer.prefix.length);
    header[0] = MAGIC_BYTE;
    header.writeInt32BE(id, 1);
    writer.prefix.copy(header, 5);
    const plan = { writer, subject, header };
    this.plans.set(cacheKey, plan);
    return plan;
  }

  private latest(subject: string): Promise<{ id: number; registered: RegisteredSchema }> {
    let p = this.latestBySubject.get(subject);
    if (p === undefined) {
      p = this.client.latest(subject).then((found) => {
        if (found === null)
          throw new DataError(`use.latest.version=true but subject "${subject}" has no registered version`, {
            code: 'SCHEMA_NOT_REGISTERED',
          });
        return { id: found.id, registered: found };
      });
      p.catch(() => this.latestBySubject.delete(subject));
      this.latestBySubject.set(subject, p);
    }
    return p;
  }

  private async readerFor(topic: string, id: number): Promise<ReaderSchema> {
    const registered = await this.client.schemaById(id);
    const recordName = this.format.recordNameOf(registered);
    let version: number | null = null;
    if (this.strategy === 'TopicNameStrategy' || recordName !== null)
      version = await this.client.versionOf(this.subjectName(topic, recordName), id);
    return this.format.forRegistered(registered, version);
  }
}

function frame(plan: WriterPlan, value: unknown): Buffer {
  return plan.writer.encode(value, plan.header);
}

function read(reader: ReaderSchema, payload: Buffer, topic: string, id: number): SchemaAndValue {
  try {
    return { schema: reader.schema, value: reader.decode(payload) };
  } catch (err) {
    if (err instanceof DataError) {
      throw new DataError(`Failed to deserialize data for topic ${topic} with schema id ${id}: ${err.message}`, {
        cause: err,
        code: 'CONVERSION',
      });
    }
    throw err;
  }
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
