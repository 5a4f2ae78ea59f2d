/**
 * `mirror verify`: proves that what the source holds is on the target, partition by
 * partition. The source is read first, up to its end offsets (last stable offsets:
 * read_committed) at the start — a snapshot, so live traffic keeps flowing. Then the
 * target's remote partition is read from its start and compared record by record
 * (timestamp, key, value, headers; offsets differ by nature) until it holds as many
 * records as the snapshot, waiting up to `waitMs` for the mirror to catch up. Records the
 * target has beyond the snapshot (later live traffic) are not compared.
 *
 * With `allowDuplicates` (after a crash an at-least-once mirror re-sends what it had not
 * committed), the target may repeat runs of records it already has: a partition passes
 * when every source record appears on the target in source order, every target record is
 * a source record, and a repeat only ever restarts at an earlier source record.
 */
import type { KafkaRecord, KafkaWireClient, TopicPartitionRef } from '@tributary/protocol';
import { type ScanRange, scanPartitions, tpKey } from './partition-scan.js';
import { PartitionDigest, recordDifferences, recordDigest } from './record-digest.js';

export interface VerifyTopicPair {
  readonly sourceTopic: string;
  readonly targetTopic: string;
}

export interface VerifyPartitionsOptions {
  readonly source: KafkaWireClient;
  readonly target: KafkaWireClient;
  readonly pairs: readonly VerifyTopicPair[];
  /** How long to wait for the target to hold every snapshot record. Default 30 000. */
  readonly waitMs?: number;
  /** Accept re-sent runs of records on the target (at-least-once after a crash). */
  readonly allowDuplicates?: boolean;
  readonly signal?: AbortSignal;
}

export interface RangeSummary {
  readonly count: number;
  /** null when the range is empty. */
  readonly firstOffset: number | null;
  readonly lastOffset: number | null;
  /** SHA-256 (hex) over the records' digests in order; see record-digest.ts. */
  readonly sha256: string;
}

export type PartitionVerdict =
  /** The target's first `count` records are the source's. */
  | 'equal'
  /** allowDuplicates: every source record is there in order, with re-sent runs. */
  | 'equal-with-duplicates'
  /** A record differs, or the target holds a record the source does not. */
  | 'different'
  /** The target has fewer records than the snapshot after waiting. */
  | 'missing-records'
  /** The remote topic or partition does not exist. */
  | 'missing-partition';

export interface PartitionDifference {
  /** Position in the partition (0 = first record of the compared range). */
  readonly index: number;
  readonly sourceOffset: number | null;
  readonly targetOffset: number | null;
  /**
   * `key`, `value`, `headers`, `timestamp` (the fields that differ); `duplicate` (the target
   * repeats an earlier source record, see `duplicateOf`); `missing` (not on the target);
   * `extra` (a target record the source does not have).
   */
  readonly what: readonly string[];
  /** With `duplicate`: the source offset of the record the target repeats. */
  readonly duplicateOf: number | null;
}

export interface PartitionVerification {
  readonly sourceTopic: string;
  readonly targetTopic: string;
  readonly partition: number;
  readonly verdict: PartitionVerdict;
  readonly source: RangeSummary;
  /** What was read from the target for the comparison; null when the partition is missing. */
  readonly target: RangeSummary | null;
  /** Records the target repeated (allowDuplicates): source records it holds more than once, counted per extra copy. */
  readonly duplicates: number;
  readonly difference: PartitionDifference | null;
}

export interface VerifyPartitionsResult {
  readonly partitions: readonly PartitionVerification[];
  /** Target partitions beyond the source's partition count, as `topic/partition`. */
  readonly extraTargetPartitions: readonly string[];
}

const SOURCE_READ_TIMEOUT_MS = 600_000;

interface SourceSide {
  readonly pair: VerifyTopicPair;
  readonly partition: number;
  readonly digest: PartitionDigest;
}

interface TargetState {
  readonly source: SourceSide;
  readonly digest: PartitionDigest;
  readonly allowDuplicates: boolean;
  /** Digest (hex) → indices in the source, for allowDuplicates; built at the first repeat. */
  indexOf: Map<string, number[]> | null;
  /** Next source index expected. */
  next: number;
  duplicates: number;
  difference: PartitionDifference | null;
  /** The target record at the first difference, to describe it. */
  differingRecord: KafkaRecord | null;
}

/** Compares the pairs' partitions; see the file comment. */
export async function verifyPartitions(options: VerifyPartitionsOptions): Promise<VerifyPartitionsResult> {
  const allowDuplicates = options.allowDuplicates ?? false;
  const sourceMeta = await options.source.metadata(options.pairs.map((p) => p.sourceTopic));
  const targetMeta = await options.target.metadata(options.pairs.map((p) => p.targetTopic));
  const targetPartitions = new Map<string, number>();
  for (const t of targetMeta.topics) if (t.errorCode === 0) targetPartitions.set(t.name, t.partitions.length);

  const sides: SourceSide[] = [];
  const extraTargetPartitions: string[] = [];
  for (const pair of options.pairs) {
    const topic = sourceMeta.topics.find((t) => t.name === pair.sourceTopic);
    if (topic === undefined || topic.errorCode !== 0) {
      throw new Error(`Source topic ${pair.sourceTopic} does not exist (error code ${topic?.errorCode ?? 'none'})`);
    }
    for (const p of topic.partitions) sides.push({ pair, partition: p.partition, digest: new PartitionDigest() });
    const onTarget = targetPartitions.get(pair.targetTopic) ?? 0;
    for (let p = topic.partitions.length; p < onTarget; p++) extraTargetPartitions.push(`${pair.targetTopic}/${p}`);
  }

  // 1. The source snapshot.
  const sourceRefs = sides.map((s) => ({ topic: s.pair.sourceTopic, partition: s.partition }));
  const starts = await options.source.listOffsets(sourceRefs, 'earliest', 'read_committed');
  const ends = await options.source.listOffsets(sourceRefs, 'latest', 'read_committed');
  const bySourceTp = new Map(sides.map((s) => [tpKey({ topic: s.pair.sourceTopic, partition: s.partition }), s]));
  const endOf = new Map(ends.map((e) => [tpKey(e), e.offset]));
  const sourceRanges: ScanRange[] = starts.map((s) => ({
    ...s,
    from: s.offset,
    until: endOf.get(tpKey(s)) ?? s.offset,
  }));
  const unfinished = await scanPartitions(
    options.source,
    sourceRanges,
    (range, offset, record) => {
      bySourceTp.get(tpKey(range))?.digest.add(offset, recordDigest(record));
      return true;
    },
    { isolation: 'read_committed', timeoutMs: SOURCE_READ_TIMEOUT_MS, ...signalOf(options) },
  );
  if (unfinished.length > 0) {
    throw new Error(`Timed out reading the source: ${unfinished.map((r) => tpKey(r)).join(', ')}`);
  }

  // 2. The target, compared as it is read.
  const states = new Map<string, TargetState>();
  const results: PartitionVerification[] = [];
  for (const side of sides) {
    const ref = { topic: side.pair.targetTopic, partition: side.partition };
    if (side.partition >= (targetPartitions.get(side.pair.targetTopic) ?? 0)) {
      results.push(missingPartition(side));
      continue;
    }
    states.set(tpKey(ref), {
      source: side,
      digest: new PartitionDigest(),
      allowDuplicates,
      indexOf: null,
      next: 0,
      duplicates: 0,
      difference: null,
      differingRecord: null,
    });
  }
  const targetRefs: TopicPartitionRef[] = [...states.values()].map((s) => ({
    topic: s.source.pair.targetTopic,
    partition: s.source.partition,
  }));
  const targetStarts = targetRefs.length === 0 ? [] : await options.target.listOffsets(targetRefs, 'earliest');
  const targetRanges: ScanRange[] = [];
  for (const start of targetStarts) {
    const state = states.get(tpKey(start));
    if (state === undefined) continue;
    if (state.source.digest.count === 0) continue;
    targetRanges.push({ ...start, from: start.offset, until: null });
  }
  await scanPartitions(
    options.target,
    targetRanges,
    (range, offset, record) => {
      const state = states.get(tpKey(range));
      return state === undefined ? false : compareNext(state, offset, record);
    },
    { isolation: 'read_uncommitted', timeoutMs: options.waitMs ?? 30_000, ...signalOf(options) },
  );

  for (const state of states.values()) results.push(await finish(state, options));
  const order = new Map(sides.map((s, i) => [tpKey({ topic: s.pair.sourceTopic, partition: s.partition }), i]));
  results.sort(
    (a, b) =>
      (order.get(tpKey({ topic: a.sourceTopic, partition: a.partition })) ?? 0) -
      (order.get(tpKey({ topic: b.sourceTopic, partition: b.partition })) ?? 0),
  );
  return { partitions: results, extraTargetPartitions };
}

function signalOf(options: VerifyPartitionsOptions): { signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal };
}

function indexByDigest(digest: PartitionDigest): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < digest.count; i++) {
    const key = digest.digestAt(i)?.toString('hex') ?? '';
    const list = out.get(key);
    if (list === undefined) out.set(key, [i]);
    else list.push(i);
  }
  return out;
}

/** Takes the next target record; false once the partition is decided. */
function compareNext(state: TargetState, offset: number, record: KafkaRecord): boolean {
  const source = state.source.digest;
  if (state.next >= source.count) return false;
  const digest = recordDigest(record);
  const index = state.digest.add(offset, digest);
  const expected = source.digestAt(state.next);
  if (expected?.equals(digest) === true) {
    state.next++;
    return state.next < source.count;
  }
  if (state.allowDuplicates) {
    // A re-sent run restarts at an earlier source record: the latest earlier match.
    state.indexOf ??= indexByDigest(source);
    const earlier = (state.indexOf.get(digest.toString('hex')) ?? []).filter((i) => i < state.next);
    const restart = earlier.at(-1);
    if (restart !== undefined) {
      state.duplicates += state.next - restart;
      state.next = restart + 1;
      return true;
    }
  }
  state.difference = {
    index: state.allowDuplicates ? state.next : index,
    sourceOffset: source.offsetAt(state.next) ?? null,
    targetOffset: offset,
    what: [],
    duplicateOf: null,
  };
  state.differingRecord = record;
  return false;
}

async function finish(state: TargetState, options: VerifyPartitionsOptions): Promise<PartitionVerification> {
  const side = state.source;
  const base = {
    sourceTopic: side.pair.sourceTopic,
    targetTopic: side.pair.targetTopic,
    partition: side.partition,
    source: summary(side.digest),
    target: summary(state.digest),
    duplicates: state.duplicates,
  };
  if (state.difference !== null) {
    const duplicateOf = earlierCopy(state);
    if (duplicateOf !== null) {
      return { ...base, verdict: 'different', difference: { ...state.difference, what: ['duplicate'], duplicateOf } };
    }
    const what = await describeDifference(state, options);
    return { ...base, verdict: 'different', difference: { ...state.difference, what } };
  }
  if (state.next < side.digest.count) {
    return {
      ...base,
      verdict: 'missing-records',
      difference: {
        index: state.next,
        sourceOffset: side.digest.offsetAt(state.next) ?? null,
        targetOffset: null,
        what: ['missing'],
        duplicateOf: null,
      },
    };
  }
  return { ...base, verdict: state.duplicates > 0 ? 'equal-with-duplicates' : 'equal', difference: null };
}

/** The source offset of an earlier source record equal to the differing target record (a re-send), or null. */
function earlierCopy(state: TargetState): number | null {
  const record = state.differingRecord;
  if (record === null || state.allowDuplicates) return null;
  const digest = recordDigest(record);
  for (let i = state.next - 1; i >= 0; i--) {
    if (state.source.digest.digestAt(i)?.equals(digest) === true) return state.source.digest.offsetAt(i) ?? null;
  }
  return null;
}

/** Reads the source record at the difference to name the fields that differ. */
async function describeDifference(state: TargetState, options: VerifyPartitionsOptions): Promise<string[]> {
  const target = state.differingRecord;
  const sourceOffset = state.difference?.sourceOffset ?? null;
  if (target === null || sourceOffset === null) return ['extra'];
  if (state.allowDuplicates) return ['extra'];
  let source: KafkaRecord | null = null;
  await scanPartitions(
    options.source,
    [
      {
        topic: state.source.pair.sourceTopic,
        partition: state.source.partition,
        from: sourceOffset,
        until: sourceOffset + 1,
      },
    ],
    (_range, _offset, record) => {
      source = record;
      return false;
    },
    { isolation: 'read_committed', timeoutMs: 30_000, ...signalOf(options) },
  );
  if (source === null) return ['extra'];
  const what = recordDifferences(source, target);
  return what.length === 0 ? ['extra'] : what;
}

function summary(digest: PartitionDigest): RangeSummary {
  return {
    count: digest.count,
    firstOffset: digest.firstOffset,
    lastOffset: digest.lastOffset,
    sha256: digest.sha256(),
  };
}

function missingPartition(side: SourceSide): PartitionVerification {
  return {
    sourceTopic: side.pair.sourceTopic,
    targetTopic: side.pair.targetTopic,
    partition: side.partition,
    verdict: 'missing-partition',
    source: summary(side.digest),
    target: null,
    duplicates: 0,
    difference:
      side.digest.count === 0
        ? null
        : { index: 0, sourceOffset: side.digest.firstOffset, targetOffset: null, what: ['missing'], duplicateOf: null },
  };
}
