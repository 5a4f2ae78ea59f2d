/**
 * The mirror's plugins, for the runtime's plugin list (`mirrorPlugins`). Names are ours;
 * aliases are MirrorMaker 2's Java class names (and Confluent Replicator's for the source).
 */
import { type ConnectorPlugin, defineSourceConnector } from '@tributary/api';
import { mirrorCheckpointConfig, mirrorHeartbeatConfig, mirrorSourceConfig } from './config.js';
import { MirrorCheckpointConnector } from './mirror-checkpoint-connector.js';
import { MirrorCheckpointTask } from './mirror-checkpoint-task.js';
import { MirrorHeartbeatConnector } from './mirror-heartbeat-connector.js';
import { MirrorHeartbeatTask } from './mirror-heartbeat-task.js';
import { MirrorSourceConnector } from './mirror-source-connector.js';
import { MirrorSourceTask } from './mirror-source-task.js';

const VERSION = '0.1.0';

export const mirrorSource = defineSourceConnector({
  name: 'mirror-source',
  aliases: [
    'org.apache.kafka.connect.mirror.MirrorSourceConnector',
    'io.confluent.connect.replicator.ReplicatorSourceConnector',
    'EMRReplicatorSourceConnector',
  ],
  version: VERSION,
  description:
    'Replicates topics from another Kafka cluster (MirrorMaker 2 compatible): record batches copied unchanged to the same partition, remote topics created with the same partitions and configs, offset syncs for consumer-group translation.',
  config: mirrorSourceConfig,
  connector: () => new MirrorSourceConnector(),
  task: () => new MirrorSourceTask(),
});

export const mirrorCheckpoint = defineSourceConnector({
  name: 'mirror-checkpoint',
  aliases: ['org.apache.kafka.connect.mirror.MirrorCheckpointConnector'],
  version: VERSION,
  description:
    'Translates the committed offsets of source consumer groups to the target cluster (MirrorMaker 2 compatible): checkpoints in <source>.checkpoints.internal and, optionally, offsets committed to empty target groups.',
  config: mirrorCheckpointConfig,
  connector: () => new MirrorCheckpointConnector(),
  task: () => new MirrorCheckpointTask(),
});

export const mirrorHeartbeat = defineSourceConnector({
  name: 'mirror-heartbeat',
  aliases: ['org.apache.kafka.connect.mirror.MirrorHeartbeatConnector'],
  version: VERSION,
  description:
    'Writes a heartbeat record to the heartbeats topic of the target cluster every emit.heartbeats.interval.seconds (MirrorMaker 2 compatible), to show that replication paths are alive.',
  config: mirrorHeartbeatConfig,
  connector: () => new MirrorHeartbeatConnector(),
  task: () => new MirrorHeartbeatTask(),
});

/** Every mirror connector, for registries. */
export const mirrorPlugins: readonly ConnectorPlugin[] = [mirrorSource, mirrorCheckpoint, mirrorHeartbeat];
