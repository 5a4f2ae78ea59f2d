/**
 * The sink's fetch path through `@tributary/protocol`: record batches are fetched by its
 * BatchFetcher and decoded by the same codec the broker and the mirror use (about 0.3 µs of
 * CPU per record against kafkajs' 0.8 in the JDBC sink bench's profiles), while a kafkajs
 * consumer, with every assigned topic paused,
 * keeps the group membership (join, heartbeats, assignment, commits with the generation).
 *
 * It is used when the consumer asks for nothing kafkajs alone offers here
 * (`wireConsumerDecision`): PLAINTEXT and no `client.rack` (fetching from a follower).
 */
import type { Logger } from '@tributary/api';
import { type FetchedPartition, type FetcherOptions, type KafkaRecord, readBatchRecords } from '@tributary/protocol';
import type { ConsumerConfig } from 'kafkajs';

export interface WireConsumerDecision {
  readonly usesWire: boolean;
  readonly reason: string;
}

/** Whether a sink task's records can be fetched with the protocol client. */
export function wireConsumerDecision(consumerProps: Readonly<Record<string, string>>): WireConsumerDecision {
  const protocol = consumerProps['security.protocol']?.trim().toLowerCase() || 'plaintext';
  if (protocol !== 'plaintext') return { usesWire: false, reason: `security.protocol is ${protocol.toUpperCase()}` };
  if ((consumerProps['client.rack']?.trim() ?? '') !== '') return { usesWire: false, reason: 'client.rack is set' };
  return { usesWire: true, reason: 'PLAINTEXT and no client.rack' };
}

export function logConsumerChoice(logger: Logger, decision: WireConsumerDecision): void {
  logger.debug(`Records are fetched with ${decision.usesWire ? 'the protocol client' : 'kafkajs'}: ${decision.reason}`);
}

/** At most this many bytes of record batches wait in the fetcher for the task. */
const MAX_BUFFERED_BYTES = 2 * 1024 * 1024;

/** The fetcher settings of a kafkajs consumer configuration (Kafka's consumer keys, already mapped). */
export function fetcherOptionsOf(config: Partial<ConsumerConfig>): FetcherOptions {
  return {
    isolation: config.readUncommitted === false ? 'read_committed' : 'read_uncommitted',
    maxWaitMs: config.maxWaitTimeInMs ?? 500,
    ...(config.minBytes === undefined ? {} : { minBytes: config.minBytes }),
    ...(config.maxBytes === undefined ? {} : { maxBytes: config.maxBytes }),
    ...(config.maxBytesPerPartition === undefined ? {} : { partitionMaxBytes: config.maxBytesPerPartition }),
    maxBufferedBytes: MAX_BUFFERED_BYTES,
    isDecodeOnly: true,
  };
}

/**
 * The records of one fetched partition, in runs of whole record batches of about
 * `maxBytes` each (one `put` apiece, as kafkajs hands out one fetch response at a time).
 * Throws an Error naming the partition and offset for a batch it cannot read (corrupt,
 * or compressed with a codec Kafka does not have).
 */
export function* recordRuns(part: FetchedPartition, maxBytes: number): Generator<KafkaRecord[]> {
  let run: KafkaRecord[] = [];
  let bytes = 0;
  for (const batch of part.batches) {
    let records: KafkaRecord[];
    try {
      records = readBatchRecords(batch.data, batch.baseOffset);
    } catch (error) {
      throw new Error(
        `Cannot read the record batch at offset ${batch.baseOffset} of ${part.topic}-${part.partition}: ${(error as Error).message}`,
      );
    }
    if (run.length === 0) run = records;
    else for (const r of records) run.push(r);
    bytes += batch.data.length;
    if (bytes >= maxBytes) {
      yield run;
      run = [];
      bytes = 0;
    }
  }
  if (run.length > 0) yield run;
}
