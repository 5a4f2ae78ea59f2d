/**
 * The registry's state as replayed from its store: versions per subject, schemas by
 * global id, and compatibility settings. Only `apply` changes it, so what is served is
 * always exactly what the store holds.
 */
import type { CompatibilityLevel } from './compatibility-level.js';
import type { SchemaReference, SchemaType } from './parsed-schema.js';
import type { ConfigValue, SchemaValue, StoreRecord } from './registry-store.js';

export interface StoredVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schemaType: SchemaType;
  readonly references: readonly SchemaReference[];
  readonly schema: string;
  readonly isDeleted: boolean;
}

/** What makes two registrations the same schema (and so the same id). */
export function schemaIdentity(schemaType: SchemaType, schema: string, references: readonly SchemaReference[]): string {
  const refs = references.map((r) => [r.name, r.subject, r.version]);
  return JSON.stringify([schemaType, schema, refs]);
}

function fromValue(value: SchemaValue): StoredVersion {
  return {
    subject: value.subject,
    version: value.version,
    id: value.id,
    schemaType: value.schemaType ?? 'AVRO',
    references: value.references ?? [],
    schema: value.schema,
    isDeleted: value.deleted,
  };
}

export class RegistryState {
  /** subject → version → stored version (soft-deleted ones included). */
  private readonly subjects = new Map<string, Map<number, StoredVersion>>();
  /** id → the versions that carry it, in every subject. */
  private readonly versionsById = new Map<number, Set<StoredVersion>>();
  private readonly idsByIdentity = new Map<string, number>();
  private readonly configs = new Map<string | null, CompatibilityLevel>();
  /**
   * Highest id ever seen in the store, hard-deleted ones included, so that an id is never
   * given to a different schema (the log keeps the record before its tombstone).
   */
  maxId = 0;

  apply(record: StoreRecord): void {
    if (record.key.keytype === 'CONFIG') {
      const value = record.value as ConfigValue | null;
      if (value === null) this.configs.delete(record.key.subject);
      else this.configs.set(record.key.subject, value.compatibilityLevel);
      return;
    }
    const { subject, version } = record.key;
    const previous = this.subjects.get(subject)?.get(version);
    if (previous !== undefined) this.unindex(previous);
    const value = record.value as SchemaValue | null;
    if (value === null) return;
    const stored = fromValue(value);
    let versions = this.subjects.get(subject);
    if (versions === undefined) {
      versions = new Map();
      this.subjects.set(subject, versions);
    }
    versions.set(version, stored);
    let carriers = this.versionsById.get(stored.id);
    if (carriers === undefined) {
      carriers = new Set();
      this.versionsById.set(stored.id, carriers);
    }
    carriers.add(stored);
    this.idsByIdentity.set(schemaIdentity(stored.schemaType, stored.schema, stored.references), stored.id);
    this.maxId = Math.max(this.maxId, stored.id);
  }

  private unindex(stored: StoredVersion): void {
    const versions = this.subjects.get(stored.subject);
    versions?.delete(stored.version);
    if (versions?.size === 0) this.subjects.delete(stored.subject);
    const carriers = this.versionsById.get(stored.id);
    carriers?.delete(stored);
    if (carriers?.size === 0) {
      this.versionsById.delete(stored.id);
      this.idsByIdentity.delete(schemaIdentity(stored.schemaType, stored.schema, stored.references));
    }
  }

  /** Subject names, sorted; those with only soft-deleted versions when `includeDeleted`. */
  subjectNames(includeDeleted: boolean): string[] {
    return [...this.subjects.keys()].filter((s) => this.versions(s, includeDeleted).length > 0).sort();
  }

  /** The subject's versions, ascending; soft-deleted ones too when `includeDeleted`. */
  versions(subject: string, includeDeleted: boolean): StoredVersion[] {
    const versions = [...(this.subjects.get(subject)?.values() ?? [])];
    return versions.filter((v) => includeDeleted || !v.isDeleted).sort((a, b) => a.version - b.version);
  }

  version(subject: string, version: number): StoredVersion | undefined {
    return this.subjects.get(subject)?.get(version);
  }

  /** One version carrying `id` (the schema text is the same in all of them). */
  schemaById(id: number): StoredVersion | undefined {
    const carriers = this.versionsById.get(id);
    return carriers === undefined ? undefined : [...carriers][0];
  }

  versionsWithId(id: number): StoredVersion[] {
    return [...(this.versionsById.get(id) ?? [])];
  }

  idOf(identity: string): number | undefined {
    return this.idsByIdentity.get(identity);
  }

  /** Undeleted versions whose references point at `subject` `version`. */
  referencedBy(subject: string, version: number): StoredVersion[] {
    const out: StoredVersion[] = [];
    for (const versions of this.subjects.values()) {
      for (const v of versions.values()) {
        if (!v.isDeleted && v.references.some((r) => r.subject === subject && r.version === version)) out.push(v);
      }
    }
    return out;
  }

  config(subject: string | null): CompatibilityLevel | undefined {
    return this.configs.get(subject);
  }
}
