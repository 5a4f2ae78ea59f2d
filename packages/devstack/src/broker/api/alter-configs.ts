/**
 * AlterConfigs (key 33), v0-1.
 * Request: Resources [ResourceType int8, ResourceName string, Configs [Name string, Value
 * nullable string]], ValidateOnly bool.
 * Response: ThrottleTimeMs int32, Responses [ErrorCode int16, ErrorMessage nullable
 * string, ResourceType int8, ResourceName string].
 * Not incremental: a topic's dynamic configs become exactly the given set, so a name
 * left out returns to its default. Unknown names or bad values fail the resource with
 * INVALID_CONFIG and change nothing.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import { brokerAlterResult, ResourceType } from '../state/broker-configs.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const alterConfigsApi: ApiHandler = {
  key: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  handle(req: Reader, ctx: RequestContext): Writer {
    const { state } = ctx;
    const resources = req.array((r) => ({
      type: r.int8(),
      name: r.string(),
      configs: r.array((c): [string, string | null] => [c.string(), c.nullableString()]),
    }));
    const isValidateOnly = req.bool();

    const seen = new Map<string, number>();
    const keyOf = (r: { type: number; name: string }): string => `${r.type}:${r.name}`;
    for (const r of resources) seen.set(keyOf(r), (seen.get(keyOf(r)) ?? 0) + 1);
    const results = resources.map((r) => {
      const base = { type: r.type, name: r.name };
      if ((seen.get(keyOf(r)) ?? 0) > 1)
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, message: `Duplicate resource ${r.name} in request.` };
      if (r.type === ResourceType.TOPIC)
        return { ...base, ...state.topics.alterConfigs(r.name, r.configs, isValidateOnly) };
      if (r.type === ResourceType.BROKER)
        return {
          ...base,
          ...brokerAlterResult(
            r.name,
            r.configs.map(([n]) => n),
            state.options,
            state.port,
          ),
        };
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, message: `Unsupported resource type ${r.type}` };
    });

    const w = new Writer(64 + results.length * 64);
    w.int32(0);
    return w.array(results, (x, r) => x.int16(r.errorCode).nullableString(r.message).int8(r.type).string(r.name));
  },
};
