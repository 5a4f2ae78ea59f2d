/**
 * A log segment holds consecutive batches of one partition. In memory mode the batch
 * buffers are the storage; in file mode they are appended to `<baseOffset>.log` and
 * read back with one positioned read per contiguous run, so a Fetch of many batches
 * is one syscall and the broker's heap stays small however much data it holds.
 */
import { closeSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface BatchEntry {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  size: number;
  /** Byte position inside its segment. */
  position: number;
  segment: Segment;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
  isControl: boolean;
  /** The batch itself; kept only by memory segments. */
  data: Buffer | null;
}

export interface Segment {
  readonly baseOffset: number;
  readonly bytes: number;
  /** Appends a batch and returns its position in the segment. */
  append(batch: Buffer): { position: number; keep: Buffer | null };
  /** Returns the bytes of the given consecutive entries of this segment. */
  read(entries: readonly BatchEntry[]): Buffer[];
  /** Cuts the segment back to `bytes` (recovery of a torn tail). */
  truncate(bytes: number): void;
  close(): void;
  remove(): void;
}

export class MemorySegment implements Segment {
  bytes = 0;
  constructor(readonly baseOffset: number) {}

  append(batch: Buffer): { position: number; keep: Buffer | null } {
    const position = this.bytes;
    this.bytes += batch.length;
    return { position, keep: batch };
  }

  read(entries: readonly BatchEntry[]): Buffer[] {
    const out: Buffer[] = [];
    for (const e of entries) if (e.data) out.push(e.data);
    return out;
  }

  truncate(bytes: number): void {
    this.bytes = bytes;
  }

  close(): void {}
  remove(): void {}
}

export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

export class FileSegment implements Segment {
  private fd: number | null;
  readonly path: string;

  constructor(
    dir: string,
    readonly baseOffset: number,
    public bytes = 0,
  ) {
    this.path = join(dir, segmentFileName(baseOffset));
    this.fd = openSync(this.path, 'a+');
  }

  private handle(): number {
    if (this.fd === null) throw new Error(`segment ${this.path} is closed`);
    return this.fd;
  }

  append(batch: Buffer): { position: number; keep: Buffer | null } {
    const position = this.bytes;
    let written = 0;
    while (written < batch.length) {
      written += writeSync(this.handle(), batch, written, batch.length - written);
    }
    this.bytes += batch.length;
    return { position, keep: null };
  }

  read(entries: readonly BatchEntry[]): Buffer[] {
    const first = entries[0];
    const last = entries[entries.length - 1];
    if (!first || !last) return [];
    const start = first.position;
    const length = last.position + last.size - start;
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.handle(), buf, got, length - got, start + got);
      if (n === 0) throw new Error(`segment ${this.path} is shorter than its index`);
      got += n;
    }
    return [buf];
  }

  /** Reads the whole file (recovery scan). */
  readAll(): Buffer {
    const buf = Buffer.allocUnsafe(this.bytes);
    let got = 0;
    while (got < this.bytes) {
      const n = readSync(this.handle(), buf, got, this.bytes - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }

  truncate(bytes: number): void {
    ftruncateSync(this.handle(), bytes);
    this.bytes = bytes;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
}
