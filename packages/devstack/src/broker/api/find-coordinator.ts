/**
 * FindCoordinator (key 10), v0-2.
 * Request: Key string, KeyType int8 (v1+; 0 group, 1 transaction).
 * Response: ThrottleTimeMs int32 (v1+), ErrorCode int16, ErrorMessage nullable string (v1+),
 * NodeId int32, Host string, Port int32.
 * A single-node cluster coordinates every group and transactional id itself.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const findCoordinatorApi: ApiHandler = {
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  handle(req: Reader, ctx: RequestContext): Writer {
    req.string();
    const keyType = ctx.apiVersion >= 1 ? req.int8() : 0;
    const w = new Writer(64);
    if (ctx.apiVersion >= 1) w.int32(0);
    if (keyType !== 0 && keyType !== 1) {
      w.int16(ErrorCode.INVALID_REQUEST);
      if (ctx.apiVersion >= 1) w.nullableString(`Unknown coordinator key type ${keyType}`);
      return w.int32(-1).string('').int32(-1);
    }
    w.int16(ErrorCode.NONE);
    if (ctx.apiVersion >= 1) w.nullableString(null);
    return w.int32(ctx.state.nodeId).string(ctx.state.host).int32(ctx.state.port);
  },
};
