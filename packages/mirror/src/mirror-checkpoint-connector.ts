/**
 * MirrorCheckpointConnector: finds the consumer groups of the source cluster to checkpoint
 * — accepted by the group filter (`groups`, `groups.exclude`) and with committed offsets
 * for at least one topic the topic filter replicates — and spreads them over
 * min(`tasks.max`, #groups) tasks (`task.assigned.groups`). With `refresh.groups.enabled`
 * it lists them again every `refresh.groups.interval.seconds` and asks for new task
 * configurations when the set changed. No tasks run when the connector is disabled or
 * neither checkpoints nor group offset sync are enabled.
 */
import {
  ConfigError,
  type ConfigProblem,
  type Logger,
  type OffsetValue,
  type Props,
  type SourceConnector,
  type SourceConnectorContext,
  type SourceOffset,
  type SourcePartition,
} from '@tributary/api';
import type { Admin } from 'kafkajs';
import { ClusterClients } from './cluster-clients.js';
import {
  groupsExclude,
  type MirrorCheckpointConfig,
  type MirrorSettings,
  requireMirrorSettings,
  TASK_ASSIGNED_GROUPS,
} from './config.js';
import { DefaultGroupFilter, DefaultTopicFilter, type GroupFilter, type TopicFilter } from './filters.js';
import { readCommittedOffsets } from './group-offset-sync.js';
import { encodeAssignedGroups, remoteTopicOf } from './mirror-checkpoint-task.js';

/** Group protocol types of consumer groups (`''`: groups that only commit offsets). */
const CONSUMER_PROTOCOL_TYPES = new Set(['consumer', '']);
/** Offset fetches in flight while listing groups. */
const FETCH_CONCURRENCY = 8;

/**
 * The source groups to checkpoint, sorted: consumer groups the group filter accepts that
 * committed offsets for a topic that is replicated.
 */
export async function findCheckpointGroups(
  admin: Admin,
  options: {
    readonly groupFilter: GroupFilter;
    readonly topicFilter: TopicFilter;
    readonly settings: Pick<MirrorSettings, 'policy' | 'source' | 'target'>;
  },
): Promise<string[]> {
  const { groups } = await admin.listGroups();
  const candidates = groups
    .filter((g) => CONSUMER_PROTOCOL_TYPES.has(g.protocolType) && options.groupFilter.shouldReplicateGroup(g.groupId))
    .map((g) => g.groupId)
    .sort();
  const accepted: string[] = [];
  for (let i = 0; i < candidates.length; i += FETCH_CONCURRENCY) {
    const chunk = candidates.slice(i, i + FETCH_CONCURRENCY);
    const results = await Promise.all(
      chunk.map(async (group) => {
        const committed = await readCommittedOffsets(admin, group);
        return committed.some(
          (c) =>
            remoteTopicOf(c.topic, {
              policy: options.settings.policy,
              topicFilter: options.topicFilter,
              sourceAlias: options.settings.source.alias,
              targetAlias: options.settings.target.alias,
            }).reason === null,
        );
      }),
    );
    chunk.forEach((group, j) => {
      if (results[j] === true) accepted.push(group);
    });
  }
  return accepted;
}

/** `groups` split into at most `maxTasks` contiguous, nearly equal parts. */
export function assignGroups(groups: readonly string[], maxTasks: number): string[][] {
  const count = Math.min(Math.max(1, maxTasks), groups.length);
  const out: string[][] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const size = Math.floor(groups.length / count) + (i < groups.length % count ? 1 : 0);
    out.push(groups.slice(at, at + size));
    at += size;
  }
  return out;
}

export class MirrorCheckpointConnector implements SourceConnector<MirrorCheckpointConfig> {
  #props: Props = {};
  #logger: Logger | null = null;
  #source: ClusterClients | null = null;
  #groups: string[] = [];
  #timer: NodeJS.Timeout | null = null;
  #isRefreshing = false;
  #isStopped = false;

  async start(config: MirrorCheckpointConfig, props: Props, context: SourceConnectorContext): Promise<void> {
    const settings = requireMirrorSettings(
      config,
      props,
      { workerBootstrapServers: context.workerBootstrapServers, isSourceRequired: true },
      'MirrorCheckpointConnector',
    );
    for (const warning of settings.warnings) context.logger.warn(warning);
    this.#props = props;
    this.#logger = context.logger;
    if (!config.enabled || (!config['emit.checkpoints.enabled'] && !config['sync.group.offsets.enabled'])) {
      context.logger.info('Checkpoints and group offset sync are disabled; no tasks');
      return;
    }
    const source = new ClusterClients({
      cluster: settings.source,
      side: 'source',
      clientIdBase: `mirror-checkpoint-connector-${settings.source.alias}-${settings.target.alias}`,
      logger: context.logger,
    });
    this.#source = source;
    const options = {
      groupFilter: new DefaultGroupFilter(config.groups, groupsExclude(config, props)),
      topicFilter: new DefaultTopicFilter(settings.topicsInclude, settings.topicsExclude),
      settings,
    };
    this.#groups = await findCheckpointGroups(await source.admin(), options);
    context.logger.info({ groups: this.#groups.length }, 'Consumer groups to checkpoint');
    if (!config['refresh.groups.enabled']) return;
    this.#timer = setInterval(() => {
      if (this.#isRefreshing || this.#isStopped) return;
      this.#isRefreshing = true;
      source
        .admin()
        .then((admin) => findCheckpointGroups(admin, options))
        .then((groups) => {
          if (this.#isStopped || sameList(groups, this.#groups)) return;
          context.logger.info({ before: this.#groups.length, after: groups.length }, 'Consumer groups changed');
          this.#groups = groups;
          context.requestTaskReconfiguration();
        })
        .catch((error: unknown) => context.logger.warn({ err: error }, 'Listing the source consumer groups failed'))
        .finally(() => {
          this.#isRefreshing = false;
        });
    }, config['refresh.groups.interval.seconds'] * 1000);
    this.#timer.unref();
  }

  taskConfigs(maxTasks: number): Props[] {
    return assignGroups(this.#groups, maxTasks).map((groups) => ({
      ...this.#props,
      [TASK_ASSIGNED_GROUPS]: encodeAssignedGroups(groups),
    }));
  }

  /** MM2's check: `{group, topic, partition}` → `{offset: 0}` (or null to reset). */
  alterOffsets(_props: Props, offsets: ReadonlyMap<SourcePartition, SourceOffset | null>): void {
    const problems: ConfigProblem[] = [];
    for (const [partition, offset] of offsets) {
      if (offset === null) continue;
      problems.push(...checkStrings(partition, ['group', 'topic']), ...checkPartitionNumber(partition));
      problems.push(...checkZeroOffset(partition, offset));
    }
    if (problems.length > 0) throw new ConfigError(problems, { context: 'MirrorCheckpointConnector offsets' });
  }

  async stop(): Promise<void> {
    if (this.#isStopped) return;
    this.#isStopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#source?.close();
    this.#logger?.debug('Checkpoint connector stopped');
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function describe(partition: SourcePartition): string {
  return JSON.stringify(partition);
}

/** Problems when any of `keys` of a source partition is not a non-empty string. */
export function checkStrings(partition: SourcePartition, keys: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of keys) {
    const v: OffsetValue | undefined = partition[key];
    if (typeof v !== 'string' || v === '') {
      problems.push({
        key: describe(partition),
        value: v === undefined ? undefined : String(v),
        message: `The source partition must have a non-empty string "${key}"`,
      });
    }
  }
  return problems;
}

function checkPartitionNumber(partition: SourcePartition): ConfigProblem[] {
  const v = partition['partition'];
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return [];
  return [
    {
      key: describe(partition),
      value: v === undefined ? undefined : String(v),
      message: 'The source partition must have a non-negative integer "partition"',
    },
  ];
}

/** Problems unless `offset` is `{offset: 0}` (MM2's dummy offset of checkpoints and heartbeats). */
export function checkZeroOffset(partition: SourcePartition, offset: SourceOffset): ConfigProblem[] {
  const v = offset['offset'];
  if (v === 0) return [];
  return [
    {
      key: describe(partition),
      value: JSON.stringify(offset),
      message: 'The only offset this connector accepts is {"offset": 0}',
    },
  ];
}
