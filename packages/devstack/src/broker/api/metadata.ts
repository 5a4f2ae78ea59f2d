/**
 * Metadata (key 3), v0-8.
 * Request: Topics [Name string] (nullable v1+; v0 empty = all), AllowAutoTopicCreation
 * bool (v4+), IncludeClusterAuthorizedOperations bool (v8+), IncludeTopicAuthorizedOperations bool (v8+).
 * Response: ThrottleTimeMs int32 (v3+), Brokers [NodeId int32, Host string, Port int32,
 * Rack nullable string (v1+)], ClusterId nullable string (v2+), ControllerId int32 (v1+),
 * Topics [ErrorCode int16, Name string, IsInternal bool (v1+), Partitions [ErrorCode int16,
 * PartitionIndex int32, LeaderId int32, LeaderEpoch int32 (v7+), ReplicaNodes [int32],
 * IsrNodes [int32], OfflineReplicas [int32] (v5+)], TopicAuthorizedOperations int32 (v8+)],
 * ClusterAuthorizedOperations int32 (v8+).
 * The controller is this node: kafkajs sends admin and idempotent-producer requests there.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

const INT32_MIN = -2147483648;

export const metadataApi: ApiHandler = {
  key: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 8,
  handle(req: Reader, ctx: RequestContext): Writer {
    const v = ctx.apiVersion;
    const { state } = ctx;
    let names = req.nullableArray((r) => r.string());
    if (v === 0 && names?.length === 0) names = null;
    const allowAutoCreate = v >= 4 ? req.bool() : true;

    const topics: { name: string; errorCode: number }[] = [];
    if (names === null) {
      for (const name of state.topics.topics.keys()) topics.push({ name, errorCode: ErrorCode.NONE });
    } else {
      for (const name of names) {
        if (state.topics.get(name) || (allowAutoCreate && state.autoCreate(name))) {
          topics.push({ name, errorCode: ErrorCode.NONE });
        } else {
          const invalid = state.topics.validateName(name) !== null;
          topics.push({
            name,
            errorCode: invalid ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          });
        }
      }
    }

    const w = new Writer(512);
    if (v >= 3) w.int32(0);
    w.array([state.nodeId], (x, id) => {
      x.int32(id).string(state.host).int32(state.port);
      if (v >= 1) x.nullableString(null);
    });
    if (v >= 2) w.nullableString(state.clusterId);
    if (v >= 1) w.int32(state.nodeId);
    w.array(topics, (x, t) => {
      const partitions = state.topics.get(t.name)?.partitions ?? [];
      x.int16(t.errorCode).string(t.name);
      if (v >= 1) x.bool(false);
      x.array(partitions, (y, log) => {
        y.int16(ErrorCode.NONE).int32(log.partition).int32(state.nodeId);
        if (v >= 7) y.int32(-1);
        y.array([state.nodeId], (z, id) => z.int32(id));
        y.array([state.nodeId], (z, id) => z.int32(id));
        if (v >= 5) y.array([], () => {});
      });
      if (v >= 8) x.int32(INT32_MIN);
    });
    if (v >= 8) w.int32(INT32_MIN);
    return w;
  },
};
