/**
 * DeleteRecords (key 21), v0-1.
 * Request: Topics [Name string, Partitions [PartitionIndex int32, Offset int64]],
 * TimeoutMs int32.
 * Response: ThrottleTimeMs int32, Topics [Name string, Partitions [PartitionIndex int32,
 * LowWatermark int64, ErrorCode int16]].
 * Offset −1 means the high watermark; beyond it is OFFSET_OUT_OF_RANGE. LowWatermark is
 * the partition's log start offset afterwards. Parked fetches below it are woken so
 * that they answer OFFSET_OUT_OF_RANGE.
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const deleteRecordsApi: ApiHandler = {
  key: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 1,
  handle(req: Reader, ctx: RequestContext): Writer {
    const { state } = ctx;
    const topics = req.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({ index: p.int32(), offset: p.int64() })),
    }));
    req.int32();

    const results = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        index: p.index,
        ...state.topics.deleteRecords(t.name, p.index, p.offset),
      })),
    }));
    state.waiters.notify();

    const w = new Writer(64 + results.length * 64);
    w.int32(0);
    return w.array(results, (x, t) => {
      x.string(t.name).array(t.partitions, (y, p) => y.int32(p.index).int64(p.lowWatermark).int16(p.errorCode));
    });
  },
};
