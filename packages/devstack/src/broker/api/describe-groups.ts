/**
 * DescribeGroups (key 15), v0-4.
 * Request: Groups [string], IncludeAuthorizedOperations bool (v3+).
 * Response: ThrottleTimeMs int32 (v1+), Groups [ErrorCode int16, GroupId string,
 * GroupState string, ProtocolType string, ProtocolData string, Members [MemberId string,
 * GroupInstanceId nullable string (v4+), ClientId string, ClientHost string,
 * MemberMetadata bytes, MemberAssignment bytes], AuthorizedOperations int32 (v3+)].
 * An unknown group is described as Dead without an error. ProtocolData (the assignor)
 * and member metadata/assignments are only filled in while Stable, as Kafka does.
 * Authorized operations are never computed (INT32_MIN, "not provided").
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

const INT32_MIN = -2147483648;

export const describeGroupsApi: ApiHandler = {
  key: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 4,
  handle(req: Reader, ctx: RequestContext): Writer {
    const v = ctx.apiVersion;
    const groupIds = req.array((r) => r.string());
    const w = new Writer(256);
    if (v >= 1) w.int32(0);
    w.array(groupIds, (x, groupId) => {
      const d = ctx.state.groups.describe(groupId);
      x.int16(d.errorCode).string(d.groupId).string(d.state).string(d.protocolType).string(d.protocolData);
      x.array(d.members, (y, m) => {
        y.string(m.memberId);
        if (v >= 4) y.nullableString(m.groupInstanceId);
        y.string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
      });
      if (v >= 3) x.int32(INT32_MIN);
    });
    return w;
  },
};
