/**
 * Topic-level configs the broker knows: their Kafka defaults, and which ones it
 * enforces (`retention.ms`, `retention.bytes`, `cleanup.policy=delete`,
 * `max.message.bytes`, `segment.bytes`). Others are stored and returned as Kafka does.
 */
export const TOPIC_CONFIG_DEFAULTS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'compression.type': 'producer',
  'delete.retention.ms': '86400000',
  'file.delete.delay.ms': '60000',
  'flush.messages': '9223372036854775807',
  'flush.ms': '9223372036854775807',
  'index.interval.bytes': '4096',
  'local.retention.bytes': '-2',
  'local.retention.ms': '-2',
  'max.compaction.lag.ms': '9223372036854775807',
  'max.message.bytes': '1048588',
  'message.downconversion.enable': 'true',
  'message.timestamp.after.max.ms': '9223372036854775807',
  'message.timestamp.before.max.ms': '9223372036854775807',
  'message.timestamp.difference.max.ms': '9223372036854775807',
  'message.timestamp.type': 'CreateTime',
  'min.cleanable.dirty.ratio': '0.5',
  'min.compaction.lag.ms': '0',
  'min.insync.replicas': '1',
  preallocate: 'false',
  'remote.storage.enable': 'false',
  'retention.bytes': '-1',
  'retention.ms': '604800000',
  'segment.bytes': '1073741824',
  'segment.index.bytes': '10485760',
  'segment.jitter.ms': '0',
  'segment.ms': '604800000',
  'unclean.leader.election.enable': 'false',
};

const NUMERIC = new Set([
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'index.interval.bytes',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.difference.max.ms',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
]);

/** Returns an error message for an unknown name or a bad value, or null if acceptable. */
export function validateTopicConfig(name: string, value: string | null): string | null {
  if (!(name in TOPIC_CONFIG_DEFAULTS)) return `Unknown topic config name: ${name}`;
  if (value === null) return null;
  if (NUMERIC.has(name) && !/^-?\d+$/.test(value)) {
    return `Invalid value ${value} for configuration ${name}: Not a number of type LONG`;
  }
  if (name === 'cleanup.policy') {
    const parts = value.split(',').map((p) => p.trim());
    if (parts.some((p) => p !== 'delete' && p !== 'compact')) {
      return `Invalid value ${value} for configuration cleanup.policy: must be delete and/or compact`;
    }
  }
  if (name === 'compression.type' && value !== 'producer') {
    return `Invalid value ${value} for configuration compression.type: the embedded broker stores batches as produced and supports only "producer"`;
  }
  if (name === 'message.timestamp.type' && value !== 'CreateTime') {
    return `Invalid value ${value} for configuration message.timestamp.type: the embedded broker supports only CreateTime`;
  }
  return null;
}

export function numericConfig(configs: ReadonlyMap<string, string>, name: string): number {
  return Number(configs.get(name) ?? TOPIC_CONFIG_DEFAULTS[name] ?? '-1');
}

/**
 * The broker configs each topic config falls back to, most specific first (Kafka's
 * `ServerTopicConfigSynonyms`). DescribeConfigs lists those the broker has a value for
 * as synonyms.
 */
export const TOPIC_CONFIG_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  'cleanup.policy': ['log.cleanup.policy'],
  'compression.type': ['compression.type'],
  'delete.retention.ms': ['log.cleaner.delete.retention.ms'],
  'file.delete.delay.ms': ['log.segment.delete.delay.ms'],
  'flush.messages': ['log.flush.interval.messages'],
  'flush.ms': ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
  'index.interval.bytes': ['log.index.interval.bytes'],
  'local.retention.bytes': ['log.local.retention.bytes'],
  'local.retention.ms': ['log.local.retention.ms'],
  'max.compaction.lag.ms': ['log.cleaner.max.compaction.lag.ms'],
  'max.message.bytes': ['message.max.bytes'],
  'message.downconversion.enable': ['log.message.downconversion.enable'],
  'message.timestamp.after.max.ms': ['log.message.timestamp.after.max.ms'],
  'message.timestamp.before.max.ms': ['log.message.timestamp.before.max.ms'],
  'message.timestamp.difference.max.ms': ['log.message.timestamp.difference.max.ms'],
  'message.timestamp.type': ['log.message.timestamp.type'],
  'min.cleanable.dirty.ratio': ['log.cleaner.min.cleanable.ratio'],
  'min.compaction.lag.ms': ['log.cleaner.min.compaction.lag.ms'],
  'min.insync.replicas': ['min.insync.replicas'],
  preallocate: ['log.preallocate'],
  'retention.bytes': ['log.retention.bytes'],
  'retention.ms': ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
  'segment.bytes': ['log.segment.bytes'],
  'segment.index.bytes': ['log.index.size.max.bytes'],
  'segment.jitter.ms': ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
  'segment.ms': ['log.roll.ms', 'log.roll.hours'],
  'unclean.leader.election.enable': ['unclean.leader.election.enable'],
};

/** Topic configs whose value is a comma-separated list (IncrementalAlterConfigs APPEND / SUBTRACT). */
export const LIST_TOPIC_CONFIGS: ReadonlySet<string> = new Set(['cleanup.policy']);
