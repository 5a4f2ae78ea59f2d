import { randomUUID } from 'node:crypto';
import { type RunningBroker, type RunningSchemaRegistry, startBroker, startSchemaRegistry } from '@tributary/devstack';

export interface Stack {
  readonly broker: RunningBroker;
  readonly registry: RunningSchemaRegistry;
  /** The topic the registry keeps its state in. */
  readonly registryTopic: string;
  stop(): Promise<void>;
}

/** A devstack broker with the embedded schema registry on it (free ports, its own topic). */
export async function startStack(): Promise<Stack> {
  const broker = await startBroker({ port: 0 });
  try {
    const registryTopic = `_schemas-${randomUUID()}`;
    const registry = await startSchemaRegistry({ port: 0, bootstrapServers: [broker.bootstrap], topic: registryTopic });
    return {
      broker,
      registry,
      registryTopic,
      async stop() {
        await registry.stop();
        await broker.stop();
      },
    };
  } catch (err) {
    await broker.stop();
    throw err;
  }
}

export function uniqueTopic(prefix = 'topic'): string {
  return `${prefix}-${randomUUID()}`;
}

/** GET/POST against the registry's REST API, as another tool would. */
export async function registryCall(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? null : JSON.parse(text) };
}
