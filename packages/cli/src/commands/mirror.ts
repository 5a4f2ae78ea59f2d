/**
 * `tributary mirror status|verify|inventory mm2.properties`: the migration tools of
 * @tributary/mirror for the flows of an MM2 driver file. This file parses the command line
 * and prints; the work is in the mirror package (`mirrorStatus`, `mirrorVerify`,
 * `mirrorInventory`).
 */
import { parseArgs } from 'node:util';
import {
  formatInventoryReport,
  formatStatusReport,
  formatVerifyReport,
  type MirrorMakerPlan,
  mirrorInventory,
  mirrorMakerPlan,
  mirrorStatus,
  mirrorVerify,
} from '@tributary/mirror';
import { readPropertiesFile } from '@tributary/runtime';
import { type Command, type CommandContext, type Output, UsageError } from '../command.js';
import { describeError } from '../describe-error.js';
import { integerOption, parseOrThrow } from '../parse-options.js';
import { DEFAULT_STATE_DIR } from './connect-mirror-maker.js';

const TOOLS = ['status', 'verify', 'inventory'] as const;
type Tool = (typeof TOOLS)[number];

const usage = `Usage: tributary mirror <tool> [options] mm2.properties

Migration tools for the replication flows of a MirrorMaker 2 driver file (the file
tributary connect-mirror-maker runs). They read both clusters and change nothing.

Tools:
  status     per replicated partition: source end offset, mirrored position, records
             behind, newest replicated record, latency; per consumer group: committed
             offset on the source, translated offset (checkpoint), offset on the target,
             and why a group or partition is not written to the target
  verify     per partition on both clusters: record count, offset range and SHA-256 over
             key, value, headers and timestamp of every record in order; prints EQUAL or
             the first difference (partition, record, what differs); exit code 0 only
             when every partition is equal
  inventory  the source cluster's topics (partitions, records, last produce time) and
             consumer groups (state, lag, last consumed record), marked replicated or not

Options:
  --flow A->B          only this flow (repeatable; default every enabled flow)
  --topics REGEX       only source topics matching REGEX (status, verify)
  --state-dir DIR      where connect-mirror-maker keeps the offsets files (status;
                       default ${DEFAULT_STATE_DIR})
  --wait-seconds N     verify: wait up to N seconds for the target to hold every record
                       the source had when verify started (default 30)
  --allow-duplicates   verify: accept runs of records the mirror sent twice after a
                       crash (at-least-once), as long as every source record is there in
                       order
  --json               print the report as JSON
  -h, --help           show this help
`;

const options = {
  flow: { type: 'string', multiple: true },
  topics: { type: 'string' },
  'state-dir': { type: 'string' },
  'wait-seconds': { type: 'string' },
  'allow-duplicates': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface MirrorInvocation {
  readonly help: boolean;
  readonly tool: Tool;
  readonly propsPath: string;
  readonly flows: readonly string[] | undefined;
  readonly topics: RegExp | undefined;
  readonly stateDir: string;
  readonly waitMs: number;
  readonly allowDuplicates: boolean;
  readonly isJson: boolean;
}

/** The command line; throws `UsageError` when it is wrong. */
export function mirrorArgs(args: readonly string[]): MirrorInvocation {
  const { values, positionals } = parseOrThrow(() =>
    parseArgs({ args: [...args], options, strict: true, allowPositionals: true }),
  );
  const help = values.help ?? false;
  const [toolName, propsPath, ...extra] = positionals;
  if (!help && toolName === undefined) throw new UsageError(`missing the tool (${TOOLS.join(', ')})`);
  if (toolName !== undefined && !(TOOLS as readonly string[]).includes(toolName)) {
    throw new UsageError(`unknown tool '${toolName}' (tools: ${TOOLS.join(', ')})`);
  }
  if (!help && propsPath === undefined) {
    throw new UsageError(`missing the MirrorMaker properties file (tributary mirror ${toolName} mm2.properties)`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  let topics: RegExp | undefined;
  if (values.topics !== undefined) {
    try {
      topics = new RegExp(values.topics);
    } catch (err) {
      throw new UsageError(`invalid value for --topics: '${values.topics}' (${(err as Error).message})`);
    }
  }
  const waitSeconds =
    values['wait-seconds'] === undefined ? 30 : integerOption('wait-seconds', values['wait-seconds'], 0, 86_400);
  const stateDir = values['state-dir'] ?? DEFAULT_STATE_DIR;
  if (stateDir.trim() === '')
    throw new UsageError(`invalid value for --state-dir: '${stateDir}' (expected a directory)`);
  return {
    help,
    tool: (toolName ?? 'status') as Tool,
    propsPath: propsPath ?? '',
    flows: values.flow,
    topics,
    stateDir,
    waitMs: waitSeconds * 1000,
    allowDuplicates: values['allow-duplicates'] ?? false,
    isJson: values.json ?? false,
  };
}

async function run(args: readonly string[], { stdout, stderr, signal }: CommandContext): Promise<number> {
  const invocation = mirrorArgs(args);
  if (invocation.help) {
    stdout.write(usage);
    return 0;
  }
  let plan: MirrorMakerPlan;
  try {
    plan = mirrorMakerPlan(readPropertiesFile(invocation.propsPath), { stateDir: invocation.stateDir });
  } catch (err) {
    stderr.write(`tributary mirror ${invocation.tool}: ${describeError(err)}\n`);
    return 1;
  }
  try {
    return await runTool(invocation, plan, stdout, signal);
  } catch (err) {
    stderr.write(`tributary mirror ${invocation.tool}: ${describeError(err)}\n`);
    return 1;
  }
}

async function runTool(
  invocation: MirrorInvocation,
  plan: MirrorMakerPlan,
  stdout: Output,
  signal: AbortSignal,
): Promise<number> {
  const flows = invocation.flows === undefined ? {} : { flows: invocation.flows };
  const topics = invocation.topics === undefined ? {} : { topics: invocation.topics };
  const print = (report: unknown, text: string): void => {
    stdout.write(invocation.isJson ? `${JSON.stringify(report, null, 2)}\n` : text);
  };
  switch (invocation.tool) {
    case 'status': {
      const report = await mirrorStatus(plan, { ...flows, ...topics });
      print(report, formatStatusReport(report));
      return 0;
    }
    case 'verify': {
      const report = await mirrorVerify(plan, {
        ...flows,
        ...topics,
        waitMs: invocation.waitMs,
        allowDuplicates: invocation.allowDuplicates,
        signal,
      });
      print(report, formatVerifyReport(report));
      return report.isEqual ? 0 : 1;
    }
    case 'inventory': {
      const report = await mirrorInventory(plan, flows);
      print(report, formatInventoryReport(report));
      return 0;
    }
  }
}

export const mirrorCommand: Command = {
  name: 'mirror',
  summary: 'migration tools for MM2 flows: status, verify, inventory',
  usage,
  run,
};
