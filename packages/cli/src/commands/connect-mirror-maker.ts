/**
 * `tributary connect-mirror-maker mm2.properties [--clusters B …] [--state-dir DIR]`:
 * Kafka's `connect-mirror-maker.sh`. Runs every flow of the MM2 driver file in this
 * process until SIGINT or SIGTERM, then stops the tasks (flush, commit offsets) and exits
 * 0; `bin.ts` makes a second signal exit at once. The first line on stdout says which
 * flows run; the log goes to stderr.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PluginRegistry } from '@tributary/runtime';
import { type Command, type CommandContext, UsageError } from '../command.js';
import { describeError } from '../describe-error.js';
import { parseOrThrow } from '../parse-options.js';
import { cliPlugins } from '../plugins.js';
import { untilAborted } from '../until-aborted.js';
import { type MirrorMakerHandle, runMirrorMaker } from './run-mirror-maker.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export const DEFAULT_STATE_DIR = './mm2-state';

const usage = `Usage: tributary connect-mirror-maker [options] mm2.properties

Runs MirrorMaker 2 from its driver file, as connect-mirror-maker.sh does: clusters,
<alias>.bootstrap.servers and other <alias>.* client keys, A->B.enabled, A->B.topics,
top-level and flow-scoped connector keys. Each flow A->B runs MirrorSourceConnector,
MirrorCheckpointConnector and MirrorHeartbeatConnector in a worker writing into B (a pair
that is not enabled only emits heartbeats, as in MM2). There is no REST API; each flow's
source offsets are kept in DIR/mm2-offsets.A->B.json. Prints one line,
"tributary connect-mirror-maker: running flows …", once every connector is created.
SIGINT or SIGTERM stops the tasks (flushing and committing offsets) and exits 0; a second
signal exits at once.

Options:
  --clusters ALIAS …  run only the flows whose target is one of these clusters (MM2's
                      --clusters; repeat it, separate with commas, or list them after it)
  --state-dir DIR     where flows keep their offsets files (default ${DEFAULT_STATE_DIR})
  --log-level LEVEL   ${LOG_LEVELS.join(', ')} (default info); the log goes to stderr
  --log-format FMT    json or pretty (default: pretty when stderr is a terminal)
  -h, --help          show this help
`;

const options = {
  clusters: { type: 'string', multiple: true },
  'state-dir': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ConnectMirrorMakerInvocation {
  readonly help: boolean;
  readonly propsPath: string;
  /** Undefined: every flow. */
  readonly targetClusters: readonly string[] | undefined;
  readonly stateDir: string;
  readonly logLevel: string;
  readonly isPretty: boolean;
}

/**
 * The command line as options and the file; throws `UsageError` when it is wrong. As in
 * MM2, `--clusters A B` takes the words after it as aliases, up to the next option or the
 * properties file (a word ending in `.properties` or naming an existing file).
 */
export function connectMirrorMakerArgs(args: readonly string[], isTerminal = false): ConnectMirrorMakerInvocation {
  const { values, tokens } = parseOrThrow(() =>
    parseArgs({ args: [...args], options, strict: true, allowPositionals: true, tokens: true }),
  );
  const files: string[] = [];
  const clusters: string[] = [];
  let isAfterClusters = false;
  for (const token of tokens) {
    if (token.kind === 'option') {
      isAfterClusters = token.name === 'clusters';
      if (isAfterClusters && token.value !== undefined) clusters.push(...splitList(token.value));
    } else if (token.kind === 'positional') {
      if (isAfterClusters && !looksLikeFile(token.value)) clusters.push(...splitList(token.value));
      else files.push(token.value);
    } else {
      isAfterClusters = false;
    }
  }
  const logLevel = values['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`invalid value for --log-level: '${logLevel}' (expected one of ${LOG_LEVELS.join(', ')})`);
  }
  const format = values['log-format'];
  if (format !== undefined && format !== 'json' && format !== 'pretty') {
    throw new UsageError(`invalid value for --log-format: '${format}' (expected json or pretty)`);
  }
  const help = values.help ?? false;
  if (!help && files.length === 0) {
    throw new UsageError('missing the MirrorMaker properties file (tributary connect-mirror-maker mm2.properties)');
  }
  if (files.length > 1) {
    throw new UsageError(`expected one properties file, got: ${files.join(' ')}`);
  }
  if (values.clusters !== undefined && clusters.length === 0) {
    throw new UsageError('--clusters needs at least one cluster alias');
  }
  const stateDir = values['state-dir'] ?? DEFAULT_STATE_DIR;
  if (stateDir.trim() === '')
    throw new UsageError(`invalid value for --state-dir: '${stateDir}' (expected a directory)`);
  return {
    help,
    propsPath: files[0] ?? '',
    targetClusters: values.clusters === undefined ? undefined : clusters,
    stateDir,
    logLevel,
    isPretty: format === undefined ? isTerminal : format === 'pretty',
  };
}

function looksLikeFile(word: string): boolean {
  return word.endsWith('.properties') || existsSync(word);
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

async function run(args: readonly string[], { stdout, stderr, signal }: CommandContext): Promise<number> {
  const invocation = connectMirrorMakerArgs(args, process.stderr.isTTY === true);
  if (invocation.help) {
    stdout.write(usage);
    return 0;
  }
  let handle: MirrorMakerHandle;
  try {
    handle = await runMirrorMaker({
      propsPath: invocation.propsPath,
      ...(invocation.targetClusters === undefined ? {} : { targetClusters: invocation.targetClusters }),
      stateDir: invocation.stateDir,
      registry: new PluginRegistry(cliPlugins),
      log: { level: invocation.logLevel, destination: 2, pretty: invocation.isPretty },
    });
  } catch (err) {
    stderr.write(`tributary connect-mirror-maker: cannot start: ${describeError(err)}\n`);
    return 1;
  }
  const flows = handle.plan.flows.map((f) => `${f.name} (${f.connectors.map((c) => c.name).join(', ')})`);
  stdout.write(
    `tributary connect-mirror-maker: running flows ${flows.join(', ')}; offsets in ${resolve(invocation.stateDir)}\n`,
  );
  await untilAborted(signal);
  stderr.write('tributary connect-mirror-maker: stopping (tasks flush and commit their offsets)\n');
  await handle.stop();
  stderr.write('tributary connect-mirror-maker: stopped\n');
  return 0;
}

export const connectMirrorMakerCommand: Command = {
  name: 'connect-mirror-maker',
  summary: 'run MirrorMaker 2 replication flows from an MM2 properties file',
  usage,
  run,
};
