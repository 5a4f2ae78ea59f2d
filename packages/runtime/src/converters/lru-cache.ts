/** A size-bounded map that forgets the least recently used entry first (Kafka's `LRUCache`). */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  private newestKey: K | undefined;

  constructor(readonly maxSize: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    // The hot path asks for the same key again and again; it is already the newest.
    if (value !== undefined && key !== this.newestKey) {
      this.entries.delete(key);
      this.entries.set(key, value);
      this.newestKey = key;
    }
    return value;
  }

  set(key: K, value: V): void {
    if (this.maxSize <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    this.newestKey = key;
    if (this.entries.size > this.maxSize) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
