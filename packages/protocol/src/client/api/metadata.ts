/**
 * Metadata (key 3) v8, request header v1 (Kafka 2.1 – 4.x).
 * Request: Topics nullable [Name string], AllowAutoTopicCreation bool,
 * IncludeClusterAuthorizedOperations bool, IncludeTopicAuthorizedOperations bool.
 * Response: ThrottleTimeMs int32, Brokers [NodeId int32, Host string, Port int32, Rack
 * nullable string], ClusterId nullable string, ControllerId int32, Topics [ErrorCode int16,
 * Name string, IsInternal bool, Partitions [ErrorCode int16, PartitionIndex int32, LeaderId
 * int32, LeaderEpoch int32, ReplicaNodes [int32], IsrNodes [int32], OfflineReplicas [int32]],
 * TopicAuthorizedOperations int32], ClusterAuthorizedOperations int32.
 */
import { Reader } from '../../codec/reader.js';
import { Writer } from '../../codec/writer.js';
import type { ClusterMetadata, TopicInfo } from '../contract.js';

export const METADATA_KEY = 3;
export const METADATA_VERSION = 8;

/** Auto-creation only when asked: a mirror must not create topics by looking at them. */
export function encodeMetadataRequest(topics: readonly string[] | null, allowAutoTopicCreation = false): Writer {
  const w = new Writer(64);
  w.nullableArray(topics, (x, t) => x.string(t));
  return w.bool(allowAutoTopicCreation).bool(false).bool(false);
}

export function decodeMetadataResponse(body: Buffer): ClusterMetadata {
  const r = new Reader(body);
  r.int32();
  const brokers = r.array((b) => {
    const broker = { nodeId: b.int32(), host: b.string(), port: b.int32() };
    b.nullableString();
    return broker;
  });
  const clusterId = r.nullableString();
  const controllerId = r.int32();
  const topics = r.array((t): TopicInfo => {
    const errorCode = t.int16();
    const name = t.string();
    const isInternal = t.bool();
    const partitions = t.array((p) => {
      p.int16();
      const partition = p.int32();
      const leader = p.int32();
      p.int32();
      const replicas = p.array((x) => x.int32());
      p.array((x) => x.int32());
      p.array((x) => x.int32());
      return { partition, leader, replicas };
    });
    t.int32();
    partitions.sort((a, b) => a.partition - b.partition);
    return { name, errorCode, isInternal, partitions };
  });
  return { clusterId, controllerId, brokers, topics };
}
