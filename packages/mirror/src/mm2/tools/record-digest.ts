/**
 * Content digests for `mirror verify`. A record's digest is SHA-256 over its timestamp,
 * key, value and headers, each length-prefixed so that no two different records share an
 * encoding (null is length −1). A partition's digest is SHA-256 over its records' digests
 * in order, so two ranges are equal exactly when their digests are (up to SHA-256).
 * Offsets are not part of it: a mirrored record has another offset on the target.
 */
import { createHash, type Hash } from 'node:crypto';
import type { KafkaRecord } from '@tributary/protocol';

function int32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n);
  return b;
}

function updateBytes(hash: Hash, bytes: Buffer | null): void {
  if (bytes === null) {
    hash.update(int32(-1));
    return;
  }
  hash.update(int32(bytes.length));
  hash.update(bytes);
}

/** The 32-byte digest of one record's timestamp, key, value and headers. */
export function recordDigest(record: Pick<KafkaRecord, 'timestamp' | 'key' | 'value' | 'headers'>): Buffer {
  const hash = createHash('sha256');
  const ts = Buffer.allocUnsafe(8);
  ts.writeBigInt64BE(BigInt(record.timestamp));
  hash.update(ts);
  updateBytes(hash, record.key);
  updateBytes(hash, record.value);
  hash.update(int32(record.headers.length));
  for (const header of record.headers) {
    updateBytes(hash, Buffer.from(header.key, 'utf8'));
    updateBytes(hash, header.value);
  }
  return hash.digest();
}

/** Which parts of two records differ: `key`, `value`, `headers`, `timestamp` (empty when equal). */
export function recordDifferences(
  a: Pick<KafkaRecord, 'timestamp' | 'key' | 'value' | 'headers'>,
  b: Pick<KafkaRecord, 'timestamp' | 'key' | 'value' | 'headers'>,
): string[] {
  const out: string[] = [];
  if (!sameBytes(a.key, b.key)) out.push('key');
  if (!sameBytes(a.value, b.value)) out.push('value');
  const sameHeaders =
    a.headers.length === b.headers.length &&
    a.headers.every((h, i) => {
      const other = b.headers[i];
      return other !== undefined && other.key === h.key && sameBytes(h.value, other.value);
    });
  if (!sameHeaders) out.push('headers');
  if (a.timestamp !== b.timestamp) out.push('timestamp');
  return out;
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  if (a === null || b === null) return a === b;
  return a.equals(b);
}

const DIGEST_BYTES = 32;

/**
 * The per-record digests of one partition range, in order, with their offsets, and the
 * running partition digest. Digests and offsets live in flat growing buffers (40 bytes a
 * record), so that a million-record partition stays small.
 */
export class PartitionDigest {
  readonly #hash = createHash('sha256');
  #digests = Buffer.alloc(DIGEST_BYTES * 1024);
  #offsets = new Float64Array(1024);
  #count = 0;
  #final: string | null = null;

  get count(): number {
    return this.#count;
  }

  get firstOffset(): number | null {
    return this.#count === 0 ? null : (this.#offsets[0] ?? null);
  }

  get lastOffset(): number | null {
    return this.#count === 0 ? null : (this.#offsets[this.#count - 1] ?? null);
  }

  /** Adds the next record (by its digest) and returns its index. */
  add(offset: number, digest: Buffer): number {
    if (this.#final !== null) throw new Error('PartitionDigest: add after sha256()');
    if (this.#count === this.#offsets.length) {
      const digests = Buffer.alloc(this.#digests.length * 2);
      this.#digests.copy(digests);
      this.#digests = digests;
      const offsets = new Float64Array(this.#offsets.length * 2);
      offsets.set(this.#offsets);
      this.#offsets = offsets;
    }
    this.#hash.update(digest);
    digest.copy(this.#digests, this.#count * DIGEST_BYTES);
    this.#offsets[this.#count] = offset;
    return this.#count++;
  }

  /** The digest of record `index` (a view: copy it to keep it past the next add). */
  digestAt(index: number): Buffer | undefined {
    if (index < 0 || index >= this.#count) return undefined;
    return this.#digests.subarray(index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES);
  }

  offsetAt(index: number): number | undefined {
    return index < 0 || index >= this.#count ? undefined : this.#offsets[index];
  }

  /** The partition digest (hex) of every record added; no more records after this. */
  sha256(): string {
    this.#final ??= this.#hash.digest('hex');
    return this.#final;
  }
}
