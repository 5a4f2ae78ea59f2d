/**
 * CreateTopics (key 19), v0-4.
 * Request: Topics [Name string, NumPartitions int32, ReplicationFactor int16, Assignments
 * [PartitionIndex int32, BrokerIds [int32]], Configs [Name string, Value nullable string]],
 * TimeoutMs int32, ValidateOnly bool (v1+).
 * Response: ThrottleTimeMs int32 (v2+), Topics [Name string, ErrorCode int16, ErrorMessage
 * nullable string (v1+)].
 * −1 partitions or replication factor means the broker default in every version (kafkajs
 * sends −1 when unspecified). There is one broker, so a replication factor above 1 fails
 * with INVALID_REPLICATION_FACTOR, exactly as on a one-broker Kafka cluster.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import { MAX_PARTITIONS_PER_REQUEST, type TopicResult } from '../state/topic-store.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partition: number; brokerIds: number[] }[];
  configs: [string, string | null][];
}

function decodeTopic(r: Reader): CreatableTopic {
  return {
    name: r.string(),
    numPartitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array((a) => ({ partition: a.int32(), brokerIds: a.array((b) => b.int32()) })),
    configs: r.array((c): [string, string | null] => [c.string(), c.nullableString()]),
  };
}

/** Manual assignments: partitions 0..n−1, each on this broker alone. */
function checkAssignments(t: CreatableTopic, nodeId: number): TopicResult | null {
  if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
    return {
      errorCode: ErrorCode.INVALID_REQUEST,
      message:
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
    };
  }
  const indexes = t.assignments.map((a) => a.partition).sort((a, b) => a - b);
  if (indexes.some((p, i) => p !== i)) {
    return {
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      message: 'Partitions should be consecutive and start from 0.',
    };
  }
  for (const a of t.assignments) {
    const unknown = a.brokerIds.find((id) => id !== nodeId);
    if (a.brokerIds.length !== 1 || unknown !== undefined) {
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        message: `Partition ${a.partition} must be assigned to broker ${nodeId} alone; got [${a.brokerIds.join(', ')}].`,
      };
    }
  }
  return null;
}

export const createTopicsApi: ApiHandler = {
  key: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 4,
  handle(req: Reader, ctx: RequestContext): Writer {
    const v = ctx.apiVersion;
    const { state } = ctx;
    const topics = req.array(decodeTopic);
    req.int32();
    const isValidateOnly = v >= 1 ? req.bool() : false;

    const seen = new Map<string, number>();
    for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    let requested = 0;
    for (const t of topics) {
      if (t.assignments.length > 0) requested += t.assignments.length;
      else if (t.numPartitions === -1) requested += state.topics.defaultPartitions;
      else if (t.numPartitions > 0) requested += t.numPartitions;
    }
    const isTooLarge = requested > MAX_PARTITIONS_PER_REQUEST;

    const results = topics.map((t): { name: string } & TopicResult => {
      if (isTooLarge) {
        return {
          name: t.name,
          errorCode: ErrorCode.POLICY_VIOLATION,
          message: 'Excessively large number of partitions per request.',
        };
      }
      if ((seen.get(t.name) ?? 0) > 1) {
        return {
          name: t.name,
          errorCode: ErrorCode.INVALID_REQUEST,
          message: `Found multiple entries for topic ${t.name} in the request.`,
        };
      }
      let partitions = t.numPartitions;
      if (t.assignments.length > 0) {
        const problem = checkAssignments(t, state.nodeId);
        if (problem) return { name: t.name, ...problem };
        partitions = t.assignments.length;
      }
      return {
        name: t.name,
        ...state.topics.create(t.name, partitions, t.replicationFactor, t.configs, isValidateOnly),
      };
    });

    const w = new Writer(64 + results.length * 64);
    if (v >= 2) w.int32(0);
    w.array(results, (x, r) => {
      x.string(r.name).int16(r.errorCode);
      if (v >= 1) x.nullableString(r.message);
    });
    return w;
  },
};
