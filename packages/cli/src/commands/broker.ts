/**
 * `tributary broker`: the embedded Kafka-protocol broker as a process, until SIGINT or
 * SIGTERM. The first line on stdout says where it listens, so scripts and tests can wait
 * for it and read the port back when they asked for `--port 0`.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BrokerOptions, type RunningBroker, startBroker } from '@tributary/devstack';
import type { Command, CommandContext } from '../command.js';
import { hostPort } from '../host-port.js';
import { integerOption, nonEmptyOption, parseOrThrow } from '../parse-options.js';
import { untilAborted } from '../until-aborted.js';

const DEFAULT_PORT = 9092;
const DEFAULT_HOST = '127.0.0.1';

const usage = `Usage: tributary broker [options]

Starts the embedded Kafka-protocol broker, a single-node cluster for development and
tests (never a production target), and runs until SIGINT or SIGTERM. Prints one line,
"tributary broker listening on HOST:PORT (…)", once clients can connect.

Options:
  --port N                 TCP port; 0 picks a free one (default ${DEFAULT_PORT})
  --host HOST              address to bind (default ${DEFAULT_HOST})
  --advertised-host HOST   host name clients are told to connect to in Metadata and
                           FindCoordinator answers (default: --host)
  --data-dir DIR           keep topics, records, committed offsets and configs in DIR
                           across restarts (default: memory only)
  --partitions N           partitions of auto-created topics (default 1)
  --no-auto-create-topics  answer UNKNOWN_TOPIC_OR_PARTITION for unknown topics instead
                           of creating them
  -h, --help               show this help
`;

const options = {
  port: { type: 'string' },
  host: { type: 'string' },
  'advertised-host': { type: 'string' },
  'data-dir': { type: 'string' },
  partitions: { type: 'string' },
  'no-auto-create-topics': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Turns the command line into broker options; throws `UsageError` on a bad flag or value. */
export function brokerOptionsFromArgs(args: readonly string[]): BrokerOptions & { help: boolean } {
  const { values } = parseOrThrow(() => parseArgs({ args: [...args], options, strict: true, allowPositionals: false }));
  const result: BrokerOptions & { help: boolean } = {
    help: values.help ?? false,
    port: values.port === undefined ? DEFAULT_PORT : integerOption('port', values.port, 0, 65535),
    host: values.host === undefined ? DEFAULT_HOST : nonEmptyOption('host', values.host, 'a host name or address'),
    autoCreateTopics: !(values['no-auto-create-topics'] ?? false),
  };
  const advertised = values['advertised-host'];
  if (advertised !== undefined) result.advertisedHost = nonEmptyOption('advertised-host', advertised, 'a host name');
  const dataDir = values['data-dir'];
  if (dataDir !== undefined) result.dataDir = resolve(nonEmptyOption('data-dir', dataDir, 'a directory'));
  if (values.partitions !== undefined) {
    result.numPartitions = integerOption('partitions', values.partitions, 1, 100_000);
  }
  return result;
}

async function run(args: readonly string[], { stdout, stderr, signal }: CommandContext): Promise<number> {
  const { help, ...brokerOptions } = brokerOptionsFromArgs(args);
  if (help) {
    stdout.write(usage);
    return 0;
  }
  const host = brokerOptions.host ?? DEFAULT_HOST;
  let broker: RunningBroker;
  try {
    broker = await startBroker({
      ...brokerOptions,
      log: (level, message) => stderr.write(`tributary broker: [${level}] ${message}\n`),
    });
  } catch (err) {
    const where = hostPort(host, brokerOptions.port ?? DEFAULT_PORT);
    stderr.write(`tributary broker: cannot start on ${where}: ${(err as Error).message}\n`);
    return 1;
  }

  const details = [`cluster id ${broker.clusterId}`];
  if (broker.host !== host) details.unshift(`advertised as ${broker.bootstrap}`);
  details.push(brokerOptions.dataDir === undefined ? 'memory only' : `data dir ${brokerOptions.dataDir}`);
  stdout.write(`tributary broker listening on ${hostPort(host, broker.port)} (${details.join(', ')})\n`);

  await untilAborted(signal);
  stderr.write('tributary broker: stopping\n');
  await broker.stop();
  stderr.write('tributary broker: stopped\n');
  return 0;
}

export const brokerCommand: Command = {
  name: 'broker',
  summary: 'run the embedded Kafka-protocol broker (development and tests)',
  usage,
  run,
};
