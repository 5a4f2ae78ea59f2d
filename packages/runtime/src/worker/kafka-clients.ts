/**
 * kafkajs clients for the worker and its connectors, built from the worker properties with
 * the connector's `*.override.*` keys on top (`config/kafka-client.ts` does the mapping), and
 * logging through the worker's logger instead of kafkajs's console output.
 */
import { createRequire } from 'node:module';
import type { Logger } from '@tributary/api';
import { compressRecords, decompressRecords } from '@tributary/protocol';
import { CompressionTypes, Kafka, type KafkaConfig, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import { type ClientKind, clientProps, kafkaConfig } from '../config/kafka-client.js';

/**
 * kafkajs itself has only gzip. Its clients here (used for TLS, SASL, idempotence,
 * transactions and `client.rack`) read and write snappy, lz4 and zstd batches with
 * `@tributary/protocol`'s codecs, as the protocol client does (zstd is written only where
 * node:zlib can: `compression.type` refuses it elsewhere, config/kafka-client.ts).
 */
function registerKafkajsCodecs(): void {
  // Not an ES import: Node.js cannot see this export of kafkajs's CommonJS module statically.
  const { CompressionCodecs } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
  const codecs: readonly (CompressionTypes.Snappy | CompressionTypes.LZ4 | CompressionTypes.ZSTD)[] = [
    CompressionTypes.Snappy,
    CompressionTypes.LZ4,
    CompressionTypes.ZSTD,
  ];
  for (const type of codecs) {
    const codec = {
      compress: (encoder: { buffer: Buffer }) => Promise.resolve().then(() => compressRecords(type, encoder.buffer)),
      decompress: (buffer: Buffer) => Promise.resolve().then(() => decompressRecords(type, buffer)),
    };
    CompressionCodecs[type] = () => codec;
  }
}

registerKafkajsCodecs();

/**
 * kafkajs log entries → `logger`: kafkajs's INFO and DEBUG as debug (they are chatty), and
 * its per-response errors (namespace `Connection`, which kafkajs then retries) as warnings.
 */
export function kafkajsLogCreator(logger: Logger): () => (entry: LogEntry) => void {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
      const line = { kafkajs: namespace, ...fields };
      if (level === KafkaLogLevel.ERROR && namespace !== 'Connection') logger.error(line, message);
      else if (level <= KafkaLogLevel.WARN) logger.warn(line, message);
      else logger.debug(line, message);
    };
}

/**
 * A kafkajs client for one kind of client (`producer`, `consumer`, `admin`): worker
 * connection and security keys, the worker's `<kind>.` keys, then `overrides`.
 */
export function createKafka(options: {
  readonly workerProps: Readonly<Record<string, string>>;
  readonly kind: ClientKind;
  readonly overrides?: Readonly<Record<string, string>>;
  readonly clientId: string;
  readonly logger: Logger;
}): { readonly kafka: Kafka; readonly props: Record<string, string> } {
  const props = clientProps(options.workerProps, options.kind, options.overrides ?? {});
  const config: KafkaConfig = {
    ...kafkaConfig(props, { clientId: options.clientId }),
    logLevel: KafkaLogLevel.WARN,
    logCreator: kafkajsLogCreator(options.logger),
  };
  return { kafka: new Kafka(config), props };
}
