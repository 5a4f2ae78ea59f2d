import { type ConnectRecord, DataError, defineConfig, string } from '@tributary/api';
import { compileDateFormat, dateFormatProblem } from './date-format.js';
import { defineSimpleTransform, TRANSFORMS_VERSION } from './support.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka's placeholder syntax, not a JavaScript template.
const TOPIC = '${topic}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka's placeholder syntax, not a JavaScript template.
const TIMESTAMP = '${timestamp}';

const timestampRouterConfig = defineConfig({
  'topic.format': string({
    default: `${TOPIC}-${TIMESTAMP}`,
    importance: 'high',
    doc: `Format string which can contain ${TOPIC} and ${TIMESTAMP} as placeholders for the topic and timestamp, respectively.`,
  }),
  'timestamp.format': string({
    default: 'yyyyMMdd',
    importance: 'high',
    doc: 'Format string for the timestamp that is compatible with java.text.SimpleDateFormat (formatted in UTC).',
    validValues: 'SimpleDateFormat pattern',
    validate: dateFormatProblem,
  }),
});

/** Kafka's TimestampRouter: the topic from `topic.format`, with the record timestamp formatted in UTC. */
export const timestampRouter = defineSimpleTransform({
  name: 'TimestampRouter',
  version: TRANSFORMS_VERSION,
  description: "Renames the topic to a format of the original topic and the record's timestamp",
  config: timestampRouterConfig,
  create(config) {
    const topicFormat = config['topic.format'];
    const format = compileDateFormat(config['timestamp.format']);
    return <R extends ConnectRecord>(record: R): R => {
      if (record.timestamp === null) {
        throw new DataError(
          `Timestamp missing on record for topic "${record.topic}" (partition ${record.kafkaPartition ?? 'unassigned'})`,
        );
      }
      const timestamp = format.format(new Date(record.timestamp));
      const topic = topicFormat.split(TOPIC).join(record.topic).split(TIMESTAMP).join(timestamp);
      return { ...record, topic };
    };
  },
});
