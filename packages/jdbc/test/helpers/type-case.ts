// A compact way to write the rows of a type round trip (see round-trip.ts).
import type { TypeCase } from './round-trip.js';

/**
 * A round-trip case for `column` declared as `ddl`: the `values` bound per row and the Connect
 * type expected. The Connect values expected are `values` themselves unless `more.expected`
 * says otherwise; `more` also carries `decimal`, `instants` and `isResultNullabilityUnknown`.
 */
export function typeCase(
  column: string,
  ddl: string,
  connectType: string,
  values: readonly unknown[],
  more: Partial<Omit<TypeCase, 'column' | 'ddl' | 'connectType' | 'values'>> = {},
): TypeCase {
  return { column, ddl, connectType, values, expected: values, ...more };
}

/** Values for a round-trip column at the edges of common ranges, each with a NULL row last. */
export const edgeValues = {
  int8: [127, -128, null],
  int16: [32767, -32768, null],
  int24: [8388607, -8388608, null],
  int32: [2147483647, -2147483648, null],
  int64: [9223372036854775807n, -9223372036854775808n, null],
  /** 2^53 + 1 and its negative: integers a double cannot hold exactly. */
  int64BeyondDouble: [9007199254740993n, -9007199254740993n, null],
  boolean: [true, false, null],
  longText: ['x'.repeat(5000), '', null],
  bytes: [Buffer.from([0, 1, 0, 0xff]), Buffer.alloc(0), null],
} as const;
