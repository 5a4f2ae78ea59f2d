/**
 * Single message transforms and predicates. A transform sees each record once, in order,
 * after the source task (source) or after the converters (sink), and returns the record
 * to pass on, a changed copy, or `null` to drop it. A DataError is subject to
 * `errors.tolerance`. Transforms are synchronous and must not keep state that breaks when
 * records are replayed.
 */
import type { ConnectRecord } from './record.js';

export interface Transformation {
  apply<R extends ConnectRecord>(record: R): R | null;
  close?(): void;
}

/** Decides whether a transform applies to a record (`transforms.<a>.predicate`). */
export interface Predicate {
  test(record: ConnectRecord): boolean;
  close?(): void;
}
