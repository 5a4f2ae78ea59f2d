/**
 * OffsetFetch (key 9) v5, request header v1 (Kafka 2.1 – 4.x), sent to the group
 * coordinator.
 * Request: GroupId string, Topics nullable [Name string, PartitionIndexes [int32]].
 * Response: ThrottleTimeMs int32, Topics [Name string, Partitions [PartitionIndex int32,
 * CommittedOffset int64, CommittedLeaderEpoch int32, Metadata nullable string, ErrorCode
 * int16]], ErrorCode int16.
 * A partition without a committed offset answers offset −1 and no error.
 */
import { Reader } from '../../codec/reader.js';
import { Writer } from '../../codec/writer.js';
import type { TopicPartitionRef } from '../contract.js';

export const OFFSET_FETCH_KEY = 9;
export const OFFSET_FETCH_VERSION = 5;

export function encodeOffsetFetchRequest(
  groupId: string,
  topics: ReadonlyMap<string, readonly TopicPartitionRef[]>,
): Writer {
  const w = new Writer(128);
  w.string(groupId);
  w.array([...topics], (x, [topic, partitions]) => {
    x.string(topic);
    x.array(partitions, (y, p) => y.int32(p.partition));
  });
  return w;
}

export interface FetchedGroupOffsets {
  /** The group-level error (COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR, …), or 0. */
  readonly errorCode: number;
  readonly partitions: { topic: string; partition: number; offset: number; errorCode: number }[];
}

export function decodeOffsetFetchResponse(body: Buffer): FetchedGroupOffsets {
  const r = new Reader(body);
  r.int32();
  const partitions: FetchedGroupOffsets['partitions'] = [];
  r.array((t) => {
    const topic = t.string();
    t.array((p) => {
      const partition = p.int32();
      const offset = p.int64();
      p.int32();
      p.nullableString();
      partitions.push({ topic, partition, offset, errorCode: p.int16() });
    });
  });
  return { partitions, errorCode: r.int16() };
}
