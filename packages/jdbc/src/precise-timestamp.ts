import type { PreciseTimestamp } from './dialect.js';

/** The instant of `date` with the nanoseconds of its second (sub-millisecond digits zero). */
export function preciseTimestampOf(date: Date): PreciseTimestamp {
  const epochMs = date.getTime();
  return { epochMs, nanos: floorMod(epochMs, 1000) * 1_000_000 };
}

/** Negative, zero or positive as `a` is before, at or after `b`, to the nanosecond. */
export function comparePreciseTimestamps(a: PreciseTimestamp, b: PreciseTimestamp): number {
  const secondsA = Math.floor(a.epochMs / 1000);
  const secondsB = Math.floor(b.epochMs / 1000);
  if (secondsA !== secondsB) return secondsA < secondsB ? -1 : 1;
  return a.nanos === b.nanos ? 0 : a.nanos < b.nanos ? -1 : 1;
}

/** The timestamp `seconds` × 1000 + nanos, where `secondsMs` is whole seconds in ms. */
export function preciseTimestampFromSeconds(secondsMs: number, nanos: number): PreciseTimestamp {
  return { epochMs: secondsMs + Math.floor(nanos / 1_000_000), nanos };
}

export function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
