/**
 * What `connect-standalone worker.properties [connector1.properties connector2.json …]`
 * does: reads every file first (so a mistake in any of them stops everything before
 * anything starts), opens the offset file, starts the worker and its REST API on
 * `listeners`, creates each connector, and prints one line saying where the REST API
 * listens. Errors name the file, and for configuration errors the keys and values.
 * `stop()` stops the tasks gracefully (flush, commit offsets), then the REST API.
 */
import { hostname } from 'node:os';
import { ConfigError, type Logger } from '@tributary/api';
import { builtinPlugins } from '../builtin-plugins.js';
import { type ConnectorFile, loadConnectorFile } from '../config/connector-file.js';
import { readPropertiesFile } from '../config/properties.js';
import { parseWorkerConfig } from '../config/worker-config.js';
import { LoggerLevels } from '../logging/logger-levels.js';
import { createRootLogger, type RootLoggerOptions } from '../logging/root-logger.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { FileOffsetStore } from '../offsets/file-offset-store.js';
import { PluginRegistry } from '../plugins/registry.js';
import { type RestServer, startRestServer } from '../rest/rest-server.js';
import { StandaloneHerder } from './standalone-herder.js';

export interface RunStandaloneOptions {
  readonly workerPropsPath: string;
  readonly connectorPaths: readonly string[];
  /** Default: the built-in plugins. */
  readonly registry?: PluginRegistry;
  /** Where the "REST API listening" line goes. */
  readonly stdout: { write(text: string): unknown };
  /** The worker's log (pino JSON lines); default stdout at `info`. */
  readonly log?: RootLoggerOptions;
  /** Shown by `GET /`. */
  readonly version?: string;
  readonly commit?: string;
  /** For the `env` config provider; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface StandaloneHandle {
  readonly herder: StandaloneHerder;
  /** The REST API's first listener, e.g. `http://127.0.0.1:8083`. */
  readonly restUrl: string;
  /** Stops the connectors (tasks flush and commit), the REST API and the offset store. Idempotent. */
  stop(): Promise<void>;
}

export async function runStandalone(options: RunStandaloneOptions): Promise<StandaloneHandle> {
  const workerProps = readPropertiesFile(options.workerPropsPath);
  const worker = parseWorkerConfig(workerProps, options.workerPropsPath);
  const connectorFiles = options.connectorPaths.map((path) => ({ path, file: loadConnectorFile(path) }));
  checkDistinctNames(connectorFiles);

  const rootLogger = createRootLogger(options.log ?? {});
  const loggers = new LoggerLevels(rootLogger);
  const logger = loggers.logger('tributary.worker');
  for (const warning of worker.warnings) logger.warn(warning);

  const offsetStore = new FileOffsetStore(worker.config['offset.storage.file.filename']);
  await offsetStore.start();
  const metrics = new MetricsRegistry();
  const herder = new StandaloneHerder({
    worker,
    registry: options.registry ?? new PluginRegistry(builtinPlugins),
    offsetStore,
    logger,
    loggerFor: (name, bindings) => loggers.logger(name, bindings),
    metrics,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  let rest: RestServer | null = null;
  let isStopped = false;
  const stop = async (): Promise<void> => {
    if (isStopped) return;
    isStopped = true;
    logger.info('Stopping the worker');
    await herder.stop();
    await rest?.close();
    await offsetStore.stop();
    logger.info('Worker stopped');
  };

  try {
    for (const { path, file } of connectorFiles) {
      await herder.checkConnectorConfig(file.name, file.config).catch((err: unknown) => {
        throw withFileContext(err, path);
      });
    }
    await herder.start().catch((err: unknown) => {
      throw new Error(
        `Cannot reach Kafka at bootstrap.servers=${worker.config['bootstrap.servers'].join(',')} (${options.workerPropsPath}): ${(err as Error).message}`,
        { cause: err },
      );
    });
    const username = worker.config['rest.basic.auth.username'];
    const password = worker.config['rest.basic.auth.password'];
    rest = await startRestServer({
      herder,
      listeners: worker.config.listeners.join(','),
      basicAuth: username !== null && password !== null ? { username, password } : null,
      loggers,
      metricsText: () => metrics.render(),
      version: options.version ?? '0.1.0',
      commit: options.commit ?? 'unknown',
      logger: loggers.logger('tributary.rest'),
    });
    herder.workerId = workerIdOf(
      rest,
      worker.config['rest.advertised.host.name'],
      worker.config['rest.advertised.port'],
    );
    for (const { path, file } of connectorFiles) {
      try {
        await herder.putConnectorConfig(file.name, file.config, {
          allowReplace: false,
          ...(file.initialState === undefined ? {} : { initialState: file.initialState }),
        });
      } catch (err) {
        throw withFileContext(err, path);
      }
    }
    herder.markReady();
  } catch (err) {
    await stop().catch((stopError: unknown) =>
      logger.error({ err: stopError }, 'Stopping after a startup failure failed'),
    );
    throw err;
  }

  const names = connectorFiles.map((c) => c.file.name);
  options.stdout.write(
    `tributary connect-standalone: REST API listening on ${rest.urls.join(', ')} (connectors: ${names.length === 0 ? 'none' : names.join(', ')})\n`,
  );
  logStates(herder, names, logger);
  return { herder, restUrl: rest.url, stop };
}

/** `host:port` as other clients reach this worker (Kafka's worker id is its advertised URL's host and port). */
function workerIdOf(rest: RestServer, advertisedHost: string | null, advertisedPort: number | null): string {
  const bound = new URL(rest.url).hostname;
  const isWildcard = bound === '' || bound === '0.0.0.0' || bound === '[::]';
  return `${advertisedHost ?? (isWildcard ? hostname() : bound)}:${advertisedPort ?? rest.port}`;
}

function withFileContext(err: unknown, path: string): Error {
  if (err instanceof ConfigError)
    return new ConfigError(err.problems, { context: `connector file ${path}`, cause: err });
  return new Error(`Cannot create the connector of ${path}: ${(err as Error).message}`, { cause: err });
}

function checkDistinctNames(files: readonly { readonly path: string; readonly file: ConnectorFile }[]): void {
  const seen = new Map<string, string>();
  for (const { path, file } of files) {
    const first = seen.get(file.name);
    if (first !== undefined) {
      throw new ConfigError([
        { key: 'name', value: file.name, message: `The connector name is used by both ${first} and ${path}` },
      ]);
    }
    seen.set(file.name, path);
  }
}

function logStates(herder: StandaloneHerder, names: readonly string[], logger: Logger): void {
  for (const name of names) {
    const status = herder.connectorStatus(name);
    logger.info(
      { connector: name, state: status.connector.state, tasks: status.tasks.map((t) => t.state) },
      'Connector state after startup',
    );
  }
}
