/**
 * MirrorSourceConnector: decides which source topic-partitions are replicated, makes sure
 * their remote topics exist on the target (same partitions, filtered configs), spreads the
 * partitions over the tasks, and watches the source: every
 * `refresh.topics.interval.seconds` it lists the topics again, creates and grows remote
 * topics, and asks for new task configurations when the set of partitions changed. Topic
 * configs are copied every `sync.topic.configs.interval.seconds`.
 */
import {
  ConfigError,
  type ConfigProblem,
  type Logger,
  type Props,
  type SourceConnector,
  type SourceConnectorContext,
  type SourceOffset,
  type SourcePartition,
} from '@tributary/api';
import { ClusterClients } from './cluster-clients.js';
import {
  configPropertiesExclude,
  type MirrorSettings,
  type MirrorSourceConfig,
  resolveMirrorSettings,
  resolveSourceSettings,
  TASK_ASSIGNED_PARTITIONS,
} from './config.js';
import { DefaultConfigPropertyFilter, DefaultTopicFilter } from './filters.js';
import { encodeTopicPartition, type TopicPartitionId } from './mirror-source-task.js';
import { ensureCompactedTopic } from './topic-creation.js';
import { type ReplicatedTopic, TopicSync } from './topic-sync.js';

/** Partitions dealt round-robin, ordered by partition then topic (as MM2), so each task gets a mix of topics. */
export function assignPartitions(partitions: readonly TopicPartitionId[], maxTasks: number): TopicPartitionId[][] {
  const sorted = [...partitions].sort(
    (a, b) => a.partition - b.partition || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0),
  );
  const count = Math.max(0, Math.min(maxTasks, sorted.length));
  const tasks: TopicPartitionId[][] = Array.from({ length: count }, () => []);
  sorted.forEach((tp, i) => {
    tasks[i % count]?.push(tp);
  });
  return tasks;
}

function sameServers(a: readonly string[], b: readonly string[]): boolean {
  const norm = (l: readonly string[]) =>
    [...l]
      .map((s) => s.trim().toLowerCase())
      .sort()
      .join(',');
  return norm(a) === norm(b);
}

export class MirrorSourceConnector implements SourceConnector<MirrorSourceConfig> {
  #props: Props = {};
  #config: MirrorSourceConfig | null = null;
  #context: SourceConnectorContext | null = null;
  #logger: Logger | null = null;
  #source: ClusterClients | null = null;
  #target: ClusterClients | null = null;
  #sync: TopicSync | null = null;
  #topics: ReplicatedTopic[] = [];
  #partitions: TopicPartitionId[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #isStopped = false;
  #work: Promise<void> = Promise.resolve();

  async start(config: MirrorSourceConfig, props: Props, context: SourceConnectorContext): Promise<void> {
    const { settings, problems } = resolveMirrorSettings(config, props, {
      workerBootstrapServers: context.workerBootstrapServers,
      isSourceRequired: true,
    });
    problems.push(...this.#loopProblems(settings));
    if (problems.length > 0) throw new ConfigError(problems, { context: 'MirrorSourceConnector' });
    this.#props = props;
    this.#config = config;
    this.#context = context;
    this.#logger = context.logger;
    for (const warning of settings.warnings) context.logger.warn(warning);
    if (
      config['target.cluster.bootstrap.servers'] !== null &&
      context.workerBootstrapServers.length > 0 &&
      !sameServers(config['target.cluster.bootstrap.servers'], context.workerBootstrapServers)
    ) {
      context.logger.warn(
        "target.cluster.bootstrap.servers differs from the worker's bootstrap.servers: records are written to the worker's cluster, topics are created on the target cluster",
      );
    }
    if (!config.enabled) {
      context.logger.info('enabled=false: no tasks');
      return;
    }
    const clientIdBase = `mirror-${props['name'] ?? 'source'}`;
    this.#source = new ClusterClients({
      cluster: settings.source,
      side: 'source',
      clientIdBase,
      logger: context.logger,
    });
    this.#target = new ClusterClients({
      cluster: settings.target,
      side: 'target',
      clientIdBase,
      logger: context.logger,
    });
    const sourceSettings = resolveSourceSettings(config);
    const source = this.#source;
    const target = this.#target;
    this.#sync = new TopicSync({
      sourceAdmin: () => source.admin(),
      targetAdmin: () => target.admin(),
      policy: settings.policy,
      topicFilter: new DefaultTopicFilter(settings.topicsInclude, settings.topicsExclude),
      configFilter: new DefaultConfigPropertyFilter(
        configPropertiesExclude(config, props),
        sourceSettings.useDefaultsFrom,
      ),
      sourceAlias: settings.source.alias,
      targetAlias: settings.target.alias,
      replicationFactor: config['replication.factor'],
      isHeartbeatsReplicationEnabled: config['heartbeats.replication.enabled'],
      isTopicAutoCreate: sourceSettings.isTopicAutoCreate,
      adminTimeoutMs: config['admin.timeout.ms'],
      logger: context.logger,
    });
    if (config['emit.offset-syncs.enabled']) await this.#createOffsetSyncsTopic(config, settings);
    await this.#refresh(false);
    if (config['refresh.topics.enabled'])
      this.#every(sourceSettings.refreshTopicsIntervalMs, () => this.#refresh(true));
    if (sourceSettings.isTopicConfigSyncEnabled) {
      this.#every(config['sync.topic.configs.interval.seconds'] * 1000, () => this.#syncConfigs());
    }
  }

  /** Identity-style names onto the same cluster would copy every record back into its own topic forever. */
  #loopProblems(settings: MirrorSettings): ConfigProblem[] {
    const isSameCluster =
      settings.source.bootstrapServers.length > 0 &&
      sameServers(settings.source.bootstrapServers, settings.target.bootstrapServers);
    if (!isSameCluster) return [];
    const probe = 'tributary-probe-topic';
    if (settings.policy.formatRemoteTopic(settings.source.alias, probe) !== probe) return [];
    return [
      {
        key: 'target.cluster.bootstrap.servers',
        value: settings.target.bootstrapServers.join(','),
        message:
          'Source and target are the same cluster and remote topics keep their names: records would be copied onto themselves',
      },
    ];
  }

  async #createOffsetSyncsTopic(config: MirrorSourceConfig, settings: MirrorSettings): Promise<void> {
    const isOnSource = config['offset-syncs.topic.location'] === 'source';
    const clients = isOnSource ? this.#source : this.#target;
    if (clients === null) return;
    const topic = settings.policy.offsetSyncsTopic(isOnSource ? settings.target.alias : settings.source.alias);
    const admin = await clients.admin();
    await ensureCompactedTopic(
      admin,
      topic,
      config['offset-syncs.topic.replication.factor'],
      this.#logger ?? (this.#context as SourceConnectorContext).logger,
      config['admin.timeout.ms'],
    );
  }

  /** Runs `task` every `intervalMs`, one run at a time, never overlapping another refresh or sync. */
  #every(intervalMs: number, task: () => Promise<void>): void {
    const schedule = () => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (this.#isStopped) return;
        this.#work = this.#work
          .then(task)
          .catch((err: unknown) =>
            this.#logger?.error({ err }, 'Mirror topic refresh failed; trying again at the next interval'),
          )
          .finally(() => {
            if (!this.#isStopped) schedule();
          });
      }, intervalMs);
      timer.unref?.();
      this.#timers.add(timer);
    };
    schedule();
  }

  /**
   * Lists the source topics, creates and grows remote topics, and (when `isReconfiguring`)
   * asks for new task configs if the replicated partitions changed.
   */
  async #refresh(isReconfiguring: boolean): Promise<void> {
    const sync = this.#sync;
    if (sync === null || this.#isStopped) return;
    const topics = await sync.listSourceTopics();
    const { missing } = await sync.ensureRemoteTopics(topics);
    const missingSet = new Set(missing);
    const ready = topics.filter((t) => !missingSet.has(t.remote));
    const partitions = ready.flatMap((t) =>
      Array.from({ length: t.partitions }, (_, partition) => ({ topic: t.source, partition })),
    );
    const before = new Set(this.#partitions.map(encodeTopicPartition));
    const isChanged =
      before.size !== partitions.length || partitions.some((tp) => !before.has(encodeTopicPartition(tp)));
    this.#topics = ready;
    this.#partitions = partitions;
    if (isChanged) {
      this.#logger?.info(
        { topics: ready.length, partitions: partitions.length },
        'Replicated topic-partitions changed',
      );
      if (isReconfiguring && !this.#isStopped) this.#context?.requestTaskReconfiguration();
    }
  }

  async #syncConfigs(): Promise<void> {
    const sync = this.#sync;
    if (sync === null || this.#isStopped) return;
    await sync.syncTopicConfigs(this.#topics);
  }

  /** The replicated source topics (after the last refresh). */
  get replicatedTopics(): readonly ReplicatedTopic[] {
    return this.#topics;
  }

  taskConfigs(maxTasks: number): Props[] {
    if (this.#config === null || !this.#config.enabled) return [];
    return assignPartitions(this.#partitions, maxTasks).map((tps) => ({
      ...this.#props,
      [TASK_ASSIGNED_PARTITIONS]: tps.map(encodeTopicPartition).join(','),
    }));
  }

  /** MM2's check of offsets written through the REST API: `{cluster, topic, partition}` → `{offset}`, non-negative. */
  alterOffsets(_props: Props, offsets: ReadonlyMap<SourcePartition, SourceOffset | null>): void {
    const problems: ConfigProblem[] = [];
    for (const [partition, offset] of offsets) {
      const shown = JSON.stringify(partition);
      if (typeof partition['cluster'] !== 'string' || typeof partition['topic'] !== 'string') {
        problems.push({
          key: 'partition',
          value: shown,
          message: 'A source partition needs string "cluster" and "topic"',
        });
      }
      const p = partition['partition'];
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) {
        problems.push({ key: 'partition', value: shown, message: '"partition" must be a non-negative integer' });
      }
      if (offset === null) continue;
      const o = offset['offset'];
      if (typeof o !== 'number' || !Number.isInteger(o) || o < 0) {
        problems.push({
          key: 'offset',
          value: JSON.stringify(offset),
          message: `"offset" of ${shown} must be a non-negative integer`,
        });
      }
    }
    if (problems.length > 0) throw new ConfigError(problems, { context: 'MirrorSourceConnector offsets' });
  }

  async stop(): Promise<void> {
    if (this.#isStopped) return;
    this.#isStopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.#work.catch(() => undefined);
    await this.#source?.close();
    await this.#target?.close();
  }
}
