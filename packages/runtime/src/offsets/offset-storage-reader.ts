import type { OffsetStorageReader, SourceOffset, SourcePartition } from '@tributary/api';
import type { OffsetStore } from '../task-parts.js';

/** What a source connector or task reads: the committed offsets of its own connector. */
export function createOffsetStorageReader(store: OffsetStore, connectorName: string): OffsetStorageReader {
  return {
    async offset(partition: SourcePartition): Promise<SourceOffset | null> {
      return store.get(connectorName, partition);
    },
    async offsets(partitions: readonly SourcePartition[]): Promise<Map<SourcePartition, SourceOffset>> {
      const found = new Map<SourcePartition, SourceOffset>();
      for (const partition of partitions) {
        const offset = store.get(connectorName, partition);
        if (offset !== null) found.set(partition, offset);
      }
      return found;
    },
  };
}
