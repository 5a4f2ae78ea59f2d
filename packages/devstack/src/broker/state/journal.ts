/**
 * The broker's metadata journal: topics, configs, log start offsets, committed group
 * offsets and producer ids, as one JSON event per line in `<data-dir>/meta.jsonl`.
 * Lines are written with a plain append (a `kill -9` keeps what the kernel has); at
 * start the journal is replayed, a torn last line is ignored, and the file is
 * compacted to a snapshot written to a temp file, fsynced and renamed over it.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type JournalEvent = { t: string } & Record<string, unknown>;

export class Journal {
  private fd: number | null = null;
  private readonly path: string | null;

  constructor(dataDir: string | null) {
    this.path = dataDir === null ? null : join(dataDir, 'meta.jsonl');
  }

  get isPersistent(): boolean {
    return this.path !== null;
  }

  /** Events written before the last stop, oldest first. */
  replay(): JournalEvent[] {
    if (this.path === null || !existsSync(this.path)) return [];
    const events: JournalEvent[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as JournalEvent);
      } catch {
        // A torn line can only be the last one written before a crash.
        break;
      }
    }
    return events;
  }

  /** Replaces the journal with `snapshot` (crash-safe) and opens it for appends. */
  rewrite(snapshot: readonly JournalEvent[]): void {
    if (this.path === null) return;
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    writeSync(fd, snapshot.map((e) => `${JSON.stringify(e)}\n`).join(''));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    this.fd = openSync(this.path, 'a');
  }

  append(event: JournalEvent): void {
    if (this.path === null) return;
    if (this.fd === null) this.fd = openSync(this.path, 'a');
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
