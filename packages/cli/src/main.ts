/**
 * The `tributary` command line: dispatches the first word to a command from an explicit
 * table, prints help and version, and turns a wrong command line into exit code 2.
 */

import { type Command, type CommandContext, UsageError } from './command.js';
import { brokerCommand } from './commands/broker.js';
import { connectMirrorMakerCommand } from './commands/connect-mirror-maker.js';
import { connectStandaloneCommand } from './commands/connect-standalone.js';
import { demoCommand } from './commands/demo.js';
import { devCommand } from './commands/dev.js';
import { mirrorCommand } from './commands/mirror.js';
import { registryCommand } from './commands/registry.js';
import { cliVersion } from './version.js';

/** Every command, in the order `tributary --help` lists them. */
export const commands: readonly Command[] = [
  brokerCommand,
  registryCommand,
  devCommand,
  connectStandaloneCommand,
  connectMirrorMakerCommand,
  mirrorCommand,
  demoCommand,
];

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 'help'.length) + 3;
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  lines.push(`  ${'help'.padEnd(width)}show the options of a command: tributary help <command>`);
  return `Usage: tributary <command> [options]

Tributary: Kafka Connect for Node.js.

Commands:
${lines.join('\n')}

Options:
  -h, --help     show this help
  -v, --version  print the version

Run 'tributary <command> --help' for the options of a command.
`;
}

function findCommand(name: string): Command {
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    throw new UsageError(`unknown command '${name}' (commands: ${commands.map((c) => c.name).join(', ')}, help)`);
  }
  return command;
}

/**
 * Runs `tributary` with `argv` (the arguments after the program name) and resolves to
 * the exit code. `context` defaults to the process's stdout and stderr and a signal that
 * is never aborted.
 */
export async function main(argv: readonly string[], context: Partial<CommandContext> = {}): Promise<number> {
  const ctx: CommandContext = {
    stdout: context.stdout ?? process.stdout,
    stderr: context.stderr ?? process.stderr,
    signal: context.signal ?? new AbortController().signal,
  };
  const [first, ...rest] = argv;
  let prefix = 'tributary';
  let helpHint = 'tributary --help';
  try {
    switch (first) {
      case undefined:
        ctx.stderr.write(helpText());
        return 2;
      case '-h':
      case '--help':
        ctx.stdout.write(helpText());
        return 0;
      case '-v':
      case '--version':
        ctx.stdout.write(`${cliVersion()}\n`);
        return 0;
      case 'help': {
        if (rest.length > 1) throw new UsageError(`help takes one command name, got: ${rest.join(' ')}`);
        ctx.stdout.write(rest[0] === undefined ? helpText() : findCommand(rest[0]).usage);
        return 0;
      }
      default: {
        if (first.startsWith('-')) throw new UsageError(`unknown option '${first}' (a command comes first)`);
        const command = findCommand(first);
        prefix = `tributary ${command.name}`;
        helpHint = `tributary ${command.name} --help`;
        return await command.run(rest, ctx);
      }
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    ctx.stderr.write(`${prefix}: ${err.message}\nRun '${helpHint}' for usage.\n`);
    return 2;
  }
}
