/**
 * The few schema-registry calls the converters make, with caching.
 *
 * Why not @kafkajs/confluent-schema-registry's `SchemaRegistry` for HTTP: its `register()`
 * reads the subject's compatibility level first, throws when it differs from the one passed
 * (a subject configured FULL by its owner would refuse every record), and on a subject's
 * first registration writes a subject-level BACKWARD config that Confluent's serializers
 * never write; it talks to one URL (no failover over `schema.registry.url`), and its errors
 * do not tell "unreachable" from "answered 4xx", which decides between RetriableError and a
 * record error here. So this client speaks the REST API itself with `fetch`; the tests use
 * that library as an independent client to decode what the converters write.
 *
 * Error contract: network failures, timeouts and 5xx → RetriableError (the runtime retries
 * within `errors.retry.timeout`); 401/403 → ConnectError; 404 → `null` from lookups,
 * DataError from `schemaById`; 409 → ConnectError naming the subject, the latest version and
 * the registry's message; 422 → DataError.
 */
import { ConnectError, DataError, RetriableError } from '@tributary/api';
import { LruCache } from './lru-cache.js';

export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

export interface RegisteredSchema {
  readonly schemaType: SchemaType;
  readonly schema: string;
  readonly references: readonly SchemaReference[];
}

export interface SubjectVersion extends RegisteredSchema {
  readonly id: number;
  readonly version: number;
}

export interface RegistryClientOptions {
  readonly urls: readonly string[];
  /** `user:password`, or `null` for none. */
  readonly userInfo: string | null;
  readonly requestTimeoutMs: number;
  /** Cache sizes: ids per subject, and schemas by id. */
  readonly cacheSize: number;
}

interface Endpoint {
  readonly base: string;
  readonly authorization: string | null;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export class RegistryClient {
  private readonly endpoints: readonly Endpoint[];
  private preferred = 0;
  private readonly idsBySubject = new Map<string, LruCache<string, number>>();
  private readonly schemasById: LruCache<number, RegisteredSchema>;
  private readonly versionsById = new LruCache<string, number | null>(1000);
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(private readonly options: RegistryClientOptions) {
    this.endpoints = options.urls.map((u) => endpoint(u, options.userInfo));
    this.schemasById = new LruCache(options.cacheSize);
  }

  /** Registers `schema` under `subject` (idempotent in the registry) and returns its id. */
  async register(subject: string, schemaType: SchemaType, schema: string): Promise<number> {
    const cached = this.cachedId(subject, schema);
    if (cached !== undefined) return cached;
    return this.once(`register\0${subject}\0${schema}`, async () => {
      const body: Record<string, unknown> = { schema };
      if (schemaType !== 'AVRO') body['schemaType'] = schemaType;
      const res = await this.request('POST', `/subjects/${enc(subject)}/versions`, body, { subject });
      if (res === null) throw new DataError(`Schema registry answered nothing for subject "${subject}"`);
      const id = numberField(res, 'id', subject);
      this.remember(subject, schema, id, schemaType);
      return id;
    });
  }

  /** The id and version of `schema` in `subject`, or `null` when it is not registered there. */
  async lookup(
    subject: string,
    schemaType: SchemaType,
    schema: string,
  ): Promise<{ id: number; version: number } | null> {
    return this.once(`lookup\0${subject}\0${schema}`, async () => {
      const body: Record<string, unknown> = { schema };
      if (schemaType !== 'AVRO') body['schemaType'] = schemaType;
      const res = await this.request('POST', `/subjects/${enc(subject)}`, body, { subject, isLookup: true });
      if (res === null) return null;
      const id = numberField(res, 'id', subject);
      const version = numberField(res, 'version', subject);
      this.remember(subject, schema, id, schemaType);
      this.versionsById.set(`${subject}\0${id}`, version);
      return { id, version };
    });
  }

  /** The id of `schema` in `subject` without registering; `null` when absent. Cached. */
  async idOf(subject: string, schemaType: SchemaType, schema: string): Promise<number | null> {
    const cached = this.cachedId(subject, schema);
    if (cached !== undefined) return cached;
    return (await this.lookup(subject, schemaType, schema))?.id ?? null;
  }

  /** The latest version of `subject`, or `null` when the subject has none. Not cached: it changes. */
  async latest(subject: string): Promise<SubjectVersion | null> {
    const res = await this.request('GET', `/subjects/${enc(subject)}/versions/latest`, undefined, {
      subject,
      isLookup: true,
    });
    if (res === null) return null;
    const id = numberField(res, 'id', subject);
    const registered = registeredSchema(res, `subject ${subject}`);
    this.schemasById.set(id, registered);
    return { ...registered, id, version: numberField(res, 'version', subject) };
  }

  /** The schema with global id `id`. DataError when the registry does not know it. Cached. */
  async schemaById(id: number): Promise<RegisteredSchema> {
    const cached = this.schemasById.get(id);
    if (cached !== undefined) return cached;
    return this.once(`id\0${id}`, async () => {
      const res = await this.request('GET', `/schemas/ids/${id}`, undefined, { isLookup: true });
      if (res === null)
        throw new DataError(`Schema ${id} not found in the schema registry`, { code: 'SCHEMA_NOT_FOUND' });
      const registered = registeredSchema(res, `schema id ${id}`);
      this.schemasById.set(id, registered);
      return registered;
    });
  }

  /** The version `id` has in `subject`, or `null` if it is not registered there. Cached. */
  async versionOf(subject: string, id: number): Promise<number | null> {
    const key = `${subject}\0${id}`;
    const cached = this.versionsById.get(key);
    if (cached !== undefined) return cached;
    const schema = await this.schemaById(id);
    const found = await this.lookup(subject, schema.schemaType, schema.schema);
    const version = found !== null && found.id === id ? found.version : null;
    this.versionsById.set(key, version);
    return version;
  }

  private cachedId(subject: string, schema: string): number | undefined {
    return this.idsBySubject.get(subject)?.get(schema);
  }

  private remember(subject: string, schema: string, id: number, schemaType: SchemaType): void {
    let ids = this.idsBySubject.get(subject);
    if (ids === undefined) {
      ids = new LruCache(this.options.cacheSize);
      this.idsBySubject.set(subject, ids);
    }
    ids.set(schema, id);
    if (this.schemasById.get(id) === undefined) this.schemasById.set(id, { schemaType, schema, references: [] });
  }

  /** Concurrent identical requests share one HTTP call. */
  private once<T>(key: string, run: () => Promise<T>): Promise<T> {
    const existing = this.pending.get(key);
    if (existing !== undefined) return existing as Promise<T>;
    const p = run().finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  /**
   * One call, failing over across the URLs on network errors. Returns the parsed body, or
   * `null` for a 404 when `isLookup`.
   */
  private async request(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    context: { subject?: string; isLookup?: boolean },
  ): Promise<Record<string, unknown> | null> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.endpoints.length; attempt++) {
      const index = (this.preferred + attempt) % this.endpoints.length;
      const ep = this.endpoints[index];
      if (ep === undefined) continue;
      let response: Response;
      let text: string;
      try {
        const headers: Record<string, string> = { Accept: CONTENT_TYPE };
        if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
        if (ep.authorization !== null) headers['Authorization'] = ep.authorization;
        response = await fetch(`${ep.base}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(this.options.requestTimeoutMs),
        });
        text = await response.text();
      } catch (err) {
        lastError = err;
        continue;
      }
      this.preferred = index;
      return this.interpret(method, path, response.status, text, context);
    }
    const cause = lastError as { cause?: { code?: string; message?: string }; message?: string } | undefined;
    const reason = cause?.cause?.code ?? cause?.cause?.message ?? cause?.message ?? 'unknown error';
    throw new RetriableError(
      `Schema registry unreachable at ${this.endpoints.map((e) => e.base).join(', ')} (${method} ${path}: ${reason})`,
      { cause: lastError, code: 'SCHEMA_REGISTRY_UNAVAILABLE' },
    );
  }

  private async interpret(
    method: string,
    path: string,
    status: number,
    text: string,
    context: { subject?: string; isLookup?: boolean },
  ): Promise<Record<string, unknown> | null> {
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    const obj = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    if (status >= 200 && status < 300) return obj;
    const message = typeof obj['message'] === 'string' ? obj['message'] : `HTTP ${status}`;
    const errorCode = typeof obj['error_code'] === 'number' ? obj['error_code'] : status;
    const what = `${method} ${path}`;
    if (status >= 500) {
      throw new RetriableError(`Schema registry error ${errorCode} on ${what}: ${message}`, {
        code: 'SCHEMA_REGISTRY_UNAVAILABLE',
      });
    }
    if (status === 404 && context.isLookup === true) return null;
    if (status === 401 || status === 403) {
      throw new ConnectError(
        `Schema registry refused ${what} (HTTP ${status}): ${message}; check the basic-auth settings`,
        {
          code: 'SCHEMA_REGISTRY_AUTH',
        },
      );
    }
    if (status === 409 && context.subject !== undefined) {
      const latest = await this.latestVersionNumber(context.subject);
      throw new ConnectError(
        `Schema being registered is incompatible with version ${latest ?? '?'} of subject "${context.subject}" ` +
          `(registry error ${errorCode}): ${message}`,
        { code: 'SCHEMA_INCOMPATIBLE' },
      );
    }
    const where = context.subject === undefined ? what : `subject "${context.subject}" (${what})`;
    throw new DataError(`Schema registry rejected ${where}: error ${errorCode}: ${message}`, {
      code: 'SCHEMA_REGISTRY_REJECTED',
    });
  }

  private async latestVersionNumber(subject: string): Promise<number | null> {
    try {
      return (await this.latest(subject))?.version ?? null;
    } catch {
      return null;
    }
  }
}

function endpoint(raw: string, userInfo: string | null): Endpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new ConnectError(`schema.registry.url: "${raw}" is not a URL`, { cause: err, code: 'CONFIG' });
  }
  // fetch() refuses URLs with credentials: move them to a header (basic.auth.credentials.source=URL).
  let fromUrl: string | null = null;
  if (url.username !== '' || url.password !== '') {
    fromUrl = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    url.username = '';
    url.password = '';
  }
  const credentials = userInfo ?? fromUrl;
  return {
    base: url.toString().replace(/\/+$/, ''),
    authorization: credentials === null ? null : `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`,
  };
}

function enc(subject: string): string {
  return encodeURIComponent(subject);
}

function numberField(obj: Record<string, unknown>, key: string, subject: string): number {
  const v = obj[key];
  if (typeof v !== 'number') throw new DataError(`Schema registry answer for "${subject}" has no numeric "${key}"`);
  return v;
}

function registeredSchema(obj: Record<string, unknown>, what: string): RegisteredSchema {
  const schema = obj['schema'];
  if (typeof schema !== 'string') throw new DataError(`Schema registry answer for ${what} has no schema`);
  const rawType = obj['schemaType'];
  const schemaType: SchemaType = rawType === 'JSON' || rawType === 'PROTOBUF' ? rawType : 'AVRO';
  const refs = Array.isArray(obj['references']) ? (obj['references'] as SchemaReference[]) : [];
  return { schemaType, schema, references: refs };
}
