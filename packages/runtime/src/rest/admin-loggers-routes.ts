/**
 * `/admin/loggers/*`: Kafka Connect's `LoggingResource`, over whatever keeps the worker's
 * logger levels (`logging/logger-levels.ts`'s LoggerLevels satisfies LoggerLevelsLike).
 */
import type { Logger } from '@tributary/api';
import { describe, expectObject } from './request-body.js';
import { RestError } from './rest-error.js';
import type { Route } from './router.js';

/** Kafka's `LoggerLevel` entity. */
export interface RestLoggerLevel {
  /** A log4j level name: `OFF`, `FATAL`, `ERROR`, `WARN`, `INFO`, `DEBUG`, `TRACE` or `ALL`. */
  readonly level: string;
  /** When the level was last set through `set`, in epoch milliseconds; null if never. */
  readonly last_modified: number | null;
}

/** The worker's named loggers, as the REST API reads and changes them. */
export interface LoggerLevelsLike {
  /** Every logger whose level is known, by name (the root logger included). */
  list(): Readonly<Record<string, RestLoggerLevel>>;
  /** One logger; undefined (or a NotFoundError) when no logger of that name exists. */
  get(name: string): RestLoggerLevel | undefined;
  /**
   * Sets `name` and every logger below it (`a.b` covers `a.b.c`) to `level`, an upper-case
   * log4j level name, and returns the names of the loggers it changed.
   */
  set(name: string, level: string): string[];
}

/** log4j's level names, which `Level.toLevel` accepts. */
const LEVELS = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'];

export function adminLoggersRoutes(loggers: LoggerLevelsLike, logger: Logger): Route[] {
  return [
    { method: 'GET', path: '/admin/loggers', handler: () => ({ status: 200, body: loggers.list() }) },
    {
      method: 'GET',
      path: '/admin/loggers/{logger}',
      handler: (r) => {
        const name = r.params['logger'] ?? '';
        const level = loggers.get(name);
        if (level === undefined) throw new RestError(404, `Logger ${name} not found.`);
        return { status: 200, body: level };
      },
    },
    {
      method: 'PUT',
      path: '/admin/loggers/{logger}',
      handler: async (r) => {
        const name = r.params['logger'] ?? '';
        const raw = expectObject(await r.json(), 'the logger level')['level'];
        if (raw === undefined || raw === null) {
          throw new RestError(400, "Desired 'level' parameter was not specified in request.");
        }
        if (typeof raw !== 'string') throw new RestError(400, `'level' must be a string, got ${describe(raw)}`);
        const level = raw.toUpperCase();
        // Kafka answers an unknown level with 404, not 400.
        if (!LEVELS.includes(level)) throw new RestError(404, `invalid log level '${raw}'.`);
        const scope = (r.query.get('scope') ?? 'worker').toLowerCase();
        if (scope !== 'worker' && scope !== 'cluster') {
          logger.warn({ scope }, 'Invalid scope in request to adjust logging level; using worker');
        }
        const affected = loggers.set(name, level);
        // A standalone worker is the whole cluster: `cluster` scope applies here and answers 204.
        return scope === 'cluster' ? { status: 204 } : { status: 200, body: affected };
      },
    },
  ];
}
