/**
 * Registry test fixtures: a broker and a schema registry on it, and a small JSON client
 * for the REST API (status and parsed body, as a curl user would see them).
 */
import { type RunningBroker, type RunningSchemaRegistry, startBroker, startSchemaRegistry } from '../src/index.js';

export interface RegistryStack {
  readonly broker: RunningBroker;
  registry: RunningSchemaRegistry;
  /** Stops the registry and starts a new one on the same broker (and topic). */
  restartRegistry(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRegistryStack(topic?: string): Promise<RegistryStack> {
  const broker = await startBroker({ port: 0 });
  const options = { port: 0, bootstrapServers: [broker.bootstrap], ...(topic === undefined ? {} : { topic }) };
  try {
    const stack: RegistryStack = {
      broker,
      registry: await startSchemaRegistry(options),
      async restartRegistry() {
        await stack.registry.stop();
        stack.registry = await startSchemaRegistry(options);
      },
      async stop() {
        await stack.registry.stop();
        await broker.stop();
      },
    };
    return stack;
  } catch (err) {
    await broker.stop();
    throw err;
  }
}

export interface Reply {
  readonly status: number;
  readonly contentType: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON fields
  readonly body: any;
}

/** One REST call with Confluent's content type; the body is parsed as JSON when it is JSON. */
export async function call(baseUrl: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const init: RequestInit = {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // raw schema text (the /schema endpoints)
  }
  return { status: res.status, contentType: res.headers.get('content-type'), body: parsed };
}

/** A register body: Avro schemas given as objects are sent as JSON text, without schemaType. */
export function avro(schema: unknown): { schema: string } {
  return { schema: JSON.stringify(schema) };
}

export function record(name: string, fields: readonly unknown[], extra: Record<string, unknown> = {}): unknown {
  return { type: 'record', name, fields, ...extra };
}
