/**
 * ListOffsets (key 2), v1-5.
 * Request: ReplicaId int32, IsolationLevel int8 (v2+), Topics [Name string, Partitions
 * [PartitionIndex int32, CurrentLeaderEpoch int32 (v4+), Timestamp int64]].
 * Response: ThrottleTimeMs int32 (v2+), Topics [Name string, Partitions [PartitionIndex
 * int32, ErrorCode int16, Timestamp int64, Offset int64, LeaderEpoch int32 (v4+)]].
 * Timestamp −1 is the high watermark (the LSO for read_committed), −2 the log start,
 * anything else the first offset whose record timestamp is at or after it ({−1, −1} if none).
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const listOffsetsApi: ApiHandler = {
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 5,
  handle(req: Reader, ctx: RequestContext): Writer {
    const v = ctx.apiVersion;
    req.int32();
    const isReadCommitted = v >= 2 ? req.int8() === 1 : false;
    const topics = req.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => {
        const index = p.int32();
        if (v >= 4) p.int32();
        return { index, timestamp: p.int64() };
      }),
    }));
    const w = new Writer(128);
    if (v >= 2) w.int32(0);
    w.array(topics, (x, t) => {
      const topic = ctx.state.topics.get(t.name);
      x.string(t.name);
      x.array(t.partitions, (y, p) => {
        const log = topic?.partitions[p.index];
        y.int32(p.index);
        if (!log) {
          y.int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
        } else if (p.timestamp === -1) {
          y.int16(0)
            .int64(-1)
            .int64(isReadCommitted ? log.lastStableOffset : log.highWatermark);
        } else if (p.timestamp === -2) {
          y.int16(0).int64(-1).int64(log.logStartOffset);
        } else {
          const found = log.offsetForTimestamp(p.timestamp);
          y.int16(0)
            .int64(found?.timestamp ?? -1)
            .int64(found?.offset ?? -1);
        }
        if (v >= 4) y.int32(-1);
      });
    });
    return w;
  },
};
