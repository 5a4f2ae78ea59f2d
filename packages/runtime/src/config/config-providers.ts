/**
 * Kafka's config providers (KIP-297, KIP-421): a connector value may hold references
 * `${provider:path:key}` (`${env:NAME}`, `${file:/etc/secrets/db.properties:password}`,
 * `${directory:/run/secrets:db-password}`) that the worker replaces when it configures
 * tasks. Providers exist only when the worker declares them:
 *
 *   config.providers=env,file
 *   config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
 *   config.providers.env.param.allowlist.pattern=^DB_.*
 *   config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
 *   config.providers.file.param.allowed.paths=/etc/secrets
 *
 * As in Kafka, `allowlist.pattern` defaults to every variable and `allowed.paths` to every
 * path; set them. Values that came from a provider are secrets: `keysFromProviders` tells
 * which keys they are so the runtime can redact them, and no error here ever contains a
 * resolved value. Unlike Kafka, which leaves an unresolvable reference in place, an
 * unknown provider, a refused variable or path, or a missing key is a ConfigError naming
 * the connector key.
 *
 * Files are read synchronously at resolve time: they are small and read when tasks are
 * configured, not per record.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, resolve as resolvePath, sep } from 'node:path';
import { ConfigError, type ConfigProblem } from '@tributary/api';
import { parseProperties } from './properties.js';

/** Kafka's reference syntax: `${provider:key}` or `${provider:path:key}`. */
const REFERENCE = /\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}/g;

const PACKAGE = 'org.apache.kafka.common.config.provider';
const KINDS: Readonly<Record<string, ProviderKind>> = {
  env: 'env',
  EnvVarConfigProvider: 'env',
  [`${PACKAGE}.EnvVarConfigProvider`]: 'env',
  file: 'file',
  FileConfigProvider: 'file',
  [`${PACKAGE}.FileConfigProvider`]: 'file',
  directory: 'directory',
  DirectoryConfigProvider: 'directory',
  [`${PACKAGE}.DirectoryConfigProvider`]: 'directory',
};

type ProviderKind = 'env' | 'file' | 'directory';

/** One provider: returns the value of `key` under `path`, or throws an Error saying why not. */
interface Provider {
  get(path: string | undefined, key: string): string;
}

/** The providers a worker declared. */
export interface ConfigProviders {
  /** The declared provider names (`config.providers`). */
  readonly names: readonly string[];
  /**
   * `props` with every reference replaced. Throws one ConfigError listing every key whose
   * reference cannot be resolved (the reference is shown, never a resolved value).
   */
  resolve(props: Readonly<Record<string, string>>, context?: string): Record<string, string>;
}

/** True when `value` holds at least one `${provider:…}` reference. */
export function hasProviderReference(value: string): boolean {
  return new RegExp(REFERENCE.source).test(value);
}

/**
 * Keys of `props` whose values hold provider references: after `resolve`, their values are
 * secrets and must be redacted wherever the config is shown or logged.
 */
export function keysFromProviders(props: Readonly<Record<string, string>>): string[] {
  return Object.keys(props).filter((k) => hasProviderReference(props[k] ?? ''));
}

/**
 * Builds the providers declared by the worker properties `workerProps`. Errors name the
 * worker key (`config.providers.<n>.class`, `….param.allowlist.pattern`).
 */
export function createConfigProviders(
  workerProps: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConfigProviders {
  const names = (workerProps['config.providers'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const providers = new Map<string, Provider>();
  const problems: ConfigProblem[] = [];
  for (const name of names) {
    try {
      providers.set(name, createProvider(name, workerProps, env));
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, { context: 'config.providers' });

  return {
    names,
    resolve(props, context) {
      const out: Record<string, string> = {};
      const failures: ConfigProblem[] = [];
      for (const [key, value] of Object.entries(props)) {
        try {
          out[key] = value.replace(
            new RegExp(REFERENCE.source, 'g'),
            (reference, provider: string, path: string | undefined, name: string) => {
              const p = providers.get(provider);
              if (p === undefined) {
                const known =
                  names.length === 0 ? 'none are declared (config.providers)' : `declared: ${names.join(', ')}`;
                throw new Error(`${reference} uses unknown config provider '${provider}' (${known})`);
              }
              try {
                return p.get(path, name);
              } catch (err) {
                throw new Error(`${reference} cannot be resolved: ${(err as Error).message}`);
              }
            },
          );
        } catch (err) {
          failures.push({ key, value: undefined, message: (err as Error).message });
        }
      }
      if (failures.length > 0) throw new ConfigError(failures, context === undefined ? {} : { context });
      return out;
    },
  };
}

function createProvider(
  name: string,
  workerProps: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): Provider {
  const classKey = `config.providers.${name}.class`;
  const className = workerProps[classKey]?.trim();
  if (className === undefined || className === '') {
    throw new ConfigError([
      { key: classKey, value: undefined, message: `Missing the class of config provider '${name}'` },
    ]);
  }
  const kind = KINDS[className];
  if (kind === undefined) {
    throw new ConfigError([
      {
        key: classKey,
        value: className,
        message: `Unknown config provider class; use env, file or directory (or ${PACKAGE}.EnvVarConfigProvider, FileConfigProvider, DirectoryConfigProvider)`,
      },
    ]);
  }
  const paramPrefix = `config.providers.${name}.param.`;
  if (kind === 'env')
    return envProvider(workerProps[`${paramPrefix}allowlist.pattern`], `${paramPrefix}allowlist.pattern`, env);
  const allowed = allowedPaths(workerProps[`${paramPrefix}allowed.paths`], `${paramPrefix}allowed.paths`);
  return kind === 'file' ? fileProvider(allowed) : directoryProvider(allowed);
}

function envProvider(
  pattern: string | undefined,
  key: string,
  env: Readonly<Record<string, string | undefined>>,
): Provider {
  let allow: RegExp;
  try {
    // Java's Pattern.matches: the whole name must match.
    allow = new RegExp(`^(?:${pattern ?? '.*'})$`);
  } catch (err) {
    throw new ConfigError([{ key, value: pattern, message: `Invalid regular expression: ${(err as Error).message}` }], {
      cause: err,
    });
  }
  return {
    get(path, variable) {
      if (path !== undefined && path !== '')
        throw new Error(`the env provider takes no path (write \${env:${variable}})`);
      if (!allow.test(variable)) throw new Error(`environment variable ${variable} is not allowed by ${key}`);
      const value = env[variable];
      if (value === undefined) throw new Error(`environment variable ${variable} is not set`);
      return value;
    },
  };
}

/** Normalised absolute directories, or `null` for "any path". */
function allowedPaths(raw: string | undefined, key: string): string[] | null {
  if (raw === undefined || raw.trim() === '') return null;
  const paths = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const relative = paths.filter((p) => !isAbsolute(p));
  if (relative.length > 0)
    throw new ConfigError([{ key, value: raw, message: `Paths must be absolute: ${relative.join(', ')}` }]);
  return paths.map((p) => normalize(p));
}

function checkPath(path: string | undefined, allowed: string[] | null, what: string): string {
  if (path === undefined || path === '') throw new Error(`the ${what} provider needs a path (\${${what}:/path:key})`);
  const normalised = resolvePath(normalize(path));
  if (allowed !== null && !allowed.some((dir) => isUnder(normalised, dir)))
    throw new Error(`path ${path} is not in the provider's allowed.paths`);
  return normalised;
}

function isUnder(path: string, dir: string): boolean {
  if (path === dir) return true;
  return path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function fileProvider(allowed: string[] | null): Provider {
  return {
    get(path, key) {
      const file = checkPath(path, allowed, 'file');
      const props = parseProperties(readFileSync(file, 'utf8'), file);
      const value = props[key];
      if (value === undefined) throw new Error(`key ${key} is not in ${file}`);
      return value;
    },
  };
}

function directoryProvider(allowed: string[] | null): Provider {
  return {
    get(path, key) {
      const dir = checkPath(path, allowed, 'directory');
      if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
      // Only regular files directly in the directory, as Kafka's DirectoryConfigProvider.
      if (!readdirSync(dir).includes(key) || !statSync(join(dir, key)).isFile())
        throw new Error(`no file ${key} in ${dir}`);
      return readFileSync(join(dir, key), 'utf8');
    },
  };
}
