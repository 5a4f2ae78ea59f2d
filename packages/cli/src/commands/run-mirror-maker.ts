/**
 * What `connect-mirror-maker mm2.properties` does: reads the MM2 driver file, maps it to
 * flows (`mirrorMakerPlan` in @tributary/mirror), and runs one standalone worker per flow
 * in this process — no REST API, source offsets in a file per flow under the state
 * directory. Every worker and connector configuration is checked before anything starts,
 * so a mistake stops the whole driver with the key that is wrong. `stop()` stops every
 * flow's tasks gracefully (flush, commit offsets).
 */
import { mkdirSync } from 'node:fs';
import { ConfigError, type Logger } from '@tributary/api';
import { type MirrorFlow, type MirrorMakerPlan, mirrorMakerPlan } from '@tributary/mirror';
import {
  createRootLogger,
  FileOffsetStore,
  LoggerLevels,
  MetricsRegistry,
  type PluginRegistry,
  parseWorkerConfig,
  type RootLoggerOptions,
  readPropertiesFile,
  StandaloneHerder,
} from '@tributary/runtime';

export interface RunMirrorMakerOptions {
  readonly propsPath: string;
  /** `--clusters`: only flows into these clusters. */
  readonly targetClusters?: readonly string[];
  /** `--state-dir`. */
  readonly stateDir: string;
  readonly registry: PluginRegistry;
  /** The log (pino JSON lines); default stdout at `info`. */
  readonly log?: RootLoggerOptions;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface MirrorMakerHandle {
  readonly plan: MirrorMakerPlan;
  /** The running flows' herders, by flow name (`A->B`). */
  readonly herders: ReadonlyMap<string, StandaloneHerder>;
  /** Stops every flow (tasks flush and commit), then the offset stores. Idempotent. */
  stop(): Promise<void>;
}

interface RunningFlow {
  readonly flow: MirrorFlow;
  readonly herder: StandaloneHerder;
  readonly offsetStore: FileOffsetStore;
}

export async function runMirrorMaker(options: RunMirrorMakerOptions): Promise<MirrorMakerHandle> {
  const props = readPropertiesFile(options.propsPath);
  const plan = mirrorMakerPlan(props, {
    stateDir: options.stateDir,
    ...(options.targetClusters === undefined ? {} : { targetClusters: options.targetClusters }),
  });
  if (plan.flows.length === 0) {
    throw new ConfigError(
      [{ key: 'A->B.enabled', value: undefined, message: 'No flow to run: enable one, e.g. A->B.enabled = true' }],
      { context: options.propsPath },
    );
  }
  const workers = plan.flows.map((flow) => ({
    flow,
    worker: parseWorkerConfig(flow.workerProps, `${options.propsPath} (flow ${flow.name})`),
  }));

  const rootLogger = createRootLogger(options.log ?? {});
  const loggers = new LoggerLevels(rootLogger);
  const logger = loggers.logger('tributary.mirror-maker');
  for (const warning of plan.warnings) logger.warn(`${options.propsPath}: ${warning}`);
  mkdirSync(options.stateDir, { recursive: true });

  const metrics = new MetricsRegistry();
  const running: RunningFlow[] = [];
  let isStopped = false;
  const stop = async (): Promise<void> => {
    if (isStopped) return;
    isStopped = true;
    logger.info('Stopping every flow');
    await Promise.all(
      running.map(async ({ herder, offsetStore }) => {
        await herder.stop();
        await offsetStore.stop();
      }),
    );
    logger.info('Stopped');
  };

  try {
    for (const { flow, worker } of workers) {
      const flowLogger = loggers.logger('tributary.mirror-maker', { flow: flow.name });
      for (const warning of worker.warnings) flowLogger.warn(warning);
      const offsetStore = new FileOffsetStore(flow.offsetsFile);
      await offsetStore.start();
      const herder = new StandaloneHerder({
        worker,
        registry: options.registry,
        offsetStore,
        logger: flowLogger,
        loggerFor: (name, bindings) => loggers.logger(name, { flow: flow.name, ...bindings }),
        metrics,
        workerId: flow.name,
        ...(options.env === undefined ? {} : { env: options.env }),
      });
      running.push({ flow, herder, offsetStore });
      for (const connector of flow.connectors) {
        await herder.checkConnectorConfig(connector.name, { ...connector.config }).catch((err: unknown) => {
          throw withFlowContext(err, flow, connector.name);
        });
      }
    }
    for (const { flow, herder } of running) {
      await herder.start().catch((err: unknown) => {
        throw new Error(
          `Cannot reach cluster ${flow.target} at bootstrap.servers=${flow.workerProps['bootstrap.servers'] ?? ''} (flow ${flow.name}): ${(err as Error).message}`,
          { cause: err },
        );
      });
      for (const connector of flow.connectors) {
        await herder
          .putConnectorConfig(connector.name, { ...connector.config }, { allowReplace: false })
          .catch((err: unknown) => {
            throw withFlowContext(err, flow, connector.name);
          });
      }
      herder.markReady();
      logStates(herder, flow, logger);
    }
  } catch (err) {
    await stop().catch((stopError: unknown) =>
      logger.error({ err: stopError }, 'Stopping after a startup failure failed'),
    );
    throw err;
  }
  return { plan, herders: new Map(running.map((r) => [r.flow.name, r.herder])), stop };
}

function withFlowContext(err: unknown, flow: MirrorFlow, connector: string): Error {
  if (err instanceof ConfigError) {
    return new ConfigError(err.problems, { context: `flow ${flow.name}, ${connector}`, cause: err });
  }
  return new Error(`Cannot create ${connector} of flow ${flow.name}: ${(err as Error).message}`, { cause: err });
}

function logStates(herder: StandaloneHerder, flow: MirrorFlow, logger: Logger): void {
  for (const { name } of flow.connectors) {
    const status = herder.connectorStatus(name);
    logger.info(
      { flow: flow.name, connector: name, state: status.connector.state, tasks: status.tasks.map((t) => t.state) },
      'Connector state after startup',
    );
  }
}
