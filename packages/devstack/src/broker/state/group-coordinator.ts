/**
 * The classic consumer-group coordinator (broker-spec §7): membership and rebalances
 * (Empty → PreparingRebalance → CompletingRebalance → Stable), session, rebalance and
 * pending-sync timers, and committed offsets.
 *
 * Contract for callers:
 * - `join` and `sync` may park: they return a promise that settles when the join or
 *   sync phase completes (or fails). Every other method answers at once.
 * - Committed offsets are journaled and replayed at start; membership is not (after a
 *   restart every group with offsets is Empty, as members must rejoin a new coordinator).
 * - Static membership (group instance ids) is not implemented: ids are echoed back and
 *   such members behave as dynamic ones, except that they skip MEMBER_ID_REQUIRED as in Kafka.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@tributary/protocol';
import type { JournaledState } from '../broker-state.js';
import type { ResolvedBrokerOptions } from '../options.js';
import {
  EMPTY_BYTES,
  Group,
  type GroupProtocol,
  type GroupState,
  isSameProtocols,
  type JoinResult,
  type Member,
  protocolMetadata,
  type SyncResult,
} from './group.js';
import {
  type FetchedOffset,
  GroupOffsets,
  type OffsetToCommit,
  type StoredOffset,
  setOffset,
  snapshotOffsets,
  type TopicPartitionErrors,
} from './group-offsets.js';
import type { Journal, JournalEvent } from './journal.js';
import type { TopicStore } from './topic-store.js';

export type GroupCoordinatorOptions = Pick<
  ResolvedBrokerOptions,
  'groupInitialRebalanceDelayMs' | 'groupMinSessionTimeoutMs' | 'groupMaxSessionTimeoutMs'
>;

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: GroupProtocol[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: a first join with an empty member id gets MEMBER_ID_REQUIRED and an id to come back with. */
  isKnownMemberIdRequired: boolean;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** Sent by the leader only: every member's assignment. */
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface OffsetCommitRequest {
  groupId: string;
  /** −1 with an empty member id: a "simple" commit from outside the group (admin, MirrorMaker). */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: { name: string; partitions: OffsetToCommit[] }[];
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  state: GroupState;
  protocolType: string;
  /** The chosen protocol (assignor) name, only when Stable. */
  protocolData: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    /** Metadata and assignment are only filled in when the group is Stable. */
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

function joinError(errorCode: number, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, assignment: EMPTY_BYTES };
}

export class GroupCoordinator implements JournaledState {
  private readonly groups = new Map<string, Group>();
  private readonly offsets: GroupOffsets;

  constructor(
    private readonly journal: Journal,
    topics: TopicStore,
    private readonly options: GroupCoordinatorOptions,
  ) {
    this.offsets = new GroupOffsets(journal, topics);
  }

  // ---------------------------------------------------------------- membership

  join(req: JoinGroupRequest): JoinResult | Promise<JoinResult> {
    if (req.groupId === '') return joinError(ErrorCode.INVALID_GROUP_ID, req.memberId);
    if (
      req.sessionTimeoutMs < this.options.groupMinSessionTimeoutMs ||
      req.sessionTimeoutMs > this.options.groupMaxSessionTimeoutMs
    ) {
      return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId);
    }
    const isNewMember = req.memberId === '';
    const existing = this.groups.get(req.groupId);
    // Only a member without an id may create a group; a known id in an unknown group is stale.
    if (!existing && !isNewMember) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId);
    const group = existing ?? new Group(req.groupId);
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
    }
    this.groups.set(group.groupId, group);
    return isNewMember ? this.joinNewMember(group, req) : this.joinKnownMember(group, req);
  }

  private joinNewMember(group: Group, req: JoinGroupRequest): JoinResult | Promise<JoinResult> {
    const memberId = `${req.clientId}-${randomUUID()}`;
    if (req.isKnownMemberIdRequired && req.groupInstanceId === null) {
      // The id is reserved until the member comes back with it or its session timeout passes.
      group.pendingMembers.set(
        memberId,
        this.timer(req.sessionTimeoutMs, () => this.expirePendingMember(group, memberId)),
      );
      return joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId);
    }
    return this.addMemberAndRebalance(group, memberId, req);
  }

  private joinKnownMember(group: Group, req: JoinGroupRequest): JoinResult | Promise<JoinResult> {
    const member = group.members.get(req.memberId);
    if (!member) {
      const pending = group.pendingMembers.get(req.memberId);
      if (pending === undefined) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId);
      clearTimeout(pending);
      group.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(group, req.memberId, req);
    }
    const isUnchanged = isSameProtocols(member.protocols, req.protocols);
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req);
      case 'CompletingRebalance':
        // A member that lost its JoinGroup response asks again: give it the same answer.
        if (isUnchanged) return this.answerAtOnce(group, member);
        return this.updateMemberAndRebalance(group, member, req);
      case 'Stable':
        // The leader rejoins when it wants a new assignment (new topics, new partitions).
        if (isUnchanged && member.memberId !== group.leaderId) return this.answerAtOnce(group, member);
        return this.updateMemberAndRebalance(group, member, req);
      default:
        return joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId);
    }
  }

  private answerAtOnce(group: Group, member: Member): JoinResult {
    this.touch(group, member);
    return group.currentJoinResult(member.memberId);
  }

  private addMemberAndRebalance(group: Group, memberId: string, req: JoinGroupRequest): Promise<JoinResult> {
    if (group.members.size === 0) group.protocolType = req.protocolType;
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      assignment: EMPTY_BYTES,
      awaitingJoin: null,
      awaitingSync: null,
      sessionTimer: null,
    };
    group.members.set(memberId, member);
    group.leaderId ??= memberId;
    if (group.state === 'PreparingRebalance' && group.isInitialRebalance) group.hasNewMemberJoined = true;
    const parked = this.parkJoin(member);
    this.prepareRebalanceOrCompleteJoin(group);
    return parked;
  }

  private updateMemberAndRebalance(group: Group, member: Member, req: JoinGroupRequest): Promise<JoinResult> {
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    // A second JoinGroup from the same member (another connection) replaces the first.
    if (member.awaitingJoin)
      this.answerJoin(group, member, joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    const parked = this.parkJoin(member);
    this.prepareRebalanceOrCompleteJoin(group);
    return parked;
  }

  private parkJoin(member: Member): Promise<JoinResult> {
    // A member parked in JoinGroup cannot heartbeat (its connection is busy), so it never expires.
    this.stopSessionTimer(member);
    return new Promise((resolve) => {
      member.awaitingJoin = resolve;
    });
  }

  private parkSync(member: Member): Promise<SyncResult> {
    this.stopSessionTimer(member);
    return new Promise((resolve) => {
      member.awaitingSync = resolve;
    });
  }

  private answerJoin(group: Group, member: Member, result: JoinResult): void {
    const resolve = member.awaitingJoin;
    member.awaitingJoin = null;
    if (group.members.get(member.memberId) === member) this.touch(group, member);
    resolve?.(result);
  }

  private answerSync(group: Group, member: Member, result: SyncResult): void {
    const resolve = member.awaitingSync;
    member.awaitingSync = null;
    if (group.members.get(member.memberId) === member) this.touch(group, member);
    resolve?.(result);
  }

  private prepareRebalanceOrCompleteJoin(group: Group): void {
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    else this.prepareRebalance(group);
  }

  /** Starts a join phase: from Empty it waits group.initial.rebalance.delay.ms, otherwise until everyone rejoined. */
  private prepareRebalance(group: Group): void {
    if (group.state === 'CompletingRebalance') {
      // Syncs parked for the generation being abandoned must rejoin.
      for (const m of group.members.values()) {
        m.assignment = EMPTY_BYTES;
        if (m.awaitingSync) this.answerSync(group, m, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    this.clearSyncTimer(group);
    group.pendingSync.clear();
    this.clearJoinTimer(group);
    const isInitial = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    group.isInitialRebalance = isInitial;
    group.hasNewMemberJoined = false;
    if (isInitial) {
      const delayMs = this.options.groupInitialRebalanceDelayMs;
      this.scheduleInitialDelay(group, delayMs, Math.max(group.rebalanceTimeoutMs - delayMs, 0));
      return;
    }
    group.joinTimer = this.timer(group.rebalanceTimeoutMs, () => this.completeJoin(group));
    this.maybeCompleteJoin(group);
  }

  /** Kafka's InitialDelayedJoin: each new joiner during the delay extends it, up to the rebalance timeout. */
  private scheduleInitialDelay(group: Group, delayMs: number, remainingMs: number): void {
    group.joinTimer = this.timer(delayMs, () => {
      group.joinTimer = null;
      if (group.hasNewMemberJoined && remainingMs > 0) {
        group.hasNewMemberJoined = false;
        const nextDelayMs = Math.min(this.options.groupInitialRebalanceDelayMs, remainingMs);
        this.scheduleInitialDelay(group, nextDelayMs, Math.max(remainingMs - nextDelayMs, 0));
      } else {
        this.completeJoin(group);
      }
    });
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state === 'PreparingRebalance' && !group.isInitialRebalance && group.hasAllMembersJoined()) {
      this.completeJoin(group);
    }
  }

  /** Ends the join phase: drops members that did not rejoin, starts a new generation and answers every parked join. */
  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || this.groups.get(group.groupId) !== group) return;
    this.clearJoinTimer(group);
    group.isInitialRebalance = false;
    for (const m of [...group.members.values()]) if (m.awaitingJoin === null) this.dropMember(group, m);
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.leaderId = null;
      return;
    }
    group.protocolName = group.selectProtocol();
    group.state = 'CompletingRebalance';
    for (const m of group.members.values()) group.pendingSync.add(m.memberId);
    for (const m of group.members.values()) this.answerJoin(group, m, group.currentJoinResult(m.memberId));
    const generationId = group.generationId;
    group.syncTimer = this.timer(group.rebalanceTimeoutMs, () => this.expirePendingSync(group, generationId));
  }

  /** Members that got a JoinGroup answer but never sent SyncGroup are removed, and the group rebalances. */
  private expirePendingSync(group: Group, generationId: number): void {
    group.syncTimer = null;
    if (group.generationId !== generationId || group.pendingSync.size === 0) return;
    if (group.state !== 'CompletingRebalance' && group.state !== 'Stable') return;
    for (const id of [...group.pendingSync]) {
      const m = group.members.get(id);
      if (m) this.dropMember(group, m);
    }
    group.pendingSync.clear();
    this.prepareRebalance(group);
  }

  private expirePendingMember(group: Group, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    this.maybeCompleteJoin(group);
  }

  private expireSession(group: Group, member: Member): void {
    member.sessionTimer = null;
    if (group.members.get(member.memberId) !== member) return;
    if (member.awaitingJoin || member.awaitingSync) return;
    this.removeMember(group, member);
  }

  /** Any request from a member proves it alive: restart its session timer (not while it is parked). */
  private touch(group: Group, member: Member): void {
    this.stopSessionTimer(member);
    if (member.awaitingJoin || member.awaitingSync) return;
    member.sessionTimer = this.timer(member.sessionTimeoutMs, () => this.expireSession(group, member));
  }

  private stopSessionTimer(member: Member): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
  }

  /** Removes a member (leave or expiry) and moves the group on. */
  private removeMember(group: Group, member: Member): void {
    this.dropMember(group, member);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group);
    else this.maybeCompleteJoin(group);
  }

  /** Takes a member out of the group without starting a rebalance. */
  private dropMember(group: Group, member: Member): void {
    this.stopSessionTimer(member);
    group.members.delete(member.memberId);
    group.pendingSync.delete(member.memberId);
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
    if (member.awaitingJoin) this.answerJoin(group, member, joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    if (member.awaitingSync) this.answerSync(group, member, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  }

  sync(req: SyncGroupRequest): SyncResult | Promise<SyncResult> {
    const group = this.groups.get(req.groupId);
    const member = group?.members.get(req.memberId);
    if (!group || !member) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);
    if (group.pendingSync.delete(member.memberId) && group.pendingSync.size === 0) this.clearSyncTimer(group);
    switch (group.state) {
      case 'PreparingRebalance':
        this.touch(group, member);
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'CompletingRebalance': {
        const parked = this.parkSync(member);
        if (member.memberId === group.leaderId) {
          const byMember = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
          for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? EMPTY_BYTES;
          group.state = 'Stable';
          for (const m of group.members.values()) {
            if (m.awaitingSync) this.answerSync(group, m, { errorCode: ErrorCode.NONE, assignment: m.assignment });
          }
        }
        return parked;
      }
      case 'Stable':
        this.touch(group, member);
        return { errorCode: ErrorCode.NONE, assignment: member.assignment };
      default:
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'PreparingRebalance':
        // Still alive, but must rejoin: this is how running members learn of a rebalance.
        this.touch(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        this.touch(group, member);
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  /** Removes members (or unused pending ids); returns one error code per member id, in order. */
  leave(groupId: string, memberIds: readonly string[]): number[] {
    const group = this.groups.get(groupId);
    return memberIds.map((memberId) => {
      if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
      const pending = group.pendingMembers.get(memberId);
      if (pending !== undefined) {
        clearTimeout(pending);
        group.pendingMembers.delete(memberId);
        this.maybeCompleteJoin(group);
        return ErrorCode.NONE;
      }
      const member = group.members.get(memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.removeMember(group, member);
      return ErrorCode.NONE;
    });
  }

  // ---------------------------------------------------------------- offsets

  /** OffsetCommit: validates the committer against the group (ClassicGroup.validateOffsetCommit), then each partition. */
  commitOffsets(req: OffsetCommitRequest): TopicPartitionErrors[] {
    const failAll = (errorCode: number): TopicPartitionErrors[] =>
      req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode })),
      }));
    const existing = this.groups.get(req.groupId);
    if (!existing && req.generationId >= 0) return failAll(ErrorCode.ILLEGAL_GENERATION);
    // A simple commit to an unknown group creates it (kept only if something is committed).
    const group = existing ?? simpleGroup(req.groupId);
    const errorCode = this.validateCommit(group, req);
    if (errorCode !== ErrorCode.NONE) return failAll(errorCode);
    const member = group.members.get(req.memberId);
    if (member) this.touch(group, member);
    const results = this.offsets.commit(group, req.topics);
    if (group.hasOffsets()) this.groups.set(group.groupId, group);
    return results;
  }

  private validateCommit(group: Group, req: OffsetCommitRequest): number {
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (req.generationId < 0 && group.state === 'Empty') return ErrorCode.NONE;
    if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      if (!group.members.has(req.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    } else {
      // A simple commit while the group has members would race with them (MirrorMaker 2 relies on this).
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    // The member has its JoinGroup answer but not its assignment yet. PreparingRebalance
    // is accepted on purpose: kafkajs commits before rejoining.
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  /**
   * Commits offsets on behalf of a committed transaction (EndTxn). They were validated
   * by TxnOffsetCommit; the group is created as a simple Empty group if it is absent.
   */
  applyTransactionalOffsets(
    groupId: string,
    offsets: { topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null }[],
  ): void {
    if (offsets.length === 0) return;
    let group = this.groups.get(groupId);
    if (!group) {
      group = simpleGroup(groupId);
      this.groups.set(groupId, group);
    }
    this.offsets.store(
      group,
      offsets.map((o) => ({ ...o, metadata: o.metadata ?? '' })),
    );
  }

  /**
   * OffsetFetch. `topics` null means every committed partition of the group. Partitions
   * without a commit (and unknown groups) answer offset −1 without an error.
   */
  fetchOffsets(
    groupId: string,
    topics: readonly { name: string; partitions: readonly number[] }[] | null,
  ): { name: string; partitions: FetchedOffset[] }[] {
    return this.offsets.fetch(this.groups.get(groupId), topics);
  }

  /** Drops every group's offsets for a deleted topic. */
  deleteTopicOffsets(topic: string): void {
    this.offsets.deleteTopic(this.groups.values(), topic);
  }

  // ---------------------------------------------------------------- admin

  describe(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (!group)
      return { errorCode: ErrorCode.NONE, groupId, state: 'Dead', protocolType: '', protocolData: '', members: [] };
    const isStable = group.state === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: isStable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: isStable ? protocolMetadata(m, group.protocolName) : EMPTY_BYTES,
        assignment: isStable ? m.assignment : EMPTY_BYTES,
      })),
    };
  }

  /** Every group, simple groups included. */
  list(): { groupId: string; protocolType: string }[] {
    return [...this.groups.values()].map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '' }));
  }

  /** DeleteGroups: only Empty groups go, with their offsets. One error code per id, in order. */
  deleteGroups(groupIds: readonly string[]): number[] {
    return groupIds.map((groupId) => {
      if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
      const group = this.groups.get(groupId);
      if (!group) return ErrorCode.GROUP_ID_NOT_FOUND;
      if (group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
      this.removeGroup(group);
      this.journal.append({ t: 'group-delete', group: groupId });
      return ErrorCode.NONE;
    });
  }

  private removeGroup(group: Group): void {
    for (const timer of group.pendingMembers.values()) clearTimeout(timer);
    group.pendingMembers.clear();
    this.clearJoinTimer(group);
    this.clearSyncTimer(group);
    group.state = 'Dead';
    this.groups.delete(group.groupId);
  }

  // ---------------------------------------------------------------- persistence and shutdown

  replay(e: JournalEvent): boolean {
    switch (e.t) {
      case 'offsets': {
        const groupId = e['group'] as string;
        let group = this.groups.get(groupId);
        if (!group) {
          group = simpleGroup(groupId);
          this.groups.set(groupId, group);
        }
        group.protocolType = (e['protocolType'] as string | undefined) ?? group.protocolType;
        for (const o of e['offsets'] as StoredOffset[]) setOffset(group, o);
        return true;
      }
      case 'offsets-delete':
        for (const group of this.groups.values()) group.offsets.delete(e['topic'] as string);
        return true;
      case 'group-delete':
        this.groups.delete(e['group'] as string);
        return true;
      default:
        return false;
    }
  }

  snapshot(): JournalEvent[] {
    return [...this.groups.values()].flatMap((g) => snapshotOffsets(g) ?? []);
  }

  /** Clears every timer and answers parked requests (their connections are closing). */
  close(): void {
    for (const group of this.groups.values()) {
      for (const m of group.members.values()) {
        this.stopSessionTimer(m);
        const join = m.awaitingJoin;
        const sync = m.awaitingSync;
        m.awaitingJoin = null;
        m.awaitingSync = null;
        join?.(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.memberId));
        sync?.(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      }
      for (const timer of group.pendingMembers.values()) clearTimeout(timer);
      group.pendingMembers.clear();
      this.clearJoinTimer(group);
      this.clearSyncTimer(group);
    }
  }

  private timer(delayMs: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(fn, delayMs);
    // Timers never keep an embedding process alive; the listening socket does that.
    t.unref();
    return t;
  }

  private clearJoinTimer(group: Group): void {
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = null;
  }

  private clearSyncTimer(group: Group): void {
    if (group.syncTimer) clearTimeout(group.syncTimer);
    group.syncTimer = null;
  }
}

/** An Empty group with no protocol type: what offset commits from outside any group create. */
function simpleGroup(groupId: string): Group {
  const group = new Group(groupId);
  group.protocolType = '';
  return group;
}
