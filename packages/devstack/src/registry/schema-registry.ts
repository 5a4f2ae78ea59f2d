/**
 * The registry's operations, independent of HTTP: what Confluent's `KafkaSchemaRegistry`
 * does for the REST resources. Reads are answered from the replayed state; every write
 * is serialised, appended to the store and acknowledged there before the state changes
 * and before the caller is answered.
 */
import { type CompatibilityLevel, compatibilityRule, DEFAULT_COMPATIBILITY } from './compatibility-level.js';
import {
  type ParsedSchema,
  parseSchema,
  type ResolvedReference,
  type SchemaReference,
  type SchemaType,
} from './parsed-schema.js';
import { errors } from './registry-error.js';
import { RegistryState, type StoredVersion, schemaIdentity } from './registry-state.js';
import type { RegistryStore, SchemaValue, StoreRecord } from './registry-store.js';

/** A schema as clients send it to register, look up or test. */
export interface SchemaRequest {
  readonly schema: string;
  readonly schemaType: SchemaType;
  readonly references: readonly SchemaReference[];
}

export interface CompatibilityResult {
  readonly isCompatible: boolean;
  /** Empty when compatible. */
  readonly messages: readonly string[];
}

/** A version number, or the newest undeleted version. */
export type VersionSpec = number | 'latest';

const MAX_VERSION = 2 ** 31 - 1;
const MAX_REFERENCE_DEPTH = 32;

/** `latest`, `-1` or 1..2³¹−1; 42202 for anything else. */
export function parseVersionSpec(text: string): VersionSpec {
  if (text === 'latest' || text === '-1') return 'latest';
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_VERSION) throw errors.invalidVersion(text);
  return n;
}

interface Incompatibility {
  readonly version: number;
  readonly issues: readonly string[];
}

function schemaValue(
  v: Omit<SchemaValue, 'schemaType' | 'references'> & Pick<StoredVersion, 'schemaType' | 'references'>,
): SchemaValue {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    ...(v.schemaType === 'AVRO' ? {} : { schemaType: v.schemaType }),
    ...(v.references.length === 0 ? {} : { references: v.references }),
    schema: v.schema,
    deleted: v.deleted,
  };
}

function schemaKey(subject: string, version: number) {
  return { keytype: 'SCHEMA', subject, version, magic: 1 } as const;
}

function configKey(subject: string | null) {
  return { keytype: 'CONFIG', subject, magic: 0 } as const;
}

export class SchemaRegistry {
  private readonly state = new RegistryState();
  /** Parsed stored schemas by id (ids are never reused, so entries never go stale). */
  private readonly parsedById = new Map<number, ParsedSchema>();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(private readonly store: RegistryStore) {}

  /** Replays everything the store holds. */
  static async open(store: RegistryStore): Promise<SchemaRegistry> {
    const registry = new SchemaRegistry(store);
    for (const record of await store.readNew()) registry.state.apply(record);
    return registry;
  }

  // ---- reads ----

  subjects(includeDeleted: boolean): string[] {
    return this.state.subjectNames(includeDeleted);
  }

  /** 40401 when the subject has no (undeleted, unless `includeDeleted`) version. */
  versions(subject: string, includeDeleted: boolean): StoredVersion[] {
    const versions = this.state.versions(subject, includeDeleted);
    if (versions.length === 0) throw errors.subjectNotFound(subject);
    return versions;
  }

  /** 40401 / 40402. A soft-deleted version only when `includeDeleted`. */
  version(subject: string, spec: VersionSpec, includeDeleted: boolean): StoredVersion {
    const versions = this.versions(subject, includeDeleted);
    if (spec === 'latest') return versions[versions.length - 1] as StoredVersion;
    const found = this.state.version(subject, spec);
    if (found === undefined || (found.isDeleted && !includeDeleted)) throw errors.versionNotFound(spec);
    return found;
  }

  /** Soft-deleted schemas stay readable by id (old records still carry the id). 40403. */
  schemaById(id: number): StoredVersion {
    const found = this.state.schemaById(id);
    if (found === undefined) throw errors.schemaNotFound(`Schema ${id} not found`);
    return found;
  }

  /** The subject-versions that carry `id`. 40403 when the id is unknown. */
  subjectVersionsById(id: number, includeDeleted: boolean): StoredVersion[] {
    this.schemaById(id);
    return this.state
      .versionsWithId(id)
      .filter((v) => includeDeleted || !v.isDeleted)
      .sort((a, b) => a.subject.localeCompare(b.subject) || a.version - b.version);
  }

  /** Ids of undeleted schemas whose references point at this version. */
  referencedBy(subject: string, spec: VersionSpec): number[] {
    const target = this.version(subject, spec, false);
    return [...new Set(this.state.referencedBy(subject, target.version).map((v) => v.id))].sort((a, b) => a - b);
  }

  /**
   * The compatibility level set for `subject` (null: the global one, BACKWARD when never
   * set). A subject without its own setting is 40408 unless `defaultToGlobal`.
   */
  config(subject: string | null, defaultToGlobal: boolean): CompatibilityLevel {
    const global = this.state.config(null) ?? DEFAULT_COMPATIBILITY;
    if (subject === null) return global;
    const own = this.state.config(subject);
    if (own !== undefined) return own;
    if (defaultToGlobal) return global;
    throw errors.subjectConfigNotFound(subject);
  }

  /** The version of `subject` holding exactly this schema. 40401 / 40403 / 42201. */
  lookup(subject: string, request: SchemaRequest, includeDeleted: boolean): StoredVersion {
    const versions = this.versions(subject, includeDeleted);
    const parsed = this.parse(request);
    const id = this.state.idOf(schemaIdentity(request.schemaType, parsed.canonical, request.references));
    const found = versions.filter((v) => v.id === id).pop();
    if (found === undefined) throw errors.schemaNotFound();
    return found;
  }

  /**
   * Tests `request` against one version (`spec`) with the subject's level applied to
   * that version alone, or (spec null) against the versions the level names, as a
   * registration would. An unknown subject is compatible when spec is null.
   */
  testCompatibility(subject: string, spec: VersionSpec | null, request: SchemaRequest): CompatibilityResult {
    const parsed = this.parse(request);
    const level = this.effectiveLevel(subject);
    const against = spec === null ? this.checkedVersions(subject, level) : [this.version(subject, spec, false)];
    const found = this.incompatibilities(parsed, level, against);
    return { isCompatible: found.length === 0, messages: found.length === 0 ? [] : describe(found, level) };
  }

  // ---- writes ----

  /**
   * Registers `request` under `subject`: the existing id and version when this subject
   * already holds the same schema (no compatibility check), otherwise a new version,
   * reusing the id of the same schema in any subject, after the compatibility check
   * (409 naming the subject and the versions it cannot be read with or read).
   */
  async register(subject: string, request: SchemaRequest): Promise<StoredVersion> {
    // Answered from memory when already registered, as Confluent does, without the broker.
    const known = this.registered(subject, this.parse(request), request);
    if (known !== undefined) return known;
    return this.exclusive(`registering a schema under subject '${subject}'`, async (write) => {
      const parsed = this.parse(request);
      const same = this.registered(subject, parsed, request);
      if (same !== undefined) return same;
      const existingId = this.state.idOf(schemaIdentity(request.schemaType, parsed.canonical, request.references));

      const level = this.effectiveLevel(subject);
      const found = this.incompatibilities(parsed, level, this.checkedVersions(subject, level));
      if (found.length > 0) {
        throw errors.incompatible(
          `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${describe(found, level).join(', ')}]`,
        );
      }
      const all = this.state.versions(subject, true);
      const version = (all[all.length - 1]?.version ?? 0) + 1;
      const id = existingId ?? this.state.maxId + 1;
      const value = schemaValue({
        subject,
        version,
        id,
        schemaType: request.schemaType,
        references: request.references,
        schema: parsed.canonical,
        deleted: false,
      });
      await write([{ key: schemaKey(subject, version), value }]);
      this.parsedById.set(id, parsed);
      return this.version(subject, version, false);
    });
  }

  /**
   * Soft delete (the versions stay readable with `deleted=true` and by id), or, with
   * `permanent` and only after a soft delete, hard delete. Returns the versions deleted.
   */
  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.exclusive(`deleting subject '${subject}'`, async (write) => {
      const all = this.versions(subject, true);
      const live = all.filter((v) => !v.isDeleted);
      const records: StoreRecord[] = [];
      if (!permanent) {
        if (live.length === 0) throw errors.subjectSoftDeleted(subject);
        for (const v of live) this.checkNotReferenced(v);
        for (const v of live)
          records.push({ key: schemaKey(subject, v.version), value: schemaValue({ ...v, deleted: true }) });
      } else {
        if (live.length > 0) throw errors.subjectNotSoftDeleted(subject);
        for (const v of all) records.push({ key: schemaKey(subject, v.version), value: null });
        if (this.state.config(subject) !== undefined) records.push({ key: configKey(subject), value: null });
      }
      await write(records);
      return (permanent ? all : live).map((v) => v.version);
    });
  }

  /** One version, with the same soft-then-hard rule as `deleteSubject`. Returns its number. */
  deleteVersion(subject: string, spec: VersionSpec, permanent: boolean): Promise<number> {
    return this.exclusive(`deleting subject '${subject}' version ${spec}`, async (write) => {
      // A soft delete of `latest` takes the newest undeleted version; otherwise soft-deleted
      // versions are found too, so that deleting one twice names the right error.
      const target =
        spec === 'latest' && !permanent ? this.version(subject, spec, false) : this.version(subject, spec, true);
      let value: SchemaValue | null;
      if (!permanent) {
        if (target.isDeleted) throw errors.versionSoftDeleted(subject, target.version);
        this.checkNotReferenced(target);
        value = schemaValue({ ...target, deleted: true });
      } else {
        if (!target.isDeleted) throw errors.versionNotSoftDeleted(subject, target.version);
        value = null;
      }
      await write([{ key: schemaKey(subject, target.version), value }]);
      return target.version;
    });
  }

  /** Sets the level of `subject` (null: global); the subject need not exist yet. */
  setConfig(subject: string | null, level: CompatibilityLevel): Promise<CompatibilityLevel> {
    const what = subject === null ? 'updating the global config' : `updating the config of subject '${subject}'`;
    return this.exclusive(what, async (write) => {
      await write([{ key: configKey(subject), value: { compatibilityLevel: level } }]);
      return level;
    });
  }

  /** Removes a setting and returns what it was (global: back to BACKWARD). 40401 / 40408. */
  deleteConfig(subject: string | null): Promise<CompatibilityLevel> {
    const what = subject === null ? 'deleting the global config' : `deleting the config of subject '${subject}'`;
    return this.exclusive(what, async (write) => {
      const previous = this.state.config(subject);
      if (subject !== null && previous === undefined) {
        if (this.state.versions(subject, true).length === 0) throw errors.subjectNotFound(subject);
        throw errors.subjectConfigNotFound(subject);
      }
      if (previous !== undefined) {
        await write([{ key: configKey(subject), value: null }]);
      }
      return previous ?? DEFAULT_COMPATIBILITY;
    });
  }

  // ---- internals ----

  /**
   * Runs one write operation at a time, each after catching up with what other
   * registries on the same topic wrote meanwhile, so that versions and ids are computed
   * from the whole log. `operation` appends through `write`, which applies the records
   * to the state once the store acknowledged them. Store failures are 50001 naming `what`.
   */
  private exclusive<T>(
    what: string,
    operation: (write: (records: readonly StoreRecord[]) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const write = async (records: readonly StoreRecord[]) => {
      try {
        await this.store.append(records);
      } catch (err) {
        throw errors.storeError(`Error while ${what}`, err);
      }
      for (const record of records) this.state.apply(record);
    };
    const caughtUp = async () => {
      let records: StoreRecord[];
      try {
        records = await this.store.readNew();
      } catch (err) {
        throw errors.storeError(`Error while ${what} (reading the schemas store)`, err);
      }
      for (const record of records) this.state.apply(record);
      return operation(write);
    };
    const run = this.writes.then(caughtUp, caughtUp);
    this.writes = run.catch(() => {});
    return run;
  }

  /** The undeleted version of `subject` holding exactly this schema, if any. */
  private registered(subject: string, parsed: ParsedSchema, request: SchemaRequest): StoredVersion | undefined {
    const id = this.state.idOf(schemaIdentity(request.schemaType, parsed.canonical, request.references));
    return id === undefined ? undefined : this.state.versions(subject, false).find((v) => v.id === id);
  }

  private effectiveLevel(subject: string): CompatibilityLevel {
    return this.state.config(subject) ?? this.state.config(null) ?? DEFAULT_COMPATIBILITY;
  }

  /** Newest first: the latest undeleted version, or all of them for a transitive level. */
  private checkedVersions(subject: string, level: CompatibilityLevel): StoredVersion[] {
    if (level === 'NONE') return [];
    const live = this.state.versions(subject, false).reverse();
    return compatibilityRule(level).isTransitive ? live : live.slice(0, 1);
  }

  private incompatibilities(
    parsed: ParsedSchema,
    level: CompatibilityLevel,
    against: readonly StoredVersion[],
  ): Incompatibility[] {
    if (level === 'NONE') return [];
    const rule = compatibilityRule(level);
    const found: Incompatibility[] = [];
    for (const old of against) {
      const oldParsed = this.parsedStored(old);
      const issues: string[] = [];
      if (rule.newReadsOld) {
        for (const issue of parsed.readerIssues(oldParsed)) {
          issues.push(`the new schema cannot read data written with version ${old.version}: ${issue}`);
        }
      }
      if (rule.oldReadsNew) {
        for (const issue of oldParsed.readerIssues(parsed)) {
          issues.push(`version ${old.version} cannot read data written with the new schema: ${issue}`);
        }
      }
      if (issues.length > 0) found.push({ version: old.version, issues });
    }
    return found;
  }

  private parse(request: SchemaRequest): ParsedSchema {
    return parseSchema(request.schemaType, request.schema, this.resolveReferences(request.references, 0));
  }

  private parsedStored(stored: StoredVersion): ParsedSchema {
    let parsed = this.parsedById.get(stored.id);
    if (parsed === undefined) {
      parsed = parseSchema(stored.schemaType, stored.schema, this.resolveReferences(stored.references, 0));
      this.parsedById.set(stored.id, parsed);
    }
    return parsed;
  }

  private resolveReferences(references: readonly SchemaReference[], depth: number): ResolvedReference[] {
    if (depth > MAX_REFERENCE_DEPTH) throw errors.invalidSchema('Invalid schema: references are nested too deeply');
    return references.map((ref) => {
      const target = this.state.version(ref.subject, ref.version);
      if (target === undefined) {
        throw errors.invalidSchema(
          `Invalid schema: reference '${ref.name}' points at subject '${ref.subject}' version ${ref.version}, which does not exist`,
        );
      }
      return {
        name: ref.name,
        schema: target.schema,
        references: this.resolveReferences(target.references, depth + 1),
      };
    });
  }

  private checkNotReferenced(version: StoredVersion): void {
    const ids = [...new Set(this.state.referencedBy(version.subject, version.version).map((v) => v.id))];
    if (ids.length > 0) throw errors.referenceExists(version.subject, version.version, ids);
  }
}

/** Confluent-style detail entries: one per issue, then the versions and the level. */
function describe(found: readonly Incompatibility[], level: CompatibilityLevel): string[] {
  const messages: string[] = [];
  for (const { issues } of found) for (const issue of issues) messages.push(`{description: '${issue}'}`);
  messages.push(`{oldSchemaVersion: ${found.map((f) => f.version).join(', ')}}`);
  messages.push(`{compatibility: '${level}'}`);
  return messages;
}
