/**
 * ListOffsets (key 2) v5, request header v1 (Kafka 2.2 – 4.x).
 * Request: ReplicaId int32, IsolationLevel int8, Topics [Name string, Partitions
 * [PartitionIndex int32, CurrentLeaderEpoch int32, Timestamp int64]].
 * Response: ThrottleTimeMs int32, Topics [Name string, Partitions [PartitionIndex int32,
 * ErrorCode int16, Timestamp int64, Offset int64, LeaderEpoch int32]].
 * Timestamp −1 asks for the latest offset, −2 for the earliest.
 */
import { Reader } from '../../codec/reader.js';
import { Writer } from '../../codec/writer.js';

export const LIST_OFFSETS_KEY = 2;
export const LIST_OFFSETS_VERSION = 5;

export interface ListOffsetsTopic {
  readonly topic: string;
  readonly partitions: readonly { readonly partition: number; readonly timestamp: number }[];
}

export interface ListOffsetsPartitionResult {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly offset: number;
}

export function encodeListOffsetsRequest(isReadCommitted: boolean, topics: readonly ListOffsetsTopic[]): Writer {
  const w = new Writer(64);
  w.int32(-1).int8(isReadCommitted ? 1 : 0);
  w.array(topics, (x, t) => {
    x.string(t.topic);
    x.array(t.partitions, (y, p) => y.int32(p.partition).int32(-1).int64(p.timestamp));
  });
  return w;
}

export function decodeListOffsetsResponse(body: Buffer): ListOffsetsPartitionResult[] {
  const r = new Reader(body);
  r.int32();
  const out: ListOffsetsPartitionResult[] = [];
  r.array((t) => {
    const topic = t.string();
    t.array((p) => {
      const partition = p.int32();
      const errorCode = p.int16();
      p.int64();
      const offset = p.int64();
      p.int32();
      out.push({ topic, partition, errorCode, offset });
    });
  });
  return out;
}
