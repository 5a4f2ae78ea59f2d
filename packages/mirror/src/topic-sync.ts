/**
 * Topics on the two clusters: which source topics are replicated, and the remote topics
 * that must exist for them on the target — same partition count, source configs minus
 * the excluded ones. Remote topics are created and grown, never deleted or shrunk.
 *
 * Config sync uses kafkajs `alterConfigs`, which replaces a topic's whole config; to keep
 * settings made only on the target, the target's own settings are read first and the
 * source's are laid over them.
 */
import type { Logger } from '@tributary/api';
import type { Admin, ConfigEntries, ConfigResourceTypes } from 'kafkajs';
import type { ConfigPropertyFilter, TopicFilter } from './filters.js';
import { isCycle, type ReplicationPolicy } from './replication-policy.js';
import { replicationFactorFor } from './topic-creation.js';

/** A source topic that is replicated, and its name on the target. */
export interface ReplicatedTopic {
  readonly source: string;
  readonly remote: string;
  readonly partitions: number;
}

export interface TopicSyncOptions {
  readonly sourceAdmin: () => Promise<Admin>;
  readonly targetAdmin: () => Promise<Admin>;
  readonly policy: ReplicationPolicy;
  readonly topicFilter: TopicFilter;
  readonly configFilter: ConfigPropertyFilter;
  readonly sourceAlias: string;
  readonly targetAlias: string;
  /** For created remote topics; -1 is the broker's default. */
  readonly replicationFactor: number;
  readonly isHeartbeatsReplicationEnabled: boolean;
  /** False: missing remote topics are reported, not created. */
  readonly isTopicAutoCreate: boolean;
  readonly adminTimeoutMs: number;
  readonly logger: Logger;
}

export interface EnsureResult {
  readonly created: readonly string[];
  /** Remote topics whose partition count was raised. */
  readonly grown: readonly string[];
  /** Remote topics that do not exist (or have too few partitions) and were not created. */
  readonly missing: readonly string[];
}

/** Kafka's ConfigResource type TOPIC and ConfigSource values (kafkajs's enums are not ESM-importable). */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;
const TOPIC_CONFIG = 1;
const STATIC_BROKER_CONFIG = 4;

function isTopicOwn(entry: ConfigEntries): boolean {
  return entry.configSource === TOPIC_CONFIG || (entry.configSource === undefined && !entry.isDefault);
}

export class TopicSync {
  readonly #o: TopicSyncOptions;

  constructor(options: TopicSyncOptions) {
    this.#o = options;
  }

  /** MM2's rule: (accepted by the filter, or a heartbeats topic) and neither internal nor a cycle. */
  shouldReplicateTopic(topic: string): boolean {
    const { policy, topicFilter } = this.#o;
    const isWanted =
      topicFilter.shouldReplicateTopic(topic) ||
      (this.#o.isHeartbeatsReplicationEnabled && policy.isHeartbeatsTopic(topic));
    return isWanted && !policy.isInternalTopic(topic) && !isCycle(policy, topic, this.#o.targetAlias);
  }

  /**
   * The source topics to replicate, sorted by name. When two map to the same remote
   * name (a rename format without `${topic}`), the first by name wins and the other is
   * left out with a warning.
   */
  async listSourceTopics(): Promise<ReplicatedTopic[]> {
    const admin = await this.#o.sourceAdmin();
    const { topics } = await admin.fetchTopicMetadata();
    const out: ReplicatedTopic[] = [];
    const byRemote = new Map<string, string>();
    for (const t of [...topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!this.shouldReplicateTopic(t.name) || t.partitions.length === 0) continue;
      const remote = this.#o.policy.formatRemoteTopic(this.#o.sourceAlias, t.name);
      const earlier = byRemote.get(remote);
      if (earlier !== undefined) {
        this.#o.logger.warn(
          `Topic ${t.name} is not replicated: its remote name ${remote} is already that of ${earlier}`,
        );
        continue;
      }
      byRemote.set(remote, t.name);
      out.push({ source: t.name, remote, partitions: t.partitions.length });
    }
    return out;
  }

  /** Partition counts of the given target topics; absent topics are missing from the map. */
  async #targetPartitionCounts(names: readonly string[]): Promise<Map<string, number>> {
    const admin = await this.#o.targetAdmin();
    const existing = new Set(await admin.listTopics());
    const present = names.filter((n) => existing.has(n));
    const counts = new Map<string, number>();
    if (present.length === 0) return counts;
    const { topics } = await admin.fetchTopicMetadata({ topics: present });
    for (const t of topics) counts.set(t.name, t.partitions.length);
    return counts;
  }

  /**
   * Creates missing remote topics (same partitions, filtered source configs) and raises
   * the partition count of remote topics with fewer partitions than their source.
   */
  async ensureRemoteTopics(topics: readonly ReplicatedTopic[]): Promise<EnsureResult> {
    const counts = await this.#targetPartitionCounts(topics.map((t) => t.remote));
    const toCreate = topics.filter((t) => !counts.has(t.remote));
    const toGrow = topics.filter((t) => {
      const n = counts.get(t.remote);
      return n !== undefined && n < t.partitions;
    });
    if (!this.#o.isTopicAutoCreate) {
      const missing = [...toCreate, ...toGrow].map((t) => t.remote);
      if (missing.length > 0)
        this.#o.logger.warn(
          { topics: missing },
          'Remote topics missing or short of partitions; topic.auto.create=false',
        );
      return { created: [], grown: [], missing };
    }
    const admin = await this.#o.targetAdmin();
    const created: string[] = [];
    if (toCreate.length > 0) {
      const configs = await this.sourceConfigs(toCreate.map((t) => t.source));
      const replicationFactor = await replicationFactorFor(
        admin,
        this.#o.replicationFactor,
        toCreate.map((t) => t.remote),
        this.#o.logger,
      );
      await admin.createTopics({
        waitForLeaders: true,
        timeout: this.#o.adminTimeoutMs,
        topics: toCreate.map((t) => ({
          topic: t.remote,
          numPartitions: t.partitions,
          replicationFactor,
          configEntries: Object.entries(configs.get(t.source) ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
      for (const t of toCreate) {
        created.push(t.remote);
        this.#o.logger.info(
          `Created remote topic ${t.remote} with ${t.partitions} partitions for ${this.#o.sourceAlias} topic ${t.source}`,
        );
      }
    }
    const grown: string[] = [];
    if (toGrow.length > 0) {
      await admin.createPartitions({
        timeout: this.#o.adminTimeoutMs,
        topicPartitions: toGrow.map((t) => ({ topic: t.remote, count: t.partitions })),
      });
      for (const t of toGrow) {
        grown.push(t.remote);
        this.#o.logger.info(`Raised the partitions of remote topic ${t.remote} to ${t.partitions}, as ${t.source} has`);
      }
    }
    return { created, grown, missing: [] };
  }

  /** The configs of source topics to copy: each topic's own settings (and defaults with use.defaults.from=source), filtered. */
  async sourceConfigs(sourceTopics: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (sourceTopics.length === 0) return out;
    const admin = await this.#o.sourceAdmin();
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: sourceTopics.map((name) => ({ type: TOPIC_RESOURCE, name })),
    });
    const filter = this.#o.configFilter;
    for (const resource of described.resources) {
      if (resource.errorCode !== 0) {
        this.#o.logger.warn(
          `Describing the configs of source topic ${resource.resourceName} failed (error ${resource.errorCode}: ${resource.errorMessage})`,
        );
        continue;
      }
      const configs: Record<string, string> = {};
      for (const entry of resource.configEntries) {
        if (entry.readOnly || entry.isSensitive || entry.configValue === null || entry.configValue === undefined)
          continue;
        if (entry.configSource === STATIC_BROKER_CONFIG) continue;
        if (!isTopicOwn(entry) && !filter.shouldReplicateSourceDefault(entry.configName)) continue;
        if (!filter.shouldReplicateConfigProperty(entry.configName)) continue;
        configs[entry.configName] = entry.configValue;
      }
      out.set(resource.resourceName, configs);
    }
    return out;
  }

  /**
   * Copies source topic configs to the remote topics that exist; returns the remote topics
   * that were changed. Settings made only on the target stay.
   */
  async syncTopicConfigs(topics: readonly ReplicatedTopic[]): Promise<string[]> {
    if (topics.length === 0) return [];
    const counts = await this.#targetPartitionCounts(topics.map((t) => t.remote));
    const present = topics.filter((t) => counts.has(t.remote));
    if (present.length === 0) return [];
    const source = await this.sourceConfigs(present.map((t) => t.source));
    const admin = await this.#o.targetAdmin();
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((t) => ({ type: TOPIC_RESOURCE, name: t.remote })),
    });
    const targetOwn = new Map<string, Record<string, string>>();
    for (const resource of described.resources) {
      if (resource.errorCode !== 0) continue;
      const own: Record<string, string> = {};
      for (const entry of resource.configEntries) {
        if (isTopicOwn(entry) && !entry.readOnly && !entry.isSensitive && entry.configValue !== null)
          own[entry.configName] = entry.configValue;
      }
      targetOwn.set(resource.resourceName, own);
    }
    const altered: string[] = [];
    for (const t of present) {
      const wanted = source.get(t.source);
      const current = targetOwn.get(t.remote);
      if (wanted === undefined || current === undefined) continue;
      const changes = Object.entries(wanted).filter(([name, value]) => current[name] !== value);
      if (changes.length === 0) continue;
      const merged = { ...current, ...wanted };
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: TOPIC_RESOURCE,
            name: t.remote,
            configEntries: Object.entries(merged).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      altered.push(t.remote);
      this.#o.logger.info(
        { configs: changes.map(([name]) => name) },
        `Synced the configs of remote topic ${t.remote} from ${t.source}`,
      );
    }
    return altered;
  }
}
