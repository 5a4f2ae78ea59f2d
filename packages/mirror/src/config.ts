/**
 * The configuration of the three mirror connectors: MirrorMaker 2's keys, names and
 * defaults (MirrorConnectorConfig, MirrorSourceConfig, MirrorCheckpointConfig,
 * MirrorHeartbeatConfig), plus the keys of Confluent Replicator's connector as aliases.
 *
 * Deliberate difference from MM2: `refresh.topics.interval.seconds` and
 * `refresh.groups.interval.seconds` default to 30 s, not 600 s, so that new topics,
 * partitions and groups appear within half a minute.
 *
 * Cluster client settings are prefixed keys that cannot be listed one by one:
 * `source.cluster.*` / `target.cluster.*` (every client of that cluster), then
 * `source.consumer.*`, `source.admin.*`, `source.producer.*`, `target.admin.*`,
 * `target.producer.*`, `target.consumer.*` (one client kind); Replicator's `src.kafka.*`,
 * `src.consumer.*`, `dest.kafka.*` mean the same. `resolveMirrorSettings` folds the aliases
 * and prefixes into one typed object; connectors and tasks use only that.
 */
import {
  boolean,
  ConfigError,
  type ConfigProblem,
  type ConfigValues,
  choice,
  className,
  defineConfig,
  int,
  list,
  long,
  string,
} from '@tributary/api';
import {
  CONFIG_PROPERTIES_EXCLUDE_DEFAULT,
  checkPatternList,
  GROUPS_DEFAULT,
  GROUPS_EXCLUDE_DEFAULT,
  literalPatterns,
  TOPICS_DEFAULT,
  TOPICS_EXCLUDE_DEFAULT,
  type UseDefaultsFrom,
} from './filters.js';
import { type ReplicationPolicy, replicationPolicyFor, TOPIC_PLACEHOLDER } from './replication-policy.js';

const CLUSTERS = 'Clusters';
const POLICY = 'Replication policy';
const TOPICS = 'Topics';
const GROUPS = 'Groups';
const SYNCS = 'Offset syncs';
const INTERNAL = 'Internal topics';
const REPLICATOR = 'Replicator compatibility';

const DEFAULT_POLICY = 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy';
const POLICY_NAMES = [
  'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
  'DefaultReplicationPolicy',
  'org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
  'IdentityReplicationPolicy',
];

function oneOfClasses(key: string, accepted: readonly string[]) {
  return (value: string): string | undefined => {
    const lower = value.toLowerCase();
    if (accepted.some((a) => a.toLowerCase() === lower)) return undefined;
    return `${key} ${value} is not available: accepted are ${accepted.join(', ')}`;
  };
}

function filterClass(simpleName: string, key: string, doc: string) {
  const accepted = [`org.apache.kafka.connect.mirror.${simpleName}`, simpleName];
  return className({
    default: `org.apache.kafka.connect.mirror.${simpleName}`,
    importance: 'low',
    group: key.startsWith('topic') ? TOPICS : key.startsWith('group') ? GROUPS : TOPICS,
    validValues: accepted.join(', '),
    validate: oneOfClasses(key, accepted),
    doc,
  });
}

const positiveSeconds = { min: 1 } as const;

/** Replication factor of a topic this connector creates: ≥ 1, or -1 for the broker's default. */
function replicationFactor(defaultValue: number, group: string, doc: string) {
  return int({
    default: defaultValue,
    min: -1,
    importance: 'low',
    group,
    validValues: '-1 (broker default) or at least 1',
    validate: (v) => (v === 0 ? 'Replication factor must be at least 1, or -1 for the broker default' : undefined),
    doc,
  });
}

/** Keys of every mirror connector (MirrorConnectorConfig / MirrorClientConfig). */
export const commonKeys = {
  enabled: boolean({
    default: true,
    importance: 'low',
    doc: 'Whether this flow replicates. False: the connector runs no tasks (the MM2 driver sets it from `A->B.enabled`).',
  }),
  'source.cluster.alias': string({
    default: 'source',
    nonEmpty: true,
    importance: 'high',
    group: CLUSTERS,
    doc: 'Name of the source cluster: the prefix of remote topics (Default policy), the `cluster` of source offsets, part of internal topic names.',
  }),
  'target.cluster.alias': string({
    default: 'target',
    nonEmpty: true,
    importance: 'high',
    group: CLUSTERS,
    doc: 'Name of the target cluster. Topics that came from it are never replicated back (cycle detection).',
  }),
  'target.cluster.bootstrap.servers': list({
    default: null,
    aliases: ['dest.kafka.bootstrap.servers'],
    importance: 'high',
    group: CLUSTERS,
    doc:
      "Brokers of the target cluster. Default: the worker's own cluster (`bootstrap.servers` of the worker), where the records are written. " +
      'Client settings: `target.cluster.<client key>`, `target.admin.*`, `target.producer.*`, `target.consumer.*`.',
  }),
  'replication.policy.class': className({
    default: DEFAULT_POLICY,
    importance: 'low',
    group: POLICY,
    validValues: POLICY_NAMES.join(', '),
    validate: oneOfClasses('replication.policy.class', POLICY_NAMES),
    doc: 'How remote topics are named: DefaultReplicationPolicy (`<source alias><separator><topic>`, detects cycles) or IdentityReplicationPolicy (names unchanged; one-way flows only).',
  }),
  'replication.policy.separator': string({
    default: '.',
    nonEmpty: true,
    importance: 'low',
    group: POLICY,
    doc: 'Separator between the source alias and the topic in remote topic names (DefaultReplicationPolicy).',
  }),
  'replication.policy.internal.topic.separator.enabled': boolean({
    default: true,
    importance: 'low',
    group: POLICY,
    doc: 'Whether `replication.policy.separator` is also used in internal topic names (offset syncs, checkpoints). False keeps `.` there, as MM2 before 3.1.',
  }),
  'admin.timeout.ms': long({
    default: 60_000,
    min: 1,
    importance: 'low',
    doc: 'Timeout of admin operations (listing, creating and configuring topics, describing groups).',
  }),
  'forwarding.admin.class': className({
    default: null,
    importance: 'low',
    doc: "MM2's hook to route topic and ACL creation through an external system. Not supported: a value is ignored with a warning.",
  }),
  'offset-syncs.topic.location': choice({
    values: ['source', 'target'],
    default: 'source',
    importance: 'low',
    group: SYNCS,
    doc: 'Cluster holding the offset-syncs topic (`mm2-offset-syncs.<other alias>.internal`): `source` (MM2 default) or `target`.',
  }),
  'emit.offset-syncs.enabled': boolean({
    default: true,
    importance: 'low',
    group: SYNCS,
    doc: 'Whether the source connector writes offset syncs. False saves writes but leaves checkpoints and group offset sync without data.',
  }),
  'offset-syncs.topic.replication.factor': replicationFactor(
    3,
    INTERNAL,
    'Replication factor of the offset-syncs topic when it is created.',
  ),
  'consumer.poll.timeout.ms': long({
    default: 1000,
    min: 1,
    importance: 'low',
    doc: 'Longest wait for data in one poll of the source cluster.',
  }),
} as const;

/** The source cluster's brokers: required where the source cluster is read (source, checkpoint). */
const sourceServersDoc =
  "Brokers of the source cluster (`host:port,…`). Replicator's `src.kafka.bootstrap.servers` is accepted too. " +
  'Client settings for that cluster: `source.cluster.<client key>` (all clients), `source.consumer.*`, `source.admin.*`, `source.producer.*`.';

export const requiredSourceClusterKeys = {
  'source.cluster.bootstrap.servers': list({
    aliases: ['src.kafka.bootstrap.servers'],
    nonEmpty: true,
    importance: 'high',
    group: CLUSTERS,
    doc: sourceServersDoc,
  }),
} as const;

export const optionalSourceClusterKeys = {
  'source.cluster.bootstrap.servers': list({
    default: null,
    aliases: ['src.kafka.bootstrap.servers'],
    importance: 'low',
    group: CLUSTERS,
    doc: `${sourceServersDoc} Not used by this connector.`,
  }),
} as const;

/** The topic filter (DefaultTopicFilter), used by the source and checkpoint connectors. */
export const topicFilterKeys = {
  topics: list({
    default: TOPICS_DEFAULT,
    importance: 'high',
    group: TOPICS,
    validate: checkPatternList,
    doc: 'Topics to replicate: comma-separated names or regular expressions, each matched against the whole name.',
  }),
  'topics.exclude': list({
    default: TOPICS_EXCLUDE_DEFAULT,
    aliases: ['topics.blacklist'],
    importance: 'high',
    group: TOPICS,
    validate: checkPatternList,
    doc: 'Topics not to replicate (regular expressions; win over `topics`). Internal topics are never replicated whatever this says.',
  }),
  'topic.filter.class': filterClass(
    'DefaultTopicFilter',
    'topic.filter.class',
    'Topic filter class. Only the default filter (`topics`, `topics.exclude`) is available.',
  ),
} as const;

/** Confluent Replicator's keys, accepted on the source connector. */
export const replicatorKeys = {
  'topic.whitelist': list({
    default: null,
    importance: 'low',
    group: REPLICATOR,
    doc: 'Replicator: topic names (literal, not regular expressions) to replicate, in place of `topics`.',
  }),
  'topic.regex': string({
    default: null,
    importance: 'low',
    group: REPLICATOR,
    validate: (v) => checkPatternList([v]),
    doc: 'Replicator: a regular expression of topics to replicate, together with `topic.whitelist`.',
  }),
  'topic.blacklist': list({
    default: null,
    importance: 'low',
    group: REPLICATOR,
    doc: 'Replicator: topic names (literal) not to replicate, added to `topics.exclude`.',
  }),
  'topic.rename.format': string({
    default: null,
    importance: 'low',
    group: REPLICATOR,
    doc:
      `Replicator: the remote topic name, with \`${TOPIC_PLACEHOLDER}\` standing for the source topic (\`${TOPIC_PLACEHOLDER}.replica\`). Replaces \`replication.policy.class\`. ` +
      `When the connector is configured as a Replicator class without this key, names are kept (\`${TOPIC_PLACEHOLDER}\`).`,
  }),
  'topic.auto.create': boolean({
    default: true,
    importance: 'low',
    group: REPLICATOR,
    doc: 'Replicator: whether missing remote topics are created. False: topics must exist on the target; partitions of missing topics wait.',
  }),
  'topic.poll.interval.ms': long({
    default: null,
    min: 1,
    importance: 'low',
    group: REPLICATOR,
    doc: 'Replicator: how often the source topics are listed, in ms; overrides `refresh.topics.interval.seconds` when set.',
  }),
  'src.zookeeper.connect': string({
    default: null,
    importance: 'low',
    group: REPLICATOR,
    doc: 'Replicator (old versions): ZooKeeper of the source cluster. Not needed; accepted and ignored with a warning.',
  }),
  'dest.zookeeper.connect': string({
    default: null,
    importance: 'low',
    group: REPLICATOR,
    doc: 'Replicator (old versions): ZooKeeper of the target cluster. Not needed; accepted and ignored with a warning.',
  }),
} as const;

/** MirrorSourceConnector (MirrorSourceConfig). */
export const mirrorSourceConfig = defineConfig({
  ...commonKeys,
  ...requiredSourceClusterKeys,
  ...topicFilterKeys,
  'replication.factor': replicationFactor(2, TOPICS, 'Replication factor of remote topics this connector creates.'),
  'refresh.topics.enabled': boolean({
    default: true,
    importance: 'low',
    group: TOPICS,
    doc: 'Whether the source topics are listed again periodically, to pick up new topics and added partitions.',
  }),
  'refresh.topics.interval.seconds': long({
    default: 30,
    ...positiveSeconds,
    importance: 'low',
    group: TOPICS,
    doc: 'How often the source topics are listed. Default 30 (MM2: 600): new topics and partitions appear within half a minute.',
  }),
  'sync.topic.configs.enabled': boolean({
    default: true,
    aliases: ['topic.config.sync'],
    importance: 'low',
    group: TOPICS,
    doc: 'Whether topic configs are copied to remote topics (at creation, then periodically), except those excluded by `config.properties.exclude`. Settings made only on the target are kept.',
  }),
  'sync.topic.configs.interval.seconds': long({
    default: 600,
    ...positiveSeconds,
    importance: 'low',
    group: TOPICS,
    doc: 'How often topic configs are copied.',
  }),
  'config.properties.exclude': list({
    default: CONFIG_PROPERTIES_EXCLUDE_DEFAULT,
    aliases: ['config.properties.blacklist'],
    importance: 'low',
    group: TOPICS,
    validate: checkPatternList,
    doc: 'Topic configs that are not copied (regular expressions).',
  }),
  'use.defaults.from': choice({
    values: ['target', 'source'],
    default: 'target',
    importance: 'low',
    group: TOPICS,
    doc: "Whose defaults a remote topic gets for configs the source topic leaves at the broker's default: `target` (the target broker's) or `source` (the source's values are copied too).",
  }),
  'config.property.filter.class': filterClass(
    'DefaultConfigPropertyFilter',
    'config.property.filter.class',
    'Config property filter class. Only the default filter (`config.properties.exclude`) is available.',
  ),
  'sync.topic.acls.enabled': boolean({
    default: false,
    importance: 'low',
    group: TOPICS,
    doc: 'MM2 copies topic ACLs (default true there). Not supported here (default false): true is accepted with a warning.',
  }),
  'sync.topic.acls.interval.seconds': long({
    default: 600,
    ...positiveSeconds,
    importance: 'low',
    group: TOPICS,
    doc: 'How often ACLs would be copied; unused (see `sync.topic.acls.enabled`).',
  }),
  'offset.lag.max': long({
    default: 100,
    min: 0,
    importance: 'low',
    group: SYNCS,
    doc: 'An offset sync is written at the latest when the target offset moved this many records past the last sync of the partition.',
  }),
  'heartbeats.replication.enabled': boolean({
    default: true,
    importance: 'low',
    group: TOPICS,
    doc: 'Whether heartbeats topics (`heartbeats`, `B.heartbeats`, …) are replicated even when the topic filter excludes them.',
  }),
  'source.consumer.auto.offset.reset': choice({
    values: ['earliest', 'latest'],
    default: 'earliest',
    importance: 'medium',
    group: CLUSTERS,
    doc: 'Where a partition without a stored offset starts, and where one restarts when its stored offset is out of range: `earliest` (all history) or `latest` (new records only).',
  }),
  'source.consumer.isolation.level': choice({
    values: ['read_committed', 'read_uncommitted'],
    default: 'read_committed',
    importance: 'medium',
    group: CLUSTERS,
    doc: 'read_committed (default, unlike MM2): records of aborted or open source transactions are not replicated.',
  }),
  ...replicatorKeys,
});
export type MirrorSourceConfig = ConfigValues<typeof mirrorSourceConfig.keys>;

/** The source connector's task key: the partitions of one task (MM2's `task.assigned.partitions`). */
export const TASK_ASSIGNED_PARTITIONS = 'task.assigned.partitions';

/** A source task's configuration: the connector's plus its partitions. */
export const mirrorSourceTaskConfig = mirrorSourceConfig.extend({
  [TASK_ASSIGNED_PARTITIONS]: list({
    default: [],
    importance: 'low',
    doc: 'Set by the connector: the source partitions of this task, as `<topic>-<partition>` items.',
  }),
} as const);
export type MirrorSourceTaskConfig = ConfigValues<typeof mirrorSourceTaskConfig.keys>;

/** MirrorCheckpointConnector (MirrorCheckpointConfig). */
export const mirrorCheckpointConfig = defineConfig({
  ...commonKeys,
  ...requiredSourceClusterKeys,
  ...topicFilterKeys,
  groups: list({
    default: GROUPS_DEFAULT,
    importance: 'high',
    group: GROUPS,
    validate: checkPatternList,
    doc: 'Consumer groups to checkpoint: comma-separated names or regular expressions, each matched against the whole name.',
  }),
  'groups.exclude': list({
    default: GROUPS_EXCLUDE_DEFAULT,
    aliases: ['groups.blacklist'],
    importance: 'high',
    group: GROUPS,
    validate: checkPatternList,
    doc: 'Consumer groups not to checkpoint (regular expressions; win over `groups`).',
  }),
  'group.filter.class': filterClass(
    'DefaultGroupFilter',
    'group.filter.class',
    'Group filter class. Only the default filter (`groups`, `groups.exclude`) is available.',
  ),
  'emit.checkpoints.enabled': boolean({
    default: true,
    importance: 'low',
    group: GROUPS,
    doc: 'Whether translated group offsets are written to the checkpoints topic (`<source alias>.checkpoints.internal` on the target).',
  }),
  'emit.checkpoints.interval.seconds': long({
    default: 60,
    ...positiveSeconds,
    importance: 'low',
    group: GROUPS,
    doc: 'How often checkpoints are written.',
  }),
  'sync.group.offsets.enabled': boolean({
    default: false,
    importance: 'medium',
    group: GROUPS,
    doc: 'Whether translated offsets are committed to the groups on the target, for groups that are empty or absent there, never moving a partition back.',
  }),
  'sync.group.offsets.interval.seconds': long({
    default: 60,
    ...positiveSeconds,
    importance: 'low',
    group: GROUPS,
    doc: 'How often group offsets are committed on the target.',
  }),
  'refresh.groups.enabled': boolean({
    default: true,
    importance: 'low',
    group: GROUPS,
    doc: 'Whether the source groups are listed again periodically.',
  }),
  'refresh.groups.interval.seconds': long({
    default: 30,
    ...positiveSeconds,
    importance: 'low',
    group: GROUPS,
    doc: 'How often the source groups are listed. Default 30 (MM2: 600).',
  }),
  'checkpoints.topic.replication.factor': replicationFactor(
    3,
    INTERNAL,
    'Replication factor of the checkpoints topic when it is created.',
  ),
});
export type MirrorCheckpointConfig = ConfigValues<typeof mirrorCheckpointConfig.keys>;

/** The checkpoint connector's task key: the groups of one task (MM2's `task.assigned.groups`). */
export const TASK_ASSIGNED_GROUPS = 'task.assigned.groups';

/** MirrorHeartbeatConnector (MirrorHeartbeatConfig). */
export const mirrorHeartbeatConfig = defineConfig({
  ...commonKeys,
  ...optionalSourceClusterKeys,
  'emit.heartbeats.enabled': boolean({
    default: true,
    importance: 'low',
    doc: 'Whether heartbeats are written to the `heartbeats` topic of the target cluster.',
  }),
  'emit.heartbeats.interval.seconds': long({
    default: 1,
    ...positiveSeconds,
    importance: 'low',
    doc: 'How often a heartbeat is written.',
  }),
  'heartbeats.topic.replication.factor': replicationFactor(
    3,
    INTERNAL,
    'Replication factor of the heartbeats topic when it is created.',
  ),
});
export type MirrorHeartbeatConfig = ConfigValues<typeof mirrorHeartbeatConfig.keys>;

/** The keys every mirror connector's config has; each connector's parsed config is one of these. */
export type MirrorCommonConfig = ConfigValues<typeof commonKeys>;

// ---------------------------------------------------------------------------------------
// Resolution: aliases and prefixed client keys → one settings object.

type RawProps = Readonly<Record<string, string | undefined>>;

/** `props`' keys under `prefix`, with the prefix removed. */
export function subMap(props: RawProps, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) {
    if (value !== undefined && key.startsWith(prefix) && key.length > prefix.length)
      out[key.slice(prefix.length)] = value;
  }
  return out;
}

/** Client properties of one cluster, per client kind (`bootstrap.servers` included). */
export interface ClusterSettings {
  readonly alias: string;
  readonly bootstrapServers: readonly string[];
  /** Cluster-wide client keys (`<side>.cluster.*`) merged under each kind's keys. */
  readonly admin: Readonly<Record<string, string>>;
  readonly consumer: Readonly<Record<string, string>>;
  readonly producer: Readonly<Record<string, string>>;
}

export interface MirrorSettings {
  readonly source: ClusterSettings;
  readonly target: ClusterSettings;
  readonly policy: ReplicationPolicy;
  /** Topic include / exclude patterns after aliases. */
  readonly topicsInclude: readonly string[];
  readonly topicsExclude: readonly string[];
  /** Notes for the log: ignored keys and the like. */
  readonly warnings: readonly string[];
}

/** Keys that configure the same thing as a MM2 key; setting both is a mistake. */
const CONFLICTS: readonly (readonly [string, string])[] = [
  ['source.cluster.bootstrap.servers', 'src.kafka.bootstrap.servers'],
  ['target.cluster.bootstrap.servers', 'dest.kafka.bootstrap.servers'],
  ['topics', 'topic.whitelist'],
  ['topics', 'topic.regex'],
  ['replication.policy.class', 'topic.rename.format'],
  ['sync.topic.configs.enabled', 'topic.config.sync'],
];

const REPLICATOR_CLASS = /ReplicatorSourceConnector$/i;

function isSet(props: RawProps, key: string): boolean {
  return props[key] !== undefined;
}

function merged(...maps: Record<string, string>[]): Record<string, string> {
  return Object.assign({}, ...maps) as Record<string, string>;
}

/** `resolveMirrorSettings`, throwing one ConfigError naming every problem under `context`. */
export function requireMirrorSettings(
  config: Parameters<typeof resolveMirrorSettings>[0],
  props: RawProps,
  options: Parameters<typeof resolveMirrorSettings>[2],
  context: string,
): MirrorSettings {
  const { settings, problems } = resolveMirrorSettings(config, props, options);
  if (problems.length > 0) throw new ConfigError(problems, { context });
  return settings;
}

/**
 * The cluster, policy and filter settings of a mirror connector, from its parsed config
 * and raw props. Returns problems (keys that contradict each other, a missing source
 * cluster when `isSourceRequired`) instead of throwing, so callers can report them with
 * the rest.
 */
export function resolveMirrorSettings(
  config: MirrorCommonConfig & {
    readonly 'source.cluster.bootstrap.servers': readonly string[] | null;
  } & Partial<ConfigValues<typeof topicFilterKeys>>,
  props: RawProps,
  options: { readonly workerBootstrapServers: readonly string[]; readonly isSourceRequired: boolean },
): { settings: MirrorSettings; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  for (const [a, b] of CONFLICTS) {
    if (isSet(props, a) && isSet(props, b)) {
      problems.push({
        key: b,
        value: props[b],
        message: `Set either ${a} or ${b} (Replicator's name for it), not both`,
      });
    }
  }
  for (const key of ['src.zookeeper.connect', 'dest.zookeeper.connect']) {
    if (isSet(props, key)) warnings.push(`${key} is not needed (clusters are reached through their brokers); ignored`);
  }
  if (isSet(props, 'forwarding.admin.class'))
    warnings.push('forwarding.admin.class is not supported; topics are created with the target admin client');
  if (props['sync.topic.acls.enabled']?.trim().toLowerCase() === 'true')
    warnings.push('sync.topic.acls.enabled=true: ACL sync is not supported; ACLs are not copied');

  const listOf = (key: string): string[] | null => {
    const raw = props[key];
    if (raw === undefined) return null;
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  };

  const sourceServers = config['source.cluster.bootstrap.servers'] ?? [];
  if (sourceServers.length === 0 && options.isSourceRequired) {
    problems.push({
      key: 'source.cluster.bootstrap.servers',
      value: props['source.cluster.bootstrap.servers'],
      message:
        'The brokers of the source cluster are required (source.cluster.bootstrap.servers, or src.kafka.bootstrap.servers)',
    });
  }
  const targetServers = config['target.cluster.bootstrap.servers'] ?? options.workerBootstrapServers;
  if (targetServers.length === 0) {
    problems.push({
      key: 'target.cluster.bootstrap.servers',
      value: props['target.cluster.bootstrap.servers'],
      message:
        "The brokers of the target cluster are required: set target.cluster.bootstrap.servers or the worker's bootstrap.servers",
    });
  }

  const sourceCluster = merged(subMap(props, 'src.kafka.'), subMap(props, 'source.cluster.'));
  const targetCluster = merged(subMap(props, 'dest.kafka.'), subMap(props, 'target.cluster.'));
  for (const cluster of [sourceCluster, targetCluster]) {
    delete cluster['bootstrap.servers'];
    delete cluster['alias'];
  }
  const source: ClusterSettings = {
    alias: config['source.cluster.alias'],
    bootstrapServers: sourceServers,
    admin: merged(sourceCluster, subMap(props, 'source.admin.')),
    consumer: merged(sourceCluster, subMap(props, 'src.consumer.'), subMap(props, 'source.consumer.')),
    producer: merged(sourceCluster, subMap(props, 'source.producer.')),
  };
  const target: ClusterSettings = {
    alias: config['target.cluster.alias'],
    bootstrapServers: targetServers,
    admin: merged(targetCluster, subMap(props, 'target.admin.')),
    consumer: merged(targetCluster, subMap(props, 'target.consumer.')),
    producer: merged(targetCluster, subMap(props, 'target.producer.')),
  };

  let renameFormat = props['topic.rename.format']?.trim() ?? null;
  if (
    renameFormat === null &&
    !isSet(props, 'replication.policy.class') &&
    REPLICATOR_CLASS.test(props['connector.class'] ?? '')
  ) {
    renameFormat = TOPIC_PLACEHOLDER;
  }
  let policy: ReplicationPolicy = replicationPolicyFor();
  try {
    policy = replicationPolicyFor({
      className: config['replication.policy.class'],
      separator: config['replication.policy.separator'],
      isInternalTopicSeparatorEnabled: config['replication.policy.internal.topic.separator.enabled'],
      sourceClusterAlias: config['source.cluster.alias'],
      renameFormat,
    });
  } catch (err) {
    problems.push({
      key: 'replication.policy.class',
      value: props['replication.policy.class'],
      message: (err as Error).message,
    });
  }

  const replicatorIncludes = [
    ...literalPatterns(listOf('topic.whitelist') ?? []),
    ...(props['topic.regex'] === undefined || props['topic.regex'].trim() === '' ? [] : [props['topic.regex'].trim()]),
  ];
  const isReplicatorInclude = isSet(props, 'topic.whitelist') || isSet(props, 'topic.regex');
  const topicsInclude = isReplicatorInclude ? replicatorIncludes : (config.topics ?? [...TOPICS_DEFAULT]);
  const excludeBase = config['topics.exclude'] ?? [...TOPICS_EXCLUDE_DEFAULT];
  const topicsExclude = [...excludeBase, ...literalPatterns(listOf('topic.blacklist') ?? [])];

  return {
    settings: { source, target, policy, topicsInclude, topicsExclude, warnings },
    problems,
  };
}

/** `config.properties.exclude` (its deprecated name `config.properties.blacklist` is an alias). */
export function configPropertiesExclude(config: MirrorSourceConfig, _props: RawProps): readonly string[] {
  return config['config.properties.exclude'];
}

/** `groups.exclude` (its deprecated name `groups.blacklist` is an alias). */
export function groupsExclude(config: MirrorCheckpointConfig, _props: RawProps): readonly string[] {
  return config['groups.exclude'];
}

/** Source-connector settings beyond the common ones, after Replicator aliases. */
export interface SourceSettings {
  readonly useDefaultsFrom: UseDefaultsFrom;
  readonly isTopicConfigSyncEnabled: boolean;
  readonly refreshTopicsIntervalMs: number;
  readonly isTopicAutoCreate: boolean;
}

export function resolveSourceSettings(config: MirrorSourceConfig): SourceSettings {
  return {
    useDefaultsFrom: config['use.defaults.from'],
    isTopicConfigSyncEnabled: config['sync.topic.configs.enabled'],
    refreshTopicsIntervalMs: config['topic.poll.interval.ms'] ?? config['refresh.topics.interval.seconds'] * 1000,
    isTopicAutoCreate: config['topic.auto.create'],
  };
}
