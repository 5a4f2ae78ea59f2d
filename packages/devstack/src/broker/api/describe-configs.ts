/**
 * DescribeConfigs (key 32), v0-2.
 * Request: Resources [ResourceType int8, ResourceName string, ConfigurationKeys nullable
 * [string]], IncludeSynonyms bool (v1+).
 * Response: ThrottleTimeMs int32, Results [ErrorCode int16, ErrorMessage nullable string,
 * ResourceType int8, ResourceName string, Configs [Name string, Value nullable string,
 * ReadOnly bool, IsDefault bool (v0), ConfigSource int8 (v1+), IsSensitive bool, Synonyms
 * [Name string, Value nullable string, Source int8] (v1+)]].
 * TOPIC (2) lists every topic config: the topic's own value (DYNAMIC_TOPIC_CONFIG) or the
 * broker's default (DEFAULT_CONFIG, or STATIC_BROKER_CONFIG when a broker option changed
 * it). BROKER (4), named by node id, lists this broker's settings. ConfigurationKeys null
 * means all; synonyms are sent only when asked for.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import type { BrokerState } from '../broker-state.js';
import {
  type BrokerConfigEntry,
  brokerConfigs,
  brokerResourceProblem,
  ConfigSource,
  ResourceType,
} from '../state/broker-configs.js';
import { TOPIC_CONFIG_DEFAULTS, TOPIC_CONFIG_SYNONYMS } from '../state/topic-configs.js';
import type { ApiHandler, RequestContext } from './api-handler.js';

interface ConfigEntry {
  name: string;
  value: string | null;
  source: number;
  synonyms: { name: string; value: string | null; source: number }[];
}

interface ResourceResult {
  errorCode: number;
  message: string | null;
  type: number;
  name: string;
  configs: ConfigEntry[];
}

const TOPIC_CONFIG_NAMES = Object.keys(TOPIC_CONFIG_DEFAULTS).sort();

function describeTopic(
  state: BrokerState,
  name: string,
  keys: Set<string> | null,
  broker: Map<string, BrokerConfigEntry>,
): ResourceResult {
  const base = { type: ResourceType.TOPIC, name, configs: [] };
  const topic = state.topics.get(name);
  if (!topic) {
    const invalid = state.topics.validateName(name);
    if (invalid) return { ...base, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, message: invalid };
    return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: `Topic ${name} does not exist.` };
  }
  const configs = TOPIC_CONFIG_NAMES.filter((n) => keys === null || keys.has(n)).map((n): ConfigEntry => {
    const own = topic.configs.get(n);
    const fallback = state.topics.defaultConfig(n) ?? null;
    const isBrokerSet = n in state.topics.defaultOverrides && fallback !== TOPIC_CONFIG_DEFAULTS[n];
    const defaultSource = isBrokerSet ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
    const synonyms = (TOPIC_CONFIG_SYNONYMS[n] ?? []).flatMap((s) => {
      const entry = broker.get(s);
      return entry && entry.value !== null ? [{ name: s, value: entry.value, source: entry.source }] : [];
    });
    if (own === undefined) return { name: n, value: fallback, source: defaultSource, synonyms };
    return {
      name: n,
      value: own,
      source: ConfigSource.DYNAMIC_TOPIC_CONFIG,
      synonyms: [{ name: n, value: own, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }, ...synonyms],
    };
  });
  return { ...base, errorCode: ErrorCode.NONE, message: null, configs };
}

function describeBroker(
  state: BrokerState,
  name: string,
  keys: Set<string> | null,
  broker: Map<string, BrokerConfigEntry>,
): ResourceResult {
  const base = { type: ResourceType.BROKER, name, configs: [] };
  const problem = brokerResourceProblem(name, state.nodeId);
  if (problem) return { ...base, errorCode: ErrorCode.INVALID_REQUEST, message: problem };
  // The empty name asks for cluster-wide dynamic defaults; this broker has none.
  if (name === '') return { ...base, errorCode: ErrorCode.NONE, message: null };
  const configs = [...broker.values()]
    .filter((e) => keys === null || keys.has(e.name))
    .map(
      (e): ConfigEntry => ({
        ...e,
        synonyms: e.value === null ? [] : [{ name: e.name, value: e.value, source: e.source }],
      }),
    );
  return { ...base, errorCode: ErrorCode.NONE, message: null, configs };
}

export const describeConfigsApi: ApiHandler = {
  key: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 2,
  handle(req: Reader, ctx: RequestContext): Writer {
    const v = ctx.apiVersion;
    const { state } = ctx;
    const resources = req.array((r) => ({
      type: r.int8(),
      name: r.string(),
      keys: r.nullableArray((k) => k.string()),
    }));
    const includeSynonyms = v >= 1 ? req.bool() : false;

    const broker = new Map(brokerConfigs(state.options, state.port).map((e) => [e.name, e]));
    const results = resources.map((res): ResourceResult => {
      const keys = res.keys === null ? null : new Set(res.keys);
      if (res.type === ResourceType.TOPIC) return describeTopic(state, res.name, keys, broker);
      if (res.type === ResourceType.BROKER) return describeBroker(state, res.name, keys, broker);
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        message: `Unsupported resource type ${res.type}`,
        type: res.type,
        name: res.name,
        configs: [],
      };
    });

    const w = new Writer(1024);
    w.int32(0);
    w.array(results, (x, r) => {
      x.int16(r.errorCode).nullableString(r.message).int8(r.type).string(r.name);
      x.array(r.configs, (y, c) => {
        // Topic configs can be altered; broker ones come from the start options.
        y.string(c.name)
          .nullableString(c.value)
          .bool(r.type === ResourceType.BROKER);
        if (v === 0) y.bool(c.source === ConfigSource.DEFAULT_CONFIG);
        else y.int8(c.source);
        y.bool(false);
        if (v >= 1)
          y.array(includeSynonyms ? c.synonyms : [], (z, s) => z.string(s.name).nullableString(s.value).int8(s.source));
      });
    });
    return w;
  },
};
