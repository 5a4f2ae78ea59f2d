/**
 * The broker-level configs DescribeConfigs reports for this node: the ones its options
 * set, the defaults behind every topic config, and the usual single-broker settings.
 * They are fixed for the broker's lifetime (read-only); a value that differs from
 * Kafka's default is reported as STATIC_BROKER_CONFIG, as if set in server.properties.
 */
import { ErrorCode } from '@tributary/protocol';
import type { ResolvedBrokerOptions } from '../options.js';

export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

export interface BrokerConfigEntry {
  name: string;
  value: string | null;
  source: number;
}

const LONG_MAX = '9223372036854775807';

export function brokerConfigs(options: ResolvedBrokerOptions, port: number): BrokerConfigEntry[] {
  const listener = (host: string): string => `PLAINTEXT://${host}:${port}`;
  // name → [this broker's value, Kafka's default]
  const table: Record<string, [string | null, string | null]> = {
    'advertised.listeners': [listener(options.advertisedHost), null],
    'auto.create.topics.enable': [String(options.autoCreateTopics), 'true'],
    'broker.id': [String(options.nodeId), '-1'],
    'compression.type': ['producer', 'producer'],
    'default.replication.factor': ['1', '1'],
    'delete.topic.enable': ['true', 'true'],
    'group.initial.rebalance.delay.ms': [String(options.groupInitialRebalanceDelayMs), '3000'],
    'group.max.session.timeout.ms': [String(options.groupMaxSessionTimeoutMs), '1800000'],
    'group.min.session.timeout.ms': [String(options.groupMinSessionTimeoutMs), '6000'],
    listeners: [listener(options.host), 'PLAINTEXT://:9092'],
    'log.cleaner.delete.retention.ms': ['86400000', '86400000'],
    'log.cleaner.max.compaction.lag.ms': [LONG_MAX, LONG_MAX],
    'log.cleaner.min.cleanable.ratio': ['0.5', '0.5'],
    'log.cleaner.min.compaction.lag.ms': ['0', '0'],
    'log.cleanup.policy': ['delete', 'delete'],
    'log.dirs': [options.dataDir, null],
    'log.flush.interval.messages': [LONG_MAX, LONG_MAX],
    'log.flush.interval.ms': [null, null],
    'log.flush.scheduler.interval.ms': [LONG_MAX, LONG_MAX],
    'log.index.interval.bytes': ['4096', '4096'],
    'log.index.size.max.bytes': ['10485760', '10485760'],
    'log.local.retention.bytes': ['-2', '-2'],
    'log.local.retention.ms': ['-2', '-2'],
    'log.message.downconversion.enable': ['true', 'true'],
    'log.message.timestamp.after.max.ms': [LONG_MAX, LONG_MAX],
    'log.message.timestamp.before.max.ms': [LONG_MAX, LONG_MAX],
    'log.message.timestamp.difference.max.ms': [LONG_MAX, LONG_MAX],
    'log.message.timestamp.type': ['CreateTime', 'CreateTime'],
    'log.preallocate': ['false', 'false'],
    'log.retention.bytes': ['-1', '-1'],
    'log.retention.check.interval.ms': [String(options.retentionCheckIntervalMs), '300000'],
    'log.retention.hours': ['168', '168'],
    'log.retention.minutes': [null, null],
    'log.retention.ms': [null, null],
    'log.roll.hours': ['168', '168'],
    'log.roll.jitter.hours': ['0', '0'],
    'log.roll.jitter.ms': [null, null],
    'log.roll.ms': [null, null],
    'log.segment.bytes': ['1073741824', '1073741824'],
    'log.segment.delete.delay.ms': ['60000', '60000'],
    'message.max.bytes': [String(options.messageMaxBytes), '1048588'],
    'min.insync.replicas': ['1', '1'],
    'node.id': [String(options.nodeId), '-1'],
    'num.partitions': [String(options.numPartitions), '1'],
    'offsets.retention.minutes': ['10080', '10080'],
    'offsets.topic.replication.factor': ['1', '3'],
    'socket.request.max.bytes': [String(options.socketRequestMaxBytes), '104857600'],
    'transaction.max.timeout.ms': [String(options.transactionMaxTimeoutMs), '900000'],
    'transaction.state.log.min.isr': ['1', '2'],
    'transaction.state.log.replication.factor': ['1', '3'],
    'unclean.leader.election.enable': ['false', 'false'],
  };
  return Object.entries(table)
    .map(([name, [value, kafkaDefault]]) => ({
      name,
      value,
      source: value === kafkaDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.STATIC_BROKER_CONFIG,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** DescribeConfigs / AlterConfigs resource types this broker knows. */
export const ResourceType = {
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
} as const;

/**
 * Why a BROKER resource name does not address this node, or null when it does. Kafka
 * takes the node id as a decimal string; the empty name means the cluster-wide
 * defaults, of which this broker has none.
 */
export function brokerResourceProblem(name: string, nodeId: number): string | null {
  if (name === '' || name === String(nodeId)) return null;
  if (!/^-?\d+$/.test(name)) return `Broker id must be an integer, but it is: ${name}`;
  return `Unexpected broker id, expected ${nodeId} or empty string, but received ${name}`;
}

/**
 * The answer to altering a BROKER resource: its configs come from the start options
 * and cannot change, so any entry is refused (INVALID_CONFIG for names Kafka would not
 * know either). An empty change is accepted, as Kafka does.
 */
export function brokerAlterResult(
  name: string,
  configNames: readonly string[],
  options: ResolvedBrokerOptions,
  port: number,
): { errorCode: number; message: string | null } {
  const problem = brokerResourceProblem(name, options.nodeId);
  if (problem) return { errorCode: ErrorCode.INVALID_REQUEST, message: problem };
  if (configNames.length === 0) return { errorCode: ErrorCode.NONE, message: null };
  const known = new Set(brokerConfigs(options, port).map((e) => e.name));
  const unknown = configNames.filter((n) => !known.has(n));
  if (unknown.length > 0)
    return { errorCode: ErrorCode.INVALID_CONFIG, message: `Unknown broker configs: ${unknown.join(', ')}` };
  return {
    errorCode: ErrorCode.INVALID_REQUEST,
    message: `Cannot update these configs dynamically: ${configNames.join(', ')} (the embedded broker takes them from its start options)`,
  };
}
