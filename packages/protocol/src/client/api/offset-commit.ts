/**
 * OffsetCommit (key 8) v7, request header v1 (Kafka 2.3 – 4.x), sent to the group
 * coordinator.
 * Request: GroupId string, GenerationId int32, MemberId string, GroupInstanceId nullable
 * string, Topics [Name string, Partitions [PartitionIndex int32, CommittedOffset int64,
 * CommittedLeaderEpoch int32, CommittedMetadata nullable string]].
 * Response: ThrottleTimeMs int32, Topics [Name string, Partitions [PartitionIndex int32,
 * ErrorCode int16]].
 * Generation −1 with an empty member id is what Kafka's Admin alterConsumerGroupOffsets
 * sends: the coordinator accepts it only while the group has no members.
 */
import { Reader } from '../../codec/reader.js';
import { Writer } from '../../codec/writer.js';
import type { GroupOffset } from '../contract.js';

export const OFFSET_COMMIT_KEY = 8;
export const OFFSET_COMMIT_VERSION = 7;

export function encodeOffsetCommitRequest(
  groupId: string,
  topics: ReadonlyMap<string, readonly GroupOffset[]>,
): Writer {
  const w = new Writer(128);
  w.string(groupId).int32(-1).string('').nullableString(null);
  w.array([...topics], (x, [topic, offsets]) => {
    x.string(topic);
    x.array(offsets, (y, o) =>
      y
        .int32(o.partition)
        .int64(o.offset)
        .int32(-1)
        .nullableString(o.metadata ?? ''),
    );
  });
  return w;
}

export function decodeOffsetCommitResponse(body: Buffer): { topic: string; partition: number; errorCode: number }[] {
  const r = new Reader(body);
  r.int32();
  const out: { topic: string; partition: number; errorCode: number }[] = [];
  r.array((t) => {
    const topic = t.string();
    t.array((p) => {
      out.push({ topic, partition: p.int32(), errorCode: p.int16() });
    });
  });
  return out;
}
