/**
 * The standalone worker: every connector and task runs in this process, connector
 * configurations live in memory (they come from the command line's files or the REST API),
 * and only source offsets are persisted (the offset store). Implements the Herder the REST
 * API drives; every change goes through one queue, as Kafka's StandaloneHerder is
 * `synchronized`.
 */
import { hostname } from 'node:os';
import {
  ConfigError,
  type ConfigKeyInfo,
  type ConfigProblem,
  ConnectError,
  type ConnectorPlugin,
  describeKey,
  type Logger,
  NotFoundError,
  type Plugin,
  type Props,
  type SourceOffset,
  type SourcePartition,
} from '@tributary/api';
import { createWireClient, errorName } from '@tributary/protocol';
import type { Admin } from 'kafkajs';
import { type ConfigProviders, createConfigProviders, keysFromProviders } from '../config/config-providers.js';
import { validateConnectorConfig } from '../config/connector-config.js';
import { bootstrapServersOf, clientProps } from '../config/kafka-client.js';
import type { ParsedWorkerConfig } from '../config/worker-config.js';
import {
  type ConfigInfos,
  ConflictError,
  type ConnectorInfo,
  type ConnectorOffset,
  type ConnectorStateInfo,
  type Herder,
  type PluginDescription,
  type RestartRequest,
  type TargetState,
  type TaskInfo,
  type TaskStatus,
} from '../herder.js';
import { redact } from '../logging/root-logger.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import { createOffsetStorageReader } from '../offsets/offset-storage-reader.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { OffsetStore } from '../task-parts.js';
import { ConnectorWorker, type ResolvedConfig } from './connector-worker.js';
import { createKafka } from './kafka-clients.js';
import { redactingLogger } from './redacting-logger.js';
import { SerialQueue } from './serial-queue.js';
import {
  alterSinkOffsets,
  type GroupOffsetCommitter,
  parseSinkOffsets,
  readSinkOffsets,
  resetSinkOffsets,
  sinkGroupId,
} from './sink-offsets.js';
import { createTaskFactory } from './task-factory.js';

export interface StandaloneHerderOptions {
  readonly worker: ParsedWorkerConfig;
  readonly registry: PluginRegistry;
  readonly offsetStore: OffsetStore;
  readonly logger: Logger;
  /** Loggers for connectors and tasks (default: children of `logger`). */
  readonly loggerFor?: (name: string, bindings: Record<string, unknown>) => Logger;
  readonly metrics: MetricsRegistry;
  /** `host:port` shown in statuses; default the host name and the first listener's port. */
  readonly workerId?: string;
  /** Environment for the `env` config provider (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

interface Entry {
  readonly worker: ConnectorWorker;
  readonly topics: Set<string>;
}

const PLUGIN_TYPES: Readonly<Record<Plugin['kind'], PluginDescription['type']>> = {
  source: 'source',
  sink: 'sink',
  converter: 'converter',
  'header-converter': 'header_converter',
  transform: 'transformation',
  predicate: 'predicate',
};

/** Keys whose values are secrets whatever their declared type (client credentials in overrides). */
const SECRET_KEY =
  /(^|\.)(password|sasl\.jaas\.config|ssl\.key\.password|ssl\.keystore\.key|basic\.auth\.user\.info|secret|token)$/i;

export class StandaloneHerder implements Herder {
  /** Set by the caller once the REST listener's port is known, before connectors are created. */
  workerId: string;
  readonly #options: StandaloneHerderOptions;
  readonly #providers: ConfigProviders;
  readonly #queue = new SerialQueue();
  readonly #connectors = new Map<string, Entry>();
  #admin: Admin | null = null;
  #clusterId: string | null = null;
  #isReady = false;
  #isStopped = false;

  constructor(options: StandaloneHerderOptions) {
    this.#options = options;
    this.#providers = createConfigProviders(options.worker.props, options.env);
    this.workerId = options.workerId ?? defaultWorkerId(options.worker.config.listeners);
  }

  get isReady(): boolean {
    return this.#isReady;
  }

  /** Connects the worker's admin client and learns the cluster id; throws when Kafka is unreachable. */
  async start(): Promise<void> {
    const { kafka } = createKafka({
      workerProps: this.#options.worker.props,
      kind: 'admin',
      clientId: 'tributary-worker-admin',
      logger: this.#options.logger,
    });
    const admin = kafka.admin();
    await admin.connect();
    this.#admin = admin;
    this.#clusterId = (await admin.describeCluster()).clusterId;
  }

  /** Marks startup as complete (`GET /health`). */
  markReady(): void {
    this.#isReady = true;
  }

  /** Stops every connector (tasks stop gracefully: flush and commit), then the admin client. Idempotent. */
  async stop(): Promise<void> {
    await this.#queue.run(async () => {
      if (this.#isStopped) return;
      this.#isStopped = true;
      this.#isReady = false;
      await Promise.all([...this.#connectors.values()].map((e) => e.worker.shutdown()));
      this.#connectors.clear();
      await this.#admin?.disconnect();
      this.#admin = null;
    });
  }

  async kafkaClusterId(): Promise<string> {
    if (this.#clusterId === null) this.#clusterId = (await this.#requireAdmin().describeCluster()).clusterId;
    return this.#clusterId;
  }

  connectors(): string[] {
    return [...this.#connectors.keys()].sort();
  }

  connectorInfo(name: string): ConnectorInfo {
    const { worker } = this.#entry(name);
    return {
      name,
      config: { ...worker.config },
      tasks: worker.taskConfigs.map((_, task) => ({ connector: name, task })),
      type: worker.plugin.kind,
    };
  }

  connectorConfig(name: string): Record<string, string> {
    return { ...this.#entry(name).worker.config };
  }

  connectorStatus(name: string): ConnectorStateInfo {
    return this.#entry(name).worker.status();
  }

  taskConfigs(name: string): TaskInfo[] {
    return this.#entry(name).worker.taskConfigs.map((config, task) => ({
      id: { connector: name, task },
      config: { ...config },
    }));
  }

  taskStatus(name: string, task: number): TaskStatus {
    const { worker } = this.#entry(name);
    if (!worker.hasTask(task)) throw new NotFoundError(`Task ${name}-${task} not found`);
    return worker.taskStatus(task);
  }

  /**
   * Throws the ConfigError `putConnectorConfig` would throw for `config`, without creating
   * anything or contacting Kafka (the command line checks every file before starting).
   */
  async checkConnectorConfig(name: string, config: Record<string, string>): Promise<void> {
    const infos = await this.#validate({ ...config, name });
    if (infos.error_count > 0) throw configErrorOf(name, infos);
  }

  async putConnectorConfig(
    name: string,
    config: Record<string, string>,
    options: { readonly allowReplace: boolean; readonly initialState?: TargetState },
  ): Promise<{ readonly created: boolean; readonly info: ConnectorInfo }> {
    const props: Props = { ...config, name };
    const infos = await this.#validate(props);
    if (infos.error_count > 0) throw configErrorOf(name, infos);
    const plugin = this.#options.registry.resolveConnector(props['connector.class'] ?? '');
    return this.#queue.run(async () => {
      this.#checkRunning();
      const existing = this.#connectors.get(name);
      if (existing !== undefined && !options.allowReplace) throw new ConflictError(`Connector ${name} already exists`);
      let targetState: TargetState = options.initialState ?? 'RUNNING';
      if (existing !== undefined) {
        targetState = existing.worker.targetState;
        await existing.worker.shutdown();
        this.#connectors.delete(name);
      }
      const topics = existing?.topics ?? new Set<string>();
      const worker = this.#createWorker(name, plugin, props, targetState, topics);
      this.#connectors.set(name, { worker, topics });
      await worker.start();
      this.#options.logger.info(
        { connector: name, state: worker.state },
        existing === undefined ? 'Connector created' : 'Connector reconfigured',
      );
      return { created: existing === undefined, info: this.connectorInfo(name) };
    });
  }

  async deleteConnector(name: string): Promise<void> {
    await this.#queue.run(async () => {
      const { worker } = this.#entry(name);
      await worker.shutdown();
      this.#connectors.delete(name);
      this.#options.logger.info({ connector: name }, 'Connector deleted');
    });
  }

  restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo> {
    return this.#queue.run(() => this.#entry(name).worker.restart(request));
  }

  async restartTask(name: string, task: number): Promise<void> {
    await this.#queue.run(async () => {
      const { worker } = this.#entry(name);
      if (!worker.hasTask(task)) throw new NotFoundError(`Task ${name}-${task} not found`);
      await worker.restartTask(task);
    });
  }

  async pauseConnector(name: string): Promise<void> {
    await this.#queue.run(() => this.#entry(name).worker.pause());
  }

  async resumeConnector(name: string): Promise<void> {
    await this.#queue.run(() => this.#entry(name).worker.resume());
  }

  async stopConnector(name: string): Promise<void> {
    await this.#queue.run(() => this.#entry(name).worker.stop());
  }

  async connectorOffsets(name: string): Promise<ConnectorOffset[]> {
    const { worker } = this.#entry(name);
    if (worker.plugin.kind === 'sink') return readSinkOffsets(this.#requireAdmin(), sinkGroupId(name));
    return this.#options.offsetStore.entries(name).map(([partition, offset]) => ({ partition, offset }));
  }

  async alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<void> {
    await this.#queue.run(async () => {
      const worker = this.#stoppedWorker(name, 'altered');
      const props = worker.config;
      if (worker.plugin.kind === 'sink') {
        const changes = parseSinkOffsets(offsets);
        const connector = worker.plugin.connector();
        await connector.alterOffsets?.(props, changes);
        await alterSinkOffsets(this.#requireAdmin(), sinkGroupId(name), changes, this.#groupOffsetCommitter());
        return;
      }
      const entries = offsets.map((o): [SourcePartition, SourceOffset | null] => [o.partition, o.offset]);
      const connector = worker.plugin.connector();
      await connector.alterOffsets?.(props, new Map(entries));
      await this.#options.offsetStore.set(name, entries);
    });
  }

  /**
   * The protocol client's member-less OffsetCommit on the worker's admin cluster, when that
   * is PLAINTEXT (the client has no TLS or SASL); otherwise kafkajs' slower setOffsets.
   */
  #groupOffsetCommitter(): GroupOffsetCommitter | undefined {
    const props = clientProps(this.#options.worker.props, 'admin');
    const protocol = props['security.protocol']?.trim().toUpperCase() || 'PLAINTEXT';
    if (protocol !== 'PLAINTEXT') return undefined;
    return async (groupId, offsets) => {
      const client = createWireClient({
        bootstrapServers: bootstrapServersOf(props),
        clientId: props['client.id']?.trim() || 'tributary-worker-admin',
      });
      try {
        const refused = (await client.commitGroupOffsets(groupId, offsets)).filter((r) => r.errorCode !== 0);
        if (refused.length > 0) {
          const list = refused.map((r) => `${r.topic}-${r.partition}: ${errorName(r.errorCode)}`).join(', ');
          throw new ConnectError(`Kafka refused the offsets of consumer group ${groupId} for ${list}`, {
            code: 'KAFKA',
          });
        }
      } finally {
        await client.close();
      }
    };
  }

  async resetConnectorOffsets(name: string): Promise<void> {
    await this.#queue.run(async () => {
      const worker = this.#stoppedWorker(name, 'reset');
      if (worker.plugin.kind === 'sink') {
        const connector = worker.plugin.connector();
        const current = await readSinkOffsets(this.#requireAdmin(), sinkGroupId(name));
        await connector.alterOffsets?.(
          worker.config,
          parseSinkOffsets(current).map((c) => ({ ...c, offset: null })),
        );
        await resetSinkOffsets(this.#requireAdmin(), sinkGroupId(name));
        return;
      }
      const connector = worker.plugin.connector();
      const entries = this.#options.offsetStore.entries(name);
      await connector.alterOffsets?.(worker.config, new Map(entries.map(([p]) => [p, null])));
      await this.#options.offsetStore.clear(name);
    });
  }

  connectorTopics(name: string): string[] {
    const entry = this.#entry(name);
    return [...entry.topics].sort();
  }

  resetConnectorTopics(name: string): void {
    const entry = this.#entry(name);
    if (!this.#options.worker.config['topic.tracking.allow.reset']) {
      throw new ConflictError('Topic tracking reset is disabled (topic.tracking.allow.reset=false)');
    }
    entry.topics.clear();
  }

  plugins(connectorsOnly: boolean): PluginDescription[] {
    const plugins = this.#options.registry.list(connectorsOnly ? 'connector' : undefined);
    return (
      plugins
        // Kafka answers with class names; ours are the first alias where there is one.
        .map((p) => ({ class: p.aliases[0] ?? p.name, type: PLUGIN_TYPES[p.kind], version: p.version }))
        .sort((a, b) => a.type.localeCompare(b.type) || a.class.localeCompare(b.class))
    );
  }

  pluginConfig(pluginName: string): ConfigKeyInfo[] {
    const plugin = this.#findPlugin(pluginName);
    return Object.entries(plugin.config.keys).map(([name, key]) => describeKey(name, key));
  }

  async validateConfig(pluginName: string, config: Record<string, string>): Promise<ConfigInfos> {
    const plugin = this.#findPlugin(pluginName);
    if (plugin.kind !== 'source' && plugin.kind !== 'sink') {
      throw new ConfigError([
        { key: 'connector.class', value: pluginName, message: `${pluginName} is not a connector` },
      ]);
    }
    return this.#validate({ ...config, 'connector.class': config['connector.class'] ?? pluginName });
  }

  // ---- internals ----

  /**
   * Validates `props` as they will run: with config-provider references resolved (as Kafka
   * does), but answering with the references and with resolved values removed from messages.
   */
  async #validate(props: Props): Promise<ConfigInfos> {
    const providerKeys = keysFromProviders(props);
    const options = { overridePolicy: this.#options.worker.overridePolicy };
    if (providerKeys.length === 0) return validateConnectorConfig(props, this.#options.registry, options);
    let resolved: Props;
    try {
      resolved = this.#providers.resolve(props, `connector ${props['name'] ?? ''}`);
    } catch (err) {
      // An unresolvable reference is a problem of its key, reported like any other.
      if (!(err instanceof ConfigError)) throw err;
      return withProblems(validateConnectorConfig(props, this.#options.registry, options), err.problems);
    }
    const secrets = providerKeys.map((k) => resolved[k] ?? '');
    const infos = validateConnectorConfig(resolved, this.#options.registry, options);
    return {
      ...infos,
      configs: infos.configs.map((c) =>
        providerKeys.includes(c.value.name) || c.value.errors.length > 0
          ? {
              definition: c.definition,
              value: {
                ...c.value,
                value: providerKeys.includes(c.value.name) ? (props[c.value.name] ?? null) : c.value.value,
                errors: c.value.errors.map((e) => redact(e, secrets)),
              },
            }
          : c,
      ),
    };
  }

  #createWorker(
    name: string,
    plugin: ConnectorPlugin,
    props: Props,
    targetState: TargetState,
    topics: Set<string>,
  ): ConnectorWorker {
    const loggerFor =
      this.#options.loggerFor ??
      ((_n: string, bindings: Record<string, unknown>) => this.#options.logger.child(bindings));
    let secrets: readonly string[] = [];
    const logger = redactingLogger(loggerFor(`connector.${plugin.name}`, { connector: name }), () => secrets);
    const tasksMax = Number(props['tasks.max'] ?? '1');
    const isMaxTasksEnforced = (props['tasks.max.enforce'] ?? 'true').trim().toLowerCase() !== 'false';
    const worker: ConnectorWorker = new ConnectorWorker({
      name,
      plugin,
      config: props,
      targetState,
      workerId: this.workerId,
      logger,
      workerBootstrapServers: bootstrapServersOf(this.#options.worker.props),
      maxTasks: Number.isSafeInteger(tasksMax) && tasksMax > 0 ? tasksMax : 1,
      isMaxTasksEnforced,
      resolve: (config) => {
        const resolved = this.#resolve(name, plugin, config);
        secrets = resolved.secrets;
        return resolved;
      },
      offsetStorageReader: createOffsetStorageReader(this.#options.offsetStore, name),
      openTasks: (resolved) =>
        createTaskFactory({
          connectorName: name,
          plugin,
          connectorProps: resolved.props,
          worker: this.#options.worker,
          registry: this.#options.registry,
          offsetStore: this.#options.offsetStore,
          metrics: this.#options.metrics,
          logger,
          taskLogger: (task) =>
            redactingLogger(loggerFor(`task.${plugin.name}`, { connector: name, task }), () => secrets),
          onTopicUsed: (topic) => {
            if (this.#options.worker.config['topic.tracking.enable']) topics.add(topic);
          },
        }),
      requestReconfiguration: () => {
        void this.#queue
          .run(async () => {
            if (this.#connectors.get(name)?.worker === worker) await worker.reconfigure();
          })
          .catch((err: unknown) => logger.error({ err }, 'Task reconfiguration failed'));
      },
    });
    return worker;
  }

  /** Resolves config-provider references and collects the values that must never be shown. */
  #resolve(name: string, plugin: ConnectorPlugin, config: Props): ResolvedConfig {
    const providerKeys = keysFromProviders(config);
    const props = providerKeys.length === 0 ? { ...config } : this.#providers.resolve(config, `connector ${name}`);
    const secrets = new Set<string>();
    for (const key of providerKeys) secrets.add(props[key] ?? '');
    for (const [key, value] of Object.entries(props)) {
      if (plugin.config.keys[key]?.type === 'password' || SECRET_KEY.test(key)) secrets.add(value);
    }
    secrets.delete('');
    return { props, secrets: [...secrets], providerKeys };
  }

  #findPlugin(pluginName: string): Plugin {
    const registry = this.#options.registry;
    const attempts = [
      () => registry.resolveConnector(pluginName),
      () => registry.resolveConverter(pluginName),
      () => registry.resolveHeaderConverter(pluginName),
      () => registry.resolveTransform(pluginName),
      () => registry.resolvePredicate(pluginName),
    ];
    for (const attempt of attempts) {
      try {
        return attempt();
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
      }
    }
    throw new NotFoundError(`Unknown plugin ${pluginName}`);
  }

  #entry(name: string): Entry {
    const entry = this.#connectors.get(name);
    if (entry === undefined) throw new NotFoundError(`Connector ${name} not found`);
    return entry;
  }

  #stoppedWorker(name: string, what: 'altered' | 'reset'): ConnectorWorker {
    const { worker } = this.#entry(name);
    if (worker.targetState !== 'STOPPED' || worker.state !== 'STOPPED') {
      throw new ConflictError(
        `Connectors must be in the STOPPED state before their offsets can be ${what}. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      );
    }
    return worker;
  }

  #requireAdmin(): Admin {
    if (this.#admin === null) throw new ConflictError('The worker is not started');
    return this.#admin;
  }

  #checkRunning(): void {
    if (this.#isStopped) throw new ConflictError('The worker is stopping');
  }
}

function configErrorOf(name: string, infos: ConfigInfos): ConfigError {
  const problems = infos.configs.flatMap((c) =>
    c.value.errors.map((message) => ({
      key: c.value.name,
      value: c.value.value ?? undefined,
      message,
    })),
  );
  return new ConfigError(problems, { context: `connector ${name}` });
}

function defaultWorkerId(listeners: readonly string[]): string {
  const first = listeners[0] ?? 'http://127.0.0.1:8083';
  const port = /:(\d+)\/?$/.exec(first)?.[1] ?? '8083';
  return `${hostname()}:${port}`;
}

/** `infos` with `problems` added to the keys they name. */
function withProblems(infos: ConfigInfos, problems: readonly ConfigProblem[]): ConfigInfos {
  const configs = infos.configs.map((c) => {
    const extra = problems.filter((p) => p.key === c.value.name).map((p) => p.message);
    return extra.length === 0
      ? c
      : { definition: c.definition, value: { ...c.value, errors: [...c.value.errors, ...extra] } };
  });
  const errorCount = configs.reduce((n, c) => n + c.value.errors.length, 0);
  return { ...infos, configs, error_count: errorCount };
}
