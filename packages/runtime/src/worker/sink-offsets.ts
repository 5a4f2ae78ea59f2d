/**
 * Sink connector offsets are the committed offsets of the consumer group `connect-<name>`
 * (AK `SinkUtils`). Shown, altered and reset here in KIP-875's REST shape:
 * `{kafka_topic, kafka_partition}` → `{kafka_offset}`. Altering needs the group to be empty,
 * which it is while the connector is STOPPED. The broker may lack OffsetDelete, so removing
 * single partitions (a `null` offset) rewrites the group: delete it, then commit what remains.
 * The commit goes through a `GroupOffsetCommitter` when the worker gives one (the protocol
 * client's member-less OffsetCommit, as Kafka's Admin.alterConsumerGroupOffsets: milliseconds);
 * otherwise through kafkajs' `admin.setOffsets`, which joins the group with a paused consumer
 * and waits out a fetch long-poll (about 5 s per topic).
 */
import { ConfigError, type ConfigProblem, type OffsetValue, type TopicPartition } from '@tributary/api';
import type { Admin } from 'kafkajs';
import type { ConnectorOffset } from '../herder.js';

export const KAFKA_TOPIC = 'kafka_topic';
export const KAFKA_PARTITION = 'kafka_partition';
export const KAFKA_OFFSET = 'kafka_offset';

/** The consumer group of a sink connector, as Kafka Connect names it (AK `SinkUtils.consumerGroupId`). */
export function sinkGroupId(connectorName: string): string {
  return `connect-${connectorName}`;
}

/** Commits offsets for a group that has no members; throws naming what the broker refused. */
export type GroupOffsetCommitter = (
  groupId: string,
  offsets: readonly { readonly topic: string; readonly partition: number; readonly offset: number }[],
) => Promise<void>;

export interface SinkOffsetChange {
  readonly partition: TopicPartition;
  /** `null` removes the partition's committed offset. */
  readonly offset: number | null;
}

/** The group's committed offsets (partitions without a commit are left out). */
export async function readSinkOffsets(admin: Admin, groupId: string): Promise<ConnectorOffset[]> {
  const topics = await admin.fetchOffsets({ groupId });
  const out: ConnectorOffset[] = [];
  for (const { topic, partitions } of topics) {
    for (const { partition, offset } of partitions) {
      const value = Number(offset);
      if (value < 0) continue;
      out.push({
        partition: { [KAFKA_TOPIC]: topic, [KAFKA_PARTITION]: partition },
        offset: { [KAFKA_OFFSET]: value },
      });
    }
  }
  return out.sort(
    (a, b) =>
      String(a.partition[KAFKA_TOPIC]).localeCompare(String(b.partition[KAFKA_TOPIC])) ||
      Number(a.partition[KAFKA_PARTITION]) - Number(b.partition[KAFKA_PARTITION]),
  );
}

/** Checks a PATCH body for a sink connector; throws one ConfigError listing every bad entry. */
export function parseSinkOffsets(offsets: readonly ConnectorOffset[]): SinkOffsetChange[] {
  const problems: ConfigProblem[] = [];
  const changes: SinkOffsetChange[] = [];
  offsets.forEach((entry, i) => {
    const where = `offsets[${i}]`;
    const topic = entry.partition[KAFKA_TOPIC];
    const partition = entry.partition[KAFKA_PARTITION];
    if (typeof topic !== 'string' || topic === '') {
      problems.push(problem(`${where}.partition.${KAFKA_TOPIC}`, topic, 'must be a non-empty topic name'));
    }
    if (!isNonNegativeInteger(partition)) {
      problems.push(problem(`${where}.partition.${KAFKA_PARTITION}`, partition, 'must be a non-negative integer'));
    }
    let offset: number | null = null;
    if (entry.offset !== null) {
      const raw = entry.offset[KAFKA_OFFSET];
      if (isNonNegativeInteger(raw)) offset = raw;
      else
        problems.push(
          problem(`${where}.offset.${KAFKA_OFFSET}`, raw, 'must be a non-negative integer (or the whole offset null)'),
        );
    }
    if (typeof topic === 'string' && isNonNegativeInteger(partition))
      changes.push({ partition: { topic, partition }, offset });
  });
  if (problems.length > 0) throw new ConfigError(problems, { context: 'sink connector offsets' });
  return changes;
}

function problem(key: string, value: OffsetValue | undefined, message: string): ConfigProblem {
  return { key, value: value === undefined ? undefined : JSON.stringify(value), message };
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Applies `changes` to the group's committed offsets. */
export async function alterSinkOffsets(
  admin: Admin,
  groupId: string,
  changes: readonly SinkOffsetChange[],
  commit?: GroupOffsetCommitter,
): Promise<void> {
  const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
  const hasRemovals = changes.some((c) => c.offset === null);
  const target = new Map<string, { topic: string; partition: number; offset: number }>();
  if (hasRemovals) {
    for (const current of await readSinkOffsets(admin, groupId)) {
      const topic = String(current.partition[KAFKA_TOPIC]);
      const partition = Number(current.partition[KAFKA_PARTITION]);
      target.set(key({ topic, partition }), { topic, partition, offset: Number(current.offset?.[KAFKA_OFFSET]) });
    }
  }
  for (const change of changes) {
    if (change.offset === null) target.delete(key(change.partition));
    else target.set(key(change.partition), { ...change.partition, offset: change.offset });
  }
  if (hasRemovals) await deleteGroupIfPresent(admin, groupId);
  if (commit !== undefined) {
    if (target.size > 0) await commit(groupId, [...target.values()]);
    return;
  }
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of target.values()) {
    const list = byTopic.get(topic) ?? [];
    list.push({ partition, offset: String(offset) });
    byTopic.set(topic, list);
  }
  for (const [topic, partitions] of byTopic) await admin.setOffsets({ groupId, topic, partitions });
}

/** Removes every committed offset of the group. */
export async function resetSinkOffsets(admin: Admin, groupId: string): Promise<void> {
  await deleteGroupIfPresent(admin, groupId);
}

async function deleteGroupIfPresent(admin: Admin, groupId: string): Promise<void> {
  const { groups } = await admin.describeGroups([groupId]);
  const state = groups[0]?.state;
  if (state === undefined || state === 'Dead') return;
  await admin.deleteGroups([groupId]);
}
