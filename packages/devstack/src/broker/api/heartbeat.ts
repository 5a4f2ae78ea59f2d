/**
 * Heartbeat (key 12), v0-3.
 * Request: GroupId string, GenerationId int32, MemberId string, GroupInstanceId nullable
 * string (v3+).
 * Response: ThrottleTimeMs int32 (v1+), ErrorCode int16.
 * REBALANCE_IN_PROGRESS is how running members learn that they must rejoin.
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const heartbeatApi: ApiHandler = {
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 3,
  handle(req: Reader, ctx: RequestContext): Writer {
    const groupId = req.string();
    const generationId = req.int32();
    const memberId = req.string();
    const w = new Writer(8);
    if (ctx.apiVersion >= 1) w.int32(0);
    return w.int16(ctx.state.groups.heartbeat(groupId, generationId, memberId));
  },
};
