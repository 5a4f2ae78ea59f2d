/**
 * LeaveGroup (key 13), v0-3.
 * Request: GroupId string, MemberId string (v0-2), Members [MemberId string,
 * GroupInstanceId nullable string] (v3+).
 * Response: ThrottleTimeMs int32 (v1+), ErrorCode int16, Members [MemberId string,
 * GroupInstanceId nullable string, ErrorCode int16] (v3+).
 * v0-2 report the single member's error at the top level; v3 per member (kafkajs
 * throws on any member error).
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const leaveGroupApi: ApiHandler = {
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 3,
  handle(req: Reader, ctx: RequestContext): Writer {
    const v = ctx.apiVersion;
    const groupId = req.string();
    const members =
      v >= 3
        ? req.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }))
        : [{ memberId: req.string(), groupInstanceId: null }];
    const errors = ctx.state.groups.leave(
      groupId,
      members.map((m) => m.memberId),
    );
    const results = members.map((m, i) => ({ ...m, errorCode: errors[i] ?? ErrorCode.NONE }));
    const w = new Writer(64);
    if (v >= 1) w.int32(0);
    if (v < 3) return w.int16(results[0]?.errorCode ?? ErrorCode.NONE);
    w.int16(ErrorCode.NONE);
    return w.array(results, (x, m) => x.string(m.memberId).nullableString(m.groupInstanceId).int16(m.errorCode));
  },
};
