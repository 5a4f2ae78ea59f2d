/**
 * SyncGroup (key 14), v0-3.
 * Request: GroupId string, GenerationId int32, MemberId string, GroupInstanceId nullable
 * string (v3+), Assignments [MemberId string, Assignment bytes].
 * Response: ThrottleTimeMs int32 (v1+), ErrorCode int16, Assignment bytes.
 * While the group is CompletingRebalance the request parks until the leader's
 * SyncGroup brings the assignments; members the leader left out get empty bytes.
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const syncGroupApi: ApiHandler = {
  key: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 3,
  async handle(req: Reader, ctx: RequestContext): Promise<Writer> {
    const v = ctx.apiVersion;
    const groupId = req.string();
    const generationId = req.int32();
    const memberId = req.string();
    if (v >= 3) req.nullableString();
    const assignments = req.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }));
    const result = await ctx.state.groups.sync({ groupId, generationId, memberId, assignments });
    const w = new Writer(64);
    if (v >= 1) w.int32(0);
    return w.int16(result.errorCode).bytes(result.assignment);
  },
};
