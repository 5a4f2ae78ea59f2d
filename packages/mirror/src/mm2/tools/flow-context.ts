/**
 * What the migration tools need to know about one replicating flow of an MM2 file: the
 * two clusters' clients, the replication policy and filters, and the internal topics —
 * all resolved from the flow's connector properties exactly as the connectors resolve
 * them, so that a tool looks at the same topics and groups the mirror replicates.
 */
import { ConfigError, type Logger } from '@tributary/api';
import { ClusterClients } from '../../cluster-clients.js';
import {
  groupsExclude,
  type MirrorCheckpointConfig,
  type MirrorSourceConfig,
  mirrorCheckpointConfig,
  mirrorSourceConfig,
  requireMirrorSettings,
} from '../../config.js';
import { DefaultGroupFilter, DefaultTopicFilter } from '../../filters.js';
import { isCycle, type ReplicationPolicy } from '../../replication-policy.js';
import {
  CHECKPOINT_CONNECTOR_NAME,
  type MirrorFlow,
  type MirrorMakerPlan,
  SOURCE_CONNECTOR_NAME,
} from '../mm2-config.js';

export interface FlowContext {
  readonly flow: MirrorFlow;
  readonly source: ClusterClients;
  readonly target: ClusterClients;
  readonly policy: ReplicationPolicy;
  readonly sourceConfig: MirrorSourceConfig;
  readonly checkpointConfig: MirrorCheckpointConfig;
  /** The offset-syncs topic and the cluster (`source` or `target`) it lives on. */
  readonly offsetSyncs: { readonly topic: string; readonly location: 'source' | 'target' };
  /** `<source alias>.checkpoints.internal` on the target. */
  readonly checkpointsTopic: string;
  /** Whether the flow replicates this source topic (filters, internal topics, cycles; heartbeats left out). */
  shouldReplicateTopic(topic: string): boolean;
  /** Whether the flow checkpoints this source group (`groups`, `groups.exclude`). */
  shouldReplicateGroup(group: string): boolean;
}

/** A logger that drops everything (the tools print reports, not logs). */
export const silentLogger: Logger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/** The connector properties of `name` in `flow`; throws naming the flow when it has none. */
function connectorProps(flow: MirrorFlow, name: string): Readonly<Record<string, string>> {
  const found = flow.connectors.find((c) => c.name === name);
  if (found === undefined) throw new Error(`Flow ${flow.name} does not replicate (set ${flow.name}.enabled = true)`);
  return found.config;
}

/**
 * The flows the tools look at: the replicating ones (`A->B.enabled`), or those named in
 * `only` (`A->B`), which must exist and replicate.
 */
export function replicatingFlows(plan: MirrorMakerPlan, only?: readonly string[]): MirrorFlow[] {
  const enabled = plan.flows.filter((f) => f.isReplicationEnabled);
  if (only === undefined || only.length === 0) return enabled;
  return only.map((name) => {
    const flow = enabled.find((f) => f.name === name);
    if (flow === undefined) {
      throw new ConfigError([
        {
          key: '--flow',
          value: name,
          message: `Not a replicating flow of the file (replicating: ${enabled.map((f) => f.name).join(', ') || 'none'})`,
        },
      ]);
    }
    return flow;
  });
}

/** Opens the clients of a flow; the caller closes them with {@link closeFlowContext}. */
export function openFlowContext(flow: MirrorFlow, logger: Logger = silentLogger): FlowContext {
  const sourceProps = connectorProps(flow, SOURCE_CONNECTOR_NAME);
  const checkpointProps = connectorProps(flow, CHECKPOINT_CONNECTOR_NAME);
  const context = `flow ${flow.name}`;
  const sourceConfig = mirrorSourceConfig.parse(sourceProps, `${context}, ${SOURCE_CONNECTOR_NAME}`);
  const checkpointConfig = mirrorCheckpointConfig.parse(checkpointProps, `${context}, ${CHECKPOINT_CONNECTOR_NAME}`);
  const workerServers = (flow.workerProps['bootstrap.servers'] ?? '').split(',').map((s) => s.trim());
  const settings = requireMirrorSettings(
    sourceConfig,
    sourceProps,
    { workerBootstrapServers: workerServers, isSourceRequired: true },
    context,
  );
  const topicFilter = new DefaultTopicFilter(settings.topicsInclude, settings.topicsExclude);
  const groupFilter = new DefaultGroupFilter(checkpointConfig.groups, groupsExclude(checkpointConfig, checkpointProps));
  const { policy } = settings;
  const location = sourceConfig['offset-syncs.topic.location'];
  const clientIdBase = `tributary-mirror-tools-${flow.name}`;
  return {
    flow,
    source: new ClusterClients({ cluster: settings.source, side: 'source', clientIdBase, logger }),
    target: new ClusterClients({ cluster: settings.target, side: 'target', clientIdBase, logger }),
    policy,
    sourceConfig,
    checkpointConfig,
    offsetSyncs: {
      topic: policy.offsetSyncsTopic(location === 'source' ? flow.target : flow.source),
      location,
    },
    checkpointsTopic: policy.checkpointsTopic(flow.source),
    shouldReplicateTopic: (topic) =>
      topicFilter.shouldReplicateTopic(topic) &&
      !policy.isInternalTopic(topic) &&
      !policy.isHeartbeatsTopic(topic) &&
      !isCycle(policy, topic, flow.target),
    shouldReplicateGroup: (group) => groupFilter.shouldReplicateGroup(group),
  };
}

/** Whether `pattern` matches all of `text` (as Java's `matches()` and the `topics` filter). */
export function matchesWhole(pattern: RegExp, text: string): boolean {
  return new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, '')).test(text);
}

export async function closeFlowContext(context: FlowContext): Promise<void> {
  await Promise.all([context.source.close(), context.target.close()]);
}

/** The source topics the flow replicates, sorted, with their partition counts. */
export async function replicatedTopics(context: FlowContext): Promise<{ topic: string; partitions: number }[]> {
  const metadata = await context.source.wire('consumer').metadata(null);
  return metadata.topics
    .filter((t) => t.errorCode === 0 && !t.isInternal && context.shouldReplicateTopic(t.name))
    .map((t) => ({ topic: t.name, partitions: t.partitions.length }))
    .sort((a, b) => a.topic.localeCompare(b.topic, 'en', { numeric: true }));
}
