/**
 * TopicNameMatches: true for records whose whole topic name matches `pattern`, as Kafka's
 * `TopicNameMatches` (Java's `Matcher.matches()`, not a search). Patterns are JavaScript
 * regular expressions; a leading Java inline flag group such as `(?i)` is honoured.
 */
import { ConfigError, type ConnectRecord, defineConfig, definePredicate, string } from '@tributary/api';
import { TRANSFORMS_VERSION } from '../transforms/support.js';

/** `pattern` anchored at both ends, or an Error saying why it is not a valid expression. */
export function compileWholeMatch(pattern: string): RegExp {
  const inline = /^\(\?([imsu]+)\)/.exec(pattern);
  const flags = inline?.[1] ?? '';
  const body = inline === null ? pattern : pattern.slice(inline[0].length);
  try {
    return new RegExp(`^(?:${body})$`, [...new Set(flags)].join(''));
  } catch (err) {
    throw new Error(`Invalid regex: ${(err as Error).message}`, { cause: err });
  }
}

function regexProblem(pattern: string): string | undefined {
  try {
    compileWholeMatch(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const config = defineConfig({
  pattern: string({
    nonEmpty: true,
    doc: "A regular expression for matching against the name of a record's topic.",
    validValues: 'non-empty string, valid regex',
    validate: regexProblem,
  }),
});

export const topicNameMatches = definePredicate({
  name: 'TopicNameMatches',
  aliases: ['org.apache.kafka.connect.transforms.predicates.TopicNameMatches'],
  version: TRANSFORMS_VERSION,
  description: 'True for records with a topic name that matches the configured regular expression',
  config,
  create(values) {
    const problem = regexProblem(values.pattern);
    if (problem !== undefined) throw new ConfigError([{ key: 'pattern', value: values.pattern, message: problem }]);
    const regex = compileWholeMatch(values.pattern);
    return { test: (record: ConnectRecord) => regex.test(record.topic) };
  },
});
