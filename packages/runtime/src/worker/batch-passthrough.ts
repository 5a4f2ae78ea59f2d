/**
 * When a source task's record batches can be produced unchanged (BatchSourceTaskRunner)
 * instead of going through poll → converters → producer, and the wire client settings for
 * that path. The bytes stay the task's only when the converters would copy them and no
 * transform could change a record; the lean protocol client speaks plain TCP only.
 */
import { ConfigError, type Converter, type SourceTask } from '@tributary/api';
import type { WireClientOptions } from '@tributary/protocol';
import { bootstrapServersOf } from '../config/kafka-client.js';
import { ByteArrayConverter } from '../converters/byte-array-converter.js';
import type { TransformChain } from '../task-parts.js';

export interface PassthroughCheck {
  readonly task: SourceTask;
  readonly keyConverter: Converter;
  readonly valueConverter: Converter;
  readonly converterNames: { readonly key: string; readonly value: string };
  readonly transforms: TransformChain;
  /** The task producer's client properties (worker keys, `producer.` keys, overrides). */
  readonly producerProps: Readonly<Record<string, string>>;
}

export interface PassthroughDecision {
  readonly usesBatches: boolean;
  /** Why batches are passed through, or every reason they are not. */
  readonly reasons: readonly string[];
}

export function passthroughDecision(check: PassthroughCheck): PassthroughDecision {
  const reasons: string[] = [];
  if (typeof check.task.pollBatches !== 'function') reasons.push('the task has no pollBatches()');
  if (!(check.keyConverter instanceof ByteArrayConverter))
    reasons.push(`key.converter is ${check.converterNames.key}, not ByteArrayConverter`);
  if (!(check.valueConverter instanceof ByteArrayConverter))
    reasons.push(`value.converter is ${check.converterNames.value}, not ByteArrayConverter`);
  if (check.transforms.names.length > 0)
    reasons.push(`transforms are configured (${check.transforms.names.join(', ')})`);
  const protocol = securityProtocolOf(check.producerProps);
  if (protocol !== 'PLAINTEXT')
    reasons.push(`security.protocol is ${protocol}; the batch client speaks PLAINTEXT only`);
  if (reasons.length > 0) return { usesBatches: false, reasons };
  return {
    usesBatches: true,
    reasons: ['the task has pollBatches(), key and value converters are ByteArrayConverter, no transforms, PLAINTEXT'],
  };
}

function securityProtocolOf(props: Readonly<Record<string, string>>): string {
  const value = props['security.protocol']?.trim().toUpperCase();
  return value === undefined || value === '' ? 'PLAINTEXT' : value;
}

/**
 * The protocol client for a task's cluster, from its producer or consumer settings:
 * `request.timeout.ms`, `socket.connection.setup.timeout.ms` and, for a producer,
 * `delivery.timeout.ms` (how long a produce is retried) keep their Kafka meanings. A
 * consumer's calls are retried for the default 60 s (Kafka's `default.api.timeout.ms`).
 */
export function wireClientOptions(props: Readonly<Record<string, string>>, clientId: string): WireClientOptions {
  const problems: { key: string; value: string; message: string }[] = [];
  const int = (key: string): number | undefined => {
    const raw = props[key]?.trim();
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (Number.isInteger(value) && value > 0) return value;
    problems.push({ key, value: raw, message: 'Must be a positive integer (milliseconds)' });
    return undefined;
  };
  const requestTimeoutMs = int('request.timeout.ms');
  const connectTimeoutMs = int('socket.connection.setup.timeout.ms');
  const retryTimeoutMs = int('delivery.timeout.ms');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    bootstrapServers: bootstrapServersOf(props),
    clientId: props['client.id']?.trim() || clientId,
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    ...(retryTimeoutMs === undefined ? {} : { retryTimeoutMs }),
  };
}
