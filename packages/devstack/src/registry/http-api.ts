/**
 * The Confluent Schema Registry REST API over node:http. Routes, query parameters,
 * response shapes and error bodies follow Confluent's resources (SubjectsResource,
 * SubjectVersionsResource, SchemasResource, ConfigResource, CompatibilityResource,
 * ModeResource); see broker-spec.md §11. Every answer is JSON with the
 * `application/vnd.schemaregistry.v1+json` content type; errors are
 * `{"error_code", "message"}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCompatibilityLevel } from './compatibility-level.js';
import { parseSchemaType, type SchemaReference } from './parsed-schema.js';
import { errors, RegistryError } from './registry-error.js';
import type { StoredVersion } from './registry-state.js';
import { parseVersionSpec, type SchemaRegistry, type SchemaRequest } from './schema-registry.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** `GET /schemas/types`, in Confluent's order. */
const SCHEMA_TYPES_LISTED = ['JSON', 'PROTOBUF', 'AVRO'];

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Request {
  readonly method: Method;
  readonly query: URLSearchParams;
  /** The parsed JSON body; undefined when there is none. */
  body(): Promise<unknown>;
}

/** A JSON-able answer, or raw text (the `/schema` endpoints). */
type Answer = { readonly json: unknown } | { readonly text: string };

type Handler = (request: Request, params: readonly string[]) => Promise<Answer> | Answer;

interface Route {
  /** Literal segments, or `*` for one decoded path parameter. */
  readonly pattern: readonly string[];
  readonly handlers: Partial<Record<Method, Handler>>;
}

function flag(query: URLSearchParams, name: string): boolean {
  return query.get(name)?.toLowerCase() === 'true';
}

function json(value: unknown): Answer {
  return { json: value };
}

/** `{subject, version, id, schemaType?, references?, schema}`; schemaType left out for AVRO (§11.1). */
function versionBody(v: StoredVersion): Record<string, unknown> {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    ...(v.schemaType === 'AVRO' ? {} : { schemaType: v.schemaType }),
    ...(v.references.length === 0 ? {} : { references: v.references }),
    schema: v.schema,
  };
}

function schemaRequest(body: unknown): SchemaRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.invalidSchema('Invalid schema: the request body must be a JSON object with a "schema" string');
  }
  const { schema, schemaType, references } = body as Record<string, unknown>;
  if (typeof schema !== 'string' || schema.trim() === '') {
    throw errors.invalidSchema('Invalid schema: "schema" must be a non-empty string');
  }
  return {
    schema,
    schemaType: parseSchemaType(schemaType === null ? undefined : schemaType),
    references: parseReferences(references),
  };
}

function parseReferences(value: unknown): SchemaReference[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw errors.invalidSchema('Invalid schema: "references" must be an array');
  return value.map((ref: unknown, i) => {
    const r = (typeof ref === 'object' && ref !== null ? ref : {}) as Record<string, unknown>;
    const { name, subject, version } = r;
    if (
      typeof name !== 'string' ||
      typeof subject !== 'string' ||
      typeof version !== 'number' ||
      !Number.isSafeInteger(version) ||
      version < 1
    ) {
      throw errors.invalidSchema(
        `Invalid schema: references[${i}] must be {"name": string, "subject": string, "version": positive integer}, got ${JSON.stringify(ref)}`,
      );
    }
    return { name, subject, version };
  });
}

function schemaId(text: string): number {
  const id = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw errors.routeNotFound();
  return id;
}

function mode(body: unknown): Answer {
  const value =
    (typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['mode'] : undefined) ?? null;
  if (typeof value !== 'string' || value.toUpperCase() !== 'READWRITE') throw errors.invalidMode(value);
  return json({ mode: 'READWRITE' });
}

function configBody(body: unknown): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['compatibility'] : undefined;
}

function routes(registry: SchemaRegistry): Route[] {
  const at = (subject: string, versionText: string, deleted: boolean) =>
    registry.version(subject, parseVersionSpec(versionText), deleted);
  return [
    { pattern: [], handlers: { GET: () => json({}) } },
    { pattern: ['schemas', 'types'], handlers: { GET: () => json(SCHEMA_TYPES_LISTED) } },
    {
      pattern: ['schemas', 'ids', '*'],
      handlers: {
        GET: (_, [id = '']) => {
          const v = registry.schemaById(schemaId(id));
          return json({
            ...(v.schemaType === 'AVRO' ? {} : { schemaType: v.schemaType }),
            ...(v.references.length === 0 ? {} : { references: v.references }),
            schema: v.schema,
          });
        },
      },
    },
    {
      pattern: ['schemas', 'ids', '*', 'schema'],
      handlers: { GET: (_, [id = '']) => ({ text: registry.schemaById(schemaId(id)).schema }) },
    },
    {
      pattern: ['schemas', 'ids', '*', 'versions'],
      handlers: {
        GET: (req, [id = '']) =>
          json(
            registry
              .subjectVersionsById(schemaId(id), flag(req.query, 'deleted'))
              .map((v) => ({ subject: v.subject, version: v.version })),
          ),
      },
    },
    {
      pattern: ['schemas', 'ids', '*', 'subjects'],
      handlers: {
        GET: (req, [id = '']) =>
          json([
            ...new Set(registry.subjectVersionsById(schemaId(id), flag(req.query, 'deleted')).map((v) => v.subject)),
          ]),
      },
    },
    {
      pattern: ['subjects'],
      handlers: {
        GET: (req) => {
          const deletedOnly = flag(req.query, 'deletedOnly');
          const prefix = req.query.get('subjectPrefix') ?? '';
          const live = new Set(registry.subjects(false));
          const names = registry.subjects(deletedOnly || flag(req.query, 'deleted'));
          return json(names.filter((s) => s.startsWith(prefix) && (!deletedOnly || !live.has(s))));
        },
      },
    },
    {
      pattern: ['subjects', '*'],
      handlers: {
        POST: async (req, [subject = '']) =>
          json(versionBody(registry.lookup(subject, schemaRequest(await req.body()), flag(req.query, 'deleted')))),
        DELETE: async (req, [subject = '']) =>
          json(await registry.deleteSubject(subject, flag(req.query, 'permanent'))),
      },
    },
    {
      pattern: ['subjects', '*', 'versions'],
      handlers: {
        GET: (req, [subject = '']) => {
          const deletedOnly = flag(req.query, 'deletedOnly');
          const versions = registry.versions(subject, deletedOnly || flag(req.query, 'deleted'));
          return json(versions.filter((v) => !deletedOnly || v.isDeleted).map((v) => v.version));
        },
        POST: async (req, [subject = '']) => {
          const v = await registry.register(subject, schemaRequest(await req.body()));
          const { subject: _, ...body } = versionBody(v);
          return json(body);
        },
      },
    },
    {
      pattern: ['subjects', '*', 'versions', '*'],
      handlers: {
        GET: (req, [subject = '', version = '']) => json(versionBody(at(subject, version, flag(req.query, 'deleted')))),
        DELETE: async (req, [subject = '', version = '']) =>
          json(await registry.deleteVersion(subject, parseVersionSpec(version), flag(req.query, 'permanent'))),
      },
    },
    {
      pattern: ['subjects', '*', 'versions', '*', 'schema'],
      handlers: {
        GET: (req, [subject = '', version = '']) => ({ text: at(subject, version, flag(req.query, 'deleted')).schema }),
      },
    },
    {
      pattern: ['subjects', '*', 'versions', '*', 'referencedby'],
      handlers: {
        GET: (_, [subject = '', version = '']) => json(registry.referencedBy(subject, parseVersionSpec(version))),
      },
    },
    {
      pattern: ['config'],
      handlers: {
        GET: () => json({ compatibilityLevel: registry.config(null, true) }),
        PUT: async (req) => {
          const level = parseCompatibilityLevel(configBody(await req.body()));
          return json({ compatibility: await registry.setConfig(null, level) });
        },
        DELETE: async () => json({ compatibilityLevel: await registry.deleteConfig(null) }),
      },
    },
    {
      pattern: ['config', '*'],
      handlers: {
        GET: (req, [subject = '']) =>
          json({ compatibilityLevel: registry.config(subject, flag(req.query, 'defaultToGlobal')) }),
        PUT: async (req, [subject = '']) => {
          const level = parseCompatibilityLevel(configBody(await req.body()));
          return json({ compatibility: await registry.setConfig(subject, level) });
        },
        DELETE: async (_, [subject = '']) => json({ compatibilityLevel: await registry.deleteConfig(subject) }),
      },
    },
    {
      pattern: ['compatibility', 'subjects', '*', 'versions'],
      handlers: {
        POST: async (req, [subject = '']) =>
          compatibilityAnswer(req, registry.testCompatibility(subject, null, schemaRequest(await req.body()))),
      },
    },
    {
      pattern: ['compatibility', 'subjects', '*', 'versions', '*'],
      handlers: {
        POST: async (req, [subject = '', version = '']) => {
          const spec = parseVersionSpec(version);
          return compatibilityAnswer(req, registry.testCompatibility(subject, spec, schemaRequest(await req.body())));
        },
      },
    },
    {
      pattern: ['mode'],
      handlers: { GET: () => json({ mode: 'READWRITE' }), PUT: async (req) => mode(await req.body()) },
    },
    {
      pattern: ['mode', '*'],
      handlers: { GET: () => json({ mode: 'READWRITE' }), PUT: async (req) => mode(await req.body()) },
    },
  ];
}

function compatibilityAnswer(req: Request, result: { isCompatible: boolean; messages: readonly string[] }): Answer {
  return json(
    flag(req.query, 'verbose')
      ? { is_compatible: result.isCompatible, messages: result.messages }
      : { is_compatible: result.isCompatible },
  );
}

function match(route: Route, segments: readonly string[]): string[] | null {
  if (route.pattern.length !== segments.length) return null;
  const params: string[] = [];
  for (const [i, part] of route.pattern.entries()) {
    const segment = segments[i] as string;
    if (part === '*') params.push(segment);
    else if (part !== segment) return null;
  }
  return params;
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RegistryError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(errors.badRequest(`Unrecognized request body, expected JSON: ${(err as Error).message}`));
      }
    });
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** The request listener for `http.createServer`. */
export function createRequestListener(
  registry: SchemaRegistry,
  log: (level: 'info' | 'warn' | 'error', message: string) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(registry);
  return (req, res) => {
    const handle = async (): Promise<Answer> => {
      const url = new URL(req.url ?? '/', 'http://registry');
      let segments: string[];
      try {
        segments = url.pathname
          .split('/')
          .filter((s) => s !== '')
          .map((s) => decodeURIComponent(s));
      } catch {
        throw errors.routeNotFound();
      }
      for (const route of table) {
        const params = match(route, segments);
        if (params === null) continue;
        const handler = route.handlers[req.method as Method];
        if (handler === undefined) throw errors.methodNotAllowed();
        return handler({ method: req.method as Method, query: url.searchParams, body: () => readBody(req) }, params);
      }
      throw errors.routeNotFound();
    };
    handle().then(
      (answer) => send(res, 200, 'json' in answer ? JSON.stringify(answer.json) : answer.text),
      (err: unknown) => {
        if (err instanceof RegistryError) {
          if (err.status >= 500) log('error', `${req.method} ${req.url}: ${err.message}`);
          send(res, err.status, JSON.stringify({ error_code: err.errorCode, message: err.message }));
        } else {
          log('error', `${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
          send(res, 500, JSON.stringify({ error_code: 50001, message: `Internal error: ${(err as Error).message}` }));
        }
      },
    );
  };
}
