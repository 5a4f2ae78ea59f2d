/**
 * Where the registry's state lives: an append-only log of key/value records, replayed at
 * start. The record shapes follow Confluent's `_schemas` topic (same key types and field
 * names), so the topic reads like Confluent's to a person or tool inspecting it:
 *
 * - `{"keytype":"SCHEMA","subject":s,"version":v,"magic":1}` →
 *   `{"subject","version","id","schemaType"?,"references"?,"schema","deleted"}`;
 *   re-written with `deleted: true` on a soft delete, a tombstone (null) on a hard delete.
 * - `{"keytype":"CONFIG","subject":s|null,"magic":0}` → `{"compatibilityLevel"}`; null
 *   (tombstone) when the setting is removed. `subject: null` is the global setting.
 *
 * A later record for the same key replaces the earlier one, as compaction would, so
 * replaying a record again (in order) changes nothing.
 */
import type { CompatibilityLevel } from './compatibility-level.js';
import type { SchemaReference, SchemaType } from './parsed-schema.js';

export interface SchemaKey {
  readonly keytype: 'SCHEMA';
  readonly subject: string;
  readonly version: number;
  readonly magic: 1;
}

export interface SchemaValue {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  /** Absent for AVRO, as Confluent writes it. */
  readonly schemaType?: Exclude<SchemaType, 'AVRO'>;
  /** Absent when empty. */
  readonly references?: readonly SchemaReference[];
  readonly schema: string;
  readonly deleted: boolean;
}

export interface ConfigKey {
  readonly keytype: 'CONFIG';
  /** null: the registry-wide setting. */
  readonly subject: string | null;
  readonly magic: 0;
}

export interface ConfigValue {
  readonly compatibilityLevel: CompatibilityLevel;
}

export type StoreRecord =
  | { readonly key: SchemaKey; readonly value: SchemaValue | null }
  | { readonly key: ConfigKey; readonly value: ConfigValue | null };

export interface RegistryStore {
  /**
   * The records written since the previous call, by this registry or any other, oldest
   * first; every record on the first call. Records this registry appended come back too:
   * applying a record twice, in log order, is harmless.
   */
  readNew(): Promise<StoreRecord[]>;
  /** Resolves once the records are durable (acknowledged); throws when they may not be. */
  append(records: readonly StoreRecord[]): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}
