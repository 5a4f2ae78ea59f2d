/**
 * Producer ids and transactions (broker-spec §6.2, §6.3): hands out producer ids,
 * keeps one (producer id, epoch) per transactional id, tracks the partitions and
 * consumer-group offsets of each open transaction, and ends transactions by writing
 * markers into the partition logs and applying staged offsets to the group coordinator.
 *
 * Everything completes synchronously, so CONCURRENT_TRANSACTIONS is never needed. The
 * journal holds the producer-id high-water mark and each transactional id's full state;
 * an ending transaction is journaled as Prepare* before its markers are written, so a
 * broker killed half-way finishes the job after a restart instead of leaving some
 * partitions committed and others open.
 */
import { Attr, ErrorCode, splitProducedBatches } from '@tributary/protocol';
import type { BrokerState, JournaledState } from '../broker-state.js';
import type { JournalEvent } from './journal.js';

/** Kafka's TransactionState names. */
export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort';

/** One offset staged by TxnOffsetCommit, applied to the group when the transaction commits. */
export interface TxnOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

interface Transaction {
  readonly transactionalId: string;
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  /** Wall-clock start of the open transaction (for the timeout after a restart). */
  startedAtMs: number;
  /** topic → partitions added with AddPartitionsToTxn. */
  partitions: Map<string, Set<number>>;
  /** group id (added with AddOffsetsToTxn) → `topic:partition` → staged offset. */
  offsets: Map<string, Map<string, TxnOffset>>;
  timer: NodeJS.Timeout | null;
}

export interface InitProducerIdResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export interface TopicPartitions {
  name: string;
  partitions: number[];
}

export interface PartitionErrors {
  name: string;
  partitions: { partition: number; errorCode: number }[];
}

export interface TxnOffsetTopic {
  name: string;
  partitions: { partition: number; offset: number; leaderEpoch: number; metadata: string | null }[];
}

/** Epochs are int16; at this value a transactional id moves to a fresh producer id. */
const MAX_EPOCH = 0x7fff - 1;
const MAX_OFFSET_METADATA_BYTES = 4096;

export class TransactionCoordinator implements JournaledState {
  private nextProducerId = 0;
  private readonly txns = new Map<string, Transaction>();

  constructor(private readonly state: BrokerState) {
    state.transactionCheck = (transactionalId, records, topic, partition) =>
      this.checkProduce(transactionalId, records, topic, partition);
    state.closers.push(() => this.close());
  }

  /**
   * InitProducerId. Without a transactional id: a fresh producer id, epoch 0. With one:
   * the id's stable producer id with the epoch bumped, after aborting whatever the old
   * epoch left open — the new producer fences the old one.
   */
  initProducerId(transactionalId: string | null, transactionTimeoutMs: number): InitProducerIdResult {
    if (transactionalId === null)
      return { errorCode: ErrorCode.NONE, producerId: this.allocateProducerId(), producerEpoch: 0 };
    const fail = (errorCode: number): InitProducerIdResult => ({ errorCode, producerId: -1, producerEpoch: -1 });
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST);
    if (transactionTimeoutMs <= 0 || transactionTimeoutMs > this.state.options.transactionMaxTimeoutMs) {
      return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    }
    let txn = this.txns.get(transactionalId);
    if (!txn) {
      txn = {
        transactionalId,
        producerId: this.allocateProducerId(),
        producerEpoch: 0,
        timeoutMs: transactionTimeoutMs,
        state: 'Empty',
        startedAtMs: 0,
        partitions: new Map(),
        offsets: new Map(),
        timer: null,
      };
      this.txns.set(transactionalId, txn);
    } else {
      this.completePrepared(txn);
      if (txn.state === 'Ongoing') {
        // Aborting bumps the epoch: that is the fencing step.
        this.end(txn, false, txn.producerEpoch + 1);
      } else {
        txn.producerEpoch += 1;
      }
      if (txn.producerEpoch > MAX_EPOCH) {
        txn.producerId = this.allocateProducerId();
        txn.producerEpoch = 0;
      }
      txn.state = 'Empty';
      txn.timeoutMs = transactionTimeoutMs;
    }
    this.persist(txn);
    return { errorCode: ErrorCode.NONE, producerId: txn.producerId, producerEpoch: txn.producerEpoch };
  }

  /**
   * AddPartitionsToTxn. Unknown partitions fail with UNKNOWN_TOPIC_OR_PARTITION and
   * the others of the request with OPERATION_NOT_ATTEMPTED; nothing is added then.
   */
  addPartitions(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    topics: TopicPartitions[],
  ): PartitionErrors[] {
    const answer = (code: (topic: string, partition: number) => number): PartitionErrors[] =>
      topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partition: p, errorCode: code(t.name, p) })),
      }));
    const checked = this.validate(transactionalId, producerId, producerEpoch);
    if (typeof checked === 'number') return answer(() => checked);
    const isUnknown = (topic: string, partition: number): boolean =>
      this.state.topics.partition(topic, partition) === undefined;
    if (topics.some((t) => t.partitions.some((p) => isUnknown(t.name, p)))) {
      return answer((topic, p) =>
        isUnknown(topic, p) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED,
      );
    }
    this.begin(checked);
    for (const t of topics) {
      const set = checked.partitions.get(t.name) ?? new Set<number>();
      for (const p of t.partitions) set.add(p);
      checked.partitions.set(t.name, set);
    }
    this.persist(checked);
    return answer(() => ErrorCode.NONE);
  }

  /** AddOffsetsToTxn: the group's offsets may now be staged with TxnOffsetCommit. */
  addOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string): number {
    const checked = this.validate(transactionalId, producerId, producerEpoch);
    if (typeof checked === 'number') return checked;
    this.begin(checked);
    if (!checked.offsets.has(groupId)) checked.offsets.set(groupId, new Map());
    this.persist(checked);
    return ErrorCode.NONE;
  }

  /**
   * TxnOffsetCommit: stages offsets, invisible to OffsetFetch until the transaction
   * commits. The group must have been added with AddOffsetsToTxn (INVALID_TXN_STATE
   * otherwise: no marker would ever apply the offsets).
   */
  commitOffsets(
    transactionalId: string,
    groupId: string,
    producerId: number,
    producerEpoch: number,
    topics: TxnOffsetTopic[],
  ): PartitionErrors[] {
    const checked = this.validate(transactionalId, producerId, producerEpoch);
    const staged =
      typeof checked === 'number' || checked.state !== 'Ongoing' ? undefined : checked.offsets.get(groupId);
    const txnError =
      typeof checked === 'number' ? checked : staged === undefined ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
    const results = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode: number = txnError;
        if (errorCode === ErrorCode.NONE && this.state.topics.partition(t.name, p.partition) === undefined) {
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (
          errorCode === ErrorCode.NONE &&
          p.metadata !== null &&
          Buffer.byteLength(p.metadata) > MAX_OFFSET_METADATA_BYTES
        ) {
          errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        }
        if (errorCode === ErrorCode.NONE && staged) {
          staged.set(`${t.name}:${p.partition}`, { topic: t.name, ...p });
        }
        return { partition: p.partition, errorCode };
      }),
    }));
    if (txnError === ErrorCode.NONE && typeof checked !== 'number') this.persist(checked);
    return results;
  }

  /**
   * EndTxn. Writes a marker to every partition of the transaction and, on commit,
   * applies the staged offsets. Repeating the call that just completed is a no-op
   * (a client retry); anything else outside an open transaction is INVALID_TXN_STATE.
   */
  endTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): number {
    const checked = this.validate(transactionalId, producerId, producerEpoch);
    if (typeof checked === 'number') return checked;
    switch (checked.state) {
      case 'Ongoing':
        this.end(checked, commit, checked.producerEpoch);
        return ErrorCode.NONE;
      case 'CompleteCommit':
        return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case 'CompleteAbort':
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      default:
        return ErrorCode.INVALID_TXN_STATE;
    }
  }

  /**
   * The Produce hook: a transactional batch must come from the current producer id
   * and epoch of its transactional id, with its partition added to the open
   * transaction. Malformed batches pass here and are rejected by the log.
   */
  checkProduce(transactionalId: string | null, records: Buffer, topic: string, partition: number): number {
    let batches: ReturnType<typeof splitProducedBatches>;
    try {
      batches = splitProducedBatches(records, false);
    } catch {
      return ErrorCode.NONE;
    }
    for (const { header } of batches) {
      if ((header.attributes & Attr.TRANSACTIONAL) === 0) continue;
      if (transactionalId === null) return ErrorCode.INVALID_TXN_STATE;
      const txn = this.txns.get(transactionalId);
      if (!txn || txn.producerId !== header.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
      if (txn.producerEpoch !== header.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
      if (txn.state !== 'Ongoing' || txn.partitions.get(topic)?.has(partition) !== true)
        return ErrorCode.INVALID_TXN_STATE;
    }
    return ErrorCode.NONE;
  }

  replay(event: JournalEvent): boolean {
    if (event.t === 'pid') {
      this.nextProducerId = Math.max(this.nextProducerId, event['next'] as number);
      return true;
    }
    if (event.t !== 'txn') return false;
    const id = event['id'] as string;
    const previous = this.txns.get(id);
    if (previous?.timer) clearTimeout(previous.timer);
    const partitions = new Map<string, Set<number>>();
    for (const [topic, list] of Object.entries(event['partitions'] as Record<string, number[]>)) {
      partitions.set(topic, new Set(list));
    }
    const offsets = new Map<string, Map<string, TxnOffset>>();
    for (const [group, list] of Object.entries(event['offsets'] as Record<string, TxnOffset[]>)) {
      offsets.set(group, new Map(list.map((o) => [`${o.topic}:${o.partition}`, o])));
    }
    const txn: Transaction = {
      transactionalId: id,
      producerId: event['pid'] as number,
      producerEpoch: event['epoch'] as number,
      timeoutMs: event['timeoutMs'] as number,
      state: event['state'] as TxnState,
      startedAtMs: event['startedAtMs'] as number,
      partitions,
      offsets,
      timer: null,
    };
    this.txns.set(id, txn);
    this.nextProducerId = Math.max(this.nextProducerId, txn.producerId + 1);
    // Timers fire after the whole journal (topics, group offsets) has been loaded.
    this.schedule(txn);
    return true;
  }

  snapshot(): JournalEvent[] {
    return [{ t: 'pid', next: this.nextProducerId }, ...[...this.txns.values()].map((txn) => this.event(txn))];
  }

  close(): void {
    for (const txn of this.txns.values()) {
      if (txn.timer) clearTimeout(txn.timer);
      txn.timer = null;
    }
  }

  private allocateProducerId(): number {
    const id = this.nextProducerId++;
    this.state.journal.append({ t: 'pid', next: this.nextProducerId });
    return id;
  }

  /** The transaction of `transactionalId` if the producer id and epoch are current, else the error code. */
  private validate(transactionalId: string, producerId: number, producerEpoch: number): Transaction | number {
    const txn = this.txns.get(transactionalId);
    if (!txn || txn.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (txn.producerEpoch !== producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    this.completePrepared(txn);
    return txn;
  }

  /** Opens a transaction on its first partition or group; starts the timeout. */
  private begin(txn: Transaction): void {
    if (txn.state === 'Ongoing') return;
    txn.state = 'Ongoing';
    txn.startedAtMs = Date.now();
    txn.partitions = new Map();
    txn.offsets = new Map();
    this.schedule(txn);
  }

  /**
   * Ends the open transaction: journals Prepare*, writes markers with `markerEpoch`
   * (the current epoch, or the next one when fencing or timing out), applies staged
   * offsets on commit, journals Complete* and wakes read_committed fetches.
   */
  private end(txn: Transaction, commit: boolean, markerEpoch: number): void {
    txn.state = commit ? 'PrepareCommit' : 'PrepareAbort';
    txn.producerEpoch = markerEpoch;
    this.persist(txn);
    this.completePrepared(txn);
  }

  /** Finishes a transaction journaled as Prepare* (now, or after a restart). */
  private completePrepared(txn: Transaction): void {
    if (txn.state !== 'PrepareCommit' && txn.state !== 'PrepareAbort') return;
    const commit = txn.state === 'PrepareCommit';
    const now = Date.now();
    for (const [topic, partitions] of txn.partitions) {
      for (const p of partitions)
        this.state.topics.partition(topic, p)?.endTransaction(txn.producerId, txn.producerEpoch, commit, now);
    }
    if (commit) {
      for (const [groupId, staged] of txn.offsets) {
        if (staged.size > 0) this.state.groups.applyTransactionalOffsets(groupId, [...staged.values()]);
      }
    }
    txn.state = commit ? 'CompleteCommit' : 'CompleteAbort';
    txn.partitions = new Map();
    txn.offsets = new Map();
    this.persist(txn);
    this.state.waiters.notify();
  }

  /** Arms the transaction's timer: the timeout while Ongoing, completion while Prepare*. */
  private schedule(txn: Transaction): void {
    if (txn.timer) clearTimeout(txn.timer);
    txn.timer = null;
    let delayMs: number;
    if (txn.state === 'Ongoing') delayMs = Math.max(0, txn.startedAtMs + txn.timeoutMs - Date.now());
    else if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') delayMs = 0;
    else return;
    txn.timer = setTimeout(() => {
      txn.timer = null;
      // A timed-out transaction is aborted with a bumped epoch, so its producer is fenced.
      if (txn.state === 'Ongoing') this.end(txn, false, txn.producerEpoch + 1);
      else this.completePrepared(txn);
    }, delayMs);
    txn.timer.unref();
  }

  private persist(txn: Transaction): void {
    if (txn.state !== 'Ongoing' && txn.timer) {
      clearTimeout(txn.timer);
      txn.timer = null;
    }
    this.state.journal.append(this.event(txn));
  }

  private event(txn: Transaction): JournalEvent {
    return {
      t: 'txn',
      id: txn.transactionalId,
      pid: txn.producerId,
      epoch: txn.producerEpoch,
      timeoutMs: txn.timeoutMs,
      state: txn.state,
      startedAtMs: txn.startedAtMs,
      partitions: Object.fromEntries([...txn.partitions].map(([topic, set]) => [topic, [...set]])),
      offsets: Object.fromEntries([...txn.offsets].map(([group, staged]) => [group, [...staged.values()]])),
    };
  }
}
