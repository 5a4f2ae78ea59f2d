/**
 * CreateTopics (key 19) v4, request header v1 (Kafka 2.4 – 4.x), sent to the controller.
 * Request: Topics [Name string, NumPartitions int32, ReplicationFactor int16, Assignments
 * [PartitionIndex int32, BrokerIds [int32]], Configs [Name string, Value nullable string]],
 * TimeoutMs int32, ValidateOnly bool.
 * Response: ThrottleTimeMs int32, Topics [Name string, ErrorCode int16, ErrorMessage
 * nullable string].
 */
import { Reader } from '../../codec/reader.js';
import { Writer } from '../../codec/writer.js';
import type { CreateTopicResult, NewTopic } from '../contract.js';

export const CREATE_TOPICS_KEY = 19;
export const CREATE_TOPICS_VERSION = 4;

export function encodeCreateTopicsRequest(topics: readonly NewTopic[], timeoutMs: number): Writer {
  const w = new Writer(128);
  w.array(topics, (x, t) => {
    x.string(t.name).int32(t.numPartitions).int16(t.replicationFactor);
    x.array([], () => {});
    x.array(Object.entries(t.configs ?? {}), (y, [k, v]) => y.string(k).nullableString(v));
  });
  return w.int32(timeoutMs).bool(false);
}

export function decodeCreateTopicsResponse(body: Buffer): CreateTopicResult[] {
  const r = new Reader(body);
  r.int32();
  return r.array((t) => ({ name: t.string(), errorCode: t.int16(), errorMessage: t.nullableString() }));
}
