/**
 * Everything one broker knows, shared by the API handlers: topics and logs, parked
 * fetches, the group and transaction coordinators, and the journal that makes them
 * survive a restart. Node runs handlers one at a time, so no locking is needed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedBrokerOptions } from './options.js';
import { FetchWaiters } from './state/fetch-waiters.js';
import { GroupCoordinator } from './state/group-coordinator.js';
import { Journal, type JournalEvent } from './state/journal.js';
import { TopicStore } from './state/topic-store.js';
import { TransactionCoordinator } from './state/transaction-coordinator.js';

/** A piece of broker state that is journaled and replayed. */
export interface JournaledState {
  /** Applies one event at start; false if the event belongs to someone else. */
  replay(event: JournalEvent): boolean;
  /** The events that recreate the current state (journal compaction). */
  snapshot(): JournalEvent[];
}

export class BrokerState {
  readonly journal: Journal;
  readonly topics: TopicStore;
  readonly waiters = new FetchWaiters();
  readonly groups: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  readonly clusterId: string;
  /** Bound port, set once listening. */
  port = 0;
  private readonly journaled: JournaledState[] = [];

  constructor(readonly options: ResolvedBrokerOptions) {
    if (options.dataDir !== null) mkdirSync(options.dataDir, { recursive: true });
    this.journal = new Journal(options.dataDir);
    this.topics = new TopicStore(this.journal, options.dataDir, options.numPartitions, {
      'max.message.bytes': String(options.messageMaxBytes),
    });
    this.clusterId = loadClusterId(options.dataDir);
    this.register(this.topics);
    this.groups = new GroupCoordinator(this.journal, this.topics, options);
    this.register(this.groups);
    this.closers.push(() => this.groups.close());
    this.transactions = new TransactionCoordinator(this);
    this.register(this.transactions);
  }

  get nodeId(): number {
    return this.options.nodeId;
  }

  get host(): string {
    return this.options.advertisedHost;
  }

  register(state: JournaledState): void {
    this.journaled.push(state);
  }

  /** Replays the journal into every registered state, then compacts it. */
  load(): void {
    for (const event of this.journal.replay()) {
      for (const s of this.journaled) if (s.replay(event)) break;
    }
    this.journal.rewrite(this.journaled.flatMap((s) => s.snapshot()));
  }

  /** Auto-creates `name` if the broker allows it and the name is legal. */
  autoCreate(name: string): boolean {
    if (!this.options.autoCreateTopics) return false;
    return this.topics.create(name, -1, -1, []).errorCode === 0;
  }

  /**
   * Checks a Produce partition entry against the transaction coordinator: a
   * transactional batch must come from the current epoch of a producer that added
   * this partition to its open transaction. Returns an error code (0 = fine).
   */
  checkTransactionalProduce(transactionalId: string | null, records: Buffer, topic: string, partition: number): number {
    return this.transactionCheck?.(transactionalId, records, topic, partition) ?? 0;
  }

  /** Installed by the transaction coordinator. */
  transactionCheck:
    | ((transactionalId: string | null, records: Buffer, topic: string, partition: number) => number)
    | null = null;

  /** Closed on stop: coordinators' timers and the like. */
  readonly closers: (() => void)[] = [];

  close(): void {
    for (const c of this.closers) c();
    this.waiters.releaseAll();
    this.topics.close();
    this.journal.close();
  }
}

/** A stable 22-character base64url cluster id, kept in the data dir when there is one. */
function loadClusterId(dataDir: string | null): string {
  const file = dataDir === null ? null : join(dataDir, 'cluster.id');
  if (file && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomBytes(16).toString('base64url').slice(0, 22);
  if (file) writeFileSync(file, id);
  return id;
}
