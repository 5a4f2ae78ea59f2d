/**
 * One classic consumer group as the coordinator sees it: members, the generation
 * they agreed on, and the group's committed offsets. Transitions and timers live in
 * {@link GroupCoordinator}; this file holds the data and the questions asked of it.
 */

/** Exact state names: DescribeGroups returns them and kafkajs compares them as strings. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leaderId: string;
  memberId: string;
  /** Every member with its metadata for the chosen protocol, for the leader only. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  assignment: Buffer;
}

export interface Member {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: GroupProtocol[];
  assignment: Buffer;
  /** Set while a JoinGroup from this member is parked. */
  awaitingJoin: ((result: JoinResult) => void) | null;
  /** Set while a SyncGroup from this member is parked. */
  awaitingSync: ((result: SyncResult) => void) | null;
  sessionTimer: NodeJS.Timeout | null;
}

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  /** Kafka stores a null commit metadata as "". */
  metadata: string;
}

export const EMPTY_BYTES = Buffer.alloc(0);

export class Group {
  state: GroupState = 'Empty';
  /** 0 until the first join completes; +1 on every completed join phase. */
  generationId = 0;
  /** null until a member joins; "" for a simple group created by an offset commit. */
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Ids handed out with MEMBER_ID_REQUIRED and not yet used to join, with their expiry timers. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** Members that got a JoinGroup response this generation and have not sent SyncGroup yet. */
  readonly pendingSync = new Set<string>();
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();
  /** Initial-delay or rebalance-timeout timer of the current join phase. */
  joinTimer: NodeJS.Timeout | null = null;
  /** Removes members that do not send SyncGroup within the rebalance timeout. */
  syncTimer: NodeJS.Timeout | null = null;
  /** The current rebalance started from Empty: it completes only when its delay timer fires. */
  isInitialRebalance = false;
  /** A member joined during the initial delay, which therefore gets extended. */
  hasNewMemberJoined = false;

  constructor(readonly groupId: string) {}

  /** The longest rebalance timeout of any member: how long a join phase may last. */
  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Every member is parked in JoinGroup and no handed-out member id is still unused. */
  hasAllMembersJoined(): boolean {
    for (const m of this.members.values()) if (m.awaitingJoin === null) return false;
    return this.pendingMembers.size === 0;
  }

  /** Protocol names every member supports. */
  candidateProtocols(): Set<string> {
    const [first, ...rest] = [...this.members.values()];
    const candidates = new Set(first?.protocols.map((p) => p.name));
    for (const m of rest) {
      const names = new Set(m.protocols.map((p) => p.name));
      for (const name of candidates) if (!names.has(name)) candidates.delete(name);
    }
    return candidates;
  }

  /** Whether a member with this protocol type and these protocols may join. */
  supportsProtocols(protocolType: string, protocols: readonly GroupProtocol[]): boolean {
    if (protocolType === '' || protocols.length === 0) return false;
    if (this.members.size === 0) return true;
    if (protocolType !== this.protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some((p) => candidates.has(p.name));
  }

  /**
   * Each member votes for its most preferred protocol among those all members support;
   * the most votes wins (ties go to the protocol voted for first).
   */
  selectProtocol(): string | null {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = 0;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    return best;
  }

  /** The members list of a leader's JoinGroup response. */
  joinMembers(): JoinResult['members'] {
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: protocolMetadata(m, this.protocolName),
    }));
  }

  /** The answer for a member of the current generation (a rejoin with nothing new). */
  currentJoinResult(memberId: string): JoinResult {
    const isLeader = memberId === this.leaderId;
    return {
      errorCode: 0,
      generationId: this.generationId,
      protocolName: this.protocolName ?? '',
      leaderId: this.leaderId ?? '',
      memberId,
      members: isLeader ? this.joinMembers() : [],
    };
  }

  hasOffsets(): boolean {
    return this.offsets.size > 0;
  }
}

export function protocolMetadata(member: Member, protocolName: string | null): Buffer {
  return member.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY_BYTES;
}

/** Same protocol names with the same metadata, in the same order. */
export function isSameProtocols(a: readonly GroupProtocol[], b: readonly GroupProtocol[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => {
      const q = b[i];
      return q !== undefined && p.name === q.name && p.metadata.equals(q.metadata);
    })
  );
}
