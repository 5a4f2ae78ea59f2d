/**
 * `/connectors/*`: Kafka Connect's `ConnectorsResource`, status codes and bodies included.
 * Notable Kafka behaviours kept: `POST /connectors/{n}/restart` answers 204 when neither
 * `includeTasks` nor `onlyFailed` is set and 202 with the state otherwise; pause and resume
 * answer 202, stop 204; `PUT …/topics/reset` answers 202; `GET /connectors?expand=…` leaves
 * out connectors deleted while it runs.
 */
import type { Logger, OffsetValue } from '@tributary/api';
import { NotFoundError } from '@tributary/api';
import type { ConnectorOffset, Herder, TargetState } from '../herder.js';
import { queryFlag } from './query-flag.js';
import { describe, expectConfig, expectConfigPatch, expectObject } from './request-body.js';
import { RestError } from './rest-error.js';
import type { RestRequest, RestResponse, Route } from './router.js';

const INITIAL_STATES: readonly TargetState[] = ['RUNNING', 'PAUSED', 'STOPPED'];

export function connectorsRoutes(herder: Herder, logger: Logger): Route[] {
  const ok = (body: unknown): RestResponse => ({ status: 200, body });
  const empty = (status: number): RestResponse => ({ status });
  const name = (request: RestRequest): string => request.params['connector'] ?? '';

  return [
    { method: 'GET', path: '/connectors', handler: (r) => ok(listConnectors(herder, r.query, logger)) },
    {
      method: 'POST',
      path: '/connectors',
      handler: async (r) => {
        const body = expectObject(await r.json(), 'the connector creation request');
        const connector = creationName(body['name']);
        const config = expectConfig(body['config'] ?? missing("'config'"), "the connector's 'config'");
        const initialState = parseInitialState(body['initial_state']);
        const result = await herder.putConnectorConfig(connector, withName(connector, config), {
          allowReplace: false,
          ...(initialState === undefined ? {} : { initialState }),
        });
        return { status: 201, body: result.info, headers: { location: connectorLocation(connector) } };
      },
    },
    { method: 'GET', path: '/connectors/{connector}', handler: (r) => ok(herder.connectorInfo(name(r))) },
    {
      method: 'DELETE',
      path: '/connectors/{connector}',
      handler: async (r) => {
        await herder.deleteConnector(name(r));
        return empty(204);
      },
    },
    { method: 'GET', path: '/connectors/{connector}/config', handler: (r) => ok(herder.connectorConfig(name(r))) },
    {
      method: 'PUT',
      path: '/connectors/{connector}/config',
      handler: async (r) => {
        const connector = name(r);
        const config = withName(connector, expectConfig(await r.json(), 'the connector configuration'));
        if (!herder.connectors().includes(connector)) checkNewName(connector);
        const result = await herder.putConnectorConfig(connector, config, { allowReplace: true });
        return result.created
          ? { status: 201, body: result.info, headers: { location: connectorLocation(connector) } }
          : ok(result.info);
      },
    },
    {
      method: 'PATCH',
      path: '/connectors/{connector}/config',
      handler: async (r) => {
        const connector = name(r);
        const patch = expectConfigPatch(await r.json(), 'the connector configuration patch');
        // The Herder contract has no patch of its own: read, apply (null removes), replace.
        const current = herder.connectorConfig(connector);
        const patched = Object.fromEntries(
          Object.entries({ ...current, ...patch }).filter((entry): entry is [string, string] => entry[1] !== null),
        );
        const result = await herder.putConnectorConfig(connector, withName(connector, patched), { allowReplace: true });
        return ok(result.info);
      },
    },
    { method: 'GET', path: '/connectors/{connector}/status', handler: (r) => ok(herder.connectorStatus(name(r))) },
    { method: 'GET', path: '/connectors/{connector}/tasks', handler: (r) => ok(herder.taskConfigs(name(r))) },
    {
      method: 'GET',
      path: '/connectors/{connector}/tasks-config',
      handler: (r) => {
        logger.warn(
          "The 'GET /connectors/{connector}/tasks-config' endpoint is deprecated; use 'GET /connectors/{connector}/tasks'",
        );
        // Kafka's deprecated map form, keyed by the task id's string form `<connector>-<task>`.
        const tasks = herder.taskConfigs(name(r));
        return ok(Object.fromEntries(tasks.map((task) => [`${task.id.connector}-${task.id.task}`, task.config])));
      },
    },
    {
      method: 'GET',
      path: '/connectors/{connector}/tasks/{task}/status',
      handler: (r) => ok(herder.taskStatus(name(r), taskNumber(r))),
    },
    {
      method: 'POST',
      path: '/connectors/{connector}/restart',
      handler: async (r) => {
        const includeTasks = queryFlag(r.query, 'includeTasks', false);
        const onlyFailed = queryFlag(r.query, 'onlyFailed', false);
        const state = await herder.restartConnector(name(r), { includeTasks, onlyFailed });
        return includeTasks || onlyFailed ? { status: 202, body: state } : empty(204);
      },
    },
    {
      method: 'POST',
      path: '/connectors/{connector}/tasks/{task}/restart',
      handler: async (r) => {
        await herder.restartTask(name(r), taskNumber(r));
        return empty(204);
      },
    },
    {
      method: 'PUT',
      path: '/connectors/{connector}/pause',
      handler: async (r) => {
        await herder.pauseConnector(name(r));
        return empty(202);
      },
    },
    {
      method: 'PUT',
      path: '/connectors/{connector}/resume',
      handler: async (r) => {
        await herder.resumeConnector(name(r));
        return empty(202);
      },
    },
    {
      method: 'PUT',
      path: '/connectors/{connector}/stop',
      handler: async (r) => {
        await herder.stopConnector(name(r));
        return empty(204);
      },
    },
    {
      method: 'GET',
      path: '/connectors/{connector}/offsets',
      handler: async (r) => ok({ offsets: await herder.connectorOffsets(name(r)) }),
    },
    {
      method: 'PATCH',
      path: '/connectors/{connector}/offsets',
      handler: async (r) => {
        const offsets = parseOffsets(await r.json());
        await herder.alterConnectorOffsets(name(r), offsets);
        return ok({ message: 'The offsets for this connector have been altered successfully' });
      },
    },
    {
      method: 'DELETE',
      path: '/connectors/{connector}/offsets',
      handler: async (r) => {
        await herder.resetConnectorOffsets(name(r));
        return ok({ message: 'The offsets for this connector have been reset successfully' });
      },
    },
    {
      method: 'GET',
      path: '/connectors/{connector}/topics',
      handler: (r) => ok({ [name(r)]: { topics: herder.connectorTopics(name(r)) } }),
    },
    {
      method: 'PUT',
      path: '/connectors/{connector}/topics/reset',
      handler: (r) => {
        herder.resetConnectorTopics(name(r));
        return empty(202);
      },
    },
  ];
}

function listConnectors(herder: Herder, query: URLSearchParams, logger: Logger): unknown {
  if (!query.has('expand')) return herder.connectors();
  const expansions = query.getAll('expand');
  const out: Record<string, Record<string, unknown>> = {};
  for (const connector of herder.connectors()) {
    try {
      const expanded: Record<string, unknown> = {};
      for (const expansion of expansions) {
        if (expansion === 'status') expanded['status'] = herder.connectorStatus(connector);
        else if (expansion === 'info') expanded['info'] = herder.connectorInfo(connector);
        else logger.info({ expansion }, 'Ignoring unknown expansion type');
      }
      Object.defineProperty(out, connector, { value: expanded, enumerable: true, writable: true, configurable: true });
    } catch (error) {
      // Deleted while we looked it up: leave it out, as Kafka does.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return out;
}

/** Kafka trims the name given to `POST /connectors`; we also refuse names a path cannot carry plainly. */
function creationName(raw: unknown): string {
  if (raw === undefined || raw === null) missing("'name'");
  if (typeof raw !== 'string') throw new RestError(400, `Connector 'name' must be a string, got ${describe(raw)}`);
  const name = raw.trim();
  checkNewName(name);
  return name;
}

function checkNewName(name: string): void {
  if (name === '') throw new RestError(400, 'Connector name must not be empty');
  if (name.includes('/')) throw new RestError(400, `Connector name ${JSON.stringify(name)} must not contain '/'`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) {
    throw new RestError(400, `Connector name ${JSON.stringify(name)} must not contain control characters`);
  }
}

function missing(what: string): never {
  throw new RestError(400, `Missing ${what} in the request body`);
}

/** Kafka's `checkAndPutConnectorConfigName`: a `name` in the config must match, and is added when absent. */
function withName(connector: string, config: Record<string, string>): Record<string, string> {
  const included = config['name'];
  if (included === undefined) return { ...config, name: connector };
  if (included !== connector) {
    throw new RestError(
      400,
      `Connector name configuration (${included}) doesn't match connector name in the URL (${connector})`,
    );
  }
  return config;
}

function parseInitialState(raw: unknown): TargetState | undefined {
  if (raw === undefined || raw === null) return undefined;
  const state = typeof raw === 'string' ? INITIAL_STATES.find((s) => s === raw.toUpperCase()) : undefined;
  if (state === undefined) {
    throw new RestError(
      400,
      `Invalid 'initial_state' ${typeof raw === 'string' ? JSON.stringify(raw) : describe(raw)}: expected one of ${INITIAL_STATES.join(', ')}`,
    );
  }
  return state;
}

function connectorLocation(connector: string): string {
  return `/connectors/${encodeURIComponent(connector)}`;
}

/** A task number from the path; anything else is a 404, as JAX-RS answers an unconvertible path parameter. */
function taskNumber(request: RestRequest): number {
  const raw = request.params['task'] ?? '';
  if (!/^\d{1,9}$/.test(raw)) throw new RestError(404, `Task ${JSON.stringify(raw)} not found`);
  return Number(raw);
}

/** The body of `PATCH /connectors/{n}/offsets`: `{"offsets": [{"partition": {…}, "offset": {…} | null}]}`. */
function parseOffsets(body: unknown): ConnectorOffset[] {
  const list = expectObject(body, 'the offsets request')['offsets'];
  if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) {
    throw new RestError(400, 'Partitions / offsets need to be provided for an alter offsets request');
  }
  if (!Array.isArray(list)) throw new RestError(400, `Expected 'offsets' to be an array, got ${describe(list)}`);
  return list.map((entry: unknown, index) => {
    const item = expectObject(entry, `offsets[${index}]`);
    const partition = offsetMap(item['partition'], `offsets[${index}].partition`);
    if (partition === null) throw new RestError(400, `offsets[${index}].partition must be a JSON object, got null`);
    return { partition, offset: offsetMap(item['offset'], `offsets[${index}].offset`) };
  });
}

function offsetMap(raw: unknown, what: string): Record<string, OffsetValue> | null {
  if (raw === null || raw === undefined) return null;
  const entries = Object.entries(expectObject(raw, what)).map(([key, value]): [string, OffsetValue] => {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return [key, value as OffsetValue];
    throw new RestError(400, `${what}.${key} must be a string, number, boolean or null, got ${describe(value)}`);
  });
  return Object.fromEntries(entries);
}
