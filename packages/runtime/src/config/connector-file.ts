/**
 * Connector files as `connect-standalone` takes them: a `.properties` file, or JSON shaped
 * like the `POST /connectors` body (`{"name", "config": {…}, "initial_state"?}`) or the
 * `PUT /connectors/{n}/config` body (a flat map that includes `name`).
 *
 * JSON strings are kept, numbers and booleans become their string form (`5` → `"5"`), a
 * `null` value leaves the key unset, and objects or arrays are an error naming the key.
 * The returned `config` always contains `name`.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '@tributary/api';
import type { TargetState } from '../herder.js';
import { parseProperties } from './properties.js';

export interface ConnectorFile {
  readonly name: string;
  readonly config: Record<string, string>;
  /** `initial_state` of a `POST /connectors` body, when given. */
  readonly initialState?: TargetState;
}

const TARGET_STATES: readonly TargetState[] = ['RUNNING', 'PAUSED', 'STOPPED'];

/** Reads a connector file; every error names the file. */
export function loadConnectorFile(path: string): ConnectorFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read connector file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return isJson(path, text) ? fromJson(path, text) : fromProperties(path, text);
}

function isJson(path: string, text: string): boolean {
  if (path.toLowerCase().endsWith('.json')) return true;
  if (path.toLowerCase().endsWith('.properties')) return false;
  return text.trimStart().startsWith('{');
}

function fromProperties(path: string, text: string): ConnectorFile {
  const config = parseProperties(text, path);
  return { name: requireName(path, config['name']), config };
}

function requireName(path: string, name: string | undefined): string {
  if (name === undefined || name.trim() === '') {
    throw new ConfigError([
      {
        key: 'name',
        value: name,
        message: `Connector configuration at ${path} is missing the mandatory 'name' configuration`,
      },
    ]);
  }
  return name.trim();
}

function fromJson(path: string, text: string): ConnectorFile {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`Connector file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(body)) throw new ConfigError(`Connector file ${path} must hold a JSON object`);

  if (isObject(body['config'])) {
    const config = toStrings(path, body['config'], 'config.');
    const name = requireName(path, typeof body['name'] === 'string' ? body['name'] : config['name']);
    if (config['name'] !== undefined && config['name'] !== name) {
      throw new ConfigError([
        {
          key: 'name',
          value: config['name'],
          message: `Connector name in 'config' does not match the one specified in 'name' (${name}) at ${path}`,
        },
      ]);
    }
    const initialState = parseInitialState(path, body['initial_state']);
    return { name, config: { ...config, name }, ...(initialState === undefined ? {} : { initialState }) };
  }

  const config = toStrings(path, body, '');
  return { name: requireName(path, config['name']), config };
}

function parseInitialState(path: string, raw: unknown): TargetState | undefined {
  if (raw === undefined || raw === null) return undefined;
  const state = TARGET_STATES.find((s) => typeof raw === 'string' && s === raw.toUpperCase());
  if (state === undefined) {
    throw new ConfigError([
      { key: 'initial_state', value: String(raw), message: `must be one of ${TARGET_STATES.join(', ')} (in ${path})` },
    ]);
  }
  return state;
}

function toStrings(path: string, map: Record<string, unknown>, keyPrefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  const problems = [];
  for (const [key, value] of Object.entries(map)) {
    if (value === null) continue;
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else
      problems.push({
        key: `${keyPrefix}${key}`,
        value: undefined,
        message: `must be a string, number or boolean, not ${Array.isArray(value) ? 'an array' : 'an object'}`,
      });
  }
  if (problems.length > 0) throw new ConfigError(problems, { context: path });
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
