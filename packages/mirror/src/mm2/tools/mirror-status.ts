/**
 * `tributary mirror status mm2.properties`: how far each replicating flow is.
 *
 * Per replicated partition: the source's end offset (read_committed), the mirrored
 * position — the later of the flow's offsets file (`mm2-offsets.A->B.json`, written every
 * `offset.flush.interval.ms`) and the latest offset sync (written after each
 * acknowledged batch that needs one) — the records behind (end − position; transaction
 * markers count as records, so it may overstate by a few), the timestamp of the newest
 * record on the target, and a latency estimate: how old the oldest record not yet
 * replicated is (0 when caught up).
 *
 * Per source consumer group: its committed offsets, the latest checkpoint (translated
 * offset) from `<source>.checkpoints.internal` on the target, the target group's committed
 * offsets, and what group offset sync does with them and why (`describeGroupTranslation`,
 * the checkpoint task's own decision).
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from '@tributary/api';
import type { KafkaWireClient, TopicPartitionRef } from '@tributary/protocol';
import {
  type CommittedOffset,
  describeGroupTranslation,
  type GroupPartition,
  type PartitionTranslation,
  readCommittedOffsets,
  readTargetGroup,
} from '../../group-offset-sync.js';
import { type Checkpoint, decodeCheckpoint } from '../../internal-records.js';
import { OffsetSyncReader, OffsetSyncStore } from '../../offset-sync-store.js';
import { type MirrorFlow, type MirrorMakerPlan, SOURCE_CONNECTOR_NAME } from '../mm2-config.js';
import {
  closeFlowContext,
  type FlowContext,
  matchesWhole,
  openFlowContext,
  replicatedTopics,
  replicatingFlows,
  silentLogger,
} from './flow-context.js';
import { type ScanRange, scanPartitions, tpKey } from './partition-scan.js';

export interface MirrorStatusOptions {
  readonly flows?: readonly string[];
  /** Only source topics matching this (whole name). */
  readonly topics?: RegExp;
  /** How long to read internal topics. Default 30 000. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
  /** For tests: the current time. */
  readonly now?: () => number;
}

export interface PartitionStatus {
  readonly sourceTopic: string;
  readonly targetTopic: string;
  readonly partition: number;
  readonly sourceStart: number;
  readonly sourceEnd: number;
  /** The next source offset the mirror replicates; null when nothing was replicated yet. */
  readonly mirroredPosition: number | null;
  /** Where the position comes from. */
  readonly positionFrom: 'offsets-file' | 'offset-sync' | null;
  readonly recordsBehind: number;
  /** Records in the target partition (end − start); null when it does not exist. */
  readonly targetRecords: number | null;
  /** Timestamp of the newest record on the target partition. */
  readonly lastReplicatedTimestamp: number | null;
  /** Age of the oldest record not yet replicated; 0 when caught up; null when unknown. */
  readonly latencyMs: number | null;
}

export interface GroupPartitionStatus extends PartitionTranslation {
  /** The source offset the latest checkpoint was taken at (it may lag the group's commit). */
  readonly checkpointUpstreamOffset: number | null;
}

export interface GroupStatus {
  readonly group: string;
  /** False when `groups` / `groups.exclude` leave the group out. */
  readonly isReplicated: boolean;
  readonly targetState: string | null;
  /** Why nothing of the group is written to the target; null when some partition is (or would be). */
  readonly reason: string | null;
  readonly partitions: readonly GroupPartitionStatus[];
}

export interface FlowStatus {
  readonly flow: string;
  readonly partitions: readonly PartitionStatus[];
  readonly groups: readonly GroupStatus[];
  readonly recordsBehind: number;
  /** The largest partition latency; null when unknown. */
  readonly maxLatencyMs: number | null;
  /** Whether group offsets are written to the target (`sync.group.offsets.enabled`). */
  readonly isGroupOffsetSyncEnabled: boolean;
}

export interface MirrorStatusReport {
  readonly time: number;
  readonly flows: readonly FlowStatus[];
}

export async function mirrorStatus(
  plan: MirrorMakerPlan,
  options: MirrorStatusOptions = {},
): Promise<MirrorStatusReport> {
  const now = options.now ?? Date.now;
  const flows: FlowStatus[] = [];
  for (const flow of replicatingFlows(plan, options.flows)) {
    const context = openFlowContext(flow, options.logger);
    try {
      flows.push(await flowStatus(context, options, now));
    } finally {
      await closeFlowContext(context);
    }
  }
  return { time: now(), flows };
}

async function flowStatus(context: FlowContext, options: MirrorStatusOptions, now: () => number): Promise<FlowStatus> {
  const { flow } = context;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const topics = (await replicatedTopics(context)).filter(
    (t) => options.topics === undefined || matchesWhole(options.topics, t.topic),
  );
  const refs = topics.flatMap((t) =>
    Array.from({ length: t.partitions }, (_, partition) => ({ topic: t.topic, partition })),
  );

  const store = new OffsetSyncStore();
  const reader = new OffsetSyncReader({
    client: (context.offsetSyncs.location === 'source' ? context.source : context.target).wire('consumer'),
    topic: context.offsetSyncs.topic,
    store,
    logger: options.logger ?? silentLogger,
  });
  reader.start();
  try {
    await reader.catchUp(timeoutMs);
    const filePositions = await readOffsetsFile(flow);
    const partitions =
      refs.length === 0 ? [] : await partitionStatuses(context, refs, store, filePositions, now, timeoutMs);
    const groups = await groupStatuses(context, store, timeoutMs);
    const latencies = partitions.map((p) => p.latencyMs);
    return {
      flow: flow.name,
      partitions,
      groups,
      recordsBehind: partitions.reduce((sum, p) => sum + p.recordsBehind, 0),
      maxLatencyMs: latencies.some((l) => l === null) ? null : Math.max(0, ...(latencies as number[])),
      isGroupOffsetSyncEnabled: context.checkpointConfig['sync.group.offsets.enabled'],
    };
  } finally {
    await reader.close();
  }
}

/** `topic/partition` → next offset, from the flow's source-offsets file (MM2's `{offset: u}` = last replicated). */
async function readOffsetsFile(flow: MirrorFlow): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let text: string;
  try {
    text = await readFile(flow.offsetsFile, 'utf8');
  } catch {
    return out;
  }
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch (err) {
    throw new Error(`The offsets file ${flow.offsetsFile} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(entries)) return out;
  for (const entry of entries) {
    if (!Array.isArray(entry)) continue;
    const [key, value] = entry as [unknown, unknown];
    if (!Array.isArray(key) || key[0] !== SOURCE_CONNECTOR_NAME) continue;
    const partition = key[1] as { cluster?: unknown; topic?: unknown; partition?: unknown } | undefined;
    const offset = (value as { offset?: unknown } | null)?.offset;
    if (
      partition?.cluster !== flow.source ||
      typeof partition.topic !== 'string' ||
      typeof partition.partition !== 'number' ||
      typeof offset !== 'number'
    ) {
      continue;
    }
    out.set(tpKey({ topic: partition.topic, partition: partition.partition }), offset + 1);
  }
  return out;
}

async function partitionStatuses(
  context: FlowContext,
  refs: readonly TopicPartitionRef[],
  store: OffsetSyncStore,
  filePositions: ReadonlyMap<string, number>,
  now: () => number,
  timeoutMs: number,
): Promise<PartitionStatus[]> {
  const source = context.source.wire('consumer');
  const target = context.target.wire('consumer');
  const starts = offsetMap(await source.listOffsets(refs, 'earliest', 'read_committed'));
  const ends = offsetMap(await source.listOffsets(refs, 'latest', 'read_committed'));

  const remoteOf = (ref: TopicPartitionRef): TopicPartitionRef => ({
    topic: context.policy.formatRemoteTopic(context.flow.source, ref.topic),
    partition: ref.partition,
  });
  const remoteTopics = [...new Set(refs.map((r) => remoteOf(r).topic))];
  const targetMeta = await target.metadata(remoteTopics);
  const existing = new Set<string>();
  for (const t of targetMeta.topics) {
    if (t.errorCode === 0) for (const p of t.partitions) existing.add(tpKey({ topic: t.name, partition: p.partition }));
  }
  const remoteRefs = refs.map(remoteOf).filter((r) => existing.has(tpKey(r)));
  const targetStarts = offsetMap(remoteRefs.length === 0 ? [] : await target.listOffsets(remoteRefs, 'earliest'));
  const targetEnds = offsetMap(remoteRefs.length === 0 ? [] : await target.listOffsets(remoteRefs, 'latest'));

  const positions = new Map<string, { position: number | null; from: PartitionStatus['positionFrom'] }>();
  for (const ref of refs) {
    const fromFile = filePositions.get(tpKey(ref));
    const sync = store.latest(ref.topic, ref.partition);
    const fromSync = sync === undefined ? undefined : sync.upstreamOffset + 1;
    if (fromFile === undefined && fromSync === undefined) positions.set(tpKey(ref), { position: null, from: null });
    else if (fromSync !== undefined && (fromFile === undefined || fromSync > fromFile))
      positions.set(tpKey(ref), { position: fromSync, from: 'offset-sync' });
    else positions.set(tpKey(ref), { position: fromFile ?? null, from: 'offsets-file' });
  }

  // Timestamps: the newest record of each target partition, the oldest pending record of each source partition.
  const lastTargetTs = await firstTimestamps(
    target,
    remoteRefs.map((r) => {
      const end = targetEnds.get(tpKey(r)) ?? 0;
      return { ...r, from: Math.max(targetStarts.get(tpKey(r)) ?? 0, end - 1), until: end };
    }),
    'read_uncommitted',
    timeoutMs,
  );
  const pendingRanges: ScanRange[] = [];
  for (const ref of refs) {
    const end = ends.get(tpKey(ref)) ?? 0;
    const from = Math.max(positions.get(tpKey(ref))?.position ?? 0, starts.get(tpKey(ref)) ?? 0);
    if (from < end) pendingRanges.push({ ...ref, from, until: end });
  }
  const pendingTs = await firstTimestamps(source, pendingRanges, 'read_committed', timeoutMs);
  const time = now();

  return refs.map((ref) => {
    const key = tpKey(ref);
    const remote = remoteOf(ref);
    const sourceStart = starts.get(key) ?? 0;
    const sourceEnd = ends.get(key) ?? 0;
    const { position, from } = positions.get(key) ?? { position: null, from: null };
    const recordsBehind = Math.max(0, sourceEnd - Math.max(position ?? sourceStart, sourceStart));
    const pending = pendingTs.get(key);
    const hasTarget = existing.has(tpKey(remote));
    return {
      sourceTopic: ref.topic,
      targetTopic: remote.topic,
      partition: ref.partition,
      sourceStart,
      sourceEnd,
      mirroredPosition: position,
      positionFrom: from,
      recordsBehind,
      targetRecords: hasTarget ? (targetEnds.get(tpKey(remote)) ?? 0) - (targetStarts.get(tpKey(remote)) ?? 0) : null,
      lastReplicatedTimestamp: lastTargetTs.get(tpKey(remote)) ?? null,
      latencyMs: recordsBehind === 0 ? 0 : pending === undefined ? null : Math.max(0, time - pending),
    };
  });
}

function offsetMap(positions: readonly (TopicPartitionRef & { readonly offset: number })[]): Map<string, number> {
  return new Map(positions.map((p) => [tpKey(p), p.offset]));
}

/** The timestamp of the first record of each range. */
async function firstTimestamps(
  client: KafkaWireClient,
  ranges: readonly ScanRange[],
  isolation: 'read_committed' | 'read_uncommitted',
  timeoutMs: number,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  await scanPartitions(
    client,
    ranges,
    (range, _offset, record) => {
      out.set(tpKey(range), record.timestamp);
      return false;
    },
    { isolation, timeoutMs },
  );
  return out;
}

/** The latest checkpoint of each (group, remote topic, partition) in the checkpoints topic. */
async function readCheckpoints(context: FlowContext, timeoutMs: number): Promise<Map<string, Checkpoint>> {
  const target = context.target.wire('consumer');
  const topic = context.checkpointsTopic;
  const out = new Map<string, Checkpoint>();
  const meta = await target.metadata([topic]);
  const info = meta.topics.find((t) => t.name === topic);
  if (info === undefined || info.errorCode !== 0) return out;
  const refs = info.partitions.map((p) => ({ topic, partition: p.partition }));
  const starts = await target.listOffsets(refs, 'earliest');
  const ends = offsetMap(await target.listOffsets(refs, 'latest'));
  await scanPartitions(
    target,
    starts.map((s) => ({ ...s, from: s.offset, until: ends.get(tpKey(s)) ?? s.offset })),
    (_range, _offset, record) => {
      const checkpoint = decodeCheckpoint(record.key, record.value);
      out.set(checkpointKey(checkpoint.group, checkpoint.topic, checkpoint.partition), checkpoint);
      return true;
    },
    { isolation: 'read_committed', timeoutMs },
  );
  return out;
}

function checkpointKey(group: string, topic: string, partition: number): string {
  return `${group}\u0000${topic}\u0000${partition}`;
}

async function groupStatuses(context: FlowContext, store: OffsetSyncStore, timeoutMs: number): Promise<GroupStatus[]> {
  const sourceAdmin = await context.source.admin();
  const targetAdmin = await context.target.admin();
  const listed = await sourceAdmin.listGroups();
  const groupIds = listed.groups
    .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
    .map((g) => g.groupId)
    .sort();
  const checkpoints = await readCheckpoints(context, timeoutMs);
  const targetMeta = await context.target.wire('consumer').metadata(null);
  const onTarget = new Set(targetMeta.topics.filter((t) => t.errorCode === 0).map((t) => t.name));
  const out: GroupStatus[] = [];
  for (const group of groupIds) {
    if (!context.shouldReplicateGroup(group)) {
      out.push({
        group,
        isReplicated: false,
        targetState: null,
        reason: 'left out by groups / groups.exclude',
        partitions: [],
      });
      continue;
    }
    const committed = (await readCommittedOffsets(sourceAdmin, group)).filter((c) =>
      context.shouldReplicateTopic(c.topic),
    );
    const partitions = committed.map((c) => groupPartition(context, store, checkpoints, group, c));
    // kafkajs fails fetchOffsets for topics the cluster does not have: ask only for existing ones.
    const remoteTopics = [...new Set(partitions.map((p) => p.remoteTopic))].filter((t) => onTarget.has(t));
    const targetGroup = await readTargetGroup(targetAdmin, group, remoteTopics);
    const translation = describeGroupTranslation({ group, partitions, target: targetGroup });
    out.push({
      group,
      isReplicated: true,
      targetState: translation.targetState,
      reason: translation.reason,
      partitions: translation.partitions.map((p) => ({
        ...p,
        checkpointUpstreamOffset:
          checkpoints.get(checkpointKey(group, p.remoteTopic, p.partition))?.upstreamOffset ?? null,
      })),
    });
  }
  return out;
}

function groupPartition(
  context: FlowContext,
  store: OffsetSyncStore,
  checkpoints: ReadonlyMap<string, Checkpoint>,
  group: string,
  committed: CommittedOffset,
): GroupPartition {
  const remoteTopic = context.policy.formatRemoteTopic(context.flow.source, committed.topic);
  const checkpoint = checkpoints.get(checkpointKey(group, remoteTopic, committed.partition));
  let reason: string | null = null;
  if (checkpoint === undefined) {
    const now = store.translate(committed.topic, committed.partition, committed.offset);
    reason =
      now.offset === null
        ? now.reason
        : `no checkpoint yet (translatable to ${now.offset}; checkpoints are emitted every emit.checkpoints.interval.seconds)`;
  }
  return {
    upstreamTopic: committed.topic,
    partition: committed.partition,
    upstreamOffset: committed.offset,
    remoteTopic,
    translatedOffset: checkpoint?.downstreamOffset ?? null,
    reason,
  };
}

function formatTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function formatLatency(ms: number | null): string {
  if (ms === null) return '-';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Tables for a terminal. */
export function formatStatusReport(report: MirrorStatusReport): string {
  const lines: string[] = [];
  for (const flow of report.flows) {
    lines.push(
      `flow ${flow.flow}: ${flow.partitions.length} partitions, ${flow.recordsBehind} records behind, max latency ${formatLatency(flow.maxLatencyMs)}`,
    );
    lines.push(
      `  ${'source partition'.padEnd(34)} ${'target partition'.padEnd(36)} ${'source end'.padStart(10)} ${'mirrored'.padStart(10)} ${'behind'.padStart(8)}  ${'last replicated (UTC)'.padEnd(23)} latency`,
    );
    for (const p of flow.partitions) {
      lines.push(
        `  ${`${p.sourceTopic}/${p.partition}`.padEnd(34)} ${`${p.targetTopic}/${p.partition}`.padEnd(36)} ${String(p.sourceEnd).padStart(10)} ${(p.mirroredPosition === null ? '-' : String(p.mirroredPosition)).padStart(10)} ${String(p.recordsBehind).padStart(8)}  ${formatTime(p.lastReplicatedTimestamp).padEnd(23)} ${formatLatency(p.latencyMs)}`,
      );
    }
    lines.push(
      `  groups (offsets written to the target: ${flow.isGroupOffsetSyncEnabled ? 'yes' : 'no, sync.group.offsets.enabled=false'}):`,
    );
    if (flow.groups.length === 0) lines.push('    none');
    for (const g of flow.groups) {
      const head = `    ${g.group}${g.targetState === null ? '' : ` (target: ${g.targetState})`}`;
      lines.push(g.reason === null ? head : `${head}: ${g.reason}`);
      for (const p of g.partitions) {
        const action = p.action === 'write' ? 'to write' : `skipped: ${p.skipReason ?? ''}`;
        lines.push(
          `      ${`${p.upstreamTopic}/${p.partition}`.padEnd(30)} source ${String(p.upstreamOffset).padStart(8)}  translated ${(p.translatedOffset === null ? '-' : String(p.translatedOffset)).padStart(8)}  target ${(p.targetOffset === null ? '-' : String(p.targetOffset)).padStart(8)}  ${action}`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
