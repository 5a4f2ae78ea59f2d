/**
 * MirrorCheckpointTask: for its consumer groups (`task.assigned.groups`), every
 * `emit.checkpoints.interval.seconds` it reads the groups' committed offsets on the source,
 * translates them with the offset syncs (offset-sync-store.ts) and writes Checkpoint records
 * to `<source alias>.checkpoints.internal` on the target; every
 * `sync.group.offsets.interval.seconds` (when `sync.group.offsets.enabled`) it commits the
 * translated offsets to the groups on the target (group-offset-sync.ts).
 *
 * The task writes its checkpoints itself with the wire client and `poll` returns []:
 * checkpoints belong to the target cluster, which need not be the worker's cluster the
 * runtime produces to, they are binary records that a worker's converters (JSON, say)
 * would change, and a checkpoint counts as emitted only once the target acknowledged it —
 * which is what keeps them monotonic. MM2 stores the dummy offset `{offset: 0}` for
 * `{group, topic, partition}`; nothing needs it here, so nothing is stored.
 *
 * Checkpoints never go back per (group, topic, partition): a translation whose target
 * offset is below the last checkpoint is not emitted, unless the group itself was moved
 * back on the source (its upstream offset is lower; MM2's rule). The last checkpoints are
 * read from the checkpoints topic at start.
 */
import {
  ConfigError,
  type Logger,
  type Props,
  RetriableError,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
} from '@tributary/api';
import { encodeRecordBatch, type KafkaWireClient, readBatchRecords } from '@tributary/protocol';
import { ClusterClients } from './cluster-clients.js';
import { mirrorCheckpointConfig, requireMirrorSettings, TASK_ASSIGNED_GROUPS } from './config.js';
import { DefaultTopicFilter } from './filters.js';
import {
  type CommittedOffset,
  GroupOffsetSync,
  type GroupPartition,
  type GroupSyncResult,
  partitionKey,
  readCommittedOffsets,
} from './group-offset-sync.js';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from './internal-records.js';
import { OffsetSyncReader, OffsetSyncStore } from './offset-sync-store.js';
import { isCycle, type ReplicationPolicy } from './replication-policy.js';
import { ensureCompactedTopic } from './topic-creation.js';

/** How long one emission waits for the offset syncs written before it to be read. */
const SYNC_CATCH_UP_MS = 10_000;
/** How long start waits for the checkpoints topic to be read. */
const SEED_TIMEOUT_MS = 60_000;

/** The groups of one task, as the connector writes them into `task.assigned.groups`. */
export function encodeAssignedGroups(groups: readonly string[]): string {
  // A JSON array, not MM2's comma list: group ids may contain commas.
  return JSON.stringify([...groups]);
}

export function decodeAssignedGroups(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([{ key: TASK_ASSIGNED_GROUPS, value: text, message: 'Expected a JSON array of group ids' }], {
      cause: error,
    });
  }
  if (!Array.isArray(parsed) || !parsed.every((g) => typeof g === 'string')) {
    throw new ConfigError([{ key: TASK_ASSIGNED_GROUPS, value: text, message: 'Expected a JSON array of group ids' }]);
  }
  return parsed;
}

/** The key of a checkpoint in the task's memory. */
function checkpointKey(group: string, topic: string, partition: number): string {
  return `${group}\u0000${partitionKey(topic, partition)}`;
}

/** Whether `next` may follow `last` (MM2's `checkpointIsMoreRecent`). */
export function isCheckpointMoreRecent(last: Checkpoint | undefined, next: Checkpoint): boolean {
  if (last === undefined) return true;
  if (next.upstreamOffset < last.upstreamOffset) return true;
  return next.downstreamOffset > last.downstreamOffset;
}

/** What a source topic is on the target: its name there, or why it is not replicated. */
export function remoteTopicOf(
  topic: string,
  options: {
    readonly policy: ReplicationPolicy;
    readonly topicFilter: { shouldReplicateTopic(topic: string): boolean };
    readonly sourceAlias: string;
    readonly targetAlias: string;
  },
): { readonly remoteTopic: string; readonly reason: string | null } {
  const remoteTopic = options.policy.formatRemoteTopic(options.sourceAlias, topic);
  if (options.policy.isInternalTopic(topic)) return { remoteTopic, reason: `${topic} is an internal topic` };
  if (isCycle(options.policy, topic, options.targetAlias)) {
    return { remoteTopic, reason: `${topic} came from ${options.targetAlias} (replication cycle)` };
  }
  if (!options.topicFilter.shouldReplicateTopic(topic)) {
    return { remoteTopic, reason: `${topic} is not replicated (topics / topics.exclude)` };
  }
  return { remoteTopic, reason: null };
}

/**
 * A group's committed source offsets translated to the target: each with its remote topic
 * and target offset, or the reason there is none (topic not replicated, no sync yet, …).
 */
export function translateCommittedOffsets(
  committed: readonly CommittedOffset[],
  options: Parameters<typeof remoteTopicOf>[1] & { readonly store: OffsetSyncStore },
): GroupPartition[] {
  return committed.map((c): GroupPartition => {
    const { remoteTopic, reason } = remoteTopicOf(c.topic, options);
    const base = { upstreamTopic: c.topic, partition: c.partition, upstreamOffset: c.offset, remoteTopic };
    if (reason !== null) return { ...base, translatedOffset: null, reason };
    const t = options.store.translate(c.topic, c.partition, c.offset);
    return t.offset === null
      ? { ...base, translatedOffset: null, reason: t.reason }
      : { ...base, translatedOffset: t.offset, reason: null };
  });
}

interface Running {
  readonly logger: Logger;
  readonly groups: readonly string[];
  readonly source: ClusterClients;
  readonly target: ClusterClients;
  readonly policy: ReplicationPolicy;
  readonly topicFilter: DefaultTopicFilter;
  readonly store: OffsetSyncStore;
  readonly reader: OffsetSyncReader;
  readonly checkpointsTopic: string;
  groupSync: GroupOffsetSync | null;
  readonly emitIntervalMs: number | null;
  readonly syncIntervalMs: number | null;
}

export class MirrorCheckpointTask implements SourceTask {
  #running: Running | null = null;
  /** Last checkpoint per (group, remote topic, partition), as acknowledged by the target. */
  readonly #checkpoints = new Map<string, Checkpoint>();
  /** The translations of the last round, per group, with reasons. */
  readonly #translations = new Map<string, readonly GroupPartition[]>();
  #nextEmitAt = 0;
  #nextSyncAt = 0;
  #isStopped = false;
  readonly #stopSignal = new AbortController();

  async start(props: Props, context: SourceTaskContext): Promise<void> {
    const where = `MirrorCheckpointTask ${context.connectorName}-${context.taskId}`;
    const config = mirrorCheckpointConfig.parse(props, where);
    const settings = requireMirrorSettings(
      config,
      props,
      { workerBootstrapServers: context.workerBootstrapServers, isSourceRequired: true },
      where,
    );
    const groups = decodeAssignedGroups(props[TASK_ASSIGNED_GROUPS]);
    const logger = context.logger;
    const clientIdBase = `mirror-checkpoint-${context.connectorName}-${context.taskId}`;
    const source = new ClusterClients({ cluster: settings.source, side: 'source', clientIdBase, logger });
    const target = new ClusterClients({ cluster: settings.target, side: 'target', clientIdBase, logger });
    const isSyncsOnSource = config['offset-syncs.topic.location'] === 'source';
    const syncsTopic = settings.policy.offsetSyncsTopic(
      isSyncsOnSource ? settings.target.alias : settings.source.alias,
    );
    const store = new OffsetSyncStore();
    const syncsCluster = isSyncsOnSource ? source : target;
    const reader = new OffsetSyncReader({ client: syncsCluster.wire('consumer'), topic: syncsTopic, store, logger });
    const running: Running = {
      logger,
      groups,
      source,
      target,
      policy: settings.policy,
      topicFilter: new DefaultTopicFilter(settings.topicsInclude, settings.topicsExclude),
      store,
      reader,
      checkpointsTopic: settings.policy.checkpointsTopic(settings.source.alias),
      groupSync: null,
      emitIntervalMs: config['emit.checkpoints.enabled'] ? config['emit.checkpoints.interval.seconds'] * 1000 : null,
      syncIntervalMs: config['sync.group.offsets.enabled']
        ? config['sync.group.offsets.interval.seconds'] * 1000
        : null,
    };
    this.#running = running;
    try {
      const targetAdmin = await target.admin();
      if (config['sync.group.offsets.enabled'])
        running.groupSync = new GroupOffsetSync({ admin: targetAdmin, client: target.wire('producer'), logger });
      if (running.emitIntervalMs !== null) {
        await ensureCompactedTopic(
          targetAdmin,
          running.checkpointsTopic,
          config['checkpoints.topic.replication.factor'],
          logger,
        );
      }
      await this.#seed(running);
    } catch (error) {
      await this.stop();
      throw new RetriableError(
        `${where}: cannot prepare ${running.checkpointsTopic} on target cluster ${target.alias}`,
        {
          cause: error,
        },
      );
    }
    reader.start();
    logger.info(
      { groups: groups.length, offsetSyncs: syncsTopic, checkpoints: running.checkpointsTopic },
      'Checkpoint task started',
    );
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    const running = this.#running;
    if (running === null || this.#isStopped) return [];
    const now = Date.now();
    const dueAt = Math.min(
      running.emitIntervalMs === null ? Number.POSITIVE_INFINITY : this.#nextEmitAt,
      running.syncIntervalMs === null ? Number.POSITIVE_INFINITY : this.#nextSyncAt,
    );
    if (dueAt > now) {
      // Wait at most a second per poll so the runtime regains control regularly.
      await sleep(Math.min(dueAt - now, 1000), AbortSignal.any([signal, this.#stopSignal.signal]));
      return [];
    }
    const isEmitDue = running.emitIntervalMs !== null && this.#nextEmitAt <= now;
    const isSyncDue = running.syncIntervalMs !== null && this.#nextSyncAt <= now;
    try {
      await this.#round(running, { isEmitDue, isSyncDue, signal });
    } catch (error) {
      if (this.#isStopped) return [];
      throw error instanceof RetriableError
        ? error
        : new RetriableError(`Checkpointing groups of ${running.source.alias} failed`, { cause: error });
    }
    const done = Date.now();
    if (isEmitDue && running.emitIntervalMs !== null) this.#nextEmitAt = done + running.emitIntervalMs;
    if (isSyncDue && running.syncIntervalMs !== null) this.#nextSyncAt = done + running.syncIntervalMs;
    return [];
  }

  /** The last checkpoint of every (group, topic, partition) of this task. */
  checkpoints(): Checkpoint[] {
    return [...this.#checkpoints.values()];
  }

  /** The translations of the last round per group, with the reason for each untranslated partition. */
  translations(): ReadonlyMap<string, readonly GroupPartition[]> {
    return this.#translations;
  }

  /** The last group offset sync per group (why a group or partition was skipped included). */
  groupSyncResults(): ReadonlyMap<string, GroupSyncResult> {
    return this.#running?.groupSync?.results ?? new Map();
  }

  async stop(): Promise<void> {
    if (this.#isStopped) return;
    this.#isStopped = true;
    this.#stopSignal.abort();
    const running = this.#running;
    if (running === null) return;
    await running.reader.close();
    await Promise.all([running.source.close(), running.target.close()]);
  }

  async #round(
    running: Running,
    due: { readonly isEmitDue: boolean; readonly isSyncDue: boolean; readonly signal: AbortSignal },
  ): Promise<void> {
    const sourceAdmin = await running.source.admin();
    const committed = new Map<string, CommittedOffset[]>();
    for (const group of running.groups) committed.set(group, await readCommittedOffsets(sourceAdmin, group));
    // Read the syncs written up to now, so that recently replicated records translate exactly.
    const isCaughtUp = await running.reader.catchUp(SYNC_CATCH_UP_MS, due.signal);
    if (!isCaughtUp)
      running.logger.debug(
        { topic: running.reader.topic },
        'Offset syncs not caught up; translating with what was read',
      );

    const fresh: Checkpoint[] = [];
    for (const group of running.groups) {
      const partitions = translateCommittedOffsets(committed.get(group) ?? [], {
        store: running.store,
        policy: running.policy,
        topicFilter: running.topicFilter,
        sourceAlias: running.source.alias,
        targetAlias: running.target.alias,
      });
      this.#translations.set(group, partitions);
      const metadataOf = new Map(
        (committed.get(group) ?? []).map((c) => [partitionKey(c.topic, c.partition), c.metadata]),
      );
      for (const p of partitions) {
        if (p.translatedOffset === null) continue;
        const checkpoint: Checkpoint = {
          group,
          topic: p.remoteTopic,
          partition: p.partition,
          upstreamOffset: p.upstreamOffset,
          downstreamOffset: p.translatedOffset,
          metadata: metadataOf.get(partitionKey(p.upstreamTopic, p.partition)) ?? '',
        };
        if (
          isCheckpointMoreRecent(this.#checkpoints.get(checkpointKey(group, p.remoteTopic, p.partition)), checkpoint)
        ) {
          fresh.push(checkpoint);
        }
      }
    }
    if (fresh.length > 0) {
      if (running.emitIntervalMs !== null) await this.#emit(running, fresh);
      for (const c of fresh) this.#checkpoints.set(checkpointKey(c.group, c.topic, c.partition), c);
    }
    if (due.isSyncDue && running.groupSync !== null) {
      for (const group of running.groups) {
        await running.groupSync.sync(group, this.#syncInput(group));
      }
    }
  }

  /** What group offset sync writes: the last (monotonic) checkpoint of each partition. */
  #syncInput(group: string): GroupPartition[] {
    return (this.#translations.get(group) ?? []).map((p) => {
      if (p.translatedOffset === null) return p;
      const last = this.#checkpoints.get(checkpointKey(group, p.remoteTopic, p.partition));
      return last === undefined
        ? p
        : { ...p, upstreamOffset: last.upstreamOffset, translatedOffset: last.downstreamOffset };
    });
  }

  async #emit(running: Running, checkpoints: readonly Checkpoint[]): Promise<void> {
    const timestamp = Date.now();
    const data = encodeRecordBatch(checkpoints.map((c) => ({ ...encodeCheckpoint(c), timestamp })));
    await running.target.wire('producer').produce([{ topic: running.checkpointsTopic, partition: 0, data }]);
    running.logger.debug({ count: checkpoints.length, topic: running.checkpointsTopic }, 'Checkpoints written');
  }

  /** Loads the last checkpoint of every (group, topic, partition) of this task's groups. */
  async #seed(running: Running): Promise<void> {
    const groups = new Set(running.groups);
    await readTopicToEnd(running.target.wire('consumer'), running.checkpointsTopic, SEED_TIMEOUT_MS, (key, value) => {
      let checkpoint: Checkpoint;
      try {
        checkpoint = decodeCheckpoint(key, value);
      } catch (error) {
        running.logger.warn(
          { topic: running.checkpointsTopic, err: error },
          'Skipping a checkpoint that cannot be decoded',
        );
        return;
      }
      if (groups.has(checkpoint.group)) {
        this.#checkpoints.set(checkpointKey(checkpoint.group, checkpoint.topic, checkpoint.partition), checkpoint);
      }
    });
  }
}

/**
 * Reads partition 0 of `topic` from its start up to the end offset it had when called,
 * handing every record to `onRecord`. Nothing to do when the topic does not exist.
 */
export async function readTopicToEnd(
  client: KafkaWireClient,
  topic: string,
  timeoutMs: number,
  onRecord: (key: Buffer | null, value: Buffer | null) => void,
): Promise<void> {
  const metadata = await client.metadata([topic]);
  const info = metadata.topics.find((t) => t.name === topic);
  if (info === undefined || info.errorCode !== 0 || info.partitions.length === 0) return;
  const tp = { topic, partition: 0 };
  const [start] = await client.listOffsets([tp], 'earliest');
  const [end] = await client.listOffsets([tp], 'latest');
  let position = start?.offset ?? 0;
  const endOffset = end?.offset ?? 0;
  if (position >= endOffset) return;
  const deadline = Date.now() + timeoutMs;
  const fetcher = client.fetcher({ maxWaitMs: 200 });
  try {
    fetcher.assign([{ ...tp, offset: position }]);
    while (position < endOffset) {
      if (Date.now() > deadline)
        throw new RetriableError(`Reading ${topic} to offset ${endOffset} timed out at ${position}`);
      for (const part of await fetcher.next(500)) {
        if (part.errorCode !== 0) {
          throw new RetriableError(`Reading ${topic}-${part.partition} failed with Kafka error code ${part.errorCode}`);
        }
        for (const batch of part.batches) for (const r of readBatchRecords(batch.data)) onRecord(r.key, r.value);
        position = part.nextOffset;
      }
    }
  } finally {
    await fetcher.close();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
