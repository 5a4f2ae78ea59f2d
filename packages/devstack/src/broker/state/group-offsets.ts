/**
 * Committed offsets: per-partition validation, storage inside each {@link Group}, and
 * the journal events that make them survive a restart. Whether a committer may commit
 * at all (member, generation, group state) is the coordinator's call, made before.
 */
import { ErrorCode } from '@tributary/protocol';
import type { CommittedOffset, Group } from './group.js';
import type { Journal, JournalEvent } from './journal.js';
import type { TopicStore } from './topic-store.js';

/** Kafka's `offset.metadata.max.bytes`. */
const OFFSET_METADATA_MAX_BYTES = 4096;

export interface OffsetToCommit {
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface TopicPartitionErrors {
  name: string;
  partitions: { partition: number; errorCode: number }[];
}

export interface FetchedOffset {
  partition: number;
  /** −1 when nothing is committed. */
  offset: number;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

/** One committed partition as journaled: `{t: 'offsets', group, protocolType, offsets: StoredOffset[]}`. */
export interface StoredOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string;
}

export class GroupOffsets {
  constructor(
    private readonly journal: Journal,
    private readonly topics: TopicStore,
  ) {}

  /**
   * Stores every partition that passes validation (in one journal event) and returns
   * one error code per partition: UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE
   * or NONE. Offsets are stored verbatim, negative sentinels included.
   */
  commit(
    group: Group,
    topics: readonly { name: string; partitions: readonly OffsetToCommit[] }[],
  ): TopicPartitionErrors[] {
    const accepted: StoredOffset[] = [];
    const results = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const errorCode = this.validate(t.name, p);
        if (errorCode === ErrorCode.NONE) {
          accepted.push({
            topic: t.name,
            partition: p.partition,
            offset: p.offset,
            leaderEpoch: p.leaderEpoch,
            metadata: p.metadata ?? '',
          });
        }
        return { partition: p.partition, errorCode };
      }),
    }));
    this.store(group, accepted);
    return results;
  }

  private validate(topic: string, p: OffsetToCommit): number {
    if (!this.topics.partition(topic, p.partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    if (p.metadata !== null && Buffer.byteLength(p.metadata) > OFFSET_METADATA_MAX_BYTES)
      return ErrorCode.OFFSET_METADATA_TOO_LARGE;
    return ErrorCode.NONE;
  }

  /** Stores already validated offsets and journals them. */
  store(group: Group, offsets: StoredOffset[]): void {
    if (offsets.length === 0) return;
    for (const o of offsets) setOffset(group, o);
    this.journal.append(offsetsEvent(group, offsets));
  }

  /**
   * OffsetFetch. `topics` null means every committed partition of the group. Partitions
   * without a commit (and unknown groups) answer offset −1 without an error.
   */
  fetch(
    group: Group | undefined,
    topics: readonly { name: string; partitions: readonly number[] }[] | null,
  ): { name: string; partitions: FetchedOffset[] }[] {
    if (topics === null) {
      if (!group) return [];
      return [...group.offsets].map(([name, byPartition]) => ({
        name,
        partitions: [...byPartition].sort(([a], [b]) => a - b).map(([partition, c]) => fetched(partition, c)),
      }));
    }
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partition) => fetched(partition, group?.offsets.get(t.name)?.get(partition))),
    }));
  }

  /** Drops every group's offsets for a deleted topic. */
  deleteTopic(groups: Iterable<Group>, topic: string): void {
    let isChanged = false;
    for (const group of groups) isChanged = group.offsets.delete(topic) || isChanged;
    if (isChanged) this.journal.append({ t: 'offsets-delete', topic });
  }
}

export function offsetsEvent(group: Group, offsets: StoredOffset[]): JournalEvent {
  return { t: 'offsets', group: group.groupId, protocolType: group.protocolType ?? '', offsets };
}

/** The journal event that recreates a group's offsets, or null when it has none. */
export function snapshotOffsets(group: Group): JournalEvent | null {
  const offsets: StoredOffset[] = [];
  for (const [topic, byPartition] of group.offsets) {
    for (const [partition, c] of byPartition) offsets.push({ topic, partition, ...c });
  }
  return offsets.length > 0 ? offsetsEvent(group, offsets) : null;
}

export function setOffset(group: Group, o: StoredOffset): void {
  let byPartition = group.offsets.get(o.topic);
  if (!byPartition) {
    byPartition = new Map();
    group.offsets.set(o.topic, byPartition);
  }
  byPartition.set(o.partition, { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata });
}

function fetched(partition: number, c: CommittedOffset | undefined): FetchedOffset {
  if (!c) return { partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
  return { partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, errorCode: ErrorCode.NONE };
}
