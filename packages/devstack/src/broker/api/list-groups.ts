/**
 * ListGroups (key 16), v0-2.
 * Request: (empty).
 * Response: ThrottleTimeMs int32 (v1+), ErrorCode int16, Groups [GroupId string,
 * ProtocolType string].
 * Every group this coordinator knows, simple groups (protocol type "") included.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const listGroupsApi: ApiHandler = {
  key: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,
  handle(_req: Reader, ctx: RequestContext): Writer {
    const w = new Writer(128);
    if (ctx.apiVersion >= 1) w.int32(0);
    w.int16(ErrorCode.NONE);
    return w.array(ctx.state.groups.list(), (x, g) => x.string(g.groupId).string(g.protocolType));
  },
};
