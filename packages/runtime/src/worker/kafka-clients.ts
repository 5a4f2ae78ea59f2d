/**
 * kafkajs clients for the worker and its connectors, built from the worker properties with
 * the connector's `*.override.*` keys on top (`config/kafka-client.ts` does the mapping), and
 * logging through the worker's logger instead of kafkajs's console output.
 */
import type { Logger } from '@tributary/api';
import { Kafka, type KafkaConfig, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import { type ClientKind, clientProps, kafkaConfig } from '../config/kafka-client.js';

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
