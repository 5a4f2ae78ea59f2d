/**
 * A minimal but real Herder for the REST server's tests: connectors live in a Map, tasks
 * are just their configs, states follow the target state. It validates configurations
 * with `defineConfig` like the worker does, and can be told to fail or to hang so the
 * server's error paths are exercised.
 */
import {
  ConfigError,
  type ConfigKeyInfo,
  className,
  defineConfig,
  describeKey,
  int,
  NotFoundError,
  password,
  string,
} from '@tributary/api';
import {
  type ConfigInfos,
  ConflictError,
  type ConnectorInfo,
  type ConnectorOffset,
  type ConnectorStateInfo,
  type ConnectorType,
  type Herder,
  type PluginDescription,
  type RestartRequest,
  type TargetState,
  type TaskInfo,
  type TaskStatus,
} from '../../src/herder.js';

const SOURCE_CLASS = 'org.example.FileStreamSourceConnector';
const SINK_CLASS = 'org.example.FileStreamSinkConnector';

const CONNECTOR_CONFIG = defineConfig({
  name: string({ doc: 'Connector name.' }),
  'connector.class': className({ doc: 'Connector class.' }),
  'tasks.max': int({ default: 1, min: 1, doc: 'Maximum number of tasks.' }),
  file: string({ default: null, doc: 'File to read or write.' }),
  'file.password': password({ default: null, doc: 'A secret, to see it hidden.' }),
});

const PLUGINS: readonly PluginDescription[] = [
  { class: SOURCE_CLASS, type: 'source', version: '1.0.0' },
  { class: SINK_CLASS, type: 'sink', version: '1.0.0' },
  { class: 'org.example.Uppercase', type: 'transformation', version: '1.0.0' },
];

interface Entry {
  config: Record<string, string>;
  target: TargetState;
  offsets: ConnectorOffset[];
  topics: string[];
}

export class MapHerder implements Herder {
  readonly workerId = 'worker-1:8083';
  isReady = true;
  /** When set, `connectorStatus` throws it (an unexpected fault). */
  fault: Error | undefined;
  /** When true, `kafkaClusterId` never settles. */
  isClusterUnreachable = false;
  readonly #connectors = new Map<string, Entry>();
  readonly restarts: { name: string; request: RestartRequest }[] = [];
  readonly taskRestarts: { name: string; task: number }[] = [];

  kafkaClusterId(): Promise<string> {
    return this.isClusterUnreachable ? new Promise(() => {}) : Promise.resolve('cluster-A1');
  }

  connectors(): string[] {
    return [...this.#connectors.keys()];
  }

  connectorInfo(name: string): ConnectorInfo {
    const entry = this.#entry(name);
    return { name, config: entry.config, tasks: this.#taskIds(name, entry), type: typeOf(entry.config) };
  }

  connectorConfig(name: string): Record<string, string> {
    return { ...this.#entry(name).config };
  }

  connectorStatus(name: string): ConnectorStateInfo {
    if (this.fault !== undefined) throw this.fault;
    const entry = this.#entry(name);
    const state = entry.target;
    const tasks = this.#taskIds(name, entry).map((id) => this.taskStatus(name, id.task));
    return { name, connector: { state, worker_id: this.workerId }, tasks, type: typeOf(entry.config) };
  }

  taskConfigs(name: string): TaskInfo[] {
    const entry = this.#entry(name);
    return this.#taskIds(name, entry).map((id) => ({ id, config: { ...entry.config, 'task.id': String(id.task) } }));
  }

  taskStatus(name: string, task: number): TaskStatus {
    const entry = this.#entry(name);
    if (task >= this.#taskIds(name, entry).length) throw new NotFoundError(`Task ${name}-${task} not found`);
    return { id: task, state: entry.target === 'PAUSED' ? 'PAUSED' : 'RUNNING', worker_id: this.workerId };
  }

  async putConnectorConfig(
    name: string,
    config: Record<string, string>,
    options: { readonly allowReplace: boolean; readonly initialState?: TargetState },
  ): Promise<{ readonly created: boolean; readonly info: ConnectorInfo }> {
    CONNECTOR_CONFIG.parse(config, `connector ${name}`);
    if (!PLUGINS.some((p) => p.class === config['connector.class'])) {
      throw new ConfigError([
        { key: 'connector.class', value: config['connector.class'], message: 'No connector plugin of that name' },
      ]);
    }
    const existing = this.#connectors.get(name);
    if (existing !== undefined && !options.allowReplace) throw new ConflictError(`Connector ${name} already exists`);
    this.#connectors.set(name, {
      config: { ...config },
      target: existing?.target ?? options.initialState ?? 'RUNNING',
      offsets: existing?.offsets ?? [],
      topics: existing?.topics ?? [`topic-of-${name}`],
    });
    return { created: existing === undefined, info: this.connectorInfo(name) };
  }

  async deleteConnector(name: string): Promise<void> {
    this.#entry(name);
    this.#connectors.delete(name);
  }

  async restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo> {
    const status = this.connectorStatus(name);
    this.restarts.push({ name, request });
    const restarting = (state: string) => (request.onlyFailed && state !== 'FAILED' ? state : 'RESTARTING');
    return {
      ...status,
      connector: { ...status.connector, state: restarting(status.connector.state) as 'RESTARTING' },
      tasks: request.includeTasks
        ? status.tasks.map((t) => ({ ...t, state: restarting(t.state) as 'RUNNING' }))
        : status.tasks,
    };
  }

  async restartTask(name: string, task: number): Promise<void> {
    this.taskStatus(name, task);
    this.taskRestarts.push({ name, task });
  }

  async pauseConnector(name: string): Promise<void> {
    this.#entry(name).target = 'PAUSED';
  }

  async resumeConnector(name: string): Promise<void> {
    this.#entry(name).target = 'RUNNING';
  }

  async stopConnector(name: string): Promise<void> {
    this.#entry(name).target = 'STOPPED';
  }

  async connectorOffsets(name: string): Promise<ConnectorOffset[]> {
    return this.#entry(name).offsets;
  }

  async alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<void> {
    const entry = this.#stopped(name);
    const key = (o: ConnectorOffset) => JSON.stringify(o.partition);
    const byPartition = new Map(entry.offsets.map((o) => [key(o), o]));
    for (const offset of offsets) {
      if (offset.offset === null) byPartition.delete(key(offset));
      else byPartition.set(key(offset), offset);
    }
    entry.offsets = [...byPartition.values()];
  }

  async resetConnectorOffsets(name: string): Promise<void> {
    this.#stopped(name).offsets = [];
  }

  connectorTopics(name: string): string[] {
    return this.#entry(name).topics;
  }

  resetConnectorTopics(name: string): void {
    this.#entry(name).topics = [];
  }

  plugins(connectorsOnly: boolean): PluginDescription[] {
    return PLUGINS.filter((p) => !connectorsOnly || p.type === 'source' || p.type === 'sink');
  }

  pluginConfig(pluginName: string): ConfigKeyInfo[] {
    this.#plugin(pluginName);
    return Object.entries(CONNECTOR_CONFIG.keys).map(([key, definition]) => describeKey(key, definition));
  }

  async validateConfig(pluginName: string, config: Record<string, string>): Promise<ConfigInfos> {
    const plugin = this.#plugin(pluginName);
    const values = CONNECTOR_CONFIG.validate({ 'connector.class': plugin.class, ...config });
    const configs = values.map((value) => ({
      definition: describeKey(value.name, CONNECTOR_CONFIG.keys[value.name as keyof typeof CONNECTOR_CONFIG.keys]),
      value: { ...value, recommended_values: [], visible: true },
    }));
    return {
      name: plugin.class,
      error_count: values.reduce((n, v) => n + v.errors.length, 0),
      groups: ['Common'],
      configs,
    };
  }

  #entry(name: string): Entry {
    const entry = this.#connectors.get(name);
    if (entry === undefined) throw new NotFoundError(`Connector ${name} not found`);
    return entry;
  }

  #stopped(name: string): Entry {
    const entry = this.#entry(name);
    if (entry.target !== 'STOPPED') {
      throw new ConflictError('Connectors must be in the STOPPED state before their offsets can be modified.');
    }
    return entry;
  }

  #taskIds(name: string, entry: Entry): { connector: string; task: number }[] {
    const count = entry.target === 'STOPPED' ? 0 : Number(entry.config['tasks.max'] ?? '1');
    return Array.from({ length: count }, (_, task) => ({ connector: name, task }));
  }

  #plugin(pluginName: string): PluginDescription {
    const plugin = PLUGINS.find((p) => p.class === pluginName || p.class.endsWith(`.${pluginName}`));
    if (plugin === undefined) throw new NotFoundError(`Unknown plugin ${pluginName}`);
    return plugin;
  }
}

function typeOf(config: Readonly<Record<string, string>>): ConnectorType {
  const plugin = PLUGINS.find((p) => p.class === config['connector.class']);
  return plugin?.type === 'source' || plugin?.type === 'sink' ? plugin.type : 'unknown';
}

export { SINK_CLASS, SOURCE_CLASS };
