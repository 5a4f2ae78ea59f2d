/**
 * Fetch (key 1), v4-11.
 * Request: ReplicaId int32, MaxWaitMs int32, MinBytes int32, MaxBytes int32,
 * IsolationLevel int8, SessionId int32 (v7+), SessionEpoch int32 (v7+), Topics [Topic
 * string, Partitions [Partition int32, CurrentLeaderEpoch int32 (v9+), FetchOffset int64,
 * LogStartOffset int64 (v5+), PartitionMaxBytes int32]], ForgottenTopicsData [Topic string,
 * Partitions [int32]] (v7+), RackId string (v11+).
 * Response: ThrottleTimeMs int32, ErrorCode int16 (v7+), SessionId int32 (v7+), Responses
 * [Topic string, Partitions [PartitionIndex int32, ErrorCode int16, HighWatermark int64,
 * LastStableOffset int64, LogStartOffset int64 (v5+), AbortedTransactions nullable
 * [ProducerId int64, FirstOffset int64], PreferredReadReplica int32 (v11+), Records]].
 * Fetch sessions are declined (session id 0), which KIP-227 allows. Whole stored batches
 * are returned, never one that ends before the fetch offset; the request long-polls
 * until MinBytes are available or MaxWaitMs passes.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import type { BrokerState } from '../broker-state.js';
import type { AbortedTxn } from '../state/partition-log.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

interface FetchPartition {
  partition: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isReadCommitted: boolean;
  topics: { topic: string; partitions: FetchPartition[] }[];
}

interface PartitionData {
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  aborted: AbortedTxn[] | null;
  chunks: Buffer[] | null;
  bytes: number;
}

function decode(req: Reader, v: number): FetchRequest {
  req.int32();
  const maxWaitMs = req.int32();
  const minBytes = req.int32();
  const maxBytes = req.int32();
  const isReadCommitted = req.int8() === 1;
  if (v >= 7) {
    req.int32();
    req.int32();
  }
  const topics = req.array((r) => ({
    topic: r.string(),
    partitions: r.array((p): FetchPartition => {
      const partition = p.int32();
      if (v >= 9) p.int32();
      const fetchOffset = p.int64();
      if (v >= 5) p.int64();
      return { partition, fetchOffset, maxBytes: p.int32() };
    }),
  }));
  return { maxWaitMs, minBytes, maxBytes, isReadCommitted, topics };
}

/** Reads what is available now; `bytes` is the total record bytes gathered. */
function collect(
  state: BrokerState,
  f: FetchRequest,
): { topics: { topic: string; partitions: PartitionData[] }[]; bytes: number; hasError: boolean } {
  let remaining = f.maxBytes;
  let total = 0;
  let hasError = false;
  const topics = f.topics.map((t) => {
    const topic = state.topics.get(t.topic);
    const partitions = t.partitions.map((p): PartitionData => {
      const log = topic?.partitions[p.partition];
      if (!log) {
        hasError = true;
        return {
          partition: p.partition,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          lastStableOffset: -1,
          logStartOffset: -1,
          aborted: null,
          chunks: null,
          bytes: 0,
        };
      }
      const base = {
        partition: p.partition,
        highWatermark: log.highWatermark,
        lastStableOffset: log.lastStableOffset,
        logStartOffset: log.logStartOffset,
      };
      if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.highWatermark) {
        hasError = true;
        return { ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, aborted: null, chunks: null, bytes: 0 };
      }
      const upper = f.isReadCommitted ? log.lastStableOffset : log.highWatermark;
      const limit = Math.min(p.maxBytes, remaining);
      const read = log.read(p.fetchOffset, upper, Math.max(0, limit), total === 0);
      remaining -= read.bytes;
      total += read.bytes;
      const last = read.entries[read.entries.length - 1];
      const aborted = f.isReadCommitted ? (last ? log.abortedBetween(p.fetchOffset, last.lastOffset + 1) : []) : null;
      return { ...base, errorCode: ErrorCode.NONE, aborted, chunks: read.chunks, bytes: read.bytes };
    });
    return { topic: t.topic, partitions };
  });
  return { topics, bytes: total, hasError };
}

/** Bytes available to this request without reading them (long-poll wake-up check). */
function availableBytes(state: BrokerState, f: FetchRequest): number {
  let total = 0;
  for (const t of f.topics) {
    const topic = state.topics.get(t.topic);
    for (const p of t.partitions) {
      const log = topic?.partitions[p.partition];
      if (!log) return Number.MAX_SAFE_INTEGER;
      const upper = f.isReadCommitted ? log.lastStableOffset : log.highWatermark;
      if (p.fetchOffset > log.highWatermark || p.fetchOffset < log.logStartOffset) return Number.MAX_SAFE_INTEGER;
      if (upper > p.fetchOffset) {
        for (let i = log.entries.length - 1; i >= 0; i--) {
          const e = log.entries[i];
          if (!e || e.lastOffset < p.fetchOffset) break;
          if (e.lastOffset < upper) total += e.size;
        }
      }
    }
  }
  return total;
}

function encode(v: number, topics: { topic: string; partitions: PartitionData[] }[]): Writer {
  const w = new Writer(256);
  w.int32(0);
  if (v >= 7) w.int16(ErrorCode.NONE).int32(0);
  w.array(topics, (x, t) => {
    x.string(t.topic);
    x.array(t.partitions, (y, p) => {
      y.int32(p.partition).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
      if (v >= 5) y.int64(p.logStartOffset);
      y.nullableArray(p.aborted, (z, a) => z.int64(a.producerId).int64(a.firstOffset));
      if (v >= 11) y.int32(-1);
      y.records(p.chunks ?? []);
    });
  });
  return w;
}

export const fetchApi: ApiHandler = {
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,
  async handle(req: Reader, ctx: RequestContext): Promise<Writer> {
    const f = decode(req, ctx.apiVersion);
    const { state } = ctx;
    const minBytes = Math.max(1, f.minBytes);
    if (f.maxWaitMs > 0 && availableBytes(state, f) < minBytes) {
      await state.waiters.wait(f.maxWaitMs, () => availableBytes(state, f) >= minBytes, ctx.connectionClosed);
    }
    return encode(ctx.apiVersion, collect(state, f).topics);
  },
};
