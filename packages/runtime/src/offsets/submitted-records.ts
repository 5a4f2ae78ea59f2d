/**
 * Source records between "handed to the producer" and "acknowledged", per source partition
 * in poll order (AK `SubmittedRecords`). A partition's offset becomes committable only when
 * its record and every earlier record of the same partition are acknowledged (or were
 * dropped), so a commit never skips an unacknowledged record.
 */
import type { SourceOffset, SourcePartition } from '@tributary/api';

export interface SubmittedRecord {
  /** Acknowledged by the broker, or dropped on purpose. Idempotent. */
  ack(): void;
  readonly isAcked: boolean;
}

class Entry implements SubmittedRecord {
  isAcked = false;

  constructor(
    readonly offset: SourceOffset | null,
    private readonly owner: SubmittedRecords,
  ) {}

  ack(): void {
    if (this.isAcked) return;
    this.isAcked = true;
    this.owner.acknowledged();
  }
}

interface PartitionQueue {
  readonly partition: SourcePartition;
  entries: Entry[];
  head: number;
}

export class SubmittedRecords {
  readonly #partitions = new Map<string, PartitionQueue>();
  #inFlightCount = 0;
  #onAllAcked: (() => void)[] = [];
  /** Tasks usually hand the same partition object again and again. */
  #lastPartition: SourcePartition | null = null;
  #lastQueue: PartitionQueue | null = null;

  /** Records submitted and not yet acknowledged. */
  get inFlightCount(): number {
    return this.#inFlightCount;
  }

  /** Tracks a record; a `null` partition or offset is counted in flight but has no offset to commit. */
  submit(partition: SourcePartition | null, offset: SourceOffset | null): SubmittedRecord {
    this.#inFlightCount++;
    const entry = new Entry(offset, this);
    if (partition !== null && offset !== null) this.#queueOf(partition).entries.push(entry);
    return entry;
  }

  /** @internal Called by an entry's first `ack()`. */
  acknowledged(): void {
    this.#inFlightCount--;
    if (this.#inFlightCount === 0) {
      const waiting = this.#onAllAcked;
      this.#onAllAcked = [];
      for (const resolve of waiting) resolve();
    }
  }

  #queueOf(partition: SourcePartition): PartitionQueue {
    if (this.#lastQueue !== null && this.#lastPartition !== null && isSamePartition(partition, this.#lastPartition))
      return this.#lastQueue;
    const key = sourcePartitionKey(partition);
    let queue = this.#partitions.get(key);
    if (queue === undefined) {
      queue = { partition, entries: [], head: 0 };
      this.#partitions.set(key, queue);
    }
    this.#lastPartition = partition;
    this.#lastQueue = queue;
    return queue;
  }

  /**
   * For each partition with newly committable records, the offset of the last record of its
   * acknowledged prefix; those records are forgotten.
   */
  committableOffsets(): [SourcePartition, SourceOffset][] {
    const committable: [SourcePartition, SourceOffset][] = [];
    for (const [key, queue] of this.#partitions) {
      let last: SourceOffset | null = null;
      while (queue.head < queue.entries.length) {
        const entry = queue.entries[queue.head] as Entry;
        if (!entry.isAcked) break;
        last = entry.offset;
        queue.head++;
      }
      if (last !== null) committable.push([queue.partition, last]);
      if (queue.head === queue.entries.length) {
        this.#partitions.delete(key);
        if (queue === this.#lastQueue) this.#lastQueue = null;
      } else if (queue.head > 1024 && queue.head * 2 > queue.entries.length) {
        queue.entries = queue.entries.slice(queue.head);
        queue.head = 0;
      }
    }
    return committable;
  }

  /** Resolves once nothing is in flight. */
  allAcked(): Promise<void> {
    if (this.#inFlightCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.#onAllAcked.push(resolve));
  }
}

function isSamePartition(a: SourcePartition, b: SourcePartition): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (a[k] !== b[k] || !(k in b)) return false;
  return true;
}

/** Partitions compare by content, whatever the order of their keys. */
export function sourcePartitionKey(partition: SourcePartition): string {
  return JSON.stringify(
    Object.keys(partition)
      .sort()
      .map((k) => [k, partition[k]]),
  );
}
