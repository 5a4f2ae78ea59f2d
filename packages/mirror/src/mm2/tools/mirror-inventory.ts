/**
 * `tributary mirror inventory mm2.properties`: what the source cluster of each replicating
 * flow holds, so that unused topics and groups can be left out of a migration.
 *
 * Topics (internal ones left out): partitions, records (end − start per partition, summed),
 * the newest record's timestamp ("last produce"), and whether the flow replicates it.
 * Groups: state, members, the topics they committed offsets for, the lag, and the
 * timestamp of the last record each group consumed — Kafka's OffsetFetch carries no commit
 * time, so the newest record before a committed offset stands for the group's last
 * activity — and whether the flow checkpoints it.
 */
import type { Logger } from '@tributary/api';
import type { TopicPartitionRef } from '@tributary/protocol';
import { readCommittedOffsets } from '../../group-offset-sync.js';
import type { MirrorMakerPlan } from '../mm2-config.js';
import { closeFlowContext, type FlowContext, openFlowContext, replicatingFlows } from './flow-context.js';
import { type ScanRange, scanPartitions, tpKey } from './partition-scan.js';

export interface MirrorInventoryOptions {
  readonly flows?: readonly string[];
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

export interface TopicInventory {
  readonly topic: string;
  readonly partitions: number;
  readonly records: number;
  /** The newest record's timestamp; null when the topic is empty. */
  readonly lastProduceTimestamp: number | null;
  readonly isReplicated: boolean;
}

export interface GroupInventory {
  readonly group: string;
  /** The coordinator's state: Stable, Empty, … */
  readonly state: string;
  readonly members: number;
  readonly topics: readonly string[];
  /** Records between the committed offsets and the ends of their partitions. */
  readonly lag: number;
  /** Timestamp of the newest record the group has consumed (before a committed offset); null when none. */
  readonly lastConsumedTimestamp: number | null;
  readonly isReplicated: boolean;
}

export interface ClusterInventory {
  /** The flow (`A->B`) whose source this is. */
  readonly flow: string;
  readonly cluster: string;
  readonly topics: readonly TopicInventory[];
  readonly groups: readonly GroupInventory[];
}

export interface MirrorInventoryReport {
  readonly clusters: readonly ClusterInventory[];
}

export async function mirrorInventory(
  plan: MirrorMakerPlan,
  options: MirrorInventoryOptions = {},
): Promise<MirrorInventoryReport> {
  const clusters: ClusterInventory[] = [];
  for (const flow of replicatingFlows(plan, options.flows)) {
    const context = openFlowContext(flow, options.logger);
    try {
      clusters.push(await clusterInventory(context, options.timeoutMs ?? 30_000));
    } finally {
      await closeFlowContext(context);
    }
  }
  return { clusters };
}

async function clusterInventory(context: FlowContext, timeoutMs: number): Promise<ClusterInventory> {
  const wire = context.source.wire('consumer');
  const metadata = await wire.metadata(null);
  const topics = metadata.topics
    .filter((t) => t.errorCode === 0 && !t.isInternal && !context.policy.isInternalTopic(t.name))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const refs: TopicPartitionRef[] = topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partition })),
  );
  const starts = new Map<string, number>();
  const ends = new Map<string, number>();
  if (refs.length > 0) {
    for (const p of await wire.listOffsets(refs, 'earliest')) starts.set(tpKey(p), p.offset);
    for (const p of await wire.listOffsets(refs, 'latest')) ends.set(tpKey(p), p.offset);
  }

  const admin = await context.source.admin();
  const listed = await admin.listGroups();
  const groupIds = listed.groups
    .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
    .map((g) => g.groupId)
    .sort();
  const described = groupIds.length === 0 ? { groups: [] } : await admin.describeGroups(groupIds);
  const committedByGroup = new Map<string, Awaited<ReturnType<typeof readCommittedOffsets>>>();
  for (const group of groupIds) committedByGroup.set(group, await readCommittedOffsets(admin, group));

  // One scan: the last record of each partition, and the record before each committed offset.
  const ranges: ScanRange[] = [];
  const wanted = new Map<string, number>();
  for (const ref of refs) {
    const end = ends.get(tpKey(ref)) ?? 0;
    const start = starts.get(tpKey(ref)) ?? 0;
    if (end > start) wanted.set(tpKey(ref), end - 1);
  }
  const consumedAt = new Map<string, number>();
  for (const committed of committedByGroup.values()) {
    for (const c of committed) {
      const key = tpKey(c);
      const start = starts.get(key);
      if (start === undefined || c.offset <= start) continue;
      const offset = c.offset - 1;
      consumedAt.set(`${key}@${offset}`, -1);
    }
  }
  for (const [key, offset] of wanted) ranges.push({ ...splitKey(key), from: Math.max(0, offset), until: offset + 1 });
  const lastTimestamp = new Map<string, number>();
  await scanPartitions(
    wire,
    ranges,
    (range, _offset, record) => {
      lastTimestamp.set(tpKey(range), record.timestamp);
      return false;
    },
    { isolation: 'read_uncommitted', timeoutMs },
  );
  // The record before each committed offset: one scan per round, one offset per partition in each.
  const pendingByPartition = new Map<string, number[]>();
  for (const k of consumedAt.keys()) {
    const at = k.lastIndexOf('@');
    const list = pendingByPartition.get(k.slice(0, at)) ?? [];
    list.push(Number(k.slice(at + 1)));
    pendingByPartition.set(k.slice(0, at), list);
  }
  while (pendingByPartition.size > 0) {
    const round: ScanRange[] = [];
    for (const [key, offsets] of pendingByPartition) {
      const offset = offsets.pop();
      if (offsets.length === 0) pendingByPartition.delete(key);
      if (offset !== undefined) round.push({ ...splitKey(key), from: offset, until: offset + 1 });
    }
    await scanPartitions(
      wire,
      round,
      (range, offset, record) => {
        consumedAt.set(`${tpKey(range)}@${offset}`, record.timestamp);
        return false;
      },
      { isolation: 'read_uncommitted', timeoutMs },
    );
  }

  const topicInventory: TopicInventory[] = topics.map((t) => {
    let records = 0;
    let last: number | null = null;
    for (const p of t.partitions) {
      const key = tpKey({ topic: t.name, partition: p.partition });
      records += Math.max(0, (ends.get(key) ?? 0) - (starts.get(key) ?? 0));
      const ts = lastTimestamp.get(key);
      if (ts !== undefined && (last === null || ts > last)) last = ts;
    }
    return {
      topic: t.name,
      partitions: t.partitions.length,
      records,
      lastProduceTimestamp: last,
      isReplicated: context.shouldReplicateTopic(t.name),
    };
  });
  const groupInventory: GroupInventory[] = groupIds.map((group) => {
    const info = described.groups.find((g) => g.groupId === group);
    const committed = committedByGroup.get(group) ?? [];
    let lag = 0;
    let last: number | null = null;
    for (const c of committed) {
      lag += Math.max(0, (ends.get(tpKey(c)) ?? c.offset) - c.offset);
      const ts = consumedAt.get(`${tpKey(c)}@${c.offset - 1}`);
      if (ts !== undefined && ts >= 0 && (last === null || ts > last)) last = ts;
    }
    return {
      group,
      state: info?.state ?? 'Unknown',
      members: info?.members.length ?? 0,
      topics: [...new Set(committed.map((c) => c.topic))].sort(),
      lag,
      lastConsumedTimestamp: last,
      isReplicated: context.shouldReplicateGroup(group),
    };
  });
  return { flow: context.flow.name, cluster: context.flow.source, topics: topicInventory, groups: groupInventory };
}

function splitKey(key: string): TopicPartitionRef {
  const at = key.lastIndexOf('/');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

function formatTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Tables for a terminal. */
export function formatInventoryReport(report: MirrorInventoryReport): string {
  const lines: string[] = [];
  for (const c of report.clusters) {
    lines.push(`cluster ${c.cluster} (source of ${c.flow}): ${c.topics.length} topics, ${c.groups.length} groups`);
    lines.push(
      `  ${'topic'.padEnd(40)} ${'partitions'.padStart(10)} ${'records'.padStart(12)}  ${'last produce (UTC)'.padEnd(23)} replicated`,
    );
    for (const t of c.topics) {
      lines.push(
        `  ${t.topic.padEnd(40)} ${String(t.partitions).padStart(10)} ${String(t.records).padStart(12)}  ${formatTime(t.lastProduceTimestamp).padEnd(23)} ${t.isReplicated ? 'yes' : 'no'}`,
      );
    }
    lines.push(
      `  ${'group'.padEnd(40)} ${'state'.padEnd(20)} ${'members'.padStart(7)} ${'lag'.padStart(10)}  ${'last consumed (UTC)'.padEnd(23)} replicated  topics`,
    );
    for (const g of c.groups) {
      lines.push(
        `  ${g.group.padEnd(40)} ${g.state.padEnd(20)} ${String(g.members).padStart(7)} ${String(g.lag).padStart(10)}  ${formatTime(g.lastConsumedTimestamp).padEnd(23)} ${(g.isReplicated ? 'yes' : 'no').padEnd(11)} ${g.topics.join(', ')}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
