/**
 * Source partitions and offsets in Confluent's exact shapes (KCJ `OffsetProtocols`,
 * `TimestampIncrementingOffset`), so offsets carried over from a Confluent deployment
 * keep working:
 * - table partition (protocol 1) `{"protocol":"1","table":"db.orders"}`; the legacy
 *   protocol 0 `{"table":"orders"}` is read as a fallback; query mode `{"query":"query"}`.
 * - offset `{"incrementing":N}`, `{"timestamp":ms,"timestamp_nanos":nanosOfSecond}`, or
 *   all three for timestamp+incrementing; bulk records carry no offset.
 */
import { ConnectError, type SourceOffset, type SourcePartition } from '@tributary/api';
import type { PreciseTimestamp } from '@tributary/jdbc';

export function tablePartition(tableIdString: string): SourcePartition {
  return { protocol: '1', table: tableIdString };
}

export function legacyTablePartition(tableName: string): SourcePartition {
  return { table: tableName };
}

export const QUERY_PARTITION: SourcePartition = { query: 'query' };

/** Where a querier is: the last timestamp and/or id read (null: not yet / not used). */
export interface Position {
  readonly timestamp: PreciseTimestamp | null;
  /** A safe integer, or a decimal string beyond 2^53. */
  readonly incrementing: number | string | null;
}

export function offsetOf(position: Position): SourceOffset {
  const offset: Record<string, number | string> = {};
  if (position.incrementing !== null) offset['incrementing'] = position.incrementing;
  if (position.timestamp !== null) {
    offset['timestamp'] = position.timestamp.epochMs;
    offset['timestamp_nanos'] = position.timestamp.nanos;
  }
  return offset;
}

/** A stored offset back to a position; `ConnectError` naming the partition when malformed. */
export function positionOf(offset: SourceOffset, where: string): Position {
  const inc = offset['incrementing'];
  const ms = offset['timestamp'];
  const nanos = offset['timestamp_nanos'];
  const bad = (what: string) =>
    new ConnectError(`Stored offset for ${where} has an invalid ${what}: ${JSON.stringify(offset)}`);
  let incrementing: number | string | null = null;
  if (inc !== undefined && inc !== null) {
    if (typeof inc === 'number' && Number.isInteger(inc)) incrementing = inc;
    else if (typeof inc === 'string' && /^-?\d+$/.test(inc))
      incrementing = Number.isSafeInteger(Number(inc)) ? Number(inc) : inc;
    else throw bad('incrementing');
  }
  let timestamp: PreciseTimestamp | null = null;
  if (ms !== undefined && ms !== null) {
    if (typeof ms !== 'number' || !Number.isInteger(ms)) throw bad('timestamp');
    const ns = nanos === undefined || nanos === null ? mod(ms, 1000) * 1_000_000 : nanos;
    if (typeof ns !== 'number' || !Number.isInteger(ns) || ns < 0 || ns > 999_999_999) throw bad('timestamp_nanos');
    // The nanos are authoritative for the sub-second part (Java's Timestamp keeps ms and nanos in step).
    timestamp = { epochMs: ms - mod(ms, 1000) + Math.floor(ns / 1_000_000), nanos: ns };
  }
  return { timestamp, incrementing };
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** An incrementing column's value (number, bigint or integral decimal text) as an offset value. */
export function incrementingValue(value: unknown, where: string): number | string {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'string' && /^-?\d+(\.0*)?$/.test(value.trim())) {
    const text = value.trim().replace(/\.0*$/, '');
    return Number.isSafeInteger(Number(text)) ? Number(text) : text;
  }
  throw new ConnectError(
    `The incrementing column of ${where} holds ${value === null ? 'NULL' : JSON.stringify(String(value))}, not an integer`,
  );
}
