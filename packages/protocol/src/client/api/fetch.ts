/**
 * Fetch (key 1) v11, request header v1 (Kafka 2.3 – 4.x), without fetch sessions.
 * Request: ReplicaId int32, MaxWaitMs int32, MinBytes int32, MaxBytes int32,
 * IsolationLevel int8, SessionId int32, SessionEpoch int32, Topics [Topic string,
 * Partitions [Partition int32, CurrentLeaderEpoch int32, FetchOffset int64, LogStartOffset
 * int64, PartitionMaxBytes int32]], ForgottenTopicsData [Topic string, Partitions [int32]],
 * RackId string.
 * Response: ThrottleTimeMs int32, ErrorCode int16, SessionId int32, Responses [Topic
 * string, Partitions [PartitionIndex int32, ErrorCode int16, HighWatermark int64,
 * LastStableOffset int64, LogStartOffset int64, AbortedTransactions nullable [ProducerId
 * int64, FirstOffset int64], PreferredReadReplica int32, Records records]].
 * Session id 0 with epoch −1 is a full fetch that opens no session (KIP-227).
 */
import { Reader } from '../../codec/reader.js';
import { Writer } from '../../codec/writer.js';

export const FETCH_KEY = 1;
export const FETCH_VERSION = 11;

export interface FetchRequest {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly isReadCommitted: boolean;
  readonly topics: readonly {
    readonly topic: string;
    readonly partitions: readonly { readonly partition: number; readonly offset: number; readonly maxBytes: number }[];
  }[];
}

export interface AbortedTransaction {
  readonly producerId: number;
  readonly firstOffset: number;
}

export interface FetchPartitionResponse {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  readonly aborted: AbortedTransaction[] | null;
  /** A view into the response. */
  readonly records: Buffer | null;
}

export interface FetchResponse {
  readonly errorCode: number;
  readonly partitions: FetchPartitionResponse[];
}

export function encodeFetchRequest(f: FetchRequest): Writer {
  const w = new Writer(128);
  w.int32(-1)
    .int32(f.maxWaitMs)
    .int32(f.minBytes)
    .int32(f.maxBytes)
    .int8(f.isReadCommitted ? 1 : 0);
  w.int32(0).int32(-1);
  w.array(f.topics, (x, t) => {
    x.string(t.topic);
    x.array(t.partitions, (y, p) => y.int32(p.partition).int32(-1).int64(p.offset).int64(-1).int32(p.maxBytes));
  });
  w.int32(0);
  return w.string('');
}

export function decodeFetchResponse(body: Buffer): FetchResponse {
  const r = new Reader(body);
  r.int32();
  const errorCode = r.int16();
  r.int32();
  const partitions: FetchPartitionResponse[] = [];
  r.array((t) => {
    const topic = t.string();
    t.array((p) => {
      const partition = p.int32();
      const errorCode = p.int16();
      const highWatermark = p.int64();
      const lastStableOffset = p.int64();
      const logStartOffset = p.int64();
      const aborted = p.nullableArray((a): AbortedTransaction => ({ producerId: a.int64(), firstOffset: a.int64() }));
      p.int32();
      const records = p.nullableBytes();
      partitions.push({
        topic,
        partition,
        errorCode,
        highWatermark,
        lastStableOffset,
        logStartOffset,
        aborted,
        records,
      });
    });
  });
  return { errorCode, partitions };
}
