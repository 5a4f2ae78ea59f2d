/**
 * IncrementalAlterConfigs (key 44), v0.
 * Request: Resources [ResourceType int8, ResourceName string, Configs [Name string,
 * ConfigOperation int8, Value nullable string]], ValidateOnly bool.
 * Response: ThrottleTimeMs int32, Responses [ErrorCode int16, ErrorMessage nullable
 * string, ResourceType int8, ResourceName string].
 * Operations on a topic's dynamic configs: 0 SET, 1 DELETE (back to the default),
 * 2 APPEND and 3 SUBTRACT (list configs only, starting from the current or default
 * value). kafkajs does not send this; the Java admin's incrementalAlterConfigs does.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import type { BrokerState } from '../broker-state.js';
import { brokerAlterResult, ResourceType } from '../state/broker-configs.js';
import { LIST_TOPIC_CONFIGS, validateTopicConfig } from '../state/topic-configs.js';
import type { TopicResult } from '../state/topic-store.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

interface ConfigOp {
  name: string;
  op: number;
  value: string | null;
}

function listValue(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Applies the operations to a copy of the topic's configs, then stores the result. */
function alterTopic(state: BrokerState, name: string, ops: readonly ConfigOp[], isValidateOnly: boolean): TopicResult {
  const topic = state.topics.get(name);
  if (!topic)
    return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: `The topic '${name}' does not exist.` };
  const names = ops.map((o) => o.name);
  if (new Set(names).size !== names.length)
    return { errorCode: ErrorCode.INVALID_REQUEST, message: 'Error due to duplicate config keys' };
  const next = new Map(topic.configs);
  for (const { name: key, op, value } of ops) {
    const unknown = validateTopicConfig(key, null);
    if (unknown) return { errorCode: ErrorCode.INVALID_CONFIG, message: unknown };
    if (op === OpType.DELETE) {
      next.delete(key);
      continue;
    }
    if (op !== OpType.SET && op !== OpType.APPEND && op !== OpType.SUBTRACT) {
      return { errorCode: ErrorCode.INVALID_REQUEST, message: `Unknown config operation ${op} for ${key}` };
    }
    if (value === null)
      return { errorCode: ErrorCode.INVALID_REQUEST, message: `Null value not supported for : ${key}` };
    if (op === OpType.SET) {
      next.set(key, value);
      continue;
    }
    if (!LIST_TOPIC_CONFIGS.has(key)) {
      const verb = op === OpType.APPEND ? 'append' : 'subtract';
      return {
        errorCode: ErrorCode.INVALID_CONFIG,
        message: `Config value ${verb} is not allowed for config key: ${key}`,
      };
    }
    const current = listValue(next.get(key) ?? state.topics.defaultConfig(key));
    const operands = listValue(value);
    const updated =
      op === OpType.APPEND
        ? [...current, ...operands.filter((v) => !current.includes(v))]
        : current.filter((v) => !operands.includes(v));
    next.set(key, updated.join(','));
  }
  return state.topics.alterConfigs(name, [...next], isValidateOnly);
}

export const incrementalAlterConfigsApi: ApiHandler = {
  key: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 0,
  handle(req: Reader, ctx: RequestContext): Writer {
    const { state } = ctx;
    const resources = req.array((r) => ({
      type: r.int8(),
      name: r.string(),
      ops: r.array((c): ConfigOp => ({ name: c.string(), op: c.int8(), value: c.nullableString() })),
    }));
    const isValidateOnly = req.bool();

    const seen = new Map<string, number>();
    const keyOf = (r: { type: number; name: string }): string => `${r.type}:${r.name}`;
    for (const r of resources) seen.set(keyOf(r), (seen.get(keyOf(r)) ?? 0) + 1);
    const results = resources.map((r) => {
      const base = { type: r.type, name: r.name };
      if ((seen.get(keyOf(r)) ?? 0) > 1)
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, message: `Duplicate resource ${r.name} in request.` };
      if (r.type === ResourceType.TOPIC) return { ...base, ...alterTopic(state, r.name, r.ops, isValidateOnly) };
      if (r.type === ResourceType.BROKER)
        return {
          ...base,
          ...brokerAlterResult(
            r.name,
            r.ops.map((o) => o.name),
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
