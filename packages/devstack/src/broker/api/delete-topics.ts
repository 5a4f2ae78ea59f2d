/**
 * DeleteTopics (key 20), v0-3.
 * Request: TopicNames [string], TimeoutMs int32.
 * Response: ThrottleTimeMs int32 (v1+), Responses [Name string, ErrorCode int16].
 * Deleting a topic drops its data and every group's committed offsets for it, and wakes
 * parked fetches so that they answer UNKNOWN_TOPIC_OR_PARTITION at once.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const deleteTopicsApi: ApiHandler = {
  key: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 3,
  handle(req: Reader, ctx: RequestContext): Writer {
    const { state } = ctx;
    const names = req.array((r) => r.string());
    req.int32();

    const seen = new Map<string, number>();
    for (const name of names) seen.set(name, (seen.get(name) ?? 0) + 1);
    const results = names.map((name) => {
      if ((seen.get(name) ?? 0) > 1) return { name, errorCode: ErrorCode.INVALID_REQUEST };
      const { errorCode } = state.topics.delete(name);
      if (errorCode === ErrorCode.NONE) state.groups.deleteTopicOffsets(name);
      return { name, errorCode };
    });
    state.waiters.notify();

    const w = new Writer(32 + results.length * 48);
    if (ctx.apiVersion >= 1) w.int32(0);
    return w.array(results, (x, r) => x.string(r.name).int16(r.errorCode));
  },
};
