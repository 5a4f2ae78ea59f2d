/**
 * Named loggers with levels that can be changed at run time, backing Kafka Connect's
 * `/admin/loggers` API. Names form a dotted hierarchy as in log4j: setting a level on
 * `a.b` sets it on `a.b` and on every known logger whose name starts with `a.b.`;
 * setting it on `root` sets it on every logger. A logger first created after such a
 * change takes the level of its nearest named ancestor (else root's). Levels are given
 * and reported with log4j's names.
 */
import { ConfigError, NotFoundError } from '@tributary/api';
import type { Level, LevelWithSilent, Logger } from 'pino';

export const ROOT_LOGGER = 'root';

export type Log4jLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | 'OFF';

const TO_PINO: Readonly<Record<string, LevelWithSilent>> = {
  ALL: 'trace',
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
  FATAL: 'fatal',
  OFF: 'silent',
};

const TO_LOG4J: Readonly<Record<LevelWithSilent, Log4jLevel>> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'FATAL',
  silent: 'OFF',
};

export interface LoggerLevel {
  readonly level: Log4jLevel;
  /** When the level was last set through `set` (ms since the epoch), `null` if never. */
  readonly last_modified: number | null;
}

/** The pino level for a log4j level name (any case); ConfigError naming the value otherwise. */
export function toPinoLevel(level: string): LevelWithSilent {
  const mapped = TO_PINO[level.trim().toUpperCase()];
  if (mapped === undefined) {
    throw new ConfigError([
      {
        key: 'level',
        value: level,
        message: `Invalid log level '${level}'. Use one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF`,
      },
    ]);
  }
  return mapped;
}

export function toLog4jLevel(level: string): Log4jLevel {
  return TO_LOG4J[level as LevelWithSilent] ?? 'INFO';
}

interface Entry {
  level: LevelWithSilent;
  lastModified: number | null;
  readonly instances: Set<WeakRef<Logger>>;
}

export class LoggerLevels {
  readonly #root: Logger;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  /** `root` is the worker's root logger; its level is the `root` logger's. */
  constructor(root: Logger, options: { readonly now?: () => number } = {}) {
    this.#root = root;
    this.#now = options.now ?? Date.now;
    this.#entries.set(ROOT_LOGGER, {
      level: root.level as LevelWithSilent,
      lastModified: null,
      instances: new Set([new WeakRef(root)]),
    });
  }

  /**
   * A child of the root logger named `name` (bound as `logger`) with `bindings`, at the
   * level currently in force for `name`, following later `set` calls on it or an ancestor.
   */
  logger(name: string, bindings: Record<string, unknown> = {}): Logger {
    const entry = this.#entry(name);
    const child = this.#root.child({ logger: name, ...bindings }, { level: entry.level as Level });
    child.level = entry.level;
    entry.instances.add(new WeakRef(child));
    return child;
  }

  /** Every known logger, `root` included, with its level. */
  list(): Record<string, LoggerLevel> {
    const out: Record<string, LoggerLevel> = {};
    for (const name of [...this.#entries.keys()].sort()) out[name] = this.#view(name);
    return out;
  }

  /** The level of `name`; NotFoundError when no such logger exists. */
  get(name: string): LoggerLevel {
    if (!this.#entries.has(name)) throw new NotFoundError(`Logger ${name} not found.`);
    return this.#view(name);
  }

  /**
   * Sets `level` (a log4j name) on `name` and its descendants; returns the names of the
   * loggers changed, sorted. An unknown `name` becomes a known logger.
   */
  set(name: string, level: string): string[] {
    const pinoLevel = toPinoLevel(level);
    if (name.trim() === '')
      throw new ConfigError([{ key: 'logger', value: name, message: 'Logger name must not be empty' }]);
    this.#entry(name);
    const now = this.#now();
    const affected = [...this.#entries.keys()].filter((n) => isWithin(n, name)).sort();
    for (const n of affected) {
      const entry = this.#entries.get(n);
      if (entry === undefined) continue;
      entry.level = pinoLevel;
      entry.lastModified = now;
      for (const ref of entry.instances) {
        const logger = ref.deref();
        if (logger === undefined) entry.instances.delete(ref);
        else logger.level = pinoLevel;
      }
    }
    return affected;
  }

  #entry(name: string): Entry {
    const known = this.#entries.get(name);
    if (known !== undefined) return known;
    const entry: Entry = { level: this.#inheritedLevel(name), lastModified: null, instances: new Set() };
    this.#entries.set(name, entry);
    return entry;
  }

  #inheritedLevel(name: string): LevelWithSilent {
    for (let cut = name.lastIndexOf('.'); cut > 0; cut = name.lastIndexOf('.', cut - 1)) {
      const ancestor = this.#entries.get(name.slice(0, cut));
      if (ancestor !== undefined) return ancestor.level;
    }
    return this.#entries.get(ROOT_LOGGER)?.level ?? (this.#root.level as LevelWithSilent);
  }

  #view(name: string): LoggerLevel {
    const entry = this.#entries.get(name);
    if (entry === undefined) throw new NotFoundError(`Logger ${name} not found.`);
    return { level: TO_LOG4J[entry.level], last_modified: entry.lastModified };
  }
}

function isWithin(candidate: string, namespace: string): boolean {
  return namespace === ROOT_LOGGER || candidate === namespace || candidate.startsWith(`${namespace}.`);
}
