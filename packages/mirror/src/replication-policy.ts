/**
 * Replication policies: how a topic is named on the target cluster, how a remote topic name
 * is traced back to its source cluster, and the names of MirrorMaker 2's internal topics.
 * The names are MM2's (`mirror-client`'s `ReplicationPolicy`), so topics written by MM2 and
 * by this package are interchangeable, and MM2's readers (`RemoteClusterUtils`) find them.
 *
 * | | Default (separator `.`) | Identity | rename format (`topic.rename.format`) |
 * |---|---|---|---|
 * | remote topic | `A.orders` | `orders` | the format with `${topic}` replaced |
 * | topicSource | prefix before the first separator, null if none | the source alias | the source alias when the name fits the format |
 * | upstreamTopic | strip `A.` | the topic | the `${topic}` part |
 *
 * Heartbeats (`heartbeats`, `A.heartbeats`, …) are always named the Default way, so that
 * heartbeats show the replication path even under Identity.
 */
import { ConfigError } from '@tributary/api';

export interface ReplicationPolicy {
  /** The name on the target of `topic` replicated from cluster `sourceClusterAlias`. */
  formatRemoteTopic(sourceClusterAlias: string, topic: string): string;
  /** The cluster a remote topic came from, or `null` for a topic that is not remote. */
  topicSource(topic: string): string | null;
  /** The name of a remote topic on its source cluster, or `null` for a topic that is not remote. */
  upstreamTopic(topic: string): string | null;
  /** The name on the cluster where the topic was first written (follows multi-hop names). */
  originalTopic(topic: string): string;
  /** `heartbeats`. */
  heartbeatsTopic(): string;
  /** `mm2-offset-syncs.<alias>.internal`, where `alias` is the cluster on the other side. */
  offsetSyncsTopic(clusterAlias: string): string;
  /** `<source alias>.checkpoints.internal`, on the target cluster. */
  checkpointsTopic(clusterAlias: string): string;
  isHeartbeatsTopic(topic: string): boolean;
  isCheckpointsTopic(topic: string): boolean;
  /** Offset-syncs and checkpoints topics (names ending in `<sep>internal`). */
  isMM2InternalTopic(topic: string): boolean;
  /** MM2's topics, Kafka's (`__…`, `.…`) and Connect's (`…-internal`, `….internal`): never replicated. */
  isInternalTopic(topic: string): boolean;
}

export const DEFAULT_SEPARATOR = '.';
const HEARTBEATS_TOPIC = 'heartbeats';

/** Java's `String.split(regex)`: trailing empty strings are dropped. */
function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export interface DefaultPolicyOptions {
  /** `replication.policy.separator`; default `.`. */
  readonly separator?: string;
  /**
   * `replication.policy.internal.topic.separator.enabled`; default true. False keeps `.` in
   * internal topic names (`mm2-offset-syncs.B.internal`) whatever the separator.
   */
  readonly isInternalTopicSeparatorEnabled?: boolean;
}

/** MM2's DefaultReplicationPolicy: `<source alias><separator><topic>`. */
export class DefaultReplicationPolicy implements ReplicationPolicy {
  readonly separator: string;
  readonly #internalSeparator: string;

  constructor(options: DefaultPolicyOptions = {}) {
    const separator = options.separator ?? DEFAULT_SEPARATOR;
    if (separator === '')
      throw new ConfigError([
        { key: 'replication.policy.separator', value: separator, message: 'The separator must not be empty' },
      ]);
    this.separator = separator;
    this.#internalSeparator = options.isInternalTopicSeparatorEnabled === false ? '.' : separator;
  }

  formatRemoteTopic(sourceClusterAlias: string, topic: string): string {
    return `${sourceClusterAlias}${this.separator}${topic}`;
  }

  topicSource(topic: string): string | null {
    const parts = javaSplit(topic, this.separator);
    return parts.length < 2 ? null : (parts[0] ?? null);
  }

  upstreamTopic(topic: string): string | null {
    const source = this.topicSource(topic);
    return source === null ? null : topic.slice(source.length + this.separator.length);
  }

  originalTopic(topic: string): string {
    const upstream = this.upstreamTopic(topic);
    return upstream === null || upstream === topic ? topic : this.originalTopic(upstream);
  }

  heartbeatsTopic(): string {
    return HEARTBEATS_TOPIC;
  }

  #internalSuffix(): string {
    return `${this.#internalSeparator}internal`;
  }

  #checkpointsSuffix(): string {
    return `${this.#internalSeparator}checkpoints${this.#internalSuffix()}`;
  }

  offsetSyncsTopic(clusterAlias: string): string {
    return `mm2-offset-syncs${this.#internalSeparator}${clusterAlias}${this.#internalSuffix()}`;
  }

  checkpointsTopic(clusterAlias: string): string {
    return `${clusterAlias}${this.#checkpointsSuffix()}`;
  }

  isHeartbeatsTopic(topic: string): boolean {
    return this.originalTopic(topic) === this.heartbeatsTopic();
  }

  isCheckpointsTopic(topic: string): boolean {
    return topic.endsWith(this.#checkpointsSuffix());
  }

  isMM2InternalTopic(topic: string): boolean {
    return topic.endsWith(this.#internalSuffix());
  }

  isInternalTopic(topic: string): boolean {
    const isKafkaInternal = topic.startsWith('__') || topic.startsWith('.');
    const isConnectInternal = topic.endsWith('-internal') || topic.endsWith('.internal');
    return this.isMM2InternalTopic(topic) || isKafkaInternal || isConnectInternal;
  }
}

/**
 * MM2's IdentityReplicationPolicy (Kafka 3.0+): topics keep their names, so consumers need
 * no change, but a topic's source cannot be told from its name and cycles (A→B→A) are not
 * detected: use it for one-way flows only.
 */
export class IdentityReplicationPolicy extends DefaultReplicationPolicy {
  readonly #sourceClusterAlias: string | null;

  constructor(options: DefaultPolicyOptions & { readonly sourceClusterAlias?: string | null } = {}) {
    super(options);
    this.#sourceClusterAlias = options.sourceClusterAlias ?? null;
  }

  #looksLikeHeartbeat(topic: string): boolean {
    return topic.endsWith(this.heartbeatsTopic());
  }

  override formatRemoteTopic(sourceClusterAlias: string, topic: string): string {
    return this.#looksLikeHeartbeat(topic) ? super.formatRemoteTopic(sourceClusterAlias, topic) : topic;
  }

  override topicSource(topic: string): string | null {
    return this.#looksLikeHeartbeat(topic) ? super.topicSource(topic) : this.#sourceClusterAlias;
  }

  override upstreamTopic(topic: string): string | null {
    return this.#looksLikeHeartbeat(topic) ? super.upstreamTopic(topic) : topic;
  }

  override originalTopic(topic: string): string {
    return this.#looksLikeHeartbeat(topic) ? super.originalTopic(topic) : topic;
  }
}

/** Replicator's placeholder for the source topic in `topic.rename.format`. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder, not a template.
export const TOPIC_PLACEHOLDER = '${topic}';

/**
 * Confluent Replicator's `topic.rename.format`: the remote name is the format with every
 * `${topic}` replaced by the source topic (`${topic}.replica`, `dc1-${topic}`; `${topic}` alone
 * keeps names). A format without the placeholder sends every topic to one fixed name.
 * A remote name is recognised by the text around the first placeholder; like Identity, it
 * cannot detect cycles when the format is `${topic}`.
 */
export class RenameFormatReplicationPolicy extends DefaultReplicationPolicy {
  readonly format: string;
  readonly #sourceClusterAlias: string | null;
  readonly #prefix: string;
  readonly #suffix: string;
  readonly #hasPlaceholder: boolean;

  constructor(format: string, options: DefaultPolicyOptions & { readonly sourceClusterAlias?: string | null } = {}) {
    super(options);
    if (format.trim() === '')
      throw new ConfigError([{ key: 'topic.rename.format', value: format, message: 'The format must not be empty' }]);
    this.format = format;
    this.#sourceClusterAlias = options.sourceClusterAlias ?? null;
    const at = format.indexOf(TOPIC_PLACEHOLDER);
    this.#hasPlaceholder = at >= 0;
    this.#prefix = at >= 0 ? format.slice(0, at) : format;
    this.#suffix = at >= 0 ? format.slice(at + TOPIC_PLACEHOLDER.length) : '';
  }

  #looksLikeHeartbeat(topic: string): boolean {
    return topic.endsWith(this.heartbeatsTopic());
  }

  /** The `${topic}` part of a remote name, or null when `topic` does not fit the format. */
  #unformat(topic: string): string | null {
    if (!this.#hasPlaceholder) return null;
    if (topic.length <= this.#prefix.length + this.#suffix.length) return null;
    if (!topic.startsWith(this.#prefix) || !topic.endsWith(this.#suffix)) return null;
    return topic.slice(this.#prefix.length, topic.length - this.#suffix.length);
  }

  override formatRemoteTopic(sourceClusterAlias: string, topic: string): string {
    if (this.#looksLikeHeartbeat(topic)) return super.formatRemoteTopic(sourceClusterAlias, topic);
    return this.format.split(TOPIC_PLACEHOLDER).join(topic);
  }

  override topicSource(topic: string): string | null {
    if (this.#looksLikeHeartbeat(topic)) return super.topicSource(topic);
    return this.#unformat(topic) === null ? null : this.#sourceClusterAlias;
  }

  override upstreamTopic(topic: string): string | null {
    if (this.#looksLikeHeartbeat(topic)) return super.upstreamTopic(topic);
    return this.#unformat(topic);
  }

  override originalTopic(topic: string): string {
    if (this.#looksLikeHeartbeat(topic)) return super.originalTopic(topic);
    const upstream = this.#unformat(topic);
    return upstream === null || upstream === topic ? topic : this.originalTopic(upstream);
  }
}

const DEFAULT_NAMES = new Set([
  'org.apache.kafka.connect.mirror.defaultreplicationpolicy',
  'defaultreplicationpolicy',
  'default',
]);
const IDENTITY_NAMES = new Set([
  'org.apache.kafka.connect.mirror.identityreplicationpolicy',
  'identityreplicationpolicy',
  'identity',
]);

export interface PolicySettings extends DefaultPolicyOptions {
  /** `replication.policy.class`: MM2's class names, their simple names, or `default` / `identity`. */
  readonly className?: string;
  /** `source.cluster.alias`: what Identity and rename-format policies report as topicSource. */
  readonly sourceClusterAlias?: string | null;
  /** `topic.rename.format`; when set it replaces `className`. */
  readonly renameFormat?: string | null;
}

/** The policy for the given settings; ConfigError naming `replication.policy.class` for an unknown class. */
export function replicationPolicyFor(settings: PolicySettings = {}): ReplicationPolicy {
  const options: DefaultPolicyOptions = {
    ...(settings.separator === undefined ? {} : { separator: settings.separator }),
    ...(settings.isInternalTopicSeparatorEnabled === undefined
      ? {}
      : { isInternalTopicSeparatorEnabled: settings.isInternalTopicSeparatorEnabled }),
  };
  const sourceClusterAlias = settings.sourceClusterAlias ?? null;
  if (settings.renameFormat !== undefined && settings.renameFormat !== null) {
    return new RenameFormatReplicationPolicy(settings.renameFormat, { ...options, sourceClusterAlias });
  }
  const name = (settings.className ?? 'DefaultReplicationPolicy').trim();
  const key = name.toLowerCase();
  if (DEFAULT_NAMES.has(key)) return new DefaultReplicationPolicy(options);
  if (IDENTITY_NAMES.has(key)) return new IdentityReplicationPolicy({ ...options, sourceClusterAlias });
  throw new ConfigError([
    {
      key: 'replication.policy.class',
      value: name,
      message:
        'Unknown replication policy: expected org.apache.kafka.connect.mirror.DefaultReplicationPolicy or ' +
        'org.apache.kafka.connect.mirror.IdentityReplicationPolicy (or their simple names)',
    },
  ]);
}

/**
 * MM2's cycle check: a topic whose source (at any hop) is the target cluster came from there
 * and must not go back. Policies that cannot name a topic's source (Identity) never detect one.
 */
export function isCycle(policy: ReplicationPolicy, topic: string, targetClusterAlias: string): boolean {
  const source = policy.topicSource(topic);
  if (source === null) return false;
  if (source === targetClusterAlias) return true;
  const upstream = policy.upstreamTopic(topic);
  if (upstream === null || upstream === topic) return false;
  return isCycle(policy, upstream, targetClusterAlias);
}
