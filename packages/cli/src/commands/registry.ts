/**
 * `tributary registry`: the embedded Confluent-compatible schema registry as a process,
 * keeping its state in a topic of the broker given by --bootstrap-servers, until SIGINT
 * or SIGTERM. The first line on stdout says where it listens (with the real port when
 * `--port 0` was asked for).
 */
import { parseArgs } from 'node:util';
import { type RunningSchemaRegistry, type SchemaRegistryOptions, startSchemaRegistry } from '@tributary/devstack';
import type { Command, CommandContext } from '../command.js';
import { UsageError } from '../command.js';
import { hostPort } from '../host-port.js';
import { integerOption, nonEmptyOption, parseOrThrow } from '../parse-options.js';
import { untilAborted } from '../until-aborted.js';

const DEFAULT_PORT = 8081;
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_TOPIC = '_schemas';

const usage = `Usage: tributary registry --bootstrap-servers HOST:PORT[,HOST:PORT…] [options]

Starts the embedded schema registry, speaking the Confluent Schema Registry REST API
(AVRO, JSON and PROTOBUF schemas; development and tests, never a production target), and
runs until SIGINT or SIGTERM. Its schemas and settings live in a compacted topic on the
broker, so a restarted registry serves the same subjects and ids. Prints one line,
"tributary registry listening on http://HOST:PORT (…)", once clients can connect.

Options:
  --bootstrap-servers LIST  the Kafka broker(s) keeping the registry's topic (required)
  --port N                  HTTP port; 0 picks a free one (default ${DEFAULT_PORT})
  --host HOST               address to bind (default ${DEFAULT_HOST})
  --topic NAME              the topic holding schemas and settings, Confluent's
                            kafkastore.topic (default ${DEFAULT_TOPIC})
  -h, --help                show this help
`;

const options = {
  'bootstrap-servers': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  topic: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `host:port[,host:port…]`, each port a number; a `UsageError` naming the flag otherwise. */
export function bootstrapServersOption(flag: string, value: string): string[] {
  const servers = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = servers.find((s) => !/^(\[[^\]]+\]|[^:[\]]+):\d{1,5}$/.test(s));
  if (servers.length === 0 || bad !== undefined) {
    throw new UsageError(`invalid value for --${flag}: '${value}' (expected HOST:PORT[,HOST:PORT…])`);
  }
  return servers;
}

type RegistryArgs = Omit<SchemaRegistryOptions, 'log'> & { help: boolean };

/** Turns the command line into registry options; throws `UsageError` on a bad flag or value. */
export function registryOptionsFromArgs(args: readonly string[]): RegistryArgs {
  const { values } = parseOrThrow(() => parseArgs({ args: [...args], options, strict: true, allowPositionals: false }));
  const help = values.help ?? false;
  const bootstrap = values['bootstrap-servers'];
  if (bootstrap === undefined && !help) throw new UsageError('--bootstrap-servers is required');
  return {
    help,
    bootstrapServers: bootstrap === undefined ? [] : bootstrapServersOption('bootstrap-servers', bootstrap),
    port: values.port === undefined ? DEFAULT_PORT : integerOption('port', values.port, 0, 65535),
    host: values.host === undefined ? DEFAULT_HOST : nonEmptyOption('host', values.host, 'a host name or address'),
    topic: values.topic === undefined ? DEFAULT_TOPIC : nonEmptyOption('topic', values.topic, 'a topic name'),
  };
}

/** The line both `registry` and `dev` print once the registry listens. */
export function registryListeningLine(
  registry: RunningSchemaRegistry,
  topic: string,
  bootstrap: readonly string[],
): string {
  return `tributary registry listening on ${registry.url} (topic ${topic} on ${bootstrap.join(',')})\n`;
}

async function run(args: readonly string[], { stdout, stderr, signal }: CommandContext): Promise<number> {
  const { help, ...registryOptions } = registryOptionsFromArgs(args);
  if (help) {
    stdout.write(usage);
    return 0;
  }
  let registry: RunningSchemaRegistry;
  try {
    registry = await startSchemaRegistry({
      ...registryOptions,
      log: (level, message) => stderr.write(`tributary registry: [${level}] ${message}\n`),
    });
  } catch (err) {
    const where = hostPort(registryOptions.host ?? DEFAULT_HOST, registryOptions.port ?? DEFAULT_PORT);
    stderr.write(`tributary registry: cannot start on ${where}: ${(err as Error).message}\n`);
    return 1;
  }
  stdout.write(
    registryListeningLine(registry, registryOptions.topic ?? DEFAULT_TOPIC, registryOptions.bootstrapServers),
  );

  await untilAborted(signal);
  stderr.write('tributary registry: stopping\n');
  await registry.stop();
  stderr.write('tributary registry: stopped\n');
  return 0;
}

export const registryCommand: Command = {
  name: 'registry',
  summary: 'run the embedded Confluent-compatible schema registry on a broker',
  usage,
  run,
};
