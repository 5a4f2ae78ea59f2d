/**
 * Produce (key 0) v8, request header v1 (Kafka 2.4 – 4.x).
 * Request: TransactionalId nullable string, Acks int16, TimeoutMs int32, TopicData [Name
 * string, PartitionData [Index int32, Records records]].
 * Response: Responses [Name string, PartitionResponses [Index int32, ErrorCode int16,
 * BaseOffset int64, LogAppendTimeMs int64, LogStartOffset int64, RecordErrors [BatchIndex
 * int32, BatchIndexErrorMessage nullable string], ErrorMessage nullable string]],
 * ThrottleTimeMs int32.
 * Kafka accepts exactly one v2 batch per partition per request.
 */
import { Reader } from '../../codec/reader.js';
import { Writer } from '../../codec/writer.js';

export const PRODUCE_KEY = 0;
export const PRODUCE_VERSION = 8;

export interface ProduceTopic {
  readonly topic: string;
  readonly partitions: readonly { readonly partition: number; readonly records: Buffer }[];
}

export interface ProducePartitionResult {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly baseOffset: number;
  readonly message: string | null;
}

export function encodeProduceRequest(acks: number, timeoutMs: number, topics: readonly ProduceTopic[]): Writer {
  const w = new Writer(128);
  w.nullableString(null).int16(acks).int32(timeoutMs);
  w.array(topics, (x, t) => {
    x.string(t.topic);
    // Record data goes by reference (no copy into the request buffer).
    x.array(t.partitions, (y, p) => y.int32(p.partition).records([p.records]));
  });
  return w;
}

export function decodeProduceResponse(body: Buffer): ProducePartitionResult[] {
  const r = new Reader(body);
  const out: ProducePartitionResult[] = [];
  r.array((t) => {
    const topic = t.string();
    t.array((p) => {
      const partition = p.int32();
      const errorCode = p.int16();
      const baseOffset = p.int64();
      p.int64();
      p.int64();
      const recordErrors = p.array((e) => {
        e.int32();
        return e.nullableString();
      });
      const message = p.nullableString() ?? recordErrors.find((m) => m !== null) ?? null;
      out.push({ topic, partition, errorCode, baseOffset, message });
    });
  });
  return out;
}
