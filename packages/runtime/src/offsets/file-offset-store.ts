/**
 * Standalone source offsets in one JSON file (`offset.storage.file.filename`): an array of
 * `[["<connector>", {partition}], {offset}]` entries, the key and value shapes Kafka Connect
 * writes to its offsets topic. Unlike Kafka's FileOffsetBackingStore (rewritten in place)
 * every write goes to a temporary file in the same directory that is fsynced and renamed
 * over the old one, and the directory is fsynced, so a crash leaves the old or the new
 * file, never a torn one.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ConnectError, type OffsetValue, type SourceOffset, type SourcePartition } from '@tributary/api';
import type { OffsetStore } from '../task-parts.js';

/** One stored offset: Kafka's offsets-topic key `[connector, partition]` and value. */
export type OffsetEntry = readonly [
  key: readonly [connector: string, partition: SourcePartition],
  offset: SourceOffset,
];

interface Stored {
  readonly connector: string;
  readonly partition: SourcePartition;
  readonly offset: SourceOffset;
}

export class FileOffsetStore implements OffsetStore {
  readonly filename: string;
  #data = new Map<string, Stored>();
  #isStarted = false;
  /** Writes run one after another, each from the state the previous one left. */
  #writes: Promise<void> = Promise.resolve();

  constructor(filename: string) {
    this.filename = path.resolve(filename);
  }

  async start(): Promise<void> {
    if (this.#isStarted) return;
    this.#data = toMap(await readOffsetFile(this.filename));
    this.#isStarted = true;
  }

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    this.#checkStarted();
    return this.#data.get(storageKey(connector, partition))?.offset ?? null;
  }

  entries(connector: string): [SourcePartition, SourceOffset][] {
    this.#checkStarted();
    const found: [SourcePartition, SourceOffset][] = [];
    for (const stored of this.#data.values()) {
      if (stored.connector === connector) found.push([stored.partition, stored.offset]);
    }
    return found;
  }

  async set(connector: string, offsets: readonly (readonly [SourcePartition, SourceOffset | null])[]): Promise<void> {
    this.#checkStarted();
    for (const [partition, offset] of offsets) {
      checkOffsetMap(partition, `source partition of connector '${connector}'`);
      if (offset !== null) checkOffsetMap(offset, `source offset of connector '${connector}'`);
    }
    await this.#update((next) => {
      for (const [partition, offset] of offsets) {
        const key = storageKey(connector, partition);
        if (offset === null) next.delete(key);
        else next.set(key, { connector, partition: { ...partition }, offset: { ...offset } });
      }
    });
  }

  async clear(connector: string): Promise<void> {
    this.#checkStarted();
    await this.#update((next) => {
      for (const [key, stored] of next) if (stored.connector === connector) next.delete(key);
    });
  }

  /** Every stored entry, all connectors (for export). */
  allEntries(): OffsetEntry[] {
    this.#checkStarted();
    return [...this.#data.values()].map((s) => [[s.connector, s.partition], s.offset] as const);
  }

  /** Waits for pending writes. The store can be started again afterwards. */
  async stop(): Promise<void> {
    await this.#writes.catch(() => {});
    this.#isStarted = false;
  }

  #update(change: (next: Map<string, Stored>) => void): Promise<void> {
    const write = this.#writes.then(async () => {
      const next = new Map(this.#data);
      change(next);
      await writeOffsetFile(
        this.filename,
        [...next.values()].map((s) => [[s.connector, s.partition], s.offset] as const),
      );
      // Only what is on disk is visible: a failed write changes nothing.
      this.#data = next;
    });
    this.#writes = write.catch(() => {});
    return write;
  }

  #checkStarted(): void {
    if (!this.#isStarted) throw new ConnectError(`The offset store for ${this.filename} is not started`);
  }
}

/** Reads an offsets file; a missing file is empty, anything unreadable is an error naming the file. */
export async function readOffsetFile(filename: string): Promise<OffsetEntry[]> {
  let text: string;
  try {
    text = await readFile(filename, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConnectError(`Cannot read the offset file ${filename}: ${(err as Error).message}`, {
      cause: err,
      code: 'OFFSET_STORE',
    });
  }
  return parseOffsetFile(text, filename);
}

/** Parses the text of an offsets file (also what an import reads). */
export function parseOffsetFile(text: string, filename: string): OffsetEntry[] {
  const corrupt = (why: string, cause?: unknown): ConnectError =>
    new ConnectError(`The offset file ${filename} is corrupt: ${why}`, { cause, code: 'OFFSET_STORE' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw corrupt((err as Error).message, err);
  }
  if (!Array.isArray(parsed))
    throw corrupt('expected a JSON array of [["<connector>", {partition}], {offset}] entries');
  return parsed.map((entry: unknown, index): OffsetEntry => {
    const where = `entry ${index}`;
    if (!Array.isArray(entry) || entry.length !== 2) throw corrupt(`${where} is not a [key, offset] pair`);
    const [key, offset] = entry as [unknown, unknown];
    if (!Array.isArray(key) || key.length !== 2 || typeof key[0] !== 'string') {
      throw corrupt(`${where} has a key that is not ["<connector>", {partition}]`);
    }
    try {
      checkOffsetMap(key[1], 'source partition');
      checkOffsetMap(offset, 'source offset');
    } catch (err) {
      throw corrupt(`${where}: ${(err as Error).message}`, err);
    }
    return [[key[0], key[1] as SourcePartition], offset as SourceOffset];
  });
}

/** Writes `entries` crash-safely: temp file in the same directory, fsync, rename, fsync the directory. */
export async function writeOffsetFile(filename: string, entries: readonly OffsetEntry[]): Promise<void> {
  const text = entries.length === 0 ? '[]\n' : `[\n${entries.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`;
  const dir = path.dirname(filename);
  const temp = path.join(dir, `.${path.basename(filename)}.${randomUUID()}.tmp`);
  try {
    const file = await open(temp, 'wx', 0o600);
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, filename);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw new ConnectError(`Cannot write the offset file ${filename}: ${(err as Error).message}`, {
      cause: err,
      code: 'OFFSET_STORE',
    });
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') {
      throw new ConnectError(`Cannot sync the directory of the offset file ${dir}: ${(err as Error).message}`, {
        cause: err,
        code: 'OFFSET_STORE',
      });
    }
  } finally {
    await handle?.close();
  }
}

function toMap(entries: readonly OffsetEntry[]): Map<string, Stored> {
  const map = new Map<string, Stored>();
  for (const [[connector, partition], offset] of entries)
    map.set(storageKey(connector, partition), { connector, partition, offset });
  return map;
}

/** Partitions compare by content, whatever the order of their keys. */
function storageKey(connector: string, partition: SourcePartition): string {
  const sorted = Object.keys(partition)
    .sort()
    .map((k) => [k, partition[k]]);
  return JSON.stringify([connector, sorted]);
}

/** Connect allows only string keys with JSON primitive values in partitions and offsets. */
function checkOffsetMap(value: unknown, what: string): asserts value is Readonly<Record<string, OffsetValue>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConnectError(`The ${what} must be an object, but it was ${JSON.stringify(value) ?? String(value)}`);
  }
  for (const [k, v] of Object.entries(value)) {
    const isPrimitive =
      v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!isPrimitive)
      throw new ConnectError(
        `The ${what} may only hold strings, numbers, booleans and null, but '${k}' is ${JSON.stringify(v) ?? typeof v}`,
      );
  }
}
