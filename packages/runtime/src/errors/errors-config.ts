/**
 * The connector-level `errors.*` keys (Kafka's `ConnectorConfig`) and the sink-only
 * dead-letter-queue keys (`SinkConnectorConfig`), with Kafka Connect's names and defaults.
 * The connector config definition includes both; the error handler is built from their
 * parsed values.
 */
import { boolean, choice, defineConfig, int, long, string } from '@tributary/api';

const GROUP = 'Error Handling';

export const errorsConfig = defineConfig({
  'errors.retry.timeout': long({
    default: 0,
    min: -1,
    group: GROUP,
    orderInGroup: 1,
    displayName: 'Retry Timeout for Errors',
    doc:
      'The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which ' +
      'means no retries will be attempted. Use -1 for infinite retries. Only retriable errors are retried.',
  }),
  'errors.retry.delay.max.ms': long({
    default: 60000,
    min: 1,
    group: GROUP,
    orderInGroup: 2,
    displayName: 'Maximum Delay Between Retries for Errors',
    doc:
      'The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay ' +
      'once this limit is reached to prevent thundering herd issues.',
  }),
  'errors.tolerance': choice({
    values: ['none', 'all'] as const,
    default: 'none',
    group: GROUP,
    orderInGroup: 3,
    displayName: 'Error Tolerance',
    doc:
      'Behavior for tolerating errors during connector operation. "none" is the default value and signals that any ' +
      'error will result in an immediate connector task failure; "all" changes the behavior to skip over ' +
      'problematic records.',
  }),
  'errors.log.enable': boolean({
    default: false,
    group: GROUP,
    orderInGroup: 4,
    displayName: 'Log Errors',
    doc:
      'If true, write each error and the details of the failed operation and problematic record to the Connect ' +
      'application log. This is "false" by default, so that only errors that are not tolerated are reported.',
  }),
  'errors.log.include.messages': boolean({
    default: false,
    group: GROUP,
    orderInGroup: 5,
    displayName: 'Log Error Details',
    doc:
      'Whether to include in the log the Connect record that resulted in a failure. For sink records, the topic, ' +
      'partition, offset, and timestamp will be logged. For source records, the key and value (and their schemas), ' +
      'all headers, and the timestamp, Kafka topic, Kafka partition, source partition, and source offset will be ' +
      'logged. This is "false" by default, which will prevent record keys, values, and headers from being written ' +
      'to log files.',
  }),
});

export const deadLetterQueueConfig = defineConfig({
  'errors.deadletterqueue.topic.name': string({
    default: '',
    group: GROUP,
    orderInGroup: 6,
    displayName: 'Dead Letter Queue Topic Name',
    doc:
      'The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when ' +
      'processed by this sink connector, or its transformations or converters. The topic name is blank by default, ' +
      'which means that no messages are to be recorded in the DLQ.',
  }),
  'errors.deadletterqueue.topic.replication.factor': int({
    default: 3,
    min: -1,
    group: GROUP,
    orderInGroup: 7,
    displayName: 'Dead Letter Queue Topic Replication Factor',
    doc:
      "Replication factor used to create the dead letter queue topic when it doesn't already exist; capped to " +
      'the number of brokers in the cluster, -1 for the broker default.',
  }),
  'errors.deadletterqueue.context.headers.enable': boolean({
    default: false,
    group: GROUP,
    orderInGroup: 8,
    displayName: 'Enable Error Context Headers',
    doc:
      'If true, add headers containing error context to the messages written to the dead letter queue. To avoid ' +
      'clashing with headers from the original record, all error context header keys start with __connect.errors.',
  }),
});

export type ErrorsConfig = ReturnType<typeof errorsConfig.parse>;
export type DeadLetterQueueConfig = ReturnType<typeof deadLetterQueueConfig.parse>;
