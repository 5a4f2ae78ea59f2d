/**
 * Reads records of many partitions with one wire-client fetcher, in offset order per
 * partition, each from a start offset up to an end offset (exclusive) or until the
 * visitor says it has seen enough. Used by verify, status and inventory; nothing here
 * commits offsets or joins a group.
 */
import {
  type Isolation,
  type KafkaRecord,
  type KafkaWireClient,
  readBatchRecords,
  type TopicPartitionRef,
} from '@tributary/protocol';

export interface ScanRange extends TopicPartitionRef {
  /** First offset to read. */
  readonly from: number;
  /** Stop before this offset; null: read until the visitor returns false or the scan times out. */
  readonly until: number | null;
}

/** Called per record in order; return false when this partition needs no more records. */
export type RecordVisitor = (range: ScanRange, offset: number, record: KafkaRecord) => boolean;

export interface ScanOptions {
  readonly isolation?: Isolation;
  /** Give up on partitions that are not done after this long. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export const tpKey = (tp: TopicPartitionRef): string => `${tp.topic}/${tp.partition}`;

/**
 * Visits the records of `ranges`; resolves with the ranges not finished within the time
 * (ranges that ended, or whose visitor returned false, are finished). Partition errors
 * (unknown topic, offset out of range) throw naming the topic-partition.
 */
export async function scanPartitions(
  client: KafkaWireClient,
  ranges: readonly ScanRange[],
  visit: RecordVisitor,
  options: ScanOptions,
): Promise<ScanRange[]> {
  const open = new Map<string, ScanRange>();
  for (const range of ranges) {
    if (range.until === null || range.until > range.from) open.set(tpKey(range), range);
  }
  if (open.size === 0) return [];
  const fetcher = client.fetcher({ isolation: options.isolation ?? 'read_committed', maxWaitMs: 200 });
  const deadline = Date.now() + options.timeoutMs;
  try {
    fetcher.assign([...open.values()].map((r) => ({ topic: r.topic, partition: r.partition, offset: r.from })));
    while (open.size > 0 && Date.now() < deadline && options.signal?.aborted !== true) {
      const fetched = await fetcher.next(Math.min(500, Math.max(1, deadline - Date.now())), options.signal);
      let isChanged = false;
      for (const part of fetched) {
        const range = open.get(tpKey(part));
        if (range === undefined) continue;
        if (part.errorCode !== 0) {
          throw new Error(`Cannot read ${part.topic} partition ${part.partition}: Kafka error code ${part.errorCode}`);
        }
        let isDone = false;
        for (const batch of part.batches) {
          const records = readBatchRecords(batch.data);
          for (let i = 0; i < records.length && !isDone; i++) {
            const offset = batch.baseOffset + i;
            const record = records[i];
            if (record === undefined || offset < range.from) continue;
            if (range.until !== null && offset >= range.until) {
              isDone = true;
              break;
            }
            if (!visit(range, offset, record)) isDone = true;
          }
          if (isDone) break;
        }
        if (!isDone && range.until !== null && part.nextOffset >= range.until) isDone = true;
        if (isDone) {
          open.delete(tpKey(part));
          isChanged = true;
        }
      }
      if (isChanged && open.size > 0) {
        // Given again with the offset first assigned, a partition keeps its position and buffered data.
        fetcher.assign([...open.values()].map((r) => ({ topic: r.topic, partition: r.partition, offset: r.from })));
      }
    }
  } finally {
    await fetcher.close();
  }
  return [...open.values()];
}
