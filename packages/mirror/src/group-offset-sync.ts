/**
 * Consumer-group offsets on the target cluster (`sync.group.offsets.enabled`): the
 * translated offsets of a source group are committed to the group of the same name on the
 * target, so that consumers switched to the target resume where they left off.
 *
 * Rules (MM2's, §4.9): a group is written only when it is absent or EMPTY on the target
 * (an active group owns its offsets); a partition is written only when the translation is
 * ahead of the target's committed offset (never moving a group back) or the target has
 * none; partitions without a translation are left alone.
 *
 * {@link describeGroupTranslation} is the decision alone, as data with a reason for every
 * skip, so that the status tool shows exactly what the task would do.
 */
import type { Logger } from '@tributary/api';
import { errorName, type GroupOffset, type KafkaWireClient } from '@tributary/protocol';
import type { Admin } from 'kafkajs';

/** One partition a source group committed, with its translation to the target. */
export interface GroupPartition {
  /** The topic on the source cluster. */
  readonly upstreamTopic: string;
  readonly partition: number;
  /** The group's committed offset on the source. */
  readonly upstreamOffset: number;
  /** The topic's name on the target cluster. */
  readonly remoteTopic: string;
  /** The target offset, or null when there is none (see `reason`). */
  readonly translatedOffset: number | null;
  /** Why there is no translation (topic not replicated, no offset sync yet, …); null when translated. */
  readonly reason: string | null;
}

/** The group as the target cluster sees it. */
export interface TargetGroup {
  /** The coordinator's state: `Empty`, `Stable`, `PreparingRebalance`, …; `Dead` when the group does not exist. */
  readonly state: string;
  /** Committed offsets, by {@link partitionKey} of the remote topic. */
  readonly offsets: ReadonlyMap<string, number>;
  /** End offsets (high watermarks) of the remote partitions, when known. */
  readonly endOffsets?: ReadonlyMap<string, number>;
}

export type PartitionAction = 'write' | 'skip';

export interface PartitionTranslation extends GroupPartition {
  /** The target group's committed offset; null when it has none (or the target was not read). */
  readonly targetOffset: number | null;
  readonly action: PartitionAction;
  /** Why the partition is skipped; null when it is written. */
  readonly skipReason: string | null;
}

export interface GroupTranslation {
  readonly group: string;
  /** The target state, null when the target was not read. */
  readonly targetState: string | null;
  /** True when the group may be written on the target (absent or empty there). */
  readonly isEligible: boolean;
  /** Why nothing of the group is written; null when some partition may be. */
  readonly reason: string | null;
  readonly partitions: readonly PartitionTranslation[];
}

/** States in which the target group has no members. `Dead`: the group does not exist. */
const WRITABLE_STATES = new Set(['Empty', 'Dead']);

export function partitionKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

/**
 * What group offset sync does for one group: which partitions it writes, and why it skips
 * the others. `target` null means the target was not consulted: every translated partition
 * is a candidate and nothing is written.
 */
export function describeGroupTranslation(input: {
  readonly group: string;
  readonly partitions: readonly GroupPartition[];
  readonly target: TargetGroup | null;
  /** False when the group filter (`groups`, `groups.exclude`) leaves the group out. Default true. */
  readonly isGroupAccepted?: boolean;
}): GroupTranslation {
  const { group, target } = input;
  const isAccepted = input.isGroupAccepted ?? true;
  const isEligible = isAccepted && target !== null && WRITABLE_STATES.has(target.state);
  const groupReason = !isAccepted
    ? 'the group is not mirrored (groups / groups.exclude)'
    : target === null
      ? 'the target group was not read'
      : !isEligible
        ? `the group is active on the target (state ${target.state}); its offsets are left to its members`
        : null;
  const partitions = [...input.partitions]
    .sort((a, b) => a.remoteTopic.localeCompare(b.remoteTopic) || a.partition - b.partition)
    .map((p): PartitionTranslation => {
      const key = partitionKey(p.remoteTopic, p.partition);
      const targetOffset = target?.offsets.get(key) ?? null;
      const endOffset = target?.endOffsets?.get(key);
      const skip = (skipReason: string): PartitionTranslation => ({ ...p, targetOffset, action: 'skip', skipReason });
      if (p.translatedOffset === null) return skip(p.reason ?? 'no translation');
      if (groupReason !== null) return skip(groupReason);
      if (target !== null && target.endOffsets !== undefined && endOffset === undefined) {
        return skip(`${p.remoteTopic}-${p.partition} does not exist on the target yet`);
      }
      if (endOffset !== undefined && p.translatedOffset > endOffset) {
        return skip(
          `the translated offset ${p.translatedOffset} is beyond the end of ${p.remoteTopic}-${p.partition} on the target (${endOffset})`,
        );
      }
      if (targetOffset !== null && targetOffset > p.translatedOffset) {
        return skip(`the target group is at ${targetOffset}, ahead of ${p.translatedOffset}; writing would rewind it`);
      }
      if (targetOffset !== null && targetOffset === p.translatedOffset) {
        return skip(`the target group is already at ${targetOffset}`);
      }
      return { ...p, targetOffset, action: 'write', skipReason: null };
    });
  const reason =
    groupReason ??
    (partitions.length === 0
      ? 'the group has no committed offsets for replicated topics on the source'
      : partitions.every((p) => p.action === 'skip')
        ? 'no partition needs writing'
        : null);
  return { group, targetState: target?.state ?? null, isEligible, reason, partitions };
}

/** The group's state and committed offsets (for `topics`) on a cluster. */
export async function readTargetGroup(admin: Admin, group: string, topics: readonly string[]): Promise<TargetGroup> {
  const described = await admin.describeGroups([group]);
  const state = described.groups.find((g) => g.groupId === group)?.state ?? 'Dead';
  const offsets = new Map<string, number>();
  const endOffsets = new Map<string, number>();
  const distinct = [...new Set(topics)];
  if (distinct.length > 0) {
    const fetched = await admin.fetchOffsets({ groupId: group, topics: distinct });
    for (const t of fetched) {
      for (const p of t.partitions) {
        const offset = Number(p.offset);
        if (offset >= 0) offsets.set(partitionKey(t.topic, p.partition), offset);
      }
    }
    const existing = new Set(await admin.listTopics());
    for (const topic of distinct) {
      if (!existing.has(topic)) continue;
      for (const e of await admin.fetchTopicOffsets(topic))
        endOffsets.set(partitionKey(topic, e.partition), Number(e.high));
    }
  }
  return { state, offsets, endOffsets };
}

/** A committed offset of a group on the source. */
export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string;
}

/** Every offset `group` committed on a cluster (partitions without a commit are left out). */
export async function readCommittedOffsets(admin: Admin, group: string): Promise<CommittedOffset[]> {
  const fetched = await admin.fetchOffsets({ groupId: group });
  const out: CommittedOffset[] = [];
  for (const t of fetched) {
    for (const p of t.partitions) {
      const offset = Number(p.offset);
      if (offset >= 0) out.push({ topic: t.topic, partition: p.partition, offset, metadata: p.metadata ?? '' });
    }
  }
  return out;
}

/** The outcome of one sync of one group: the decision and what was written. */
export interface GroupSyncResult extends GroupTranslation {
  /** Partitions committed on the target in this sync. */
  readonly written: readonly { readonly topic: string; readonly partition: number; readonly offset: number }[];
  /** The error of a write that failed (the group became active meanwhile, say); null otherwise. */
  readonly error: string | null;
}

/**
 * Writes translated offsets of groups to the target cluster and remembers, per group, the
 * outcome of its last sync (`results`), reasons included.
 */
export class GroupOffsetSync {
  readonly #admin: Admin;
  readonly #client: KafkaWireClient;
  readonly #logger: Logger;
  readonly #results = new Map<string, GroupSyncResult>();

  /** `admin` reads the target group; `client` commits, as Kafka's alterConsumerGroupOffsets does. */
  constructor(options: { readonly admin: Admin; readonly client: KafkaWireClient; readonly logger: Logger }) {
    this.#admin = options.admin;
    this.#client = options.client;
    this.#logger = options.logger;
  }

  /** The last sync of each group. */
  get results(): ReadonlyMap<string, GroupSyncResult> {
    return this.#results;
  }

  /** Forgets groups no longer assigned. */
  retain(groups: ReadonlySet<string>): void {
    for (const group of this.#results.keys()) if (!groups.has(group)) this.#results.delete(group);
  }

  async sync(group: string, partitions: readonly GroupPartition[]): Promise<GroupSyncResult> {
    const topics = partitions.map((p) => p.remoteTopic);
    const target = await readTargetGroup(this.#admin, group, topics);
    const decision = describeGroupTranslation({ group, partitions, target });
    const offsets: GroupOffset[] = [];
    for (const p of decision.partitions) {
      if (p.action !== 'write' || p.translatedOffset === null) continue;
      offsets.push({ topic: p.remoteTopic, partition: p.partition, offset: p.translatedOffset });
    }
    const written: { topic: string; partition: number; offset: number }[] = [];
    let error: string | null = null;
    if (offsets.length > 0) {
      // A commit with no member id and generation -1: the broker refuses it (UNKNOWN_MEMBER_ID,
      // ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS) while the group has members, so an active
      // group on the target is never written, and the sync never joins the group itself.
      try {
        const results = await this.#client.commitGroupOffsets(group, offsets);
        const failed = results.filter((r) => r.errorCode !== 0);
        for (const r of results) {
          const offset = offsets.find((o) => o.topic === r.topic && o.partition === r.partition)?.offset;
          if (r.errorCode === 0 && offset !== undefined)
            written.push({ topic: r.topic, partition: r.partition, offset });
        }
        const first = failed[0];
        if (first !== undefined) {
          error = `committing offsets of group ${group} on the target was refused for ${first.topic}-${first.partition}: ${errorName(first.errorCode)}`;
          this.#logger.warn({ group, refused: failed.length }, 'Group offset sync refused by the target');
        }
      } catch (err) {
        error = `committing offsets of group ${group} on the target failed: ${(err as Error).message}`;
        this.#logger.warn({ group, err }, 'Group offset sync failed');
      }
    }
    if (written.length > 0) this.#logger.debug({ group, written }, 'Group offsets written to the target');
    const result: GroupSyncResult = { ...decision, written, error };
    this.#results.set(group, result);
    return result;
  }
}
