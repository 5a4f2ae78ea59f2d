/**
 * Topics and their partitions' logs, with the validation Kafka applies on create,
 * delete and partition growth. Every change is journaled so a restarted broker with a
 * data directory comes back with the same topics and configs.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '@tributary/protocol';
import type { Journal, JournalEvent } from './journal.js';
import { PartitionLog } from './partition-log.js';
import { TOPIC_CONFIG_DEFAULTS, validateTopicConfig } from './topic-configs.js';

export interface Topic {
  readonly name: string;
  readonly partitions: PartitionLog[];
  /** Dynamic (explicitly set) configs only; TopicStore.config() resolves defaults. */
  configs: Map<string, string>;
}

export interface TopicResult {
  errorCode: number;
  message: string | null;
}

export interface DeleteRecordsResult {
  errorCode: number;
  /** The partition's log start offset afterwards; −1 on error. */
  lowWatermark: number;
}

const OK: TopicResult = { errorCode: ErrorCode.NONE, message: null };
const LEGAL_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * The most partitions one CreateTopics or CreatePartitions request may add (Kafka's
 * controller limit, ReplicationControlManager.MAX_PARTITIONS_PER_BATCH); above it the
 * whole request fails with POLICY_VIOLATION.
 */
export const MAX_PARTITIONS_PER_REQUEST = 10_000;

export class TopicStore {
  readonly topics = new Map<string, Topic>();
  /** Kafka's topic defaults with this broker's own settings (`message.max.bytes`) applied. */
  private readonly defaults: Readonly<Record<string, string>>;

  constructor(
    private readonly journal: Journal,
    private readonly dataDir: string | null,
    readonly defaultPartitions: number,
    /** Topic defaults the broker options override, e.g. `max.message.bytes` from `message.max.bytes`. */
    readonly defaultOverrides: Readonly<Record<string, string>> = {},
  ) {
    this.defaults = { ...TOPIC_CONFIG_DEFAULTS, ...defaultOverrides };
  }

  /** The value a topic config has when the topic does not set it. */
  defaultConfig(name: string): string | undefined {
    return this.defaults[name];
  }

  /** A topic config's effective value: the topic's own, else the broker's default. */
  config(topic: Topic, name: string): string | undefined {
    return topic.configs.get(name) ?? this.defaults[name];
  }

  numericConfig(topic: Topic, name: string): number {
    return Number(this.config(topic, name) ?? '-1');
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  validateName(name: string): string | null {
    if (name === '.' || name === '..') return `Topic name cannot be "${name}"`;
    if (!LEGAL_NAME.test(name)) {
      return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-' or is longer than 249 characters`;
    }
    const folded = name.replace(/\./g, '_');
    for (const other of this.topics.keys()) {
      if (other !== name && other.replace(/\./g, '_') === folded) {
        return `Topic '${name}' collides with existing topic: ${other}`;
      }
    }
    return null;
  }

  create(
    name: string,
    numPartitions: number,
    replicationFactor: number,
    configs: ReadonlyArray<[string, string | null]>,
    validateOnly = false,
  ): TopicResult {
    if (this.topics.has(name)) {
      return { errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, message: `Topic '${name}' already exists.` };
    }
    const badName = this.validateName(name);
    if (badName) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, message: badName };
    const partitions = numPartitions === -1 ? this.defaultPartitions : numPartitions;
    if (partitions <= 0) {
      return { errorCode: ErrorCode.INVALID_PARTITIONS, message: 'Number of partitions must be larger than 0.' };
    }
    if (replicationFactor === 0 || replicationFactor < -1) {
      return {
        errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
        message: 'Replication factor must be larger than 0, or -1 to use the default value.',
      };
    }
    if (replicationFactor !== -1 && replicationFactor !== 1) {
      return {
        errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
        message: `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only 1 broker(s) are registered.`,
      };
    }
    const configMap = new Map<string, string>();
    for (const [key, value] of configs) {
      const problem = validateTopicConfig(key, value);
      if (problem) return { errorCode: ErrorCode.INVALID_CONFIG, message: problem };
      if (value !== null) configMap.set(key, value);
    }
    if (validateOnly) return OK;
    this.materialize(name, partitions, configMap);
    this.journal.append({ t: 'topic', name, partitions, configs: Object.fromEntries(configMap) });
    return OK;
  }

  /** Creates the in-memory topic and opens (or recovers) its partition logs. */
  materialize(name: string, partitions: number, configs: Map<string, string>): Topic {
    const topic: Topic = { name, partitions: [], configs };
    this.topics.set(name, topic);
    this.addPartitions(topic, partitions);
    return topic;
  }

  private addPartitions(topic: Topic, count: number): void {
    const segmentBytes = this.numericConfig(topic, 'segment.bytes');
    for (let p = topic.partitions.length; p < count; p++) {
      topic.partitions.push(PartitionLog.open(topic.name, p, this.partitionDir(topic.name, p), segmentBytes));
    }
  }

  private partitionDir(topic: string, partition: number): string | null {
    return this.dataDir === null ? null : join(this.dataDir, 'topics', `${topic}-${partition}`);
  }

  delete(name: string): TopicResult {
    const topic = this.topics.get(name);
    if (!topic) {
      return {
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        message: 'This server does not host this topic-partition.',
      };
    }
    this.drop(topic);
    this.journal.append({ t: 'topic-delete', name });
    return OK;
  }

  /** Forgets a topic and removes its data files. */
  private drop(topic: Topic): void {
    this.topics.delete(topic.name);
    for (const log of topic.partitions) {
      for (const seg of log.segments) seg.remove();
      if (log.dir) rmSync(log.dir, { recursive: true, force: true });
    }
  }

  /**
   * DeleteRecords for one partition: moves its log start offset to `offset` (−1 means
   * the high watermark). Beyond the high watermark (or negative) is OFFSET_OUT_OF_RANGE;
   * at or below the current log start nothing changes.
   */
  deleteRecords(name: string, partition: number, offset: number): DeleteRecordsResult {
    const log = this.partition(name, partition);
    if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, lowWatermark: -1 };
    const target = offset === -1 ? log.highWatermark : offset;
    if (target < 0 || target > log.highWatermark) return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, lowWatermark: -1 };
    if (target > log.logStartOffset) {
      log.advanceLogStart(target);
      this.journal.append({ t: 'log-start', topic: name, partition, offset: log.logStartOffset });
    }
    return { errorCode: ErrorCode.NONE, lowWatermark: log.logStartOffset };
  }

  createPartitions(name: string, count: number, validateOnly: boolean): TopicResult {
    const topic = this.topics.get(name);
    if (!topic) {
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: `The topic '${name}' does not exist.` };
    }
    if (count <= topic.partitions.length) {
      return {
        errorCode: ErrorCode.INVALID_PARTITIONS,
        message: `Topic currently has ${topic.partitions.length} partitions, which is higher than the requested ${count}.`,
      };
    }
    if (validateOnly) return OK;
    this.addPartitions(topic, count);
    this.journal.append({ t: 'partitions', name, count });
    return OK;
  }

  /** Replaces a topic's dynamic config set (non-incremental AlterConfigs). */
  alterConfigs(name: string, entries: ReadonlyArray<[string, string | null]>, validateOnly: boolean): TopicResult {
    const topic = this.topics.get(name);
    if (!topic) {
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: `The topic '${name}' does not exist.` };
    }
    const next = new Map<string, string>();
    for (const [key, value] of entries) {
      const problem = validateTopicConfig(key, value);
      if (problem) return { errorCode: ErrorCode.INVALID_CONFIG, message: problem };
      if (value !== null) next.set(key, value);
    }
    if (validateOnly) return OK;
    topic.configs = next;
    for (const log of topic.partitions) log.segmentBytes = this.numericConfig(topic, 'segment.bytes');
    this.journal.append({ t: 'configs', name, configs: Object.fromEntries(next) });
    return OK;
  }

  /** Applies retention to every partition whose topic has `cleanup.policy` delete. */
  enforceRetention(now: number): void {
    for (const topic of this.topics.values()) {
      const policy = topic.configs.get('cleanup.policy') ?? 'delete';
      if (!policy.includes('delete')) continue;
      const retentionMs = this.numericConfig(topic, 'retention.ms');
      const retentionBytes = this.numericConfig(topic, 'retention.bytes');
      for (const log of topic.partitions) {
        const before = log.logStartOffset;
        log.enforceRetention(now, retentionMs, retentionBytes);
        if (log.logStartOffset !== before) {
          this.journal.append({
            t: 'log-start',
            topic: topic.name,
            partition: log.partition,
            offset: log.logStartOffset,
          });
        }
      }
    }
  }

  /** Applies one journaled topic event; false if the event is not a topic event. */
  replay(e: JournalEvent): boolean {
    switch (e.t) {
      case 'topic':
        this.topics.get(e['name'] as string) ??
          this.materialize(
            e['name'] as string,
            e['partitions'] as number,
            new Map(Object.entries(e['configs'] as Record<string, string>)),
          );
        return true;
      case 'topic-delete': {
        // The files went with the delete. Whatever replaying the create reopened belongs to
        // a later topic of the same name, if any: close it, never remove it.
        const topic = this.topics.get(e['name'] as string);
        for (const log of topic?.partitions ?? []) for (const seg of log.segments) seg.close();
        this.topics.delete(e['name'] as string);
        return true;
      }
      case 'configs': {
        const topic = this.topics.get(e['name'] as string);
        if (!topic) return true;
        topic.configs = new Map(Object.entries(e['configs'] as Record<string, string>));
        for (const log of topic.partitions) log.segmentBytes = this.numericConfig(topic, 'segment.bytes');
        return true;
      }
      case 'partitions': {
        const topic = this.topics.get(e['name'] as string);
        if (topic) this.addPartitions(topic, e['count'] as number);
        return true;
      }
      case 'log-start':
        this.partition(e['topic'] as string, e['partition'] as number)?.advanceLogStart(e['offset'] as number);
        return true;
      default:
        return false;
    }
  }

  snapshot(): JournalEvent[] {
    const out: JournalEvent[] = [];
    for (const topic of this.topics.values()) {
      out.push({
        t: 'topic',
        name: topic.name,
        partitions: topic.partitions.length,
        configs: Object.fromEntries(topic.configs),
      });
      for (const log of topic.partitions) {
        if (log.logStartOffset > 0) {
          out.push({ t: 'log-start', topic: topic.name, partition: log.partition, offset: log.logStartOffset });
        }
      }
    }
    return out;
  }

  close(): void {
    for (const topic of this.topics.values())
      for (const log of topic.partitions) for (const s of log.segments) s.close();
  }
}
