/**
 * JoinGroup (key 11), v0-5.
 * Request: GroupId string, SessionTimeoutMs int32, RebalanceTimeoutMs int32 (v1+; v0 uses
 * the session timeout), MemberId string, GroupInstanceId nullable string (v5+),
 * ProtocolType string, Protocols [Name string, Metadata bytes].
 * Response: ThrottleTimeMs int32 (v2+), ErrorCode int16, GenerationId int32, ProtocolName
 * string, Leader string, MemberId string, Members [MemberId string, GroupInstanceId
 * nullable string (v5+), Metadata bytes].
 * The request parks until the join phase completes (all members rejoined, or the
 * rebalance timeout). v4+: a first join with an empty member id gets MEMBER_ID_REQUIRED.
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { JoinResult } from '../state/group.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

function encode(v: number, r: JoinResult): Writer {
  const w = new Writer(128);
  if (v >= 2) w.int32(0);
  w.int16(r.errorCode).int32(r.generationId).string(r.protocolName).string(r.leaderId).string(r.memberId);
  w.array(r.members, (x, m) => {
    x.string(m.memberId);
    if (v >= 5) x.nullableString(m.groupInstanceId);
    x.bytes(m.metadata);
  });
  return w;
}

export const joinGroupApi: ApiHandler = {
  key: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle(req: Reader, ctx: RequestContext): Promise<Writer> {
    const v = ctx.apiVersion;
    const groupId = req.string();
    const sessionTimeoutMs = req.int32();
    const rebalanceTimeoutMs = v >= 1 ? req.int32() : sessionTimeoutMs;
    const memberId = req.string();
    const groupInstanceId = v >= 5 ? req.nullableString() : null;
    const protocolType = req.string();
    // Copied: the member keeps its metadata for the group's lifetime, not the request frame.
    const protocols = req.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));
    const result = await ctx.state.groups.join({
      groupId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      memberId,
      groupInstanceId,
      protocolType,
      protocols,
      clientId: ctx.clientId ?? '',
      clientHost: ctx.clientHost,
      isKnownMemberIdRequired: v >= 4,
    });
    return encode(v, result);
  },
};
