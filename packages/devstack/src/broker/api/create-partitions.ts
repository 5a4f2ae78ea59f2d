/**
 * CreatePartitions (key 37), v0-1.
 * Request: Topics [Name string, Count int32, Assignments nullable [BrokerIds [int32]]],
 * TimeoutMs int32, ValidateOnly bool.
 * Response: ThrottleTimeMs int32, Results [Name string, ErrorCode int16, ErrorMessage
 * nullable string].
 * Count is the new total; it must grow. Explicit assignments, one per new partition,
 * may only name this broker.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import { MAX_PARTITIONS_PER_REQUEST, type TopicResult } from '../state/topic-store.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

interface PartitionIncrease {
  name: string;
  count: number;
  assignments: number[][] | null;
}

export const createPartitionsApi: ApiHandler = {
  key: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 1,
  handle(req: Reader, ctx: RequestContext): Writer {
    const { state } = ctx;
    const topics = req.array(
      (r): PartitionIncrease => ({
        name: r.string(),
        count: r.int32(),
        assignments: r.nullableArray((a) => a.array((b) => b.int32())),
      }),
    );
    req.int32();
    const isValidateOnly = req.bool();

    const seen = new Map<string, number>();
    for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    let added = 0;
    for (const t of topics) added += Math.max(0, t.count - (state.topics.get(t.name)?.partitions.length ?? t.count));
    const isTooLarge = added > MAX_PARTITIONS_PER_REQUEST;

    const results = topics.map((t): { name: string } & TopicResult => {
      if (isTooLarge) {
        return {
          name: t.name,
          errorCode: ErrorCode.POLICY_VIOLATION,
          message: 'Excessively large number of partitions per request.',
        };
      }
      if ((seen.get(t.name) ?? 0) > 1) {
        return { name: t.name, errorCode: ErrorCode.INVALID_REQUEST, message: 'Duplicate topic in request.' };
      }
      const current = state.topics.get(t.name)?.partitions.length;
      if (t.assignments !== null && current !== undefined && t.count > current) {
        if (t.assignments.length !== t.count - current) {
          return {
            name: t.name,
            errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            message: `Attempted to add ${t.count - current} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.`,
          };
        }
        if (t.assignments.some((ids) => ids.length !== 1 || ids[0] !== state.nodeId)) {
          return {
            name: t.name,
            errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            message: `New partitions must be assigned to broker ${state.nodeId} alone.`,
          };
        }
      }
      return { name: t.name, ...state.topics.createPartitions(t.name, t.count, isValidateOnly) };
    });

    const w = new Writer(64 + results.length * 64);
    w.int32(0);
    return w.array(results, (x, r) => x.string(r.name).int16(r.errorCode).nullableString(r.message));
  },
};
