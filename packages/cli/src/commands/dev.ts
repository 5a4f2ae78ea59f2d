/**
 * `tributary dev`: the embedded broker and the schema registry on it, in one process,
 * until SIGINT or SIGTERM — the zero-setup stack for trying pipelines. Prints the
 * broker's line, then the registry's, once both accept clients.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type RunningBroker, type RunningSchemaRegistry, startBroker, startSchemaRegistry } from '@tributary/devstack';
import type { Command, CommandContext } from '../command.js';
import { hostPort } from '../host-port.js';
import { integerOption, nonEmptyOption, parseOrThrow } from '../parse-options.js';
import { untilAborted } from '../until-aborted.js';
import { registryListeningLine } from './registry.js';

const DEFAULT_PORT = 9092;
const DEFAULT_REGISTRY_PORT = 8081;
const DEFAULT_HOST = '127.0.0.1';
const SCHEMAS_TOPIC = '_schemas';

const usage = `Usage: tributary dev [options]

Starts the embedded Kafka-protocol broker and the schema registry on it (development and
tests, never a production target), and runs until SIGINT or SIGTERM. Prints two lines,
"tributary broker listening on HOST:PORT (…)" and then
"tributary registry listening on http://HOST:PORT (…)", once both accept clients.

Options:
  --port N            broker TCP port; 0 picks a free one (default ${DEFAULT_PORT})
  --registry-port N   registry HTTP port; 0 picks a free one (default ${DEFAULT_REGISTRY_PORT})
  --host HOST         address both bind to (default ${DEFAULT_HOST})
  --data-dir DIR      keep topics, records, offsets and the registry's schemas in DIR
                      across restarts (default: memory only)
  -h, --help          show this help
`;

const options = {
  port: { type: 'string' },
  'registry-port': { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface DevArgs {
  readonly help: boolean;
  readonly port: number;
  readonly registryPort: number;
  readonly host: string;
  readonly dataDir: string | null;
}

/** Turns the command line into dev-stack options; throws `UsageError` on a bad flag or value. */
export function devOptionsFromArgs(args: readonly string[]): DevArgs {
  const { values } = parseOrThrow(() => parseArgs({ args: [...args], options, strict: true, allowPositionals: false }));
  const dataDir = values['data-dir'];
  return {
    help: values.help ?? false,
    port: values.port === undefined ? DEFAULT_PORT : integerOption('port', values.port, 0, 65535),
    registryPort:
      values['registry-port'] === undefined
        ? DEFAULT_REGISTRY_PORT
        : integerOption('registry-port', values['registry-port'], 0, 65535),
    host: values.host === undefined ? DEFAULT_HOST : nonEmptyOption('host', values.host, 'a host name or address'),
    dataDir: dataDir === undefined ? null : resolve(nonEmptyOption('data-dir', dataDir, 'a directory')),
  };
}

async function run(args: readonly string[], { stdout, stderr, signal }: CommandContext): Promise<number> {
  const opts = devOptionsFromArgs(args);
  if (opts.help) {
    stdout.write(usage);
    return 0;
  }
  let broker: RunningBroker;
  try {
    broker = await startBroker({
      port: opts.port,
      host: opts.host,
      ...(opts.dataDir === null ? {} : { dataDir: opts.dataDir }),
      log: (level, message) => stderr.write(`tributary broker: [${level}] ${message}\n`),
    });
  } catch (err) {
    stderr.write(
      `tributary dev: broker cannot start on ${hostPort(opts.host, opts.port)}: ${(err as Error).message}\n`,
    );
    return 1;
  }
  const storage = opts.dataDir === null ? 'memory only' : `data dir ${opts.dataDir}`;
  stdout.write(
    `tributary broker listening on ${hostPort(opts.host, broker.port)} (cluster id ${broker.clusterId}, ${storage})\n`,
  );

  let registry: RunningSchemaRegistry;
  try {
    registry = await startSchemaRegistry({
      port: opts.registryPort,
      host: opts.host,
      bootstrapServers: [broker.bootstrap],
      topic: SCHEMAS_TOPIC,
      log: (level, message) => stderr.write(`tributary registry: [${level}] ${message}\n`),
    });
  } catch (err) {
    const where = hostPort(opts.host, opts.registryPort);
    stderr.write(`tributary dev: registry cannot start on ${where}: ${(err as Error).message}\n`);
    await broker.stop();
    return 1;
  }
  stdout.write(registryListeningLine(registry, SCHEMAS_TOPIC, [broker.bootstrap]));

  await untilAborted(signal);
  stderr.write('tributary dev: stopping\n');
  await registry.stop();
  await broker.stop();
  stderr.write('tributary dev: stopped\n');
  return 0;
}

export const devCommand: Command = {
  name: 'dev',
  summary: 'run the embedded broker and schema registry together',
  usage,
  run,
};
