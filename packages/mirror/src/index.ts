// Explicit exports, sorted by module (Biome). Each helper appends its own.

export {
  type ClientKind,
  type ClientSettings,
  ClusterClients,
  clientSettings,
  kafkajsConfig,
  wireClientOptions,
} from './cluster-clients.js';
export {
  type ClusterSettings,
  commonKeys,
  configPropertiesExclude,
  groupsExclude,
  type MirrorCheckpointConfig,
  type MirrorCommonConfig,
  type MirrorHeartbeatConfig,
  type MirrorSettings,
  type MirrorSourceConfig,
  type MirrorSourceTaskConfig,
  mirrorCheckpointConfig,
  mirrorHeartbeatConfig,
  mirrorSourceConfig,
  mirrorSourceTaskConfig,
  resolveMirrorSettings,
  resolveSourceSettings,
  type SourceSettings,
  subMap,
  TASK_ASSIGNED_GROUPS,
  TASK_ASSIGNED_PARTITIONS,
  topicFilterKeys,
} from './config.js';
export {
  CONFIG_PROPERTIES_EXCLUDE_DEFAULT,
  type ConfigPropertyFilter,
  checkPatternList,
  compilePatternList,
  DefaultConfigPropertyFilter,
  DefaultGroupFilter,
  DefaultTopicFilter,
  GROUPS_DEFAULT,
  GROUPS_EXCLUDE_DEFAULT,
  type GroupFilter,
  literalPatterns,
  TOPICS_DEFAULT,
  TOPICS_EXCLUDE_DEFAULT,
  type TopicFilter,
  type UseDefaultsFrom,
} from './filters.js';
export {
  type CommittedOffset,
  describeGroupTranslation,
  GroupOffsetSync,
  type GroupPartition,
  type GroupSyncResult,
  type GroupTranslation,
  type PartitionAction,
  type PartitionTranslation,
  partitionKey,
  readCommittedOffsets,
  readTargetGroup,
  type TargetGroup,
} from './group-offset-sync.js';
export {
  type Checkpoint,
  decodeCheckpoint,
  decodeHeartbeat,
  decodeOffsetSync,
  encodeCheckpoint,
  encodeHeartbeat,
  encodeOffsetSync,
  type Heartbeat,
  INTERNAL_RECORD_VERSION,
  type KeyValue,
  type OffsetSync,
} from './internal-records.js';
export {
  assignGroups,
  findCheckpointGroups,
  MirrorCheckpointConnector,
} from './mirror-checkpoint-connector.js';
export {
  decodeAssignedGroups,
  encodeAssignedGroups,
  isCheckpointMoreRecent,
  MirrorCheckpointTask,
  readTopicToEnd,
  remoteTopicOf,
  translateCommittedOffsets,
} from './mirror-checkpoint-task.js';
export { MirrorHeartbeatConnector } from './mirror-heartbeat-connector.js';
export { MirrorHeartbeatTask } from './mirror-heartbeat-task.js';
export { assignPartitions, MirrorSourceConnector } from './mirror-source-connector.js';
export {
  decodeTopicPartition,
  encodeTopicPartition,
  MirrorSourceBatch,
  MirrorSourceTask,
  type TopicPartitionId,
  type UpstreamRun,
} from './mirror-source-task.js';
export { mirrorConnectorKey } from './mm2/connector-keys.js';
export {
  CHECKPOINT_CONNECTOR_NAME,
  flowName,
  flowOffsetsFile,
  HEARTBEAT_CONNECTOR_NAME,
  type MirrorConnectorProps,
  type MirrorFlow,
  type MirrorMakerOptions,
  type MirrorMakerPlan,
  mirrorMakerPlan,
  SOURCE_CONNECTOR_NAME,
} from './mm2/mm2-config.js';
export {
  closeFlowContext,
  type FlowContext,
  openFlowContext,
  replicatedTopics,
  replicatingFlows,
} from './mm2/tools/flow-context.js';
export {
  type ClusterInventory,
  formatInventoryReport,
  type GroupInventory,
  type MirrorInventoryOptions,
  type MirrorInventoryReport,
  mirrorInventory,
  type TopicInventory,
} from './mm2/tools/mirror-inventory.js';
export {
  type FlowStatus,
  formatStatusReport,
  type GroupPartitionStatus,
  type GroupStatus,
  type MirrorStatusOptions,
  type MirrorStatusReport,
  mirrorStatus,
  type PartitionStatus,
} from './mm2/tools/mirror-status.js';
export {
  type FlowVerification,
  formatVerifyReport,
  type MirrorVerifyOptions,
  type MirrorVerifyReport,
  mirrorVerify,
} from './mm2/tools/mirror-verify.js';
export { type RecordVisitor, type ScanOptions, type ScanRange, scanPartitions } from './mm2/tools/partition-scan.js';
export { PartitionDigest, recordDifferences, recordDigest } from './mm2/tools/record-digest.js';
export {
  type PartitionDifference,
  type PartitionVerdict,
  type PartitionVerification,
  type RangeSummary,
  type VerifyPartitionsOptions,
  type VerifyPartitionsResult,
  type VerifyTopicPair,
  verifyPartitions,
} from './mm2/tools/verify-partitions.js';
export {
  OffsetSyncReader,
  type OffsetSyncReaderOptions,
  OffsetSyncStore,
  type OffsetSyncStoreOptions,
  type Translation,
  type TranslationRule,
} from './offset-sync-store.js';
export {
  OffsetSyncWriter,
  type OffsetSyncWriterOptions,
  type ReplicatedRun,
  type SyncProducer,
} from './offset-sync-writer.js';
export { mirrorCheckpoint, mirrorHeartbeat, mirrorPlugins, mirrorSource } from './plugins.js';
export {
  DEFAULT_SEPARATOR,
  type DefaultPolicyOptions,
  DefaultReplicationPolicy,
  IdentityReplicationPolicy,
  isCycle,
  type PolicySettings,
  RenameFormatReplicationPolicy,
  type ReplicationPolicy,
  replicationPolicyFor,
  TOPIC_PLACEHOLDER,
} from './replication-policy.js';
export { ensureCompactedTopic, replicationFactorFor } from './topic-creation.js';
export { type EnsureResult, type ReplicatedTopic, TopicSync, type TopicSyncOptions } from './topic-sync.js';
