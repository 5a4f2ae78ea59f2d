/**
 * `tributary connect-standalone worker.properties [connector1.properties connector2.json …]`:
 * Kafka's `connect-standalone.sh`. Runs the worker and its connectors in this process until
 * SIGINT or SIGTERM, then stops the tasks (flush, commit offsets) and exits 0; `bin.ts`
 * makes a second signal exit at once. The first line on stdout says where the REST API
 * listens; the worker's log goes to stderr.
 */
import { parseArgs } from 'node:util';
import { PluginRegistry, runStandalone, type StandaloneHandle } from '@tributary/runtime';
import { type Command, type CommandContext, UsageError } from '../command.js';
import { describeError } from '../describe-error.js';
import { parseOrThrow } from '../parse-options.js';
import { cliPlugins } from '../plugins.js';
import { untilAborted } from '../until-aborted.js';
import { cliVersion } from '../version.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const usage = `Usage: tributary connect-standalone [options] worker.properties [connector1.properties connector2.json …]

Runs a Kafka Connect standalone worker, as connect-standalone.sh does: the worker
properties (bootstrap.servers, key.converter, value.converter,
offset.storage.file.filename, listeners, …) and one file per connector, either Java
properties or the JSON body of POST /connectors or PUT /connectors/{name}/config.
Source offsets are kept in offset.storage.file.filename; connectors can also be created
through the REST API (default http://127.0.0.1:8083). Prints one line,
"tributary connect-standalone: REST API listening on URL (connectors: …)", once every
connector is created. SIGINT or SIGTERM stops the tasks (flushing and committing
offsets) and exits 0; a second signal exits at once.

Options:
  --log-level LEVEL  ${LOG_LEVELS.join(', ')} (default info); the log goes to stderr
  --log-format FMT   json or pretty (default: pretty when stderr is a terminal)
  -h, --help         show this help
`;

const options = {
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Invocation {
  readonly help: boolean;
  readonly workerPropsPath: string;
  readonly connectorPaths: readonly string[];
  readonly logLevel: string;
  readonly isPretty: boolean;
}

/** The command line as options and files; throws `UsageError` when it is wrong. */
export function connectStandaloneArgs(args: readonly string[], isTerminal = false): Invocation {
  const { values, positionals } = parseOrThrow(() =>
    parseArgs({ args: [...args], options, strict: true, allowPositionals: true }),
  );
  const logLevel = values['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`invalid value for --log-level: '${logLevel}' (expected one of ${LOG_LEVELS.join(', ')})`);
  }
  const format = values['log-format'];
  if (format !== undefined && format !== 'json' && format !== 'pretty') {
    throw new UsageError(`invalid value for --log-format: '${format}' (expected json or pretty)`);
  }
  const help = values.help ?? false;
  const [workerPropsPath, ...connectorPaths] = positionals;
  if (workerPropsPath === undefined && !help) {
    throw new UsageError(
      'missing the worker properties file (tributary connect-standalone worker.properties [connector1.properties …])',
    );
  }
  return {
    help,
    workerPropsPath: workerPropsPath ?? '',
    connectorPaths,
    logLevel,
    isPretty: format === undefined ? isTerminal : format === 'pretty',
  };
}

async function run(args: readonly string[], { stdout, stderr, signal }: CommandContext): Promise<number> {
  const invocation = connectStandaloneArgs(args, process.stderr.isTTY === true);
  if (invocation.help) {
    stdout.write(usage);
    return 0;
  }
  let handle: StandaloneHandle;
  try {
    handle = await runStandalone({
      workerPropsPath: invocation.workerPropsPath,
      connectorPaths: invocation.connectorPaths,
      registry: new PluginRegistry(cliPlugins),
      stdout,
      log: { level: invocation.logLevel, destination: 2, pretty: invocation.isPretty },
      version: cliVersion(),
    });
  } catch (err) {
    stderr.write(`tributary connect-standalone: cannot start: ${describeError(err)}\n`);
    return 1;
  }
  await untilAborted(signal);
  stderr.write('tributary connect-standalone: stopping (tasks flush and commit their offsets)\n');
  await handle.stop();
  stderr.write('tributary connect-standalone: stopped\n');
  return 0;
}

export const connectStandaloneCommand: Command = {
  name: 'connect-standalone',
  summary: 'run a Kafka Connect standalone worker with the given connector files',
  usage,
  run,
};
