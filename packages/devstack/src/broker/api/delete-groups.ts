/**
 * DeleteGroups (key 42), v0-1.
 * Request: GroupsNames [string].
 * Response: ThrottleTimeMs int32, Results [GroupId string, ErrorCode int16].
 * Only Empty groups are deleted, with their committed offsets: a group with members
 * gets NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const deleteGroupsApi: ApiHandler = {
  key: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 1,
  handle(req: Reader, ctx: RequestContext): Writer {
    const groupIds = req.array((r) => r.string());
    const errors = ctx.state.groups.deleteGroups(groupIds);
    const w = new Writer(64);
    w.int32(0);
    return w.array(
      groupIds.map((groupId, i) => ({ groupId, errorCode: errors[i] ?? 0 })),
      (x, r) => x.string(r.groupId).int16(r.errorCode),
    );
  },
};
