import { errors } from './registry-error.js';

/**
 * Confluent's compatibility levels. BACKWARD: the new schema can read data written with
 * the previous one (new = reader). FORWARD: the previous schema can read data written
 * with the new one (new = writer). FULL: both. The `_TRANSITIVE` variants check against
 * every undeleted version instead of the latest only. NONE checks nothing.
 */
export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** The registry-wide level when none was set (Confluent's `schema.compatibility.level`). */
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

/** Accepts any letter case, as Confluent does; 42203 for anything else. */
export function parseCompatibilityLevel(value: unknown): CompatibilityLevel {
  if (typeof value === 'string') {
    const upper = value.toUpperCase();
    const level = COMPATIBILITY_LEVELS.find((l) => l === upper);
    if (level !== undefined) return level;
  }
  throw errors.invalidCompatibilityLevel(value);
}

export interface CompatibilityRule {
  /** The new schema must read data written with the old one. */
  readonly newReadsOld: boolean;
  /** The old schema must read data written with the new one. */
  readonly oldReadsNew: boolean;
  /** Against every undeleted version, not only the latest. */
  readonly isTransitive: boolean;
}

export function compatibilityRule(level: CompatibilityLevel): CompatibilityRule {
  return {
    newReadsOld: level.startsWith('BACKWARD') || level.startsWith('FULL'),
    oldReadsNew: level.startsWith('FORWARD') || level.startsWith('FULL'),
    isTransitive: level.endsWith('_TRANSITIVE'),
  };
}
