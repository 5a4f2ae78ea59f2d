/**
 * `tributary mirror verify mm2.properties`: for every replicating flow, every topic it
 * replicates (optionally narrowed by a regex) is compared partition by partition with its
 * remote topic on the target (see verify-partitions.ts for what "equal" means), and the
 * report names the first difference. `isEqual` is the exit status.
 */
import type { Logger } from '@tributary/api';
import type { MirrorMakerPlan } from '../mm2-config.js';
import { closeFlowContext, matchesWhole, openFlowContext, replicatedTopics, replicatingFlows } from './flow-context.js';
import { type PartitionVerification, verifyPartitions } from './verify-partitions.js';

export interface MirrorVerifyOptions {
  /** Only source topics matching this (whole name). */
  readonly topics?: RegExp;
  /** Only these flows (`A->B`); default every replicating flow. */
  readonly flows?: readonly string[];
  /** How long to wait for the target to catch up with the source snapshot. Default 30 000. */
  readonly waitMs?: number;
  /** Accept re-sent runs (at-least-once after a crash); see verify-partitions.ts. */
  readonly allowDuplicates?: boolean;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
}

export interface FlowVerification {
  /** `A->B` */
  readonly flow: string;
  readonly topics: number;
  readonly partitions: readonly PartitionVerification[];
  readonly extraTargetPartitions: readonly string[];
}

export interface MirrorVerifyReport {
  readonly flows: readonly FlowVerification[];
  /** True when every partition is equal (or equal with duplicates when they are allowed). */
  readonly isEqual: boolean;
  /** The first partition that is not, in report order; null when equal. */
  readonly firstDifference: PartitionVerification | null;
}

export async function mirrorVerify(
  plan: MirrorMakerPlan,
  options: MirrorVerifyOptions = {},
): Promise<MirrorVerifyReport> {
  const flows: FlowVerification[] = [];
  for (const flow of replicatingFlows(plan, options.flows)) {
    const context = openFlowContext(flow, options.logger);
    try {
      const topics = (await replicatedTopics(context)).filter(
        (t) => options.topics === undefined || matchesWhole(options.topics, t.topic),
      );
      const result = await verifyPartitions({
        source: context.source.wire('consumer'),
        target: context.target.wire('consumer'),
        pairs: topics.map((t) => ({
          sourceTopic: t.topic,
          targetTopic: context.policy.formatRemoteTopic(flow.source, t.topic),
        })),
        ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
        ...(options.allowDuplicates === undefined ? {} : { allowDuplicates: options.allowDuplicates }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      flows.push({ flow: flow.name, topics: topics.length, ...result });
    } finally {
      await closeFlowContext(context);
    }
  }
  const firstDifference =
    flows.flatMap((f) => f.partitions).find((p) => p.verdict !== 'equal' && p.verdict !== 'equal-with-duplicates') ??
    null;
  return { flows, isEqual: firstDifference === null, firstDifference };
}

const VERDICT_TEXT: Readonly<Record<PartitionVerification['verdict'], string>> = {
  equal: 'EQUAL',
  'equal-with-duplicates': 'EQUAL+DUP',
  different: 'DIFFERENT',
  'missing-records': 'MISSING',
  'missing-partition': 'NO-PARTITION',
};

function range(first: number | null, last: number | null): string {
  return first === null || last === null ? '-' : `${first}..${last}`;
}

/** One line per partition, then the verdict and the first difference, for a terminal. */
export function formatVerifyReport(report: MirrorVerifyReport): string {
  const lines: string[] = [];
  let partitions = 0;
  let records = 0;
  for (const flow of report.flows) {
    lines.push(`flow ${flow.flow}: ${flow.topics} topics, ${flow.partitions.length} partitions`);
    lines.push(
      `  ${'source partition'.padEnd(34)} ${'target partition'.padEnd(36)} ${'result'.padEnd(12)} ${'records'.padStart(9)}  ${'source offsets'.padEnd(17)} ${'target offsets'.padEnd(17)} sha256`,
    );
    for (const p of flow.partitions) {
      partitions++;
      records += p.source.count;
      const dup = p.duplicates > 0 ? ` (+${p.duplicates} dup)` : '';
      lines.push(
        `  ${`${p.sourceTopic}/${p.partition}`.padEnd(34)} ${`${p.targetTopic}/${p.partition}`.padEnd(36)} ${VERDICT_TEXT[p.verdict].padEnd(12)} ${String(p.source.count).padStart(9)}  ${range(p.source.firstOffset, p.source.lastOffset).padEnd(17)} ${(p.target === null ? '-' : range(p.target.firstOffset, p.target.lastOffset)).padEnd(17)} ${p.source.sha256.slice(0, 16)}${dup}`,
      );
    }
    for (const extra of flow.extraTargetPartitions) lines.push(`  note: ${extra} exists on the target only`);
  }
  const first = report.firstDifference;
  if (first === null) {
    lines.push(`EQUAL: ${partitions} partitions, ${records} records match on both clusters`);
  } else {
    lines.push(
      `DIFFERENT: first difference in ${first.sourceTopic}/${first.partition} → ${first.targetTopic}/${first.partition}: ${describe(first)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function describe(p: PartitionVerification): string {
  const d = p.difference;
  if (p.verdict === 'missing-partition') return 'the partition does not exist on the target';
  if (d === null) return VERDICT_TEXT[p.verdict];
  const at = `record ${d.index} (source offset ${d.sourceOffset ?? '-'}, target offset ${d.targetOffset ?? '-'})`;
  if (d.what.includes('missing')) {
    return `${p.source.count - d.index} of ${p.source.count} source records not on the target, from ${at}`;
  }
  if (d.what.includes('duplicate')) return `${at} repeats source offset ${d.duplicateOf ?? '-'}`;
  if (d.what.includes('extra')) return `${at} is not a source record`;
  return `${at}: ${d.what.join(', ')} differ`;
}
