/**
 * OffsetFetch (key 9), v1-5.
 * Request: GroupId string, Topics [Name string, PartitionIndexes [int32]] (nullable v2+).
 * Response: ThrottleTimeMs int32 (v3+), Topics [Name string, Partitions [PartitionIndex
 * int32, CommittedOffset int64, CommittedLeaderEpoch int32 (v5+), Metadata nullable
 * string, ErrorCode int16]], ErrorCode int16 (v2+).
 * Null topics (v2+; kafkajs sends it for `topics: []`) means every committed partition.
 * Partitions without a commit, and unknown groups, answer offset −1 without an error.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const offsetFetchApi: ApiHandler = {
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 5,
  handle(req: Reader, ctx: RequestContext): Writer {
    const v = ctx.apiVersion;
    const groupId = req.string();
    const readTopic = (r: Reader): { name: string; partitions: number[] } => ({
      name: r.string(),
      partitions: r.array((p) => p.int32()),
    });
    const topics = v >= 2 ? req.nullableArray(readTopic) : req.array(readTopic);
    const results = ctx.state.groups.fetchOffsets(groupId, topics);
    const w = new Writer(128);
    if (v >= 3) w.int32(0);
    w.array(results, (x, t) => {
      x.string(t.name);
      x.array(t.partitions, (y, p) => {
        y.int32(p.partition).int64(p.offset);
        if (v >= 5) y.int32(p.leaderEpoch);
        y.nullableString(p.metadata).int16(p.errorCode);
      });
    });
    if (v >= 2) w.int16(ErrorCode.NONE);
    return w;
  },
};
