/**
 * OffsetCommit (key 8), v2-7.
 * Request: GroupId string, GenerationId int32, MemberId string, GroupInstanceId nullable
 * string (v7+), RetentionTimeMs int64 (v2-4), Topics [Name string, Partitions
 * [PartitionIndex int32, CommittedOffset int64, CommittedLeaderEpoch int32 (v6+),
 * CommittedMetadata nullable string]].
 * Response: ThrottleTimeMs int32 (v3+), Topics [Name string, Partitions [PartitionIndex
 * int32, ErrorCode int16]].
 * Generation −1 with an empty member id is a "simple" commit, accepted only while the
 * group is Empty or absent. Offsets are stored verbatim, negative sentinels included;
 * the retention time is ignored (offsets never expire here).
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const offsetCommitApi: ApiHandler = {
  key: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 7,
  handle(req: Reader, ctx: RequestContext): Writer {
    const v = ctx.apiVersion;
    const groupId = req.string();
    const generationId = req.int32();
    const memberId = req.string();
    const groupInstanceId = v >= 7 ? req.nullableString() : null;
    if (v <= 4) req.int64();
    const topics = req.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({
        partition: p.int32(),
        offset: p.int64(),
        leaderEpoch: v >= 6 ? p.int32() : -1,
        metadata: p.nullableString(),
      })),
    }));
    const results = ctx.state.groups.commitOffsets({ groupId, generationId, memberId, groupInstanceId, topics });
    const w = new Writer(64);
    if (v >= 3) w.int32(0);
    return w.array(results, (x, t) => {
      x.string(t.name);
      x.array(t.partitions, (y, p) => y.int32(p.partition).int16(p.errorCode));
    });
  },
};
