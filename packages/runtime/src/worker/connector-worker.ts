/**
 * One connector on this worker: its connector instance, its tasks and their states, driven
 * to a target state (RUNNING, PAUSED, STOPPED). The herder calls every method through the
 * connector's SerialQueue, so no two run at once.
 *
 * States follow Kafka Connect: the connector is RUNNING once `start` returned, PAUSED or
 * STOPPED with its target, FAILED when `start`, `taskConfigs` or `raiseError` failed it
 * (sticky until restarted). A task is UNASSIGNED until built, then whatever its runner
 * says, FAILED with its trace when building or starting it failed. STOPPED means no tasks
 * at all (KIP-875 empties the task configs). The logger given must already redact the
 * connector's secrets (see `redacting-logger.ts`); traces are redacted here.
 */
import {
  ConnectError,
  type ConnectorContext,
  type ConnectorPlugin,
  type Logger,
  type OffsetStorageReader,
  type Props,
  type SinkConnector,
  type SourceConnector,
} from '@tributary/api';
import type { ConnectorState, ConnectorStateInfo, RestartRequest, TargetState, TaskStatus } from '../herder.js';
import type { TaskRunner, TaskState } from '../task-parts.js';
import { failureTrace } from './failure-trace.js';

/** A task's runner with what was built for it. */
export interface BuiltTask {
  readonly runner: TaskRunner;
  /** Releases the task's parts (converters, transforms, metrics, clients) after the runner stopped. */
  close(): Promise<void>;
}

/** Builds the tasks of one connector start; holds what they share (a producer, an admin client). */
export interface TaskFactory {
  /** Builds, without starting, task `taskId` from its resolved configuration. */
  create(taskId: number, props: Props): Promise<BuiltTask>;
  close(): Promise<void>;
}

/** A connector configuration with config-provider references resolved, and the values to keep secret. */
export interface ResolvedConfig {
  readonly props: Props;
  readonly secrets: readonly string[];
  /** Keys whose values came from a provider: task configs show the reference for them. */
  readonly providerKeys: readonly string[];
}

export interface ConnectorWorkerOptions {
  readonly name: string;
  readonly plugin: ConnectorPlugin;
  /** The configuration as submitted: references unresolved. */
  readonly config: Props;
  readonly targetState: TargetState;
  readonly workerId: string;
  readonly logger: Logger;
  /** The worker's `bootstrap.servers`, for the connector context. */
  readonly workerBootstrapServers: readonly string[];
  readonly resolve: (config: Props) => ResolvedConfig;
  /** Sources: committed offsets of this connector. */
  readonly offsetStorageReader: OffsetStorageReader;
  readonly openTasks: (resolved: ResolvedConfig) => Promise<TaskFactory>;
  /** Asks the herder to call `reconfigure` soon (through the connector's queue). */
  readonly requestReconfiguration: () => void;
  /** The connector's `tasks.max`. */
  readonly maxTasks: number;
  /** `tasks.max.enforce`: fail when the connector returns more task configurations. */
  readonly isMaxTasksEnforced: boolean;
}

interface TaskSlot {
  built: BuiltTask | null;
  /** Overrides the runner's state: UNASSIGNED before the runner exists, RESTARTING, FAILED when building failed. */
  state: TaskState | null;
  failure: Error | null;
}

type AnyConnector = SourceConnector<unknown> | SinkConnector<unknown>;

export class ConnectorWorker {
  readonly name: string;
  readonly plugin: ConnectorPlugin;
  readonly config: Props;
  #targetState: TargetState;
  readonly #options: ConnectorWorkerOptions;

  #connector: AnyConnector | null = null;
  #state: ConnectorState = 'UNASSIGNED';
  #failure: Error | null = null;
  #secrets: readonly string[] = [];
  #resolved: ResolvedConfig | null = null;
  #factory: TaskFactory | null = null;
  /** Task configurations as shown (provider references in place), and as the tasks get them. */
  #shownTaskConfigs: Props[] = [];
  #taskConfigs: Props[] = [];
  #tasks: TaskSlot[] = [];

  constructor(options: ConnectorWorkerOptions) {
    this.#options = options;
    this.name = options.name;
    this.plugin = options.plugin;
    this.config = options.config;
    this.#targetState = options.targetState;
  }

  get targetState(): TargetState {
    return this.#targetState;
  }

  get state(): ConnectorState {
    return this.#state;
  }

  get taskConfigs(): readonly Props[] {
    return this.#shownTaskConfigs;
  }

  /** Brings the connector to its target state from nothing running. */
  async start(): Promise<void> {
    if (this.#targetState === 'STOPPED') {
      this.#state = 'STOPPED';
      return;
    }
    if (!(await this.#startConnector())) return;
    await this.#configureTasks();
    if (this.#state !== 'FAILED') this.#state = this.#targetState === 'PAUSED' ? 'PAUSED' : 'RUNNING';
  }

  /** Stops tasks and the connector; keeps the target state (shutdown, delete, replace). */
  async shutdown(): Promise<void> {
    await this.#stopTasks();
    await this.#stopConnector();
    this.#state = 'UNASSIGNED';
  }

  async pause(): Promise<void> {
    if (this.#targetState === 'STOPPED') {
      // Kafka: pausing a stopped connector starts it paused.
      this.#targetState = 'PAUSED';
      await this.start();
      return;
    }
    this.#targetState = 'PAUSED';
    for (const slot of this.#tasks) slot.built?.runner.pause();
    if (this.#state === 'RUNNING') this.#state = 'PAUSED';
  }

  async resume(): Promise<void> {
    const wasStopped = this.#targetState === 'STOPPED';
    this.#targetState = 'RUNNING';
    if (wasStopped) {
      await this.start();
      return;
    }
    for (const slot of this.#tasks) slot.built?.runner.resume();
    if (this.#state === 'PAUSED') this.#state = 'RUNNING';
  }

  async stop(): Promise<void> {
    this.#targetState = 'STOPPED';
    await this.#stopTasks();
    await this.#stopConnector();
    this.#tasks = [];
    this.#taskConfigs = [];
    this.#shownTaskConfigs = [];
    this.#state = 'STOPPED';
  }

  /** KIP-745: which instances a restart request restarts. */
  restartPlan(request: RestartRequest): { readonly connector: boolean; readonly tasks: readonly number[] } {
    const connector = !request.onlyFailed || this.#state === 'FAILED';
    const tasks = !request.includeTasks
      ? []
      : this.#tasks.flatMap((_, id) => (!request.onlyFailed || this.#taskState(id) === 'FAILED' ? [id] : []));
    return { connector, tasks };
  }

  /**
   * Restarts what `request` names and returns the status as it was when the restart began
   * (the restarted instances as RESTARTING).
   */
  async restart(request: RestartRequest): Promise<ConnectorStateInfo> {
    const before = this.status();
    // A stopped connector has nothing running to restart (it starts again on resume).
    if (this.#targetState === 'STOPPED') return before;
    const plan = this.restartPlan(request);
    const planned: ConnectorStateInfo = {
      ...before,
      connector: plan.connector ? { state: 'RESTARTING', worker_id: this.#options.workerId } : before.connector,
      tasks: before.tasks.map((t) =>
        plan.tasks.includes(t.id) ? { id: t.id, state: 'RESTARTING', worker_id: t.worker_id } : t,
      ),
    };
    if (plan.connector) {
      this.#state = 'RESTARTING';
      await this.#stopConnector();
      if (!(await this.#startConnector())) return planned;
      this.#state = this.#targetState === 'PAUSED' ? 'PAUSED' : 'RUNNING';
      // A started connector gives its task configurations again; new ones restart every task.
      const configs = await this.#generateTaskConfigs();
      if (configs === null) return planned;
      if (this.#tasks.length === 0 || JSON.stringify(configs) !== JSON.stringify(this.#taskConfigs)) {
        await this.#stopTasks();
        this.#setTaskConfigs(configs);
        await this.#startTasks();
        return planned;
      }
    }
    for (const id of plan.tasks) await this.restartTask(id);
    return planned;
  }

  async restartTask(id: number): Promise<void> {
    const slot = this.#tasks[id];
    const props = this.#taskConfigs[id];
    if (slot === undefined || props === undefined) return;
    slot.state = 'RESTARTING';
    await this.#stopTask(slot);
    await this.#startTask(id, props, slot);
  }

  /** The connector asked for new task configurations: restart the tasks if they changed. */
  async reconfigure(): Promise<void> {
    if (this.#connector === null || this.#targetState === 'STOPPED' || this.#state === 'FAILED') return;
    const previous = JSON.stringify(this.#taskConfigs);
    const configs = await this.#generateTaskConfigs();
    if (configs === null || JSON.stringify(configs) === previous) return;
    this.#options.logger.info({ tasks: configs.length }, 'Task configurations changed, restarting tasks');
    await this.#stopTasks();
    this.#setTaskConfigs(configs);
    await this.#startTasks();
  }

  hasTask(id: number): boolean {
    return id >= 0 && id < this.#tasks.length;
  }

  status(): ConnectorStateInfo {
    const workerId = this.#options.workerId;
    const connector =
      this.#state === 'FAILED' && this.#failure !== null
        ? { state: this.#state, worker_id: workerId, trace: failureTrace(this.#failure, this.#secrets) }
        : { state: this.#state, worker_id: workerId };
    return {
      name: this.name,
      connector,
      tasks: this.#tasks.map((_, id) => this.taskStatus(id)),
      type: this.plugin.kind,
    };
  }

  taskStatus(id: number): TaskStatus {
    const slot = this.#tasks[id];
    const state = this.#taskState(id);
    const failure = slot?.failure ?? slot?.built?.runner.failure ?? null;
    const base = { id, state, worker_id: this.#options.workerId };
    return state === 'FAILED' && failure !== null ? { ...base, trace: failureTrace(failure, this.#secrets) } : base;
  }

  #taskState(id: number): TaskState {
    const slot = this.#tasks[id];
    if (slot === undefined) return 'UNASSIGNED';
    return slot.state ?? slot.built?.runner.state ?? 'UNASSIGNED';
  }

  /** Starts the connector instance; false (and FAILED) when that failed. */
  async #startConnector(): Promise<boolean> {
    const logger = this.#options.logger;
    this.#failure = null;
    try {
      const resolved = this.#options.resolve(this.config);
      this.#resolved = resolved;
      this.#secrets = resolved.secrets;
      const parsed = this.plugin.config.parse(resolved.props, `connector ${this.name}`);
      const connector = this.plugin.connector() as AnyConnector;
      this.#connector = connector;
      const context: ConnectorContext & { offsetStorageReader: OffsetStorageReader } = {
        logger,
        workerBootstrapServers: this.#options.workerBootstrapServers,
        offsetStorageReader: this.#options.offsetStorageReader,
        requestTaskReconfiguration: () => this.#options.requestReconfiguration(),
        raiseError: (error) => this.#fail(error, 'The connector raised an error'),
      };
      await connector.start(parsed, resolved.props, context);
      logger.info('Connector started');
      return true;
    } catch (err) {
      this.#fail(err, 'Failed to start the connector');
      await this.#stopConnector();
      return false;
    }
  }

  async #configureTasks(): Promise<void> {
    const configs = await this.#generateTaskConfigs();
    if (configs === null) return;
    this.#setTaskConfigs(configs);
    await this.#startTasks();
  }

  /** The connector's task configurations, or null (and FAILED) when it could not give them. */
  async #generateTaskConfigs(): Promise<Props[] | null> {
    const connector = this.#connector;
    if (connector === null) return null;
    const maxTasks = this.#options.maxTasks;
    try {
      const configs = await connector.taskConfigs(maxTasks);
      if (configs.length > maxTasks) {
        const message = `The connector ${this.name} has generated ${configs.length} tasks, which is greater than ${maxTasks}, the maximum number of tasks it is configured to create`;
        if (this.#options.isMaxTasksEnforced) throw new ConnectError(message);
        this.#options.logger.warn(`${message}; running them all because tasks.max.enforce=false`);
      }
      return configs.map((c) => ({ ...c }));
    } catch (err) {
      this.#fail(err, 'Failed to generate task configurations');
      return null;
    }
  }

  #setTaskConfigs(configs: Props[]): void {
    const resolved = this.#resolved;
    this.#taskConfigs = configs;
    // What the REST API shows: the reference for values that came from a provider (AK AbstractHerder.reverseTransform).
    this.#shownTaskConfigs = configs.map((c) => {
      const shown: Record<string, string> = { ...c };
      for (const key of resolved?.providerKeys ?? []) {
        const raw = this.config[key];
        if (key in shown && raw !== undefined) shown[key] = raw;
      }
      return shown;
    });
    this.#tasks = configs.map(() => ({ built: null, state: 'UNASSIGNED', failure: null }));
  }

  async #startTasks(): Promise<void> {
    if (this.#tasks.length === 0) return;
    try {
      await this.#openFactory();
    } catch (err) {
      for (const slot of this.#tasks) {
        slot.state = 'FAILED';
        slot.failure = asError(err);
      }
      this.#options.logger.error({ err }, 'Failed to set up the tasks');
      return;
    }
    await Promise.all(this.#tasks.map((slot, id) => this.#startTask(id, this.#taskConfigs[id] ?? {}, slot)));
  }

  /** What the tasks share (clients), opened at the first task start after the connector started. */
  async #openFactory(): Promise<TaskFactory> {
    if (this.#factory !== null) return this.#factory;
    const resolved = this.#resolved;
    if (resolved === null) throw new ConnectError(`Connector ${this.name} is not started`);
    this.#factory = await this.#options.openTasks(resolved);
    return this.#factory;
  }

  async #startTask(id: number, props: Props, slot: TaskSlot): Promise<void> {
    const logger = this.#options.logger.child({ task: id });
    slot.failure = null;
    try {
      const factory = await this.#openFactory();
      const built = await factory.create(id, props);
      slot.built = built;
      slot.state = null;
      if (this.#targetState === 'PAUSED') built.runner.pause();
      await built.runner.start();
      logger.info('Task started');
    } catch (err) {
      slot.state = 'FAILED';
      // A runner logs the failures of the task's own start; building the task's parts fails before there is one.
      if (slot.built === null) logger.error({ err }, 'Failed to build the task');
      slot.failure = slot.built?.runner.failure ?? asError(err);
    }
  }

  async #stopTasks(): Promise<void> {
    await Promise.all(this.#tasks.map((slot) => this.#stopTask(slot)));
    const factory = this.#factory;
    this.#factory = null;
    await factory?.close().catch((err: unknown) => this.#options.logger.warn({ err }, 'Closing task clients failed'));
  }

  async #stopTask(slot: TaskSlot): Promise<void> {
    const built = slot.built;
    if (built === null) return;
    slot.built = null;
    try {
      await built.runner.stop();
    } catch (err) {
      this.#options.logger.warn({ err }, 'Stopping the task failed');
    }
    await built.close().catch((err: unknown) => this.#options.logger.warn({ err }, 'Closing the task failed'));
    if (slot.state === null) slot.state = 'UNASSIGNED';
  }

  async #stopConnector(): Promise<void> {
    const connector = this.#connector;
    this.#connector = null;
    if (connector === null) return;
    try {
      await connector.stop();
    } catch (err) {
      this.#options.logger.warn({ err }, 'Stopping the connector failed');
    }
  }

  #fail(err: unknown, message: string): void {
    this.#state = 'FAILED';
    this.#failure = asError(err);
    this.#options.logger.error({ err }, message);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
